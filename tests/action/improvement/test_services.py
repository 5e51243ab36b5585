"""Running improvement projects: who may, what is refused (nothing changed then), the audit."""

from datetime import date

import pytest

from commonground.action.improvement import services
from commonground.action.improvement.services import CycleData, ProjectData
from commonground.action.models import ImprovementProject, PDSACycle, ProjectMeasure
from commonground.convening.models import Notification
from commonground.core.errors import DomainError, PermissionDenied
from commonground.core.models import AuditEvent
from commonground.initiatives.models import Membership, WorkingGroup
from tests.action.improvement.world import MANAGERS, OWNER, project
from tests.insight.reportcard_world import make_indicator

ALL_MEMBERS = [
    "lead",
    "data_manager",
    "facilitator",
    "steering",
    "partner_lead_a",
    "reporter_a",
    "reporter_b",
    "funder",
    "viewer",
    "outsider",
]


def state():
    """Everything a refused call must leave as it was."""
    return (
        list(ImprovementProject.objects.values()),
        list(ProjectMeasure.objects.values()),
        list(PDSACycle.objects.values()),
        AuditEvent.objects.count(),
        Notification.objects.count(),
    )


def cycle_data(**changes) -> CycleData:
    fields = {
        "title": "Texts after the second absence",
        "plan": "Two schools text families after a second absence.",
        "prediction": "Absences fall by 10% in those schools.",
        "started_on": date(2024, 9, 1),
    }
    return CycleData(**{**fields, **changes})


def project_data(world, **changes) -> ProjectData:
    fields = {"title": "Ready for kindergarten", "aim": "80% ready by fall 2027."}
    return ProjectData(**{**fields, **changes})


@pytest.mark.parametrize("persona", ALL_MEMBERS)
def test_who_starts_a_project(world, persona):
    data = project_data(world, owner=world.users["reporter_a"])
    if persona in MANAGERS:
        made = services.create_project(
            actor=world.users[persona], initiative=world.alpha, data=data
        )
        assert made.owner == world.users["reporter_a"]
        event = AuditEvent.objects.get(action="improvement.created")
        assert event.after["aim"] == "80% ready by fall 2027."
        # The new owner hears of it.
        assert Notification.objects.get().recipient == world.users["reporter_a"]
    else:
        before = state()
        with pytest.raises(PermissionDenied):
            services.create_project(actor=world.users[persona], initiative=world.alpha, data=data)
        assert state() == before


@pytest.mark.parametrize("persona", ALL_MEMBERS)
def test_who_changes_a_project_its_measures_and_cycles(world, persona):
    made = project(world)
    indicator = make_indicator(world.alpha, "absent")
    actor = world.users[persona]
    if persona in MANAGERS | {OWNER}:
        services.update_project(
            actor=actor, project=made, data=project_data(world, owner=made.owner)
        )
        services.add_measure(actor=actor, project=made, kind="outcome", indicator=indicator)
        services.add_cycle(actor=actor, project=made, data=cycle_data())
        assert made.cycles.count() == 1
    else:
        before = state()
        for call in (
            lambda: services.update_project(actor=actor, project=made, data=project_data(world)),
            lambda: services.add_measure(actor=actor, project=made, kind="process", name="x"),
            lambda: services.add_cycle(actor=actor, project=made, data=cycle_data()),
        ):
            with pytest.raises(PermissionDenied):
                call()
        assert state() == before


def test_an_owner_who_left_no_longer_runs_the_project(world):
    made = project(world)
    Membership.objects.filter(user=world.users[OWNER]).update(is_active=False)
    with pytest.raises(PermissionDenied):
        services.add_cycle(actor=world.users[OWNER], project=made, data=cycle_data())


def refused(call) -> str:
    before = state()
    with pytest.raises(DomainError) as caught:
        call()
    assert state() == before
    return caught.value.code


def test_bad_projects_are_refused(world):
    lead = world.users["lead"]
    beta_group = WorkingGroup.objects.create(initiative=world.beta, code="g", name="Beta group")

    def create(**changes):
        return lambda: services.create_project(
            actor=lead, initiative=world.alpha, data=project_data(world, **changes)
        )

    assert refused(create(title=" ")) == "title_missing"
    assert refused(create(aim="")) == "aim_missing"
    assert refused(create(status="paused")) == "unknown_status"
    assert refused(create(owner=world.users["outsider"])) == "owner_not_member"
    assert refused(create(working_group=beta_group)) == "wrong_initiative"
    assert refused(create(partnership=world.beta_partner)) == "wrong_initiative"


