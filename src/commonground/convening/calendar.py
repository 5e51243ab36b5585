"""iCalendar feeds of meetings (SPEC §3.4.6), written with the ``icalendar`` library.

Each series is one VEVENT: DTSTART and DTEND with the meeting's TZID (its VTIMEZONE is in the
feed), the RRULE, an EXDATE per cancelled instance, and a stable UID. A moved instance is a
second VEVENT with the same UID and a RECURRENCE-ID naming the start the rule gave. SEQUENCE is
the series' ``sequence``, bumped on every change, so calendar programs replace what they hold.

Feeds: one per person (the meetings of the bodies they sit in or facilitate and of their
initiatives as a whole), one per body, both behind the person's private token; and a public
feed of an initiative's open meetings.
"""

from datetime import date, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event, vRecur

from commonground.convening.meetings import zone_of
from commonground.convening.models import Meeting, Occurrence

PRODID = "-//Commonground//Meetings//EN"
CONTENT_TYPE = "text/calendar; charset=utf-8"


def meeting_uid(meeting: Meeting) -> str:
    """The series' UID: the same in every feed and for as long as the series exists."""
    host = urlsplit(settings.SITE_URL).hostname or "commonground"
    return f"meeting-{meeting.pk}@{host}"


def _summary(meeting: Meeting) -> str:
    return f"{meeting.title} ({meeting.body.name})" if meeting.body_id else meeting.title


def _page(meeting: Meeting, public: bool) -> str:
    name = "public_meeting_list" if public else "meeting_detail"
    args = [meeting.initiative.slug] if public else [meeting.initiative.slug, meeting.pk]
    return settings.SITE_URL + reverse(name, args=args)


def _event(meeting: Meeting, start, duration_minutes: int, *, stamp, public: bool) -> Event:
    event = Event()
    event.add("uid", meeting_uid(meeting))
    event.add("dtstamp", stamp)
    event.add("sequence", meeting.sequence)
    event.add("summary", _summary(meeting))
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=duration_minutes))
    where = meeting.location or meeting.online_url
    if where:
        event.add("location", where)
    page = _page(meeting, public)
    event.add("url", page)
    description = "\n\n".join(filter(None, [meeting.description, meeting.online_url, page]))
    event.add("description", description)
    return event


def _changed_rows(meetings) -> dict[int, list[Occurrence]]:
    """Cancelled and moved instances of ``meetings``, by meeting id: one query."""
    rows = Occurrence.objects.filter(meeting__in=meetings).filter(
        Q(status=Occurrence.Status.CANCELLED)
        | ~Q(starts_at=F("original_start"))
        | ~Q(duration_minutes=F("meeting__duration_minutes"))
    )
    found: dict[int, list[Occurrence]] = {}
    for row in rows.order_by("original_start"):
        found.setdefault(row.meeting_id, []).append(row)
    return found


def _series_events(meeting: Meeting, rows: list[Occurrence], *, stamp, public: bool):
    zone = zone_of(meeting)
    start = meeting.starts_at.astimezone(zone)
    if not meeting.recurrence:
        row = rows[0] if rows else None
        if row is not None:
            start = row.starts_at.astimezone(zone)
        event = _event(
            meeting,
            start,
            row.duration_minutes if row else meeting.duration_minutes,
            stamp=stamp,
            public=public,
        )
        cancelled = row is not None and row.status == Occurrence.Status.CANCELLED
        event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
        return [event]
    series = _event(meeting, start, meeting.duration_minutes, stamp=stamp, public=public)
    series.add("status", "CONFIRMED")
    series.add("rrule", vRecur.from_ical(meeting.recurrence))
    cancelled = [r for r in rows if r.status == Occurrence.Status.CANCELLED]
    if cancelled:
        series.add("exdate", [r.original_start.astimezone(zone) for r in cancelled])
    events = [series]
    for row in rows:
        if row.status == Occurrence.Status.CANCELLED:
            continue
        moved = _event(
            meeting,
            row.starts_at.astimezone(zone),
            row.duration_minutes,
            stamp=stamp,
            public=public,
        )
        moved.add("recurrence-id", row.original_start.astimezone(zone))
        moved.add("status", "CONFIRMED")
        events.append(moved)
    return events


def build_calendar(meetings, *, name: str, public: bool = False) -> Calendar:
    """A calendar of ``meetings`` (with ``initiative`` and ``body`` selected), in two queries."""
    meetings = list(meetings)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-published-ttl", "PT1H")
    rows = _changed_rows(meetings)
    stamp = timezone.now().replace(microsecond=0)
    for meeting in meetings:
        for event in _series_events(meeting, rows.get(meeting.pk, []), stamp=stamp, public=public):
            calendar.add_component(event)
    if meetings:
        # Each zone's rules from the first meeting on (the library's default runs to 2038).
        first = min(m.starts_at for m in meetings).date()
        calendar.add_missing_timezones(first_date=date(first.year, 1, 1))
    return calendar


def _meetings():
    return Meeting.objects.select_related("initiative", "body").order_by("starts_at", "pk")


def person_feed_meetings(user):
    """Every series a person is expected at, in every initiative they are an active member of:
    whole-initiative meetings and those of the bodies they sit in or facilitate."""
    return (
        _meetings()
        .filter(initiative__memberships__user=user, initiative__memberships__is_active=True)
        .filter(Q(body__isnull=True) | Q(body__members=user) | Q(body__facilitator=user))
        .distinct()
    )


def body_feed_meetings(body):
    return _meetings().filter(body=body)


def public_feed_meetings(initiative):
    return _meetings().filter(initiative=initiative, is_open=True)
