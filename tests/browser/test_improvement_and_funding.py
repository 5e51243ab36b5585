"""Improvement projects and funding in the browser: the run chart draws with its cycles; an
owner cannot decide before the study; a funder records a grant and sees the alignment move.

Screenshots land in test-artifacts/ (improvement-*.png, funding-*.png).
"""

from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from commonground.action.improvement import services as improvement
from tests.action.funding.world import FY2024, fund, grant, strategy
from tests.action.improvement.world import OWNER, project
from tests.browser.test_reporting_flow import log_in
from tests.insight.reportcard_world import make_indicator, report

pytestmark = pytest.mark.browser
# Milliseconds an expectation waits: the test machine is shared and may be slow.
SLOW = 20_000

YEARS = [str(y) for y in range(2014, 2025)]
TOTALS = [61, 58, 64, 60, 66, 63, 59, 65, 52, 49, 47]


@pytest.fixture
def absent_project(world):
    indicator = make_indicator(world.alpha, "absent", name="Students chronically absent",
                               unit="students")  # fmt: skip
    lead = world.users["lead"]
    for year, total in zip(YEARS, TOTALS, strict=True):
        report(lead, world.partners["a"], year, {indicator: {"value": Decimal(total - 20)}})
        report(lead, world.partners["b"], year, {indicator: {"value": Decimal(20)}})
    made = project(world, title="Every day counts")
    outcome = improvement.add_measure(actor=lead, project=made, kind="outcome", indicator=indicator)
    improvement.add_measure(actor=lead, project=made, kind="process", name="Families reached")
    improvement.add_measure(actor=lead, project=made, kind="balancing", name="Counselor hours")
    for title, start, end, study, act in [
        ("Texts after a second absence", date(2022, 2, 1), date(2022, 5, 31), "Down 6%.", "adapt"),
        ("Texts and a call", date(2022, 9, 1), date(2023, 11, 30), "Down 17%.", "adopt"),
        ("Every elementary school", date(2024, 9, 1), None, "", ""),
    ]:
        improvement.add_cycle(
            actor=lead,
            project=made,
            data=improvement.CycleData(
                title=title,
                plan="Outreach workers contact families.",
                prediction="Absences fall by a tenth.",
                started_on=start,
                ended_on=end,
                measure=outcome,
                study=study,
                act=act,
            ),
        )
    return made


def test_the_run_chart_and_a_cycle_written_step_by_step(
    world, live_server, chromium, screenshot, absent_project
):
    page = log_in(chromium, live_server, "facilitator")
    page.goto(f"{live_server.url}/i/alpha/improvement/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Improvement projects", timeout=SLOW)
    screenshot(page, "improvement-list")
    page.get_by_role("link", name="Every day counts").click()
    chart = page.locator(".vega.is-drawn svg")
    expect(chart).to_be_visible(timeout=SLOW)
    expect(page.locator(".vega.is-drawn")).to_contain_text("PDSA 2 · adopt", timeout=SLOW)
    screenshot(page, "improvement-project")
    assert page.console_errors == []

    owner = log_in(chromium, live_server, OWNER)
    owner.goto(f"{live_server.url}/i/alpha/improvement/{absent_project.pk}/cycles/3/")
    owner.get_by_label("Act: the decision").select_option("adopt")
    owner.get_by_role("button", name="Save").click()
    expect(owner.locator(".error")).to_contain_text("Write the study", timeout=SLOW)
    screenshot(owner, "improvement-cycle-refused")
    owner.get_by_label("Study: the data against the prediction").fill(
        "Every school joined; absences down 4% so far."
    )
    owner.get_by_role("button", name="Save").click()
    expect(owner.get_by_role("article", name="PDSA 3: Every elementary school")).to_contain_text(
        "Adopt", timeout=SLOW
    )


def test_a_funder_records_a_grant_and_the_alignment_moves(world, live_server, chromium, screenshot):
    world.alpha.backbone_budget = Decimal("1500000")
    world.alpha.save()
    the_fund = fund(world)
    tutoring = strategy(world.alpha, "reading-tutors", goal="reading")
    strategy(world.alpha, "attendance-outreach", goal="attendance")
    strategy(world.alpha, "family-reading-nights", goal="reading")
    grant(world.alpha, the_fund, amount="120000", starts_on=FY2024[0], ends_on=FY2024[1],
          strategies=[tutoring], title="Reading tutors")  # fmt: skip
    grant(world.alpha, world.partners["b"], amount="40000", starts_on=FY2024[0],
          ends_on=FY2024[1], title="Operating support")  # fmt: skip

    page = log_in(chromium, live_server, "funder")
    page.goto(f"{live_server.url}/i/alpha/funding/?year=FY2024")
    expect(page.locator(".money-facts")).to_contain_text("75.0%", timeout=SLOW)
    page.get_by_role("link", name="Record a grant").click()
    page.get_by_label("Title").fill("Attendance outreach")
    page.get_by_label("Amount (US dollars)").fill("40000")
    page.get_by_label("First day").fill("2024-07-01")
    page.get_by_label("Last day").fill("2024-06-30")
    page.get_by_label("Attendance — Attendance outreach").check()
    page.get_by_role("button", name="Record the grant").click()
    expect(page.locator("#id_ends_on_error")).to_contain_text("before it starts", timeout=SLOW)
    screenshot(page, "funding-grant-refused")
    page.get_by_label("Last day").fill("2025-06-30")
    page.get_by_role("button", name="Record the grant").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Funding", timeout=SLOW)
    page.goto(f"{live_server.url}/i/alpha/funding/?year=FY2024")
    # (120,000 + 40,000) of 200,000 are linked to a strategy.
    expect(page.locator(".money-facts")).to_contain_text("80.0%", timeout=SLOW)
    expect(page.locator(".leverage")).to_contain_text("2.7×", timeout=SLOW)
    screenshot(page, "funding-page")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "funding-page-phone")
    # The refused form answered 400, which the browser logs; nothing else went wrong.
    assert [e for e in page.console_errors if "status of 400" not in e] == []
