"""Opening, voting on, closing and withdrawing decisions through the services."""

from datetime import timedelta

import pytest
from django.utils import timezone

from commonground.convening.models import Decision, Notification, Vote
from commonground.convening.services import decisions as services
from commonground.core.errors import DomainError, PermissionDenied
from commonground.core.models import AuditEvent
from commonground.initiatives.models import Membership, WorkingGroup
from tests.convening.decisions.helpers import occurrence, open_decision, people

pytestmark = pytest.mark.django_db


def state():
    """What a refused change must leave as it was."""
    return (
        list(Decision.objects.values_list("pk", "status", "outcome").order_by("pk")),
        list(Vote.objects.values_list("pk", "choice", "reason").order_by("pk")),
        AuditEvent.objects.count(),
        Notification.objects.count(),
    )


def events(decision, action):
    return AuditEvent.objects.filter(
        object_type="convening.decision", object_id=str(decision.pk), action=action
    )


# --- opening -----------------------------------------------------------------------------


def test_open_decision_records_voters_audits_and_notifies(world):
    decision = open_decision(world, voters=("steering", "lead", "facilitator"))
    assert decision.status == Decision.Status.OPEN
    assert decision.opened_by == world.users["facilitator"]
    assert set(decision.eligible_voters.all()) == set(
        people(world, "steering", "lead", "facilitator")
    )
    event = events(decision, "decision.opened").get()
    assert event.actor == world.users["facilitator"]
    assert event.after["method"] == "consent"
    assert event.after["eligible_voters"] == ["Facilitator", "Lead", "Steering"]
    # The voters are told, but not the person who opened it.
    told = Notification.objects.filter(kind="decision_opened")
    assert {n.recipient.username for n in told} == {"steering", "lead"}
    assert told.first().url == f"/i/alpha/decisions/{decision.pk}/"


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"title": "  "}, "title_required"),
        ({"proposal": ""}, "proposal_required"),
        ({"method": "lottery"}, "unknown_method"),
        ({"quorum_percent": 0}, "bad_quorum"),
        ({"quorum_percent": 101}, "bad_quorum"),
        ({"closes_in": timedelta(minutes=-1)}, "closes_in_past"),
        ({"voters": ()}, "no_voters"),
        ({"voters": ("steering", "outsider")}, "voter_not_member"),
    ],
)
def test_open_decision_refuses_bad_input_and_changes_nothing(world, change, code):
    before = state()
    with pytest.raises(DomainError) as error:
        open_decision(world, **change)
    assert error.value.code == code
    assert state() == before


def test_inactive_members_cannot_be_voters(world):
    Membership.objects.filter(user=world.users["steering"]).update(is_active=False)
    with pytest.raises(DomainError) as error:
        open_decision(world, voters=("steering", "lead"))
    assert error.value.code == "voter_not_member"
    assert "Steering" in error.value.message


@pytest.mark.parametrize("persona", ["steering", "partner_lead_a", "data_manager", "viewer"])
def test_only_those_who_run_meetings_open_decisions(world, persona):
    before = state()
    with pytest.raises(PermissionDenied):
        open_decision(world, actor=persona)
    assert state() == before


def test_outsider_cannot_open_a_decision_in_alpha(world):
    with pytest.raises(PermissionDenied):
        open_decision(world, actor="outsider")


def test_body_and_meeting_of_another_initiative_are_refused(world):
    theirs = WorkingGroup.objects.create(initiative=world.beta, code="board", name="Beta board")
    with pytest.raises(DomainError) as error:
        open_decision(world, body=theirs)
    assert error.value.code == "wrong_initiative"
    their_meeting = occurrence(world.beta, timezone.now())
    with pytest.raises(DomainError):
        open_decision(world, occurrence=their_meeting)
    assert not Decision.objects.exists()


def test_the_system_may_open_a_decision(world):
    decision = open_decision(world, actor=None)
    assert decision.opened_by is None
    assert events(decision, "decision.opened").get().actor_label == "system"


# --- voting ------------------------------------------------------------------------------


def test_a_voter_votes_once_and_may_change_the_vote(world):
    decision = open_decision(world)
    steering = world.users["steering"]
    services.cast_vote(actor=steering, decision=decision, choice="agree")
    services.cast_vote(actor=steering, decision=decision, choice="disagree", reason="Too soon.")
    vote = Vote.objects.get(decision=decision)
    assert (vote.voter, vote.choice, vote.reason) == (steering, "disagree", "Too soon.")
    cast = events(decision, "decision.vote_cast").get()
    assert cast.after == {"voter": "Steering", "choice": "agree", "reason": ""}
    changed = events(decision, "decision.vote_changed").get()
    assert changed.before == {"choice": "agree", "reason": ""}
    assert changed.after["choice"] == "disagree"


