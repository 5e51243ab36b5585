"""Completeness and timeliness of reporting (SPEC §3.1.7).

Every active partner is expected to report each indicator assigned to it (directly or through a
working group) for each period of the indicator's frequency, by the due date: ``deadline_days``
after the period's last day (``assignments.due_date``). One expected report — (partner,
indicator, period) — is

- **on time**: submitted on or before the due date (the day counts in the initiative's time
  zone), with at least one value for the indicator;
- **late**: submitted after the due date;
- **missing**: not submitted, and the due date has passed (once it arrives it becomes late);
- **not yet due**: not submitted, and the due date is today or later.

"Submitted" means the partner's report for the period has left the draft state (submitted,
approved, returned or reopened): its ``submitted_at`` is the day that counts. A report that is
past the draft state with no submission time (created approved by the system) counts as on
time. Partners count while they are active and from the period they joined in.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from commonground.measurement.assignments import assignments_for
from commonground.measurement.models import DataValue, Indicator, Submission
from commonground.measurement.periods import Frequency, Period, parse_period_for, school_year_code


class State(StrEnum):
    ON_TIME = "on_time"
    LATE = "late"
    MISSING = "missing"
    NOT_DUE = "not_due"

    @property
    def label(self):
        return STATE_LABELS[self]


STATE_LABELS = {
    State.ON_TIME: _("On time"),
    State.LATE: _("Late"),
    State.MISSING: _("Missing"),
    State.NOT_DUE: _("Not yet due"),
}
# A report that left the draft state without a recorded time (e.g. created approved).
UNKNOWN_DAY = date.min


def classify(due: date, submitted_on: date | None, today: date) -> State:
    """The state of one expected report. The due date itself is still on time."""
    if submitted_on is not None:
        return State.ON_TIME if submitted_on <= due else State.LATE
    return State.MISSING if today > due else State.NOT_DUE


def safe_due_date(period: Period, deadline_days: int) -> date:
    """``period.end + deadline_days``, or the last day there is when that runs off the calendar."""
    try:
        return period.end + timedelta(days=deadline_days)
    except OverflowError:
        return date.max


# Periods around a day -------------------------------------------------------------------------


def period_containing(initiative, frequency: str, day: date) -> Period:
    """The period of ``frequency`` that ``day`` falls in (with the initiative's year starts)."""
    year, month = day.year, day.month
    if frequency == Frequency.ANNUAL:
        code = f"{year:04d}"
    elif frequency == Frequency.QUARTERLY:
        code = f"{year:04d}Q{(month - 1) // 3 + 1}"
    elif frequency == Frequency.MONTHLY:
        code = f"{year:04d}-{month:02d}"
    elif frequency == Frequency.SCHOOL_YEAR:
        start = year if month >= initiative.school_year_start_month else year - 1
        code = school_year_code(start)
    else:
        start = year if month >= initiative.fiscal_year_start_month else year - 1
        code = f"FY{start:04d}"
    return parse_period_for(initiative, code, frequency)


def previous_period(initiative, period: Period) -> Period:
    return period_containing(initiative, period.frequency, period.start - timedelta(days=1))


def last_ended_period(initiative, frequency: str, today: date) -> Period:
    """The most recent period of ``frequency`` whose last day is before ``today``."""
    period = period_containing(initiative, frequency, today)
    return period if period.end < today else previous_period(initiative, period)


def recent_periods(initiative, frequency: str, today: date, count: int) -> list[Period]:
    """The current period and the ``count - 1`` before it, newest first."""
    periods = [period_containing(initiative, frequency, today)]
    while len(periods) < count:
        periods.append(previous_period(initiative, periods[-1]))
    return periods


def frequencies_in_use(initiative) -> list[str]:
    used = set(Indicator.objects.filter(initiative=initiative).values_list("frequency", flat=True))
    return [f for f in Frequency.values if f in used]


# Computing ------------------------------------------------------------------------------------


@dataclass
class Tally:
    """How many expected reports are in each state, and their shares."""

    counts: Counter = field(default_factory=Counter)

    def add(self, state: State) -> None:
        self.counts[state] += 1

    @property
    def expected(self) -> int:
        return sum(self.counts.values())

    def count(self, state) -> int:
        return self.counts[State(state)]

    def percent(self, state) -> float:
        """Share of all expected reports in ``state``, 0–100 (0 when nothing is expected)."""
        return 100 * self.counts[State(state)] / self.expected if self.expected else 0.0

    def shares(self) -> list[dict]:
        return [
            {
                "state": state.value,
                "label": state.label,
                "count": self.counts[state],
                "percent": self.percent(state),
            }
            for state in State
        ]

    @property
    def submitted(self) -> int:
        return self.counts[State.ON_TIME] + self.counts[State.LATE]


@dataclass
class ExpectedReport:
    partnership_id: int
    indicator_id: int
    due: date
    submitted_on: date | None
    state: State


@dataclass
class PartnerLine:
    partnership: object
    reports: list[ExpectedReport] = field(default_factory=list)
    tally: Tally = field(default_factory=Tally)

    @property
    def missing_indicators(self) -> list[int]:
        return [r.indicator_id for r in self.reports if r.state == State.MISSING]


@dataclass
class PeriodCompleteness:
    period: Period
    indicators: dict  # id → Indicator (of the period's frequency)
    lines: list[PartnerLine]
    tally: Tally


def submitted_day(submission: Submission) -> date | None:
    """The day a report was submitted in the initiative's time zone; ``None`` for a draft."""
    if submission.status == Submission.Status.DRAFT:
        return None
    moment = submission.submitted_at or submission.reviewed_at
    return timezone.localdate(moment) if moment else UNKNOWN_DAY


def expected_partnerships(initiative, period: Period):
    """Active partners that had joined by the end of ``period``."""
    partnerships = initiative.partnerships.filter(status="active").select_related("organization")
    return [p for p in partnerships if p.joined_on is None or p.joined_on <= period.end]


def completeness(
    initiative, period_code: str, *, today: date, assignments=None
) -> PeriodCompleteness:
    """Every expected report of ``period_code`` with its state, per partner and in total.

    A fixed number of queries whatever the number of partners and indicators. ``assignments``
    may pass ``assignments_for(initiative)`` when several periods are computed in a row.
    """
    period = parse_period_for(initiative, period_code)
    indicators = {
        i.pk: i for i in Indicator.objects.filter(initiative=initiative, frequency=period.frequency)
    }
    partnerships = {p.pk: p for p in expected_partnerships(initiative, period)}
    if assignments is None:
        assignments = assignments_for(initiative)
    submissions = {
        s.partnership_id: submitted_day(s)
        for s in Submission.objects.filter(partnership__initiative=initiative, period=period.code)
    }
    reported = set(
        DataValue.objects.filter(
            partnership__initiative=initiative, period=period.code, indicator__in=list(indicators)
        )
        .values_list("partnership_id", "indicator_id")
        .distinct()
    )
    lines = {pk: PartnerLine(p) for pk, p in partnerships.items()}
    total = Tally()
    for (partnership_id, indicator_id), assignment in assignments.items():
        if partnership_id not in partnerships or indicator_id not in indicators:
            continue
        due = safe_due_date(period, assignment.deadline_days)
        day = submissions.get(partnership_id)
        if (partnership_id, indicator_id) not in reported:
            day = None
        state = classify(due, day, today)
        line = lines[partnership_id]
        line.reports.append(ExpectedReport(partnership_id, indicator_id, due, day, state))
        line.tally.add(state)
        total.add(state)
    ordered = sorted(
        (line for line in lines.values() if line.reports),
        key=lambda line: (
            -line.tally.count(State.MISSING),
            -line.tally.count(State.LATE),
            line.partnership.organization.name,
        ),
    )
    return PeriodCompleteness(period, indicators, ordered, total)
