"""The network survey's pages through the client: rounds, answers, results, the comparison, and
what a partner may and may not see."""

from datetime import date

import pytest
from django.urls import reverse

from commonground.backbone.models import NetworkResponse, Relationship, Round
from commonground.backbone.network import services
from tests.backbone.network.world import (
    answer,
    closed_round_pk,
    network_round,
    partners,
    tie,
)


def url(name, *args):
    return reverse(name, args=["alpha", *args])


def answer_url(survey, code="a"):
    return url("network_answer", survey.pk, code)


def rated(partner, intensity="3", **ratings) -> dict:
    """The posted fields of one ticked row of the answer table."""
    fields = {"intensity": intensity} | dict.fromkeys(services.RATING_FIELDS[1:], "3")
    fields |= ratings
    return {f"p{partner.pk}-tie": "1"} | {f"p{partner.pk}-{k}": v for k, v in fields.items()}


# --- Rounds --------------------------------------------------------------------------------------


def test_empty_list_says_what_to_do(world):
    page = world.client("lead").get(url("network_rounds")).content.decode()
    assert "No network survey yet." in page and "Create a round" in page
    page = world.client("reporter_a").get(url("network_rounds")).content.decode()
    assert "The backbone lead opens a round" in page and "New round" not in page


def test_the_lead_creates_opens_and_closes_a_round(world):
    client = world.client("lead")
    response = client.post(
        url("network_round_create"),
        {"title": "Network survey 2026", "opens_on": "2026-03-02", "closes_on": "2026-03-27"},
    )
    survey = Round.objects.get(title="Network survey 2026")
    assert response.status_code == 302 and response["Location"] == url("network_results", survey.pk)
    page = client.get(url("network_results", survey.pk)).content.decode()
    assert "Open the round" in page and "not open yet" in page

    client.post(url("network_round_open", survey.pk))
    survey.refresh_from_db()
    assert survey.status == "open"
    page = client.get(url("network_results", survey.pk)).content.decode()
    assert "Close the round" in page and "0 of 2 partners have answered" in page
    assert f'href="{answer_url(survey, "b")}"' in page  # the lead may answer for any partner

    client.post(url("network_round_close", survey.pk))
    survey.refresh_from_db()
    assert survey.status == "closed"


def test_a_bad_round_shows_the_error_by_its_field(world):
    response = world.client("lead").post(
        url("network_round_create"),
        {"title": "Spring", "opens_on": "2026-03-02", "closes_on": "2026-03-01"},
    )
    assert response.status_code == 400
    assert (
        "The round cannot close before it opens." in response.context["form"].errors["closes_on"][0]
    )
    assert not Round.objects.exists()


def test_opening_a_second_round_says_why_not(world):
    network_round(world, title="Spring", status="open")
    autumn = network_round(world, title="Autumn", status="draft")
    client = world.client("lead")
    response = client.post(url("network_round_open", autumn.pk), follow=True)
    assert "“Spring” is still open" in response.content.decode()
    autumn.refresh_from_db()
    assert autumn.status == "draft"


def test_drafts_are_the_backbones_business(world):
    survey = network_round(world, title="Not yet", status="draft")
    assert "Not yet" in world.client("facilitator").get(url("network_rounds")).content.decode()
    assert "Not yet" not in world.client("viewer").get(url("network_rounds")).content.decode()
    assert world.client("viewer").get(url("network_results", survey.pk)).status_code == 404


def test_the_list_invites_a_partner_to_answer(world):
    survey = network_round(world, title="Spring", status="open")
    page = world.client("partner_lead_a").get(url("network_rounds")).content.decode()
    assert "Not answered" in page and f'href="{answer_url(survey)}"' in page
    # A reporter sees the state of its partner's answer but does not answer.
    page = world.client("reporter_a").get(url("network_rounds")).content.decode()
    assert "Not answered" in page and answer_url(survey) not in page


def test_round_list_queries_stay_flat(world, django_assert_max_num_queries):
    client = world.client("partner_lead_a")
    network_round(world, title="One", status="closed", opens_on=date(2024, 3, 1))
    with django_assert_max_num_queries(12) as few:
        client.get(url("network_rounds"))
    for year in (2025, 2026):
        network_round(world, title=f"R{year}", status="closed", opens_on=date(year, 3, 1))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url("network_rounds"))


# --- Answering -----------------------------------------------------------------------------------


