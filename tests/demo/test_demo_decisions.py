"""The demo's decisions and action items, attached to the meetings demo's past meetings: one
decision open for votes, one whose review date comes up, items done on time, late and open;
built again, nothing is added."""

from datetime import timedelta

import pytest
from django.utils import timezone

from commonground.convening.engagement import engagement_figures
from commonground.convening.models import ActionItem, Decision, Vote
from commonground.convening.services.decisions import decisions_awaiting_vote
from commonground.core.models import AuditEvent
from commonground.demo import decisions, meetings
from commonground.demo.build import _Output
from tests.demo.demo_accounts import demo_users

pytestmark = pytest.mark.django_db


def build(initiative, users):
    meetings.build(initiative, users, _Output(None))
    decisions.build(initiative, users, _Output(None))


def counts():
    return (
        Decision.objects.count(),
        Vote.objects.count(),
        ActionItem.objects.count(),
        AuditEvent.objects.count(),
    )


def test_demo_decisions_and_action_items(built_demo):
    initiative = built_demo.initiative
    users = demo_users()
    build(initiative, users)
    today = timezone.localdate()

    mine = Decision.objects.filter(title__in=[d.title for d in decisions.DECISIONS])
    by_title = {d.title: d for d in mine.select_related("occurrence__meeting__body")}
    assert len(by_title) == len(decisions.DECISIONS)
    # Every decision comes out of a past meeting of its own body.
    for decision in by_title.values():
        assert decision.occurrence.starts_at < timezone.now()
        assert decision.occurrence.meeting.body == decision.body
    outcomes = sorted((d.status, d.outcome) for d in by_title.values())
    assert outcomes == [
        ("closed", "adopted"),
        ("closed", "adopted"),
        ("closed", "blocked"),
        ("open", ""),
        ("withdrawn", ""),
    ]
    # One open for votes, waiting on the steering member's and the lead's "My work".
    open_one = by_title["Fund a shared data coordinator from pooled contributions"]
    assert open_one in decisions_awaiting_vote(users["steering"], initiative)
    assert open_one in decisions_awaiting_vote(users["lead"], initiative)
    assert open_one.votes.count() == 3
    # One with a review date coming up next week.
    reviews = [d.review_on for d in by_title.values() if d.review_on]
    assert today + timedelta(days=7) in reviews
    # A block always has its reason.
    assert Vote.objects.filter(choice="block").exclude(reason="").count() == 1

    items = ActionItem.objects.filter(title__in=[i.title for i in decisions.ITEMS])
    assert items.count() == len(decisions.ITEMS)
    assert not items.filter(occurrence=None).exists()
    done = items.filter(status="done")
    on_time = [i for i in done if timezone.localdate(i.completed_at) <= i.due_on]
    late = [i for i in done if timezone.localdate(i.completed_at) > i.due_on]
    assert (len(on_time), len(late)) == (3, 2)
    assert items.filter(status="open", due_on__lt=today).count() == 2
    assert items.filter(status="in_progress").count() == 1
    assert items.filter(status="open", due_on__gte=today).count() == 2
    assert items.exclude(decision=None).count() == 4

    figures = engagement_figures(initiative, today - timedelta(days=365), today)
    assert figures.action_items.on_time >= 3 and figures.action_items.late >= 2
    assert figures.decisions_closed >= 3

    before = counts()
    build(initiative, users)
    assert counts() == before
