"""Small builders for the decision and action-item tests."""

from datetime import datetime, timedelta

from django.utils import timezone

from commonground.convening.models import Meeting, Occurrence
from commonground.convening.services import action_items
from commonground.convening.services import decisions as services


def people(world, *personas):
    return [world.users[p] for p in personas]


def open_decision(
    world,
    *,
    voters=("steering", "lead", "partner_lead_a"),
    actor="facilitator",
    method="consent",
    quorum_percent=50,
    closes_in=timedelta(days=3),
    **extra,
):
    return services.open_decision(
        actor=world.users[actor] if actor else None,
        initiative=extra.pop("initiative", world.alpha),
        title=extra.pop("title", "Adopt the literacy strategy"),
        proposal=extra.pop("proposal", "We **adopt** the strategy."),
        method=method,
        closes_at=timezone.now() + closes_in,
        eligible_voters=people(world, *voters),
        quorum_percent=quorum_percent,
        **extra,
    )


def occurrence(initiative, starts_at: datetime, *, body=None, title="Network meeting", **extra):
    """A meeting with one occurrence at ``starts_at`` (set-up rows: the meetings area owns the
    services that make them)."""
    meeting = Meeting.objects.create(
        initiative=initiative, body=body, title=title, starts_at=starts_at
    )
    return Occurrence.objects.create(
        meeting=meeting,
        original_start=starts_at,
        starts_at=starts_at,
        duration_minutes=60,
        **extra,
    )


def local(year, month, day, hour=18):
    return datetime(year, month, day, hour, tzinfo=timezone.get_current_timezone())


def add_item(world, meeting, title, due_on, owner="reporter_a"):
    """An action item out of ``meeting``, created by the facilitator."""
    return action_items.create_action_item(
        actor=world.users["facilitator"],
        initiative=world.alpha,
        title=title,
        owner=world.users[owner],
        due_on=due_on,
        occurrence=meeting,
    )