def test_the_answer_page_lists_every_other_partner(world):
    survey = network_round(world, title="Spring", status="open")
    response = world.client("partner_lead_a").get(answer_url(survey))
    page = response.content.decode()
    assert "Who Alpha Schools works with" in page
    assert [row.partner.code for row in response.context["rows"]] == ["b"]
    b = world.partners["b"]
    assert f'name="p{b.pk}-tie"' in page and f'id="p{b.pk}-trust_mission"' in page
    assert "1 Awareness" in page and "4 Very" in page
    assert f'<label class="visually-hidden" for="p{b.pk}-intensity">' in page


def test_a_partner_lead_sends_an_answer(world):
    survey = network_round(world, title="Spring", status="open")
    b = world.partners["b"]
    client = world.client("partner_lead_a")
    response = client.post(
        answer_url(survey), rated(b, "4", value_resources="1") | {"action": "save"}
    )
    assert response.status_code == 302 and response["Location"] == answer_url(survey)
    saved = Relationship.objects.get()
    assert (saved.partner, saved.intensity, saved.value_resources) == (b, 4, 1)
    assert NetworkResponse.objects.get(partnership=world.partners["a"]).submitted_at is None
    page = client.get(answer_url(survey)).content.decode()
    assert "Draft saved, not sent yet" in page
    assert f'name="p{b.pk}-tie" value="1" checked' in page

    response = client.post(answer_url(survey), rated(b, "2") | {"action": "submit"}, follow=True)
    assert "Your answers for Alpha Schools were sent" in response.content.decode()
    assert Relationship.objects.get().intensity == 2
    page = client.get(answer_url(survey)).content.decode()
    assert "Send the changes" in page and "Save a draft" not in page


