"""When meetings happen: a series' instances from its RFC 5545 rule and its occurrence rows.

A ``Meeting`` is a series: its first start, its time zone and, when it repeats, a rule. Its
instances are computed here, never stored one by one. An ``Occurrence`` row exists only for an
instance that carries something of its own (an agenda, attendance, minutes, a new time, a
cancellation); it is keyed by ``original_start``, the start the rule gives (the RECURRENCE-ID of
calendar programs), so a moved instance stays the same instance.

The rule is expanded in the meeting's own time zone, on wall-clock time: a weekly 18:00
America/New_York meeting stays at 18:00 local time on both sides of a daylight-saving change
(its UTC time moves instead). Expansion never looks further than ``HORIZON`` ahead.
"""

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache, cached_property
from zoneinfo import ZoneInfo, available_timezones

from dateutil.rrule import rrule, rrulestr
from django.db.models import Q
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from commonground.convening.models import Meeting, Occurrence
from commonground.core.errors import DomainError
from commonground.initiatives.models import Membership

# How far ahead rules are expanded: lists, feeds and validation never look further.
HORIZON = timedelta(days=731)
KEY_FORMAT = "%Y%m%dT%H%M%SZ"


def zone_of(meeting: Meeting) -> ZoneInfo:
    return ZoneInfo(meeting.timezone)


def local_start(meeting: Meeting) -> datetime:
    """The series' first start as wall-clock time in its own zone (the rule's DTSTART)."""
    return meeting.starts_at.astimezone(zone_of(meeting))


def parse_rule(text: str, dtstart: datetime) -> rrule:
    """The dateutil rule for an RRULE value anchored at ``dtstart`` (aware, in the zone)."""
    return rrulestr(text, dtstart=dtstart)


def rule_of(meeting: Meeting) -> rrule | None:
    """The meeting's rule (parsed once per object), or ``None`` for a one-off meeting."""
    if not meeting.recurrence:
        return None
    cached = getattr(meeting, "_parsed_rule", None)
    if cached is None or cached[0] != (meeting.recurrence, meeting.starts_at, meeting.timezone):
        rule = parse_rule(meeting.recurrence, local_start(meeting))
        cached = ((meeting.recurrence, meeting.starts_at, meeting.timezone), rule)
        meeting._parsed_rule = cached
    return cached[1]


def as_utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def rule_starts(meeting: Meeting, start: datetime, end: datetime) -> list[datetime]:
    """The starts the series' rule gives in ``[start, end)``, in UTC, never beyond the horizon."""
    end = min(end, timezone.now() + HORIZON)
    if start >= end:
        return []
    rule = rule_of(meeting)
    if rule is None:
        return [as_utc(meeting.starts_at)] if start <= meeting.starts_at < end else []
    return [as_utc(s) for s in rule.between(start, end, inc=True) if s < end]


def is_rule_start(meeting: Meeting, moment: datetime) -> bool:
    """Whether the rule (or the one-off's single start) gives an instance at ``moment``."""
    return as_utc(moment) in rule_starts(meeting, moment, moment + timedelta(seconds=1))


# --- rules: checking, building and describing them -----------------------------------------------

WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
SUPPORTED_PARTS = ["FREQ", "INTERVAL", "BYMONTH", "BYMONTHDAY", "BYDAY", "WKST", "COUNT", "UNTIL"]
# Parts that would give several meetings a day, or that dateutil can chase for years without
# finding an instance; the start time and the date parts above cover meetings.
UNSUPPORTED_PARTS = {"BYSECOND", "BYMINUTE", "BYHOUR", "BYSETPOS", "BYYEARDAY", "BYWEEKNO"}
FREQUENCIES = {"DAILY", "WEEKLY", "MONTHLY", "YEARLY"}
TOO_FREQUENT = {"SECONDLY", "MINUTELY", "HOURLY"}
MAX_INTERVAL = 52
MAX_COUNT = 500
# The longest each month can be (February in a leap year), for rules asking for a missing day.
MONTH_DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
BYDAY_VALUE = re.compile(r"^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$")


def _rule_error(message: str, code: str = "rule_invalid") -> DomainError:
    return DomainError(message, code=code)


def _listed(parts: dict[str, str], name: str) -> list[str]:
    return [value for value in parts.get(name, "").split(",") if value]


