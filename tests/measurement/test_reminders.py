"""Reminder e-mails before and after deadlines: once per kind, never twice, with frozen days."""

import io
import smtplib
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from commonground.initiatives.models import Membership, WorkingGroup
from commonground.measurement import reminders
from commonground.measurement.models import Indicator, ReminderLog, ReportingAssignment, Submission
from commonground.measurement.reminders import send_reminders, send_reminders_task

BASE = "https://cg.example.org"
# 2024 ends on 31 December; 30 days later, 30 January 2025, the report is due.
WEEK_BEFORE, DUE_DAY, DAY_AFTER = date(2025, 1, 23), date(2025, 1, 30), date(2025, 1, 31)


@pytest.fixture
def grad(world):
    grad = Indicator.objects.create(
        initiative=world.alpha,
        code="grad",
        name="On-time graduation",
        value_type="count",
        aggregation="sum",
        frequency="annual",
    )
    for code in ("a", "b"):
        ReportingAssignment.objects.create(
            indicator=grad, partnership=world.partners[code], deadline_days=30
        )
    return grad


def run(world, today, **kwargs):
    return send_reminders(today=today, initiatives=[world.alpha], base_url=BASE, **kwargs)


def sent_to(mailoutbox) -> list:
    return sorted(address for message in mailoutbox for address in message.to)


def test_a_before_reminder_goes_once_to_the_partners_leads_and_reporters(world, grad, mailoutbox):
    outcome = run(world, WEEK_BEFORE)
    assert (outcome.sent, outcome.emails) == (2, 3)
    assert sent_to(mailoutbox) == [
        "partner_lead_a@example.org",
        "reporter_a@example.org",
        "reporter_b@example.org",
    ]
    message = next(m for m in mailoutbox if m.to == ["reporter_a@example.org"])
    assert message.subject == "Reminder: the 2024 report of Alpha Schools is due on 30 January 2025"
    assert "is due on Thursday 30 January 2025" in message.body
    assert "- On-time graduation — due 30 January 2025" in message.body
    assert f"{BASE}/i/alpha/reporting/a/2024/" in message.body
    assert set(ReminderLog.objects.values_list("partnership__code", "period", "kind")) == {
        ("a", "2024", "before"),
        ("b", "2024", "before"),
    }
    # The next days of the window: nothing more.
    for day in (date(2025, 1, 24), DUE_DAY):
        again = run(world, day)
        assert (again.sent, again.already_sent) == (0, 2)
    assert len(mailoutbox) == 3


def test_no_before_reminder_earlier_than_the_window(world, grad, mailoutbox):
    assert run(world, date(2025, 1, 22)).sent == 0
    assert mailoutbox == []


def test_an_overdue_reminder_goes_once_only_to_partners_who_did_not_submit(world, grad, mailoutbox):
    Submission.objects.create(partnership=world.partners["b"], period="2024", status="submitted")
    Submission.objects.create(partnership=world.partners["a"], period="2024", status="draft")
    assert run(world, DUE_DAY).sent == 1  # the before reminder, for a only
    mailoutbox.clear()
    outcome = run(world, DAY_AFTER)
    assert outcome.sent == 1
    assert sent_to(mailoutbox) == ["partner_lead_a@example.org", "reporter_a@example.org"]
    assert mailoutbox[0].subject == "The 2024 report of Alpha Schools was due on 30 January 2025"
    assert "not too late" in mailoutbox[0].body
    assert run(world, date(2025, 2, 7)).sent == 0  # once per kind


def test_long_overdue_reports_are_left_to_the_backbone(world, grad, mailoutbox):
    assert run(world, date(2025, 3, 31)).sent == 2  # 60 days after the due date: still
    mailoutbox.clear()
    ReminderLog.objects.all().delete()
    assert run(world, date(2025, 4, 1)).sent == 0  # 61 days: no more


