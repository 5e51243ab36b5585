"""Self-assessment rounds, answers, benchmarks, the evaluation plan and community voice through
the services: the happy paths, every refusal leaving the database as it was, the audit trail,
permissions and other initiatives."""

from datetime import date

import pytest

from commonground.backbone.assessments import services
from commonground.backbone.models import (
    AssessmentResponse,
    BenchmarkEvidence,
    EvaluationPlanItem,
    Rating,
    Round,
)
from commonground.convening.models import Notification
from commonground.core.errors import DomainError, PermissionDenied
from commonground.core.models import AuditEvent
from commonground.initiatives.models import Initiative, Membership
from commonground.measurement.models import Indicator
from tests.backbone.assessments.world import BENCH, FIVE, all_items, answer, make_round


def state():
    """Everything these services store, to check that a refusal changed nothing."""
    return (
        list(Round.objects.values_list("pk", "status", "title").order_by("pk")),
        list(
            AssessmentResponse.objects.values_list(
                "pk", "respondent_id", "partnership_id", "submitted_at"
            ).order_by("pk")
        ),
        list(Rating.objects.values_list("response_id", "item", "score").order_by("pk")),
        list(BenchmarkEvidence.objects.values().order_by("pk")),
        list(EvaluationPlanItem.objects.values().order_by("pk")),
        list(Membership.objects.values_list("pk", "is_resident").order_by("pk")),
        list(Initiative.objects.values_list("pk", "population_served", "show_community_voice")),
        AuditEvent.objects.count(),
        Notification.objects.count(),
    )


def refused(expected, call, **kwargs):
    """``call`` raises a DomainError with code ``expected`` and leaves everything as it was."""
    before = state()
    with pytest.raises(DomainError) as error:
        call(**kwargs)
    assert error.value.code == expected, error.value.message
    assert state() == before
    return error.value


# Rounds -----------------------------------------------------------------------------------------


def test_a_round_from_draft_to_closed(world):
    lead = world.users["lead"]
    made = services.create_round(
        actor=lead,
        initiative=world.alpha,
        instrument=FIVE,
        title="  Five conditions, spring 2026 ",
        opens_on=date(2026, 3, 2),
        closes_on=date(2026, 3, 27),
    )
    assert (made.status, made.title, made.created_by) == (
        "draft",
        "Five conditions, spring 2026",
        lead,
    )
    event = AuditEvent.objects.get(action="assessment_round.created")
    assert event.after["instrument"] == "five_conditions" and event.actor == lead

    services.open_round(actor=lead, assessment=made)
    made.refresh_from_db()
    assert made.status == "open" and made.opened_at is not None
    told = set(Notification.objects.values_list("recipient__username", flat=True))
    # Everyone who answers, but not the lead who opened it, nor reporters or viewers.
    assert told == {"facilitator", "steering", "partner_lead_a", "funder"}
    note = Notification.objects.get(recipient=world.users["steering"])
    assert (
        note.kind == "assessment_opened" and note.url == f"/i/alpha/assessments/{made.pk}/answer/"
    )

    answer(world, "steering", made)
    answer(world, "funder", made, submit=False)
    services.close_round(actor=lead, assessment=made)
    made.refresh_from_db()
    assert made.status == "closed" and made.closed_at is not None
    closed_notes = Notification.objects.filter(kind="assessment_closed")
    assert [n.recipient.username for n in closed_notes] == ["steering"]  # submitted only
    assert list(
        AuditEvent.objects.filter(object_id=str(made.pk), action__startswith="assessment_round")
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["assessment_round.created", "assessment_round.opened", "assessment_round.closed"]


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"instrument": "network"}, "unknown_instrument"),
        ({"instrument": "nonsense"}, "unknown_instrument"),
        ({"title": "   "}, "title_missing"),
        ({"title": "x" * 201}, "title_too_long"),
        ({"closes_on": None}, "dates_missing"),
        ({"closes_on": date(2026, 3, 1)}, "closes_before_opening"),
    ],
)
def test_bad_rounds_are_refused(world, change, code):
    data = {
        "instrument": FIVE,
        "title": "Spring",
        "opens_on": date(2026, 3, 2),
        "closes_on": date(2026, 3, 27),
    } | change
    refused(code, services.create_round, actor=world.users["lead"], initiative=world.alpha, **data)


