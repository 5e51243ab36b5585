"""The partner engagement score: one simple number per partner for the backbone console.

The score is 0–100, the mean of four components that each run from 0 to 1, with equal weights:

- **reporting**: of the partner's reports due in the last ``REPORTING_PERIODS`` ended periods
  of each reporting frequency in use, the share that came on time
  (``measurement.completeness``: on time ÷ (on time + late + missing); reports not yet due are
  left out);
- **attendance**: the attendance rate of the partner's people at the meetings they were expected
  at over the last ``ATTENDANCE_MONTHS`` months (``convening.engagement``: present or sent a
  delegate ÷ expected);
- **activities**: of the partner's current activities in the action plan (planned, under way or
  stalled — not completed or cancelled), the share that is not stalled; a partner with no
  current activity scores 0 (once the plan has any activity at all);
- **commitments**: 1 when the partner signed the adopted version of the common agenda, else 0
  (``action.agenda.charter``).

A component that does not apply to a partner — no report was due, nobody of the partner was
expected at a meeting, the action plan has no activity yet, no version of the agenda is
adopted — is left out, and the score is the
mean of the others; a partner to which none applies has no score. The score is rounded half up
to a whole number. ``docs/console.md`` has a worked example.

Everything is read for the whole initiative in a fixed number of queries, whatever the number of
partners: the functions below take the figures other areas already computed when the console has
them at hand.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from dateutil.relativedelta import relativedelta

from commonground.action.agenda.charter import CharterOverview, charter_overview
from commonground.action.agenda.services import adopted_version
from commonground.action.models import Activity
from commonground.convening.engagement import EngagementFigures, engagement_figures
from commonground.initiatives.models import Partnership
from commonground.measurement.assignments import assignments_for
from commonground.measurement.completeness import (
    PeriodCompleteness,
    State,
    completeness,
    frequencies_in_use,
    last_ended_period,
    previous_period,
)

REPORTING_PERIODS = 4
ATTENDANCE_MONTHS = 6
# Partners below this score are listed as "low engagement" on the console.
LOW_SCORE = 50
CURRENT_ACTIVITY = (Activity.Status.PLANNED, Activity.Status.ACTIVE, Activity.Status.STALLED)


@dataclass(frozen=True)
class Component:
    """One component: ``part`` of ``whole`` (``value`` = part ÷ whole), or not applicable."""

    part: int
    whole: int
    applies: bool = True

    @property
    def value(self) -> Decimal | None:
        if not self.applies:
            return None
        return Decimal(self.part) / Decimal(self.whole) if self.whole else Decimal(0)

    @property
    def percent(self) -> int | None:
        value = self.value
        return None if value is None else int((value * 100).quantize(Decimal(1), ROUND_HALF_UP))


NOT_APPLICABLE = Component(0, 0, applies=False)


@dataclass(frozen=True)
class PartnerScore:
    partnership: Partnership
    reporting: Component  # reports on time of reports due
    attendance: Component  # attendances filled of attendances expected
    activities: Component  # current activities not stalled of current activities
    commitments: Component  # 1 of 1 when the adopted version is signed

    @property
    def components(self) -> list[Component]:
        return [self.reporting, self.attendance, self.activities, self.commitments]

    @property
    def score(self) -> int | None:
        """100 × the mean of the components that apply, rounded half up; None if none does."""
        values = [c.value for c in self.components if c.applies]
        if not values:
            return None
        mean = sum(values, Decimal(0)) / len(values)
        return int((mean * 100).quantize(Decimal(1), ROUND_HALF_UP))

    @property
    def is_low(self) -> bool:
        return self.score is not None and self.score < LOW_SCORE


# Inputs ---------------------------------------------------------------------------------------


def attendance_window(today: date) -> tuple[date, date]:
    """The ``ATTENDANCE_MONTHS`` months up to ``today`` (both days included)."""
    return today - relativedelta(months=ATTENDANCE_MONTHS), today


def reporting_periods(
    initiative, *, today: date, assignments=None
) -> dict[str, list[PeriodCompleteness]]:
    """The completeness of the last ``REPORTING_PERIODS`` ended periods of each frequency in
    use, newest first, by frequency (the first of each is what the completeness page shows)."""
    if assignments is None:
        assignments = assignments_for(initiative)
    result = {}
    for frequency in frequencies_in_use(initiative):
        period = last_ended_period(initiative, frequency, today)
        periods = [period]
        while len(periods) < REPORTING_PERIODS:
            periods.append(previous_period(initiative, periods[-1]))
        result[frequency] = [
            completeness(initiative, p.code, today=today, assignments=assignments) for p in periods
        ]
    return result


def attendance_figures(initiative, *, today: date) -> EngagementFigures:
    start, end = attendance_window(today)
    return engagement_figures(initiative, start, end, as_of=today)


def charters(initiative) -> CharterOverview:
    """Who signed the adopted version of the common agenda (``action.agenda.charter``)."""
    return charter_overview(initiative, adopted_version(initiative))


# Scoring --------------------------------------------------------------------------------------


def _reporting(periods: dict[str, list[PeriodCompleteness]]) -> dict[int, Component]:
    on_time, due = defaultdict(int), defaultdict(int)
    for results in periods.values():
        for result in results:
            for line in result.lines:
                pk = line.partnership.pk
                on_time[pk] += line.tally.count(State.ON_TIME)
                due[pk] += line.tally.expected - line.tally.count(State.NOT_DUE)
    return {pk: Component(on_time[pk], n) for pk, n in due.items() if n}


def _attendance(figures: EngagementFigures) -> dict[int, Component]:
    return {
        line.partnership.pk: Component(line.counts.attended, line.counts.expected)
        for line in figures.by_partner
        if line.counts.expected
    }


def _activities(initiative) -> dict[int, Component]:
    current, stalled = defaultdict(int), defaultdict(int)
    for partnership_id, status in Activity.objects.filter(
        initiative=initiative, status__in=CURRENT_ACTIVITY
    ).values_list("partnership_id", "status"):
        current[partnership_id] += 1
        stalled[partnership_id] += status == Activity.Status.STALLED
    return {pk: Component(n - stalled[pk], n) for pk, n in current.items()}


def _plan_in_use(initiative) -> bool:
    return Activity.objects.filter(initiative=initiative).exists()


def _commitments(overview: CharterOverview) -> dict[int, Component]:
    if overview.adopted is None:
        return {}
    return {p.partnership.pk: Component(int(p.state == "signed"), 1) for p in overview.partners}


def engagement_scores(
    initiative,
    *,
    today: date,
    reporting: dict[str, list[PeriodCompleteness]] | None = None,
    attendance: EngagementFigures | None = None,
    charter: CharterOverview | None = None,
) -> list[PartnerScore]:
    """Every active partner's score, lowest first (those to reach out to), partners without a
    score last; ties by name. Pass the inputs (``reporting_periods``, ``attendance_figures``,
    ``charters``) when they are already computed."""
    if reporting is None:
        reporting = reporting_periods(initiative, today=today)
    if attendance is None:
        attendance = attendance_figures(initiative, today=today)
    if charter is None:
        charter = charters(initiative)
    by_reporting = _reporting(reporting)
    by_attendance = _attendance(attendance)
    by_activities = _activities(initiative)
    by_commitments = _commitments(charter)
    # Activities count once the initiative keeps its plan here: then having none scores 0.
    no_activity = Component(0, 0, applies=_plan_in_use(initiative))
    partnerships = initiative.partnerships.filter(status=Partnership.Status.ACTIVE).select_related(
        "organization"
    )
    scores = [
        PartnerScore(
            partnership=p,
            reporting=by_reporting.get(p.pk, NOT_APPLICABLE),
            attendance=by_attendance.get(p.pk, NOT_APPLICABLE),
            activities=by_activities.get(p.pk, no_activity),
            commitments=by_commitments.get(
                p.pk, Component(0, 1) if charter.adopted else NOT_APPLICABLE
            ),
        )
        for p in partnerships
    ]
    return sorted(
        scores,
        key=lambda s: (s.score is None, s.score or 0, s.partnership.organization.name.lower()),
    )


def low_engagement(scores: list[PartnerScore]) -> list[PartnerScore]:
    """The partners whose score is below ``LOW_SCORE``."""
    return [s for s in scores if s.is_low]
