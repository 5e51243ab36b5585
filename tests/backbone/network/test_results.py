"""A round's results from the database, what a partner may see of them, and the comparison of
two rounds — against figures worked out by hand."""

from datetime import date

import pytest

from commonground.backbone.network import services
from commonground.backbone.network.comparison import compare
from commonground.backbone.network.picture import draw
from commonground.backbone.network.results import partner_view, round_results
from tests.backbone.network.world import answer, network_round, partners, tie


@pytest.fixture
def spring(world):
    """A, B and p1…p3: A names B (close, much trusted) and p1; B names A; p1 names nobody;
    p2 only drafted an answer; p3 did not answer."""
    a, b = world.partners["a"], world.partners["b"]
    p1, p2, _p3 = partners(world, 3)
    survey = network_round(world, title="Spring", status="open")
    answer(
        world,
        survey,
        a,
        [
            tie(b, 3, trust_openness=4, trust_reliability=4, trust_mission=4),
            tie(p1, 2, trust_openness=2, trust_reliability=2, trust_mission=2, value_influence=1),
        ],
    )
    answer(world, survey, b, [tie(a, 4, value_resources=1)])
    answer(world, survey, p1, [])
    answer(world, survey, p2, [tie(a, 1, trust_openness=1)], submit=False)
    return survey


def test_figures_of_a_round(world, spring):
    results = round_results(spring)
    by_code = {p.partnership.code: p for p in results.partners}
    assert results.size == 5 and results.respondents == 3
    assert results.response_rate == 0.6
    assert [(t.first.code, t.second.code, t.first_says, t.second_says) for t in results.ties] == [
        ("a", "b", 3, 4),
        ("a", "p1", 2, None),
    ]
    assert results.mutual_ties == 1 and results.nominations == 3
    assert results.density == 0.2  # 2 ties of 5 × 4 ÷ 2 = 10
    assert results.groups == 3  # {a, b, p1}, {p2}, {p3}
    assert results.intensity_counts == {1: 0, 2: 1, 3: 1, 4: 1}

    # A is rated by B only: p2's draft does not count.
    a = by_code["a"]
    assert a.raters == 1
    assert a.trust == 3
    assert a.value == pytest.approx((3 + 3 + 1) / 3)
    assert a.intensity == 4
    assert (a.degree.in_degree, a.degree.out_degree, a.degree.ties) == (1, 2, 2)
    assert a.degree.tie_centrality == 0.5
    # B: trust (4 + 4 + 4) ÷ 3; p1: (2 + 2 + 2) ÷ 3, value (1 + 3 + 3) ÷ 3.
    assert by_code["b"].trust == 4 and by_code["p1"].trust == 2
    assert by_code["p1"].value == pytest.approx(7 / 3)
    assert by_code["p3"].raters == 0 and by_code["p3"].trust is None
    assert [p.answer for p in results.partners] == [
        "submitted",
        "submitted",
        "submitted",
        "draft",
        "not_started",
    ]
    # Across all three namings: trust (4 + 2 + 3) ÷ 3.
    assert results.mean_trust == pytest.approx(3)

    # A alone links p1 to the others; it lies on 1 of the 6 pairs of other partners (b–p1).
    [broker] = results.brokers
    assert broker.partner.partnership.code == "a"
    assert [[p.code for p in group] for group in broker.cut_off] == [["p1"]]
    assert broker.betweenness == pytest.approx(1 / 6)
    assert a.is_broker and not by_code["b"].is_broker


def test_results_take_a_fixed_number_of_queries(world, spring, django_assert_num_queries):
    with django_assert_num_queries(2):
        round_results(spring)
    more = partners(world, 30)
    answer(world, spring, world.partners["b"], [tie(p) for p in more])
    with django_assert_num_queries(2):
        round_results(spring)


def test_the_picture_is_deterministic(world, spring):
    results = round_results(spring)
    first, again = draw(results), draw(round_results(spring))
    assert first == again
    assert len(first.nodes) == 5 and len(first.edges) == 2
    sizes = {n.partner.partnership.code: n.r for n in first.nodes}
    assert sizes["a"] > sizes["b"] > sizes["p3"]  # bigger with more ties
    assert first.sectors == [("nonprofit", "Nonprofit"), ("education", "School / education")]
    assert {e.mutual for e in first.edges} == {True, False}


