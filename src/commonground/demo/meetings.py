"""The demo's meetings: the steering committee monthly, the two networks every other week,
with past meetings' agendas (some items on the real demo indicators), attendance and minutes,
and the agendas of the next ones.

The people, the agendas and the minutes are INVENTED for the demo. The series start a few
months before the demo is first built, so there are always past and coming meetings; running
the build again finds the series by body and title and adds only what is missing (a meeting
that already has an agenda, attendance or minutes is left as it is). Everything goes through
``convening.services.meetings`` (and the working-group service for the bodies' people), as the
facilitator.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from commonground.convening.meetings import (
    Repeat,
    build_rule,
    expected_people,
    instances_between,
)
from commonground.convening.models import Attendance, Meeting, Occurrence
from commonground.convening.services import meetings as services
from commonground.initiatives.models import WorkingGroup
from commonground.initiatives.working_groups.services import set_members
from commonground.measurement.models import Indicator

ZONE = ZoneInfo("America/New_York")
ACTOR = "facilitator"
PAST_WITH_RECORDS = 6  # past meetings of each series given an agenda, attendance and minutes

# The people who sit in each body (local parts of the demo accounts), when it lists nobody yet.
PEOPLE = {
    "steering": [
        "lead",
        "steering",
        "acps.lead",
        "ccs.lead",
        "rivanna-reads.lead",
        "bluebird-health.lead",
        "hilltop-mentors.lead",
        "funder",
        "neighbors-table.lead",
    ],
    "early-grades": [
        "facilitator",
        "acps.lead",
        "ccs.lead",
        "rivanna-reads.lead",
        "bluebird-health.lead",
        "neighbors-table.lead",
    ],
    "pathways": ["facilitator", "acps.lead", "ccs.lead", "hilltop-mentors.lead", "funder"],
}


@dataclass(frozen=True)
class Series:
    body: str
    title: str
    repeat: str
    weekday: int  # Monday 0
    at: time
    minutes: int
    location: str = ""
    online_url: str = ""
    is_open: bool = False
    description: str = ""


SERIES = [
    Series(
        "steering",
        "Steering Committee monthly meeting",
        Repeat.MONTHLY,
        weekday=1,
        at=time(17, 30),
        minutes=90,
        location="Albemarle County Office Building, Room 241",
        is_open=True,
        description="Open to the public. Public comment at the start of every meeting.",
    ),
    Series(
        "early-grades",
        "Early Grade Success Network",
        Repeat.BIWEEKLY,
        weekday=2,
        at=time(15, 30),
        minutes=60,
        online_url="https://meet.example.org/early-grades",
    ),
    Series(
        "pathways",
        "College and Career Pathways Network",
        Repeat.BIWEEKLY,
        weekday=3,
        at=time(16, 0),
        minutes=60,
        location="Piedmont Virginia Community College, Main Building 203",
    ),
]

# Agenda items: (title, minutes, indicator code or None, presenter's local part or None). A
# body's indicator items rotate through its ``INDICATORS`` from one meeting to the next.
AGENDAS = {
    "steering": [
        ("Public comment", 10, None, None),
        ("Report card check-in: {indicator}", 25, "rotate", "data"),
        ("Updates from the networks", 20, None, "facilitator"),
        ("Funding aligned to the agenda", 15, None, "funder"),
        ("Decisions and next steps", 15, None, "lead"),
    ],
    "early-grades": [
        ("Wins since last time", 10, None, None),
        ("Looking at the data: {indicator}", 20, "rotate", "data"),
        ("Attendance outreach: what we are trying", 20, None, "bluebird-health.lead"),
        ("Action items", 10, None, "facilitator"),
    ],
    "pathways": [
        ("Check-in", 5, None, None),
        ("Looking at the data: {indicator}", 20, "rotate", "data"),
        ("Mentoring and FAFSA nights", 25, None, "hilltop-mentors.lead"),
        ("Action items", 10, None, "facilitator"),
    ],
}
INDICATORS = {
    "steering": ["kinder_ready", "grade3_reading", "chronic_absence", "grad_rate", "child_poverty"],
    "early-grades": ["kinder_ready", "grade3_reading", "chronic_absence"],
    "pathways": ["grad_rate", "postsec_enroll"],
}
# Who stands in when a person sends a delegate: an account, or the name of someone without one.
DELEGATES = {"acps.lead": "acps.reporter", "ccs.lead": "Janet Morales (CCS assistant principal)"}


def build(initiative, users: dict, out) -> None:
    """Create or complete the demo's meetings; see the module docstring."""
    actor = users[ACTOR]
    indicators = {i.code: i for i in Indicator.objects.filter(initiative=initiative)}
    for series in SERIES:
        body = WorkingGroup.objects.get(initiative=initiative, code=series.body)
        _ensure_people(body, users, actor)
        meeting = _ensure_series(initiative, body, series, actor)
        added = _fill_past(meeting, users, indicators, actor)
        added += _prepare_next(meeting, users, indicators, actor)
        out.line(f"Meetings of {body.name}: {added} meetings given a record")


def _ensure_people(body, users, actor) -> None:
    if body.members.exists():
        return
    people = [users[name] for name in PEOPLE[body.code]]
    set_members(actor=actor, group=body, partnerships=body.partnerships.all(), people=people)