def test_the_same_vote_again_changes_nothing(world):
    decision = open_decision(world)
    services.cast_vote(actor=world.users["lead"], decision=decision, choice="agree")
    before = state()
    services.cast_vote(actor=world.users["lead"], decision=decision, choice="agree", reason="  ")
    assert state() == before


@pytest.mark.parametrize("persona", ["facilitator", "reporter_a", "viewer", "outsider"])
def test_only_eligible_voters_vote(world, persona):
    decision = open_decision(world)
    before = state()
    with pytest.raises(PermissionDenied):
        services.cast_vote(actor=world.users[persona], decision=decision, choice="agree")
    assert state() == before


def test_a_voter_who_left_the_initiative_cannot_vote(world):
    decision = open_decision(world)
    Membership.objects.filter(user=world.users["steering"]).update(is_active=False)
    with pytest.raises(PermissionDenied):
        services.cast_vote(actor=world.users["steering"], decision=decision, choice="agree")
    assert not Vote.objects.exists()


def test_a_block_needs_a_reason(world):
    decision = open_decision(world)
    before = state()
    with pytest.raises(DomainError) as error:
        services.cast_vote(actor=world.users["steering"], decision=decision, choice="block")
    assert error.value.code == "reason_required"
    assert state() == before
    services.cast_vote(
        actor=world.users["steering"], decision=decision, choice="block", reason="Harms families."
    )
    assert Vote.objects.get().choice == "block"


def test_unknown_choice_is_refused(world):
    decision = open_decision(world)
    with pytest.raises(DomainError) as error:
        services.cast_vote(actor=world.users["steering"], decision=decision, choice="maybe")
    assert error.value.code == "unknown_choice"


def test_a_closed_decision_refuses_votes(world):
    decision = open_decision(world)
    services.close_decision(actor=world.users["facilitator"], decision=decision)
    before = state()
    with pytest.raises(DomainError) as error:
        services.cast_vote(actor=world.users["steering"], decision=decision, choice="agree")
    assert error.value.code == "decision_closed"
    assert state() == before


