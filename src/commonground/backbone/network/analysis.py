"""Network figures for the partner network survey, as pure functions over plain data.

Nodes are any sortable, hashable values (the pages use partnership ids). A *nomination* (an
arc) is one partner naming another; a *tie* is an unordered pair of partners joined when either
names the other (``docs/network-survey.md`` says why). Degree centralities are normalised as
networkx does (divided by n − 1), betweenness is Brandes' algorithm normalised as networkx does
for undirected graphs, and articulation points come from Tarjan's depth-first search, written
without recursion so a network of a thousand partners does not hit Python's recursion limit.
The tests check every figure against a hand-worked example and against networkx on random
graphs; networkx itself is not used here.
"""

from collections import deque
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from math import cos, pi, sin

Node = Hashable
Arc = tuple[Node, Node]
Tie = frozenset


def ties_from_arcs(arcs: Iterable[Arc]) -> set[Tie]:
    """The undirected ties: a pair is tied when either partner names the other."""
    return {frozenset(arc) for arc in arcs if arc[0] != arc[1]}


def density(n_nodes: int, n_links: int, *, directed: bool = False) -> float:
    """Links present ÷ links possible (0 for fewer than two nodes, as in networkx)."""
    if n_nodes < 2:
        return 0.0
    possible = n_nodes * (n_nodes - 1)
    return n_links / (possible if directed else possible / 2)


@dataclass(frozen=True)
class Degree:
    """How many partners a partner names (out), is named by (in) and is tied to (ties), and
    the same divided by n − 1. ``total_centrality`` is (in + out) ÷ (n − 1), networkx's
    ``degree_centrality`` of the directed graph; ``tie_centrality`` is ties ÷ (n − 1), its
    ``degree_centrality`` of the undirected tie graph."""

    in_degree: int
    out_degree: int
    ties: int
    in_centrality: float
    out_centrality: float
    total_centrality: float
    tie_centrality: float


def degrees(nodes: Iterable[Node], arcs: Iterable[Arc]) -> dict[Node, Degree]:
    """Each node's degrees and degree centralities (one node alone: 1, as in networkx)."""
    nodes = list(nodes)
    arcs = {arc for arc in arcs if arc[0] != arc[1]}
    named = dict.fromkeys(nodes, 0)
    names = dict.fromkeys(nodes, 0)
    for source, target in arcs:
        names[source] += 1
        named[target] += 1
    neighbours = adjacency(nodes, ties_from_arcs(arcs))
    scale = 1 / (len(nodes) - 1) if len(nodes) > 1 else 1.0
    result = {}
    for node in nodes:
        tie_count = len(neighbours[node])
        lonely = len(nodes) == 1  # networkx gives a lone node centrality 1
        result[node] = Degree(
            in_degree=named[node],
            out_degree=names[node],
            ties=tie_count,
            in_centrality=1.0 if lonely else named[node] * scale,
            out_centrality=1.0 if lonely else names[node] * scale,
            total_centrality=1.0 if lonely else (named[node] + names[node]) * scale,
            tie_centrality=1.0 if lonely else tie_count * scale,
        )
    return result


def adjacency(nodes: Iterable[Node], ties: Iterable[Tie]) -> dict[Node, list[Node]]:
    """Each node's neighbours in the tie graph, sorted so every walk below is deterministic."""
    neighbours: dict[Node, set] = {node: set() for node in nodes}
    for tie in ties:
        a, b = tuple(tie)
        neighbours[a].add(b)
        neighbours[b].add(a)
    return {node: sorted(others) for node, others in neighbours.items()}


def betweenness(nodes: Iterable[Node], ties: Iterable[Tie]) -> dict[Node, float]:
    """Brandes' betweenness centrality of the undirected tie graph, normalised as networkx
    does: the share of shortest paths between other pairs that run through each node."""
    nodes = sorted(nodes)
    neighbours = adjacency(nodes, ties)
    score = dict.fromkeys(nodes, 0.0)
    for source in nodes:
        order, predecessors, paths = _shortest_paths(source, neighbours)
        dependency = dict.fromkeys(order, 0.0)
        for node in reversed(order):
            for before in predecessors[node]:
                dependency[before] += paths[before] / paths[node] * (1 + dependency[node])
            if node != source:
                score[node] += dependency[node]
    n = len(nodes)
    # Each pair was counted from both ends; networkx divides that doubled sum by (n−1)(n−2).
    if n > 2:
        scale = 1 / ((n - 1) * (n - 2))
        score = {node: value * scale for node, value in score.items()}
    return score


