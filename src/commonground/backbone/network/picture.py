"""The network picture: partners on a circle, grouped by sector, joined by their ties.

A circle is chosen over a force layout because it is deterministic (the same round always gives
the same picture, so two rounds can be compared by eye), takes time in proportion to the number
of partners, and shows ties across sectors as chords. Node size grows with the number of ties,
colour is the sector, brokers get a heavy outline; a tie named by both partners is a solid line,
by one a dashed line, thicker for closer work. The result is plain coordinates that a template
draws as SVG on the server; the page's tables say the same in words.
"""

from dataclasses import dataclass
from math import cos, pi, sin, sqrt

from commonground.backbone.network import analysis
from commonground.backbone.network.results import RoundResults
from commonground.initiatives.models import Organization

SECTORS = list(Organization.Sector.values)
MIN_RADIUS = 170
SPACING = 20  # px of circle per partner, at the least
NODE_RADIUS = (6, 18)  # no ties, most ties (smaller when partners sit close together)
LABEL_CHARS = 30
CHAR_WIDTH = 7.5  # px, about, at the picture's 13 px type
RADIAL_FROM = 25  # partners; beyond this, labels follow the radius so they never overlap


def shorten(text: str, limit: int = LABEL_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@dataclass
class Node:
    partner: object  # PartnerScores
    x: float
    y: float
    r: float
    sector: str
    label: str
    label_x: float
    label_y: float
    anchor: str  # start, middle, end
    rotate: float  # degrees, about the label's position


@dataclass
class Edge:
    x1: float
    y1: float
    x2: float
    y2: float
    mutual: bool
    strength: int  # the closer of the two sides' intensity, 1–4


@dataclass
class Picture:
    width: int
    height: int
    nodes: list[Node]
    edges: list[Edge]
    sectors: list[tuple[str, str]]  # the sectors present, for the legend: (code, label)


def draw(results: RoundResults) -> Picture:
    """The picture of a round's network."""
    partners = sorted(
        results.partners,
        key=lambda p: (_sector_rank(p.partnership.organization.sector), p.name.casefold()),
    )
    count = len(partners)
    radius = max(MIN_RADIUS, count * SPACING / (2 * pi))
    radial = count >= RADIAL_FROM
    # Neighbours on the circle must not overlap.
    largest = min(NODE_RADIUS[1], 0.45 * 2 * pi * radius / max(count, 1))
    smallest = min(NODE_RADIUS[0], largest / 2)
    longest = max((len(shorten(p.name)) for p in partners), default=0)
    label_room = largest + 10 + CHAR_WIDTH * longest
    margin_x = label_room
    margin_y = label_room if radial else largest + 30
    centre = (round(radius + margin_x), round(radius + margin_y))
    positions = analysis.circle_layout(
        [p.partnership.pk for p in partners], radius=radius, centre=centre
    )
    most = max((p.degree.ties for p in partners), default=0)
    nodes = []
    for partner in partners:
        x, y, angle = positions[partner.partnership.pk]
        size = smallest
        if most:
            size += (largest - smallest) * sqrt(partner.degree.ties / most)
        nodes.append(_node(partner, x, y, round(size, 1), angle, radius, centre, radial))
    edges = [
        Edge(
            *positions[tie.first.pk][:2],
            *positions[tie.second.pk][:2],
            mutual=tie.mutual,
            strength=max(s for s in (tie.first_says, tie.second_says) if s is not None),
        )
        for tie in results.ties
    ]
    present = {p.partnership.organization.sector for p in partners}
    labels = dict(Organization.Sector.choices)
    return Picture(
        width=round(2 * centre[0]),
        height=round(2 * centre[1]),
        nodes=nodes,
        # Weaker ties first so the strong ones are drawn on top.
        edges=sorted(edges, key=lambda e: (e.strength, e.mutual)),
        sectors=[(code, str(labels[code])) for code in SECTORS if code in present],
    )


def _sector_rank(sector: str) -> int:
    return SECTORS.index(sector) if sector in SECTORS else len(SECTORS)


def _node(partner, x, y, size, angle, radius, centre, radial) -> Node:
    radians = angle * pi / 180
    reach = radius + size + 6
    label_x = round(centre[0] + reach * cos(radians), 1)
    label_y = round(centre[1] + reach * sin(radians), 1)
    if radial:
        on_left = 90 < angle < 270
        anchor, rotate = ("end", angle - 180) if on_left else ("start", angle)
    else:
        rotate = 0
        across = cos(radians)
        anchor = "start" if across > 0.25 else "end" if across < -0.25 else "middle"
        down = sin(radians)
        # Labels are centred on their baseline; above and below the circle they move clear.
        label_y += 8 if down > 0.5 else -8 if down < -0.5 else 0
    return Node(
        partner=partner,
        x=x,
        y=y,
        r=size,
        sector=partner.partnership.organization.sector,
        label=shorten(partner.name),
        label_x=label_x,
        label_y=round(label_y, 1),
        anchor=anchor,
        rotate=round(rotate, 1),
    )
