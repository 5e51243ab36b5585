"""The results of one network round, read from the database in a fixed number of queries and
computed by ``analysis``; and what a partner may see of them.

Only submitted answers count. The network of a round is every partner in it (those active when
it opened, and any named later), whether it answered or not: a partner that did not answer can
still be named by others. A tie exists when either partner names the other; scores are per
direction, so a partner's trust and value scores are the averages of the ratings it *received*.
"""

from dataclasses import dataclass, field

from commonground.backbone.models import NetworkResponse, Relationship, Round
from commonground.backbone.network import analysis
from commonground.backbone.network.services import RATING_FIELDS, TRUST_FIELDS, VALUE_FIELDS
from commonground.initiatives.models import Partnership

SUBMITTED, DRAFT, NOT_STARTED = "submitted", "draft", "not_started"


@dataclass
class PartnerScores:
    """One partner in one round: what others said of it and where it sits in the network."""

    partnership: Partnership
    answer: str  # "submitted", "draft" or "not_started"
    raters: int  # partners whose submitted answer named it: the n of its scores
    trust: float | None
    value: float | None
    intensity: float | None
    items: dict[str, float | None]  # each of the seven items' mean received
    degree: analysis.Degree
    betweenness: float
    is_broker: bool = False

    @property
    def name(self) -> str:
        return self.partnership.organization.name

    @property
    def responded(self) -> bool:
        return self.answer == SUBMITTED


@dataclass(frozen=True)
class TieRow:
    """A tie between two partners, with the intensity each gave (None: it did not name the
    other)."""

    first: Partnership
    second: Partnership
    first_says: int | None
    second_says: int | None

    @property
    def mutual(self) -> bool:
        return self.first_says is not None and self.second_says is not None

    @property
    def key(self) -> frozenset:
        return frozenset((self.first.pk, self.second.pk))


@dataclass
class BrokerRow:
    partner: PartnerScores
    betweenness: float
    cut_off: list[list[Partnership]]


@dataclass
class RoundResults:
    """Everything the backbone sees of a round."""

    round: Round
    partners: list[PartnerScores]  # by name
    ties: list[TieRow]
    nominations: int
    brokers: list[BrokerRow]
    groups: int  # connected parts of the tie graph (an isolated partner is a part)
    intensity_counts: dict[int, int] = field(default_factory=dict)  # nominations per level
    mean_trust: float | None = None
    mean_value: float | None = None

    @property
    def size(self) -> int:
        return len(self.partners)

    @property
    def respondents(self) -> int:
        return sum(p.responded for p in self.partners)

    @property
    def response_rate(self) -> float | None:
        return self.respondents / self.size if self.partners else None

    @property
    def density(self) -> float:
        return analysis.density(self.size, len(self.ties))

    @property
    def mutual_ties(self) -> int:
        return sum(t.mutual for t in self.ties)

    @property
    def by_pk(self) -> dict[int, PartnerScores]:
        return {p.partnership.pk: p for p in self.partners}


def round_results(survey: Round) -> RoundResults:
    """The round's results (three queries, however many partners and ties)."""
    responses = list(
        NetworkResponse.objects.filter(round=survey).select_related("partnership__organization")
    )
    relationships = list(
        Relationship.objects.filter(response__round=survey)
        .exclude(response__submitted_at=None)
        .values("response__partnership_id", "partner_id", *RATING_FIELDS)
    )
    partners = {r.partnership.pk: r.partnership for r in responses}
    missing = {r["partner_id"] for r in relationships} - set(partners)
    if missing:  # named before the rule that every named partner joins the round
        for partnership in Partnership.objects.filter(pk__in=missing).select_related(
            "organization"
        ):
            partners[partnership.pk] = partnership
    answers = {r.partnership_id: _answer_state(r) for r in responses}
    return compute(survey, partners, answers, relationships)


def _answer_state(response: NetworkResponse) -> str:
    if response.submitted_at is not None:
        return SUBMITTED
    return DRAFT if response.respondent_id is not None else NOT_STARTED


