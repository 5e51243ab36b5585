"""The daily convening run, for a fixed day: action items due soon and overdue, decision reviews
and decisions past their closing time — each reminder once, in the app and by e-mail."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.utils import timezone

from commonground.convening.models import ActionItem, Decision, Notification
from commonground.convening.reminders import send_convening_reminders
from commonground.convening.services import action_items as items
from commonground.convening.services import decisions
from commonground.initiatives.models import WorkingGroup
from tests.convening.decisions.helpers import add_item, local, occurrence, open_decision

pytestmark = pytest.mark.django_db
TODAY = date(2031, 3, 12)


class RefusingBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")


@pytest.fixture
def plan(world):
    """Action items around ``TODAY``, all owned by reporter A unless said otherwise."""
    meeting = occurrence(world.alpha, local(2031, 3, 1))

    def item(title, due_on, owner="reporter_a"):
        return add_item(world, meeting, title, due_on, owner)

    made = {
        "today": item("Due today", TODAY),
        "in_two_days": item("Due in two days", TODAY + timedelta(days=2)),
        "in_three_days": item("Due in three days", TODAY + timedelta(days=3)),
        "yesterday": item("Due yesterday", TODAY - timedelta(days=1), owner="lead"),
        "long_ago": item("Due long ago", TODAY - timedelta(days=40)),
        "done_late": item("Done", TODAY - timedelta(days=5)),
        "cancelled": item("Cancelled", TODAY - timedelta(days=5)),
    }
    items.complete_action_item(actor=world.users["reporter_a"], item=made["done_late"])
    items.set_action_item_status(
        actor=world.users["facilitator"], item=made["cancelled"], status="cancelled"
    )
    Notification.objects.all().delete()  # keep only what the run sends
    return made


def notes(kind):
    return sorted((n.recipient.username, n.text) for n in Notification.objects.filter(kind=kind))


def test_due_soon_and_overdue_items_are_reminded_once(world, plan):
    outcome = send_convening_reminders(today=TODAY, base_url="https://cg.example")
    assert (outcome.due_soon, outcome.overdue, outcome.failed) == (2, 2, 0)
    assert notes("action_item_due") == [
        ("reporter_a", "Reminder: “Due in two days” is due on 2031-03-14."),
        ("reporter_a", "Reminder: “Due today” is due on 2031-03-12."),
    ]
    # Overdue: the owner, and the backbone lead (who is told once, even as the owner).
    assert notes("action_item_overdue") == [
        ("lead", "Overdue: “Due long ago” (Reporter A) was due on 2031-01-31."),
        ("lead", "Overdue: “Due yesterday” was due on 2031-03-11."),
        ("reporter_a", "Overdue: “Due long ago” was due on 2031-01-31."),
    ]
    assert sorted((m.to[0], m.subject) for m in mail.outbox) == [
        ("lead@example.org", "Overdue: “Due long ago” (Reporter A) was due on 2031-01-31."),
        ("lead@example.org", "Overdue: “Due yesterday” was due on 2031-03-11."),
        ("reporter_a@example.org", "Overdue: “Due long ago” was due on 2031-01-31."),
        ("reporter_a@example.org", "Reminder: “Due in two days” is due on 2031-03-14."),
        ("reporter_a@example.org", "Reminder: “Due today” is due on 2031-03-12."),
    ]
    assert outcome.emails == 5
    body = next(m.body for m in mail.outbox if "Due today" in m.subject)
    assert "https://cg.example/i/alpha/my-work/" in body
    lead_body = next(m.body for m in mail.outbox if "(Reporter A)" in m.subject)
    assert "https://cg.example/i/alpha/action-items/?show=overdue" in lead_body

    # E-mailed already: the digest leaves them out.
    assert not Notification.objects.filter(digested_at=None).exists()

    plan["today"].refresh_from_db()
    plan["long_ago"].refresh_from_db()
    assert plan["today"].reminded_at is not None
    assert plan["long_ago"].overdue_notified_at is not None

    mail.outbox.clear()
    again = send_convening_reminders(today=TODAY)
    assert (again.due_soon, again.overdue, again.emails) == (0, 0, 0)
    assert mail.outbox == []


def test_an_item_reminded_before_is_reported_again_once_overdue(world, plan):
    send_convening_reminders(today=TODAY)
    later = send_convening_reminders(today=TODAY + timedelta(days=3))
    # "today" and "in two days" are overdue now; "in three days" is due today.
    assert (later.due_soon, later.overdue) == (1, 2)


def test_a_failed_email_leaves_the_reminder_for_the_next_run(world, plan, settings):
    settings.EMAIL_BACKEND = "tests.convening.decisions.test_reminders.RefusingBackend"
    outcome = send_convening_reminders(today=TODAY)
    assert (outcome.due_soon, outcome.overdue, outcome.failed) == (0, 0, 4)
    assert not Notification.objects.exists()
    assert not ActionItem.objects.exclude(reminded_at=None, overdue_notified_at=None).exists()


def test_decision_reviews_come_back_once_to_the_facilitator_and_the_opener(world):
    body = WorkingGroup.objects.create(
        initiative=world.alpha,
        code="early",
        name="Early grades",
        facilitator=world.users["steering"],
    )
    decision = open_decision(world, body=body)
    decisions.close_decision(
        actor=world.users["lead"], decision=decision, review_on=date(2031, 3, 10)
    )
    not_yet = open_decision(world, title="Reviewed later")
    decisions.close_decision(
        actor=world.users["lead"], decision=not_yet, review_on=date(2031, 6, 1)
    )
    outcome = send_convening_reminders(today=TODAY)
    assert outcome.reviews == 1
    assert notes("decision_review") == [
        (
            "facilitator",
            "Time to review the decision “Adopt the literacy strategy” (review date 2031-03-10).",
        ),
        (
            "steering",
            "Time to review the decision “Adopt the literacy strategy” (review date 2031-03-10).",
        ),
    ]
    assert sorted(m.to[0] for m in mail.outbox) == [
        "facilitator@example.org",
        "steering@example.org",
    ]
    assert f"/i/alpha/decisions/{decision.pk}/" in mail.outbox[0].body
    assert send_convening_reminders(today=TODAY).reviews == 0


def test_the_run_closes_decisions_past_their_closing_time(world):
    decision = open_decision(world)
    Decision.objects.filter(pk=decision.pk).update(closes_at=timezone.now() - timedelta(hours=1))
    outcome = send_convening_reminders(today=TODAY)
    assert outcome.decisions_closed == 1
    decision.refresh_from_db()
    assert (decision.status, decision.outcome) == ("closed", "no_quorum")


def test_other_initiatives_are_left_alone_when_one_is_named(world, plan):
    outcome = send_convening_reminders(today=TODAY, initiatives=[world.beta])
    assert (outcome.due_soon, outcome.overdue) == (0, 0)


def test_the_daily_command_runs_the_convening_reminders(world, plan):
    out = StringIO()
    call_command("send_reminders", "--today", TODAY.isoformat(), stdout=out)
    assert "2 action items due soon and 2 overdue reminded" in out.getvalue()
    assert ActionItem.objects.exclude(reminded_at=None).count() == 2


def test_the_daily_command_fails_when_reminders_could_not_be_sent(world, plan, settings):
    from django.core.management.base import CommandError

    settings.EMAIL_BACKEND = "tests.convening.decisions.test_reminders.RefusingBackend"
    with pytest.raises(CommandError, match="4 reminders could not be sent"):
        call_command("send_reminders", "--today", TODAY.isoformat(), stdout=StringIO())
