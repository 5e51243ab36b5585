"""Meetings (SPEC §3.4.1): scheduling a series, changing, moving and cancelling its instances,
the agenda, attendance and minutes.

Every path — the pages, the demo, other areas — goes through these functions. Each checks the
actor's permission, refuses bad input with a ``DomainError`` before changing anything, writes
the audit event and notifies the people expected at the meeting, in one transaction.

Who may: anyone with ``RUN_MEETINGS`` (the backbone lead, facilitators), and the facilitator
named on a body for that body's meetings — a network's facilitator is often a partner's person
whose role alone would not let them run meetings.

Calendar programs follow changes by the series' ``sequence``: every change to the series or to
one of its instances' times bumps it (``_bump``).
"""

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from commonground.convening.meetings import (
    Instance,
    as_utc,
    expected_people,
    format_when,
    is_rule_start,
    normalize_rule,
    occurrence_for,
    rule_ending,
    rule_starts,
    timezone_choices,
)
from commonground.convening.models import (
    AgendaItem,
    Attendance,
    CalendarFeed,
    Meeting,
    Occurrence,
)
from commonground.convening.notify import notify
from commonground.core import audit
from commonground.core.access import InitiativeAccess
from commonground.core.authorization import authorize
from commonground.core.errors import DomainError
from commonground.core.permissions import Perm
from commonground.initiatives.models import Membership
from commonground.initiatives.services import hash_token
from commonground.webhooks import events
from commonground.webhooks.payloads import meeting_payload

MAX_DURATION = 12 * 60
MAX_ITEM_MINUTES = 8 * 60
MAX_AGENDA_ITEMS = 50
SERIES_FIELDS = [
    "body",
    "title",
    "description",
    "starts_at",
    "duration_minutes",
    "timezone",
    "recurrence",
    "location",
    "online_url",
    "is_open",
    "sequence",
]
TIMING_FIELDS = ("starts_at", "timezone", "recurrence")
# Where ``_carry_over`` parks rows between its two passes.
PARKED = datetime(1900, 1, 1, tzinfo=UTC)
Status = Attendance.Status


def may_run(access: InitiativeAccess, body) -> bool:
    """Whether the person may schedule and run meetings of ``body`` (``None``: the whole
    initiative): with ``RUN_MEETINGS``, or as the body's named facilitator."""
    if access.has(Perm.RUN_MEETINGS):
        return True
    membership = access.membership
    return (
        body is not None
        and membership is not None
        and body.initiative_id == access.initiative.pk
        and body.facilitator_id == membership.user_id
    )


def _authorize(actor, meeting_or_initiative, body) -> None:
    initiative = getattr(meeting_or_initiative, "initiative", meeting_or_initiative)
    authorize(actor, initiative, lambda access: may_run(access, body))


@dataclass
class MeetingData:
    """What a series is: the form's fields, checked by ``_clean``."""

    title: str
    starts_at: datetime
    timezone: str = "America/New_York"
    duration_minutes: int = 60
    recurrence: str = ""
    body: object = None  # a WorkingGroup of the initiative, or None for the whole initiative
    description: str = ""
    location: str = ""
    online_url: str = ""
    is_open: bool = False


def _clean(initiative, data: MeetingData) -> MeetingData:
    """``data`` checked and normalised (aware start on the minute, the rule in canonical form)."""
    title = data.title.strip()
    if not title:
        raise DomainError("Give the meeting a title.", code="title_required")
    if data.body is not None and data.body.initiative_id != initiative.pk:
        raise DomainError("That body is not part of this initiative.", code="unknown_body")
    if data.timezone not in dict(timezone_choices()):
        raise DomainError(f"“{data.timezone}” is not a time zone.", code="unknown_timezone")
    if timezone.is_naive(data.starts_at):
        raise DomainError("The start needs a time zone.", code="naive_start")
    if not 5 <= data.duration_minutes <= MAX_DURATION:
        raise DomainError(
            f"A meeting lasts between 5 and {MAX_DURATION} minutes.", code="bad_duration"
        )
    if data.online_url:
        try:
            URLValidator(schemes=["http", "https"])(data.online_url)
        except ValidationError:
            raise DomainError("The link must be a web address.", code="bad_link") from None
    zone = ZoneInfo(data.timezone)
    starts_at = data.starts_at.astimezone(zone).replace(second=0, microsecond=0)
    recurrence = normalize_rule(data.recurrence, starts_at)
    return MeetingData(
        title=title[:300],
        starts_at=starts_at,
        timezone=data.timezone,
        duration_minutes=data.duration_minutes,
        recurrence=recurrence,
        body=data.body,
        description=data.description.strip(),
        location=data.location.strip()[:300],
        online_url=data.online_url,
        is_open=data.is_open,
    )