def test_only_the_lead_runs_rounds(world):
    made = make_round(world, status="draft")
    for persona in ("facilitator", "steering", "partner_lead_a", "outsider"):
        refused(
            "permission_denied", services.open_round, actor=world.users[persona], assessment=made
        )
    with pytest.raises(PermissionDenied):
        services.create_round(
            actor=world.users["outsider"],
            initiative=world.alpha,
            instrument=FIVE,
            title="Theirs",
            opens_on=date(2026, 3, 2),
            closes_on=date(2026, 3, 27),
        )


def test_a_second_open_round_of_the_same_instrument_is_refused(world):
    lead = world.users["lead"]
    make_round(world, title="Spring", status="open")
    autumn = make_round(world, title="Autumn", status="draft")
    error = refused("round_already_open", services.open_round, actor=lead, assessment=autumn)
    assert "Spring" in error.message
    # Another instrument may be open at the same time.
    assert make_round(world, instrument=BENCH, title="Benchmarks", status="open").status == "open"


def test_moves_follow_the_states(world):
    lead = world.users["lead"]
    opened = make_round(world, status="open")
    refused("round_not_draft", services.open_round, actor=lead, assessment=opened)
    draft = make_round(world, title="Later", status="draft")
    refused("round_not_open", services.close_round, actor=lead, assessment=draft)


# Answers ----------------------------------------------------------------------------------------


def test_answers_saved_as_a_draft_then_submitted(world):
    assessment = make_round(world)
    person = world.users["partner_lead_a"]
    draft = {"common_agenda.problem": 4, "common_agenda.goals": None}
    response = answer(world, "partner_lead_a", assessment, draft, submit=False)
    assert response.submitted_at is None and response.partnership == world.partners["a"]
    assert dict(response.ratings.values_list("item", "score")) == draft

    scores = all_items(5) | {"common_agenda.voice": None}
    response = answer(world, "partner_lead_a", assessment, scores)
    assert response.submitted_at is not None
    assert AssessmentResponse.objects.filter(round=assessment, respondent=person).count() == 1
    assert dict(response.ratings.values_list("item", "score")) == scores
    # The audit trail says that answers were given, never what they were.
    events = AuditEvent.objects.filter(action__in=["assessment.saved", "assessment.submitted"])
    assert [e.after for e in events.order_by("pk")] == [
        {"round": assessment.pk, "answered": 2, "submitted": False},
        {"round": assessment.pk, "answered": len(scores), "submitted": True},
    ]


def test_a_submitted_response_stays_submitted(world):
    assessment = make_round(world)
    answer(world, "steering", assessment)
    # Saving again without "submit" keeps it counted, so it must stay complete.
    refused(
        "answers_missing",
        services.save_answers,
        actor=world.users["steering"],
        assessment=assessment,
        answers={"common_agenda.problem": 2},
    )
    response = answer(world, "steering", assessment, all_items(2), submit=False)
    assert response.submitted_at is not None


@pytest.mark.parametrize("score", [0, 6, -1, "3", 3.0, True])
def test_a_score_outside_the_scale_is_refused(world, score):
    assessment = make_round(world)
    answer(world, "steering", assessment, {"common_agenda.problem": 2}, submit=False)
    error = refused(
        "score_out_of_scale",
        services.save_answers,
        actor=world.users["steering"],
        assessment=assessment,
        answers={"common_agenda.problem": 4, "common_agenda.goals": score},
    )
    assert error.details == {"item": "common_agenda.goals"}


def test_other_bad_answers_are_refused(world):
    assessment = make_round(world)
    steering = world.users["steering"]
    refused(
        "unknown_item",
        services.save_answers,
        actor=steering,
        assessment=assessment,
        answers={"common_agenda.nonsense": 3},
    )
    refused(
        "answers_missing",
        services.save_answers,
        actor=steering,
        assessment=assessment,
        answers={"common_agenda.problem": 3},
        submit=True,
    )
    benchmarks = make_round(world, instrument=BENCH, title="Benchmarks")
    refused(
        "not_a_rating_round",
        services.save_answers,
        actor=steering,
        assessment=benchmarks,
        answers={},
    )


def test_answering_a_closed_or_unopened_round_is_refused(world):
    closed = make_round(world, title="Closed", status="open")
    answer(world, "steering", closed, all_items(4))
    services.close_round(actor=world.users["lead"], assessment=closed)
    refused(
        "round_closed",
        services.save_answers,
        actor=world.users["steering"],
        assessment=closed,
        answers=all_items(1),
        submit=True,
    )
    draft = make_round(world, title="Draft", status="draft")
    refused(
        "round_not_open",
        services.save_answers,
        actor=world.users["steering"],
        assessment=draft,
        answers=all_items(1),
    )