def _rule_parts(text: str) -> dict[str, str]:
    parts = {}
    for piece in filter(None, text.upper().split(";")):
        name, sep, value = piece.partition("=")
        if not sep or not value:
            raise _rule_error(f"“{piece}” is not NAME=VALUE.")
        if name in parts:
            raise _rule_error(f"{name} appears twice in the rule.")
        parts[name] = value
    return parts


def _whole(value: str, name: str, low: int, high: int) -> int:
    try:
        number = int(value)
    except ValueError:
        raise _rule_error(f"{name} must be a whole number.") from None
    if not low <= number <= high:
        raise _rule_error(f"{name} must be between {low} and {high}.")
    return number


def _check_days(parts: dict[str, str]) -> None:
    """Refuse days that never happen: an ordinal weekday outside monthly or yearly rules, or a
    day of the month that none of the rule's months has (30 February)."""
    for value in _listed(parts, "BYDAY"):
        match = BYDAY_VALUE.match(value)
        if match is None:
            raise _rule_error(f"BYDAY “{value}” is not a weekday such as TU or 2TU.")
        ordinal = match.group(1)
        if ordinal and parts["FREQ"] not in ("MONTHLY", "YEARLY"):
            raise _rule_error("A numbered weekday (2TU) needs FREQ=MONTHLY or FREQ=YEARLY.")
        if ordinal and not 1 <= abs(int(ordinal)) <= 5:
            raise _rule_error(f"BYDAY “{value}”: a month has at most 5 of a weekday.")
    months = [_whole(m, "BYMONTH", 1, 12) for m in _listed(parts, "BYMONTH")]
    longest = max((MONTH_DAYS[m - 1] for m in months), default=31)
    for value in _listed(parts, "BYMONTHDAY"):
        day = _whole(value, "BYMONTHDAY", -31, 31)
        if day == 0 or abs(day) > longest:
            raise _rule_error(f"BYMONTHDAY={day} never happens.", "rule_no_instance")


def _until_utc(value: str, zone: ZoneInfo) -> str:
    """UNTIL in UTC, as RFC 5545 wants with a zoned start; a bare date ends with that day."""
    if value.endswith("Z"):
        moment = parse_key(value)
    else:
        try:
            if len(value) == 8:
                moment = datetime.combine(
                    datetime.strptime(value, "%Y%m%d").date(), time(23, 59, 59)
                )
            else:
                moment = datetime.strptime(value, "%Y%m%dT%H%M%S")
        except ValueError:
            moment = None
        moment = moment.replace(tzinfo=zone) if moment else None
    if moment is None:
        raise _rule_error(f"UNTIL “{value}” is not a date such as 20261231.")
    return key_of(moment)


def normalize_rule(text: str, dtstart: datetime) -> str:
    """A checked RRULE value for a series starting at ``dtstart`` (aware, in its zone).

    Refuses (``DomainError``) rules that repeat more than daily, parts this application does
    not expand, rules that give no meeting, and rules whose first meeting is not ``dtstart``
    (RFC 5545 leaves such a set undefined). UNTIL is rewritten in UTC. Empty: a one-off.
    """
    text = text.strip()
    if text.upper().startswith("RRULE:"):
        text = text[len("RRULE:") :]
    if not text:
        return ""
    if "\n" in text or ":" in text:
        raise _rule_error("Give one RRULE value only, e.g. FREQ=WEEKLY;BYDAY=TU.")
    parts = _rule_parts(text)
    freq = parts.get("FREQ")
    if freq in TOO_FREQUENT:
        raise _rule_error("Meetings repeat at most daily.", "rule_too_frequent")
    if freq not in FREQUENCIES:
        raise _rule_error("FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY.")
    unsupported = sorted(set(parts) & UNSUPPORTED_PARTS)
    if unsupported:
        raise _rule_error(
            f"{', '.join(unsupported)} is not supported: the start time gives the time of day, "
            "and BYDAY such as 2TU or -1FR a weekday of the month.",
            "rule_unsupported",
        )
    unknown = sorted(set(parts) - set(SUPPORTED_PARTS))
    if unknown:
        raise _rule_error(f"Unknown rule part: {', '.join(unknown)}.")
    if "COUNT" in parts and "UNTIL" in parts:
        raise _rule_error("Give COUNT or UNTIL, not both.")
    if "INTERVAL" in parts:
        _whole(parts["INTERVAL"], "INTERVAL", 1, MAX_INTERVAL)
    if "COUNT" in parts:
        _whole(parts["COUNT"], "COUNT", 1, MAX_COUNT)
    if "UNTIL" in parts:
        parts["UNTIL"] = _until_utc(parts["UNTIL"], dtstart.tzinfo)
    _check_days(parts)
    normalized = ";".join(f"{name}={parts[name]}" for name in SUPPORTED_PARTS if name in parts)
    try:
        first = parse_rule(normalized, dtstart).after(dtstart, inc=True)
    except (ValueError, TypeError) as error:
        raise _rule_error(f"The rule cannot be read: {error}.") from None
    if first is None:
        raise _rule_error("This rule gives no meeting at all.", "rule_no_instance")
    if first != dtstart:
        raise _rule_error(
            f"The rule's first meeting would be {format_when(first)}, not the start date: "
            "start the series on a day the rule gives.",
            "rule_not_synchronized",
        )
    return normalized


