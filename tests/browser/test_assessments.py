"""A five-conditions round in the browser: the lead opens it, two partner leads answer, the lead
closes it and reads the results, by sector, and the comparison with the previous round (with
its chart); a partner lead sees the k rule at work.

Screenshots land in test-artifacts/ (assessments-*.png).
"""

from datetime import date

import pytest
from playwright.sync_api import expect

from commonground.backbone.assessments import services
from commonground.backbone.instruments import FIVE_CONDITIONS
from commonground.backbone.models import Round
from commonground.initiatives.models import Membership
from tests.backbone.assessments.world import all_items, answer, make_round
from tests.browser.test_reporting_flow import log_in
from tests.conftest import make_user

pytestmark = pytest.mark.browser
SLOW = 20_000


@pytest.fixture
def previous_round(world):
    """Last autumn's round, closed: three people answered, mostly 3s."""
    autumn = make_round(world, title="Five conditions, autumn 2025", opens_on=date(2025, 9, 1))
    for persona, score in [("partner_lead_a", 3), ("steering", 2), ("funder", 3)]:
        answer(world, persona, autumn, all_items(score))
    return services.close_round(actor=world.users["lead"], assessment=autumn)


@pytest.fixture
def partner_lead_b(world):
    user = make_user("partner_lead_b", first_name="Partner Lead B")
    Membership.objects.create(
        user=user, initiative=world.alpha, role="partner_lead", partnership=world.partners["b"]
    )
    return user


def fill_in(page, score_for):
    """Choose a score (or "don't know") for every statement, by its visible labels."""
    words = {1: "Not at all", 2: "To a small extent", 3: "To some extent", 4: "To a large extent"}
    words[5] = "Fully"
    for statement in FIVE_CONDITIONS.statements:
        group = page.get_by_role("group", name=str(statement.text))
        score = score_for(statement.code)
        label = "Don't know" if score is None else f"{score} · {words[score]}"
        group.get_by_label(label, exact=True).check()


def test_open_answer_close_and_compare(
    world, live_server, chromium, screenshot, previous_round, partner_lead_b
):
    base = f"{live_server.url}/i/alpha/assessments/"

    # --- the lead starts and opens the round ------------------------------------------------
    lead = log_in(chromium, live_server, "lead")
    lead.goto(base)
    expect(lead.get_by_role("heading", level=1)).to_have_text("Self-assessments")
    lead.get_by_role("link", name="Start a round").click()
    lead.get_by_label("Assessment").select_option("five_conditions")
    lead.get_by_label("Title").fill("Five conditions, spring 2026")
    lead.get_by_label("Opens on").fill("2026-03-02")
    lead.get_by_label("Closes on").fill("2026-03-27")
    lead.get_by_role("button", name="Create the round").click()
    expect(lead.get_by_role("status")).to_contain_text("The round was created")
    lead.get_by_role("button", name="Open the round").click()
    expect(lead.get_by_role("status")).to_contain_text("The round is open.")
    spring = Round.objects.get(title="Five conditions, spring 2026")

    # --- two partner leads answer ------------------------------------------------------------
    first = log_in(chromium, live_server, "partner_lead_a")
    first.goto(base)
    first.get_by_role("link", name="Answer Five conditions, spring 2026").click()
    expect(first.get_by_role("heading", level=1)).to_contain_text("Your answers")
    first.get_by_role("group", name=str(FIVE_CONDITIONS.statements[0].text)).get_by_label(
        "4 · To a large extent"
    ).check()
    first.get_by_role("button", name="Submit my answers").click()
    expect(first.get_by_role("alert").first).to_contain_text("statements have no answer yet")
    screenshot(first, "assessments-answer-missing")
    fill_in(first, lambda code: None if code == "common_agenda.voice" else 4)
    first.get_by_role("button", name="Submit my answers").click()
    expect(first.get_by_role("status")).to_contain_text("Your answers were submitted")
    screenshot(first, "assessments-list-partner")

    second = log_in(chromium, live_server, "partner_lead_b")
    second.goto(f"{base}{spring.pk}/answer/")
    fill_in(second, lambda code: 5 if code.startswith("common_agenda") else 3)
    screenshot(second, "assessments-answer")
    second.get_by_role("button", name="Save draft").click()
    expect(second.get_by_role("status")).to_contain_text("Your draft was saved")
    second.get_by_role("button", name="Submit my answers").click()
    expect(second.get_by_role("status")).to_contain_text("Your answers were submitted")

    # --- the lead sees who answered, closes, and reads the results ----------------------------
    lead.goto(f"{base}{spring.pk}/")
    progress = lead.get_by_role("region", name="Who has answered")
    expect(progress).to_contain_text("Partner Lead A")
    expect(progress).to_contain_text("Partner Lead B")
    lead.get_by_role("button", name="Close the round").click()
    expect(lead.get_by_role("status")).to_contain_text("The round is closed")
    results = lead.get_by_role("table", name="mean rating by condition and statement")
    # Common agenda: A rated 4, 4, 4 (and "don't know"), B 5 on all four: mean 4.50.
    expect(results.get_by_role("row", name="Common agenda")).to_contain_text("4.50")
    expect(results.get_by_role("row", name="Shared measurement")).to_contain_text("3.50")
    comparison = lead.get_by_role("table", name="and the change")
    expect(comparison.get_by_role("row", name="Common agenda")).to_contain_text("+1.83")
    expect(lead.locator(".vega.is-drawn svg")).to_be_visible(timeout=SLOW)
    screenshot(lead, "assessments-results-lead")
    assert not lead.console_errors, lead.console_errors

    # --- a partner lead sees the k rule -------------------------------------------------------
    first.goto(f"{base}{spring.pk}/")
    expect(first.get_by_role("main")).to_contain_text("Fewer than 10 people answered this round")
    screenshot(first, "assessments-results-partner")


