"""Creating, changing and completing action items through the services."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from commonground.convening.models import ActionItem, Notification
from commonground.convening.services import action_items as services
from commonground.core.errors import DomainError, PermissionDenied
from commonground.core.models import AuditEvent
from commonground.initiatives.models import Membership
from tests.convening.decisions.helpers import local, occurrence, open_decision

pytestmark = pytest.mark.django_db
DUE = date(2031, 3, 14)


def state():
    return (
        list(ActionItem.objects.values_list("pk", "title", "owner", "due_on", "status")),
        AuditEvent.objects.count(),
        Notification.objects.count(),
    )


@pytest.fixture
def meeting(world):
    return occurrence(world.alpha, local(2031, 3, 1))


def create(world, meeting, *, actor="facilitator", owner="reporter_a", **extra):
    extra.setdefault("occurrence", meeting)
    return services.create_action_item(
        actor=world.users[actor] if actor else None,
        initiative=extra.pop("initiative", world.alpha),
        title=extra.pop("title", "Send the attendance figures"),
        owner=world.users[owner],
        due_on=extra.pop("due_on", DUE),
        **extra,
    )


def test_create_from_a_meeting_audits_and_tells_the_owner(world, meeting):
    item = create(world, meeting, description="  For the spring report. ")
    assert (item.owner, item.status, item.description) == (
        world.users["reporter_a"],
        "open",
        "For the spring report.",
    )
    event = AuditEvent.objects.get(action="action_item.created")
    assert event.object_id == str(item.pk)
    assert event.after["due_on"] == "2031-03-14"
    note = Notification.objects.get(kind="action_item_assigned")
    assert (note.recipient, note.url) == (world.users["reporter_a"], "/i/alpha/my-work/")


def test_create_from_a_decision(world):
    decision = open_decision(world)
    item = services.create_action_item(
        actor=world.users["facilitator"],
        initiative=world.alpha,
        title="Draft the letter",
        owner=world.users["steering"],
        due_on=DUE,
        decision=decision,
    )
    assert list(decision.action_items.all()) == [item]


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"title": " "}, "title_required"),
        ({"occurrence": None}, "source_required"),
        ({"owner": "outsider"}, "owner_not_member"),
    ],
)
def test_create_refuses_bad_input(world, meeting, change, code):
    before = state()
    with pytest.raises(DomainError) as error:
        create(world, meeting, **change)
    assert error.value.code == code
    assert state() == before


def test_the_owner_must_be_an_active_member(world, meeting):
    Membership.objects.filter(user=world.users["reporter_a"]).update(is_active=False)
    with pytest.raises(DomainError) as error:
        create(world, meeting)
    assert error.value.code == "owner_not_member"


def test_a_meeting_of_another_initiative_is_refused(world):
    theirs = occurrence(world.beta, local(2031, 3, 1))
    with pytest.raises(DomainError) as error:
        create(world, theirs)
    assert error.value.code == "wrong_initiative"


@pytest.mark.parametrize("persona", ["steering", "reporter_a", "data_manager", "outsider"])
def test_only_those_who_run_meetings_create(world, meeting, persona):
    before = state()
    with pytest.raises(PermissionDenied):
        create(world, meeting, actor=persona)
    assert state() == before


def test_update_records_only_what_changed_and_restarts_reminders(world, meeting):
    item = create(world, meeting)
    ActionItem.objects.filter(pk=item.pk).update(
        reminded_at=timezone.now(), overdue_notified_at=timezone.now()
    )
    item = services.update_action_item(
        actor=world.users["facilitator"],
        item=item,
        changes={"owner": world.users["reporter_b"], "due_on": DUE + timedelta(days=7)},
    )
    item.refresh_from_db()
    assert item.owner == world.users["reporter_b"]
    assert item.reminded_at is None and item.overdue_notified_at is None
    event = AuditEvent.objects.get(action="action_item.updated")
    assert event.before == {"owner": world.users["reporter_a"].pk, "due_on": "2031-03-14"}
    assert event.after == {"owner": world.users["reporter_b"].pk, "due_on": "2031-03-21"}
    assert Notification.objects.filter(
        kind="action_item_assigned", recipient=world.users["reporter_b"]
    ).exists()


def test_an_update_that_changes_nothing_writes_nothing(world, meeting):
    item = create(world, meeting)
    before = state()
    services.update_action_item(
        actor=world.users["facilitator"], item=item, changes={"title": item.title}
    )
    assert state() == before


def test_update_refuses_other_fields_and_other_people(world, meeting):
    item = create(world, meeting)
    before = state()
    with pytest.raises(DomainError) as error:
        services.update_action_item(
            actor=world.users["facilitator"], item=item, changes={"status": "done"}
        )
    assert error.value.code == "not_editable"
    with pytest.raises(PermissionDenied):
        services.update_action_item(
            actor=world.users["reporter_a"], item=item, changes={"title": "Mine now"}
        )
    assert state() == before


def test_the_owner_moves_their_item_along(world, meeting):
    item = create(world, meeting)
    owner = world.users["reporter_a"]
    services.set_action_item_status(actor=owner, item=item, status="in_progress")
    item = services.complete_action_item(actor=owner, item=item)
    assert item.status == "done" and item.completed_at is not None
    moves = AuditEvent.objects.filter(action="action_item.status_changed").order_by("pk")
    assert [e.after["status"] for e in moves] == ["in_progress", "done"]
    # The facilitator who created it is told it is done.
    assert Notification.objects.filter(
        kind="action_item_done", recipient=world.users["facilitator"]
    ).exists()
    item = services.set_action_item_status(actor=owner, item=item, status="open")
    assert item.completed_at is None


def test_completion_may_be_recorded_after_the_fact_but_not_in_the_future(world, meeting):
    item = create(world, meeting)
    then = timezone.now() - timedelta(days=3)
    item = services.complete_action_item(
        actor=world.users["facilitator"], item=item, completed_at=then
    )
    assert item.completed_at == then
    other = create(world, meeting, title="Another")
    with pytest.raises(DomainError) as error:
        services.complete_action_item(
            actor=world.users["facilitator"],
            item=other,
            completed_at=timezone.now() + timedelta(hours=1),
        )
    assert error.value.code == "bad_completed_at"


@pytest.mark.parametrize("persona", ["reporter_b", "steering", "viewer", "outsider"])
def test_others_cannot_change_the_status(world, meeting, persona):
    item = create(world, meeting)
    before = state()
    with pytest.raises(PermissionDenied):
        services.set_action_item_status(actor=world.users[persona], item=item, status="done")
    assert state() == before


def test_unknown_status_is_refused(world, meeting):
    item = create(world, meeting)
    with pytest.raises(DomainError) as error:
        services.set_action_item_status(
            actor=world.users["reporter_a"], item=item, status="forgotten"
        )
    assert error.value.code == "unknown_status"


def test_open_items_of_a_person_earliest_due_first(world, meeting):
    late = create(world, meeting, title="Late", due_on=date(2020, 1, 1))
    soon = create(world, meeting, title="Soon", due_on=DUE)
    done = create(world, meeting, title="Done", due_on=date(2019, 1, 1))
    services.complete_action_item(actor=world.users["reporter_a"], item=done)
    create(world, meeting, title="Not theirs", owner="reporter_b")
    items = services.open_items_of(world.users["reporter_a"], world.alpha)
    assert list(items) == [late, soon]
