"""Engagement figures for the backbone (SPEC §3.4, §3.5.1): who comes to the meetings, what
gets decided, and whether action items are done on time.

Pure functions of an initiative and a date range: they read, never write, and run a fixed
number of queries whatever the number of partners, people and meetings (the counting is done
here, in Python, over a handful of flat queries). The backbone console reuses them.

Definitions (also in docs/decisions.md and the page's help):

- An **expected attendance** is one attendance row: one person expected at one meeting
  occurrence that took place in the range (cancelled occurrences do not count).
- **Attendance rate** = (present + sent a delegate) ÷ expected attendances: the share of seats
  filled. **Delegate rate** = sent a delegate ÷ expected attendances. Present, delegate,
  excused and absent shares add up to 100 %.
- **Per partner**: the expected attendances of the people who act for that partner (their
  membership's partner), at any meeting. **Per body**: those of the body's meetings; meetings
  of the whole initiative form their own line.
- **Repeated absences**: a person's meetings in time order; each *absent* extends a run, a
  meeting attended (in person or by delegate) ends it, an *excused* one neither extends nor
  ends it. People whose longest run in the range is at least ``REPEATED_ABSENCES`` are listed.
- **Decisions taken**: decisions closed in the range (withdrawn ones are not), by month of
  closing, and how many of them adopted the proposal.
- **Action items closed on time**: of the items due in the range (cancelled ones left out),
  those done on or before their due date, out of those done plus those still open after their
  due date (as of ``as_of``). Items still open and not yet due are not counted either way.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from commonground.convening.models import ActionItem, Attendance, Decision, Occurrence
from commonground.initiatives.models import Membership, WorkingGroup

REPEATED_ABSENCES = 3
Status = Attendance.Status


def percent(part: int, whole: int) -> Decimal | None:
    """``part`` of ``whole`` in percent, to one decimal (half up); None when ``whole`` is 0."""
    if not whole:
        return None
    return (Decimal(100 * part) / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass
class AttendanceCount:
    """Expected attendances by what happened."""

    present: int = 0
    delegate: int = 0
    excused: int = 0
    absent: int = 0

    def add(self, status: str) -> None:
        setattr(self, status, getattr(self, status) + 1)

    @property
    def expected(self) -> int:
        return self.present + self.delegate + self.excused + self.absent

    @property
    def attended(self) -> int:
        return self.present + self.delegate

    @property
    def attendance_rate(self) -> Decimal | None:
        return percent(self.attended, self.expected)

    @property
    def delegate_rate(self) -> Decimal | None:
        return percent(self.delegate, self.expected)


@dataclass
class PartnerAttendance:
    partnership: object
    counts: AttendanceCount


@dataclass
class BodyAttendance:
    body: WorkingGroup | None  # None: meetings of the whole initiative
    counts: AttendanceCount


@dataclass
class AbsenceRun:
    person: object
    longest: int  # the longest run of absences in the range, in meetings
    current: int  # absences in a row up to the person's latest meeting in the range
    last_absent_on: date


@dataclass
class DecisionMonth:
    month: str  # YYYY-MM
    closed: int = 0
    adopted: int = 0


@dataclass
class ActionItemFigures:
    on_time: int = 0
    late: int = 0
    overdue_open: int = 0
    not_yet_due: int = 0
    cancelled: int = 0

    @property
    def counted(self) -> int:
        return self.on_time + self.late + self.overdue_open

    @property
    def on_time_rate(self) -> Decimal | None:
        return percent(self.on_time, self.counted)


@dataclass
class EngagementFigures:
    start: date
    end: date
    as_of: date
    meetings: int = 0
    overall: AttendanceCount = field(default_factory=AttendanceCount)
    by_partner: list[PartnerAttendance] = field(default_factory=list)
    by_body: list[BodyAttendance] = field(default_factory=list)
    repeated_absences: list[AbsenceRun] = field(default_factory=list)
    decisions_by_month: list[DecisionMonth] = field(default_factory=list)
    action_items: ActionItemFigures = field(default_factory=ActionItemFigures)

    @property
    def decisions_closed(self) -> int:
        return sum(m.closed for m in self.decisions_by_month)

    @property
    def decisions_adopted(self) -> int:
        return sum(m.adopted for m in self.decisions_by_month)


def _day_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """From the start of ``start`` to the start of the day after ``end``, local time."""
    zone = timezone.get_current_timezone()
    return (
        datetime.combine(start, time.min, tzinfo=zone),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone),
    )


def _months(start: date, end: date) -> list[str]:
    months, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _attendance(initiative, start, end, figures: EngagementFigures) -> None:
    since, until = _day_bounds(start, end)
    rows = list(
        Attendance.objects.filter(
            occurrence__meeting__initiative=initiative,
            occurrence__starts_at__gte=since,
            occurrence__starts_at__lt=until,
        )
        .exclude(occurrence__status=Occurrence.Status.CANCELLED)
        .order_by("occurrence__starts_at", "occurrence_id")
        .values_list(
            "person_id",
            "status",
            "occurrence_id",
            "occurrence__starts_at",
            "occurrence__meeting__body_id",
        )
    )
    partner_of = dict(
        Membership.objects.filter(initiative=initiative, partnership__isnull=False).values_list(
            "user_id", "partnership_id"
        )
    )
    by_partner, by_body = defaultdict(AttendanceCount), defaultdict(AttendanceCount)
    per_person = defaultdict(list)
    for person_id, status, _occurrence, starts_at, body_id in rows:
        figures.overall.add(status)
        by_body[body_id].add(status)
        if person_id in partner_of:
            by_partner[partner_of[person_id]].add(status)
        per_person[person_id].append((status, timezone.localdate(starts_at)))
    figures.meetings = len({row[2] for row in rows})

    partnerships = initiative.partnerships.filter(status="active").select_related("organization")
    figures.by_partner = [
        PartnerAttendance(p, by_partner.get(p.pk, AttendanceCount()))
        for p in sorted(partnerships, key=lambda p: p.organization.name.lower())
    ]
    bodies = list(initiative.working_groups.all())
    figures.by_body = [BodyAttendance(b, by_body.get(b.pk, AttendanceCount())) for b in bodies]
    if None in by_body:
        figures.by_body.append(BodyAttendance(None, by_body[None]))

    runs = {pid: _longest_absence_run(meetings) for pid, meetings in per_person.items()}
    runs = {pid: run for pid, run in runs.items() if run[0] >= REPEATED_ABSENCES}
    people = get_user_model().objects.in_bulk(list(runs))
    figures.repeated_absences = sorted(
        (AbsenceRun(people[pid], *run) for pid, run in runs.items()),
        key=lambda r: (-r.current, -r.longest, r.person.get_full_name().lower()),
    )


def _longest_absence_run(meetings: list[tuple[str, date]]) -> tuple[int, int, date | None]:
    """(longest run of absences, the run still going at the end, the last absence) over one
    person's meetings in time order; excused meetings are passed over."""
    longest, current, last_absent = 0, 0, None
    for status, day in meetings:
        if status == Status.ABSENT:
            current, last_absent = current + 1, day
            longest = max(longest, current)
        elif status in (Status.PRESENT, Status.DELEGATE):
            current = 0
    return longest, current, last_absent


