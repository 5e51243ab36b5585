"""Reminder e-mails before and after reporting deadlines (SPEC §3.1.7; docs/reminders.md).

Meant to run once a day (``commonground send-reminders`` from cron or a systemd timer, or the
``send_reminders_task`` task through ``commonground worker``). For each active partner and each
period it reports that is not submitted yet:

- a **before** reminder when an indicator of that period is due within ``BEFORE_DAYS`` days
  (today included);
- an **overdue** reminder when an indicator of that period was due in the last
  ``OVERDUE_LOOKBACK_DAYS`` days and the report has still not been submitted (older reports
  are left to the backbone: the completeness page shows them).

Each kind is sent at most once per partner and period. ``ReminderLog``'s unique constraint
is what guarantees it: a run first records the reminder, and only the run whose record was
accepted sends it, so two runs at the same time cannot both send. If sending fails, the record
is removed so that the next run tries again.
"""

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django_tasks import task

from commonground.initiatives.models import Initiative, Membership
from commonground.initiatives.roles import PARTNER_ROLES
from commonground.measurement.assignments import assignments_for
from commonground.measurement.completeness import period_containing, previous_period, safe_due_date
from commonground.measurement.models import Indicator, ReminderLog, Submission

logger = logging.getLogger(__name__)

BEFORE_DAYS = 7
OVERDUE_LOOKBACK_DAYS = 60
Kind = ReminderLog.Kind


@dataclass
class Reminder:
    """One e-mail to one partner's people about one period's report."""

    partnership: object
    period: object  # periods.Period
    kind: str
    items: list = field(default_factory=list)  # (indicator, due date), earliest due first

    @property
    def due(self) -> date:
        return self.items[0][1]


