"""Partner benchmarking: who the peers are, the exact quartiles, and the k boundary."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from commonground.insight.benchmark import distribution, partner_benchmark, peers_of
from commonground.measurement.models import ReportingAssignment
from tests.insight.reportcard_world import add_group, add_partners, make_indicator, report


def test_quartiles_are_exact_linear_interpolation():
    spread = distribution([Decimal(40), Decimal(10), Decimal(30), Decimal(20)])
    assert (spread.minimum, spread.q1, spread.median, spread.q3, spread.maximum) == (
        10,
        Decimal("17.5"),
        25,
        Decimal("32.5"),
        40,
    )
    assert spread.count == 4
    one = distribution([Decimal("7.25")])
    assert one.minimum == one.q1 == one.median == one.q3 == one.maximum == Decimal("7.25")
    # numpy.percentile([1, 2, 3, 4, 5, 6, 7], [25, 50, 75]) == [2.5, 4, 5.5]
    seven = distribution([Decimal(n) for n in range(1, 8)])
    assert (seven.q1, seven.median, seven.q3) == (Decimal("2.5"), 4, Decimal("5.5"))
    with pytest.raises(ValueError):
        distribution([])


def test_peers_share_an_activity_type_not_just_a_group(world):
    a, b = world.partners["a"], world.partners["b"]
    p = add_partners(world.alpha, 4)
    add_group(world.alpha, "readers", [a, p[0]], activity_type="early literacy")
    add_group(world.alpha, "tutors", [p[1]], activity_type="early literacy")  # same activity
    add_group(world.alpha, "health", [a, p[2]], activity_type="")  # no activity: no peers
    add_group(world.alpha, "college", [b, p[3]], activity_type="college access")
    assert peers_of(a) == (("early literacy",), {p[0].pk, p[1].pk})
    assert peers_of(b) == (("college access",), {p[3].pk})
    assert peers_of(p[2]) == ((), set())


@pytest.fixture
def literacy(world):
    """Partner A and six peers doing early literacy; k = 3."""
    world.alpha.suppression_threshold = 3
    world.alpha.save()
    peers = add_partners(world.alpha, 6)
    add_group(world.alpha, "readers", [world.partners["a"], *peers], activity_type="early literacy")
    return peers


def test_k_boundary_shows_the_spread_only_from_k_peers_with_a_value(world, literacy):
    actor = world.users["data_manager"]
    served = make_indicator(world.alpha, "served", unit="children")
    report(actor, world.partners["a"], "2024", {served: {"value": Decimal(50)}})
    # Two peers with a value at 2024: fewer than k = 3.
    report(actor, literacy[0], "2024", {served: {"value": Decimal(10)}})
    report(actor, literacy[1], "2024", {served: {"value": Decimal(30)}})
    # Not counted: a censored value, a value of another year, a value not yet approved.
    report(actor, literacy[2], "2024", {served: {"value": Decimal(10), "censor": "<"}})
    report(actor, literacy[3], "2023", {served: {"value": Decimal(99)}})
    report(actor, literacy[4], "2024", {served: {"value": Decimal(70)}}, approve=False)
    (row,) = partner_benchmark(world.partners["a"]).rows
    assert (row.period, row.value, row.peers_with_value, row.peers) == ("2024", 50, 2, None)

    report(actor, literacy[5], "2024", {served: {"value": Decimal(20)}})  # the third
    (row,) = partner_benchmark(world.partners["a"]).rows
    assert row.peers_with_value == 3
    spread = row.peers
    assert (spread.minimum, spread.q1, spread.median, spread.q3, spread.maximum) == (
        10,
        15,
        20,
        25,
        30,
    )
    assert row.position == "top"  # 50 is above the peers' third quartile
    # With k = 4 the same three peers are too few again.
    assert partner_benchmark(world.partners["a"], k=4).rows[0].peers is None


def test_rates_compare_each_partners_own_rate_and_the_partner_is_not_its_own_peer(world, literacy):
    actor = world.users["data_manager"]
    rate = make_indicator(
        world.alpha,
        "pass_rate",
        value_type="rate",
        aggregation="ratio_of_sums",
        scale_factor=100,
        unit="%",
        decimals=1,
    )
    report(actor, world.partners["a"], "2024", {rate: {"numerator": 45, "denominator": 60}})
    for peer, (num, den) in zip(literacy, [(10, 20), (30, 40), (90, 100)], strict=False):
        report(actor, peer, "2024", {rate: {"numerator": num, "denominator": den}})
    (row,) = partner_benchmark(world.partners["a"]).rows
    assert row.value == 75  # 45 / 60 × 100
    assert (row.peers.minimum, row.peers.median, row.peers.maximum) == (50, 75, 90)
    assert row.peers.count == 3  # A's own 75 is not among them
    assert row.position == "median"


def test_latest_own_period_is_compared_and_censored_own_value_is_kept_as_entered(world, literacy):
    actor = world.users["data_manager"]
    served = make_indicator(world.alpha, "served")
    waiting = make_indicator(world.alpha, "waiting")
    report(actor, world.partners["a"], "2023", {served: {"value": Decimal(5)}})
    report(actor, world.partners["a"], "2024", {served: {"value": Decimal(5), "censor": "<"}})
    for peer in literacy[:3]:
        report(actor, peer, "2024", {served: {"value": Decimal(40)}, waiting: {"value": 1}})
    ReportingAssignment.objects.create(indicator=waiting, partnership=world.partners["a"])
    rows = {row.indicator.code: row for row in partner_benchmark(world.partners["a"]).rows}
    served_row = rows["served"]
    assert (served_row.period, served_row.value, served_row.censor, served_row.bound) == (
        "2024",
        None,
        "<",
        5,
    )
    assert served_row.peers.median == 40
    assert served_row.position is None  # a censored value has no place among numbers
    assert rows["waiting"].period is None and rows["waiting"].peers is None


def count_queries(partnership):
    with CaptureQueriesContext(connection) as queries:
        partner_benchmark(partnership)
    return len(queries)


def test_queries_do_not_grow_with_indicators_peers_and_values(world, literacy):
    actor = world.users["data_manager"]
    first = make_indicator(world.alpha, "first")
    report(actor, world.partners["a"], "2024", {first: {"value": 1}})
    report(actor, literacy[0], "2024", {first: {"value": 2}})
    small = count_queries(world.partners["a"])

    more = [make_indicator(world.alpha, f"more_{n}") for n in range(6)]
    for year in ("2022", "2023"):
        report(actor, world.partners["a"], year, {i: {"value": 3} for i in more})
        for peer in literacy:
            report(actor, peer, year, {i: {"value": 4} for i in [first, *more]})
    assert count_queries(world.partners["a"]) == small


# --- the page ---------------------------------------------------------------------------------


def benchmark_page(client, query="") -> str:
    response = client.get(reverse("partner_benchmark", args=["alpha"]) + query)
    assert response.status_code == 200
    return response.content.decode()


def test_page_shows_own_value_and_peer_quartiles_never_a_peer(world, literacy):
    actor = world.users["data_manager"]
    served = make_indicator(world.alpha, "served", name="Children served", unit="children")
    report(actor, world.partners["a"], "2024", {served: {"value": Decimal(50)}})
    for peer, value in zip(literacy, [10, 20, 30], strict=False):
        report(actor, peer, "2024", {served: {"value": Decimal(value)}})
    html = benchmark_page(world.client("reporter_a"))
    assert "Benchmarks: Alpha Schools" in html
    assert '<span class="value">50</span> <span class="unit">children</span>' in html
    assert "Peers with a value</dt><dd>3</dd>" in html
    for label, value in [("Lowest", 10), ("Lower quartile", 15), ("Median", 20), ("Highest", 30)]:
        assert f"<dt>{label}</dt><dd>{value} children</dd>" in html
    assert "Higher than three quarters of the peers" in html
    assert 'id="bench-spec-served"' in html
    for peer in literacy:
        assert peer.organization.name not in html  # peers stay anonymous
    # Only the partner's own page: another partner's code in the address changes nothing.
    assert "Benchmarks: Alpha Schools" in benchmark_page(world.client("reporter_a"), "?partner=b")


def test_page_says_when_there_are_fewer_than_k_peers(world, literacy):
    actor = world.users["data_manager"]
    served = make_indicator(world.alpha, "served", name="Children served")
    report(actor, world.partners["a"], "2024", {served: {"value": Decimal(50)}})
    for peer in literacy[:2]:
        report(actor, peer, "2024", {served: {"value": Decimal(25)}})
    html = benchmark_page(world.client("partner_lead_a"))
    assert "Not enough peers to compare (fewer than 3 with a value for 2024)." in html
    assert "Median" not in html and "25" not in html.split("<main", 1)[1]


def test_backbone_chooses_a_partner_and_an_unknown_one_is_404(world, literacy):
    html = benchmark_page(world.client("data_manager"))
    assert "Choose a partner to see its benchmarks." in html
    assert '<option value="a">Alpha Schools</option>' in html
    chosen = benchmark_page(world.client("data_manager"), "?partner=b")
    assert "Benchmarks: Bright Futures Nonprofit" in chosen
    assert "no peers to compare with" in chosen  # B is in no working group with an activity
    missing = world.client("data_manager").get(
        reverse("partner_benchmark", args=["alpha"]) + "?partner=nope"
    )
    assert missing.status_code == 404