def _decisions(initiative, start, end, figures: EngagementFigures) -> None:
    since, until = _day_bounds(start, end)
    months = {m: DecisionMonth(m) for m in _months(start, end)}
    for closed_at, outcome in Decision.objects.filter(
        initiative=initiative,
        status=Decision.Status.CLOSED,
        closed_at__gte=since,
        closed_at__lt=until,
    ).values_list("closed_at", "outcome"):
        month = months[timezone.localdate(closed_at).strftime("%Y-%m")]
        month.closed += 1
        month.adopted += outcome == Decision.Outcome.ADOPTED
    figures.decisions_by_month = list(months.values())


def _action_items(initiative, start, end, as_of, figures: EngagementFigures) -> None:
    items = figures.action_items
    for status, due_on, completed_at in ActionItem.objects.filter(
        initiative=initiative, due_on__gte=start, due_on__lte=end
    ).values_list("status", "due_on", "completed_at"):
        if status == ActionItem.Status.CANCELLED:
            items.cancelled += 1
        elif status == ActionItem.Status.DONE:
            done_on = timezone.localdate(completed_at) if completed_at else due_on
            if done_on <= due_on:
                items.on_time += 1
            else:
                items.late += 1
        elif due_on < as_of:
            items.overdue_open += 1
        else:
            items.not_yet_due += 1


def engagement_figures(
    initiative, start: date, end: date, *, as_of: date | None = None
) -> EngagementFigures:
    """Every engagement figure of ``initiative`` from ``start`` to ``end`` (both included).

    ``as_of`` (default today) decides which open action items are already overdue."""
    figures = EngagementFigures(start=start, end=end, as_of=as_of or timezone.localdate())
    _attendance(initiative, start, end, figures)
    _decisions(initiative, start, end, figures)
    _action_items(initiative, start, end, figures.as_of, figures)
    return figures