def test_a_missing_rating_is_shown_next_to_its_field(world):
    survey = network_round(world, title="Spring", status="open")
    b = world.partners["b"]
    response = world.client("partner_lead_a").post(
        answer_url(survey), rated(b, trust_reliability="") | {"action": "submit"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Nothing was saved." in page and "Bright Futures Nonprofit: choose 1 to 4" in page
    assert f'aria-invalid="true" aria-describedby="p{b.pk}-trust_reliability-error"' in page
    # What was entered is still there.
    assert '<option value="3" selected>3 Fairly</option>' in page
    assert not Relationship.objects.exists()


def test_ratings_without_a_tick_are_not_dropped_silently(world):
    survey = network_round(world, title="Spring", status="open")
    b = world.partners["b"]
    data = rated(b)
    del data[f"p{b.pk}-tie"]
    response = world.client("partner_lead_a").post(answer_url(survey), data | {"action": "submit"})
    assert response.status_code == 400
    assert "“we work together” is not ticked" in response.content.decode()
    assert not NetworkResponse.objects.exclude(respondent=None).exists()


def test_a_closed_round_shows_the_answer_read_only(world):
    survey = Round.objects.get(pk=closed_round_pk(world))
    client = world.client("partner_lead_a")
    page = client.get(answer_url(survey)).content.decode()
    assert "This round is closed to answers." in page and "Send the" not in page
    assert " disabled" in page
    response = client.post(answer_url(survey), {"action": "submit"})
    assert response.status_code == 400
    assert "This round is not open for answers." in response.content.decode()


def test_answer_page_queries_stay_flat(world, django_assert_max_num_queries):
    partners(world, 3)
    survey = network_round(world, title="Spring", status="open")
    client = world.client("partner_lead_a")
    with django_assert_max_num_queries(12) as few:
        client.get(answer_url(survey))
    partners(world, 100)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(answer_url(survey))
    assert len(response.context["rows"]) == 101


def test_a_hundred_partners_can_be_answered_in_one_post(world):
    many = partners(world, 100)
    survey = network_round(world, title="Spring", status="open")
    data = {"action": "submit"}
    for partner in many[::10]:
        data |= rated(partner)
    # Every other row posts its seven empty selects, as a browser does.
    for partner in [world.partners["b"], *many]:
        for name in services.RATING_FIELDS:
            data.setdefault(f"p{partner.pk}-{name}", "")
    response = world.client("partner_lead_a").post(answer_url(survey), data)
    assert response.status_code == 302
    assert Relationship.objects.count() == 10


# --- Results -------------------------------------------------------------------------------------


@pytest.fixture
def spring(world):
    """A closed round: A and B named each other and p1, p2 named A; the threshold k is 3."""
    p1, p2 = partners(world, 2)
    survey = network_round(world, title="Spring", status="open")
    a, b = world.partners["a"], world.partners["b"]
    answer(world, survey, a, [tie(b, 4)])
    answer(world, survey, b, [tie(a, 3, trust_openness=1)])
    answer(world, survey, p1, [tie(a, 2)])
    answer(world, survey, p2, [tie(a, 2)])
    world.alpha.suppression_threshold = 3
    world.alpha.save()
    return network_round(world, title="Spring", status="closed")


def test_the_backbone_sees_everything(world, spring):
    response = world.client("data_manager").get(url("network_results", spring.pk))
    page = response.content.decode()
    for name in ("Alpha Schools", "Bright Futures Nonprofit", "Partner 001", "Partner 002"):
        assert name in page
    assert '<svg class="network-svg"' in page
    assert "Brokers" in page and "would be cut off from the rest" in page
    assert "4 of 4" in page and "Density" in page and "50%" in page  # 3 ties of 6


def test_a_partner_sees_its_own_scores_from_k_raters_and_nobody_elses(world, spring):
    response = world.client("reporter_a").get(url("network_results", spring.pk))
    page = response.content.decode()
    assert response.status_code == 200
    assert "How partners see Alpha Schools" in page
    assert "Rated by" in page and "3 partners" in page
    for name in ("Bright Futures Nonprofit", "Partner 001", "Partner 002", "<svg"):
        assert name not in page
    assert "Density" in page  # 4 answered ≥ k = 3


def test_below_k_a_partner_sees_nothing_of_its_scores(world, spring):
    page = world.client("reporter_b").get(url("network_results", spring.pk)).content.decode()
    # B was rated by A alone.
    assert "Fewer than 3 partners rated Bright Futures Nonprofit" in page
    assert "Alpha Schools" not in page


def test_with_fewer_than_k_answers_partners_see_no_network_figure(world, spring):
    world.alpha.suppression_threshold = 10
    world.alpha.save()
    page = world.client("partner_lead_a").get(url("network_results", spring.pk)).content.decode()
    assert "which need answers from at least 10 partners besides yours" in page
    assert "Density" not in page
    assert "Fewer than 10 partners rated Alpha Schools" in page


def test_while_open_partners_see_only_progress(world):
    survey = network_round(world, title="Spring", status="open")
    answer(world, survey, world.partners["b"], [tie(world.partners["a"])])
    page = world.client("partner_lead_a").get(url("network_results", survey.pk)).content.decode()
    assert "1 of 2 partners has answered so far" in page
    assert "Answer for Alpha Schools" in page


def test_results_queries_stay_flat(world, spring, django_assert_max_num_queries):
    client = world.client("lead")
    with django_assert_max_num_queries(14) as few:
        client.get(url("network_results", spring.pk))
    later = network_round(world, title="Later", status="open", opens_on=date(2026, 9, 1))
    more = partners(world, 40)
    for partner in more:
        answer(
            world,
            later,
            partner,
            [tie(world.partners["a"]), tie(more[0])] if partner != more[0] else [],
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url("network_results", later.pk))
    assert len(response.context["results"].partners) == 42  # A, B and p1…p40


# --- Comparison ----------------------------------------------------------------------------------


def test_the_comparison_defaults_to_the_latest_two_rounds(world, spring):
    autumn = network_round(world, title="Autumn", status="open", opens_on=date(2026, 9, 1))
    a, b = world.partners["a"], world.partners["b"]
    answer(world, autumn, a, [tie(b, 4)])
    answer(world, autumn, b, [])
    client = world.client("facilitator")
    results_page = client.get(url("network_results", autumn.pk)).content.decode()
    link = f"{url('network_compare')}?before={spring.pk}&amp;after={autumn.pk}"
    assert link in results_page

    response = client.get(url("network_compare"))
    assert response.context["before"] == spring and response.context["after"] == autumn
    page = response.content.decode()
    assert "New ties" in page and "No new ties." in page
    assert "Lost ties" in page and "named by Partner 001 (2 Cooperation)" in page
    assert "−33 points" in page  # density 3 of 6 → 1 of 6

    same = client.get(url("network_compare") + f"?before={spring.pk}&after={spring.pk}")
    assert "Choose two different rounds." in same.content.decode()


def test_comparison_needs_two_rounds(world):
    page = world.client("lead").get(url("network_compare")).content.decode()
    assert "A comparison needs two rounds" in page
