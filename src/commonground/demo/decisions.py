"""The demo's decisions and action items, out of the meetings the meetings demo recorded.

Decisions of the three bodies — adopted by consent with one disagreement, adopted by vote,
blocked, withdrawn, one still open for votes (the steering member and the backbone lead have
not voted yet: it waits on their "My work" page) and one whose review date comes up next week —
and action items from past meetings and decisions: some done on time, some late, some overdue,
some in progress, some coming up. The proposals, votes and tasks are INVENTED for the demo.

Everything goes through ``convening.services.decisions`` and ``.action_items``, as the
facilitator (and each voter for their vote; each owner marks their items done). Running it again
adds nothing: decisions and action items are found by their title. It needs the meetings demo
(``demo.meetings``) to have run first, for the past meetings to attach to.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from commonground.convening.models import ActionItem, Decision, Occurrence
from commonground.convening.services import action_items as items
from commonground.convening.services import decisions as services
from commonground.initiatives.models import WorkingGroup

ZONE = ZoneInfo("America/New_York")
ACTOR = "facilitator"


@dataclass(frozen=True)
class DemoDecision:
    """One decision: its body, the past meeting it came from (0 = that body's first recorded
    meeting), the votes (voter's local part → (choice, reason)), and how it ends."""

    body: str
    meeting: int
    title: str
    proposal: str
    method: str
    votes: dict = field(default_factory=dict)
    ending: str = "close"  # "close", "withdraw" or "open"
    reason: str = ""  # the outcome's reasons, or why it was withdrawn
    review_in_days: int | None = None  # the review date, counted from the day of the build


DECISIONS = [
    DemoDecision(
        "steering",
        1,
        "Make chronic absence a priority indicator for the next two years",
        "The steering committee asks every network to put **students chronically absent** on "
        "its agenda at least once a quarter, and the backbone to publish the indicator by "
        "school and by student group.\n\n"
        "- Why: chronic absence rose in both divisions since 2019 and predicts grade 3 reading.\n"
        "- What it costs: no new money; the data manager's time for the breakdowns.",
        "consent",
        votes={
            "lead": ("agree", ""),
            "steering": ("agree", ""),
            "acps.lead": ("agree", ""),
            "ccs.lead": ("disagree", "We agree on the aim but worry about publishing by school."),
            "rivanna-reads.lead": ("agree", ""),
            "bluebird-health.lead": ("agree", "Our nurses see the health side of absence."),
            "funder": ("abstain", "The fund does not vote on priorities it pays for."),
        },
        reason=(
            "Adopted by consent. The concern about publishing by school is met by suppressing "
            "small counts, as for every public figure."
        ),
        review_in_days=7,
    ),
    DemoDecision(
        "early-grades",
        2,
        "Pilot attendance postcards in three elementary schools",
        "Send a friendly postcard home after a child's third absence in a month, in English and "
        "Spanish, at Greer, Woodbrook and Johnson elementary schools from January to May. "
        "Bluebird Family Health prints and mails them; the schools send the addresses.",
        "vote",
        votes={
            "acps.lead": ("agree", ""),
            "ccs.lead": ("agree", ""),
            "rivanna-reads.lead": ("agree", ""),
            "bluebird-health.lead": ("agree", ""),
            "neighbors-table.lead": ("disagree", "Families told us letters feel like blame."),
            "facilitator": ("abstain", ""),
        },
        reason="Adopted 4 to 1. The wording of the card will be tested with parents first.",
        review_in_days=150,
    ),
    DemoDecision(
        "pathways",
        1,
        "Move FAFSA nights to Saturday mornings",
        "Hold the three FAFSA completion nights on Saturday mornings at the high schools "
        "instead of weeknights, so that working parents can come.",
        "consent",
        votes={
            "acps.lead": ("agree", ""),
            "ccs.lead": ("agree", ""),
            "hilltop-mentors.lead": (
                "block",
                "Our volunteer mentors are students who cannot staff Saturday mornings; without "
                "them the nights cannot run.",
            ),
            "funder": ("abstain", ""),
        },
        reason="Blocked. Hilltop Mentors and the schools look for a weekday evening that works.",
    ),
    DemoDecision(
        "steering",
        3,
        "Change the report card's publication month to March",
        "Publish the community report card in March rather than in October.",
        "consent",
        votes={"lead": ("agree", "")},
        ending="withdraw",
        reason="Replaced: the data schedule of the divisions makes October the only month.",
    ),
    DemoDecision(
        "steering",
        5,
        "Fund a shared data coordinator from pooled contributions",
        "Partners with budgets over $1 million contribute to a shared data coordinator at the "
        "backbone for two years (about $38,000 a year in total), who helps every partner report "
        "and use the shared indicators.",
        "vote",
        votes={
            "acps.lead": ("agree", ""),
            "rivanna-reads.lead": ("agree", "We would finally get help with our data."),
            "funder": ("abstain", "The fund will say at its board meeting whether it matches."),
        },
        ending="open",
    ),
]


@dataclass(frozen=True)
class DemoItem:
    """One action item: out of a body's past meeting (or the decision titled ``decision``), who
    owns it, when it is due (days after that meeting, or after the build with ``from_today``) and
    how it stands: done ``done_after`` days after its due date (negative: early), in progress,
    or open."""

    title: str
    owner: str
    body: str
    meeting: int
    due_after: int
    done_after: int | None = None
    in_progress: bool = False
    from_today: bool = False
    decision: str = ""


ITEMS = [
    # Done on time.
    DemoItem(
        "Share the chronic absence figures by school",
        "data",
        "steering",
        1,
        21,
        -3,
        decision="Make chronic absence a priority indicator for the next two years",
    ),
    DemoItem(
        "Send the network's reading-tutor roster", "rivanna-reads.lead", "early-grades", 0, 10, -1
    ),
    DemoItem(
        "Book the library rooms for FAFSA nights", "hilltop-mentors.lead", "pathways", 0, 14, 0
    ),
    # Done late.
    DemoItem(
        "Collect the addresses for the postcard pilot",
        "acps.lead",
        "early-grades",
        2,
        10,
        6,
        decision="Pilot attendance postcards in three elementary schools",
    ),
    DemoItem(
        "Draft the parent survey on attendance", "bluebird-health.lead", "early-grades", 1, 7, 9
    ),
    # Overdue and still open.
    DemoItem("Ask the divisions for bus-route changes", "ccs.lead", "early-grades", 3, 7),
    DemoItem(
        "Write up the mentors' weekday availability",
        "hilltop-mentors.lead",
        "pathways",
        2,
        10,
        decision="Move FAFSA nights to Saturday mornings",
    ),
    # In progress, and coming up.
    DemoItem(
        "Test the postcard wording with parents",
        "neighbors-table.lead",
        "early-grades",
        4,
        12,
        in_progress=True,
        decision="Pilot attendance postcards in three elementary schools",
    ),
    DemoItem(
        "Prepare the funding note for the data coordinator",
        "lead",
        "steering",
        5,
        1,
        from_today=True,
    ),
    DemoItem(
        "Invite the community college to the next network meeting",
        "facilitator",
        "pathways",
        4,
        9,
        from_today=True,
    ),
]


def build(initiative, users: dict, out) -> None:
    """Create the demo's decisions and action items if missing; see the module docstring."""
    actor = users[ACTOR]
    meetings = _past_meetings(initiative)
    if not meetings:
        out.line("Decisions: no past meetings to attach them to (build the meetings first)")
        return
    made = 0
    for spec in DECISIONS:
        if not Decision.objects.filter(initiative=initiative, title=spec.title).exists():
            _decide(initiative, spec, meetings, users, actor)
            made += 1
    out.line(f"Decisions: {made} new of {len(DECISIONS)}")
    made = 0
    for spec in ITEMS:
        if not ActionItem.objects.filter(initiative=initiative, title=spec.title).exists():
            _item(initiative, spec, meetings, users, actor)
            made += 1
    out.line(f"Action items: {made} new of {len(ITEMS)}")


def _past_meetings(initiative) -> dict[str, list[Occurrence]]:
    """Each body's past meetings that have a record, earliest first."""
    found: dict[str, list[Occurrence]] = {}
    for occurrence in (
        Occurrence.objects.filter(
            meeting__initiative=initiative,
            meeting__body__isnull=False,
            status=Occurrence.Status.SCHEDULED,
            starts_at__lt=timezone.now(),
        )
        .select_related("meeting__body")
        .order_by("starts_at")
    ):
        found.setdefault(occurrence.meeting.body.code, []).append(occurrence)
    return found


def _meeting(meetings, body: str, number: int) -> Occurrence:
    past = meetings[body]
    return past[min(number, len(past) - 1)]


def _voters(initiative, body_code: str, users) -> list:
    if body_code == "steering":
        return services.steering_committee_voters(initiative)
    body = WorkingGroup.objects.get(initiative=initiative, code=body_code)
    return list(body.members.all())


def _decide(initiative, spec: DemoDecision, meetings, users, actor) -> Decision:
    body = WorkingGroup.objects.get(initiative=initiative, code=spec.body)
    voters = _voters(initiative, spec.body, users)
    voters += [users[name] for name in spec.votes if users[name] not in voters]
    closes_in = timedelta(days=6) if spec.ending == "open" else timedelta(days=1)
    decision = services.open_decision(
        actor=actor,
        initiative=initiative,
        title=spec.title,
        proposal=spec.proposal,
        method=spec.method,
        closes_at=timezone.now() + closes_in,
        eligible_voters=voters,
        quorum_percent=50,
        body=body,
        occurrence=_meeting(meetings, spec.body, spec.meeting),
    )
    for name, (choice, reason) in spec.votes.items():
        services.cast_vote(actor=users[name], decision=decision, choice=choice, reason=reason)
    if spec.ending == "withdraw":
        return services.withdraw_decision(actor=actor, decision=decision, reason=spec.reason)
    if spec.ending == "close":
        review = None
        if spec.review_in_days is not None:
            review = timezone.localdate() + timedelta(days=spec.review_in_days)
        return services.close_decision(
            actor=actor, decision=decision, outcome_reason=spec.reason, review_on=review
        )
    return decision


def _at_four(day: date) -> datetime:
    """4 pm on ``day`` in the demo's time zone, but never later than now."""
    return min(datetime.combine(day, time(16), ZONE), timezone.now())


def _item(initiative, spec: DemoItem, meetings, users, actor) -> ActionItem:
    occurrence = _meeting(meetings, spec.body, spec.meeting)
    if spec.from_today:
        start = timezone.localdate()
    else:
        start = occurrence.starts_at.astimezone(ZONE).date()
    due = start + timedelta(days=spec.due_after)
    decision = None
    if spec.decision:
        decision = Decision.objects.get(initiative=initiative, title=spec.decision)
    item = items.create_action_item(
        actor=actor,
        initiative=initiative,
        title=spec.title,
        owner=users[spec.owner],
        due_on=due,
        occurrence=occurrence,
        decision=decision,
    )
    owner = users[spec.owner]
    if spec.in_progress:
        items.set_action_item_status(actor=owner, item=item, status=ActionItem.Status.IN_PROGRESS)
    elif spec.done_after is not None:
        done_on = due + timedelta(days=spec.done_after)
        items.complete_action_item(actor=owner, item=item, completed_at=_at_four(done_on))
    return item
