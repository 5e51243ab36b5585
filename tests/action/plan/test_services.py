"""Changing the action plan: activities, dependencies and milestones through the services."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from commonground.action.models import Activity, ActivityDependency, Milestone
from commonground.action.plan import services
from commonground.convening.models import Notification
from commonground.core.errors import DomainError, PermissionDenied
from commonground.core.models import AuditEvent
from commonground.initiatives.models import Membership
from commonground.initiatives.roles import Role
from tests.action.plan.plan_world import build
from tests.conftest import make_user

Status = Activity.Status


@pytest.fixture
def plan(world):
    return build(world)


def code_of(call) -> str:
    with pytest.raises(DomainError) as caught:
        call()
    return caught.value.code


def state():
    """What a refused call must leave as it was."""
    return (
        list(Activity.objects.order_by("pk").values()),
        list(ActivityDependency.objects.order_by("pk").values()),
        list(Milestone.objects.order_by("pk").values()),
        list(Activity.goals.through.objects.order_by("pk").values()),
        list(Activity.indicators.through.objects.order_by("pk").values()),
        AuditEvent.objects.count(),
    )


def new_data(world, plan, **extra):
    return {
        "partnership": world.partners["a"],
        "title": "Summer reading camp",
        "strategy": plan.strategies["tutoring"],
        "goals": [plan.goals["grad"]],
        "indicators": [plan.indicators["served"]],
        "working_group": plan.group,
        "population": "Rising first graders",
        "geography": "Albemarle County",
        "starts_on": date(2026, 6, 15),
        "ends_on": date(2026, 8, 15),
        "status": Status.PLANNED,
        **extra,
    }


# --- creating and changing activities ---------------------------------------------------------


def test_partner_lead_adds_own_activity_with_its_links_and_an_audit_event(world, plan):
    activity = services.create_activity(
        actor=world.users["partner_lead_a"], initiative=world.alpha, data=new_data(world, plan)
    )
    activity.refresh_from_db()
    assert activity.partnership == world.partners["a"]
    assert activity.strategy == plan.strategies["tutoring"]
    assert list(activity.goals.all()) == [plan.goals["grad"]]
    assert list(activity.indicators.all()) == [plan.indicators["served"]]
    event = AuditEvent.objects.get(action="activity.created", object_id=str(activity.pk))
    assert event.actor == world.users["partner_lead_a"]
    assert event.after["goals"] == ["grad"]
    assert event.after["ends_on"] == "2026-08-15"


@pytest.mark.parametrize(
    ("persona", "partner"),
    [
        ("partner_lead_a", "b"),
        ("reporter_a", "a"),
        ("funder", "a"),
        ("viewer", "a"),
        ("facilitator", "a"),
        ("outsider", "a"),
    ],
)
def test_only_the_partner_and_the_lead_add_its_activities(world, plan, persona, partner):
    before = state()
    data = new_data(world, plan, partnership=world.partners[partner])
    with pytest.raises(PermissionDenied):
        services.create_activity(actor=world.users[persona], initiative=world.alpha, data=data)
    assert state() == before


def test_the_lead_adds_and_changes_any_partners_activity(world, plan):
    lead = world.users["lead"]
    data = new_data(world, plan, partnership=world.partners["b"])
    activity = services.create_activity(actor=lead, initiative=world.alpha, data=data)
    services.update_activity(actor=lead, activity=activity, data={"status": Status.ACTIVE})
    activity.refresh_from_db()
    assert activity.status == Status.ACTIVE


@pytest.mark.parametrize(
    ("field", "other"),
    [
        ("strategy", "strategy"),
        ("working_group", "group"),
        ("goals", "goal"),
        ("indicators", "indicator"),
    ],
)
def test_links_to_another_initiative_are_refused_and_change_nothing(world, plan, field, other):
    value = plan.beta[other]
    value = [value] if field in ("goals", "indicators") else value
    lead = world.users["lead"]
    before = state()
    with pytest.raises(DomainError) as caught:
        services.create_activity(
            actor=lead, initiative=world.alpha, data=new_data(world, plan, **{field: value})
        )
    assert caught.value.code == "other_initiative"
    assert caught.value.details["field"] == field
    assert "another initiative" in caught.value.message
    activity = plan.activities["tutors"]
    assert (
        code_of(
            lambda: services.update_activity(actor=lead, activity=activity, data={field: value})
        )
        == "other_initiative"
    )
    assert state() == before


def test_another_initiatives_partner_is_refused(world, plan):
    data = new_data(world, plan, partnership=world.beta_partner)
    before = state()
    assert (
        code_of(
            lambda: services.create_activity(
                actor=world.users["lead"], initiative=world.alpha, data=data
            )
        )
        == "other_initiative"
    )
    assert state() == before


def test_end_before_start_is_refused_on_create_and_update(world, plan):
    lead = world.users["lead"]
    before = state()
    data = new_data(world, plan, starts_on=date(2026, 9, 1), ends_on=date(2026, 8, 31))
    with pytest.raises(DomainError) as caught:
        services.create_activity(actor=lead, initiative=world.alpha, data=data)
    assert caught.value.code == "dates_out_of_order"
    assert "2026-08-31" in caught.value.message and "2026-09-01" in caught.value.message
    # Only the end date changes, and it falls before the stored start.
    tutors = plan.activities["tutors"]
    assert (
        code_of(
            lambda: services.update_activity(
                actor=lead, activity=tutors, data={"ends_on": date(2025, 1, 1)}
            )
        )
        == "dates_out_of_order"
    )
    assert state() == before


@pytest.mark.parametrize(
    ("extra", "code"),
    [
        ({"title": "   "}, "title_required"),
        ({"budget": -5}, "negative_amount"),
        ({"status": "dreaming"}, "invalid_activity"),
        ({"colour": "red"}, "unknown_field"),
        ({"partnership": None}, "partner_required"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(world, plan, extra, code):
    before = state()
    data = new_data(world, plan, **extra)
    assert (
        code_of(
            lambda: services.create_activity(
                actor=world.users["lead"], initiative=world.alpha, data=data
            )
        )
        == code
    )
    assert state() == before


def test_a_retired_strategy_stays_but_cannot_be_newly_chosen(world, plan):
    attendance = plan.strategies["attendance"]
    attendance.is_retired = True
    attendance.save()
    lead = world.users["lead"]
    data = new_data(world, plan, strategy=attendance)
    assert (
        code_of(lambda: services.create_activity(actor=lead, initiative=world.alpha, data=data))
        == "retired"
    )
    tutoring = plan.strategies["tutoring"]
    tutoring.is_retired = True
    tutoring.save()
    tutors = plan.activities["tutors"]
    services.update_activity(
        actor=lead, activity=tutors, data={"strategy": tutoring, "title": "Reading tutors (v2)"}
    )
    tutors.refresh_from_db()
    assert tutors.title == "Reading tutors (v2)"


def test_partners_change_only_their_own_activities(world, plan):
    clubs = plan.activities["clubs"]  # partner B's
    before = state()
    with pytest.raises(PermissionDenied):
        services.update_activity(
            actor=world.users["partner_lead_a"], activity=clubs, data={"title": "Mine now"}
        )
    with pytest.raises(PermissionDenied):
        services.delete_activity(actor=world.users["partner_lead_a"], activity=clubs)
    tutors = plan.activities["tutors"]  # partner A's, but B is not A's to give away to
    with pytest.raises(PermissionDenied):
        services.update_activity(
            actor=world.users["partner_lead_a"],
            activity=tutors,
            data={"partnership": world.partners["b"]},
        )
    assert state() == before


def test_update_is_audited_with_before_and_after(world, plan):
    tutors = plan.activities["tutors"]
    services.update_activity(
        actor=world.users["partner_lead_a"],
        activity=tutors,
        data={"population": "Kindergartners and pre-K", "indicators": [plan.indicators["served"]]},
    )
    event = AuditEvent.objects.get(action="activity.updated")
    assert event.before["population"] == "Kindergartners"
    assert event.after["population"] == "Kindergartners and pre-K"
    assert event.before["indicators"] == [] and event.after["indicators"] == ["served"]


def test_stalling_tells_the_partners_whose_activities_depend_on_it(world, plan):
    lead_b = make_user("lead_b")
    Membership.objects.create(
        user=lead_b,
        initiative=world.alpha,
        role=Role.PARTNER_LEAD,
        partnership=world.partners["b"],
    )
    clubs, tutors = plan.activities["clubs"], plan.activities["tutors"]
    ActivityDependency.objects.create(activity=clubs, depends_on=tutors)
    services.update_activity(
        actor=world.users["partner_lead_a"], activity=tutors, data={"status": Status.STALLED}
    )
    [note] = Notification.objects.filter(kind="activity.blocked")
    assert note.recipient == lead_b
    assert "Reading tutors" in note.text and "Book clubs" in note.text
    assert note.url == f"/i/alpha/plan/activities/{clubs.pk}/"


def test_deleting_removes_milestones_and_dependencies_and_is_audited(world, plan):
    tutors = plan.activities["tutors"]
    Milestone.objects.create(activity=tutors, title="Recruit", due_on=date(2026, 1, 1))
    services.delete_activity(actor=world.users["partner_lead_a"], activity=tutors)
    assert not Activity.objects.filter(pk=tutors.pk).exists()
    assert not ActivityDependency.objects.filter(activity_id=tutors.pk).exists()
    assert not Milestone.objects.filter(activity_id=tutors.pk).exists()
    event = AuditEvent.objects.get(action="activity.deleted")
    assert event.before["title"] == "Reading tutors"


# --- dependencies -------------------------------------------------------------------------------


def test_a_dependency_is_added_audited_and_the_other_partner_told(world, plan):
    lead_b = make_user("lead_b")
    Membership.objects.create(
        user=lead_b, initiative=world.alpha, role=Role.PARTNER_LEAD, partnership=world.partners["b"]
    )
    tutors, clubs = plan.activities["tutors"], plan.activities["clubs"]
    services.add_dependency(
        actor=world.users["partner_lead_a"], activity=tutors, depends_on=clubs, note="the books"
    )
    assert ActivityDependency.objects.get(activity=tutors, depends_on=clubs).note == "the books"
    event = AuditEvent.objects.get(action="activity.dependency_added")
    assert event.after == {"depends_on": clubs.pk, "title": "Book clubs", "note": "the books"}
    [note] = Notification.objects.filter(kind="activity.needed")
    assert note.recipient == lead_b
    assert "Reading tutors" in note.text


def test_a_cycle_is_refused_with_the_chain_that_would_close_it(world, plan):
    tutors, training, clubs = (plan.activities[k] for k in ("tutors", "training", "clubs"))
    lead = world.users["lead"]
    services.add_dependency(actor=lead, activity=clubs, depends_on=tutors)  # clubs→tutors→training
    before = state()
    with pytest.raises(DomainError) as caught:
        services.add_dependency(actor=lead, activity=training, depends_on=clubs)
    assert caught.value.code == "dependency_cycle"
    assert caught.value.details["path"] == [clubs.pk, tutors.pk, training.pk]
    assert "“Book clubs” → “Reading tutors” → “Tutor training”" in caught.value.message
    assert state() == before


@pytest.mark.parametrize(
    ("pick", "code"),
    [
        (lambda plan: plan.activities["tutors"], "dependency_self"),
        (lambda plan: plan.activities["training"], "dependency_exists"),
        (lambda plan: plan.beta["activity"], "other_initiative"),
    ],
)
def test_bad_dependencies_are_refused_and_change_nothing(world, plan, pick, code):
    before = state()
    call = lambda: services.add_dependency(  # noqa: E731
        actor=world.users["lead"], activity=plan.activities["tutors"], depends_on=pick(plan)
    )
    assert code_of(call) == code
    assert state() == before


def test_dependencies_are_the_activitys_partners_to_change(world, plan):
    clubs, tutors = plan.activities["clubs"], plan.activities["tutors"]
    before = state()
    with pytest.raises(PermissionDenied):
        services.add_dependency(
            actor=world.users["partner_lead_a"], activity=clubs, depends_on=tutors
        )
    with pytest.raises(PermissionDenied):
        services.remove_dependency(
            actor=world.users["reporter_a"], activity=tutors, depends_on=plan.activities["training"]
        )
    assert state() == before


def test_removing_a_dependency(world, plan):
    tutors, training = plan.activities["tutors"], plan.activities["training"]
    services.remove_dependency(
        actor=world.users["partner_lead_a"], activity=tutors, depends_on=training
    )
    assert not ActivityDependency.objects.filter(activity=tutors).exists()
    assert AuditEvent.objects.get(action="activity.dependency_removed").before["title"] == (
        "Tutor training"
    )
    assert (
        code_of(
            lambda: services.remove_dependency(
                actor=world.users["lead"], activity=tutors, depends_on=training
            )
        )
        == "no_such_dependency"
    )


# --- milestones ---------------------------------------------------------------------------------


def test_milestones_are_added_marked_done_and_removed(world, plan):
    actor = world.users["partner_lead_a"]
    tutors = plan.activities["tutors"]
    milestone = services.add_milestone(
        actor=actor, activity=tutors, title=" Recruit 40 tutors ", due_on=date(2026, 1, 15)
    )
    assert milestone.title == "Recruit 40 tutors"
    today = timezone.localdate()
    services.set_milestone_done(actor=actor, milestone=milestone, done_on=today)
    milestone.refresh_from_db()
    assert milestone.done_on == today
    services.set_milestone_done(actor=actor, milestone=milestone, done_on=None)
    services.delete_milestone(actor=actor, milestone=milestone)
    assert not Milestone.objects.exists()
    assert list(
        AuditEvent.objects.filter(object_type="action.milestone")
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["milestone.added", "milestone.done", "milestone.undone", "milestone.deleted"]


def test_bad_milestones_are_refused(world, plan):
    actor = world.users["partner_lead_a"]
    tutors = plan.activities["tutors"]
    milestone = Milestone.objects.create(activity=tutors, title="Recruit", due_on=date(2026, 1, 1))
    before = state()
    tomorrow = timezone.localdate() + timedelta(days=1)
    calls = {
        "title_required": lambda: services.add_milestone(
            actor=actor, activity=tutors, title=" ", due_on=date(2026, 1, 1)
        ),
        "due_required": lambda: services.add_milestone(
            actor=actor, activity=tutors, title="Recruit", due_on=None
        ),
        "done_in_future": lambda: services.set_milestone_done(
            actor=actor, milestone=milestone, done_on=tomorrow
        ),
    }
    for code, call in calls.items():
        assert code_of(call) == code
    with pytest.raises(PermissionDenied):
        services.delete_milestone(actor=world.users["reporter_b"], milestone=milestone)
    assert state() == before
