"""Dependencies between activities as a directed graph: cycle checks and left-to-right layers.

An edge ``a → b`` means "activity ``a`` depends on activity ``b``". The graph is small (an
initiative's activities) and read in one query, so plain breadth-first search is enough.
"""

from collections import defaultdict, deque
from collections.abc import Iterable

Edges = dict[int, set[int]]


def edges_of(pairs: Iterable[tuple[int, int]]) -> Edges:
    """``{activity: {what it depends on}}`` from (activity, depends_on) pairs."""
    edges: Edges = defaultdict(set)
    for activity, depends_on in pairs:
        edges[activity].add(depends_on)
    return edges


def dependency_path(edges: Edges, start: int, goal: int) -> list[int] | None:
    """The shortest chain ``start → … → goal`` following "depends on", or None.

    Adding ``goal → start`` would close a cycle exactly when such a chain exists.
    """
    previous = {start: None}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        if node == goal:
            path = []
            while node is not None:
                path.append(node)
                node = previous[node]
            return path[::-1]
        for following in edges.get(node, ()):
            if following not in previous:
                previous[following] = node
                queue.append(following)
    return None


def layers(nodes: Iterable[int], edges: Edges) -> dict[int, int]:
    """Each node's column: 0 for what depends on nothing, else one right of its furthest need.

    Prerequisites stand left of what needs them. Nodes caught in a cycle (only possible if rows
    were written around the services) go one column right of everything else, not lost.
    """
    nodes = set(nodes)
    needs = {n: {d for d in edges.get(n, ()) if d in nodes} for n in nodes}
    needed_by = defaultdict(set)
    for node, wanted in needs.items():
        for d in wanted:
            needed_by[d].add(node)
    waiting = {n: len(wanted) for n, wanted in needs.items()}
    column = {}
    ready = deque(sorted(n for n, count in waiting.items() if count == 0))
    while ready:
        node = ready.popleft()
        column[node] = max((column[d] + 1 for d in needs[node]), default=0)
        for dependent in sorted(needed_by[node]):
            waiting[dependent] -= 1
            if waiting[dependent] == 0:
                ready.append(dependent)
    last = max(column.values(), default=-1) + 1
    for node in nodes - column.keys():
        column[node] = last
    return column
