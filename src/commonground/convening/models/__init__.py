"""Continuous communication (SPEC §3.4): meetings, decisions, action items, discussions,
stories, notifications and calendar feeds."""

from commonground.convening.models.action_items import ActionItem
from commonground.convening.models.decisions import Decision, Vote
from commonground.convening.models.discussions import Post, Story, Thread
from commonground.convening.models.meetings import AgendaItem, Attendance, Meeting, Occurrence
from commonground.convening.models.notifications import (
    CalendarFeed,
    DigestPreference,
    Notification,
)

__all__ = [
    "ActionItem",
    "AgendaItem",
    "Attendance",
    "CalendarFeed",
    "Decision",
    "DigestPreference",
    "Meeting",
    "Notification",
    "Occurrence",
    "Post",
    "Story",
    "Thread",
    "Vote",
]