@dataclass
class Outcome:
    """What a run did: reminders sent (and e-mails), already sent before, nobody to tell, failed."""

    sent: int = 0
    emails: int = 0
    already_sent: int = 0
    no_recipients: int = 0
    failed: int = 0

    def add(self, other: "Outcome") -> None:
        for name in ("sent", "emails", "already_sent", "no_recipients", "failed"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def as_dict(self) -> dict:
        return {
            "sent": self.sent,
            "emails": self.emails,
            "already_sent": self.already_sent,
            "no_recipients": self.no_recipients,
            "failed": self.failed,
        }

    def summary(self) -> str:
        return (
            f"{self.sent} reminders sent ({self.emails} e-mails), {self.already_sent} already "
            f"sent before, {self.no_recipients} without anyone to write to, {self.failed} failed"
        )


def _candidate_periods(initiative, frequency, today, before_days, lookback, longest):
    """Periods of ``frequency`` whose due dates can fall in the reminder window."""
    latest_due = today + timedelta(days=before_days)
    earliest_end = today - timedelta(days=lookback + longest)
    periods = []
    period = period_containing(initiative, frequency, latest_due)
    while period.end >= earliest_end:
        periods.append(period)
        period = previous_period(initiative, period)
    return periods


def due_reminders(
    initiative,
    today: date,
    *,
    before_days: int = BEFORE_DAYS,
    lookback: int = OVERDUE_LOOKBACK_DAYS,
) -> list[Reminder]:
    """The reminders ``initiative``'s partners should get on ``today`` (sent or not yet)."""
    partnerships = {
        p.pk: p
        for p in initiative.partnerships.filter(status="active").select_related("organization")
    }
    indicators = {i.pk: i for i in Indicator.objects.filter(initiative=initiative)}
    assignments = [
        a for (p_id, _i), a in assignments_for(initiative).items() if p_id in partnerships
    ]
    longest = defaultdict(int)  # the longest deadline per frequency
    for a in assignments:
        frequency = indicators[a.indicator_id].frequency
        longest[frequency] = max(longest[frequency], a.deadline_days)
    periods = {
        frequency: _candidate_periods(initiative, frequency, today, before_days, lookback, days)
        for frequency, days in longest.items()
    }
    found: dict[tuple, Reminder] = {}
    for a in assignments:
        indicator, partnership = indicators[a.indicator_id], partnerships[a.partnership_id]
        for period in periods[indicator.frequency]:
            if partnership.joined_on and partnership.joined_on > period.end:
                continue
            due = safe_due_date(period, a.deadline_days)
            if today <= due <= today + timedelta(days=before_days):
                kind = Kind.BEFORE
            elif today - timedelta(days=lookback) <= due < today:
                kind = Kind.OVERDUE
            else:
                continue
            key = (partnership.pk, period.code, kind)
            reminder = found.setdefault(key, Reminder(partnership, period, kind))
            reminder.items.append((indicator, due))
    codes = {key[1] for key in found}
    submitted = set(
        Submission.objects.filter(partnership__initiative=initiative, period__in=codes)
        .exclude(status=Submission.Status.DRAFT)
        .values_list("partnership_id", "period")
    )
    reminders = []
    for (partnership_id, period_code, _kind), reminder in sorted(
        found.items(), key=lambda item: (item[1].partnership.code, item[0][1], item[0][2])
    ):
        if (partnership_id, period_code) in submitted:
            continue
        reminder.items.sort(key=lambda item: (item[1], item[0].sort_order, item[0].name))
        reminders.append(reminder)
    return reminders


def _recipients(partnership_ids) -> dict[int, list[str]]:
    """The e-mail addresses of each partner's active leads and reporters."""
    found = defaultdict(list)
    for partnership_id, email in (
        Membership.objects.filter(
            partnership_id__in=list(partnership_ids),
            role__in=sorted(PARTNER_ROLES),
            is_active=True,
            user__is_active=True,
        )
        .exclude(user__email="")
        .order_by("user__email")
        .values_list("partnership_id", "user__email")
    ):
        if email not in found[partnership_id]:
            found[partnership_id].append(email)
    return found


def report_link(base_url: str, initiative, reminder: Reminder) -> str:
    args = [initiative.slug, reminder.partnership.code, reminder.period.code]
    try:
        path = reverse("reporting_grid", args=args)
    except NoReverseMatch:
        path = "/i/{}/reporting/{}/{}/".format(*args)
    return base_url.rstrip("/") + path


def _messages(initiative, reminder: Reminder, recipients, base_url, today):
    context = {
        "initiative": initiative,
        "partnership": reminder.partnership,
        "period": reminder.period,
        "kind": reminder.kind,
        "items": reminder.items,
        "due": reminder.due,
        "today": today,
        "link": report_link(base_url, initiative, reminder),
    }
    subject = " ".join(render_to_string("measurement/email/reminder_subject.txt", context).split())
    body = render_to_string("measurement/email/reminder.txt", context)
    return [(subject, body, None, [address]) for address in recipients]


def _send_one(initiative, reminder, recipients, base_url, today) -> Outcome:
    outcome = Outcome()
    try:
        with transaction.atomic():
            log = ReminderLog.objects.create(
                partnership=reminder.partnership,
                period=reminder.period.code,
                kind=reminder.kind,
                recipients=len(recipients),
            )
    except IntegrityError:  # this reminder was sent before, or by a run going on right now
        outcome.already_sent += 1
        return outcome
    try:
        emails = send_mass_mail(_messages(initiative, reminder, recipients, base_url, today))
    except OSError:  # SMTP errors are OSErrors: forget the record so the next run tries again
        logger.exception("Reminder to %s for %s not sent", reminder.partnership, reminder.period)
        ReminderLog.objects.filter(pk=log.pk).delete()
        outcome.failed += 1
        return outcome
    outcome.sent += 1
    outcome.emails += emails
    return outcome


def send_reminders(
    *,
    today: date | None = None,
    initiatives=None,
    base_url: str | None = None,
    before_days: int = BEFORE_DAYS,
    lookback: int = OVERDUE_LOOKBACK_DAYS,
) -> Outcome:
    """Send every reminder due ``today`` (default: today in the site's time zone), once each."""
    today = today or timezone.localdate()
    base_url = base_url or default_base_url()
    outcome = Outcome()
    for initiative in initiatives if initiatives is not None else Initiative.objects.all():
        reminders = due_reminders(initiative, today, before_days=before_days, lookback=lookback)
        already = set(
            ReminderLog.objects.filter(
                partnership__initiative=initiative,
                period__in={r.period.code for r in reminders},
            ).values_list("partnership_id", "period", "kind")
        )
        recipients = _recipients({r.partnership.pk for r in reminders})
        for reminder in reminders:
            if (reminder.partnership.pk, reminder.period.code, reminder.kind) in already:
                outcome.already_sent += 1
                continue
            if not recipients[reminder.partnership.pk]:
                outcome.no_recipients += 1
                continue
            outcome.add(
                _send_one(
                    initiative, reminder, recipients[reminder.partnership.pk], base_url, today
                )
            )
    return outcome


def default_base_url() -> str:
    """Where people open the site, for links in e-mails (``SITE_URL``)."""
    return getattr(settings, "SITE_URL", "") or "http://localhost:8000"


@task()
def send_reminders_task(today: str | None = None, base_url: str = "") -> dict:
    """The daily reminder run, for ``commonground worker``; ``today`` as YYYY-MM-DD."""
    day = date.fromisoformat(today) if today else None
    return send_reminders(today=day, base_url=base_url or None).as_dict()
