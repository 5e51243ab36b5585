"""The backbone console on the full demo, in a browser: the lead reads what to do next and the
tiles, follows a figure to the list behind it and finds the same number there, then opens the
partner engagement scores.

Screenshots land in test-artifacts/ (console-*.png).
"""

import re

import pytest
from playwright.sync_api import expect

from commonground.demo.build import DEMO_PASSWORD, EMAIL_DOMAIN, build_demo
from tests.backbone.console.console_world import build
from tests.browser.test_reporting_flow import log_in as log_in_persona

pytestmark = pytest.mark.browser


def log_in(chromium, live_server, local_part):
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.console_errors = errors
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(f"{local_part}@{EMAIL_DOMAIN}")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    return page


def test_console_on_the_demo(live_server, chromium, screenshot):
    slug = build_demo().initiative.slug
    lead = log_in(chromium, live_server, "lead")
    lead.goto(f"{live_server.url}/i/{slug}/console/")
    expect(lead.get_by_role("heading", level=1)).to_have_text("Backbone console")
    expect(lead.get_by_role("heading", name="What to do next")).to_be_visible()
    screenshot(lead, "console-lead")

    # The charter tile's number is the number of rows behind it.
    tile = lead.locator("#tile-charters")
    count = int(tile.locator(".big-figure .value").inner_text())
    tile.locator(".big-figure a").click()
    expect(lead.get_by_role("heading", level=1)).to_have_text("Charter signatures outstanding")
    expect(lead.locator("table tbody tr")).to_have_count(count)
    screenshot(lead, "console-charters")

    # A line of "what to do next" opens its list too.
    lead.goto(f"{live_server.url}/i/{slug}/console/")
    step = lead.locator(".next-steps a", has_text="worsening")
    worsening = int(step.inner_text().split()[0])
    step.click()
    expect(lead.get_by_role("heading", level=1)).to_have_text("Indicators worsening")
    expect(lead.locator("table tbody tr")).to_have_count(worsening)
    screenshot(lead, "console-worsening")

    # The engagement scores, lowest first, each partner linking to its page.
    lead.goto(f"{live_server.url}/i/{slug}/console/")
    lead.locator("#tile-engagement .tile-details a").first.click()
    expect(lead.get_by_role("heading", level=1)).to_have_text("Partner engagement")
    scores = [
        int(s) if s.strip().isdigit() else None
        for s in lead.locator("table.scores td.score").all_inner_texts()
    ]
    scored = [s for s in scores if s is not None]
    assert scored == sorted(scored)
    screenshot(lead, "console-engagement")
    lead.locator("table.scores tbody th a").first.click()
    expect(lead).to_have_url(re.compile(rf"/i/{slug}/partners/[\w-]+/$"))
    assert lead.console_errors == []

    # The facilitator sees no approval queue (not theirs to approve), but attendance.
    facilitator = log_in(chromium, live_server, "facilitator")
    facilitator.goto(f"{live_server.url}/i/{slug}/console/")
    expect(facilitator.locator("#tile-approvals")).to_have_count(0)
    expect(facilitator.locator("#tile-attendance")).to_be_visible()
    screenshot(facilitator, "console-facilitator")


def test_data_quality_alerts(world, live_server, chromium, screenshot):
    """A value above its indicator's range waits for approval; another report was returned."""
    build(world)
    manager = log_in_persona(chromium, live_server, "data_manager")
    manager.goto(f"{live_server.url}/i/alpha/console/")
    manager.locator("#tile-data-quality .big-figure a").click()
    expect(manager.get_by_role("heading", level=1)).to_have_text("Data-quality alerts")
    flagged = manager.locator("section", has=manager.locator("#flagged-heading"))
    expect(flagged.locator("tbody tr")).to_have_count(1)
    expect(flagged).to_contain_text("Children served")
    returned = manager.locator("#returned")
    expect(returned).to_contain_text("Check the counts.")
    screenshot(manager, "console-data-quality")
    assert manager.console_errors == []
