"""Self-assessment results: pure functions of submitted answers (no database), so every figure
can be checked by hand (``docs/assessments.md`` works an example).

* An **item** (one statement) scores the mean of the scores it was given; "don't know" answers
  are counted but left out of the mean.
* An **area** (a condition, a backbone activity) scores, for each respondent, the mean of their
  scores on its statements, and then the mean of those respondent scores: everyone weighs the
  same, however many of the area's statements they could rate. A respondent who rated none of
  them counts as "don't know" for the area.
* **By sector**: the same figures over the respondents whose partner organization is in that
  sector (``""``: people who do not answer for a partner — backbone staff, steering members).
* **Disclosure** (``disclose``): a group's figures are shown only when at least ``threshold``
  people answered, and each figure only when at least ``threshold`` scores make it; a sector
  that could be worked out from the total and the sectors shown is withheld too. Partners read
  with ``threshold`` = the initiative's *k*; the backbone with ``BACKBONE_THRESHOLD``.
* **Comparison** (``compare``): the change of each mean between two rounds, beside the number of
  respondents in each; a change needs both figures shown.

Means are exact fractions; ``rounded`` turns them into the two-decimal figures the pages show.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction

from commonground.backbone.instruments import RatingInstrument

# The backbone sees every figure made from two answers or more: never a single person's answers,
# which it could read off the list of who responded (see docs/assessments.md).
BACKBONE_THRESHOLD = 2
NO_SECTOR = ""


@dataclass(frozen=True)
class Sheet:
    """One submitted response: the sector of the partner it answers for (``NO_SECTOR`` if
    none) and its scores by item code; ``None`` is "don't know", an item left out was not
    answered."""

    sector: str
    scores: Mapping[str, int | None]


@dataclass(frozen=True)
class Figure:
    """A mean over ``count`` scores (for an area: respondent scores); ``dont_know`` answers
    were left out. ``mean`` is ``None`` when nothing was scored, or when the figure is withheld
    from the reader (``withheld`` says why; see ``disclose``)."""

    mean: Fraction | None
    count: int
    dont_know: int = 0
    withheld: str = ""


@dataclass(frozen=True)
class GroupResults:
    respondents: int
    areas: dict[str, Figure]
    items: dict[str, Figure]


@dataclass(frozen=True)
class RoundResults:
    overall: GroupResults
    sectors: dict[str, GroupResults]


def _mean(values: list) -> Fraction | None:
    return Fraction(sum(values), len(values)) if values else None


def summarize(sheets: Iterable[Sheet], instrument: RatingInstrument) -> GroupResults:
    """The figures of one group of responses."""
    sheets = list(sheets)
    items = {}
    for statement in instrument.statements:
        answers = [s.scores[statement.code] for s in sheets if statement.code in s.scores]
        scored = [a for a in answers if a is not None]
        items[statement.code] = Figure(_mean(scored), len(scored), len(answers) - len(scored))
    areas = {}
    for area in instrument.areas:
        codes = [s.code for s in area.statements]
        respondent_scores = []
        dont_know = 0
        for sheet in sheets:
            scored = [sheet.scores[c] for c in codes if sheet.scores.get(c) is not None]
            if scored:
                respondent_scores.append(_mean(scored))
            elif any(c in sheet.scores for c in codes):
                dont_know += 1
        areas[area.code] = Figure(_mean(respondent_scores), len(respondent_scores), dont_know)
    return GroupResults(respondents=len(sheets), areas=areas, items=items)


def analyse(sheets: Iterable[Sheet], instrument: RatingInstrument) -> RoundResults:
    """The round's figures over everyone and for each sector that answered."""
    sheets = list(sheets)
    by_sector: dict[str, list[Sheet]] = defaultdict(list)
    for sheet in sheets:
        by_sector[sheet.sector].append(sheet)
    return RoundResults(
        overall=summarize(sheets, instrument),
        sectors={sector: summarize(group, instrument) for sector, group in by_sector.items()},
    )


# Disclosure -------------------------------------------------------------------------------------


WITHHELD_FEW = "few"  # made from fewer answers than the threshold
WITHHELD_COMPLEMENT = "complement"  # withheld so that a smaller figure cannot be worked out


@dataclass(frozen=True)
class Shown:
    """One group as a reader may see it: ``results`` is ``None`` when the whole group is
    withheld (``reason``); within a shown group, a withheld figure has no mean and carries its
    reason in ``Figure.withheld``."""

    key: str
    respondents: int
    results: GroupResults | None
    reason: str = ""


@dataclass(frozen=True)
class Disclosed:
    overall: Shown
    sectors: list[Shown] = field(default_factory=list)


def _hidden(reason: str) -> Figure:
    return Figure(None, 0, 0, withheld=reason)