def _apply(meeting: Meeting, data: MeetingData) -> None:
    for name in SERIES_FIELDS:
        if name != "sequence":
            setattr(meeting, name, getattr(data, name))


def _snapshot(meeting: Meeting) -> dict:
    return audit.snapshot(meeting, SERIES_FIELDS)


def _bump(meeting: Meeting) -> None:
    """A new SEQUENCE, so calendar programs replace what they hold."""
    meeting.sequence += 1
    meeting.save(update_fields=["sequence"])


def _locked(meeting: Meeting) -> Meeting:
    return (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("initiative", "body")
        .get(pk=meeting.pk)
    )


def _tell(meeting: Meeting, instance_or_none, *, actor, kind: str, text: str) -> None:
    url = instance_or_none.url if instance_or_none else meeting_url(meeting)
    notify(
        expected_people(meeting),
        initiative=meeting.initiative,
        kind=kind,
        text=text,
        url=url,
        exclude=actor,
    )


def meeting_url(meeting: Meeting) -> str:
    return reverse("meeting_detail", args=[meeting.initiative.slug, meeting.pk])


# --- the series ----------------------------------------------------------------------------------


@transaction.atomic
def schedule_meeting(*, actor, initiative, data: MeetingData) -> Meeting:
    """Schedule a one-off meeting or a recurring series of a body or the whole initiative."""
    _authorize(actor, initiative, data.body)
    data = _clean(initiative, data)
    meeting = Meeting(initiative=initiative, created_by=actor)
    _apply(meeting, data)
    meeting.save()
    audit.record(
        actor=actor,
        action="meeting.scheduled",
        obj=meeting,
        initiative=initiative,
        after=_snapshot(meeting),
    )
    events.emit(initiative, events.MEETING_SCHEDULED, meeting_payload(meeting))
    first = Instance(meeting, meeting.starts_at)
    _tell(
        meeting,
        first,
        actor=actor,
        kind="meeting_scheduled",
        text=f"{meeting.title}: {format_when(first.local_start)}",
    )
    return meeting


def _has_record(row: Occurrence) -> bool:
    """Whether an instance holds more than a time: an agenda, attendance, minutes, decisions or
    action items, which must not be lost when the series' rule changes."""
    return bool(
        row.minutes.strip()
        or row.items.exists()
        or row.attendance.exists()
        or row.decisions.exists()
        or row.action_items.exists()
    )


def _carry_over(rows, target: Meeting) -> None:
    """Give the future instances of a series whose timing changed to ``target``'s nearest
    instance less than a week away (a one-off's to its new start), each to a different one;
    an instance left without one is deleted, unless it holds a record: then the change is
    refused. A moved instance stays where it was moved to; a cancelled one stays cancelled."""
    rows = sorted(rows, key=lambda row: row.original_start)
    if not rows:
        return
    week = timedelta(days=7)
    if target.recurrence:
        free = rule_starts(target, rows[0].original_start - week, rows[-1].original_start + week)
    else:
        free = [as_utc(target.starts_at)]
    stranded, kept = [], []
    for row in rows:
        near = [s for s in free if not target.recurrence or abs(s - row.original_start) < week]
        if near:
            new_start = min(near, key=lambda s: abs(s - row.original_start))
            free.remove(new_start)
            kept.append((row, new_start, row.starts_at != row.original_start))
        elif _has_record(row):
            stranded.append(format_when(row.starts_at.astimezone(ZoneInfo(target.timezone))))
        else:
            row.delete()
    if stranded:
        raise DomainError(
            "The new times leave no meeting near some that already have an agenda, attendance "
            f"or minutes: {'; '.join(stranded)}. Move or clear those first.",
            code="instances_stranded",
        )
    # Two passes: a row's new start may still be another row's original start (unique).
    for row, _new_start, _moved in kept:
        row.original_start = PARKED + timedelta(seconds=row.pk)
        row.save(update_fields=["original_start"])
    for row, new_start, moved in kept:
        row.meeting, row.original_start = target, new_start
        if not moved:
            row.starts_at, row.duration_minutes = new_start, target.duration_minutes
        row.save()


