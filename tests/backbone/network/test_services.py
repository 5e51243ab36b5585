"""Rounds and answers of the network survey through the services: the happy path, every refusal
leaving the database as it was, the audit trail, permissions and other initiatives."""

from datetime import date

import pytest

from commonground.backbone.models import NetworkResponse, Relationship, Round
from commonground.backbone.network import services
from commonground.convening.models import Notification
from commonground.core.errors import DomainError, PermissionDenied
from commonground.core.models import AuditEvent
from commonground.initiatives.models import Organization, Partnership
from tests.backbone.network.world import RATINGS, answer, network_round, partners, tie


def state():
    """Everything the survey stores, to check that a refusal changed nothing."""
    return (
        list(Round.objects.values_list("pk", "status").order_by("pk")),
        list(
            NetworkResponse.objects.values_list("pk", "respondent_id", "submitted_at").order_by(
                "pk"
            )
        ),
        list(Relationship.objects.values().order_by("pk")),
        AuditEvent.objects.count(),
    )


def test_a_round_from_draft_to_closed(world):
    lead = world.users["lead"]
    survey = services.create_round(
        actor=lead,
        initiative=world.alpha,
        title="  Network survey, spring 2026 ",
        opens_on=date(2026, 3, 2),
        closes_on=date(2026, 3, 27),
    )
    assert (survey.instrument, survey.status, survey.title) == (
        "network",
        "draft",
        "Network survey, spring 2026",
    )
    assert not survey.network_responses.exists()

    services.open_round(actor=lead, survey=survey)
    survey.refresh_from_db()
    assert survey.status == "open" and survey.opened_at is not None
    # Everyone active is in the round, answered or not.
    assert set(survey.network_responses.values_list("partnership__code", flat=True)) == {"a", "b"}
    # Partner A's lead is asked to answer for A.
    note = Notification.objects.get(recipient=world.users["partner_lead_a"])
    assert note.kind == "network_round_opened"
    assert note.url == f"/i/alpha/network/{survey.pk}/answer/a/"
    assert "Alpha Schools" in note.text

    services.close_round(actor=lead, survey=survey)
    survey.refresh_from_db()
    assert survey.status == "closed" and survey.closed_at is not None
    actions = list(
        AuditEvent.objects.filter(object_type="backbone.round")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["network_round.created", "network_round.opened", "network_round.closed"]


@pytest.mark.parametrize(
    ("title", "opens", "closes", "code"),
    [
        ("", date(2026, 3, 1), date(2026, 3, 2), "title_missing"),
        ("x" * 201, date(2026, 3, 1), date(2026, 3, 2), "title_too_long"),
        ("Spring", date(2026, 3, 2), date(2026, 3, 1), "closes_before_opening"),
        ("Spring", None, date(2026, 3, 1), "dates_missing"),
    ],
)
def test_a_bad_round_is_refused(world, title, opens, closes, code):
    before = state()
    with pytest.raises(DomainError) as error:
        services.create_round(
            actor=world.users["lead"],
            initiative=world.alpha,
            title=title,
            opens_on=opens,
            closes_on=closes,
        )
    assert error.value.code == code
    assert state() == before


@pytest.mark.parametrize("persona", ["data_manager", "facilitator", "partner_lead_a", "outsider"])
def test_only_the_lead_runs_rounds(world, persona):
    survey = network_round(world, title="Spring", status="draft")
    before = state()
    with pytest.raises(PermissionDenied):
        services.create_round(
            actor=world.users[persona],
            initiative=world.alpha,
            title="Another",
            opens_on=date(2026, 1, 1),
            closes_on=date(2026, 1, 2),
        )
    with pytest.raises(PermissionDenied):
        services.open_round(actor=world.users[persona], survey=survey)
    assert state() == before


def test_one_open_network_round_at_a_time(world):
    network_round(world, title="Spring", status="open")
    autumn = network_round(world, title="Autumn", status="draft")
    before = state()
    with pytest.raises(DomainError) as error:
        services.open_round(actor=world.users["lead"], survey=autumn)
    assert error.value.code == "round_already_open"
    assert "Spring" in error.value.message
    assert state() == before


@pytest.mark.parametrize(
    ("status", "move", "code"),
    [
        ("open", services.open_round, "round_not_draft"),
        ("closed", services.open_round, "round_not_draft"),
        ("draft", services.close_round, "round_not_open"),
        ("closed", services.close_round, "round_not_open"),
    ],
)
def test_rounds_move_only_forward(world, status, move, code):
    survey = network_round(world, title="Spring", status=status)
    before = state()
    with pytest.raises(DomainError) as error:
        move(actor=world.users["lead"], survey=survey)
    assert error.value.code == code
    assert state() == before


def test_a_self_assessment_round_is_not_a_network_round(world):
    other = Round.objects.create(
        initiative=world.alpha,
        instrument=Round.Instrument.FIVE_CONDITIONS,
        title="Five conditions",
        opens_on=date(2026, 1, 1),
        closes_on=date(2026, 1, 31),
    )
    with pytest.raises(DomainError) as error:
        services.open_round(actor=world.users["lead"], survey=other)
    assert error.value.code == "not_network_round"


def test_a_partner_lead_answers_drafts_then_submits(world):
    survey = network_round(world, title="Spring", status="open")
    a, b = world.partners["a"], world.partners["b"]
    response = answer(world, survey, a, [tie(b, 2)], submit=False, actor="partner_lead_a")
    assert response.submitted_at is None and response.respondent == world.users["partner_lead_a"]
    saved = Relationship.objects.get(response=response)
    assert (saved.partner, saved.intensity, saved.trust_mission) == (b, 2, 3)

    response = answer(world, survey, a, [tie(b, 4, value_resources=1)], actor="partner_lead_a")
    assert response.submitted_at is not None
    saved = Relationship.objects.get(response=response)  # replaced, not added
    assert (saved.intensity, saved.value_resources) == (4, 1)

    event = AuditEvent.objects.filter(action="network_response.submitted").get()
    assert event.before["ties"] == {"b": [2, 3, 3, 3, 3, 3, 3]}
    assert event.after["ties"] == {"b": [4, 3, 3, 3, 3, 3, 1]}

    # A sent answer is changed by sending again, not by a draft.
    with pytest.raises(DomainError) as error:
        answer(world, survey, a, [], submit=False, actor="partner_lead_a")
    assert error.value.code == "already_submitted"
    answer(world, survey, a, [], actor="partner_lead_a")
    assert not Relationship.objects.exists()


def test_a_partner_that_names_nobody_has_still_answered(world):
    survey = network_round(world, title="Spring", status="open")
    response = answer(world, survey, world.partners["a"], [])
    assert response.submitted_at is not None and not response.relationships.exists()


def check_refused(world, survey, partner, ties, code, *, actor="lead"):
    before = state()
    with pytest.raises(DomainError) as error:
        services.submit_response(
            actor=world.users[actor], survey=survey, partnership=partner, ties=ties
        )
    assert error.value.code == code
    assert state() == before
    return error.value


def test_bad_ratings_are_refused_naming_partner_and_item(world):
    survey = network_round(world, title="Spring", status="open")
    a, b = world.partners["a"], world.partners["b"]
    error = check_refused(world, survey, a, [tie(b, trust_reliability=5)], "rating_out_of_range")
    assert "Bright Futures Nonprofit" in error.message and "reliable" in error.message
    assert error.details["problems"] == [
        {
            "partner": b.pk,
            "field": "trust_reliability",
            "code": "rating_out_of_range",
            "message": error.message,
        }
    ]
    error = check_refused(world, survey, a, [tie(b, intensity=None)], "rating_missing")
    assert "how closely you work together" in error.message
    for bad in (0, "3", 2.5, True):
        check_refused(world, survey, a, [tie(b, value_influence=bad)], "rating_out_of_range")


def test_every_problem_is_listed(world):
    survey = network_round(world, title="Spring", status="open")
    a, b = world.partners["a"], world.partners["b"]
    c = partners(world, 1)[0]
    error = check_refused(
        world,
        survey,
        a,
        [tie(b, intensity=None, trust_mission=9), tie(c, value_resources=0)],
        "rating_missing",
    )
    assert [(p["partner"], p["field"]) for p in error.details["problems"]] == [
        (b.pk, "intensity"),
        (b.pk, "trust_mission"),
        (c.pk, "value_resources"),
    ]


def test_who_may_be_named(world):
    survey = network_round(world, title="Spring", status="open")
    a, b = world.partners["a"], world.partners["b"]
    check_refused(world, survey, a, [tie(a)], "names_itself")
    check_refused(world, survey, a, [tie(b), tie(b)], "named_twice")
    check_refused(world, survey, a, [tie(world.beta_partner)], "wrong_initiative")
    gone = Partnership.objects.create(
        initiative=world.alpha,
        organization=Organization.objects.create(name="Gone", sector="business"),
        code="gone",
        status=Partnership.Status.LEFT,
    )
    check_refused(world, survey, a, [tie(gone)], "partner_not_active")


def test_a_partner_joining_after_the_round_opened_can_answer_and_be_named(world):
    survey = network_round(world, title="Spring", status="open")
    late = partners(world, 1)[0]
    answer(world, survey, world.partners["a"], [tie(late)])
    answer(world, survey, late, [tie(world.partners["b"])])
    assert survey.network_responses.filter(partnership=late).count() == 1


@pytest.mark.parametrize("status", ["draft", "closed"])
def test_answers_only_while_open(world, status):
    survey = network_round(world, title="Spring", status=status)
    check_refused(world, survey, world.partners["a"], [], "round_not_open")


@pytest.mark.parametrize("persona", ["partner_lead_a", "reporter_b", "data_manager", "funder"])
def test_only_who_acts_for_the_partner_answers(world, persona):
    survey = network_round(world, title="Spring", status="open")
    before = state()
    with pytest.raises(PermissionDenied):
        services.submit_response(
            actor=world.users[persona],
            survey=survey,
            partnership=world.partners["b"],
            ties=[tie(world.partners["a"])],
        )
    assert state() == before


def test_another_initiatives_partner_cannot_answer(world):
    survey = network_round(world, title="Spring", status="open")
    before = state()
    with pytest.raises(DomainError):
        services.submit_response(actor=None, survey=survey, partnership=world.beta_partner, ties=[])
    with pytest.raises(PermissionDenied):
        services.submit_response(
            actor=world.users["outsider"],
            survey=survey,
            partnership=world.partners["a"],
            ties=[],
        )
    assert state() == before


def test_ratings_fields_are_the_models(world):
    assert set(RATINGS) == {
        f.name for f in Relationship._meta.fields if f.name not in ("id", "response", "partner")
    }