def test_only_those_who_answer_may_answer(world):
    assessment = make_round(world)
    for persona in ("reporter_a", "viewer", "data_manager", "outsider"):
        refused(
            "permission_denied",
            services.save_answers,
            actor=world.users[persona],
            assessment=assessment,
            answers=all_items(3),
            submit=True,
        )


# Stage benchmarks -------------------------------------------------------------------------------


def test_benchmarks_recorded_and_changed_with_their_evidence(world):
    lead = world.users["lead"]
    assessment = make_round(world, instrument=BENCH, title="Benchmarks")
    record = services.record_benchmark(
        actor=lead,
        assessment=assessment,
        benchmark="exploring.convener",
        status="in_progress",
        evidence="  Talks with the United Way.  ",
    )
    assert (record.status, record.evidence, record.recorded_by) == (
        "in_progress",
        "Talks with the United Way.",
        lead,
    )
    record = services.record_benchmark(
        actor=lead,
        assessment=assessment,
        benchmark="exploring.convener",
        status="met",
        evidence_url="https://example.org/charter.pdf",
    )
    assert BenchmarkEvidence.objects.count() == 1
    event = AuditEvent.objects.filter(action="assessment.benchmark_recorded").latest("pk")
    assert event.before["status"] == "in_progress"
    assert event.after == {
        "benchmark": "exploring.convener",
        "status": "met",
        "evidence": "",
        "evidence_url": "https://example.org/charter.pdf",
    }


def test_bad_benchmarks_are_refused(world):
    lead = world.users["lead"]
    assessment = make_round(world, instrument=BENCH, title="Benchmarks")

    def record(**kwargs):
        data = {"benchmark": "exploring.convener", "status": "met", "evidence": "Yes."} | kwargs
        return services.record_benchmark(actor=lead, assessment=assessment, **data)

    refused("unknown_benchmark", record, benchmark="exploring.unicorn")
    refused("unknown_benchmark", record, benchmark="common_agenda.problem")
    refused("unknown_status", record, status="done")
    refused("evidence_required", record, evidence="  ")
    refused("invalid_url", record, evidence_url="javascript:alert(1)")
    with pytest.raises(PermissionDenied):
        services.record_benchmark(
            actor=world.users["facilitator"],
            assessment=assessment,
            benchmark="exploring.convener",
            status="in_progress",
        )
    rating = make_round(world, title="Ratings")
    refused(
        "not_a_benchmark_round",
        services.record_benchmark,
        actor=lead,
        assessment=rating,
        benchmark="exploring.convener",
        status="in_progress",
    )
    services.close_round(actor=lead, assessment=assessment)
    refused("round_closed", record)


# The evaluation plan ----------------------------------------------------------------------------


def indicator(world, code, level="population", kind=""):
    return Indicator.objects.create(
        initiative=world.alpha,
        code=code,
        name=code.title(),
        level=level,
        performance_kind=kind,
        value_type="count",
        aggregation="sum",
        frequency="annual",
    )


def test_adopting_a_question_links_the_indicators_that_fit(world):
    lead = world.users["lead"]
    population = indicator(world, "graduation")
    better_off = indicator(world, "mentored", "performance", "better_off")
    indicator(world, "sessions", "performance", "how_much")
    item = services.adopt_question(
        actor=lead, initiative=world.alpha, code="common_agenda.summative.2"
    )
    assert (item.condition, item.approach, item.status, item.adopted_by) == (
        "common_agenda",
        "summative",
        "planned",
        lead,
    )
    assert item.question.startswith("Did the agenda's goals come within reach")
    assert set(item.indicators.all()) == {population, better_off}
    event = AuditEvent.objects.get(action="evaluation.adopted")
    assert event.after["indicators"] == ["graduation", "mentored"]
    refused(
        "already_adopted",
        services.adopt_question,
        actor=lead,
        initiative=world.alpha,
        code="common_agenda.summative.2",
    )
    refused(
        "unknown_question",
        services.adopt_question,
        actor=lead,
        initiative=world.alpha,
        code="common_agenda.summative.9",
    )
    with pytest.raises(PermissionDenied):
        services.adopt_question(
            actor=world.users["steering"], initiative=world.alpha, code="common_agenda.formative.1"
        )


