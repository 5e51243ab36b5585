"""Timing (SPEC §4.1): a period is open for reporting once it is over, until its due date, then
late — late data is still accepted, with a warning; a submitted or approved report is locked.

"Once it is over" means from the day after the period's last day: a 2025 count can only be
complete on 1 January 2026. The due date is ``deadline_days`` after the last day, per reporting
assignment (``assignments.due_date``); a report is late from the day after its earliest due date
among the indicators concerned.
"""

from datetime import date, timedelta

from django.utils import dateformat
from django.utils.translation import gettext as _

from commonground.measurement.assignments import due_date
from commonground.measurement.models import Submission
from commonground.measurement.periods import Period, PeriodError
from commonground.measurement.validation.findings import Finding, error, warning
from commonground.measurement.validation.registry import Registry

LOCKED = frozenset({Submission.Status.SUBMITTED, Submission.Status.APPROVED})


def day(when: date) -> str:
    return dateformat.format(when, "j F Y")


def check_timing(
    registry: Registry,
    submission,
    period: Period | PeriodError,
    today: date,
    indicator_ids=None,
) -> list[Finding]:
    """``submission_locked``, ``period_not_ended`` (errors) and ``late`` (a warning).

    ``indicator_ids``: the indicators whose deadlines count (those being saved); all the
    partner's indicators of the period's frequency otherwise.
    """
    findings = []
    if submission.status in LOCKED:
        message = _("The %(period)s report is %(status)s: it cannot be changed now.") % {
            "period": submission.period,
            "status": submission.get_status_display().lower(),
        }
        findings.append(error("submission_locked", message))
    if isinstance(period, PeriodError):
        return findings  # each value's check says what is wrong with the period
    if today <= period.end:
        message = _(
            "The period %(period)s is not over yet: its data can be reported from %(from)s."
        ) % {"period": period.code, "from": day(period.end + timedelta(days=1))}
        findings.append(error("period_not_ended", message, "period"))
        return findings
    due = _earliest_due(registry, submission.partnership_id, period, indicator_ids)
    if due is not None and today > due:
        message = _(
            "The %(period)s report was due on %(due)s: it is late, but the data is still accepted."
        ) % {"period": period.code, "due": day(due)}
        findings.append(warning("late", message, "period"))
    return findings


def _earliest_due(registry: Registry, partnership_id, period: Period, indicator_ids):
    if indicator_ids is None:
        indicator_ids = [
            i.pk for i in registry.indicators_by_id.values() if i.frequency == period.frequency
        ]
    days = [
        d
        for i in set(indicator_ids)
        if (d := registry.deadline_days(partnership_id, i)) is not None
    ]
    return due_date(period, min(days)) if days else None
