"""Decisions (SPEC §3.4.2): a proposal put to eligible voters, their votes, and the outcome.

Every path — the pages, the common agenda's adoption, the daily reminders run — goes through
these functions. Each locks the decision row, checks the actor's permission, writes the audit
event (the decision's history is read back from those events) and notifies the people
concerned, all in one transaction. How the outcome is computed is written in
``compute_outcome`` and explained for people in ``docs/decisions.md``.
"""

import logging
from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from commonground.convening.models import Decision, Vote
from commonground.convening.notify import notify
from commonground.core import audit
from commonground.core.authorization import authorize
from commonground.core.errors import DomainError, InvalidTransition, PermissionDenied
from commonground.core.permissions import Perm
from commonground.initiatives.models import Membership, WorkingGroup
from commonground.initiatives.roles import Role

logger = logging.getLogger(__name__)
User = get_user_model()
Method, Status, Outcome, Choice = Decision.Method, Decision.Status, Decision.Outcome, Vote.Choice

DECISION_FIELDS = [
    "title",
    "proposal",
    "method",
    "quorum_percent",
    "closes_at",
    "body",
    "occurrence",
    "agenda_version",
    "status",
    "outcome",
    "outcome_reason",
    "review_on",
]


@dataclass(frozen=True)
class Tally:
    """The votes of one decision, counted by choice, and how many people may vote."""

    eligible: int
    agree: int = 0
    abstain: int = 0
    disagree: int = 0
    block: int = 0

    @property
    def cast(self) -> int:
        return self.agree + self.abstain + self.disagree + self.block

    def needed_for_quorum(self, quorum_percent: int) -> int:
        """The smallest number of votes that reaches ``quorum_percent`` of the eligible voters."""
        return -(-self.eligible * quorum_percent // 100)  # ceiling, in whole numbers

    def has_quorum(self, quorum_percent: int) -> bool:
        return self.cast >= self.needed_for_quorum(quorum_percent)

    def as_dict(self) -> dict:
        return {
            "eligible": self.eligible,
            "agree": self.agree,
            "abstain": self.abstain,
            "disagree": self.disagree,
            "block": self.block,
        }


def compute_outcome(method: str, quorum_percent: int, tally: Tally) -> str:
    """The outcome of a decision from its votes (docs/decisions.md has the table).

    Every vote cast — abstentions and blocks included — counts toward the quorum; without it
    nothing is decided. By consent, the proposal passes unless someone blocks (a disagreement
    is recorded but does not stop it). By vote, it passes when agree votes outnumber the votes
    against; a block counts as a vote against, since a majority vote gives nobody a veto, and
    abstentions count for the quorum only. A tie is not a majority: the proposal is rejected.
    """
    if not tally.has_quorum(quorum_percent):
        return Outcome.NO_QUORUM
    if method == Method.CONSENT:
        return Outcome.BLOCKED if tally.block else Outcome.ADOPTED
    return Outcome.ADOPTED if tally.agree > tally.disagree + tally.block else Outcome.REJECTED


def tally_of(decision: Decision) -> Tally:
    counts = {
        row["choice"]: row["n"] for row in decision.votes.values("choice").annotate(n=Count("pk"))
    }
    return Tally(eligible=decision.eligible_voters.count(), **counts)


def decision_url(decision: Decision) -> str:
    return reverse("decision_detail", args=[decision.initiative.slug, decision.pk])


def is_open_for_votes(decision: Decision, now: datetime | None = None) -> bool:
    return decision.status == Status.OPEN and (now or timezone.now()) < decision.closes_at


def _may_run(agenda_version_id):
    """Facilitators run decisions; those who manage the agenda also run its adoption."""

    def allowed(access) -> bool:
        if access.has(Perm.RUN_MEETINGS):
            return True
        return agenda_version_id is not None and access.has(Perm.MANAGE_AGENDA)

    return allowed


def _locked(decision: Decision) -> Decision:
    """The decision's row, locked until the transaction ends: votes and closing queue up."""
    return (
        Decision.objects.select_for_update(of=("self",))
        .select_related("initiative", "body__facilitator", "opened_by")
        .get(pk=decision.pk)
    )


def _label(user) -> str:
    return user.get_full_name() or user.get_username()


def _check_in_initiative(initiative, body, occurrence, agenda_version) -> None:
    belongs = [
        body is None or body.initiative_id == initiative.pk,
        occurrence is None or occurrence.meeting.initiative_id == initiative.pk,
        agenda_version is None or agenda_version.initiative_id == initiative.pk,
    ]
    if not all(belongs):
        raise DomainError(
            _("The body, meeting or agenda version is not in this initiative."),
            code="wrong_initiative",
        )


def _active_voters(initiative, eligible_voters) -> list:
    voters = {user.pk: user for user in eligible_voters if user is not None}
    if not voters:
        raise DomainError(_("Choose at least one eligible voter."), code="no_voters")
    members = set(
        Membership.objects.filter(
            initiative=initiative, is_active=True, user__in=list(voters)
        ).values_list("user_id", flat=True)
    )
    outside = sorted(_label(user) for pk, user in voters.items() if pk not in members)
    if outside:
        raise DomainError(
            _("Only active members of the initiative may vote; not: %(names)s.")
            % {"names": ", ".join(outside)},
            code="voter_not_member",
        )
    return list(voters.values())


@transaction.atomic
def open_decision(
    *,
    actor,
    initiative,
    title: str,
    proposal: str,
    method: str,
    closes_at: datetime,
    eligible_voters,
    quorum_percent: int = 50,
    body: WorkingGroup | None = None,
    occurrence=None,
    agenda_version=None,
) -> Decision:
    """Put a proposal to ``eligible_voters`` until ``closes_at`` and ask each of them to vote."""
    authorize(actor, initiative, _may_run(agenda_version and agenda_version.pk))
    title, proposal = title.strip(), proposal.strip()
    if not title:
        raise DomainError(_("Give the decision a title."), code="title_required")
    if not proposal:
        raise DomainError(_("Write the proposal people vote on."), code="proposal_required")
    if method not in Method.values:
        raise DomainError(_("Choose consent or vote."), code="unknown_method")
    if not 1 <= quorum_percent <= 100:
        raise DomainError(_("The quorum is a share from 1 to 100 %."), code="bad_quorum")
    if closes_at <= timezone.now():
        raise DomainError(_("The closing time must be in the future."), code="closes_in_past")
    _check_in_initiative(initiative, body, occurrence, agenda_version)
    voters = _active_voters(initiative, eligible_voters)
    decision = Decision.objects.create(
        initiative=initiative,
        title=title,
        proposal=proposal,
        method=method,
        quorum_percent=quorum_percent,
        closes_at=closes_at,
        body=body,
        occurrence=occurrence,
        agenda_version=agenda_version,
        opened_by=actor,
    )
    decision.eligible_voters.set(voters)
    audit.record(
        actor=actor,
        action="decision.opened",
        obj=decision,
        initiative=initiative,
        after=audit.snapshot(decision, DECISION_FIELDS)
        | {"eligible_voters": sorted(_label(v) for v in voters)},
    )
    closes = timezone.localtime(closes_at)
    notify(
        voters,
        initiative=initiative,
        kind="decision_opened",
        text=_("Your vote is asked on “%(title)s” until %(closes)s.")
        % {"title": title, "closes": closes.strftime("%Y-%m-%d %H:%M")},
        url=decision_url(decision),
        exclude=actor,
    )
    return decision


@transaction.atomic
def cast_vote(*, actor, decision: Decision, choice: str, reason: str = "") -> Vote:
    """Record ``actor``'s vote, or change it while the decision is open: one vote per voter.

    The decision's row is locked first, so two requests of the same voter at once are handled
    one after the other: the second sees the first's vote and changes it (or, when it says the
    same, changes nothing and writes no event).
    """
    if actor is None:
        raise PermissionDenied(_("Only a person can vote."), code="not_eligible")
    decision = _locked(decision)
    authorize(actor, decision.initiative, lambda access: access.membership is not None)
    if not decision.eligible_voters.filter(pk=actor.pk).exists():
        raise PermissionDenied(
            _("You are not among the eligible voters of this decision."), code="not_eligible"
        )
    if decision.status != Status.OPEN:
        raise InvalidTransition(
            _("This decision is %(status)s: it takes no more votes.")
            % {"status": decision.get_status_display().lower()},
            code="decision_closed",
        )
    if not is_open_for_votes(decision):
        raise InvalidTransition(_("Voting ended at the closing time."), code="voting_closed")
    if choice not in Choice.values:
        raise DomainError(_("Choose agree, abstain, disagree or block."), code="unknown_choice")
    reason = reason.strip()
    if choice == Choice.BLOCK and not reason:
        raise DomainError(
            _("Say why you block: a block needs a stated reason."), code="reason_required"
        )
    vote = Vote.objects.filter(decision=decision, voter=actor).first()
    if vote is not None and (vote.choice, vote.reason) == (choice, reason):
        return vote
    before = None if vote is None else {"choice": vote.choice, "reason": vote.reason}
    if vote is None:
        vote = Vote(decision=decision, voter=actor)
    vote.choice, vote.reason = choice, reason
    vote.save()
    audit.record(
        actor=actor,
        action="decision.vote_cast" if before is None else "decision.vote_changed",
        obj=decision,
        initiative=decision.initiative,
        before=before,
        after={"voter": _label(actor), "choice": choice, "reason": reason},
    )
    return vote


def _people_concerned(decision: Decision) -> list:
    people = list(decision.eligible_voters.all())
    people.append(decision.opened_by)
    if decision.body is not None:
        people.append(decision.body.facilitator)
    return people


def _require_open(decision: Decision) -> None:
    if decision.status != Status.OPEN:
        raise InvalidTransition(
            _("This decision is already %(status)s.")
            % {"status": decision.get_status_display().lower()},
            code="not_open",
        )


def _record_agenda_outcome(decision: Decision) -> None:
    """A decision about a version of the common agenda adopts or rejects that version."""
    if decision.agenda_version_id is None:
        return
    # The common-agenda area opens these decisions through this module; imported here so
    # neither module needs the other at import time.
    from commonground.action.agenda.services import record_adoption_outcome

    record_adoption_outcome(decision)


@transaction.atomic
def close_decision(
    *, actor, decision: Decision, outcome_reason: str = "", review_on: date | None = None
) -> Decision:
    """Close the vote and compute the outcome; ``actor=None`` is the system at closing time.

    A facilitator may close before the closing time (everyone voted, or the meeting decided).
    A decision about a version of the common agenda then records the adoption (or not) of that
    version, in this same transaction.
    """
    decision = _locked(decision)
    authorize(actor, decision.initiative, _may_run(decision.agenda_version_id))
    _require_open(decision)
    if review_on is not None and review_on <= timezone.localdate():
        raise DomainError(_("The review date must be after today."), code="review_in_past")
    tally = tally_of(decision)
    before = audit.snapshot(decision, ["status", "outcome", "outcome_reason", "review_on"])
    now = timezone.now()
    decision.status = Status.CLOSED
    decision.outcome = compute_outcome(decision.method, decision.quorum_percent, tally)
    decision.outcome_reason = outcome_reason.strip()
    decision.review_on = review_on
    decision.closed_by, decision.closed_at = actor, now
    decision.save()
    audit.record(
        actor=actor,
        action="decision.closed",
        obj=decision,
        initiative=decision.initiative,
        before=before,
        after=audit.snapshot(decision, ["status", "outcome", "outcome_reason", "review_on"])
        | {"tally": tally.as_dict(), "before_closing_time": now < decision.closes_at},
    )
    _record_agenda_outcome(decision)
    notify(
        _people_concerned(decision),
        initiative=decision.initiative,
        kind="decision_closed",
        text=_("Decided: “%(title)s” — %(outcome)s.")
        % {"title": decision.title, "outcome": decision.get_outcome_display().lower()},
        url=decision_url(decision),
        exclude=actor,
    )
    return decision


@transaction.atomic
def withdraw_decision(*, actor, decision: Decision, reason: str) -> Decision:
    """Take an open proposal back without an outcome (it was replaced, or is no longer needed);
    a proposed version of the common agenda is then not adopted."""
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Say why the proposal is withdrawn."), code="reason_required")
    decision = _locked(decision)
    authorize(actor, decision.initiative, _may_run(decision.agenda_version_id))
    _require_open(decision)
    before = audit.snapshot(decision, ["status", "outcome_reason"])
    decision.status = Status.WITHDRAWN
    decision.outcome_reason = reason
    decision.closed_by, decision.closed_at = actor, timezone.now()
    decision.save()
    audit.record(
        actor=actor,
        action="decision.withdrawn",
        obj=decision,
        initiative=decision.initiative,
        before=before,
        after=audit.snapshot(decision, ["status", "outcome_reason"]),
    )
    _record_agenda_outcome(decision)
    notify(
        _people_concerned(decision),
        initiative=decision.initiative,
        kind="decision_withdrawn",
        text=_("Withdrawn: “%(title)s”.") % {"title": decision.title},
        url=decision_url(decision),
        exclude=actor,
    )
    return decision


def close_due_decisions(*, initiative=None, now: datetime | None = None) -> list[Decision]:
    """Close, as the system, every open decision whose closing time has passed.

    Each closes in its own transaction, so one that cannot close (closed meanwhile by a
    person, or refused by the agenda's adoption) does not keep the others open.
    """
    due = Decision.objects.filter(status=Status.OPEN, closes_at__lte=now or timezone.now())
    if initiative is not None:
        due = due.filter(initiative=initiative)
    closed = []
    for decision in due.order_by("closes_at", "pk"):
        try:
            closed.append(close_decision(actor=None, decision=decision))
        except DomainError:
            logger.exception("Decision %s could not be closed at its closing time", decision.pk)
    return closed


def steering_committee_voters(initiative) -> list:
    """The people who vote for the steering committee: the members of its working group(s)
    and every member with the steering-committee role — active members only."""
    active = Membership.objects.filter(initiative=initiative, is_active=True)
    in_committee = WorkingGroup.members.through.objects.filter(
        workinggroup__initiative=initiative,
        workinggroup__kind=WorkingGroup.Kind.STEERING_COMMITTEE,
    ).values("user_id")
    return list(
        User.objects.filter(
            Q(pk__in=in_committee)
            | Q(pk__in=active.filter(role=Role.STEERING_MEMBER).values("user_id")),
            pk__in=active.values("user_id"),
        ).order_by("last_name", "first_name", "username")
    )


def decisions_awaiting_vote(user, initiative):
    """Open decisions ``user`` may vote on and has not voted on yet, closing soonest first."""
    return (
        Decision.objects.filter(
            initiative=initiative,
            status=Status.OPEN,
            closes_at__gt=timezone.now(),
            eligible_voters=user,
        )
        .exclude(votes__voter=user)
        .order_by("closes_at", "pk")
    )