@transaction.atomic
def update_meeting(*, actor, meeting: Meeting, data: MeetingData) -> Meeting:
    """Change a series. Returns the series that holds the future meetings.

    A series that has already met keeps its past: when its time, zone or rule changes, it ends
    with its last past meeting and a new series carries the new timing from ``data.starts_at``
    (which must then be in the future). Future instances that carry an agenda, attendance or
    minutes follow to the new timing on the same day, or the change is refused.
    """
    meeting = _locked(meeting)
    _authorize(actor, meeting, meeting.body)
    _authorize(actor, meeting, data.body)
    data = _clean(meeting.initiative, data)
    before = _snapshot(meeting)
    retimed = any(getattr(meeting, name) != getattr(data, name) for name in TIMING_FIELDS)
    now = timezone.now()
    past = rule_starts(meeting, meeting.starts_at, now) if retimed else []
    if past and meeting.recurrence:
        return _split(actor, meeting, data, before, last=past[-1], now=now)
    future_rows = list(meeting.occurrences.all()) if retimed else []
    _apply(meeting, data)
    meeting.sequence += 1
    meeting.save()
    _carry_over(future_rows, meeting)
    audit.record(
        actor=actor,
        action="meeting.updated",
        obj=meeting,
        initiative=meeting.initiative,
        before=before,
        after=_snapshot(meeting),
    )
    _tell(
        meeting,
        None,
        actor=actor,
        kind="meeting_changed",
        text=f"{meeting.title}: the meeting details changed",
    )
    return meeting


def _split(actor, meeting: Meeting, data: MeetingData, before: dict, *, last, now) -> Meeting:
    if data.starts_at <= now:
        raise DomainError(
            "This series has already met: new times apply from a future start.",
            code="start_in_past",
        )
    future_rows = list(meeting.occurrences.filter(original_start__gt=last))
    meeting.recurrence = rule_ending(meeting.recurrence, last)
    meeting.sequence += 1
    meeting.save()
    audit.record(
        actor=actor,
        action="meeting.ended",
        obj=meeting,
        initiative=meeting.initiative,
        before=before,
        after=_snapshot(meeting),
    )
    successor = Meeting(initiative=meeting.initiative, created_by=actor)
    _apply(successor, data)
    successor.save()
    _carry_over(future_rows, successor)
    audit.record(
        actor=actor,
        action="meeting.scheduled",
        obj=successor,
        initiative=meeting.initiative,
        after={**_snapshot(successor), "continues": meeting.pk},
    )
    _tell(
        successor,
        None,
        actor=actor,
        kind="meeting_changed",
        text=f"{successor.title}: new times from {format_when(successor.starts_at)}",
    )
    return successor


# --- one instance --------------------------------------------------------------------------------


def _instance(meeting: Meeting, original_start: datetime) -> tuple[Instance, Occurrence]:
    row = occurrence_for(meeting, original_start)
    return Instance(meeting, row.original_start, row), row


def _not_cancelled(row: Occurrence) -> None:
    if row.status == Occurrence.Status.CANCELLED:
        raise DomainError("This meeting is cancelled.", code="cancelled")


def _set_status(actor, meeting, original_start, status: str, *, kind: str, words: str):
    meeting = _locked(meeting)
    _authorize(actor, meeting, meeting.body)
    instance, row = _instance(meeting, original_start)
    if row.status == status:
        cancelled = status == Occurrence.Status.CANCELLED
        raise DomainError(
            "This meeting is cancelled." if cancelled else "This meeting is not cancelled.",
            code="cancelled" if cancelled else "not_cancelled",
        )
    if status == Occurrence.Status.CANCELLED and (row.attendance.exists() or row.minutes_published):
        raise DomainError(
            "This meeting has attendance or published minutes: it took place.", code="took_place"
        )
    before = {"status": row.status}
    row.status = status
    row.save(update_fields=["status"])
    _bump(meeting)
    audit.record(
        actor=actor,
        action=f"meeting.occurrence_{'cancelled' if status == 'cancelled' else 'restored'}",
        obj=row,
        initiative=meeting.initiative,
        before=before,
        after={"status": status},
    )
    _tell(
        meeting,
        instance,
        actor=actor,
        kind=kind,
        text=f"{words}: {meeting.title}, {format_when(instance.local_start)}",
    )
    return row


