"""The evaluation library and planner: the library's shape, the approach for each stage, and the
pages (adopting, changing, the plan highlighting the approach that fits the stage)."""

from django.urls import reverse

from commonground.backbone.evaluation_library import (
    LIBRARY,
    QUESTIONS,
    approach_for_stage,
    suggested_indicators,
)
from commonground.backbone.instruments import FIVE_CONDITIONS
from commonground.backbone.models import EvaluationPlanItem
from commonground.measurement.models import Indicator


def url(name, *args):
    return reverse(name, args=["alpha", *args])


def test_every_condition_has_questions_for_every_approach():
    conditions = [a.code for a in FIVE_CONDITIONS.areas]
    for condition in conditions:
        for approach in EvaluationPlanItem.Approach.values:
            questions = [q for q in LIBRARY if (q.condition, q.approach) == (condition, approach)]
            assert len(questions) >= 2, (condition, approach)
            assert all(q.evidence for q in questions)
    assert len(QUESTIONS) == len(LIBRARY)  # codes are unique
    assert max(len(code) for code in QUESTIONS) <= 60  # EvaluationPlanItem.library_code


def test_the_approach_follows_the_stage():
    assert [
        approach_for_stage(s)
        for s in ["exploring", "emerging", "sustaining", "systems_change", "proof_point"]
    ] == ["developmental", "developmental", "formative", "summative", "summative"]


def test_suggestions_match_level_and_kind():
    def make(code, level, kind=""):
        return Indicator(code=code, level=level, performance_kind=kind)

    indicators = [
        make("pop", "population"),
        make("much", "performance", "how_much"),
        make("well", "performance", "how_well"),
        make("better", "performance", "better_off"),
    ]
    question = QUESTIONS["mutually_reinforcing.formative.1"]  # how much, how well
    assert [i.code for i in suggested_indicators(question, indicators)] == ["much", "well"]
    assert suggested_indicators(QUESTIONS["backbone_support.summative.1"], indicators) == []


def test_the_plan_highlights_the_approach_of_the_stage(world):
    world.alpha.stage = "sustaining"
    world.alpha.save()
    html = world.client("steering").get(url("evaluation_plan")).content.decode()
    assert '<section class="approach fits" aria-labelledby="formative-heading">' in html
    assert "No question for this approach yet." in html
    assert "Write your own question" not in html  # the lead's


def test_adopt_from_the_library_then_describe_the_method(world):
    client = world.client("lead")
    html = client.get(url("evaluation_library")).content.decode()
    # Alpha is exploring: the library opens on developmental questions.
    assert 'aria-current="page">Developmental (early)' in html
    question = QUESTIONS["common_agenda.developmental.1"]
    assert str(question.question) in html
    response = client.post(url("evaluation_adopt"), {"code": question.code})
    assert response.status_code == 302
    assert response["Location"].endswith(f"?approach=developmental#{question.anchor}")
    item = EvaluationPlanItem.objects.get()
    html = client.get(url("evaluation_library")).content.decode()
    assert "In the plan" in html

    response = client.post(
        url("evaluation_item_edit", item.pk),
        {
            "question": item.question,
            "condition": item.condition,
            "approach": item.approach,
            "method": "Interviews with ten partners.",
            "status": "under_way",
        },
    )
    assert response.status_code == 302
    html = client.get(url("evaluation_plan")).content.decode()
    assert "Interviews with ten partners." in html and "Under way" in html

    # Adopting twice says so instead of failing.
    response = client.post(url("evaluation_adopt"), {"code": question.code}, follow=True)
    assert "already in the plan" in response.content.decode()


def test_plan_item_form_errors_stay_on_the_page(world):
    response = world.client("lead").post(
        url("evaluation_item_create"),
        {
            "question": "",
            "condition": "common_agenda",
            "approach": "formative",
            "status": "planned",
        },
    )
    assert response.status_code == 400
    assert 'id="id_question_error"' in response.content.decode()
    assert not EvaluationPlanItem.objects.exists()


def test_another_initiatives_plan_item_is_not_found(world):
    theirs = EvaluationPlanItem.objects.create(
        initiative=world.beta, question="Q?", condition="common_agenda", approach="formative"
    )
    assert world.client("lead").get(url("evaluation_item_edit", theirs.pk)).status_code == 404
