"""A partner's reporting to-do: which indicators are due for which periods, and where each
report stands. Read in a fixed number of queries, whatever the number of periods.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from commonground.measurement.assignments import assignments_for, due_date
from commonground.measurement.models import DataValue, Indicator, Submission
from commonground.measurement.periods import Frequency, Period, PeriodError, parse_period_for
from commonground.measurement.reporting_periods import ended_periods

Status = Submission.Status
NOT_STARTED = "not_started"
# A report is late when its due date has passed and it was never sent for review.
UNSENT = {NOT_STARTED, Status.DRAFT}
STATUS_LABELS = {NOT_STARTED: _("Not started"), **dict(Status.choices)}
# The statuses of a report still in the works, in the order pages list them.
UNAPPROVED = [Status.DRAFT, Status.SUBMITTED, Status.RETURNED, Status.REOPENED]


@dataclass
class DueIndicator:
    indicator: Indicator
    due: date
    values: int  # how many values (total and cells) are saved


@dataclass
class DueReport:
    """One period's report of one partner: the indicators due and the report's status."""

    period: Period
    submission: Submission | None
    indicators: list[DueIndicator] = field(default_factory=list)
    today: date | None = None

    @property
    def status(self) -> str:
        return self.submission.status if self.submission else NOT_STARTED

    @property
    def status_label(self):
        return STATUS_LABELS[self.status]

    @property
    def frequency_label(self):
        return Frequency(self.period.frequency).label

    @property
    def due(self) -> date:
        return min(d.due for d in self.indicators)

    @property
    def late(self) -> bool:
        return self.status in UNSENT and self.today is not None and self.today > self.due

    @property
    def values(self) -> int:
        return sum(d.values for d in self.indicators)


def todo_for(initiative, partnership, today: date) -> list[DueReport]:
    """The partner's reports: periods ended in the last two years, and every older report not
    yet approved; newest first."""
    assigned = assignments_for(initiative, [partnership])
    deadlines = {a.indicator_id: a.deadline_days for a in assigned.values()}
    indicators = list(
        Indicator.objects.filter(initiative=initiative, pk__in=deadlines).order_by(
            "sort_order", "name"
        )
    )
    if not indicators:
        return []
    submissions = {s.period: s for s in Submission.objects.filter(partnership=partnership)}
    frequencies = {i.frequency for i in indicators}
    periods: dict[str, Period] = {}
    for frequency in frequencies:
        for period in ended_periods(initiative, frequency, today):
            periods[period.code] = period
    for code, submission in submissions.items():
        if submission.status == Status.APPROVED or code in periods:
            continue
        try:
            period = parse_period_for(initiative, code)
        except PeriodError:
            continue
        if period.frequency in frequencies:
            periods[code] = period
    counts = {
        (row["period"], row["indicator_id"]): row["n"]
        for row in DataValue.objects.filter(partnership=partnership, period__in=list(periods))
        .values("period", "indicator_id")
        .annotate(n=Count("id"))
        .order_by()
    }
    reports = []
    for period in sorted(periods.values(), key=lambda p: (p.end, p.start), reverse=True):
        report = DueReport(period=period, submission=submissions.get(period.code), today=today)
        for indicator in indicators:
            if indicator.frequency != period.frequency:
                continue
            report.indicators.append(
                DueIndicator(
                    indicator=indicator,
                    due=due_date(period, deadlines[indicator.pk]),
                    values=counts.get((period.code, indicator.pk), 0),
                )
            )
        reports.append(report)
    return reports


def open_reports_by_partner(initiative):
    """Per partner, how many reports are in each status of ``UNAPPROVED`` (one query)."""
    rows = (
        Submission.objects.filter(partnership__initiative=initiative)
        .exclude(status=Status.APPROVED)
        .values("partnership__code", "partnership__organization__name", "status")
        .annotate(n=Count("id"))
        .order_by("partnership__organization__name")
    )
    partners: dict[str, dict] = {}
    for row in rows:
        entry = partners.setdefault(
            row["partnership__code"],
            {
                "code": row["partnership__code"],
                "name": row["partnership__organization__name"],
                "by_status": {},
            },
        )
        entry["by_status"][row["status"]] = row["n"]
    for entry in partners.values():
        entry["counts"] = [entry["by_status"].get(status, 0) for status in UNAPPROVED]
    return list(partners.values())