@transaction.atomic
def cancel_occurrence(*, actor, meeting: Meeting, original_start: datetime) -> Occurrence:
    """Cancel one instance (an EXDATE in calendars); its agenda is kept for a restore."""
    return _set_status(
        actor,
        meeting,
        original_start,
        Occurrence.Status.CANCELLED,
        kind="meeting_cancelled",
        words="Cancelled",
    )


@transaction.atomic
def restore_occurrence(*, actor, meeting: Meeting, original_start: datetime) -> Occurrence:
    """Undo a cancellation."""
    return _set_status(
        actor,
        meeting,
        original_start,
        Occurrence.Status.SCHEDULED,
        kind="meeting_changed",
        words="Back on",
    )


@transaction.atomic
def move_occurrence(
    *,
    actor,
    meeting: Meeting,
    original_start: datetime,
    starts_at: datetime,
    duration_minutes: int | None = None,
) -> Occurrence:
    """Move one instance to another time (a RECURRENCE-ID override in calendars)."""
    meeting = _locked(meeting)
    _authorize(actor, meeting, meeting.body)
    if timezone.is_naive(starts_at):
        raise DomainError("The new start needs a time zone.", code="naive_start")
    duration = duration_minutes or meeting.duration_minutes
    if not 5 <= duration <= MAX_DURATION:
        raise DomainError(
            f"A meeting lasts between 5 and {MAX_DURATION} minutes.", code="bad_duration"
        )
    starts_at = starts_at.replace(second=0, microsecond=0)
    instance, row = _instance(meeting, original_start)
    _not_cancelled(row)
    clash = starts_at != row.original_start and (
        is_rule_start(meeting, starts_at)
        or meeting.occurrences.filter(starts_at=starts_at).exclude(pk=row.pk).exists()
    )
    if clash:
        raise DomainError("Another meeting of this series is at that time.", code="clash")
    before = {"starts_at": row.starts_at.isoformat(), "duration_minutes": row.duration_minutes}
    row.starts_at, row.duration_minutes = starts_at, duration
    row.save(update_fields=["starts_at", "duration_minutes"])
    _bump(meeting)
    audit.record(
        actor=actor,
        action="meeting.occurrence_moved",
        obj=row,
        initiative=meeting.initiative,
        before=before,
        after={"starts_at": starts_at.isoformat(), "duration_minutes": duration},
    )
    moved = Instance(meeting, row.original_start, row)
    _tell(
        meeting,
        moved,
        actor=actor,
        kind="meeting_changed",
        text=(
            f"Moved: {meeting.title}, {format_when(instance.local_start)} → "
            f"{format_when(moved.local_start)}"
        ),
    )
    return row


# --- agenda --------------------------------------------------------------------------------------


@dataclass
class AgendaEntry:
    """One item of an agenda as given: a title, its time box, and what it is about."""

    title: str
    minutes_allotted: int = 10
    presenter: object = None
    notes: str = ""
    indicator: object = None
    decision: object = None
    activity: object = None


def _members_of(initiative, people) -> set[int]:
    ids = {p.pk for p in people if p is not None}
    return set(
        Membership.objects.filter(
            initiative=initiative, is_active=True, user_id__in=ids
        ).values_list("user_id", flat=True)
    )


def _check_entries(initiative, entries: list[AgendaEntry]) -> None:
    if len(entries) > MAX_AGENDA_ITEMS:
        raise DomainError(
            f"An agenda holds at most {MAX_AGENDA_ITEMS} items.", code="agenda_too_long"
        )
    members = _members_of(initiative, [e.presenter for e in entries])
    for number, entry in enumerate(entries, start=1):
        if not entry.title.strip():
            raise DomainError(f"Item {number} needs a title.", code="item_title_required")
        if not 1 <= entry.minutes_allotted <= MAX_ITEM_MINUTES:
            raise DomainError(
                f"Item {number}: give it between 1 and {MAX_ITEM_MINUTES} minutes.",
                code="item_bad_minutes",
            )
        if entry.presenter is not None and entry.presenter.pk not in members:
            raise DomainError(
                f"Item {number}: the presenter is not a member of this initiative.",
                code="item_unknown_presenter",
            )
        for linked in (entry.indicator, entry.decision, entry.activity):
            if linked is not None and linked.initiative_id != initiative.pk:
                raise DomainError(
                    f"Item {number} links something of another initiative.",
                    code="item_unknown_link",
                )


