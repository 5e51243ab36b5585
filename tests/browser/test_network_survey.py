"""The partner network survey in the browser: the backbone lead creates and opens a round;
partner A's lead answers (first forgetting a rating); the lead answers for partner B, closes the
round, reads the results with the picture and compares them with the previous round. A partner
then sees only what the suppression rule allows.

Screenshots land in test-artifacts/network-*.png.
"""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from tests.backbone.network.world import answer, network_round, partners, tie
from tests.browser.test_reporting_flow import log_in

pytestmark = pytest.mark.browser

SECTORS = ("nonprofit", "health", "philanthropy", "community", "government")


@pytest.fixture
def previous(world):
    """Five more partners and a closed round in spring 2025 where p1 was the only link to p2."""
    p1, p2, p3, p4, p5 = partners(world, 5, SECTORS)
    a, b = world.partners["a"], world.partners["b"]
    survey = network_round(
        world, title="Network survey 2025", status="open", opens_on=date(2025, 3, 3)
    )
    answer(world, survey, a, [tie(b, 3), tie(p1, 2), tie(p3, 2)])
    answer(world, survey, b, [tie(a, 3), tie(p4, 1)])
    answer(world, survey, p1, [tie(a, 2), tie(p2, 3)])
    answer(world, survey, p3, [tie(a, 2, trust_reliability=2), tie(p5, 2)])
    return network_round(world, title="Network survey 2025", status="closed")


def select(page, row, column, label):
    page.get_by_label(f"{column}, {row}").select_option(label=label)


