"""Discussions, notifications and stories in a browser: a reporter replies and mentions the
lead, the lead opens the notification and lands on the post; a visitor reads the published
story; a person changes their digest and follows the unsubscribe link.

Screenshots land in test-artifacts/ (discussions-*.png).
"""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from commonground.convening import digests
from commonground.convening.digests import send_digests
from commonground.convening.services import discussions as services
from commonground.measurement.models import Indicator
from tests.browser.test_reporting_flow import log_in

pytestmark = pytest.mark.browser

STORY = (
    "In the class of 2025, **93.9%** of Alpha Schools students graduated on time.\n\n"
    "**What the figures cannot tell us.** Why it moved.\n\n"
    "<script>alert('x')</script> [a bad link](javascript:alert(1))"
)


def test_reply_mention_notification_and_public_story(world, live_server, chromium, screenshot):
    grad = Indicator.objects.create(
        initiative=world.alpha,
        code="grad_rate",
        name="On-time graduation rate",
        value_type="count",
        aggregation="sum",
        frequency="annual",
        is_published=True,
    )
    thread = services.start_thread(
        actor=world.users["reporter_b"],
        initiative=world.alpha,
        title="Attendance after the winter break",
        body="We saw *more* absences in January. Anyone else?\n\n- grade 1\n- grade 2",
    )
    services.announce(
        actor=world.users["lead"],
        initiative=world.alpha,
        title="Report card published",
        body="The 2025 figures are approved.",
    )
    story = services.draft_story(
        actor=world.users["data_manager"],
        initiative=world.alpha,
        title="The class of 2025",
        body=STORY,
        indicator=grad,
    )
    services.publish_story(actor=world.users["lead"], story=story)
    services.draft_story(
        actor=world.users["partner_lead_a"],
        initiative=world.alpha,
        title="Tutors in every grade 1 classroom",
        body="Our volunteers read with small groups each week.",
    )

    # --- the reporter replies, mentioning the lead ------------------------------------------
    reporter = log_in(chromium, live_server, "reporter_a")
    reporter.goto(f"{live_server.url}/i/alpha/discussions/")
    expect(reporter.get_by_role("heading", level=1)).to_have_text("Discussions")
    expect(reporter.get_by_role("row", name=re.compile("Attendance after"))).to_be_visible()
    screenshot(reporter, "discussions-list")
    reporter.get_by_role("link", name="Attendance after the winter break").click()
    reporter.get_by_label("Your message").fill("Yes — grade 2 especially. @lead, can we discuss?")
    reporter.get_by_role("button", name="Post reply").click()
    expect(reporter.locator(".post").last).to_contain_text("grade 2 especially")
    expect(reporter.locator(".post").last).to_contain_text("Mentioned: Lead")
    screenshot(reporter, "discussions-thread")

    # --- the lead sees the mention and opens it -----------------------------------------------
    lead = log_in(chromium, live_server, "lead")
    lead.goto(f"{live_server.url}/i/alpha/notifications/")
    expect(lead.get_by_role("heading", level=1)).to_have_text("Notifications")
    mention = lead.get_by_role("button", name=re.compile("^Reporter A mentioned you in “Atten"))
    expect(mention).to_be_visible()
    screenshot(lead, "discussions-notifications")
    mention.click()
    expect(lead).to_have_url(re.compile(rf"/discussions/{thread.pk}/#post-\d+$"))
    lead.goto(f"{live_server.url}/i/alpha/notifications/")
    expect(lead.get_by_text("1 unread notification.")).to_be_visible()  # the draft for review
    expect(lead.locator(".notification.unread")).to_contain_text("wrote a story for review")

    # --- a visitor reads the story -----------------------------------------------------------
    visitor = chromium.new_context(viewport={"width": 1280, "height": 900}).new_page()
    visitor.goto(f"{live_server.url}/public/alpha/stories/")
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Stories of progress")
    screenshot(visitor, "discussions-public-stories")
    visitor.get_by_role("link", name="The class of 2025").click()
    expect(visitor.locator(".prose")).to_contain_text("93.9%")
    expect(visitor.get_by_role("link", name="On-time graduation rate")).to_be_visible()
    assert visitor.locator(".prose a[href^='javascript']").count() == 0
    screenshot(visitor, "discussions-public-story")

    # --- a reviewer finds the partner's draft ------------------------------------------------
    manager = log_in(chromium, live_server, "data_manager")
    manager.goto(f"{live_server.url}/i/alpha/stories/")
    expect(manager.get_by_role("heading", name="Drafts waiting for review")).to_be_visible()
    screenshot(manager, "discussions-stories")
    manager.get_by_role("link", name="Tutors in every grade 1 classroom").click()
    expect(manager.get_by_role("button", name="Publish")).to_be_visible()
    screenshot(manager, "discussions-story-review")

    # --- the digest e-mail, as a mail program shows its HTML part ------------------------------
    send_digests(base_url=live_server.url)
    [lead_mail] = [m for m in mail.outbox if m.to == ["lead@example.org"]]
    html = next(body for body, kind in lead_mail.alternatives if kind == "text/html")
    manager.set_content(html)
    expect(manager.get_by_role("link", name="Stop these e-mails")).to_be_visible()
    screenshot(manager, "discussions-digest-email")

    # --- digest settings and the unsubscribe link --------------------------------------------
    reporter.goto(f"{live_server.url}/accounts/notifications/")
    reporter.get_by_label("Daily").check()
    reporter.get_by_role("button", name="Save").click()
    expect(reporter.get_by_role("status")).to_contain_text("Your choice was saved.")
    screenshot(reporter, "discussions-digest-settings")
    token = digests.unsubscribe_token(world.users["reporter_a"])
    visitor.goto(f"{live_server.url}/accounts/notifications/unsubscribe/{token}/")
    screenshot(visitor, "discussions-unsubscribe")
    visitor.get_by_role("button", name="Stop digest e-mails").click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text(
        "You will get no more digest e-mails"
    )
    assert digests.preference_for(world.users["reporter_a"]).frequency == "never"

    for page in (reporter, lead, visitor, manager):
        assert getattr(page, "console_errors", []) == []
