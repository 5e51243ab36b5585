"""The self-assessment pages through the client: rounds, answering, results with their k rules,
the comparison between rounds, the stage benchmarks and the flat query counts."""

from datetime import date

import pytest
from django.urls import reverse

from commonground.backbone.assessments import services
from commonground.backbone.assessments.forms import field_name
from commonground.backbone.instruments import FIVE_CONDITIONS
from commonground.backbone.models import AssessmentResponse, BenchmarkEvidence
from commonground.initiatives.models import Membership
from tests.backbone.assessments.world import BENCH, all_items, answer, make_round
from tests.conftest import make_user

P, G, F, V = (f"common_agenda.{name}" for name in ("problem", "goals", "fit", "voice"))


def url(name, *args):
    return reverse(name, args=["alpha", *args])


def page(world, persona, name, *args, **query):
    response = world.client(persona).get(url(name, *args), query)
    assert response.status_code == 200
    return response.content.decode()


def close(world, assessment):
    return services.close_round(actor=world.users["lead"], assessment=assessment)


def steering_members(world, count):
    """``count`` more steering members of alpha (they answer, with no partner)."""
    people = []
    for n in range(count):
        user = make_user(f"member{n}", first_name=f"Member {n}")
        Membership.objects.create(user=user, initiative=world.alpha, role="steering_member")
        world.users[f"member{n}"] = user
        people.append(f"member{n}")
    return people


# The list ---------------------------------------------------------------------------------------


def test_empty_list_says_what_to_do(world):
    assert "Start the first one" in page(world, "lead", "assessment_list")
    assert "The backbone starts rounds" in page(world, "steering", "assessment_list")


def test_drafts_are_the_backbones_until_they_open(world):
    make_round(world, title="Spring draft", status="draft")
    assert "Spring draft" in page(world, "facilitator", "assessment_list")
    assert "Spring draft" not in page(world, "steering", "assessment_list")


def test_list_shows_each_persons_own_state(world):
    assessment = make_round(world, title="Spring")
    assert "Answer" in page(world, "steering", "assessment_list")
    answer(world, "steering", assessment, {P: 3}, submit=False)
    assert "Finish your answers" in page(world, "steering", "assessment_list")
    answer(world, "steering", assessment)
    html = page(world, "steering", "assessment_list")
    assert "Submitted" in html and "Finish your answers" not in html


def test_create_round_errors_next_to_the_field(world):
    response = world.client("lead").post(
        url("assessment_round_create"),
        {
            "instrument": "five_conditions",
            "title": "Spring",
            "opens_on": "2026-03-10",
            "closes_on": "2026-03-01",
        },
    )
    assert response.status_code == 400
    assert 'id="id_closes_on_error"' in response.content.decode()
    assert "cannot close before it opens" in response.content.decode()


# Answering --------------------------------------------------------------------------------------


def posted(answers: dict, action="save") -> dict:
    data = {"action": action}
    for code, score in answers.items():
        data[field_name(code)] = "dk" if score is None else str(score)
    return data


