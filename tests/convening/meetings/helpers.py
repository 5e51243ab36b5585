"""Scheduling meetings in the test ``world`` at times relative to today."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from commonground.convening.meetings import WEEKDAYS
from commonground.convening.services import meetings as services

NEW_YORK = ZoneInfo("America/New_York")


def weeks_from_now(weeks: int, hour: int = 18) -> datetime:
    """``hour``:00 New York time, ``weeks`` weeks from today (negative: in the past)."""
    day = timezone.now().astimezone(NEW_YORK).date() + timedelta(weeks=weeks)
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=NEW_YORK)


def weekly_rule(start: datetime, interval: int = 1) -> str:
    every = f";INTERVAL={interval}" if interval > 1 else ""
    return f"FREQ=WEEKLY{every};BYDAY={WEEKDAYS[start.weekday()]}"


def schedule(world, *, body=None, actor="facilitator", weekly=False, **fields):
    """A meeting of ``body`` (or the whole initiative), by default four weeks ago at 18:00;
    ``weekly``: repeating every week on that weekday."""
    fields.setdefault("title", "Network meeting")
    fields.setdefault("starts_at", weeks_from_now(-4))
    if weekly:
        fields["recurrence"] = weekly_rule(fields["starts_at"])
    return services.schedule_meeting(
        actor=world.users[actor] if actor else None,
        initiative=world.alpha,
        data=services.MeetingData(body=body, **fields),
    )
