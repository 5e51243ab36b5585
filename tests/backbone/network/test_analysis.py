"""The network figures against a hand-worked example and against networkx on random graphs
(networkx is a test dependency only: the application computes everything itself)."""

import random

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from commonground.backbone.network import analysis

# A path a – b – c – d – e, named: a→b, b→a, b→c, c→d, e→d.
PATH_NODES = ["a", "b", "c", "d", "e"]
PATH_ARCS = [("a", "b"), ("b", "a"), ("b", "c"), ("c", "d"), ("e", "d")]


def test_hand_worked_path():
    ties = analysis.ties_from_arcs(PATH_ARCS)
    assert ties == {frozenset(p) for p in ["ab", "bc", "cd", "de"]}
    # 4 ties of 5 × 4 ÷ 2 = 10 possible; 5 nominations of 5 × 4 = 20 possible.
    assert analysis.density(5, len(ties)) == 0.4
    assert analysis.density(5, len(PATH_ARCS), directed=True) == 0.25

    d = analysis.degrees(PATH_NODES, PATH_ARCS)
    assert [(d[n].in_degree, d[n].out_degree, d[n].ties) for n in PATH_NODES] == [
        (1, 1, 1),
        (1, 2, 2),
        (1, 1, 2),
        (2, 0, 2),
        (0, 1, 1),
    ]
    # Divided by n − 1 = 4.
    assert d["d"].in_centrality == 0.5 and d["b"].out_centrality == 0.5
    assert d["b"].total_centrality == 0.75 and d["e"].total_centrality == 0.25
    assert d["c"].tie_centrality == 0.5 and d["a"].tie_centrality == 0.25

    # b sits on 3 of the 6 pairs of others (a–c, a–d, a–e), c on 4, d on 3.
    between = analysis.betweenness(PATH_NODES, ties)
    assert between == pytest.approx({"a": 0, "b": 0.5, "c": 4 / 6, "d": 0.5, "e": 0})
    assert analysis.articulation_points(PATH_NODES, ties) == {"b", "c", "d"}

    brokers = analysis.brokers(PATH_NODES, ties)
    assert [(b.node, b.cut_off) for b in brokers] == [
        ("c", (("d", "e"),)),  # two groups of two: the first in order stays "the rest"
        ("b", (("a",),)),
        ("d", (("e",),)),
    ]


def test_isolates_and_separate_groups():
    nodes = ["a", "b", "c", "x", "y", "lonely"]
    ties = analysis.ties_from_arcs([("a", "b"), ("b", "c"), ("c", "a"), ("x", "y")])
    assert analysis.components(nodes, ties) == [["a", "b", "c"], ["x", "y"], ["lonely"]]
    # A triangle and a pair: nobody connects otherwise separate groups.
    assert analysis.articulation_points(nodes, ties) == set()
    assert analysis.brokers(nodes, ties) == []
    assert analysis.density(6, 4) == pytest.approx(4 / 15)


def test_tiny_networks_follow_networkx_conventions():
    assert analysis.density(0, 0) == analysis.density(1, 0) == 0
    assert analysis.degrees(["a"], []) == {"a": analysis.Degree(0, 0, 0, 1.0, 1.0, 1.0, 1.0)}
    assert analysis.betweenness(["a", "b"], {frozenset("ab")}) == {"a": 0, "b": 0}
    assert analysis.degrees([], []) == {}


def test_a_self_nomination_is_no_tie():
    assert analysis.ties_from_arcs([("a", "a")]) == set()
    assert analysis.degrees(["a", "b"], [("a", "a")])["a"].out_degree == 0


def test_circle_layout_is_deterministic_and_starts_at_the_top():
    first = analysis.circle_layout(["a", "b", "c", "d"], radius=100, centre=(200, 200))
    assert first == analysis.circle_layout(["a", "b", "c", "d"], radius=100, centre=(200, 200))
    assert first["a"] == (200.0, 100.0, -90)
    assert first["b"] == (300.0, 200.0, 0)
    assert first["c"][:2] == (200.0, 300.0)


def test_mean():
    assert analysis.mean([]) is None
    assert analysis.mean([1, 2, 4]) == pytest.approx(7 / 3)


# --- against networkx --------------------------------------------------------------------------


def assert_same_as_networkx(nodes, arcs):
    directed = nx.DiGraph()
    directed.add_nodes_from(nodes)
    directed.add_edges_from(a for a in arcs if a[0] != a[1])
    undirected = directed.to_undirected()
    ties = analysis.ties_from_arcs(arcs)

    assert len(ties) == undirected.number_of_edges()
    assert analysis.density(len(nodes), len(ties)) == pytest.approx(nx.density(undirected))
    assert analysis.density(len(nodes), directed.number_of_edges(), directed=True) == pytest.approx(
        nx.density(directed)
    )

    mine = analysis.degrees(nodes, arcs)
    for name, theirs in [
        ("in_centrality", nx.in_degree_centrality(directed)),
        ("out_centrality", nx.out_degree_centrality(directed)),
        ("total_centrality", nx.degree_centrality(directed)),
        ("tie_centrality", nx.degree_centrality(undirected)),
    ]:
        assert {n: getattr(mine[n], name) for n in nodes} == pytest.approx(theirs), name

    assert analysis.betweenness(nodes, ties) == pytest.approx(
        nx.betweenness_centrality(undirected), abs=1e-9
    )
    assert analysis.articulation_points(nodes, ties) == set(nx.articulation_points(undirected))
    assert sorted(map(sorted, analysis.components(nodes, ties))) == sorted(
        map(sorted, nx.connected_components(undirected))
    )
    for broker in analysis.brokers(nodes, ties):
        # Without a cut point, its groups are cut off from the rest of its part.
        without = undirected.copy()
        without.remove_node(broker.node)
        for group in broker.cut_off:
            rest = set(nx.node_connected_component(undirected, broker.node)) - set(group)
            rest.discard(broker.node)
            assert not any(nx.has_path(without, group[0], other) for other in rest)


@pytest.mark.parametrize("seed", range(12))
def test_random_graphs_agree_with_networkx(seed):
    rng = random.Random(seed)
    n = rng.randint(2, 40)
    graph = nx.gnp_random_graph(n, rng.uniform(0.02, 0.3), seed=seed, directed=True)
    assert_same_as_networkx(list(graph.nodes), list(graph.edges))


def test_a_large_sparse_network_agrees_with_networkx():
    """A long chain-like network: deep enough to break a recursive depth-first search."""
    graph = nx.gnp_random_graph(1500, 0.0012, seed=7, directed=True)
    chain = [(i, i + 1) for i in range(1499)]
    nodes = list(graph.nodes)
    ties = analysis.ties_from_arcs(list(graph.edges) + chain)
    undirected = nx.Graph(list(ties))
    undirected.add_nodes_from(nodes)
    assert analysis.articulation_points(nodes, ties) == set(nx.articulation_points(undirected))


arcs_strategy = st.integers(min_value=1, max_value=12).flatmap(
    lambda n: st.tuples(
        st.just(list(range(n))),
        st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=n * (n - 1)),
    )
)


@settings(max_examples=150, deadline=None)
@given(arcs_strategy)
def test_any_small_graph_agrees_with_networkx(graph):
    nodes, arcs = graph
    assert_same_as_networkx(nodes, arcs)
