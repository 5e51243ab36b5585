"""The common agenda from a first draft to partners signing again: the backbone lead drafts
version 1 (text, a goal, a strategy) and proposes it; the steering committee member agrees and
the lead closes the decision; the partner lead signs. Version 2 changes the vision and adds a
goal, is adopted the same way, and the overview shows who has not signed again until the
partner lead does.

Screenshots land in test-artifacts/agenda-*.png.
"""

import re

import pytest
from playwright.sync_api import expect

from commonground.measurement.models import Indicator
from tests.browser.test_reporting_flow import log_in

pytestmark = pytest.mark.browser


def adopt_through_the_decision(live_server, lead, steering):
    """From the agenda page: open the decision, the steering member agrees, the lead closes."""
    lead.get_by_role("link", name="See the decision and its votes").click()
    expect(lead).to_have_url(re.compile(r"/i/alpha/decisions/\d+/$"))
    decision_url = lead.url
    steering.goto(decision_url)
    steering.get_by_label("Agree", exact=True).check()
    steering.get_by_role("button", name="Cast my vote").click()
    expect(steering.get_by_role("heading", name="Change your vote")).to_be_visible()
    lead.goto(decision_url)
    expect(lead.get_by_text("1 of 1 eligible voters voted")).to_be_visible()
    lead.get_by_role("button", name="Close and record the outcome").click()
    expect(lead.get_by_role("heading", name="Outcome")).to_be_visible()
    lead.goto(f"{live_server.url}/i/alpha/agenda/")