def _shortest_paths(source, neighbours):
    """Breadth-first search from ``source``: nodes in order of distance, each node's
    predecessors on shortest paths, and the number of shortest paths to each node."""
    distance = {source: 0}
    paths = {source: 1}
    predecessors = {source: []}
    order = []
    queue = deque([source])
    while queue:
        node = queue.popleft()
        order.append(node)
        for other in neighbours[node]:
            if other not in distance:
                distance[other] = distance[node] + 1
                paths[other] = 0
                predecessors[other] = []
                queue.append(other)
            if distance[other] == distance[node] + 1:
                paths[other] += paths[node]
                predecessors[other].append(node)
    return order, predecessors, paths


def components(nodes: Iterable[Node], ties: Iterable[Tie]) -> list[list[Node]]:
    """The connected parts of the tie graph, largest first (each sorted)."""
    neighbours = adjacency(nodes, ties)
    return _components(neighbours, removed=None)


def _components(neighbours: dict, removed) -> list[list[Node]]:
    seen = {removed}
    parts = []
    for start in neighbours:
        if start in seen:
            continue
        seen.add(start)
        part, queue = [start], deque([start])
        while queue:
            for other in neighbours[queue.popleft()]:
                if other not in seen:
                    seen.add(other)
                    part.append(other)
                    queue.append(other)
        parts.append(sorted(part))
    return sorted(parts, key=lambda part: (-len(part), part[0]))


def articulation_points(nodes: Iterable[Node], ties: Iterable[Tie]) -> set[Node]:
    """Nodes whose removal splits their connected part of the tie graph in two or more
    (Tarjan: a node is one when some child's subtree cannot reach above it)."""
    neighbours = adjacency(sorted(nodes), ties)
    found: dict[Node, int] = {}  # discovery time
    low: dict[Node, int] = {}
    points = set()
    clock = 0
    for root in neighbours:
        if root in found:
            continue
        found[root] = low[root] = clock
        clock += 1
        root_children = 0
        stack = [(root, None, iter(neighbours[root]))]
        while stack:
            node, parent, pending = stack[-1]
            for other in pending:
                if other not in found:
                    found[other] = low[other] = clock
                    clock += 1
                    stack.append((other, node, iter(neighbours[other])))
                    break
                if other != parent:
                    low[node] = min(low[node], found[other])
            else:
                stack.pop()
                if parent is None:
                    continue
                low[parent] = min(low[parent], low[node])
                if parent == root:
                    root_children += 1
                elif low[node] >= found[parent]:
                    points.add(parent)
        if root_children > 1:
            points.add(root)
    return points


@dataclass(frozen=True)
class Broker:
    """A partner that connects others: without it, ``cut_off`` (groups of partners) would lose
    their link to the rest of its part of the network; ``betweenness`` as above."""

    node: Node
    betweenness: float
    cut_off: tuple[tuple[Node, ...], ...]

    @property
    def is_cut_point(self) -> bool:
        return bool(self.cut_off)


def brokers(nodes: Iterable[Node], ties: Iterable[Tie], *, top: int = 3) -> list[Broker]:
    """Partners that connect otherwise separate groups: every articulation point, with the
    groups it alone connects, and the ``top`` partners by betweenness (above 0). Ordered by
    betweenness, highest first."""
    nodes = sorted(nodes)
    ties = set(ties)
    between = betweenness(nodes, ties)
    cut_points = articulation_points(nodes, ties)
    by_betweenness = sorted(
        (node for node in nodes if between[node] > 0), key=lambda node: (-between[node], node)
    )
    chosen = set(by_betweenness[:top]) | cut_points
    neighbours = adjacency(nodes, ties)
    result = []
    for node in sorted(chosen, key=lambda node: (-between[node], node)):
        cut_off: tuple = ()
        if node in cut_points:
            cut_off = tuple(tuple(part) for part in _separated_by(node, neighbours))
        result.append(Broker(node=node, betweenness=between[node], cut_off=cut_off))
    return result


def _separated_by(node, neighbours) -> list[list[Node]]:
    """The groups that lose their link to the rest of ``node``'s part when it goes: every
    resulting part that held one of its neighbours, except the largest."""
    around = set(neighbours[node])
    parts = [part for part in _components(neighbours, removed=node) if around & set(part)]
    return parts[1:]


def circle_layout(
    nodes: list[Node], *, radius: float, centre: tuple[float, float]
) -> dict[Node, tuple[float, float, float]]:
    """Nodes evenly on a circle in the order given, from the top, clockwise: node → (x, y,
    angle in degrees). The same input always gives the same picture."""
    positions = {}
    count = max(len(nodes), 1)
    for index, node in enumerate(nodes):
        angle = -90 + 360 * index / count
        radians = angle * pi / 180
        positions[node] = (
            round(centre[0] + radius * cos(radians), 1),
            round(centre[1] + radius * sin(radians), 1),
            angle,
        )
    return positions


def mean(values: Iterable[float]) -> float | None:
    """The arithmetic mean, or None when there is nothing to average."""
    values = list(values)
    return sum(values) / len(values) if values else None