def test_a_measure_tied_to_another_initiatives_indicator_is_refused(world):
    made = project(world)
    theirs = make_indicator(world.beta, "beta_visits")
    code = refused(
        lambda: services.add_measure(
            actor=world.users["lead"], project=made, kind="outcome", indicator=theirs
        )
    )
    assert code == "indicator_wrong_initiative"


def test_other_bad_measures_are_refused(world):
    made = project(world)
    lead = world.users["lead"]
    ours = make_indicator(world.alpha, "absent")
    services.add_measure(actor=lead, project=made, kind="outcome", indicator=ours)
    for kwargs, code in [
        ({"kind": "outcome"}, "measure_unnamed"),
        ({"kind": "outcome", "name": "   "}, "measure_unnamed"),
        ({"kind": "side", "name": "x"}, "unknown_kind"),
        ({"kind": "outcome", "indicator": ours}, "measure_duplicate"),
        ({"kind": "process", "name": "x" * 301}, "name_too_long"),
    ]:
        assert refused(lambda kw=kwargs: services.add_measure(actor=lead, project=made, **kw)) == (
            code
        )
    # The same indicator may be another kind of measure.
    services.add_measure(actor=lead, project=made, kind="balancing", indicator=ours)


def test_a_cycle_whose_act_is_set_before_its_study_is_refused(world):
    made = project(world)
    lead = world.users["lead"]
    assert refused(
        lambda: services.add_cycle(actor=lead, project=made, data=cycle_data(act="adopt"))
    ) == ("act_before_study")
    cycle = services.add_cycle(actor=lead, project=made, data=cycle_data())
    assert refused(
        lambda: services.update_cycle(
            actor=lead, cycle=cycle, data=cycle_data(act="adopt", study="  ")
        )
    ) == ("act_before_study")


def test_other_bad_cycles_are_refused(world):
    made = project(world)
    other = project(world, title="Another project")
    theirs = services.add_measure(
        actor=world.users["lead"], project=other, kind="process", name="Visits"
    )
    lead = world.users["lead"]
    for changes, code in [
        ({"title": ""}, "title_missing"),
        ({"plan": ""}, "plan_missing"),
        ({"prediction": " "}, "prediction_missing"),
        ({"started_on": None}, "start_missing"),
        ({"ended_on": date(2024, 8, 31)}, "dates_reversed"),
        ({"measure": theirs}, "measure_wrong_project"),
        ({"study": "Done.", "act": "continue"}, "unknown_decision"),
    ]:
        assert (
            refused(
                lambda c=changes: services.add_cycle(actor=lead, project=made, data=cycle_data(**c))
            )
            == code
        )


def test_cycles_are_numbered_written_step_by_step_and_the_owner_hears_the_decision(world):
    made = project(world)
    facilitator = world.users["facilitator"]
    first = services.add_cycle(actor=facilitator, project=made, data=cycle_data())
    second = services.add_cycle(actor=facilitator, project=made, data=cycle_data(title="Visits"))
    assert (first.number, second.number) == (1, 2)
    Notification.objects.all().delete()
    services.update_cycle(
        actor=facilitator,
        cycle=first,
        data=cycle_data(
            ended_on=date(2024, 12, 15),
            do_notes="Both schools sent texts from week 2.",
            study="Absences fell 6%, not the 10% predicted.",
            act="adapt",
            act_notes="Add a phone call after the third absence.",
        ),
    )
    first.refresh_from_db()
    assert (first.act, first.ended_on) == ("adapt", date(2024, 12, 15))
    event = AuditEvent.objects.filter(action="improvement.cycle_updated").get()
    assert (event.before["act"], event.after["act"]) == ("", "adapt")
    notice = Notification.objects.get()
    assert notice.recipient == world.users[OWNER]
    assert notice.text == "Fewer absences, PDSA 1: adapt."
    # Saving again without a new decision tells no one again.
    services.update_cycle(
        actor=facilitator, cycle=first, data=cycle_data(study="Fell 6%.", act="adapt")
    )
    assert Notification.objects.count() == 1


def test_removing_a_measure_keeps_the_cycles_that_used_it(world):
    made = project(world)
    lead = world.users["lead"]
    measure = services.add_measure(actor=lead, project=made, kind="process", name="Texts sent")
    cycle = services.add_cycle(actor=lead, project=made, data=cycle_data(measure=measure))
    services.remove_measure(actor=lead, measure=measure)
    cycle.refresh_from_db()
    assert cycle.measure is None
    event = AuditEvent.objects.get(action="improvement.measure_removed")
    assert event.before["name"] == "Texts sent"
    with pytest.raises(PermissionDenied):
        other = services.add_measure(actor=lead, project=made, kind="process", name="Calls")
        services.remove_measure(actor=world.users["viewer"], measure=other)