def rule_ending(text: str, last: datetime) -> str:
    """The rule ended at ``last`` (its final meeting): COUNT and UNTIL replaced by that UNTIL."""
    parts = {k: v for k, v in _rule_parts(text).items() if k not in ("COUNT", "UNTIL")}
    parts["UNTIL"] = key_of(last)
    return ";".join(f"{name}={parts[name]}" for name in SUPPORTED_PARTS if name in parts)


class Repeat:
    ONCE, WEEKLY, BIWEEKLY, MONTHLY = "once", "weekly", "biweekly", "monthly"


class Ends:
    NEVER, ON, AFTER = "never", "on", "after"


def nth_weekday(day: date) -> int:
    """Which of its weekday in the month ``day`` is: 1–4, or -1 for a fifth (the last)."""
    n = (day.day - 1) // 7 + 1
    return -1 if n == 5 else n


def build_rule(
    repeat: str, dtstart: datetime, *, ends: str = Ends.NEVER, until=None, count=None
) -> str:
    """The RRULE the simple form describes: once, weekly, every other week or monthly on the
    start's nth weekday, ending never, on a date (that whole day) or after ``count`` meetings."""
    if repeat == Repeat.ONCE:
        return ""
    weekday = WEEKDAYS[dtstart.weekday()]
    rule = {
        Repeat.WEEKLY: f"FREQ=WEEKLY;BYDAY={weekday}",
        Repeat.BIWEEKLY: f"FREQ=WEEKLY;INTERVAL=2;BYDAY={weekday}",
        Repeat.MONTHLY: f"FREQ=MONTHLY;BYDAY={nth_weekday(dtstart.date())}{weekday}",
    }[repeat]
    if ends == Ends.ON and until is not None:
        rule += ";UNTIL=" + key_of(datetime.combine(until, time(23, 59, 59), dtstart.tzinfo))
    elif ends == Ends.AFTER and count:
        rule += f";COUNT={count}"
    return rule


def builder_fields(text: str, dtstart: datetime) -> dict | None:
    """The simple form's fields that give ``text`` again (any UNTIL read as its local day: a
    meeting a day at most), or ``None`` for a custom rule."""
    if not text:
        return {"repeat": Repeat.ONCE, "ends": Ends.NEVER}
    parts = _rule_parts(text)
    ending = {"ends": Ends.NEVER}
    if "COUNT" in parts:
        ending = {"ends": Ends.AFTER, "count": int(parts["COUNT"])}
    elif "UNTIL" in parts:
        until = parse_key(parts.pop("UNTIL"))
        if until is None:
            return None
        ending = {"ends": Ends.ON, "until": until.astimezone(dtstart.tzinfo).date()}
    for repeat in (Repeat.WEEKLY, Repeat.BIWEEKLY, Repeat.MONTHLY):
        built = _rule_parts(build_rule(repeat, dtstart, **ending))
        built.pop("UNTIL", None)
        if built == parts:
            return {"repeat": repeat, **ending}
    return None


WEEKDAY_NAMES = {
    "MO": gettext_lazy("Monday"),
    "TU": gettext_lazy("Tuesday"),
    "WE": gettext_lazy("Wednesday"),
    "TH": gettext_lazy("Thursday"),
    "FR": gettext_lazy("Friday"),
    "SA": gettext_lazy("Saturday"),
    "SU": gettext_lazy("Sunday"),
}
ORDINALS = {
    1: gettext_lazy("first"),
    2: gettext_lazy("second"),
    3: gettext_lazy("third"),
    4: gettext_lazy("fourth"),
    -1: gettext_lazy("last"),
}


