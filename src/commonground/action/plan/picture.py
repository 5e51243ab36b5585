"""The dependency picture: activities that depend on others, laid out left to right.

Prerequisites stand in the left columns and what needs them to their right (``graph.layers``);
within a column, activities are ordered near the ones they connect to (two barycentre sweeps),
which keeps lines short and crossings few. The result is plain coordinates that a template
draws as SVG on the server — no script needed, and the page's table says the same in words.
"""

from dataclasses import dataclass

from commonground.action.plan.graph import Edges, layers
from commonground.action.plan.health import Health

NODE_WIDTH = 220
NODE_HEIGHT = 74
COLUMN_GAP = 56
ROW_GAP = 14
MARGIN = 12
TITLE_CHARS = 25  # per line, at most two lines
PARTNER_CHARS = 30


def shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def title_lines(text: str) -> list[str]:
    """The title on at most two lines, broken between words; the rest cut with an ellipsis."""
    words = text.split()
    first = ""
    while words and len(f"{first} {words[0]}".strip()) <= TITLE_CHARS:
        first = f"{first} {words.pop(0)}".strip()
    if not first:  # one long word
        return [shorten(text, TITLE_CHARS)]
    return [first, shorten(" ".join(words), TITLE_CHARS)] if words else [first]


@dataclass
class Node:
    activity: object  # the Activity
    health: Health
    x: int
    y: int
    title: list[str]  # one or two lines
    partner: str

    @property
    def state(self) -> str:
        """``blocked``, ``problem`` (stalled or late: it holds others up) or ``ok``."""
        if self.health.is_blocked:
            return "blocked"
        if self.health.problem is not None:
            return "problem"
        return "ok"

    @property
    def text_x(self) -> int:
        return self.x + 10

    @property
    def lines(self) -> list[tuple[str, int, str]]:
        """(css class, baseline y, text) of each line: the title, the partner, the state."""
        rows = [("node-title", text) for text in self.title]
        rows.append(("node-partner", self.partner))
        rows.append(("node-state", ""))
        top = self.y + 17 + (16 if len(self.title) == 1 else 0) // 2
        return [(css, top + 16 * i, text) for i, (css, text) in enumerate(rows)]


@dataclass
class Edge:
    path: str  # an SVG path: a cubic curve from the need's right side to the dependent's left
    blocking: bool  # the need is stalled or late and the dependent is not finished


@dataclass
class Picture:
    nodes: list[Node]
    edges: list[Edge]
    width: int
    height: int
    node_width: int = NODE_WIDTH
    node_height: int = NODE_HEIGHT


def _order(columns: dict[int, list[int]], neighbours: dict[int, set[int]]) -> None:
    """Reorder each column by the mean position of its neighbours in the column before, then
    after (two sweeps); ties keep their order."""
    position = {n: i for nodes in columns.values() for i, n in enumerate(nodes)}
    for sweep in (sorted(columns), sorted(columns, reverse=True)):
        for index in sweep:
            nodes = columns[index]

            def centre(node, nodes=nodes):
                near = [position[m] for m in neighbours[node] if m in position]
                return sum(near) / len(near) if near else position[node]

            nodes.sort(key=centre)
            for i, node in enumerate(nodes):
                position[node] = i


def dependency_picture(activities: dict, edges: Edges, health: dict[int, Health]) -> Picture:
    """Lay out the activities (by id) that take part in at least one dependency."""
    involved = {n for pk, needs in edges.items() for n in (pk, *needs) if n in activities}
    column = layers(involved, edges)
    columns: dict[int, list[int]] = {}
    for node in sorted(
        involved,
        key=lambda n: (activities[n].partnership.organization.name, activities[n].title, n),
    ):
        columns.setdefault(column[node], []).append(node)
    neighbours = {n: set() for n in involved}
    for node in involved:
        for need in edges.get(node, ()):
            if need in involved:
                neighbours[node].add(need)
                neighbours[need].add(node)
    _order(columns, neighbours)
    tallest = max((len(nodes) for nodes in columns.values()), default=0)
    height = MARGIN * 2 + tallest * NODE_HEIGHT + max(tallest - 1, 0) * ROW_GAP
    width = MARGIN * 2 + len(columns) * NODE_WIDTH + max(len(columns) - 1, 0) * COLUMN_GAP
    nodes = {}
    for index, ids in columns.items():
        used = len(ids) * NODE_HEIGHT + (len(ids) - 1) * ROW_GAP
        top = MARGIN + (height - 2 * MARGIN - used) // 2  # centred in its column
        for row, pk in enumerate(ids):
            activity = activities[pk]
            nodes[pk] = Node(
                activity=activity,
                health=health.get(pk, Health()),
                x=MARGIN + index * (NODE_WIDTH + COLUMN_GAP),
                y=top + row * (NODE_HEIGHT + ROW_GAP),
                title=title_lines(activity.title),
                partner=shorten(activity.partnership.organization.name, PARTNER_CHARS),
            )
    drawn = []
    for pk in sorted(involved):
        blocked_by = {b.activity_id for b in nodes[pk].health.blocked_by}
        for need in sorted(edges.get(pk, ())):
            if need in nodes:
                drawn.append(_edge(nodes[need], nodes[pk], need in blocked_by))
    ordered = sorted(nodes.values(), key=lambda n: (n.x, n.y))
    return Picture(ordered, drawn, width, height)


def _edge(need: Node, dependent: Node, blocking: bool) -> Edge:
    x1, y1 = need.x + NODE_WIDTH, need.y + NODE_HEIGHT // 2
    x2, y2 = dependent.x - 6, dependent.y + NODE_HEIGHT // 2  # room for the arrowhead
    bend = max((x2 - x1) // 2, 30)
    return Edge(f"M{x1},{y1} C{x1 + bend},{y1} {x2 - bend},{y2} {x2},{y2}", blocking)