def test_draft_adopt_sign_revise_and_sign_again(world, live_server, chromium, screenshot):
    Indicator.objects.create(
        initiative=world.alpha,
        code="reading",
        name="Grade 3 reading",
        value_type="count",
        aggregation="sum",
        frequency="annual",
        is_published=True,
    )
    Indicator.objects.create(
        initiative=world.alpha,
        code="absence",
        name="Chronic absence",
        value_type="count",
        aggregation="sum",
        frequency="annual",
    )
    lead = log_in(chromium, live_server, "lead")
    steering = log_in(chromium, live_server, "steering")
    partner = log_in(chromium, live_server, "partner_lead_a")

    # --- the lead drafts version 1 ---------------------------------------------------------
    lead.goto(f"{live_server.url}/i/alpha/agenda/")
    expect(lead.get_by_text("No version of the common agenda has been adopted yet")).to_be_visible()
    screenshot(lead, "agenda-empty")
    lead.get_by_role("button", name="Start the first draft").click()
    expect(lead.get_by_role("heading", level=1)).to_have_text("Draft of version 1")
    lead.get_by_label("The problem").fill("Too few children in Alpha read well by grade 3.")
    lead.get_by_label("Our vision").fill("Every child succeeds, from cradle to career.")
    lead.get_by_label("Principles").fill("- We share data.\n- We listen to families.")
    lead.get_by_role("button", name="Save the text").click()
    expect(lead.get_by_role("status")).to_contain_text("The draft was saved.")

    lead.get_by_role("link", name="Add a goal").click()
    lead.get_by_label("Code").fill("read")
    lead.get_by_label("Goal", exact=True).fill("Every child reads by grade 3")
    lead.get_by_label("Long-term goal").check()
    lead.get_by_label("Grade 3 reading").check()
    screenshot(lead, "agenda-goal-form")
    lead.get_by_role("button", name="Add the goal").click()
    expect(lead.get_by_role("status")).to_contain_text("Every child reads by grade 3")
    lead.get_by_role("link", name="Add a strategy").click()
    lead.get_by_label("Code").fill("tutors")
    lead.get_by_label("Strategy", exact=True).fill("Reading tutors in every K-3 classroom")
    lead.get_by_label("Grade 3 reading").check()
    lead.get_by_role("button", name="Add the strategy").click()
    expect(lead.get_by_role("status")).to_contain_text("Reading tutors in every K-3 classroom")
    lead.get_by_role("link", name="Draft", exact=True).click()
    expect(lead.get_by_role("link", name="Reading tutors in every K-3 classroom")).to_be_visible()
    screenshot(lead, "agenda-draft")

    lead.get_by_role("link", name="Propose for adoption").click()
    expect(lead.get_by_role("heading", level=1)).to_have_text("Propose version 1 for adoption")
    expect(lead.get_by_role("region", name="Who decides")).to_contain_text("Steering")
    screenshot(lead, "agenda-propose")
    lead.get_by_role("button", name="Put it to the steering committee").click()
    expect(lead.get_by_role("status")).to_contain_text("Version 1 is before the steering committee")
    expect(
        lead.get_by_role("heading", name="Version 1 is before the steering committee")
    ).to_be_visible()

    # --- the steering committee adopts it ---------------------------------------------------
    adopt_through_the_decision(live_server, lead, steering)
    expect(lead.locator(".lead")).to_contain_text("Version 1, adopted by the steering committee")
    expect(lead.get_by_role("heading", name="Every child reads by grade 3")).to_be_visible()
    screenshot(lead, "agenda-adopted-v1")

    # --- the partner lead signs ---------------------------------------------------------------
    partner.goto(f"{live_server.url}/i/alpha/agenda/")
    partner.get_by_role("link", name="Sign version 1").click()
    partner.get_by_label("Money (dollars a year)").fill("5000")
    partner.get_by_label("Staff time (hours a year)").fill("40")
    partner.get_by_label("Grade 3 reading").check()
    partner.get_by_role("button", name="Sign version 1").click()
    expect(partner.get_by_role("status")).to_contain_text("Alpha Schools signed version 1")
    expect(partner.locator(".signature")).to_contain_text("$5,000 a year")

    # --- version 2: a wider vision and a new short-term goal ----------------------------------
    lead.get_by_role("button", name="Start a draft of the next version").click()
    expect(lead.get_by_role("heading", level=1)).to_have_text("Draft of version 2")
    lead.get_by_label("Our vision").fill(
        "Every child thrives, from cradle to career, whatever their neighborhood."
    )
    lead.get_by_label("What changed from the previous version").fill(
        "A wider vision and a goal on attendance."
    )
    lead.get_by_role("button", name="Save the text").click()
    expect(lead.get_by_role("status")).to_contain_text("The draft was saved.")
    lead.get_by_role("link", name="Add a goal").click()
    lead.get_by_label("Code").fill("attend")
    lead.get_by_label("Goal", exact=True).fill("Cut chronic absence by a quarter")
    lead.get_by_label("Short-term win").check()
    lead.get_by_label("Chronic absence").check()
    lead.get_by_role("button", name="Add the goal").click()
    lead.get_by_role("link", name=re.compile("What changed since version 1")).click()
    expect(lead.get_by_role("heading", name="From version 1 to version 2")).to_be_visible()
    expect(lead.locator(".diff-summary")).to_contain_text("Our vision changed")
    expect(lead.locator(".diff-summary")).to_contain_text("1 goal added")
    screenshot(lead, "agenda-compare-draft")
    lead.goto(f"{live_server.url}/i/alpha/agenda/draft/propose/")
    lead.get_by_role("button", name="Put it to the steering committee").click()
    adopt_through_the_decision(live_server, lead, steering)
    expect(lead.locator(".lead")).to_contain_text("Version 2, adopted by the steering committee")

    # --- the backbone sees who has not signed again -------------------------------------------
    lead.get_by_role("link", name="Who signed the charter").click()
    rows = lead.get_by_role("table", name="Partners and their signatures")
    expect(rows.get_by_role("row", name=re.compile("Alpha Schools"))).to_contain_text(
        "Not signed again"
    )
    expect(rows.get_by_role("row", name=re.compile("Bright Futures"))).to_contain_text(
        "Never signed"
    )
    screenshot(lead, "agenda-signatures-before")

    partner.goto(f"{live_server.url}/i/alpha/agenda/")
    expect(
        partner.get_by_text("You signed version 1; version 2 has been adopted since")
    ).to_be_visible()
    partner.get_by_role("link", name="Sign version 2").click()
    expect(partner.get_by_label("Money (dollars a year)")).to_have_value("5000")
    partner.get_by_label("Chronic absence").check()
    screenshot(partner, "agenda-charter-sign")
    partner.get_by_role("button", name="Sign version 2").click()
    expect(partner.get_by_role("status")).to_contain_text("Alpha Schools signed version 2")

    lead.reload()
    expect(rows.get_by_role("row", name=re.compile("Alpha Schools"))).to_contain_text("Signed")
    screenshot(lead, "agenda-signatures-after")

    lead.goto(f"{live_server.url}/i/alpha/agenda/compare/?from=1&to=2")
    screenshot(lead, "agenda-compare")

    visitor = chromium.new_page()
    visitor.goto(f"{live_server.url}/public/alpha/agenda/")
    expect(visitor.get_by_role("heading", name="Cut chronic absence by a quarter")).to_be_visible()
    expect(visitor.get_by_text("Chronic absence", exact=True)).to_have_count(0)  # unpublished
    screenshot(visitor, "agenda-public")
    visitor.close()

    for page in (lead, steering, partner):
        assert page.console_errors == []