def test_a_decision_past_its_closing_time_refuses_votes_before_it_is_closed(world):
    decision = open_decision(world)
    Decision.objects.filter(pk=decision.pk).update(closes_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(DomainError) as error:
        services.cast_vote(actor=world.users["steering"], decision=decision, choice="agree")
    assert error.value.code == "voting_closed"
    assert not Vote.objects.exists()


def test_a_withdrawn_decision_refuses_votes(world):
    decision = open_decision(world)
    services.withdraw_decision(
        actor=world.users["facilitator"], decision=decision, reason="Replaced."
    )
    with pytest.raises(DomainError) as error:
        services.cast_vote(actor=world.users["steering"], decision=decision, choice="agree")
    assert error.value.code == "decision_closed"


# --- closing -----------------------------------------------------------------------------


def vote(world, decision, **choices):
    for persona, choice in choices.items():
        services.cast_vote(
            actor=world.users[persona], decision=decision, choice=choice, reason="Because."
        )


def test_close_computes_the_outcome_audits_and_tells_everyone_concerned(world):
    decision = open_decision(world, voters=("steering", "lead", "partner_lead_a"))
    vote(world, decision, steering="agree", lead="disagree")
    review = timezone.localdate() + timedelta(days=90)
    decision = services.close_decision(
        actor=world.users["facilitator"],
        decision=decision,
        outcome_reason="Concerns noted; we go ahead.",
        review_on=review,
    )
    decision.refresh_from_db()
    assert (decision.status, decision.outcome) == ("closed", "adopted")
    assert decision.review_on == review
    assert decision.closed_by == world.users["facilitator"]
    event = events(decision, "decision.closed").get()
    assert event.before["status"] == "open"
    assert event.after["outcome"] == "adopted"
    assert event.after["tally"] == {
        "eligible": 3,
        "agree": 1,
        "abstain": 0,
        "disagree": 1,
        "block": 0,
    }
    assert event.after["before_closing_time"] is True
    told = {n.recipient.username for n in Notification.objects.filter(kind="decision_closed")}
    assert told == {"steering", "lead", "partner_lead_a"}


def test_close_by_vote_with_a_block(world):
    decision = open_decision(world, method="vote", voters=("steering", "lead", "partner_lead_a"))
    vote(world, decision, steering="agree", lead="block", partner_lead_a="agree")
    decision = services.close_decision(actor=world.users["lead"], decision=decision)
    assert decision.outcome == "adopted"  # 2 agree against 1 (the block)


def test_close_without_quorum(world):
    decision = open_decision(world, quorum_percent=100)
    vote(world, decision, steering="agree")
    assert services.close_decision(actor=None, decision=decision).outcome == "no_quorum"


def test_close_refuses_a_review_date_that_is_not_in_the_future(world):
    decision = open_decision(world)
    before = state()
    with pytest.raises(DomainError) as error:
        services.close_decision(
            actor=world.users["facilitator"], decision=decision, review_on=timezone.localdate()
        )
    assert error.value.code == "review_in_past"
    assert state() == before


def test_a_decision_closes_once(world):
    decision = open_decision(world)
    services.close_decision(actor=world.users["facilitator"], decision=decision)
    before = state()
    with pytest.raises(DomainError) as error:
        services.close_decision(actor=world.users["facilitator"], decision=decision)
    assert error.value.code == "not_open"
    assert state() == before


@pytest.mark.parametrize("persona", ["steering", "partner_lead_a", "viewer", "outsider"])
def test_only_those_who_run_meetings_close_or_withdraw(world, persona):
    decision = open_decision(world)
    before = state()
    with pytest.raises(PermissionDenied):
        services.close_decision(actor=world.users[persona], decision=decision)
    with pytest.raises(PermissionDenied):
        services.withdraw_decision(actor=world.users[persona], decision=decision, reason="No.")
    assert state() == before


def test_withdraw_needs_a_reason_and_is_audited(world):
    decision = open_decision(world)
    with pytest.raises(DomainError) as error:
        services.withdraw_decision(actor=world.users["facilitator"], decision=decision, reason="")
    assert error.value.code == "reason_required"
    decision = services.withdraw_decision(
        actor=world.users["facilitator"], decision=decision, reason="A better proposal came."
    )
    assert (decision.status, decision.outcome) == ("withdrawn", "")
    assert events(decision, "decision.withdrawn").get().after["outcome_reason"] == (
        "A better proposal came."
    )
    with pytest.raises(DomainError):
        services.close_decision(actor=world.users["facilitator"], decision=decision)


def test_the_system_closes_decisions_past_their_closing_time(world):
    due = open_decision(world, title="Due")
    later = open_decision(world, title="Later")
    vote(world, due, steering="agree", lead="agree")
    Decision.objects.filter(pk=due.pk).update(closes_at=timezone.now() - timedelta(minutes=5))
    closed = services.close_due_decisions(initiative=world.alpha)
    assert [d.pk for d in closed] == [due.pk]
    due.refresh_from_db()
    later.refresh_from_db()
    assert (due.status, due.outcome, due.closed_by) == ("closed", "adopted", None)
    assert later.status == "open"
    event = events(due, "decision.closed").get()
    assert (event.actor_label, event.after["before_closing_time"]) == ("system", False)


@pytest.mark.parametrize(
    ("votes", "withdraw", "expected"),
    [
        ({"steering": "agree", "lead": "agree"}, False, "adopted"),
        ({"steering": "block", "lead": "agree"}, False, "rejected"),
        ({"steering": "agree"}, True, "rejected"),
    ],
)
def test_agenda_decisions_adopt_or_reject_the_version(world, votes, withdraw, expected):
    """Closing (or withdrawing) a decision about the common agenda settles that version in the
    same transaction (``action.agenda.services.record_adoption_outcome``)."""
    pytest.importorskip("commonground.action.agenda.services")
    from commonground.action.models import AgendaVersion

    version = AgendaVersion.objects.create(
        initiative=world.alpha, number=1, status=AgendaVersion.Status.PROPOSED
    )
    decision = open_decision(world, actor="lead", agenda_version=version, voters=tuple(votes))
    vote(world, decision, **votes)
    if withdraw:
        services.withdraw_decision(actor=world.users["lead"], decision=decision, reason="Redo.")
    else:
        services.close_decision(actor=world.users["lead"], decision=decision)
    version.refresh_from_db()
    assert version.status == expected


def test_a_refused_adoption_leaves_the_decision_open(world):
    """When the agenda area refuses (the version is no longer proposed), nothing is closed."""
    pytest.importorskip("commonground.action.agenda.services")
    from commonground.action.models import AgendaVersion

    version = AgendaVersion.objects.create(initiative=world.alpha, number=1)  # a draft
    decision = open_decision(world, actor="lead", agenda_version=version)
    before = state()
    with pytest.raises(DomainError):
        services.close_decision(actor=world.users["lead"], decision=decision)
    assert state() == before


# --- who votes ---------------------------------------------------------------------------


def test_steering_committee_voters(world):
    committee = WorkingGroup.objects.create(
        initiative=world.alpha,
        code="steering",
        name="Steering committee",
        kind=WorkingGroup.Kind.STEERING_COMMITTEE,
    )
    network = WorkingGroup.objects.create(initiative=world.alpha, code="early", name="Early")
    committee.members.add(world.users["partner_lead_a"], world.users["funder"])
    network.members.add(world.users["reporter_b"])
    Membership.objects.filter(user=world.users["funder"]).update(is_active=False)
    theirs = WorkingGroup.objects.create(
        initiative=world.beta, code="sc", name="SC", kind=WorkingGroup.Kind.STEERING_COMMITTEE
    )
    theirs.members.add(world.users["outsider"])
    voters = services.steering_committee_voters(world.alpha)
    assert [u.username for u in voters] == ["partner_lead_a", "steering"]
