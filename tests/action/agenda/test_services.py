"""The common agenda's services: drafts, goals and strategies, proposal and adoption through a
steering-committee decision, and the partner charter. Every refusal changes nothing."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.apps import apps
from django.utils import timezone

from commonground.action.agenda import services
from commonground.action.models import Activity, AgendaVersion, CharterSignature, Goal, Strategy
from commonground.convening.models import Decision, Notification
from commonground.convening.services import decisions
from commonground.core.errors import DomainError, PermissionDenied
from commonground.core.models import AuditEvent
from commonground.initiatives.models import WorkingGroup
from tests.action.agenda.agenda_world import TEXTS, adopt, agenda, indicator, propose

Status = AgendaVersion.Status


def dump() -> dict:
    """Every row the agenda's services may touch (many-to-many tables included)."""
    rows = {}
    for label in ("action", "convening", "core"):
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            rows[model._meta.label] = list(model.objects.order_by("pk").values())
    return rows


def refused(code, call, /, *args, **kwargs):
    """``call`` raises a DomainError with ``code`` and leaves the database as it was."""
    before = dump()
    with pytest.raises(DomainError) as error:
        call(*args, **kwargs)
    assert error.value.code == code, error.value.message
    assert dump() == before
    return error.value


@pytest.fixture
def draft(world):
    return agenda(world)


@pytest.fixture
def adopted(world, draft):
    return adopt(world, draft)


# Drafts -------------------------------------------------------------------------------------------


def test_the_first_draft_is_version_1_and_is_audited(world):
    version = services.start_draft(actor=world.users["lead"], initiative=world.alpha)
    assert (version.number, version.status, version.created_by) == (
        1,
        Status.DRAFT,
        world.users["lead"],
    )
    event = AuditEvent.objects.get(action="agenda.draft_started")
    assert event.after["number"] == 1


def test_a_second_open_draft_is_refused(world, draft):
    error = refused(
        "draft_already_open",
        services.start_draft,
        actor=world.users["lead"],
        initiative=world.alpha,
    )
    assert "Version 1 is still draft" in error.message


def test_a_proposed_version_also_blocks_a_new_draft(world, draft):
    propose(world, draft)
    refused(
        "draft_already_open",
        services.start_draft,
        actor=world.users["lead"],
        initiative=world.alpha,
    )


@pytest.mark.parametrize(
    "persona", ["data_manager", "steering", "partner_lead_a", "funder", "outsider"]
)
def test_only_the_backbone_lead_drafts(world, persona):
    with pytest.raises(PermissionDenied):
        services.start_draft(actor=world.users[persona], initiative=world.alpha)
    assert not AgendaVersion.objects.exists()


def test_a_new_draft_starts_from_the_adopted_text(world, adopted):
    version = services.start_draft(actor=world.users["lead"], initiative=world.alpha)
    assert version.number == 2
    assert {name: getattr(version, name) for name in TEXTS} == TEXTS
    assert version.change_summary == ""


def test_editing_an_adopted_version_is_refused(world, adopted):
    error = refused(
        "version_frozen",
        services.update_draft,
        actor=world.users["lead"],
        version=adopted,
        **{**TEXTS, "vision": "Something else"},
    )
    assert "Version 1 is adopted" in error.message


def test_saving_a_draft_records_before_and_after(world, draft):
    services.update_draft(actor=world.users["lead"], version=draft, **{**TEXTS, "vision": " New "})
    draft.refresh_from_db()
    assert draft.vision == "New"
    event = AuditEvent.objects.filter(action="agenda.draft_updated").latest("pk")
    assert (event.before["vision"], event.after["vision"]) == (TEXTS["vision"], "New")


# Goals and strategies -----------------------------------------------------------------------------


def test_goals_and_strategies_are_added_in_order_with_their_indicators(world, draft):
    assert [g.code for g in Goal.objects.filter(initiative=world.alpha)] == ["read", "attend"]
    assert list(world.read.indicators.values_list("code", flat=True)) == ["reading"]
    assert world.tutors.goal == world.read
    event = AuditEvent.objects.get(action="agenda.goal_added", object_id=str(world.read.pk))
    assert event.after["indicators"] == ["reading"]


