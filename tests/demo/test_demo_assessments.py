"""The demo's self-assessments: two closed rounds of each, with a comparison to read; the k rule
at work for partners; benchmarks with evidence; residents, the population served and an
evaluation plan; and nothing added by a second run."""

import pytest
from django.urls import reverse

from commonground.backbone.assessments.pages import benchmark_page, rating_results
from commonground.backbone.community_voice import community_voice, public_community_voice
from commonground.backbone.instruments import BACKBONE_EFFECTIVENESS, FIVE_CONDITIONS
from commonground.backbone.models import EvaluationPlanItem, Round
from commonground.core.models import AuditEvent
from commonground.demo import assessments
from tests.demo.demo_accounts import Lines, demo_users

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(built_demo):
    initiative = built_demo.initiative
    users = demo_users()
    assessments.build(initiative, users, Lines())
    return initiative, users


def rounds(initiative, instrument):
    return list(
        Round.objects.filter(initiative=initiative, instrument=instrument).order_by("opens_on")
    )


def test_two_closed_rounds_of_each_assessment(demo):
    initiative, _users = demo
    for instrument, respondents in [("five_conditions", 10), ("backbone", 8)]:
        made = rounds(initiative, instrument)
        assert [r.status for r in made] == ["closed", "closed"]
        assert [r.responses.exclude(submitted_at=None).count() for r in made] == [respondents] * 2
    assert [r.status for r in rounds(initiative, "stage_benchmarks")] == ["closed", "closed"]


def test_the_backbone_reads_a_comparison_and_partners_the_totals_only(demo):
    initiative, _users = demo
    autumn_2024, autumn_2025 = rounds(initiative, "five_conditions")
    backbone = rating_results(autumn_2025, FIVE_CONDITIONS, backbone=True)
    changes = {row.name: row.change for row in backbone.comparison.rows if row.is_area}
    assert changes["Common agenda"].startswith("+")
    assert changes["Backbone support"].startswith("−")
    assert backbone.chart is not None and backbone.chart_rounds == [
        autumn_2024.title,
        autumn_2025.title,
    ]
    # Partners: ten answered (k = 10), so the totals show; no sector has ten; a statement two
    # people could not judge has eight scores and is withheld.
    partners = rating_results(autumn_2025, FIVE_CONDITIONS, backbone=False)
    assert partners.overall_withheld == ""
    assert all(row.cell.text for row in partners.areas)
    assert all(column.withheld for column in partners.sector_columns)
    reporting = next(
        item
        for row in partners.areas
        for item in row.items
        if item.code == "shared_measurement.reporting"
    )
    assert reporting.cell.withheld == "few"
    assert partners.comparison.rows[0].change  # both rounds shown: a change to read
    # Backbone effectiveness: eight answered, fewer than k — for the backbone only.
    latest = rounds(initiative, "backbone")[-1]
    assert rating_results(latest, BACKBONE_EFFECTIVENESS, backbone=False).overall_withheld
    assert not rating_results(latest, BACKBONE_EFFECTIVENESS, backbone=True).overall_withheld


def test_benchmarks_move_from_one_round_to_the_next(demo):
    initiative, _users = demo
    latest = rounds(initiative, "stage_benchmarks")[-1]
    page = benchmark_page(latest)
    assert (page.reached, page.previous_reached) == ("exploring", None)
    emerging = next(s for s in page.stages if s.code == "emerging")
    assert (emerging.progress.met, emerging.previous_progress.met) == (4, 2)
    assert all(row.record.evidence for row in emerging.rows if row.status == "met")


def test_community_voice_and_the_plan(demo):
    initiative, _users = demo
    initiative.refresh_from_db()
    voice = community_voice(initiative)
    assert voice.whole.residents == 3
    assert "Charlottesville and Albemarle" in voice.population_served
    assert public_community_voice(initiative) is not None
    plan = EvaluationPlanItem.objects.filter(initiative=initiative)
    assert plan.count() == 4
    assert plan.filter(status="under_way").count() == 1
    assert plan.filter(approach="developmental").count() == 3  # the demo is emerging


def test_the_pages_render(demo, client):
    initiative, users = demo
    client.force_login(users["lead"])
    for instrument in ("five_conditions", "backbone", "stage_benchmarks"):
        latest = rounds(initiative, instrument)[-1]
        response = client.get(reverse("assessment_round", args=[initiative.slug, latest.pk]))
        assert response.status_code == 200
    for name in ("assessment_list", "evaluation_plan", "evaluation_library", "community_voice"):
        assert client.get(reverse(name, args=[initiative.slug])).status_code == 200


def test_a_second_run_adds_nothing(demo):
    initiative, users = demo
    events = AuditEvent.objects.count()
    out = Lines()
    assessments.build(initiative, users, out)
    assert AuditEvent.objects.count() == events
    assert out.lines == [
        "  assessments: 0 answers, 0 benchmarks recorded, 0 questions adopted; "
        "0 members marked as residents"
    ]
