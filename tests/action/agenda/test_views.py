"""The common agenda's pages through the client: reading, drafting, proposing, signing, the
public page; form errors for bad input; queries that stay flat as partners and versions grow."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from commonground.action.agenda import services
from commonground.action.models import AgendaVersion, CharterSignature, Goal, Strategy
from commonground.convening.models import Decision
from commonground.initiatives.models import Organization, Partnership
from commonground.measurement.models import ReportingAssignment
from tests.action.agenda.agenda_world import TEXTS, adopt, agenda, indicator

Status = AgendaVersion.Status


def url(name, *args, **query):
    address = reverse(name, args=["alpha", *args])
    if query:
        address += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return address


@pytest.fixture
def adopted(world):
    return adopt(world, agenda(world))


def second_version(world, **changes):
    """Version 2 adopted: a new vision, goal ``attend`` retired, goal ``graduate`` added."""
    lead = world.users["lead"]
    draft = services.start_draft(actor=lead, initiative=world.alpha)
    texts = {**TEXTS, "vision": "Every child thrives, from cradle to career.", **changes}
    services.update_draft(actor=lead, version=draft, change_summary="A wider vision.", **texts)
    services.retire_goal(actor=lead, goal=world.attend)
    services.add_goal(actor=lead, initiative=world.alpha, code="graduate", title="Graduate on time")
    return adopt(world, draft)


def test_the_agenda_page_shows_the_adopted_version(world, adopted):
    response = world.client("viewer").get(url("agenda"))
    page = response.content.decode()
    assert "Version 1, adopted by the steering committee" in page
    assert (
        "Every child reads by grade 3" in page and "Reading tutors in every K-3 classroom" in page
    )
    assert "Long-term goals" in page and "Short-term wins" in page
    assert 'href="/i/alpha/indicators/reading/"' in page
    assert "Start a new draft" not in page and "Continue the draft" not in page


def test_before_anything_is_adopted_the_page_says_what_to_do(world):
    lead = world.client("lead").get(url("agenda")).content.decode()
    assert "No version of the common agenda has been adopted yet" in lead
    assert "Start the first draft" in lead
    viewer = world.client("viewer").get(url("agenda")).content.decode()
    assert "The backbone drafts it" in viewer


def test_a_partner_lead_is_asked_to_sign_and_then_sees_its_signature(world, adopted):
    client = world.client("partner_lead_a")
    assert "Sign version 1" in client.get(url("agenda")).content.decode()
    services.sign_charter(
        actor=world.users["partner_lead_a"], partnership=world.partners["a"], version=adopted
    )
    assert "Signed for version 1" in client.get(url("agenda")).content.decode()


def test_the_lead_drafts_adds_goals_and_strategies_and_proposes(world):
    client = world.client("lead")
    world.reading = indicator(world.alpha, "reading", "Grade 3 reading")
    assert client.post(url("agenda_draft_start")).status_code == 302
    response = client.post(url("agenda_draft"), {**TEXTS, "change_summary": ""})
    assert response.status_code == 302
    response = client.post(
        url("agenda_goal_add"),
        {
            "code": "read",
            "title": "Every child reads",
            "horizon": "long_term",
            "indicators": ["reading"],
        },
    )
    assert response.status_code == 302
    goal = Goal.objects.get(code="read")
    assert list(goal.indicators.all()) == [world.reading]
    response = client.post(
        url("agenda_strategy_add", "read"), {"code": "tutors", "title": "Tutors"}
    )
    assert response.status_code == 302 and Strategy.objects.get(code="tutors").goal == goal
    closes = (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        url("agenda_propose"),
        {"closes_at": closes, "method": "consent", "quorum_percent": "50"},
    )
    assert response.status_code == 302
    decision = Decision.objects.get()
    page = client.get(url("agenda")).content.decode()
    assert "Version 1 is before the steering committee" in page
    assert reverse("decision_detail", args=["alpha", decision.pk]) in page


def test_a_duplicate_goal_code_is_shown_next_to_the_field(world):
    agenda(world)
    response = world.client("lead").post(
        url("agenda_goal_add"), {"code": "read", "title": "Again", "horizon": "long_term"}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["code"] == [
        "The code 'read' is already used in this initiative."
    ]


def test_editing_goals_without_a_draft_says_why(world, adopted):
    response = world.client("lead").post(
        url("agenda_goal", "read"), {"title": "Changed", "horizon": "long_term"}
    )
    assert response.status_code == 400
    assert "start a draft of a new version" in response.content.decode()
    assert Goal.objects.get(code="read").title == "Every child reads by grade 3"


def test_proposing_an_incomplete_draft_shows_what_is_missing(world):
    client = world.client("lead")
    client.post(url("agenda_draft_start"))
    page = client.get(url("agenda_propose")).content.decode()
    assert "a problem statement, a vision, at least one goal" in page
    closes = (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        url("agenda_propose"), {"closes_at": closes, "method": "consent", "quorum_percent": "50"}
    )
    assert response.status_code == 400
    assert AgendaVersion.objects.get().status == Status.DRAFT


def test_signing_through_the_charter_page(world, adopted):
    client = world.client("partner_lead_a")
    page = client.get(url("agenda_charter", "a")).content.decode()
    assert "Sign version 1" in page
    response = client.post(
        url("agenda_charter", "a"),
        {"money": "5000", "staff_hours": "40", "data_indicators": ["reading"]},
    )
    assert response.status_code == 302
    signature = CharterSignature.objects.get()
    assert (signature.partnership, signature.money) == (world.partners["a"], 5000)
    page = client.get(url("agenda_charter", "a")).content.decode()
    assert "Signed version 1 of the common agenda on" in page and "$5,000 a year" in page


def test_a_first_signature_offers_the_indicators_the_partner_reports(world, adopted):
    ReportingAssignment.objects.create(indicator=world.reading, partnership=world.partners["a"])
    form = world.client("partner_lead_a").get(url("agenda_charter", "a")).context["form"]
    assert form["data_indicators"].value() == ["reading"]
    checked = [w for w in form["data_indicators"].subwidgets if w.data["selected"]]
    assert [w.data["value"] for w in checked] == ["reading"]


def test_others_see_a_partners_charter_without_the_form(world, adopted):
    page = world.client("funder").get(url("agenda_charter", "a")).content.decode()
    assert "Charter of Alpha Schools" in page and "<form" not in page.split("<main")[1]


def test_the_overview_shows_who_has_not_signed_again(world, adopted):
    lead = world.users["lead"]
    for code in ("a", "b"):
        services.sign_charter(actor=lead, partnership=world.partners[code], version=adopted)
    second = second_version(world)
    services.sign_charter(actor=lead, partnership=world.partners["a"], version=second)
    response = world.client("viewer").get(url("agenda_signatures"))
    overview = response.context["overview"]
    states = {p.partnership.code: p.state for p in overview.partners}
    assert states == {"a": "signed", "b": "not_resigned"}
    assert "Not signed again" in response.content.decode()


def test_the_overview_takes_the_same_queries_for_more_partners(
    world, adopted, django_assert_max_num_queries
):
    client = world.client("lead")
    with django_assert_max_num_queries(40) as few:
        client.get(url("agenda_signatures"))
    for n in range(15):
        org = Organization.objects.create(name=f"Partner {n}", sector="nonprofit")
        partner = Partnership.objects.create(initiative=world.alpha, organization=org, code=f"p{n}")
        services.sign_charter(actor=world.users["lead"], partnership=partner, version=adopted)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url("agenda_signatures"))
    assert len(response.context["overview"].partners) == 17


def test_the_versions_list_takes_the_same_queries_for_more_versions(
    world, adopted, django_assert_max_num_queries
):
    client = world.client("viewer")
    with django_assert_max_num_queries(40) as few:
        client.get(url("agenda_versions"))
    second_version(world)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url("agenda_versions")).content.decode()
    assert "A wider vision." in page and "with version 1" in page


def test_compare_shows_each_change(world, adopted):
    second_version(world)
    page = world.client("viewer").get(url("agenda_compare", **{"from": 1, "to": 2})).content
    page = page.decode()
    assert "From version 1 to version 2" in page
    assert "<del><span" in page and "thrives" in page  # the reworded vision, word by word
    assert "Graduate on time" in page and "Cut chronic absence by a quarter" in page
    assert "1 goal added" in page and "1 goal removed" in page


def test_compare_without_numbers_compares_the_adopted_with_the_draft(world, adopted):
    services.start_draft(actor=world.users["lead"], initiative=world.alpha)
    response = world.client("viewer").get(url("agenda_compare"))
    assert (response.context["old"].number, response.context["new"].number) == (1, 2)
    assert "The two versions say the same thing." in response.content.decode()


@pytest.mark.parametrize("query", [{"from": 9, "to": 1}, {"from": "x"}])
def test_compare_with_an_unknown_version_is_not_found(world, adopted, query):
    services.start_draft(actor=world.users["lead"], initiative=world.alpha)
    assert world.client("viewer").get(url("agenda_compare", **query)).status_code == 404


def test_with_one_version_there_is_nothing_to_compare(world, adopted):
    page = world.client("viewer").get(url("agenda_compare")).content.decode()
    assert "nothing to compare yet" in page


def test_a_draft_reads_with_the_live_goals(world, adopted):
    services.start_draft(actor=world.users["lead"], initiative=world.alpha)
    services.add_goal(
        actor=world.users["lead"], initiative=world.alpha, code="new", title="A brand new goal"
    )
    assert (
        "A brand new goal" in world.client("viewer").get(url("agenda_version", 2)).content.decode()
    )
    assert "A brand new goal" not in world.client("viewer").get(url("agenda")).content.decode()


def test_the_public_page_shows_the_adopted_version_and_published_indicators_only(world, adopted):
    services.start_draft(actor=world.users["lead"], initiative=world.alpha)
    services.add_goal(
        actor=world.users["lead"], initiative=world.alpha, code="new", title="A draft goal"
    )
    page = world.client("anonymous").get(reverse("public_agenda", args=["alpha"])).content
    page = page.decode()
    assert "Every child reads by grade 3" in page
    assert "A draft goal" not in page
    assert "Grade 3 reading" in page  # published
    assert "Chronic absence" not in page  # not published
    assert 'href="/public/alpha/indicators/reading/"' in page


def test_a_public_initiative_without_an_adopted_agenda_says_so(world):
    agenda(world)
    page = world.client("anonymous").get(reverse("public_agenda", args=["alpha"])).content
    assert b"have not adopted their common agenda yet" in page
    assert b"Every child reads" not in page


def test_a_private_initiative_has_no_public_agenda(world):
    assert world.client("anonymous").get(reverse("public_agenda", args=["beta"])).status_code == 404