def disclose(results: RoundResults, threshold: int) -> Disclosed:
    """What a reader may see when every figure must come from at least ``threshold`` answers.

    1. A group (everyone, or a sector) with fewer respondents than ``threshold`` is withheld;
       so is every sector when everyone's group is.
    2. When the withheld sectors add up to between 1 and ``threshold`` − 1 respondents, they
       could be worked out as everyone minus the sectors shown: the smallest shown sector is
       withheld too.
    3. In a shown group, a figure made from fewer than ``threshold`` scores ("don't know" left
       out) is withheld, and, figure by figure, rule 2 is applied again to the sectors.
    """
    overall = results.overall
    groups = sorted(results.sectors.items())
    if overall.respondents < threshold:
        return Disclosed(
            overall=Shown("", overall.respondents, None, WITHHELD_FEW),
            sectors=[Shown(key, g.respondents, None, WITHHELD_FEW) for key, g in groups],
        )
    reasons = {key: WITHHELD_FEW for key, g in groups if g.respondents < threshold}
    hidden_respondents = sum(results.sectors[key].respondents for key in reasons)
    if 0 < hidden_respondents < threshold:
        shown = [(g.respondents, key) for key, g in groups if key not in reasons]
        if shown:
            reasons[min(shown)[1]] = WITHHELD_COMPLEMENT
    figures = {
        key: {"areas": dict(g.areas), "items": dict(g.items)}
        for key, g in groups
        if key not in reasons
    }
    everyone = {"areas": dict(overall.areas), "items": dict(overall.items)}
    for kind in ("areas", "items"):
        for code, figure in everyone[kind].items():
            if figure.count < threshold:
                everyone[kind][code] = _hidden(WITHHELD_FEW)
            _complement_figure(code, kind, results, reasons, figures, threshold)
    return Disclosed(
        overall=Shown("", overall.respondents, GroupResults(overall.respondents, **everyone)),
        sectors=[
            Shown(key, g.respondents, None, reasons[key])
            if key in reasons
            else Shown(key, g.respondents, GroupResults(g.respondents, **figures[key]))
            for key, g in groups
        ],
    )


def _complement_figure(code, kind, results, reasons, figures, threshold) -> None:
    """Withhold one figure of the shown sectors: those made from too few scores, and, when the
    withheld ones add up to too few, the smallest shown one as well."""
    hidden_count = sum(getattr(results.sectors[key], kind)[code].count for key in reasons)
    shown = []
    for key, group in figures.items():
        figure = group[kind][code]
        if figure.count < threshold:
            group[kind][code] = _hidden(WITHHELD_FEW)
            hidden_count += figure.count
        else:
            shown.append((figure.count, key))
    if 0 < hidden_count < threshold and shown:
        figures[min(shown)[1]][kind][code] = _hidden(WITHHELD_COMPLEMENT)


# Comparison -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One area or item in two rounds; ``before``/``after`` are ``None`` where withheld."""

    code: str
    before: Figure | None
    after: Figure | None

    @property
    def change(self) -> Fraction | None:
        if self.before is None or self.after is None:
            return None
        if self.before.mean is None or self.after.mean is None:
            return None
        return self.after.mean - self.before.mean


@dataclass(frozen=True)
class Comparison:
    respondents_before: int
    respondents_after: int
    areas: list[Change]
    items: list[Change]


def compare(before: Shown, after: Shown, instrument: RatingInstrument) -> Comparison:
    """Each area's and item's mean in two rounds and its change (after − before)."""

    def figures(shown: Shown, kind: str) -> dict[str, Figure]:
        return getattr(shown.results, kind) if shown.results is not None else {}

    return Comparison(
        respondents_before=before.respondents,
        respondents_after=after.respondents,
        areas=[
            Change(
                a.code, figures(before, "areas").get(a.code), figures(after, "areas").get(a.code)
            )
            for a in instrument.areas
        ],
        items=[
            Change(
                s.code, figures(before, "items").get(s.code), figures(after, "items").get(s.code)
            )
            for s in instrument.statements
        ],
    )


def rounded(value: Fraction | None, places: int = 2) -> Decimal | None:
    """``value`` to ``places`` decimals, halves to even (as the report card rounds)."""
    if value is None:
        return None
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN)


# Stage benchmarks -------------------------------------------------------------------------------


@dataclass(frozen=True)
class StageProgress:
    stage: str
    total: int
    met: int
    in_progress: int

    @property
    def complete(self) -> bool:
        return self.met == self.total


def stage_progress(stages, statuses: Mapping[str, str]) -> list[StageProgress]:
    """For each stage (``instruments.STAGES``, in order), how many benchmarks are met or in
    progress according to ``statuses`` (benchmark code → ``BenchmarkEvidence.Status``)."""
    progress = []
    for stage in stages:
        codes = [b.code for b in stage.benchmarks]
        progress.append(
            StageProgress(
                stage=stage.code,
                total=len(codes),
                met=sum(statuses.get(c) == "met" for c in codes),
                in_progress=sum(statuses.get(c) == "in_progress" for c in codes),
            )
        )
    return progress


def stage_reached(progress: list[StageProgress]) -> str | None:
    """The furthest stage whose benchmarks, and every earlier stage's, are all met."""
    reached = None
    for stage in progress:
        if not stage.complete:
            break
        reached = stage.stage
    return reached