def compute(survey, partners: dict, answers: dict, relationships: list[dict]) -> RoundResults:
    """The figures from plain rows: ``partners`` by id, each one's answer state by id, and
    ``relationships`` as dicts with ``response__partnership_id`` (who rated), ``partner_id``
    (who was rated) and the seven ratings, from submitted answers only."""
    nodes = sorted(partners)
    arcs = {(r["response__partnership_id"], r["partner_id"]) for r in relationships}
    ties = analysis.ties_from_arcs(arcs)
    degrees = analysis.degrees(nodes, arcs)
    between = analysis.betweenness(nodes, ties)
    received: dict[int, list[dict]] = {pk: [] for pk in nodes}
    intensity: dict[tuple, int] = {}
    for row in relationships:
        received[row["partner_id"]].append(row)
        intensity[(row["response__partnership_id"], row["partner_id"])] = row["intensity"]
    rows = [
        _partner_scores(
            partners[pk], answers.get(pk, NOT_STARTED), received[pk], degrees[pk], between[pk]
        )
        for pk in nodes
    ]
    rows.sort(key=lambda p: (p.name.casefold(), p.partnership.pk))
    by_pk = {p.partnership.pk: p for p in rows}
    brokers = []
    for broker in analysis.brokers(nodes, ties):
        by_pk[broker.node].is_broker = True
        brokers.append(
            BrokerRow(
                partner=by_pk[broker.node],
                betweenness=broker.betweenness,
                cut_off=[[partners[pk] for pk in group] for group in broker.cut_off],
            )
        )
    return RoundResults(
        round=survey,
        partners=rows,
        ties=_tie_rows(ties, partners, intensity),
        nominations=len(arcs),
        brokers=brokers,
        groups=len(analysis.components(nodes, ties)),
        intensity_counts={
            level: sum(1 for r in relationships if r["intensity"] == level) for level in range(1, 5)
        },
        mean_trust=analysis.mean(_item_mean(r, TRUST_FIELDS) for r in relationships),
        mean_value=analysis.mean(_item_mean(r, VALUE_FIELDS) for r in relationships),
    )


def _item_mean(row: dict, fields) -> float:
    return sum(row[name] for name in fields) / len(fields)


def _partner_scores(partnership, answer, received, degree, betweenness) -> PartnerScores:
    return PartnerScores(
        partnership=partnership,
        answer=answer,
        raters=len(received),
        trust=analysis.mean(_item_mean(r, TRUST_FIELDS) for r in received),
        value=analysis.mean(_item_mean(r, VALUE_FIELDS) for r in received),
        intensity=analysis.mean(r["intensity"] for r in received),
        items={name: analysis.mean(r[name] for r in received) for name in RATING_FIELDS},
        degree=degree,
        betweenness=betweenness,
    )


def _tie_rows(ties, partners, intensity) -> list[TieRow]:
    rows = []
    for tie in ties:
        first, second = sorted(
            (partners[pk] for pk in tie), key=lambda p: (p.organization.name.casefold(), p.pk)
        )
        rows.append(
            TieRow(
                first=first,
                second=second,
                first_says=intensity.get((first.pk, second.pk)),
                second_says=intensity.get((second.pk, first.pk)),
            )
        )
    rows.sort(key=lambda t: (t.first.organization.name.casefold(), t.second.organization.name))
    return rows


# What a partner sees ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PartnerView:
    """What members outside the backbone see of a closed round: network-wide figures when at
    least ``k`` partners other than their own answered, and their own partner's received scores
    when at least ``k`` partners rated it. It holds no other partner's figures, so a template
    cannot show them."""

    k: int
    closed: bool
    size: int
    respondents: int
    others: int  # respondents other than the person's own partner
    network: dict | None  # density, ties, mutual ties, mean trust and value, intensity counts
    own: PartnerScores | None  # their partner's scores, when shown
    own_partner: Partnership | None
    own_raters_below_k: bool


def partner_view(results: RoundResults, partnership: Partnership | None, k: int) -> PartnerView:
    """The round as a member who is not the backbone may see it (``docs/network-survey.md``).

    Nothing is shown while the round is open: watching a figure change as each answer arrives
    would give away single answers. A partner's own answers are not counted towards k, since it
    could take them out of the figures again and read what the others said."""
    closed = results.round.status == Round.Status.CLOSED
    own = results.by_pk.get(partnership.pk) if partnership is not None else None
    others = results.respondents - (1 if own is not None and own.responded else 0)
    network = None
    if closed and others >= k:
        network = {
            "density": results.density,
            "ties": len(results.ties),
            "mutual_ties": results.mutual_ties,
            "mean_trust": results.mean_trust,
            "mean_value": results.mean_value,
            "intensity_counts": results.intensity_counts,
            "groups": results.groups,
        }
    shown = own if closed and own is not None and own.raters >= k else None
    return PartnerView(
        k=k,
        closed=closed,
        size=results.size,
        respondents=results.respondents,
        others=others,
        network=network,
        own=shown,
        own_partner=partnership if own is not None else None,
        own_raters_below_k=closed and own is not None and own.raters < k,
    )