def _agenda_snapshot(row: Occurrence) -> list[dict]:
    return [
        {
            "title": item.title,
            "minutes": item.minutes_allotted,
            "presenter": item.presenter_id,
            "indicator": item.indicator_id,
            "decision": item.decision_id,
            "activity": item.activity_id,
        }
        for item in row.items.all()
    ]


@transaction.atomic
def save_agenda(
    *, actor, meeting: Meeting, original_start: datetime, entries: list[AgendaEntry]
) -> Occurrence:
    """Replace one meeting's agenda with ``entries``, in that order.

    The time boxes may add up to more than the meeting lasts: the page shows the total against
    the meeting's length rather than refusing a draft.
    """
    meeting = _locked(meeting)
    _authorize(actor, meeting, meeting.body)
    _check_entries(meeting.initiative, entries)
    row = occurrence_for(meeting, original_start)
    _not_cancelled(row)
    before = _agenda_snapshot(row)
    row.items.all().delete()
    AgendaItem.objects.bulk_create(
        AgendaItem(
            occurrence=row,
            position=position,
            title=entry.title.strip()[:300],
            minutes_allotted=entry.minutes_allotted,
            presenter=entry.presenter,
            notes=entry.notes.strip(),
            indicator=entry.indicator,
            decision=entry.decision,
            activity=entry.activity,
        )
        for position, entry in enumerate(entries, start=1)
    )
    audit.record(
        actor=actor,
        action="meeting.agenda_saved",
        obj=row,
        initiative=meeting.initiative,
        before={"items": before},
        after={"items": _agenda_snapshot(row)},
    )
    return row


# --- attendance ----------------------------------------------------------------------------------


@dataclass
class AttendanceEntry:
    """One expected person's attendance; ``status`` empty: not recorded (yet)."""

    person: object
    status: str = ""
    delegate: object = None  # an account standing in
    delegate_name: str = ""  # or the name of someone without an account


def _attendance_snapshot(row: Occurrence) -> dict:
    return {
        str(a.person_id): {
            "status": a.status,
            "delegate": a.delegate_id,
            "delegate_name": a.delegate_name,
        }
        for a in row.attendance.all()
    }


def _check_attendance(meeting, instance: Instance, entries, expected_ids) -> None:
    started = instance.starts_at <= timezone.now()
    delegates = [e.delegate for e in entries if e.delegate is not None]
    members = _members_of(meeting.initiative, delegates)
    for entry in entries:
        name = entry.person.get_full_name() or entry.person.get_username()
        if entry.person.pk not in expected_ids:
            raise DomainError(f"{name} is not expected at this meeting.", code="not_expected")
        if entry.status and entry.status not in Status.values:
            raise DomainError(f"“{entry.status}” is not an attendance status.", code="bad_status")
        if entry.status and entry.status != Status.EXCUSED and not started:
            raise DomainError(
                f"{name}: before a meeting only an excuse can be recorded.", code="not_started"
            )
        has_delegate = entry.delegate is not None or entry.delegate_name.strip()
        if entry.status == Status.DELEGATE:
            if not has_delegate:
                raise DomainError(
                    f"{name} sent a delegate: say who stood in.", code="delegate_required"
                )
            if entry.delegate is not None:
                if entry.delegate.pk == entry.person.pk:
                    raise DomainError(
                        f"{name} cannot stand in for themself.", code="delegate_is_principal"
                    )
                if entry.delegate.pk in expected_ids:
                    raise DomainError(
                        f"{entry.delegate.get_full_name()} is expected at this meeting in "
                        "their own right, so cannot stand in for someone else.",
                        code="delegate_expected",
                    )
                if entry.delegate.pk not in members:
                    raise DomainError(
                        f"The delegate for {name} is not a member of this initiative; "
                        "give their name instead.",
                        code="delegate_not_member",
                    )
        elif has_delegate:
            raise DomainError(
                f"{name}: choose “Sent a delegate” or clear the delegate.",
                code="delegate_without_status",
            )