def test_a_strategy_under_another_initiatives_goal_is_refused(world, draft):
    theirs = Goal.objects.create(initiative=world.beta, code="health", title="Health")
    refused(
        "wrong_initiative",
        services.add_strategy,
        actor=world.users["lead"],
        initiative=world.alpha,
        goal=theirs,
        code="clinics",
        title="Clinics",
    )
    refused(
        "wrong_initiative",
        services.update_strategy,
        actor=world.users["lead"],
        strategy=world.tutors,
        goal=theirs,
        title="Tutors",
        description="",
        indicators=[],
    )


def test_another_initiatives_indicator_cannot_measure_a_goal(world, draft):
    theirs = indicator(world.beta, "visits", "Clinic visits")
    refused(
        "wrong_initiative",
        services.update_goal,
        actor=world.users["lead"],
        goal=world.read,
        title="Read",
        horizon="long_term",
        description="",
        indicators=[theirs],
    )


@pytest.mark.parametrize(
    ("code", "expected"), [("read", "duplicate_code"), ("no spaces", "invalid_code")]
)
def test_goal_codes_are_unique_slugs(world, draft, code, expected):
    refused(
        expected,
        services.add_goal,
        actor=world.users["lead"],
        initiative=world.alpha,
        code=code,
        title="X",
    )


def test_a_goal_needs_a_title_and_a_known_horizon(world, draft):
    lead = world.users["lead"]
    refused(
        "title_required", services.add_goal, actor=lead, initiative=world.alpha, code="x", title=" "
    )
    refused(
        "invalid_horizon",
        services.add_goal,
        actor=lead,
        initiative=world.alpha,
        code="x",
        title="X",
        horizon="someday",
    )


def test_goals_are_locked_while_a_version_is_adopted_and_no_draft_is_open(world, adopted):
    error = refused(
        "goals_locked",
        services.add_goal,
        actor=world.users["lead"],
        initiative=world.alpha,
        code="new",
        title="New goal",
    )
    assert "version 1 of the common agenda is adopted" in error.message
    refused(
        "goals_locked", services.retire_strategy, actor=world.users["lead"], strategy=world.tutors
    )


def test_goals_are_locked_while_the_committee_decides(world, draft):
    propose(world, draft)
    error = refused(
        "goals_locked", services.retire_goal, actor=world.users["lead"], goal=world.read
    )
    assert "before the steering committee" in error.message


def test_retiring_a_goal_retires_its_strategies_and_putting_it_back_does_not(world, draft):
    lead = world.users["lead"]
    services.retire_goal(actor=lead, goal=world.read)
    assert Strategy.objects.get(code="tutors").is_retired
    event = AuditEvent.objects.get(action="agenda.goal_retired")
    assert event.after["strategies_retired"] == ["tutors"]
    services.retire_goal(actor=lead, goal=world.read, retired=False)
    assert not Goal.objects.get(code="read").is_retired
    assert Strategy.objects.get(code="tutors").is_retired
    services.retire_strategy(actor=lead, strategy=world.tutors, retired=False)
    assert not Strategy.objects.get(code="tutors").is_retired


def test_a_strategy_under_a_retired_goal_cannot_come_back(world, draft):
    services.retire_goal(actor=world.users["lead"], goal=world.read)
    refused(
        "goal_retired",
        services.retire_strategy,
        actor=world.users["lead"],
        strategy=Strategy.objects.get(code="tutors"),
        retired=False,
    )


def test_a_strategy_moves_to_another_goal(world, draft):
    services.update_strategy(
        actor=world.users["lead"],
        strategy=world.tutors,
        goal=world.attend,
        title="Attendance tutors",
        description="",
        indicators=[world.absence],
    )
    strategy = Strategy.objects.get(code="tutors")
    assert (strategy.goal, strategy.title) == (world.attend, "Attendance tutors")
    event = AuditEvent.objects.get(action="agenda.strategy_updated")
    assert (event.before["goal"], event.after["goal"]) == (world.read.pk, world.attend.pk)


# Proposal and adoption ----------------------------------------------------------------------------