def test_paused_partners_late_joiners_and_inactive_people_get_nothing(world, grad, mailoutbox):
    world.partners["b"].status = "paused"
    world.partners["b"].save()
    Membership.objects.filter(user=world.users["partner_lead_a"]).update(is_active=False)
    assert run(world, WEEK_BEFORE).emails == 1
    assert sent_to(mailoutbox) == ["reporter_a@example.org"]
    world.partners["b"].status = "active"
    world.partners["b"].joined_on = date(2025, 1, 2)  # after 2024 ended
    world.partners["b"].save()
    assert run(world, WEEK_BEFORE).sent == 0


def test_a_partner_with_nobody_to_write_to_is_counted_and_not_logged(world, grad, mailoutbox):
    Membership.objects.filter(partnership=world.partners["b"]).update(is_active=False)
    outcome = run(world, WEEK_BEFORE)
    assert (outcome.sent, outcome.no_recipients) == (1, 1)
    assert not ReminderLog.objects.filter(partnership=world.partners["b"]).exists()


def test_a_run_racing_another_never_sends_twice(world, grad, mailoutbox, monkeypatch):
    """Another run records the reminders after this one checked the log: the constraint wins."""
    real = reminders._recipients

    def other_run_sends_first(partnership_ids):
        for code in ("a", "b"):
            ReminderLog.objects.create(
                partnership=world.partners[code], period="2024", kind="before", recipients=1
            )
        return real(partnership_ids)

    monkeypatch.setattr(reminders, "_recipients", other_run_sends_first)
    outcome = run(world, WEEK_BEFORE)
    assert (outcome.sent, outcome.already_sent) == (0, 2)
    assert mailoutbox == []


def test_a_failed_send_is_tried_again_next_time(world, grad, mailoutbox, monkeypatch):
    def broken(messages):
        raise smtplib.SMTPServerDisconnected("down")

    monkeypatch.setattr(reminders, "send_mass_mail", broken)
    assert run(world, WEEK_BEFORE).failed == 2
    assert not ReminderLog.objects.exists()
    monkeypatch.undo()
    assert run(world, date(2025, 1, 24)).sent == 2


def test_group_members_are_reminded_with_the_indicators_default_deadline(world, mailoutbox):
    hours = Indicator.objects.create(
        initiative=world.alpha,
        code="hours",
        name="Tutoring hours",
        value_type="amount",
        aggregation="sum",
        frequency="quarterly",
        deadline_days=15,
    )
    group = WorkingGroup.objects.create(initiative=world.alpha, code="g", name="G")
    group.partnerships.set([world.partners["b"]])
    hours.shared_by_groups.add(group)
    # 2025Q1 ends on 31 March: due on 15 April; a week before is 8 April.
    assert run(world, date(2025, 4, 7)).sent == 0
    assert run(world, date(2025, 4, 8)).sent == 1
    assert "2025Q1" in mailoutbox[0].subject and "15 April 2025" in mailoutbox[0].subject


def test_the_command_sends_lists_and_refuses_bad_input(world, grad, mailoutbox):
    out = io.StringIO()
    call_command("send_reminders", today="2025-01-23", dry_run=True, stdout=out)
    assert "alpha a 2024 before due 2025-01-30" in out.getvalue()
    assert mailoutbox == []
    out = io.StringIO()
    call_command(
        "send_reminders", today="2025-01-23", initiative="alpha", base_url=BASE, stdout=out
    )
    assert out.getvalue().startswith("2 reminders sent (3 e-mails)")
    with pytest.raises(CommandError, match="not a date"):
        call_command("send_reminders", today="23/01/2025")
    with pytest.raises(CommandError, match="no initiative"):
        call_command("send_reminders", initiative="nope")


def test_the_task_runs_the_same_reminders(world, grad, mailoutbox, settings):
    settings.SITE_URL = BASE
    result = send_reminders_task.call(today="2025-01-23")
    assert result == {"sent": 2, "emails": 3, "already_sent": 0, "no_recipients": 0, "failed": 0}
    assert f"{BASE}/i/alpha/reporting/b/2024/" in mailoutbox[-1].body