def describe_rule(meeting: Meeting) -> str:
    """The series' rhythm in words: “Every other week on Tuesday, until 30 June 2026”."""
    if not meeting.recurrence:
        return _("Once")
    dtstart = local_start(meeting)
    fields = builder_fields(meeting.recurrence, dtstart)
    if fields is None:
        return _("Custom rule: %(rule)s") % {"rule": meeting.recurrence}
    weekday = WEEKDAY_NAMES[WEEKDAYS[dtstart.weekday()]]
    words = {
        Repeat.WEEKLY: _("Every week on %(day)s"),
        Repeat.BIWEEKLY: _("Every other week on %(day)s"),
        Repeat.MONTHLY: _("Monthly on the %(nth)s %(day)s"),
    }[fields["repeat"]] % {"day": weekday, "nth": ORDINALS[nth_weekday(dtstart.date())]}
    if fields["ends"] == Ends.AFTER:
        words += ngettext(", %(n)d meeting", ", %(n)d meetings", fields["count"]) % {
            "n": fields["count"]
        }
    elif fields["ends"] == Ends.ON:
        words += _(", until %(date)s") % {"date": dateformat.format(fields["until"], "j F Y")}
    return words


def format_when(moment: datetime, end: datetime | None = None) -> str:
    """“Tue 7 Jan 2025, 18:00–19:30 EST” in the moment's own zone (not the viewer's)."""
    text = dateformat.format(moment, "D j M Y, H:i")
    if end is not None:
        text += "–" + dateformat.format(end, "H:i")
    return f"{text} {moment.tzname()}"


@cache
def timezone_choices() -> list[tuple[str, str]]:
    """Time zones people choose from: the IANA names of places, plus UTC."""
    names = sorted(
        n
        for n in available_timezones()
        if "/" in n and not n.startswith(("Etc/", "SystemV/", "US/", "posix", "right/"))
    )
    return [("UTC", "UTC"), *((n, n.replace("_", " ")) for n in names)]


# --- instances ------------------------------------------------------------------------------------


def key_of(moment: datetime) -> str:
    """An instance's key in URLs: its original start in UTC, ``20250107T230000Z``."""
    return as_utc(moment).strftime(KEY_FORMAT)


