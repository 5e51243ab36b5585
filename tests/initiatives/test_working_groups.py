"""Working groups through their services: create, change, members, shared measures."""

from decimal import Decimal

import pytest

from commonground.core.errors import DomainError, PermissionDenied
from commonground.core.models import AuditEvent
from commonground.initiatives.models import WorkingGroup
from commonground.initiatives.working_groups import services
from commonground.insight.models import Rollup
from commonground.insight.rollups import verify_rollups
from commonground.measurement import services as measurement
from commonground.measurement.models import Indicator, ReportingAssignment
from tests.action.plan.plan_world import indicator as make_indicator

Kind = WorkingGroup.Kind


@pytest.fixture
def group(world):
    return services.create_working_group(
        actor=world.users["facilitator"],
        initiative=world.alpha,
        data={"code": "early", "name": "Early Grades Network", "kind": Kind.NETWORK},
    )


def state():
    return (
        list(WorkingGroup.objects.order_by("pk").values()),
        list(WorkingGroup.partnerships.through.objects.order_by("pk").values()),
        list(WorkingGroup.members.through.objects.order_by("pk").values()),
        list(Indicator.shared_by_groups.through.objects.order_by("pk").values()),
        AuditEvent.objects.count(),
    )


def code_of(call) -> str:
    with pytest.raises(DomainError) as caught:
        call()
    return caught.value.code


def test_a_facilitator_creates_and_changes_a_group(world, group):
    assert AuditEvent.objects.get(action="working_group.created").after["code"] == "early"
    services.update_working_group(
        actor=world.users["lead"],
        group=group,
        data={
            "activity_type": "early literacy",
            "charter": "We meet to read.",
            "cadence": "every two weeks",
            "facilitator": world.users["facilitator"],
        },
    )
    group.refresh_from_db()
    assert group.facilitator == world.users["facilitator"]
    event = AuditEvent.objects.get(action="working_group.updated")
    assert event.before["cadence"] == "" and event.after["cadence"] == "every two weeks"


@pytest.mark.parametrize("persona", ["steering", "partner_lead_a", "funder", "viewer", "outsider"])
def test_only_the_lead_and_facilitators_manage_groups(world, group, persona):
    before = state()
    actor = world.users[persona]
    with pytest.raises(PermissionDenied):
        services.create_working_group(
            actor=actor, initiative=world.alpha, data={"code": "x", "name": "X"}
        )
    with pytest.raises(PermissionDenied):
        services.update_working_group(actor=actor, group=group, data={"name": "Mine"})
    with pytest.raises(PermissionDenied):
        services.set_members(actor=actor, group=group, partnerships=[], people=[actor])
    assert state() == before


@pytest.mark.parametrize(
    ("data", "code"),
    [
        ({"code": "early", "name": "Again"}, "code_taken"),
        ({"code": "", "name": "No code"}, "code_required"),
        ({"code": "ok", "name": "  "}, "name_required"),
        ({"code": "Not a slug!", "name": "Bad"}, "invalid_group"),
        ({"code": "ok", "name": "Odd", "kind": "club"}, "invalid_group"),
        ({"code": "ok", "name": "Odd", "colour": "red"}, "unknown_field"),
    ],
)
def test_bad_groups_are_refused_and_change_nothing(world, group, data, code):
    before = state()
    call = lambda: services.create_working_group(  # noqa: E731
        actor=world.users["lead"], initiative=world.alpha, data=data
    )
    assert code_of(call) == code
    assert state() == before


def test_one_steering_committee_and_a_fixed_code(world, group):
    lead = world.users["lead"]
    services.create_working_group(
        actor=lead,
        initiative=world.alpha,
        data={"code": "steering", "name": "Steering", "kind": Kind.STEERING_COMMITTEE},
    )
    before = state()
    assert (
        code_of(
            lambda: services.update_working_group(
                actor=lead, group=group, data={"kind": Kind.STEERING_COMMITTEE}
            )
        )
        == "one_steering_committee"
    )
    assert (
        code_of(lambda: services.update_working_group(actor=lead, group=group, data={"code": "x"}))
        == "code_fixed"
    )
    assert state() == before


def test_the_facilitator_and_members_must_belong_to_the_initiative(world, group):
    lead, outsider = world.users["lead"], world.users["outsider"]
    before = state()
    assert (
        code_of(
            lambda: services.update_working_group(
                actor=lead, group=group, data={"facilitator": outsider}
            )
        )
        == "facilitator_not_member"
    )
    assert (
        code_of(
            lambda: services.set_members(
                actor=lead, group=group, partnerships=[], people=[outsider]
            )
        )
        == "person_not_member"
    )
    assert (
        code_of(
            lambda: services.set_members(
                actor=lead, group=group, partnerships=[world.beta_partner], people=[]
            )
        )
        == "other_initiative"
    )
    assert state() == before


def test_members_are_set_audited_and_the_groups_figures_follow(world, group):
    """The group's rollups add up its members: changing them recomputes the figures."""
    indicator = make_indicator(world.alpha, "served", "Children served")
    manager = world.users["data_manager"]
    for code, value in (("a", 10), ("b", 32)):
        partnership = world.partners[code]
        ReportingAssignment.objects.create(indicator=indicator, partnership=partnership)
        submission = measurement.open_submission(
            actor=manager, partnership=partnership, period="2024"
        )
        measurement.save_values(
            actor=manager,
            submission=submission,
            entries=[measurement.Entry(indicator=indicator, cell={}, value=Decimal(value))],
        )
        measurement.submit_submission(actor=manager, submission=submission)
        measurement.approve_submission(actor=manager, submission=submission)
    a, b = world.partners["a"], world.partners["b"]
    services.set_members(
        actor=world.users["facilitator"], group=group, partnerships=[a, b], people=[manager]
    )
    figure = Rollup.objects.get(indicator=indicator, working_group=group, cell="")
    assert figure.value == 42
    services.set_members(actor=world.users["lead"], group=group, partnerships=[a], people=[])
    figure = Rollup.objects.get(indicator=indicator, working_group=group, cell="")
    assert figure.value == 10
    assert verify_rollups([world.alpha]).drift == 0
    events = AuditEvent.objects.filter(action="working_group.members_changed").order_by("pk")
    assert [e.after["partnerships"] for e in events] == [["a", "b"], ["a"]]
    assert events[0].after["people"] == [manager.pk]
    # Setting the same members again writes nothing.
    services.set_members(actor=world.users["lead"], group=group, partnerships=[a], people=[])
    assert events.count() == 2


def test_shared_measures_are_the_data_managers(world, group):
    indicator = make_indicator(world.alpha, "served", "Children served")
    with pytest.raises(PermissionDenied):
        services.set_shared_measures(
            actor=world.users["facilitator"], group=group, indicators=[indicator]
        )
    services.set_shared_measures(
        actor=world.users["data_manager"], group=group, indicators=[indicator]
    )
    assert list(group.shared_measures.all()) == [indicator]
    event = AuditEvent.objects.get(action="working_group.measures_changed")
    assert event.after == {"shared_measures": ["served"]}
    beta = make_indicator(world.beta, "visits", "Visits")
    before = state()
    assert (
        code_of(
            lambda: services.set_shared_measures(
                actor=world.users["lead"], group=group, indicators=[beta]
            )
        )
        == "other_initiative"
    )
    assert state() == before