def test_proposing_freezes_the_goals_and_opens_a_steering_committee_decision(world, draft):
    committee = WorkingGroup.objects.create(
        initiative=world.alpha, code="steering", name="Steering", kind="steering_committee"
    )
    committee.members.add(world.users["partner_lead_a"])
    decision = propose(world, draft)
    draft.refresh_from_db()
    assert draft.status == Status.PROPOSED and draft.proposed_at
    assert [g["code"] for g in draft.content["goals"]] == ["read", "attend"]
    assert draft.content["goals"][0]["strategies"][0] == {
        "code": "tutors",
        "title": "Reading tutors in every K-3 classroom",
        "description": "",
        "indicators": ["reading"],
    }
    assert decision.agenda_version == draft and decision.body == committee
    assert set(decision.eligible_voters.all()) == {
        world.users["steering"],
        world.users["partner_lead_a"],
    }
    assert "/i/alpha/agenda/versions/1/" in decision.proposal
    assert AuditEvent.objects.get(action="agenda.proposed").after["decision"] == decision.pk


def test_an_incomplete_draft_cannot_be_proposed(world):
    draft = services.start_draft(actor=world.users["lead"], initiative=world.alpha)
    error = refused("incomplete_agenda", propose, world, draft)
    assert "a problem statement, a vision, at least one goal" in error.message


def test_a_second_version_needs_a_summary_of_what_changed(world, adopted):
    draft = services.start_draft(actor=world.users["lead"], initiative=world.alpha)
    error = refused("incomplete_agenda", propose, world, draft)
    assert "a summary of what changed" in error.message


def test_without_a_steering_committee_nobody_can_decide(world, draft):
    world.users["steering"].memberships.update(role="viewer")
    refused("no_steering_committee", propose, world, draft)


def test_a_closing_time_in_the_past_is_refused_and_the_draft_stays_a_draft(world, draft):
    refused(
        "closes_in_past",
        services.propose_version,
        actor=world.users["lead"],
        version=draft,
        closes_at=timezone.now() - timedelta(hours=1),
    )


def test_adoption_supersedes_the_previous_version_and_asks_partners_to_sign_again(world, adopted):
    assert adopted.status == Status.ADOPTED and adopted.adopted_at
    note = Notification.objects.get(kind="agenda_adopted")
    assert note.recipient == world.users["partner_lead_a"]
    assert note.url == "/i/alpha/agenda/charter/a/"
    assert "please sign the charter for Alpha Schools" in note.text

    lead = world.users["lead"]
    second = services.start_draft(actor=lead, initiative=world.alpha)
    services.update_draft(
        actor=lead, version=second, **{**TEXTS, "change_summary": "A sharper vision."}
    )
    adopt(world, second)
    adopted.refresh_from_db()
    assert (adopted.status, second.status) == (Status.SUPERSEDED, Status.ADOPTED)
    again = Notification.objects.filter(kind="agenda_adopted").latest("pk")
    assert "sign the charter again for Alpha Schools" in again.text
    assert AuditEvent.objects.filter(action="agenda.superseded", object_id=str(adopted.pk)).exists()


def test_a_blocked_proposal_is_rejected_and_the_next_draft_carries_it_on(world, draft):
    lead = world.users["lead"]
    services.update_draft(actor=lead, version=draft, **{**TEXTS, "change_summary": "First try."})
    adopt(world, draft, choice="block")
    assert draft.status == Status.REJECTED
    assert Notification.objects.get(kind="agenda_not_adopted").recipient == lead
    assert not services.adopted_version(world.alpha)
    again = services.start_draft(actor=lead, initiative=world.alpha)
    assert (again.number, again.change_summary) == (2, "First try.")


def test_a_withdrawn_proposal_makes_way_for_a_new_draft(world, draft):
    decision = propose(world, draft)
    decisions.withdraw_decision(actor=world.users["lead"], decision=decision, reason="Too early")
    again = services.start_draft(actor=world.users["lead"], initiative=world.alpha)
    draft.refresh_from_db()
    assert (draft.status, again.number) == (Status.REJECTED, 2)