def parse_key(key: str) -> datetime | None:
    try:
        return datetime.strptime(key, KEY_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        return None


@dataclass
class Instance:
    """One meeting of a series: computed from the rule, with its occurrence row if it has one."""

    meeting: Meeting
    original_start: datetime  # UTC; the RECURRENCE-ID
    occurrence: Occurrence | None = None

    @property
    def starts_at(self) -> datetime:
        return self.occurrence.starts_at if self.occurrence else self.original_start

    @property
    def duration_minutes(self) -> int:
        if self.occurrence:
            return self.occurrence.duration_minutes
        return self.meeting.duration_minutes

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    @property
    def local_start(self) -> datetime:
        return self.starts_at.astimezone(zone_of(self.meeting))

    @property
    def local_end(self) -> datetime:
        return self.ends_at.astimezone(zone_of(self.meeting))

    @property
    def when(self) -> str:
        return format_when(self.local_start, self.local_end)

    @property
    def is_cancelled(self) -> bool:
        return bool(self.occurrence) and self.occurrence.status == Occurrence.Status.CANCELLED

    @property
    def is_moved(self) -> bool:
        return bool(self.occurrence) and (
            self.occurrence.starts_at != self.occurrence.original_start
            or self.occurrence.duration_minutes != self.meeting.duration_minutes
        )

    @property
    def is_past(self) -> bool:
        return self.starts_at < timezone.now()

    @property
    def key(self) -> str:
        return key_of(self.original_start)

    @property
    def url(self) -> str:
        return reverse(
            "occurrence_detail",
            args=[self.meeting.initiative.slug, self.meeting.pk, self.key],
        )

    @property
    def public_url(self) -> str:
        return reverse(
            "public_occurrence",
            args=[self.meeting.initiative.slug, self.meeting.pk, self.key],
        )

    @cached_property
    def body_name(self) -> str:
        return self.meeting.body.name if self.meeting.body_id else ""


def instances_between(
    meetings, start: datetime, end: datetime, *, rows=None, cancelled: bool = True
) -> list[Instance]:
    """Every instance of ``meetings`` starting in ``[start, end)``, by start time.

    One query for the occurrence rows (``rows`` may be an annotated ``Occurrence`` queryset);
    a moved instance is found where it now happens, not where the rule put it.
    """
    meetings = list(meetings)
    by_id = {m.pk: m for m in meetings}
    rows = Occurrence.objects.all() if rows is None else rows
    found = rows.filter(meeting_id__in=by_id).filter(
        Q(starts_at__gte=start, starts_at__lt=end)
        | Q(original_start__gte=start, original_start__lt=end)
    )
    stored = defaultdict(dict)
    for row in found:
        row.meeting = by_id[row.meeting_id]
        stored[row.meeting_id][as_utc(row.original_start)] = row
    result = []
    for meeting in meetings:
        rows_of = stored[meeting.pk]
        starts = set(rule_starts(meeting, start, end)) | set(rows_of)
        for original in starts:
            instance = Instance(meeting, original, rows_of.get(original))
            if start <= instance.starts_at < end and (cancelled or not instance.is_cancelled):
                result.append(instance)
    result.sort(key=lambda i: (i.starts_at, i.meeting.pk))
    return result


def meetings_of(initiative):
    return Meeting.objects.filter(initiative=initiative).select_related("initiative", "body")


def upcoming(meetings, *, limit: int, now: datetime | None = None) -> list[Instance]:
    """The next ``limit`` instances not cancelled and not over yet, looking ever further ahead
    (two months, a year, the horizon) only when nearer windows hold too few."""
    now = now or timezone.now()
    meetings = list(meetings)
    # An instance under way still counts: look back by the longest meeting.
    longest = max((m.duration_minutes for m in meetings), default=0)
    start = now - timedelta(minutes=longest)
    found = []
    for days in (62, 366, HORIZON.days):
        found = [
            i
            for i in instances_between(meetings, start, now + timedelta(days=days), cancelled=False)
            if i.ends_at > now
        ]
        if len(found) >= limit:
            break
    return found[:limit]


def upcoming_for_body(body, limit: int = 5) -> list[Instance]:
    """The body's next meetings (for its working-group page): ``.starts_at``, ``.meeting``,
    ``.url``."""
    return upcoming(meetings_of(body.initiative).filter(body=body), limit=limit)


def person_meetings(user, initiative):
    """The series a person is expected at in one initiative: whole-initiative meetings and
    those of the bodies they sit in or facilitate."""
    return (
        meetings_of(initiative)
        .filter(Q(body__isnull=True) | Q(body__members=user) | Q(body__facilitator=user))
        .distinct()
    )


def upcoming_for_person(user, initiative, limit: int = 5) -> list[Instance]:
    return upcoming(person_meetings(user, initiative), limit=limit)


def instance_at(meeting: Meeting, original_start: datetime) -> Instance | None:
    """The instance whose original start is ``original_start`` (with its row), or ``None``."""
    row = Occurrence.objects.filter(meeting=meeting, original_start=original_start).first()
    if row is not None:
        row.meeting = meeting
        return Instance(meeting, as_utc(original_start), row)
    if is_rule_start(meeting, original_start):
        return Instance(meeting, as_utc(original_start))
    return None


def occurrence_for(meeting: Meeting, original_start: datetime) -> Occurrence:
    """The instance's occurrence row, created when something is first recorded for it.

    Raises ``DomainError`` (``not_an_instance``) when the series has no instance then.
    """
    row = Occurrence.objects.filter(meeting=meeting, original_start=original_start).first()
    if row is None:
        if not is_rule_start(meeting, original_start):
            raise DomainError(
                "This meeting series has no meeting at that time.", code="not_an_instance"
            )
        row, _created = Occurrence.objects.get_or_create(
            meeting=meeting,
            original_start=original_start,
            defaults={"starts_at": original_start, "duration_minutes": meeting.duration_minutes},
        )
    row.meeting = meeting
    return row


def expected_people(meeting: Meeting) -> list:
    """Who is expected at the series' meetings: the body's member people, or, for a meeting of
    the whole initiative, its active members. Ordered by name."""
    if meeting.body_id:
        people = list(meeting.body.members.all())
    else:
        people = [
            m.user
            for m in Membership.objects.filter(
                initiative_id=meeting.initiative_id, is_active=True
            ).select_related("user")
        ]
    return sorted(people, key=person_sort_key)


def person_sort_key(user) -> tuple:
    return (user.last_name.lower(), user.first_name.lower(), user.get_username())
