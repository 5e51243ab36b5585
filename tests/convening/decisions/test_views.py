"""The decision, action-item, "My work" and engagement pages through the test client."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from commonground.convening.models import ActionItem, Decision, Vote
from commonground.convening.services import action_items as items
from commonground.convening.services import decisions as services
from tests.convening.decisions.helpers import add_item, local, occurrence, open_decision

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(name, args=["alpha", *args])


def count_queries(client, path):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured)


# --- decisions ---------------------------------------------------------------------------


def test_list_shows_open_decisions_first_and_asks_for_my_vote(world):
    closed = open_decision(world, title="Closed one")
    services.close_decision(actor=world.users["facilitator"], decision=closed)
    later = open_decision(world, title="Closes later", closes_in=timedelta(days=9))
    sooner = open_decision(world, title="Closes sooner", closes_in=timedelta(days=1))
    response = world.client("steering").get(url("decision_list"))
    titles = [d.title for d in response.context["decisions"]]
    assert titles == ["Closes sooner", "Closes later", "Closed one"]
    html = response.content.decode()
    assert html.count("your vote is asked") == 2
    assert sooner and later


def test_empty_list_says_what_to_do(world):
    html = world.client("facilitator").get(url("decision_list")).content.decode()
    assert "No decision yet. Open one" in html
    assert 'href="/i/alpha/decisions/new/"' in html
    html = world.client("viewer").get(url("decision_list")).content.decode()
    assert "When a facilitator puts a proposal to a vote" in html
    assert "/decisions/new/" not in html


def test_list_query_count_is_flat(world):
    open_decision(world)
    client = world.client("steering")
    before = count_queries(client, url("decision_list"))
    for n in range(6):
        decision = open_decision(world, title=f"Decision {n}")
        services.cast_vote(actor=world.users["steering"], decision=decision, choice="agree")
    assert count_queries(client, url("decision_list")) == before


def test_open_a_decision_for_the_steering_committee(world):
    response = world.client("facilitator").post(
        url("decision_create"),
        {
            "title": "Meet monthly",
            "proposal": "The network meets **monthly**.",
            "method": "vote",
            "closes_at": "2099-01-01T17:00",
            "quorum_percent": "60",
            "body": "",
            "voters_from": "steering",
        },
    )
    decision = Decision.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("decision_detail", decision.pk)
    assert (decision.method, decision.quorum_percent) == ("vote", 60)
    assert [u.username for u in decision.eligible_voters.all()] == ["steering"]


def test_open_form_errors_are_shown_next_to_the_fields(world):
    client = world.client("facilitator")
    response = client.post(
        url("decision_create"),
        {
            "title": "Meet monthly",
            "proposal": "Monthly.",
            "method": "consent",
            "closes_at": "2001-01-01T17:00",
            "quorum_percent": "50",
            "voters_from": "chosen",
            "eligible_voters": [world.users["steering"].pk],
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "closes_at": ["The closing time must be in the future."]
    }
    response = client.post(
        url("decision_create"),
        {
            "title": "Meet monthly",
            "proposal": "Monthly.",
            "method": "consent",
            "closes_at": "2099-01-01T17:00",
            "quorum_percent": "50",
            "voters_from": "body",
        },
    )
    assert response.context["form"].errors == {"body": ["Choose the body whose members vote."]}
    assert not Decision.objects.exists()


def test_detail_shows_the_proposal_votes_reasons_and_history(world):
    decision = open_decision(
        world, proposal="We **adopt** it.<script>alert(1)</script>", voters=("steering", "lead")
    )
    services.cast_vote(
        actor=world.users["steering"], decision=decision, choice="disagree", reason="Costly."
    )
    response = world.client("reporter_b").get(url("decision_detail", decision.pk))
    html = response.content.decode()
    assert "<strong>adopt</strong>" in html
    assert "<script>alert" not in html
    assert "Costly." in html
    assert "1 of 2 eligible voters voted (1 needed for the quorum)." in html
    assert [line.what for line in response.context["history"]] == [
        "opened the decision",
        "voted disagree",
    ]
    # Not a voter, not a facilitator: neither the vote form nor the close form.
    assert not response.context["may_vote"] and not response.context["may_run"]
    assert "Cast my vote" not in html and "Close and record" not in html


def test_another_initiatives_decision_is_not_found(world):
    decision = open_decision(world)
    Decision.objects.filter(pk=decision.pk).update(initiative=world.beta)
    assert world.client("lead").get(url("decision_detail", decision.pk)).status_code == 404


def test_vote_form_errors_and_changes(world):
    decision = open_decision(world)
    client = world.client("steering")
    page = client.get(url("decision_detail", decision.pk)).content.decode()
    assert "Cast my vote" in page
    response = client.post(url("decision_vote", decision.pk), {"choice": "block", "reason": ""})
    assert response.status_code == 200
    assert response.context["vote_form"].errors == {
        "reason": ["Say why you block: a block needs a stated reason."]
    }
    assert not Vote.objects.exists()
    client.post(url("decision_vote", decision.pk), {"choice": "agree"})
    response = client.post(url("decision_vote", decision.pk), {"choice": "abstain"})
    assert response.status_code == 302
    assert Vote.objects.get().choice == "abstain"
    page = client.get(url("decision_detail", decision.pk)).content.decode()
    assert "You voted abstain." in page and "Change my vote" in page


def test_close_with_a_review_date_and_see_the_outcome(world):
    decision = open_decision(world, voters=("steering", "lead"))
    services.cast_vote(actor=world.users["steering"], decision=decision, choice="agree")
    client = world.client("facilitator")
    response = client.post(
        url("decision_close", decision.pk),
        {"outcome_reason": "", "review_on": timezone.localdate().isoformat()},
    )
    assert response.context["close_form"].errors == {
        "review_on": ["The review date must be after today."]
    }
    review = timezone.localdate() + timedelta(days=180)
    response = client.post(
        url("decision_close", decision.pk),
        {"outcome_reason": "Agreed without objection.", "review_on": review.isoformat()},
        follow=True,
    )
    html = response.content.decode()
    assert "The decision is closed: adopted." in html
    assert "Agreed without objection." in html
    assert f"It comes back for review on {review.isoformat()}." in html
    # A closed decision takes no vote: no form, and a post is refused with a message.
    response = world.client("lead").post(
        url("decision_vote", decision.pk), {"choice": "agree"}, follow=True
    )
    html = response.content.decode()
    assert "This decision is closed: it takes no more votes." in html
    assert "Cast my vote" not in html
    assert Vote.objects.count() == 1


def test_withdraw(world):
    decision = open_decision(world)
    response = world.client("facilitator").post(
        url("decision_withdraw", decision.pk), {"reason": ""}
    )
    assert response.context["withdraw_form"].errors == {"reason": ["This field is required."]}
    world.client("facilitator").post(url("decision_withdraw", decision.pk), {"reason": "Redo."})
    decision.refresh_from_db()
    assert decision.status == "withdrawn"


# --- action items and my work --------------------------------------------------------------


def test_create_an_action_item_from_a_decision_and_the_owner_sees_it(world):
    decision = open_decision(world)
    client = world.client("facilitator")
    form = client.get(url("action_item_create") + f"?decision={decision.pk}")
    assert form.context["form"]["decision"].value() == str(decision.pk)
    response = client.post(
        url("action_item_create"),
        {
            "title": "Write to the families",
            "description": "",
            "owner": world.users["reporter_a"].pk,
            "due_on": "2099-02-01",
            "decision": decision.pk,
            "occurrence": "",
        },
    )
    assert response["Location"] == url("decision_detail", decision.pk)
    page = world.client("reporter_a").get(url("my_work")).content.decode()
    assert "Write to the families" in page
    assert "Adopt the literacy strategy" in page  # the decision it came from


def test_create_form_needs_a_source(world):
    response = world.client("facilitator").post(
        url("action_item_create"),
        {"title": "Something", "owner": world.users["reporter_a"].pk, "due_on": "2099-02-01"},
    )
    assert response.context["form"].errors == {
        "decision": ["An action item comes out of a meeting or a decision: name one."]
    }
    assert not ActionItem.objects.exists()


@pytest.fixture
def meeting(world):
    return occurrence(world.alpha, local(2030, 1, 10))


def test_my_work_lists_overdue_first_and_votes_waiting(world, meeting):
    today = timezone.localdate()
    add_item(world, meeting, "Next week", today + timedelta(days=7))
    add_item(world, meeting, "Overdue", today - timedelta(days=3))
    add_item(world, meeting, "Someone else's", today, owner="reporter_b")
    waiting = open_decision(world, voters=("reporter_a", "steering"), title="Vote on me")
    voted = open_decision(world, voters=("reporter_a",), title="Already voted")
    services.cast_vote(actor=world.users["reporter_a"], decision=voted, choice="agree")
    response = world.client("reporter_a").get(url("my_work"))
    assert [i.title for i in response.context["items"]] == ["Overdue", "Next week"]
    assert list(response.context["awaiting"]) == [waiting]
    html = response.content.decode()
    assert 'class="is-overdue"' in html
    assert "Already voted" in html


def test_my_work_empty_states(world):
    html = world.client("viewer").get(url("my_work")).content.decode()
    assert "No vote is waiting for you." in html
    assert "Nothing on your list." in html


def test_my_work_query_count_is_flat(world, meeting):
    client = world.client("reporter_a")
    add_item(world, meeting, "First", date(2099, 1, 1))
    open_decision(world, voters=("reporter_a",))
    before = count_queries(client, url("my_work"))
    for n in range(5):
        add_item(world, meeting, f"Item {n}", date(2099, 1, 2))
        open_decision(world, voters=("reporter_a",), title=f"Decision {n}")
    assert count_queries(client, url("my_work")) == before


def test_the_owner_marks_an_item_done_from_my_work(world, meeting):
    item = add_item(world, meeting, "Send it", date(2099, 1, 1))
    response = world.client("reporter_a").post(
        url("action_item_status", item.pk), {"status": "done", "next": url("my_work")}
    )
    assert response["Location"] == url("my_work")
    item.refresh_from_db()
    assert item.status == "done"


def test_status_change_ignores_a_foreign_next_address(world, meeting):
    item = add_item(world, meeting, "Send it", date(2099, 1, 1))
    response = world.client("reporter_a").post(
        url("action_item_status", item.pk),
        {"status": "in_progress", "next": "https://evil.example/"},
    )
    assert response["Location"] == url("my_work")


def test_action_item_list_filters_overdue(world, meeting):
    today = timezone.localdate()
    add_item(world, meeting, "Overdue one", today - timedelta(days=1))
    add_item(world, meeting, "Future one", today + timedelta(days=10))
    done = add_item(world, meeting, "Done one", today - timedelta(days=10))
    items.complete_action_item(actor=world.users["reporter_a"], item=done)
    client = world.client("viewer")

    def titles(show):
        response = client.get(url("action_item_list"), {"show": show})
        return [i.title for i in response.context["items"]]

    assert titles("open") == ["Overdue one", "Future one"]
    assert titles("overdue") == ["Overdue one"]
    assert titles("done") == ["Done one"]
    assert len(titles("all")) == 3
    html = client.get(url("action_item_list")).content.decode()
    assert "1 action item is overdue" in html
    assert "Add an action item" not in html  # the viewer cannot


def test_action_item_list_query_count_is_flat(world, meeting):
    client = world.client("facilitator")
    add_item(world, meeting, "First", date(2099, 1, 1))
    before = count_queries(client, url("action_item_list"))
    for n in range(6):
        add_item(world, meeting, f"Item {n}", date(2099, 1, 2), owner="reporter_b")
    assert count_queries(client, url("action_item_list")) == before


def test_edit_an_action_item(world, meeting):
    item = add_item(world, meeting, "Send it", date(2099, 1, 1))
    client = world.client("facilitator")
    assert (
        client.get(url("action_item_edit", item.pk)).context["form"]["title"].value() == "Send it"
    )
    response = client.post(
        url("action_item_edit", item.pk),
        {
            "title": "Send it today",
            "description": "",
            "owner": world.users["reporter_b"].pk,
            "due_on": "2099-01-05",
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.title, item.owner.username) == ("Send it today", "reporter_b")


# --- engagement --------------------------------------------------------------------------


def test_engagement_page(world):
    client = world.client("steering")
    html = client.get(url("engagement")).content.decode()
    assert "Attendance by partner" in html
    assert "Alpha Schools" in html
    response = client.get(url("engagement"), {"start": "2031-02-01", "end": "2031-01-01"})
    assert response.context["form"].errors == {"end": ["The end comes before the start."]}
    response = client.get(url("engagement"), {"start": "2031-01-01", "end": "2031-03-31"})
    figures = response.context["figures"]
    assert (figures.start, figures.end) == (date(2031, 1, 1), date(2031, 3, 31))
    assert [m.month for m in figures.decisions_by_month] == ["2031-01", "2031-02", "2031-03"]


def test_detail_query_count_is_flat_with_more_voters_and_votes(world):
    few = open_decision(world, voters=("steering",))
    services.cast_vote(actor=world.users["steering"], decision=few, choice="agree")
    many_voters = ("steering", "lead", "partner_lead_a", "reporter_a", "reporter_b", "funder")
    many = open_decision(world, voters=many_voters)
    for persona in many_voters:
        services.cast_vote(actor=world.users[persona], decision=many, choice="agree")
    client = world.client("viewer")
    assert count_queries(client, url("decision_detail", many.pk)) == count_queries(
        client, url("decision_detail", few.pk)
    )
