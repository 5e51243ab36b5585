"""A period's report from entry to the report card: a reporter enters, saves and submits it; the
data manager returns it with a comment on one value; the reporter corrects and resubmits; the
data manager approves it, and the report card shows it.

Screenshots of the grid, the queue and the review page land in test-artifacts/.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.measurement.reporting_world import build

pytestmark = pytest.mark.browser


def log_in(chromium, live_server, username, **context):
    browser_context = chromium.new_context(
        **({"viewport": {"width": 1280, "height": 900}} | context)
    )
    page = browser_context.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.console_errors = errors
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    return page


def test_enter_submit_return_correct_approve(world, live_server, chromium, screenshot):
    r = build(world)
    year = r.period

    # --- the reporter enters the report ---------------------------------------------------
    reporter = log_in(chromium, live_server, "reporter_a")
    reporter.goto(f"{live_server.url}/i/alpha/reporting/")
    expect(reporter.get_by_role("heading", level=1)).to_have_text("Reporting")
    report = reporter.get_by_role("article", name=year)
    expect(report).to_contain_text("Not started")
    expect(report).to_contain_text("On-time graduation rate")
    screenshot(reporter, "reporting-todo")
    report.get_by_role("link", name=re.compile("Enter data")).click()
    expect(reporter.get_by_role("heading", level=1)).to_have_text(f"Alpha Schools: {year} report")

    numerator = reporter.get_by_label("Numerator, On-time graduation rate, Total")
    denominator = reporter.get_by_label("Denominator, On-time graduation rate, Total")
    findings = reporter.locator("#r0-findings")
    numerator.press_sequentially("1100")
    denominator.press_sequentially("1056")
    # The inline check (htmx) says what is wrong while typing, before anything is saved.
    expect(findings.locator(".finding.error")).to_contain_text(
        "the numerator (1100) is larger than the denominator (1056)"
    )
    expect(findings).to_contain_text("numerator_above_denominator")
    expect(numerator).to_have_attribute("aria-describedby", "r0-findings")
    screenshot(reporter, "reporting-grid-inline-finding")

    numerator.fill("")
    numerator.press_sequentially("945")
    expect(findings.locator(".finding.error")).to_have_count(0)
    expect(findings).to_contain_text("Rate: 89.5%")
    reporter.get_by_label("Numerator, On-time graduation rate, Sex: Female").fill("<10")
    reporter.get_by_label("Value (children), Children served, Total").fill("47")
    reporter.get_by_label("Narrative, Story behind the data, Total").fill(
        "A new bus route made mornings easier."
    )
    reporter.get_by_role("button", name="Save draft").click()
    expect(reporter.get_by_role("status")).to_contain_text("The draft was saved.")
    expect(reporter.get_by_label("Numerator, On-time graduation rate, Sex: Female")).to_have_value(
        "<10"
    )
    screenshot(reporter, "reporting-grid-draft")
    reporter.get_by_role("button", name="Submit for review").click()
    expect(reporter.get_by_role("status")).to_contain_text(f"The {year} report was submitted")
    expect(reporter.get_by_role("button", name="Save draft")).to_have_count(0)

    # --- the data manager returns it with a comment on one value ---------------------------
    manager = log_in(chromium, live_server, "data_manager")
    manager.goto(f"{live_server.url}/i/alpha/review/")
    queue = manager.get_by_role("table", name="Reports waiting for review")
    expect(queue).to_contain_text("Alpha Schools")
    expect(queue).to_contain_text(year)
    screenshot(manager, "review-queue")
    queue.get_by_role("link", name=re.compile("Review Alpha Schools")).click()
    expect(manager.get_by_role("heading", level=1)).to_have_text(f"Alpha Schools: {year} report")
    values = manager.get_by_role("table", name=re.compile("Values in this report"))
    expect(values).to_contain_text("945 ÷ 1,056")
    expect(values).to_contain_text("89.5%")
    expect(values).to_contain_text("<10 ÷ —")
    manager.get_by_label("What to fix — Children served, Total").fill(
        "The roster says 52 children."
    )
    manager.get_by_label("Comment to the partner").fill("One number to check, thank you!")
    screenshot(manager, "review-page")
    manager.get_by_role("button", name="Return with comments").click()
    expect(manager.get_by_role("status")).to_contain_text("was returned with your comments")

    # --- the reporter sees the comment, corrects and resubmits -----------------------------
    reporter.goto(f"{live_server.url}/i/alpha/reporting/")
    report = reporter.get_by_role("article", name=year)
    expect(report).to_contain_text("Returned")
    report.get_by_role("link", name=re.compile("Correct and resubmit")).click()
    expect(reporter.get_by_role("region", name="Returned for changes")).to_contain_text(
        "One number to check, thank you!"
    )
    kids = reporter.get_by_label("Value (children), Children served, Total")
    kids_row = reporter.locator("tr", has=kids)
    expect(kids_row).to_contain_text("The roster says 52 children.")
    screenshot(reporter, "reporting-grid-returned")
    kids.fill("52")
    reporter.get_by_role("button", name="Submit for review").click()
    expect(reporter.get_by_role("status")).to_contain_text(f"The {year} report was submitted")

    # --- the data manager approves; the report card shows it ------------------------------
    manager.goto(f"{live_server.url}/i/alpha/review/")
    manager.get_by_role("link", name=re.compile("Review Alpha Schools")).click()
    expect(manager.get_by_role("table", name=re.compile("Values in this report"))).to_contain_text(
        "52 children"
    )
    manager.get_by_role("button", name="Approve the report").click()
    expect(manager.get_by_role("status")).to_contain_text("was approved")
    expect(manager.get_by_text("Nothing to review: no report is waiting.")).to_be_visible()
    manager.goto(f"{live_server.url}/i/alpha/report-card/")
    tile = manager.get_by_role("article", name="On-time graduation rate")
    expect(tile).to_contain_text("89.5%")
    expect(tile).to_contain_text(year)

    assert reporter.console_errors == []
    assert manager.console_errors == []
    reporter.context.close()
    manager.context.close()


def test_the_grid_on_a_phone(world, live_server, chromium, screenshot):
    r = build(world)
    page = log_in(
        chromium, live_server, "reporter_a", viewport={"width": 390, "height": 844}, is_mobile=True
    )
    page.goto(f"{live_server.url}/i/alpha/reporting/a/{r.period}/")
    page.get_by_label("Value (children), Children served, Total").press_sequentially("abc")
    expect(page.locator("#r3-findings")).to_contain_text("is not a number")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the grid scrolls sideways on a phone ({width}px)"
    screenshot(page, "reporting-grid-phone")
    page.context.close()


def test_the_grid_works_without_javascript(world, live_server, chromium):
    r = build(world)
    page = log_in(chromium, live_server, "reporter_a", java_script_enabled=False)
    page.goto(f"{live_server.url}/i/alpha/reporting/a/{r.period}/")
    page.get_by_label("Numerator, On-time graduation rate, Total").fill("1100")
    page.get_by_label("Denominator, On-time graduation rate, Total").fill("1056")
    page.get_by_role("button", name="Save draft").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("1 problem kept this report from being saved")
    expect(page.get_by_label("Numerator, On-time graduation rate, Total")).to_have_value("1100")
    summary.get_by_role("link").click()
    expect(page).to_have_url(re.compile("#r0-numerator$"))
    page.context.close()
