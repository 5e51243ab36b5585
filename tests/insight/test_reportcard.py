"""The report card pages: what they show, to whom, and at what cost in queries."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from commonground.initiatives.models import Organization, Partnership
from commonground.insight.reportcard import build_cards
from commonground.measurement import services
from commonground.measurement.models import Indicator, ReportingAssignment


def make_indicator(initiative, code, **fields):
    defaults = {
        "name": code.replace("_", " ").capitalize(),
        "value_type": "count",
        "aggregation": "sum",
        "frequency": "annual",
        "is_published": True,
        "decimals": 0,
    }
    return Indicator.objects.create(initiative=initiative, code=code, **{**defaults, **fields})


def report(actor, partnership, period, values):
    """Report, submit and approve one period of a partner: {indicator: value fields}."""
    entries = []
    for indicator, fields in values.items():
        ReportingAssignment.objects.get_or_create(indicator=indicator, partnership=partnership)
        entries.append(services.Entry(indicator=indicator, cell={}, **fields))
    submission = services.open_submission(actor=actor, partnership=partnership, period=period)
    services.save_values(actor=actor, submission=submission, entries=entries)
    services.submit_submission(actor=actor, submission=submission)
    services.approve_submission(actor=actor, submission=submission)


def add_partners(initiative, count, start=0):
    partnerships = []
    for n in range(start, start + count):
        org = Organization.objects.create(name=f"Partner {n}", sector="nonprofit")
        partnerships.append(
            Partnership.objects.create(initiative=initiative, organization=org, code=f"p{n}")
        )
    return partnerships


def test_unaggregated_indicator_shows_each_partner(world):
    actor = world.users["data_manager"]
    ready = make_indicator(
        world.alpha, "ready", value_type="mean", aggregation="none", unit="%", decimals=1
    )
    report(actor, world.partners["a"], "2024", {ready: {"value": Decimal("54.7")}})
    report(actor, world.partners["b"], "2024", {ready: {"value": Decimal("47.7")}})
    report(actor, world.partners["b"], "2025", {ready: {"value": Decimal("57.7")}})
    (card,) = build_cards(world.alpha, public=False)
    assert card.latest is None  # nothing is combined
    latest = {line.label: line.latest for line in card.lines}
    assert latest["Alpha Schools"][0] == "2024"
    assert latest["Bright Futures Nonprofit"][1].value == Decimal("57.7")
    assert card.chart["encoding"]["color"]["field"] == "line"
    assert card.chart["encoding"]["x"]["sort"] == ["2024", "2025"]


def test_public_page_hides_unpublished_indicators_and_small_counts(world, client):
    actor = world.users["data_manager"]
    hidden = make_indicator(world.alpha, "internal_only", is_published=False)
    rate = make_indicator(
        world.alpha,
        "pass_rate",
        value_type="rate",
        aggregation="ratio_of_sums",
        scale_factor=100,
        unit="%",
    )
    # 2023: 40 of 48 pass — only 8 fail, below k = 10: hidden. 2024: 400 of 480: shown.
    report(actor, world.partners["a"], "2023", {rate: {"numerator": 40, "denominator": 48}})
    report(
        actor,
        world.partners["a"],
        "2024",
        {hidden: {"value": Decimal(500)}, rate: {"numerator": 400, "denominator": 480}},
    )
    public = client.get(reverse("public_report_card", args=["alpha"])).content.decode()
    assert "Internal only" not in public
    assert "83%" in public  # 400 / 480
    assert "1 period is hidden because too few people are counted in it." in public
    (card,) = build_cards(world.alpha, public=True)
    assert card.lines[0].suppressed == {"2023"}
    assert [p for p, _ in card.lines[0].points] == ["2024"]
    internal = world.client("lead").get(reverse("report_card", args=["alpha"]))
    assert "Internal only" in internal.content.decode()
    assert "not published" in internal.content.decode()


def test_empty_report_card_says_what_to_do(world, client):
    page = world.client("viewer").get(reverse("report_card", args=["alpha"]))
    assert "No indicators yet." in page.content.decode()
    assert (
        "No indicator is published yet."
        in client.get(reverse("public_report_card", args=["alpha"])).content.decode()
    )


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("name", ["report_card", "public_report_card"])
def test_report_card_queries_stay_flat_as_data_grows(world, name):
    actor = world.users["data_manager"]
    client = world.client("lead")
    url = reverse(name, args=["alpha"])
    first = make_indicator(world.alpha, "served")
    partners = add_partners(world.alpha, 2)
    for partnership in partners:
        report(actor, partnership, "2024", {first: {"value": Decimal(50)}})
    small = count_queries(client, url)

    more = [make_indicator(world.alpha, f"indicator_{n}") for n in range(8)]
    partners += add_partners(world.alpha, 18, start=2)
    for partnership in partners[:6]:
        for year in ("2022", "2023"):
            report(actor, partnership, year, {i: {"value": Decimal(40)} for i in [first, *more]})
    assert count_queries(client, url) == small
