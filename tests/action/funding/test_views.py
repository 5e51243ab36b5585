"""The funding page and the grant forms, through the client."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from commonground.action.funding.alignment import leverage_for
from commonground.action.models import Grant
from commonground.core.models import AuditEvent
from tests.action.funding.world import FY2024, fund, grant, strategy
from tests.permissions.pages_funding import NEW_GRANT


@pytest.fixture
def the_fund(world):
    return fund(world)


def funding_url(year="FY2024"):
    return reverse("funding", args=["alpha"]) + f"?year={year}"


def form(**changes):
    """The permission matrix's grant (25,000 dollars in FY2024 for "tutoring"), changed."""
    fields = {name: value for name, value in NEW_GRANT.items() if name != "funder"}
    return {**fields, **changes}


def test_the_page_shows_the_shares_by_strategy_and_funder(world, the_fund):
    tutoring = strategy(world.alpha, "tutoring")
    strategy(world.alpha, "home-visits")
    grant(world.alpha, the_fund, amount="220000", starts_on=FY2024[0], ends_on=FY2024[1],
          strategies=[tutoring], title="Tutors for every school")  # fmt: skip
    grant(world.alpha, world.partners["b"], amount="80000", starts_on=FY2024[0],
          ends_on=FY2024[1], title="Operating support")  # fmt: skip
    page = world.client("viewer").get(funding_url()).content.decode()
    assert "73.3%" in page
    assert "$220,000 of $300,000" in page
    assert "Tutors for every school" in page and "none: not aligned" in page
    assert "no money this year" in page  # home visits
    assert "Not available" in page  # alpha has no backbone budget
    assert "Record a grant" not in page


def test_an_empty_year_says_what_to_do(world, the_fund):
    page = world.client("funder").get(funding_url("FY2030")).content.decode()
    assert "No grants or commitments run in FY2030." in page
    assert "Record a grant" in page
    assert "The common agenda has no strategies yet" in page


def test_a_funder_records_a_grant_for_its_own_partner_only(world, the_fund):
    strategy(world.alpha, "tutoring")
    client = world.client("funder")
    page = client.get(reverse("grant_create", args=["alpha"])).content.decode()
    assert 'name="funder"' not in page
    assert "A grant or funding commitment of Alpha Community Fund" in page
    response = client.post(reverse("grant_create", args=["alpha"]), form(funder="b"))
    assert response.status_code == 302
    made = Grant.objects.get()
    assert (made.funder, made.amount) == (the_fund, Decimal("25000.00"))
    assert [s.code for s in made.strategies.all()] == ["tutoring"]


def test_the_lead_chooses_the_funder(world, the_fund):
    client = world.client("lead")
    assert 'name="funder"' in client.get(reverse("grant_create", args=["alpha"])).content.decode()
    response = client.post(reverse("grant_create", args=["alpha"]), form(funder="b", strategies=[]))
    assert response.status_code == 302
    assert Grant.objects.get().funder == world.partners["b"]


def test_a_funder_without_a_partner_is_told_to_ask_the_backbone(world):
    client = world.client("funder")
    page = client.get(reverse("grant_create", args=["alpha"])).content.decode()
    assert "does not name the funder you act for" in page
    assert '<form method="post" class' not in page
    strategy(world.alpha, "tutoring")
    assert client.post(reverse("grant_create", args=["alpha"]), form()).status_code == 400
    assert not Grant.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"amount": "0"}, "amount", "more than zero dollars"),
        ({"ends_on": "2024-06-30"}, "ends_on", "ends (2024-06-30) before it starts"),
        ({"title": " "}, "title", "This field is required"),
    ],
)
def test_refusals_are_shown_next_to_the_field_and_nothing_is_saved(
    world, the_fund, changes, field, message
):
    strategy(world.alpha, "tutoring")
    events = AuditEvent.objects.count()
    response = world.client("funder").post(reverse("grant_create", args=["alpha"]), form(**changes))
    assert response.status_code == 400
    assert message in response.context["form"].errors[field][0]
    assert message in response.content.decode()
    assert not Grant.objects.exists()
    assert AuditEvent.objects.count() == events


def test_another_initiatives_strategy_is_not_a_choice(world, the_fund):
    strategy(world.beta, "theirs")
    response = world.client("lead").post(
        reverse("grant_create", args=["alpha"]), form(funder="fund", strategies=["theirs"])
    )
    assert response.status_code == 400
    assert "strategies" in response.context["form"].errors
    assert not Grant.objects.exists()


def test_editing_shows_the_grant_and_saves_changes(world, the_fund):
    tutoring = strategy(world.alpha, "tutoring")
    made = grant(world.alpha, the_fund, amount="100", starts_on=FY2024[0], ends_on=FY2024[1],
                 strategies=[tutoring], title="Old title")  # fmt: skip
    client = world.client("funder")
    url = reverse("grant_edit", args=["alpha", made.pk])
    page = client.get(url).content.decode()
    assert 'value="Old title"' in page and "Remove this grant" in page
    assert client.post(url, form(title="New title")).status_code == 302
    made.refresh_from_db()
    assert (made.title, made.amount) == ("New title", Decimal("25000.00"))


def test_the_funding_page_reads_a_fixed_number_of_queries(world, the_fund):
    tutoring, visits = strategy(world.alpha, "tutoring"), strategy(world.alpha, "visits")
    client = world.client("lead")

    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(funding_url()).status_code == 200
        return len(context)

    grant(world.alpha, the_fund, amount="5", starts_on=FY2024[0], ends_on=FY2024[1],
          strategies=[tutoring])  # fmt: skip
    few = queries()
    for n in range(8):
        funder = the_fund if n % 2 else world.partners["b"]
        grant(world.alpha, funder, amount="5", starts_on=FY2024[0], ends_on=date(2026, 1, 1),
              strategies=[tutoring, visits], title=f"Grant {n}")  # fmt: skip
    assert queries() == few


def test_the_leverage_block_for_the_home_page(world, the_fund):
    world.alpha.backbone_budget = Decimal("1500000")
    html = render_to_string(
        "action/funding/_leverage.html", {"leverage": leverage_for(world.alpha)}
    )
    # (1,000,000 + 1,000,000 + 2,000,000) ÷ 1,500,000 = 2.67
    assert "2.7×" in html
    assert "$4,000,000" in html and "$1,500,000" in html
    world.alpha.backbone_budget = None
    html = render_to_string(
        "action/funding/_leverage.html", {"leverage": leverage_for(world.alpha)}
    )
    assert "Not available" in html and "The backbone's budget is not recorded." in html
    html = render_to_string(
        "action/funding/_leverage.html",
        {"leverage": leverage_for(world.alpha), "initiative": world.alpha, "funding_link": True},
    )
    assert 'href="/i/alpha/funding/"' in html