def test_an_adopted_version_never_changes_when_the_next_draft_does(world, adopted):
    frozen = adopted.content
    lead = world.users["lead"]
    services.start_draft(actor=lead, initiative=world.alpha)
    services.update_goal(
        actor=lead,
        goal=world.read,
        title="Read well",
        horizon="long_term",
        description="",
        indicators=[],
    )
    services.retire_goal(actor=lead, goal=world.attend)
    adopted.refresh_from_db()
    assert adopted.content == frozen


def test_closing_a_decision_about_a_version_that_is_not_proposed_is_refused_whole(world, draft):
    decision = propose(world, draft)
    AgendaVersion.objects.filter(pk=draft.pk).update(status=Status.REJECTED)
    refused("not_proposed", decisions.close_decision, actor=world.users["lead"], decision=decision)
    assert Decision.objects.get(pk=decision.pk).status == Decision.Status.OPEN


# The charter --------------------------------------------------------------------------------------


def sign(world, persona="partner_lead_a", partner="a", version=None, **commitments):
    return services.sign_charter(
        actor=world.users[persona],
        partnership=world.partners[partner],
        version=version or services.adopted_version(world.alpha),
        **commitments,
    )


def test_a_partner_lead_signs_for_its_partner_with_its_commitments(world, adopted):
    activity = Activity.objects.create(
        initiative=world.alpha, partnership=world.partners["a"], title="Summer reading camp"
    )
    signature = sign(
        world,
        money="25000",
        staff_hours=Decimal("120.5"),
        in_kind="Classrooms after school",
        data_indicators=[world.reading],
        activities=[activity],
        statement="We host tutors.",
    )
    assert (signature.signed_by, signature.agenda_version) == (
        world.users["partner_lead_a"],
        adopted,
    )
    assert signature.signed_at and signature.money == Decimal("25000")
    assert list(signature.activities.all()) == [activity]
    event = AuditEvent.objects.get(action="charter.signed")
    assert event.after["version"] == 1 and event.after["data_indicators"] == ["reading"]


def test_signing_the_same_version_again_changes_the_commitments(world, adopted):
    sign(world, money=100)
    sign(world, money=200)
    assert CharterSignature.objects.get().money == 200
    event = AuditEvent.objects.get(action="charter.amended")
    assert (event.before["money"], event.after["money"]) == ("100.00", "200.00")


def test_the_backbone_lead_may_sign_for_any_partner(world, adopted):
    assert sign(world, persona="lead", partner="b").partnership == world.partners["b"]


@pytest.mark.parametrize("persona", ["reporter_a", "steering", "funder", "viewer", "outsider"])
def test_others_may_not_sign(world, adopted, persona):
    with pytest.raises(PermissionDenied):
        sign(world, persona=persona)
    assert not CharterSignature.objects.exists()


def test_a_partner_lead_signs_only_for_its_own_partner(world, adopted):
    with pytest.raises(PermissionDenied):
        sign(world, partner="b")
    assert not CharterSignature.objects.exists()


def test_a_signature_on_a_superseded_version_is_refused(world, adopted):
    lead = world.users["lead"]
    second = services.start_draft(actor=lead, initiative=world.alpha)
    services.update_draft(actor=lead, version=second, **{**TEXTS, "change_summary": "Clearer."})
    adopt(world, second)
    adopted.refresh_from_db()
    error = refused("version_superseded", sign, world, version=adopted)
    assert error.message == "Version 1 has been replaced by version 2: sign version 2."


def test_only_the_adopted_version_can_be_signed(world, draft):
    refused("version_not_adopted", sign, world, version=draft)


def test_commitments_must_be_the_partners_own(world, adopted):
    theirs = Activity.objects.create(
        initiative=world.alpha, partnership=world.partners["b"], title="B's program"
    )
    refused("not_partner_activity", sign, world, activities=[theirs])
    refused("wrong_initiative", sign, world, data_indicators=[indicator(world.beta, "x", "X")])


@pytest.mark.parametrize("money", ["-1", "1.234", "1e20", "lots"])
def test_money_must_be_a_plain_amount(world, adopted, money):
    refused("invalid_amount", sign, world, money=money)


def test_a_partner_that_left_cannot_sign(world, adopted):
    world.partners["a"].status = "left"
    world.partners["a"].save()
    refused("partner_left", sign, world, persona="lead")