def test_plan_items_written_changed_and_removed(world):
    lead = world.users["lead"]
    graduation = indicator(world, "graduation")
    item = services.add_plan_question(
        actor=lead,
        initiative=world.alpha,
        data={
            "question": " Who is missing? ",
            "condition": "common_agenda",
            "approach": "formative",
        },
    )
    assert (item.question, item.library_code) == ("Who is missing?", "")
    item = services.update_plan_item(
        actor=lead,
        item=item,
        data={"status": "answered", "findings": "Parents.", "indicators": [graduation]},
    )
    assert (item.status, item.findings) == ("answered", "Parents.")
    event = AuditEvent.objects.get(action="evaluation.updated")
    assert event.before["status"] == "planned" and event.after["indicators"] == ["graduation"]

    theirs = Indicator.objects.create(
        initiative=world.beta,
        code="x",
        name="X",
        value_type="count",
        aggregation="sum",
        frequency="annual",
    )
    for data, code in [
        ({"indicators": [theirs]}, "other_initiative"),
        ({"question": " "}, "question_required"),
        ({"status": "finished"}, "unknown_status"),
        ({"condition": "vibes"}, "unknown_condition"),
        ({"library_code": "x"}, "unknown_field"),
    ]:
        refused(code, services.update_plan_item, actor=lead, item=item, data=data)
    refused(
        "unknown_condition",
        services.add_plan_question,
        actor=lead,
        initiative=world.alpha,
        data={"question": "Q?", "approach": "formative"},
    )

    services.remove_plan_item(actor=lead, item=item)
    assert not EvaluationPlanItem.objects.exists()
    assert AuditEvent.objects.filter(action="evaluation.removed").exists()


# Community voice --------------------------------------------------------------------------------


def test_the_resident_flag_is_set_by_those_who_manage_members(world):
    membership = Membership.objects.get(user=world.users["reporter_a"], initiative=world.alpha)
    services.set_resident(actor=world.users["lead"], membership=membership, is_resident=True)
    membership.refresh_from_db()
    assert membership.is_resident
    event = AuditEvent.objects.get(action="membership.resident_changed")
    assert (event.before, event.after) == ({"is_resident": False}, {"is_resident": True})
    # The same value again changes nothing and writes nothing.
    services.set_resident(actor=world.users["lead"], membership=membership, is_resident=True)
    assert AuditEvent.objects.filter(action="membership.resident_changed").count() == 1
    for persona in ("facilitator", "data_manager", "outsider"):
        refused(
            "permission_denied",
            services.set_resident,
            actor=world.users[persona],
            membership=membership,
            is_resident=False,
        )


def test_voice_settings(world):
    lead = world.users["lead"]
    services.update_voice_settings(
        actor=lead,
        initiative=world.alpha,
        population_served=" The children of Alpha. ",
        show_community_voice=True,
    )
    world.alpha.refresh_from_db()
    assert (world.alpha.population_served, world.alpha.show_community_voice) == (
        "The children of Alpha.",
        True,
    )
    assert AuditEvent.objects.get(action="initiative.community_voice_changed").after == {
        "population_served": "The children of Alpha.",
        "show_community_voice": True,
    }
    refused(
        "permission_denied",
        services.update_voice_settings,
        actor=world.users["steering"],
        initiative=world.alpha,
        population_served="",
        show_community_voice=False,
    )


def test_a_benchmarks_round_opens_with_the_last_judgements(world):
    lead = world.users["lead"]
    first = make_round(world, instrument=BENCH, title="2025", opens_on=date(2025, 3, 3))
    services.record_benchmark(
        actor=lead, assessment=first, benchmark="exploring.convener", status="met", evidence="Yes."
    )
    services.close_round(actor=lead, assessment=first)
    second = make_round(world, instrument=BENCH, title="2026")
    copied = BenchmarkEvidence.objects.get(round=second)
    assert (copied.benchmark, copied.status, copied.evidence) == (
        "exploring.convener",
        "met",
        "Yes.",
    )
    opened = AuditEvent.objects.filter(action="assessment_round.opened").latest("pk")
    assert opened.after == {"status": "open", "carried_forward": 1}
    # The closed round keeps its own record.
    assert BenchmarkEvidence.objects.get(round=first).status == "met"
