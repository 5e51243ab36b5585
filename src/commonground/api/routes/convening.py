"""Meetings and decisions (every member reads them, as on their pages).

Minutes not yet published are shown only to those who run meetings; votes are given as
counts, with the caller's own vote, not who voted how.
"""

from datetime import date, datetime

from django.db.models import Count, Prefetch, Q
from ninja import Field, Query, Router, Schema

from commonground.api import scope
from commonground.api.errors import NotFound
from commonground.api.lists import Filters, Page, PageParams, paginate
from commonground.api.schemas import Id, Slug, Text, choice, read
from commonground.convening.models import AgendaItem, Decision, Meeting, Occurrence, Vote
from commonground.core.permissions import Perm

router = Router(tags=["Meetings and decisions"])


class AgendaItemOut(Schema):
    position: int
    title: str
    minutes_allotted: int
    indicator: str | None = Field(description="Indicator code.")
    decision: int | None = Field(description="Decision id.")
    activity: int | None = Field(description="Activity id.")


class OccurrenceOut(Schema):
    id: int
    starts_at: datetime
    original_start: datetime
    duration_minutes: int
    status: choice(Occurrence.Status)
    minutes: str | None = Field(description="Markdown; null until published.")
    agenda: list[AgendaItemOut]


class MeetingOut(Schema):
    id: int
    title: str
    description: str
    body: str | None = Field(description="Working group code; null: the whole initiative.")
    starts_at: datetime
    duration_minutes: int
    timezone: str
    recurrence: str = Field(description="RFC 5545 RRULE (without 'RRULE:'); '' for one-off.")
    location: str
    online_url: str
    is_open: bool
    occurrences: list[OccurrenceOut] = Field(
        description="Instances with an agenda, minutes, attendance or a change of their own."
    )


class MeetingFilters(Filters):
    LOOKUPS = {"body": "body__code"}

    body: Text | None = Field(None, description="Working group code.")


class TallyOut(Schema):
    agree: int
    abstain: int
    disagree: int
    block: int


class DecisionOut(Schema):
    id: int
    title: str
    proposal: str = Field(description="Markdown.")
    body: str | None = Field(description="Working group code.")
    method: choice(Decision.Method)
    quorum_percent: int
    closes_at: datetime
    status: choice(Decision.Status)
    outcome: str
    outcome_reason: str
    review_on: date | None
    opened_at: datetime
    closed_at: datetime | None
    eligible_voters: int
    votes: TallyOut
    your_vote: str | None


class DecisionFilters(Filters):
    LOOKUPS = {"status": "status", "body": "body__code"}

    status: choice(Decision.Status) | None = None
    body: Text | None = Field(None, description="Working group code.")


def _meetings(initiative):
    items = AgendaItem.objects.select_related("indicator").order_by("position", "pk")
    return (
        Meeting.objects.filter(initiative=initiative)
        .select_related("body")
        .prefetch_related(
            Prefetch(
                "occurrences",
                Occurrence.objects.order_by("starts_at").prefetch_related(Prefetch("items", items)),
            )
        )
        .order_by("starts_at", "pk")
    )


def _occurrence(occurrence: Occurrence, sees_drafts: bool) -> dict:
    shown = occurrence.minutes_published or sees_drafts
    return {
        "id": occurrence.pk,
        "starts_at": occurrence.starts_at,
        "original_start": occurrence.original_start,
        "duration_minutes": occurrence.duration_minutes,
        "status": occurrence.status,
        "minutes": occurrence.minutes if shown else None,
        "agenda": [
            {
                "position": item.position,
                "title": item.title,
                "minutes_allotted": item.minutes_allotted,
                "indicator": item.indicator.code if item.indicator else None,
                "decision": item.decision_id,
                "activity": item.activity_id,
            }
            for item in occurrence.items.all()
        ],
    }


def _meeting(meeting: Meeting, sees_drafts: bool) -> dict:
    return {
        "id": meeting.pk,
        "title": meeting.title,
        "description": meeting.description,
        "body": meeting.body.code if meeting.body else None,
        "starts_at": meeting.starts_at,
        "duration_minutes": meeting.duration_minutes,
        "timezone": meeting.timezone,
        "recurrence": meeting.recurrence,
        "location": meeting.location,
        "online_url": meeting.online_url,
        "is_open": meeting.is_open,
        "occurrences": [_occurrence(o, sees_drafts) for o in meeting.occurrences.all()],
    }


@router.get("/initiatives/{slug}/meetings", response=read(Page[MeetingOut]), summary="Meetings")
def list_meetings(request, slug: Slug, filters: Query[MeetingFilters], paging: Query[PageParams]):
    """Meetings of the initiative and its bodies, by first start."""
    access = scope.access(request, slug)
    meetings = filters.narrow(_meetings(access.initiative))
    sees_drafts = access.has(Perm.RUN_MEETINGS)
    return paginate(request, meetings, paging, lambda m: _meeting(m, sees_drafts))


@router.get(
    "/initiatives/{slug}/meetings/{meeting_id}", response=read(MeetingOut), summary="One meeting"
)
def get_meeting(request, slug: Slug, meeting_id: Id):
    access = scope.access(request, slug)
    meeting = _meetings(access.initiative).filter(pk=meeting_id).first()
    if meeting is None:
        raise NotFound
    return _meeting(meeting, access.has(Perm.RUN_MEETINGS))


def _decisions(initiative, user):
    tallies = {
        f"n_{choice_}": Count("votes", filter=Q(votes__choice=choice_), distinct=True)
        for choice_ in Vote.Choice.values
    }
    return (
        Decision.objects.filter(initiative=initiative)
        .select_related("body")
        .annotate(n_eligible=Count("eligible_voters", distinct=True), **tallies)
        .prefetch_related(Prefetch("votes", Vote.objects.filter(voter=user), to_attr="own"))
        .order_by("-opened_at", "-pk")
    )


def _decision(decision: Decision) -> dict:
    return {
        "id": decision.pk,
        "title": decision.title,
        "proposal": decision.proposal,
        "body": decision.body.code if decision.body else None,
        "method": decision.method,
        "quorum_percent": decision.quorum_percent,
        "closes_at": decision.closes_at,
        "status": decision.status,
        "outcome": decision.outcome,
        "outcome_reason": decision.outcome_reason,
        "review_on": decision.review_on,
        "opened_at": decision.opened_at,
        "closed_at": decision.closed_at,
        "eligible_voters": decision.n_eligible,
        "votes": {c: getattr(decision, f"n_{c}") for c in Vote.Choice.values},
        "your_vote": decision.own[0].choice if decision.own else None,
    }


@router.get("/initiatives/{slug}/decisions", response=read(Page[DecisionOut]), summary="Decisions")
def list_decisions(request, slug: Slug, filters: Query[DecisionFilters], paging: Query[PageParams]):
    """Decisions, newest first, with the count of each vote."""
    access = scope.access(request, slug)
    decisions = filters.narrow(_decisions(access.initiative, request.user))
    return paginate(request, decisions, paging, _decision)


@router.get(
    "/initiatives/{slug}/decisions/{decision_id}",
    response=read(DecisionOut),
    summary="One decision",
)
def get_decision(request, slug: Slug, decision_id: Id):
    access = scope.access(request, slug)
    decision = _decisions(access.initiative, request.user).filter(pk=decision_id).first()
    if decision is None:
        raise NotFound
    return _decision(decision)
