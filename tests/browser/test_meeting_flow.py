"""A facilitator runs a network's meetings in the browser: schedules a series every other week
with the simple builder, builds a past meeting's agenda with an item on an indicator (its
latest chart is drawn on the meeting's page), and records attendance with a delegate standing
in (flagged). Screenshots land in test-artifacts/.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from commonground.convening.services import meetings as services
from commonground.initiatives.models import WorkingGroup
from tests.browser.test_smoke import log_in
from tests.convening.meetings.helpers import NEW_YORK, schedule, weeks_from_now

pytestmark = pytest.mark.browser


def test_schedule_agenda_with_indicator_and_attendance(
    world, graduation, live_server, page, screenshot
):
    network = WorkingGroup.objects.create(
        initiative=world.alpha, code="literacy", name="Early literacy network"
    )
    network.partnerships.set(world.partners.values())
    network.members.set([world.users[p] for p in ("partner_lead_a", "reporter_b", "steering")])
    # The series started two weeks ago, so its first meeting can have attendance.
    first = timezone.now().astimezone(NEW_YORK).date() - timedelta(weeks=2)

    log_in(page, live_server, "facilitator")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.goto(f"{live_server.url}/i/alpha/meetings/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Meetings")
    page.get_by_role("link", name="Schedule a meeting").click()
    page.get_by_label("Body").select_option(label="Early literacy network")
    page.get_by_label("Title").fill("Literacy network meeting")
    page.get_by_label("Date of the first meeting").fill(first.isoformat())
    page.get_by_label("Start time").fill("18:00")
    page.get_by_label("Length (minutes)").fill("60")
    page.get_by_label("Every other week, on the same weekday").check()
    page.get_by_label("After a number of meetings").check()
    page.get_by_role("spinbutton", name="Number of meetings").fill("10")
    page.get_by_label("Location").fill("Central Library, meeting room B")
    screenshot(page, "meetings-schedule-form")
    page.get_by_role("button", name="Schedule").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Literacy network meeting")
    expect(page.locator(".facts")).to_contain_text(
        f"Every other week on {first.strftime('%A')}, 10 meetings"
    )
    screenshot(page, "meetings-series")

    # The first meeting, two weeks ago: its agenda, with an item on the graduation rate.
    past = page.get_by_role("region", name="Past meetings (last twelve months)")
    past.get_by_role("link", name=first.strftime("%a %-d %b %Y")).click()
    page.get_by_role("link", name="Build the agenda").click()
    page.locator("#id_items-0-title").fill("Welcome and introductions")
    page.locator("#id_items-0-minutes_allotted").fill("10")
    page.locator("#id_items-0-ORDER").fill("1")
    page.locator("#id_items-1-title").fill("Graduation: where we stand")
    page.locator("#id_items-1-minutes_allotted").fill("25")
    page.locator("#id_items-1-ORDER").fill("2")
    page.locator("#id_items-1-indicator").select_option(label="On-time graduation rate")
    page.locator("#id_items-1-presenter").select_option(label="Data Manager")
    screenshot(page, "meetings-agenda-form")
    page.get_by_role("button", name="Save the agenda").click()
    expect(page.get_by_role("status")).to_contain_text("The agenda was saved.")
    agenda = page.locator("#agenda")
    expect(agenda).to_contain_text("Total: 35 minutes of 60")
    expect(agenda.locator(".agenda-chart svg").first).to_be_visible()
    expect(agenda.locator(".agenda-chart figcaption")).to_contain_text("On-time graduation rate")

    # Attendance: partner A's lead sent a delegate (who has no account here).
    page.get_by_role("link", name="Record attendance").click()
    page.get_by_label("Attendance of Partner Lead A").select_option(label="Sent a delegate")
    page.get_by_label("Delegate for Partner Lead A (name)").fill("Jordan Lee")
    page.get_by_label("Attendance of Reporter B").select_option(label="Present")
    page.get_by_label("Attendance of Steering").select_option(label="Excused")
    screenshot(page, "meetings-attendance-form")
    page.get_by_role("button", name="Save attendance").click()
    expect(page.get_by_role("status")).to_contain_text("Attendance was recorded.")
    attendance = page.locator("#attendance")
    expect(attendance).to_contain_text("1 present · 1 sent a delegate · 0 absent · 1 excused")
    expect(attendance.locator("tr.delegated")).to_contain_text(
        re.compile(r"Jordan Lee stood in \(no account\)")
    )
    screenshot(page, "meetings-occurrence")
    page.get_by_role("navigation", name="Convening").get_by_role("link", name="Meetings").click()
    expect(page.get_by_role("region", name="Coming up (next two months)")).to_contain_text(
        "Literacy network meeting"
    )
    screenshot(page, "meetings-list")
    assert page.console_errors == []


def test_public_visitors_see_open_meetings_only(world, graduation, live_server, page, screenshot):
    """An open meeting's agenda (with the published chart) and minutes; no attendance."""
    lead = world.users["lead"]
    start = weeks_from_now(-1)
    forum = schedule(world, title="Community forum", is_open=True, starts_at=start)
    schedule(world, title="Budget session (closed)", starts_at=start)
    common = {"actor": lead, "meeting": forum, "original_start": forum.starts_at}
    services.save_agenda(
        **common,
        entries=[
            services.AgendaEntry("Welcome", 10),
            services.AgendaEntry("Graduation rates", 30, indicator=graduation),
        ],
    )
    services.record_attendance(
        **common,
        entries=[
            services.AttendanceEntry(world.users["steering"], "delegate", delegate_name="Kim Doe")
        ],
    )
    services.save_minutes(**common, text="We looked at **graduation** together.")
    services.publish_minutes(**common)

    page.goto(f"{live_server.url}/public/alpha/meetings/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Alpha Cradle to Career: open meetings"
    )
    expect(page.locator("main")).not_to_contain_text("Budget session")
    screenshot(page, "meetings-public-list")
    page.get_by_role("link", name="Community forum").click()
    expect(page.locator(".agenda-chart svg").first).to_be_visible()
    expect(page.locator(".minutes")).to_contain_text("We looked at graduation together.")
    expect(page.locator("main")).not_to_contain_text("Kim Doe")
    screenshot(page, "meetings-public-occurrence")
    assert page.console_errors == []
