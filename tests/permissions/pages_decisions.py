"""Decisions, action items, "My work" and the engagement figures.

Every member reads decisions (individual votes included) and the action-item list, and has a
"My work" page; only a decision's eligible voters vote; the lead and the facilitator (who run
meetings) open, close and withdraw decisions and create and edit action items; an item's owner
may also move it along. Engagement figures are for the lead, the facilitator and the steering
committee.
"""

from datetime import timedelta

from django.utils import timezone

from commonground.convening.models import ActionItem, Decision, Meeting, Occurrence
from commonground.convening.services import action_items as item_services
from commonground.convening.services import decisions as services
from tests.permissions import ALPHA_MEMBERS, Page

RUN_MEETINGS = frozenset({"lead", "facilitator"})
VIEW_ENGAGEMENT = frozenset({"lead", "facilitator", "steering"})
VOTERS = ("steering", "partner_lead_a", "reporter_b")
NEW_DECISION = {
    "title": "Meet monthly",
    "proposal": "The network meets monthly.",
    "method": "consent",
    "closes_at": "2099-01-01T17:00",
    "quorum_percent": "50",
    "body": "",
    "voters_from": "steering",
}


def decision(world):
    """An open decision of alpha; steering, partner A's lead and partner B's reporter vote."""
    found = Decision.objects.filter(initiative=world.alpha, title="Matrix decision").first()
    if found is None:
        found = services.open_decision(
            actor=world.users["facilitator"],
            initiative=world.alpha,
            title="Matrix decision",
            proposal="We agree.",
            method="consent",
            closes_at=timezone.now() + timedelta(days=3),
            eligible_voters=[world.users[p] for p in VOTERS],
        )
    return found.pk


def item(world):
    """An action item of alpha owned by partner A's reporter, out of a past meeting."""
    found = ActionItem.objects.filter(initiative=world.alpha, title="Matrix item").first()
    if found is None:
        start = timezone.now() - timedelta(days=7)
        meeting = Meeting.objects.create(initiative=world.alpha, title="Network", starts_at=start)
        occurrence = Occurrence.objects.create(
            meeting=meeting, original_start=start, starts_at=start, duration_minutes=60
        )
        found = item_services.create_action_item(
            actor=world.users["facilitator"],
            initiative=world.alpha,
            title="Matrix item",
            owner=world.users["reporter_a"],
            due_on=timezone.localdate() + timedelta(days=7),
            occurrence=occurrence,
        )
    return found.pk


PAGES = [
    Page("decision_list", ("alpha",), ALPHA_MEMBERS),
    Page("decision_create", ("alpha",), RUN_MEETINGS),
    Page("decision_create", ("alpha",), RUN_MEETINGS, method="post", data=NEW_DECISION, ok=302),
    Page("decision_detail", ("alpha", decision), ALPHA_MEMBERS),
    Page(
        "decision_vote",
        ("alpha", decision),
        frozenset(VOTERS),
        method="post",
        data={"choice": "agree", "reason": ""},
        ok=302,
    ),
    Page("decision_close", ("alpha", decision), RUN_MEETINGS, method="post", ok=302),
    Page(
        "decision_withdraw",
        ("alpha", decision),
        RUN_MEETINGS,
        method="post",
        data={"reason": "Replaced."},
        ok=302,
    ),
    Page("action_item_list", ("alpha",), ALPHA_MEMBERS),
    Page("action_item_create", ("alpha",), RUN_MEETINGS),
    # An empty form comes back with its errors, for those who may create items at all.
    Page("action_item_create", ("alpha",), RUN_MEETINGS, method="post"),
    Page("action_item_edit", ("alpha", item), RUN_MEETINGS),
    Page("action_item_edit", ("alpha", item), RUN_MEETINGS, method="post"),
    Page(
        "action_item_status",
        ("alpha", item),
        RUN_MEETINGS | {"reporter_a"},
        method="post",
        data={"status": "done"},
        ok=302,
    ),
    Page("my_work", ("alpha",), ALPHA_MEMBERS),
    Page("engagement", ("alpha",), VIEW_ENGAGEMENT),
]