def test_answer_draft_then_submit(world):
    assessment = make_round(world, title="Spring")
    client = world.client("partner_lead_a")
    html = page(world, "partner_lead_a", "assessment_answer", assessment.pk)
    assert "Your answers are anonymous." in html
    assert str(FIVE_CONDITIONS.statements[0].text) in html

    response = client.post(url("assessment_answer", assessment.pk), posted({P: 4, G: None}))
    assert response.status_code == 302
    stored = AssessmentResponse.objects.get(respondent=world.users["partner_lead_a"])
    assert stored.submitted_at is None
    assert dict(stored.ratings.values_list("item", "score")) == {P: 4, G: None}
    html = page(world, "partner_lead_a", "assessment_answer", assessment.pk)
    assert 'value="4" required' not in html  # radios are optional in a draft
    assert f'name="{field_name(P)}" value="4"' in html and "checked" in html

    response = client.post(url("assessment_answer", assessment.pk), posted({P: 4}, "submit"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "statements have no answer yet" in html
    assert (
        html.count("Choose a score, or “don&#x27;t know”.") == len(FIVE_CONDITIONS.statements) - 1
    )

    response = client.post(url("assessment_answer", assessment.pk), posted(all_items(4), "submit"))
    assert response.status_code == 302 and response["Location"] == url("assessment_list")
    stored.refresh_from_db()
    assert stored.submitted_at is not None


def test_answering_a_closed_round_is_refused(world):
    assessment = make_round(world, title="Spring")
    close(world, assessment)
    response = world.client("steering").post(
        url("assessment_answer", assessment.pk), posted(all_items(4), "submit")
    )
    assert response.status_code == 400
    assert "This round is closed" in response.content.decode()
    assert not AssessmentResponse.objects.exists()


def test_benchmark_rounds_have_no_answer_page(world):
    benchmarks = make_round(world, instrument=BENCH, title="Benchmarks")
    response = world.client("lead").get(url("assessment_answer", benchmarks.pk))
    assert response.status_code == 404


# Results ----------------------------------------------------------------------------------------


@pytest.fixture
def spring(world):
    """A closed round: the hand-worked example of test_results (R4, who knew nothing about the
    common agenda, is the funder), every other statement rated 3."""
    assessment = make_round(world, title="Spring", opens_on=date(2025, 3, 3))
    others = all_items(3)
    for persona, scores in [
        ("partner_lead_a", {P: 4, G: 5, F: 3, V: None}),
        ("steering", {P: 2, G: 4, F: 4, V: 2}),
        ("facilitator", {P: 5, G: 5, F: None, V: None}),
        ("funder", {P: None, G: None, F: None, V: None}),
    ]:
        answer(world, persona, assessment, others | scores)
    return close(world, assessment)


def test_the_backbone_reads_every_figure_of_two_answers_or_more(world, spring):
    html = page(world, "lead", "assessment_round", spring.pk)
    assert "4 people submitted answers." in html
    # Common agenda: mean of person scores 4, 3, 5 = 4.00; statements 3.67, 4.67, 3.50; the
    # voice statement had one score (the rest did not know): withheld even from the backbone.
    for figure in ("4.00", "3.67", "4.67", "3.50"):
        assert f'<td class="num">{figure}</td>' in html
    assert '<td class="num">2.00</td>' not in html
    voice_row = html.split("People most affected by the problem")[1].split("</tr>")[0]
    assert "fewer than 2 responses" in voice_row
    # By sector: partner A (education) is one person, so neither it nor the rest is shown.
    assert "School / education" in html and "withheld*" in html
    # Who has answered — names, never scores.
    assert "Who has answered" in html and "Partner Lead A" in html


def test_partners_see_nothing_below_k(world, spring):
    html = page(world, "partner_lead_a", "assessment_round", spring.pk)
    assert "Fewer than 10 people answered this round" in html
    assert "3.67" not in html and "Who has answered" not in html
    assert "Partner Lead A" not in html.split("<main")[1]  # (the header names the reader)


def test_partners_see_aggregates_at_k_but_not_small_sectors(world, spring):
    world.alpha.suppression_threshold = 3
    world.alpha.save()
    html = page(world, "steering", "assessment_round", spring.pk)
    assert '<td class="num">3.67</td>' in html  # three scores
    assert '<td class="num">3.50</td>' not in html  # "fit": two scores
    assert "fewer than 3 responses" in html  # that statement, and partner A's sector
    assert "Who has answered" not in html


def test_results_wait_for_the_round_to_close(world):
    assessment = make_round(world, title="Spring")
    for persona in ("steering", "funder", "partner_lead_a"):
        answer(world, persona, assessment, all_items(5))
    html = page(world, "lead", "assessment_round", assessment.pk)
    assert "Results appear when the round closes" in html and "5.00" not in html
    assert "Who has answered" in html and "Not started" in html


def test_comparison_with_the_previous_round(world, spring):
    autumn = make_round(world, title="Autumn", opens_on=date(2025, 9, 1))
    for persona, scores in [
        ("partner_lead_a", {P: 4, G: 5, F: 4, V: 3}),
        ("steering", {P: 4, G: 3, F: 4, V: 3}),
        ("facilitator", {P: 5, G: 4, F: None, V: 4}),
    ]:
        answer(world, persona, autumn, all_items(3) | scores)
    close(world, autumn)
    html = page(world, "lead", "assessment_round", autumn.pk)
    assert "Spring: 4 people answered" in html and "Autumn: 3 people answered" in html
    # problem 11/3 → 13/3: +0.67; goals 14/3 → 4: −0.67; the condition 4 → 71/18: −0.06.
    assert "+0.67" in html and "−0.67" in html and "−0.06" in html
    assert 'data-spec="trend-spec"' in html  # the chart across rounds, with its table
    # Chosen from the earlier round's page: still the earlier first, the change the same.
    html = page(world, "lead", "assessment_round", spring.pk, compare=autumn.pk)
    assert "Spring: 4 people answered; Autumn: 3 people answered" in html
    assert "+0.67" in html and "−0.06" in html
    # A round of a kind or state that cannot be compared is ignored.
    html = page(world, "lead", "assessment_round", spring.pk, compare="nonsense")
    assert "This is the first closed round" in html


def test_results_page_queries_stay_flat(world, django_assert_max_num_queries):
    def build(title, people, opens_on):
        assessment = make_round(world, title=title, opens_on=opens_on)
        for persona in people:
            answer(world, persona, assessment, all_items(4))
        return close(world, assessment)

    few = build("Few", ["steering", "funder"], date(2025, 3, 3))
    many = build("Many", steering_members(world, 8), date(2025, 9, 1))
    client = world.client("lead")
    with django_assert_max_num_queries(20) as small:
        client.get(url("assessment_round", few.pk))
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url("assessment_round", many.pk))


# Stage benchmarks -------------------------------------------------------------------------------


def test_benchmarks_recorded_from_the_page_and_compared(world):
    lead = world.users["lead"]
    first = make_round(world, instrument=BENCH, title="Benchmarks 2025", opens_on=date(2025, 3, 3))
    services.record_benchmark(
        actor=lead, assessment=first, benchmark="exploring.convener", status="in_progress"
    )
    close(world, first)
    second = make_round(world, instrument=BENCH, title="Benchmarks 2026")
    client = world.client("lead")
    form_url = url("assessment_benchmark", second.pk, "exploring.convener")
    html = client.get(form_url).content.decode()
    assert "In Benchmarks 2025: In progress." in html
    response = client.post(form_url, {"status": "met", "evidence": ""})
    assert response.status_code == 400 and "Say what shows the benchmark is met" in (
        response.content.decode()
    )
    response = client.post(form_url, {"status": "met", "evidence": "The United Way convenes."})
    assert response.status_code == 302 and response["Location"].endswith("#exploring")
    html = page(world, "steering", "assessment_round", second.pk)
    assert "The United Way convenes." in html and 'class="changed"' in html
    assert "1 of 5 met" in html and "before: 0" in html
    assert client.get(url("assessment_benchmark", second.pk, "no.such")).status_code == 404
    assert BenchmarkEvidence.objects.count() == 2