def test_open_answer_close_and_compare(world, live_server, chromium, screenshot, previous):
    # --- the lead creates and opens the round ---------------------------------------------
    lead = log_in(chromium, live_server, "lead")
    lead.goto(f"{live_server.url}/i/alpha/network/")
    expect(lead.get_by_role("heading", level=1)).to_have_text("Partner network survey")
    lead.get_by_role("link", name="New round").click()
    lead.get_by_label("Title").fill("Network survey 2026")
    lead.get_by_label("Opens on").fill("2026-03-02")
    lead.get_by_label("Planned to close on").fill("2026-03-27")
    lead.get_by_role("button", name="Create the round").click()
    expect(lead.get_by_role("heading", level=1)).to_have_text("Network survey 2026")
    lead.get_by_role("button", name="Open the round").click()
    expect(lead.get_by_role("status")).to_contain_text("The round is open")

    # --- partner A's lead answers, first forgetting one rating -------------------------------
    partner = log_in(chromium, live_server, "partner_lead_a")
    partner.goto(f"{live_server.url}/i/alpha/network/")
    rounds = partner.get_by_role("table")
    expect(rounds).to_contain_text("Not answered")
    rounds.get_by_role("link", name="Answer").click()
    expect(partner.get_by_role("heading", level=1)).to_have_text("Who Alpha Schools works with")
    partner.get_by_label("We work together with Bright Futures Nonprofit").check()
    select(partner, "Bright Futures Nonprofit", "How we work together", "4 Integration")
    for column in ("Open", "Reliable", "Shares the mission"):
        select(partner, "Bright Futures Nonprofit", column, "4 Very")
    for column in ("Influence", "Involvement", "Resources"):
        select(partner, "Bright Futures Nonprofit", column, "3 Fairly")
    partner.get_by_label("We work together with Partner 002").check()
    select(partner, "Partner 002", "How we work together", "2 Cooperation")
    for column in ("Open", "Reliable", "Shares the mission", "Influence", "Involvement"):
        select(partner, "Partner 002", column, "3 Fairly")
    partner.get_by_role("button", name="Send the answers").click()
    alert = partner.get_by_role("alert")
    expect(alert).to_contain_text("Nothing was saved.")
    expect(alert).to_contain_text("Partner 002: choose 1 to 4 for “resources it brings”")
    resources = partner.get_by_label("Resources, Partner 002")
    expect(resources).to_have_attribute("aria-invalid", "true")
    # What was chosen is still there.
    expect(partner.get_by_label("How we work together, Bright Futures Nonprofit")).to_have_value(
        "4"
    )
    screenshot(partner, "network-answer-error")
    partner.console_errors.clear()  # the page answered 400, as a refused form does
    resources.select_option(label="2 Somewhat")
    partner.get_by_role("button", name="Send the answers").click()
    expect(partner.get_by_role("status")).to_contain_text(
        "Your answers for Alpha Schools were sent"
    )
    expect(partner.get_by_role("table")).to_contain_text("Sent on")

    # --- the filter box narrows a long list ------------------------------------------------
    partner.get_by_role("link", name="Change the answer").click()
    partner.get_by_label("Find a partner").fill("bright")
    expect(partner.locator(".answer-table tbody tr:visible")).to_have_count(1)
    partner.get_by_label("Find a partner").fill("")
    screenshot(partner, "network-answer")

    # --- the lead answers for B and closes the round --------------------------------------
    lead.reload()
    expect(lead.get_by_role("table", name="Each partner's answer")).to_contain_text("Sent")
    lead.get_by_role("link", name="Answer for Bright Futures Nonprofit").click()
    expect(lead.get_by_role("heading", level=1)).to_have_text(
        "Who Bright Futures Nonprofit works with"
    )
    lead.get_by_label("We work together with Alpha Schools").check()
    select(lead, "Alpha Schools", "How we work together", "3 Coordination")
    for column in ("Open", "Reliable", "Shares the mission", "Influence", "Involvement"):
        select(lead, "Alpha Schools", column, "4 Very")
    select(lead, "Alpha Schools", "Resources", "3 Fairly")
    lead.get_by_label("We work together with Partner 004").check()
    select(lead, "Partner 004", "How we work together", "1 Awareness")
    for column in (
        "Open",
        "Reliable",
        "Shares the mission",
        "Influence",
        "Involvement",
        "Resources",
    ):
        select(lead, "Partner 004", column, "2 Somewhat")
    lead.get_by_role("button", name="Send the answers").click()
    expect(lead.get_by_role("status")).to_contain_text("were sent")
    lead.goto(f"{live_server.url}/i/alpha/network/")
    lead.get_by_role("link", name="Network survey 2026").click()
    lead.get_by_role("button", name="Close the round").click()
    expect(lead.get_by_role("status")).to_contain_text("The round is closed")

    # --- the results ----------------------------------------------------------------------
    facts = lead.locator("dl.facts")
    expect(facts).to_contain_text("2 of 7")
    expect(facts).to_contain_text("3")  # ties: A–B, A–p2, B–p4
    picture = lead.get_by_role("img", name=re.compile("The network of 7 partners with 3 ties"))
    expect(picture).to_be_visible()
    expect(lead.locator("svg.network-svg circle[class^=sector]")).to_have_count(7)
    expect(lead.locator("svg.network-svg line.one-sided")).to_have_count(2)
    brokers = lead.locator("ul.brokers")
    expect(brokers).to_contain_text("Alpha Schools")
    expect(brokers).to_contain_text("Partner 002")  # cut off without A
    scores = lead.get_by_role("table", name="Trust and value each partner received")
    expect(scores.get_by_role("row", name=re.compile("^Alpha Schools"))).to_contain_text("3.00")
    screenshot(lead, "network-results")

    # --- the comparison with the previous round -------------------------------------------
    lead.get_by_role("link", name=re.compile("Compare with the previous round")).click()
    expect(lead.get_by_role("heading", level=1)).to_have_text("Compare network rounds")
    expect(
        lead.get_by_role("heading", level=2, name=re.compile("From Network survey 2025"))
    ).to_be_visible()
    new = lead.locator("ul.tie-changes").first
    expect(new).to_contain_text("Alpha Schools – Partner 002")
    expect(lead.locator("ul.tie-changes").nth(1)).to_contain_text("Partner 001 – Partner 002")
    expect(lead.get_by_role("table", name="The network in each round")).to_contain_text("points")
    screenshot(lead, "network-compare")

    # --- what partner A sees: too few answers for anything but the word -------------------
    partner.goto(f"{live_server.url}/i/alpha/network/")
    partner.get_by_role("link", name="Network survey 2026").click()
    expect(
        partner.get_by_text("need answers from at least 10 partners besides yours")
    ).to_be_visible()
    expect(partner.get_by_text("Fewer than 10 partners rated Alpha Schools")).to_be_visible()
    expect(partner.locator("svg")).to_have_count(0)
    screenshot(partner, "network-partner-results")
    # With k = 1 (no protection at all) A sees the network's figures and its own scores, but
    # still nobody else's; and it can read back its own answer.
    world.alpha.suppression_threshold = 1
    world.alpha.save()
    partner.reload()
    expect(partner.locator("dl.facts").first).to_contain_text("Density")
    expect(partner.locator("dl.facts").nth(1)).to_contain_text("1 partner")
    expect(partner.get_by_role("main")).not_to_contain_text("Bright Futures")
    screenshot(partner, "network-partner-results-k1")
    partner.get_by_role("link", name="What Alpha Schools answered").click()
    expect(partner.get_by_label("How we work together, Partner 002")).to_be_disabled()

    lead.goto(f"{live_server.url}/i/alpha/network/")
    expect(lead.get_by_role("table")).to_contain_text("2 of 7")
    screenshot(lead, "network-rounds")

    assert lead.console_errors == []
    assert partner.console_errors == []
    lead.context.close()
    partner.context.close()


def test_the_answer_page_works_without_javascript(world, live_server, chromium):
    network_round(world, title="Spring", status="open")
    page = log_in(chromium, live_server, "partner_lead_a", java_script_enabled=False)
    page.goto(f"{live_server.url}/i/alpha/network/")
    page.get_by_role("link", name="Answer").click()
    expect(page.get_by_label("Find a partner")).to_be_hidden()
    select(page, "Bright Futures Nonprofit", "Open", "2 Somewhat")
    page.get_by_role("button", name="Save a draft").click()
    expect(page.get_by_role("alert")).to_contain_text("“we work together” is not ticked")
    page.get_by_label("We work together with Bright Futures Nonprofit").check()
    page.get_by_role("button", name="Save a draft").click()
    expect(page.get_by_role("alert")).to_contain_text("choose 1 to 4")
    page.context.close()
