"""The lead adds a webhook, copies its secret, sends a test and reads the log; the data manager
publishes the report card; five wrong passwords lock a login.

Screenshots land in test-artifacts/ (webhooks-*, report-card-published, login-locked).
"""

import re

import pytest
from playwright.sync_api import expect

from commonground.webhooks import signing
from commonground.webhooks.delivery import attempt
from commonground.webhooks.models import Delivery, Webhook
from tests.browser.test_reporting_flow import log_in
from tests.measurement.reporting_world import build
from tests.webhooks.receiver import receiver  # noqa: F401 — the fixture

pytestmark = pytest.mark.browser


def run_queued_deliveries():
    """What the worker does: one attempt of each pending delivery."""
    for delivery in Delivery.objects.filter(status="pending").order_by("pk"):
        attempt(delivery.pk, delivery.attempts)


def test_add_test_and_read_the_log(world, live_server, chromium, screenshot, receiver):  # noqa: F811
    lead = log_in(chromium, live_server, "lead")
    lead.goto(f"{live_server.url}/i/alpha/webhooks/")
    expect(lead.get_by_role("heading", level=1)).to_have_text("Webhooks")
    expect(lead.get_by_text("No webhook yet.")).to_be_visible()
    screenshot(lead, "webhooks-empty")

    lead.get_by_label("Payload URL").fill(receiver.url("/ok"))
    lead.get_by_label("A partner's report is approved").check()
    lead.get_by_label("The report card is published").check()
    lead.get_by_role("button", name="Add webhook").click()
    expect(lead.get_by_role("heading", level=1)).to_have_text("Webhook added")
    secret = lead.get_by_label("Signing secret").input_value()
    assert secret == Webhook.objects.get().secret
    screenshot(lead, "webhooks-secret")

    lead.get_by_role("link", name=re.compile("I have copied it")).click()
    expect(lead.get_by_text("Nothing has been sent to this URL yet.")).to_be_visible()
    lead.get_by_role("button", name="Send a test event").click()
    expect(lead.get_by_text("A test event is on its way")).to_be_visible()
    run_queued_deliveries()
    (request,) = receiver.requests
    headers = request.headers
    assert signing.verify(
        secret,
        headers["X-Commonground-Timestamp"],
        request.body,
        headers["X-Commonground-Signature"],
    )

    # A second webhook that fails, to show retries in the log.
    lead.goto(f"{live_server.url}/i/alpha/webhooks/")
    lead.get_by_label("Payload URL").fill(receiver.url("/fail"))
    lead.get_by_label("A meeting is scheduled").check()
    lead.get_by_role("button", name="Add webhook").click()
    lead.get_by_role("link", name=re.compile("I have copied it")).click()
    lead.get_by_role("button", name="Send a test event").click()
    run_queued_deliveries()
    lead.reload()
    log = lead.get_by_role("table")
    expect(log).to_contain_text("ping")
    expect(log).to_contain_text("retry at")
    expect(log).to_contain_text("500")
    screenshot(lead, "webhooks-log")

    lead.get_by_role("link", name="ping").click()
    expect(lead.get_by_role("heading", level=1)).to_contain_text("Delivery of ping")
    screenshot(lead, "webhooks-delivery")
    lead.goto(f"{live_server.url}/i/alpha/webhooks/")
    expect(lead.get_by_role("table")).to_contain_text("Delivered")
    screenshot(lead, "webhooks-list")
    assert lead.console_errors == []


def test_publish_the_report_card(world, live_server, chromium, screenshot):
    build(world).approved("a")
    manager = log_in(chromium, live_server, "data_manager")
    manager.goto(f"{live_server.url}/i/alpha/report-card/")
    expect(manager.get_by_text("Not published yet.")).to_be_visible()
    manager.get_by_role("button", name="Publish the report card").click()
    expect(manager.get_by_text("The report card was published on")).to_be_visible()
    expect(manager.get_by_text(re.compile("^Published on"))).to_be_visible()
    screenshot(manager, "report-card-published")
    manager.goto(f"{live_server.url}/public/alpha/")
    expect(manager.get_by_text(re.compile("^Published on"))).to_be_visible()
    assert manager.console_errors == []


def test_five_wrong_passwords_lock_the_login(world, live_server, chromium, screenshot):
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    for _ in range(5):
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Username").fill("lead")
        page.get_by_label("Password").fill("not-the-password")
        page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Too many failed logins")
    expect(page.get_by_text("Try again in 15 minutes.")).to_be_visible()
    screenshot(page, "login-locked")
    context.close()