# --- What a partner sees --------------------------------------------------------------------


def closed(world, survey):
    services.close_round(actor=world.users["lead"], survey=survey)
    survey.refresh_from_db()
    return round_results(survey)


def test_nothing_is_shared_while_the_round_is_open(world, spring):
    view = partner_view(round_results(spring), world.partners["a"], k=1)
    assert view.network is None and view.own is None and not view.closed
    assert view.respondents == 3


def test_network_figures_only_from_k_respondents(world, spring):
    results = closed(world, spring)
    assert partner_view(results, None, k=4).network is None
    shown = partner_view(results, None, k=3).network
    assert shown["density"] == 0.2 and shown["ties"] == 2 and shown["mean_trust"] == 3
    # A partner that answered could take its own answer out again: k counts the others only.
    a = world.partners["a"]
    assert partner_view(results, a, k=3).network is None
    assert partner_view(results, a, k=2).network == shown
    assert partner_view(results, partners(world, 3)[2], k=3).network == shown  # p3: no answer


def test_own_scores_only_from_k_raters(world, spring):
    results = closed(world, spring)
    a = world.partners["a"]
    below = partner_view(results, a, k=2)
    assert below.own is None and below.own_raters_below_k and below.own_partner == a
    shown = partner_view(results, a, k=1)
    assert shown.own.trust == 3 and shown.own.raters == 1
    # A member without a partner sees no partner's scores.
    assert partner_view(results, None, k=1).own is None


def test_a_partner_view_carries_no_other_partner(world, spring):
    view = partner_view(closed(world, spring), world.partners["a"], k=1)
    carried = set(vars(view))
    assert carried == {
        "k",
        "closed",
        "size",
        "respondents",
        "others",
        "network",
        "own",
        "own_partner",
        "own_raters_below_k",
    }
    assert view.own.partnership == world.partners["a"]


# --- Comparison -----------------------------------------------------------------------------


def test_comparing_two_rounds(world, spring):
    a, b = world.partners["a"], world.partners["b"]
    p2 = partners(world, 3)[1]
    earlier = closed(world, spring)
    autumn = network_round(world, title="Autumn", status="open", opens_on=date(2026, 9, 1))
    # A–B stays (trust in B falls), A–p1 is lost, B–p2 is new; p1 and p3 do not answer.
    answer(world, autumn, a, [tie(b, 3, trust_openness=2, trust_reliability=2, trust_mission=2)])
    answer(world, autumn, b, [tie(a, 4), tie(p2, 1)])
    answer(world, autumn, p2, [])
    later = closed(world, autumn)

    comparison = compare(earlier, later)
    assert [(t.first.code, t.second.code) for t in comparison.new_ties] == [("b", "p2")]
    [lost] = comparison.lost_ties
    assert (lost.tie.first.code, lost.tie.second.code) == ("a", "p1")
    assert not lost.unconfirmed  # A answered the later round and did not name p1
    assert comparison.kept_ties == 1
    assert comparison.density_change == pytest.approx(0)  # 2 ties of 10 in both

    rows = {p.partnership.code: p for p in comparison.partners}
    assert rows["b"].trust_change == pytest.approx(2 - 4)
    assert rows["p2"].ties_change == 1 and rows["p1"].ties_change == -1
    assert rows["p3"].trust_change is None
    assert [p.partnership.code for p in comparison.partners] == ["a", "b", "p1", "p2", "p3"]


def test_a_lost_tie_between_two_silent_partners_is_unconfirmed(world):
    p1, p2 = partners(world, 2)
    first = network_round(world, title="One", status="open", opens_on=date(2025, 3, 1))
    answer(world, first, p1, [tie(p2)])
    first = closed(world, first)
    second = closed(world, network_round(world, title="Two", status="open"))
    [lost] = compare(first, second).lost_ties
    assert lost.unconfirmed