@transaction.atomic
def record_attendance(
    *, actor, meeting: Meeting, original_start: datetime, entries: list[AttendanceEntry]
) -> Occurrence:
    """Record who came: present, absent, excused, or a delegate standing in for the principal
    (an account or a name; flagged wherever attendance is shown).

    The people are those expected at the meeting (``expected_people``) and anyone recorded
    before; an empty status removes a record. Before the meeting starts only excuses are taken.
    """
    meeting = _locked(meeting)
    _authorize(actor, meeting, meeting.body)
    instance, row = _instance(meeting, original_start)
    _not_cancelled(row)
    expected_ids = {p.pk for p in expected_people(meeting)}
    expected_ids |= set(row.attendance.values_list("person_id", flat=True))
    _check_attendance(meeting, instance, entries, expected_ids)
    before = _attendance_snapshot(row)
    for entry in entries:
        if not entry.status:
            row.attendance.filter(person=entry.person).delete()
            continue
        delegating = entry.status == Status.DELEGATE
        Attendance.objects.update_or_create(
            occurrence=row,
            person=entry.person,
            defaults={
                "status": entry.status,
                "delegate": entry.delegate if delegating else None,
                "delegate_name": entry.delegate_name.strip()[:200]
                if delegating and entry.delegate is None
                else "",
            },
        )
    after = _attendance_snapshot(row)
    if after != before:
        audit.record(
            actor=actor,
            action="meeting.attendance_recorded",
            obj=row,
            initiative=meeting.initiative,
            before=before,
            after=after,
        )
    return row


# --- minutes -------------------------------------------------------------------------------------


@transaction.atomic
def save_minutes(*, actor, meeting: Meeting, original_start: datetime, text: str) -> Occurrence:
    """Write or correct one meeting's minutes (Markdown). Published minutes stay published."""
    meeting = _locked(meeting)
    _authorize(actor, meeting, meeting.body)
    row = occurrence_for(meeting, original_start)
    _not_cancelled(row)
    text = text.strip()
    if row.minutes_published and not text:
        raise DomainError("Published minutes cannot be emptied.", code="minutes_empty")
    before = {"minutes": row.minutes}
    row.minutes = text
    row.save(update_fields=["minutes"])
    audit.record(
        actor=actor,
        action="meeting.minutes_saved",
        obj=row,
        initiative=meeting.initiative,
        before=before,
        after={"minutes": text},
    )
    return row


@transaction.atomic
def publish_minutes(*, actor, meeting: Meeting, original_start: datetime) -> Occurrence:
    """Make a meeting's minutes visible to the initiative (and, for an open meeting, the
    public), and tell the people expected at it."""
    meeting = _locked(meeting)
    _authorize(actor, meeting, meeting.body)
    instance, row = _instance(meeting, original_start)
    _not_cancelled(row)
    if not row.minutes.strip():
        raise DomainError("Write the minutes before publishing them.", code="minutes_empty")
    if instance.starts_at > timezone.now():
        raise DomainError(
            "Minutes are published after the meeting has started.", code="not_started"
        )
    if row.minutes_published:
        raise DomainError("These minutes are published already.", code="already_published")
    row.minutes_published = True
    row.save(update_fields=["minutes_published"])
    audit.record(
        actor=actor,
        action="meeting.minutes_published",
        obj=row,
        initiative=meeting.initiative,
        before={"minutes_published": False},
        after={"minutes_published": True},
    )
    _tell(
        meeting,
        instance,
        actor=actor,
        kind="minutes_published",
        text=f"Minutes: {meeting.title}, {format_when(instance.local_start)}",
    )
    return row


# --- calendar feeds ------------------------------------------------------------------------------


def _revoke(user) -> int:
    now = timezone.now()
    revoked = 0
    for feed in CalendarFeed.objects.select_for_update().filter(user=user, revoked_at=None):
        feed.revoked_at = now
        feed.save(update_fields=["revoked_at"])
        audit.record(actor=user, action="calendar_feed.revoked", obj=feed)
        revoked += 1
    return revoked


@transaction.atomic
def create_calendar_feed(*, user) -> str:
    """A new private feed address for ``user``; any earlier one stops working. Returns the
    token, which is stored only hashed: the page shows it once."""
    _revoke(user)
    token = secrets.token_urlsafe(32)
    feed = CalendarFeed.objects.create(user=user, token_hash=hash_token(token))
    audit.record(actor=user, action="calendar_feed.created", obj=feed)
    return token


@transaction.atomic
def revoke_calendar_feeds(*, user) -> int:
    """Stop every feed address of ``user``; returns how many were working."""
    return _revoke(user)


def feed_owner(token: str):
    """The active person whose working feed ``token`` is, or ``None``."""
    feed = (
        CalendarFeed.objects.select_related("user")
        .filter(token_hash=hash_token(token), revoked_at=None, user__is_active=True)
        .first()
    )
    return feed.user if feed else None