def _first_start(series: Series, today: date) -> datetime:
    """The series' first meeting a few months before ``today``, on its weekday."""
    if series.repeat == Repeat.MONTHLY:
        # The second such weekday of the month six months ago.
        month = date(today.year, today.month, 1) - timedelta(days=6 * 30)
        day = date(month.year, month.month, 1)
        day += timedelta(days=(series.weekday - day.weekday()) % 7 + 7)
    else:
        day = today - timedelta(weeks=13)
        day += timedelta(days=(series.weekday - day.weekday()) % 7)
    return datetime.combine(day, series.at, ZONE)


def _ensure_series(initiative, body, series: Series, actor) -> Meeting:
    found = Meeting.objects.filter(initiative=initiative, body=body, title=series.title).first()
    if found is not None:
        return found
    start = _first_start(series, timezone.now().astimezone(ZONE).date())
    return services.schedule_meeting(
        actor=actor,
        initiative=initiative,
        data=services.MeetingData(
            title=series.title,
            starts_at=start,
            timezone=ZONE.key,
            duration_minutes=series.minutes,
            recurrence=build_rule(series.repeat, start),
            body=body,
            description=series.description,
            location=series.location,
            online_url=series.online_url,
            is_open=series.is_open,
        ),
    )


def _has_record(meeting, original_start) -> bool:
    return Occurrence.objects.filter(meeting=meeting, original_start=original_start).exists()


def _agenda(meeting, number: int, users, indicators) -> list[services.AgendaEntry]:
    code = meeting.body.code
    rotation = INDICATORS[code]
    indicator = indicators.get(rotation[number % len(rotation)])
    entries = []
    for title, minutes, linked, presenter in AGENDAS[code]:
        entry = services.AgendaEntry(
            title=title.format(indicator=indicator.name if indicator else ""),
            minutes_allotted=minutes,
            presenter=users.get(presenter) if presenter else None,
        )
        if linked == "rotate":
            entry.indicator = indicator
        entries.append(entry)
    return entries


def _attendance(people, number: int, users) -> list[services.AttendanceEntry]:
    """Who came to the ``number``th meeting: mostly present; the Neighbors' Table lead misses
    most meetings; ACPS and CCS send delegates now and then; someone is excused."""
    Status = Attendance.Status
    names = {user.pk: local for local, user in users.items()}
    entries = []
    for person_number, person in enumerate(people):
        name = names.get(person.pk, "")
        status, delegate, delegate_name = Status.PRESENT, None, ""
        if name == "neighbors-table.lead":
            status = Status.PRESENT if number % 3 == 2 else Status.ABSENT
        elif name in DELEGATES and (number + person_number) % 4 == 0:
            status = Status.DELEGATE
            stand_in = DELEGATES[name]
            if stand_in in users:
                delegate = users[stand_in]
            else:
                delegate_name = stand_in
        elif (number + person_number) % 7 == 3:
            status = Status.EXCUSED
        entries.append(services.AttendanceEntry(person, status, delegate, delegate_name))
    return entries


def _minutes(entries, attendance) -> str:
    present = sum(1 for a in attendance if a.status in ("present", "delegate"))
    lines = [
        f"{present} of {len(attendance)} members took part.",
        "",
        "## Discussion",
        "",
    ]
    for entry in entries:
        about = ""
        if entry.indicator:
            about = f" The group looked at the latest {entry.indicator.name} chart."
        lines.append(f"- **{entry.title}.**{about}")
    lines += ["", "## Next meeting", "", "Same time; the agenda goes out a week ahead."]
    return "\n".join(lines)


def _fill_past(meeting, users, indicators, actor) -> int:
    """Agenda, attendance and published minutes for the series' first past meetings."""
    now = timezone.now()
    past = [i for i in instances_between([meeting], meeting.starts_at, now) if i.ends_at <= now]
    people = expected_people(meeting)
    added = 0
    for number, instance in enumerate(past[:PAST_WITH_RECORDS]):
        start = instance.original_start
        if _has_record(meeting, start):
            continue
        common = {"actor": actor, "meeting": meeting, "original_start": start}
        entries = _agenda(meeting, number, users, indicators)
        attendance = _attendance(people, number, users)
        services.save_agenda(**common, entries=entries)
        services.record_attendance(**common, entries=attendance)
        services.save_minutes(**common, text=_minutes(entries, attendance))
        services.publish_minutes(**common)
        added += 1
    return added


def _prepare_next(meeting, users, indicators, actor) -> int:
    """The next meeting's agenda and an excuse sent ahead; for the networks, one later meeting
    cancelled (a school holiday) or moved a day."""
    now = timezone.now()
    coming = [
        i for i in instances_between([meeting], now, now + timedelta(days=120)) if i.starts_at > now
    ]
    if len(coming) < 3 or _has_record(meeting, coming[0].original_start):
        return 0
    common = {"actor": actor, "meeting": meeting, "original_start": coming[0].original_start}
    services.save_agenda(**common, entries=_agenda(meeting, PAST_WITH_RECORDS, users, indicators))
    excused = users["ccs.lead"]
    if excused in expected_people(meeting):
        services.record_attendance(
            **common, entries=[services.AttendanceEntry(excused, Attendance.Status.EXCUSED)]
        )
    later = {"actor": actor, "meeting": meeting, "original_start": coming[2].original_start}
    if _has_record(meeting, coming[2].original_start):
        return 1
    if meeting.body.code == "early-grades":
        services.cancel_occurrence(**later)
    elif meeting.body.code == "pathways":
        services.move_occurrence(**later, starts_at=coming[2].starts_at + timedelta(days=1))
    return 1
