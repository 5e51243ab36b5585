"""Decisions and action items in the browser: a facilitator opens a decision for three voters;
two of them vote (one disagrees, with a reason) from their "My work" page; the facilitator closes
it with a review date and gives an action item to a partner's reporter, who finds it on "My
work" and marks it done. Screenshots land in test-artifacts/.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from commonground.convening.models import ActionItem, Attendance, Decision
from commonground.initiatives.models import WorkingGroup
from tests.browser.test_reporting_flow import log_in
from tests.convening.decisions.helpers import occurrence

pytestmark = pytest.mark.browser


def some_attendance(world, body):
    """Three past meetings of the network with attendance, for the engagement page."""
    now = timezone.now()
    rows = [
        ("present", "present", "absent"),
        ("delegate", "excused", "absent"),
        ("present", "present", "absent"),
    ]
    for weeks, statuses in zip((6, 4, 2), rows, strict=True):
        meeting = occurrence(world.alpha, now - timedelta(weeks=weeks), body=body)
        for persona, status in zip(
            ("partner_lead_a", "steering", "reporter_b"), statuses, strict=True
        ):
            Attendance.objects.create(
                occurrence=meeting, person=world.users[persona], status=status
            )


def test_open_vote_close_and_follow_up(world, live_server, chromium, screenshot):
    network = WorkingGroup.objects.create(
        initiative=world.alpha, code="literacy", name="Early literacy network"
    )
    network.members.set([world.users[p] for p in ("partner_lead_a", "steering", "reporter_b")])
    some_attendance(world, network)
    url = live_server.url

    # --- the facilitator opens the decision --------------------------------------------------
    facilitator = log_in(chromium, live_server, "facilitator")
    facilitator.goto(f"{url}/i/alpha/decisions/")
    expect(facilitator.get_by_role("heading", level=1)).to_have_text("Decisions")
    expect(facilitator.locator(".empty")).to_contain_text("No decision yet")
    facilitator.get_by_role("link", name="Open a decision").click()
    facilitator.get_by_label("Title").fill("Move the network to monthly meetings")
    facilitator.get_by_label("Proposal").fill(
        "From September the network meets **monthly**, on the first Tuesday.\n\n"
        "- the working groups meet in between\n- minutes go out within a week"
    )
    facilitator.get_by_label("Consent: adopted unless someone blocks").check()
    facilitator.get_by_label("Voting closes at").fill("2099-01-01T17:00")
    facilitator.get_by_label("Body (optional)").select_option(label="Early literacy network")
    facilitator.get_by_label("The members of the body chosen above").check()
    screenshot(facilitator, "decision-open-form")
    facilitator.get_by_role("button", name="Open for votes").click()

    expect(facilitator.get_by_role("heading", level=1)).to_have_text(
        "Move the network to monthly meetings"
    )
    expect(facilitator.get_by_role("status")).to_contain_text("The decision is open")
    expect(facilitator.locator(".proposal strong")).to_have_text("monthly")
    expect(
        facilitator.get_by_text("0 of 3 eligible voters voted (2 needed for the quorum).")
    ).to_be_visible()
    decision = Decision.objects.get()
    assert {u.username for u in decision.eligible_voters.all()} == {
        "partner_lead_a",
        "steering",
        "reporter_b",
    }

    # --- two voters vote from "My work" ------------------------------------------------------
    for persona, choice, reason in [
        ("steering", "Agree", ""),
        ("partner_lead_a", "Disagree", "Monthly is too slow for the summer programme."),
    ]:
        voter = log_in(chromium, live_server, persona)
        voter.goto(f"{url}/i/alpha/my-work/")
        waiting = voter.get_by_role("region", name="Decisions waiting for your vote")
        waiting.get_by_role("link", name="Move the network to monthly meetings").click()
        voter.get_by_label(choice, exact=True).check()
        if reason:
            voter.get_by_label("Your reason").fill(reason)
        if persona == "partner_lead_a":
            screenshot(voter, "decision-vote-form")
        voter.get_by_role("button", name="Cast my vote").click()
        expect(voter.get_by_role("status")).to_contain_text("Your vote is recorded")
        expect(voter.get_by_text(f"You voted {choice.lower()}.")).to_be_visible()
        voter.context.close()

    # --- the facilitator closes it with a review date ----------------------------------------
    facilitator.reload()
    votes = facilitator.get_by_role("table", name="Eligible voters and their votes")
    expect(votes).to_contain_text("Monthly is too slow for the summer programme.")
    expect(
        facilitator.get_by_text("If it closed now, the outcome would be: Adopted.")
    ).to_be_visible()
    review = timezone.localdate() + timedelta(days=180)
    facilitator.get_by_label("Reasons for the outcome").fill(
        "The concern about the summer is met by the working groups meeting in between."
    )
    facilitator.get_by_label("Review on").fill(review.isoformat())
    screenshot(facilitator, "decision-before-close")
    facilitator.get_by_role("button", name="Close and record the outcome").click()
    expect(facilitator.get_by_role("status")).to_contain_text("The decision is closed: adopted.")
    outcome = facilitator.get_by_role("region", name="Outcome")
    expect(outcome).to_contain_text("Adopted — 2 votes of 3 eligible voters.")
    expect(outcome).to_contain_text(f"It comes back for review on {review.isoformat()}.")
    expect(facilitator.get_by_role("button", name="Cast my vote")).to_have_count(0)
    history = facilitator.get_by_role("region", name="History")
    expect(history).to_contain_text("Steering voted agree")
    expect(history).to_contain_text("Facilitator closed it: adopted")

    # --- and gives a partner's reporter an action item ---------------------------------------
    facilitator.get_by_role("link", name="Add an action item").click()
    facilitator.get_by_label("What is to be done").fill("Send the new calendar to the partners")
    facilitator.get_by_label("Owner").select_option(label="Reporter A")
    facilitator.get_by_label("Due on").fill((timezone.localdate() + timedelta(days=5)).isoformat())
    facilitator.get_by_role("button", name="Add the action item").click()
    expect(facilitator.get_by_role("status")).to_contain_text("is on Reporter A's list")
    items = facilitator.get_by_role("region", name="Action items")
    expect(items).to_contain_text("Send the new calendar to the partners")
    screenshot(facilitator, "decision-closed")

    # --- the owner finds it on "My work" and marks it done -----------------------------------
    owner = log_in(chromium, live_server, "reporter_a")
    owner.goto(f"{url}/i/alpha/my-work/")
    mine = owner.get_by_role("table", name="Your open action items")
    expect(mine).to_contain_text("Send the new calendar to the partners")
    expect(mine).to_contain_text("Move the network to monthly meetings")
    screenshot(owner, "my-work")
    mine.get_by_role("button", name=re.compile("Mark done")).click()
    expect(owner.get_by_role("status")).to_contain_text("done")
    expect(owner.get_by_text("Nothing on your list.")).to_be_visible()
    assert ActionItem.objects.get().status == "done"

    # --- the lists the backbone reads ----------------------------------------------------------
    facilitator.goto(f"{url}/i/alpha/action-items/?show=all")
    expect(facilitator.get_by_role("table", name="Action items")).to_contain_text("Done")
    screenshot(facilitator, "action-items")
    facilitator.goto(f"{url}/i/alpha/decisions/")
    screenshot(facilitator, "decision-list")
    facilitator.goto(f"{url}/i/alpha/engagement/")
    expect(facilitator.get_by_role("heading", level=1)).to_have_text("Engagement")
    expect(
        facilitator.get_by_role("table", name="People absent several meetings in a row")
    ).to_contain_text("Reporter B")
    screenshot(facilitator, "engagement")
    assert facilitator.console_errors == []
    assert owner.console_errors == []