def test_benchmarks_plan_and_community_voice(world, live_server, chromium, screenshot):
    """The lead records a benchmark with its evidence, adopts a library question and marks a
    resident; the pages read well."""
    lead_user = world.users["lead"]
    earlier = make_round(world, instrument="stage_benchmarks", title="Benchmarks 2025",
                         opens_on=date(2025, 11, 3))  # fmt: skip
    for code in ("exploring.convener", "exploring.leaders", "exploring.focus"):
        services.record_benchmark(
            actor=lead_user, assessment=earlier, benchmark=code, status="met", evidence="Yes."
        )
    services.close_round(actor=lead_user, assessment=earlier)
    latest = make_round(world, instrument="stage_benchmarks", title="Benchmarks 2026")
    base = f"{live_server.url}/i/alpha"

    lead = log_in(chromium, live_server, "lead")
    lead.goto(f"{base}/assessments/{latest.pk}/")
    lead.get_by_role("link", name="Existing data on the problem has been gathered").click()
    lead.get_by_label("Met").check()
    lead.locator("#id_evidence").fill("The first report card, published in May.")
    lead.get_by_label("Link to the evidence").fill("https://example.org/report-card")
    lead.get_by_role("button", name="Record").click()
    expect(lead.get_by_role("status")).to_contain_text("The benchmark was recorded.")
    exploring = lead.get_by_role("region", name="1. Exploring")
    expect(exploring).to_contain_text("4 of 5 met (before: 3)")  # three carried forward
    expect(exploring).to_contain_text("The first report card, published in May.")
    screenshot(lead, "assessments-benchmarks")

    lead.goto(f"{base}/evaluation/library/")
    first = lead.locator("article.library-question").first
    first.get_by_role("button", name="Adopt").click()
    expect(lead.get_by_role("status")).to_contain_text("The question is in the plan")
    screenshot(lead, "assessments-library")
    lead.goto(f"{base}/evaluation/")
    expect(lead.locator("section.approach.fits")).to_contain_text("fits your stage")
    screenshot(lead, "assessments-plan")

    lead.goto(f"{base}/community-voice/residents/")
    lead.get_by_role("button", name="Mark as resident Steering").click()
    expect(lead.get_by_role("status")).to_contain_text("is counted as a resident")
    lead.goto(f"{base}/community-voice/")
    expect(lead.get_by_role("table")).to_contain_text("The whole initiative")
    screenshot(lead, "assessments-community-voice")
    assert not lead.console_errors, lead.console_errors
