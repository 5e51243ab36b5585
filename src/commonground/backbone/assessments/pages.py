"""What the self-assessment pages show, read from the database in a fixed number of queries and
turned into rows the templates print (the figures come from the pure ``results`` module).

Who sees what (``docs/assessments.md``):

* results appear once a round is closed — while it is open, averages that move as each person
  submits would give away what that person answered;
* the backbone (``Perm.VIEW_CONSOLE``) sees every figure made from at least
  ``BACKBONE_THRESHOLD`` answers, and who has answered (never what);
* everyone else sees a group's figures only when at least *k* people answered
  (``Initiative.suppression_threshold``), per sector only with at least *k* in that sector, and
  each figure only when *k* scores make it (``results.disclose``).
"""

from collections import defaultdict
from dataclasses import dataclass
from fractions import Fraction

from django.utils.translation import gettext as _

from commonground.backbone.assessments.results import (
    BACKBONE_THRESHOLD,
    NO_SECTOR,
    WITHHELD_COMPLEMENT,
    Change,
    Figure,
    Sheet,
    Shown,
    StageProgress,
    analyse,
    compare,
    disclose,
    rounded,
    stage_progress,
    stage_reached,
)
from commonground.backbone.instruments import STAGES, RatingInstrument
from commonground.backbone.models import AssessmentResponse, BenchmarkEvidence, Rating, Round
from commonground.initiatives.models import Organization
from commonground.insight.charts import gap_chart_spec

Status = Round.Status
SECTOR_NAMES = dict(Organization.Sector.choices)
CHART_ROUNDS = 8  # the chart across rounds shows the latest ones


def sector_name(sector: str) -> str:
    if sector == NO_SECTOR:
        return _("Not for a partner (backbone, steering, others)")
    return str(SECTOR_NAMES.get(sector, sector))


def submitted_sheets(rounds) -> dict[int, list[Sheet]]:
    """The submitted responses of ``rounds``, as sheets by round id (two queries)."""
    round_ids = [r.pk for r in rounds]
    submitted = {"round__in": round_ids, "submitted_at__isnull": False}
    sectors = {
        pk: (round_id, sector or NO_SECTOR)
        for pk, round_id, sector in AssessmentResponse.objects.filter(**submitted).values_list(
            "pk", "round_id", "partnership__organization__sector"
        )
    }
    scores: dict[int, dict] = defaultdict(dict)
    for response_id, item, score in Rating.objects.filter(
        response__round__in=round_ids, response__submitted_at__isnull=False
    ).values_list("response_id", "item", "score"):
        scores[response_id][item] = score
    sheets: dict[int, list[Sheet]] = {pk: [] for pk in round_ids}
    for pk, (round_id, sector) in sorted(sectors.items()):
        sheets[round_id].append(Sheet(sector=sector, scores=scores[pk]))
    return sheets


# Figures as printed -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """A figure as a reader sees it: ``text`` is the mean ("3.25"), or empty when withheld
    (``withheld`` says why) or when nobody could rate it."""

    text: str = ""
    count: int = 0
    dont_know: int = 0
    withheld: str = ""


def cell_of(figure: Figure | None, shown: Shown) -> Cell:
    if shown.results is None:
        return Cell(withheld=shown.reason)
    if figure is None:
        return Cell()
    if figure.withheld:
        return Cell(withheld=figure.withheld)
    if figure.mean is None:
        return Cell(count=0, dont_know=figure.dont_know)
    return Cell(str(rounded(figure.mean)), figure.count, figure.dont_know)


def change_text(change: Fraction | None) -> str:
    if change is None:
        return ""
    value = rounded(change)
    if value == 0:
        return "0.00"
    return f"+{value}" if value > 0 else f"−{abs(value)}"


@dataclass
class ItemRow:
    code: str
    text: str
    cell: Cell


@dataclass
class AreaRow:
    code: str
    name: str
    description: str
    cell: Cell
    sectors: list[Cell]
    items: list[ItemRow]


@dataclass
class SectorColumn:
    name: str
    respondents: int
    withheld: str


@dataclass
class ChangeRow:
    name: str
    is_area: bool
    before: str
    after: str
    change: str
    direction: str  # "up", "down", "same" or ""


@dataclass
class ComparisonView:
    before: Round
    after: Round
    respondents_before: int
    respondents_after: int
    before_withheld: str
    after_withheld: str
    rows: list[ChangeRow]


@dataclass
class RatingResults:
    """A closed rating round's results as one reader may see them."""

    threshold: int
    respondents: int
    overall_withheld: str
    areas: list[AreaRow]
    sector_columns: list[SectorColumn]
    comparison: ComparisonView | None
    chart: dict | None
    chart_rounds: list[str]
    chart_table: list[tuple[str, list[str]]]
    complement_note: bool


def _area_rows(instrument: RatingInstrument, disclosed) -> list[AreaRow]:
    overall = disclosed.overall
    rows = []
    for area in instrument.areas:
        area_figures = overall.results.areas if overall.results else {}
        item_figures = overall.results.items if overall.results else {}
        rows.append(
            AreaRow(
                code=area.code,
                name=str(area.name),
                description=str(area.description),
                cell=cell_of(area_figures.get(area.code), overall),
                sectors=[
                    cell_of(s.results.areas.get(area.code) if s.results else None, s)
                    for s in disclosed.sectors
                ],
                items=[
                    ItemRow(s.code, str(s.text), cell_of(item_figures.get(s.code), overall))
                    for s in area.statements
                ],
            )
        )
    return rows


def _direction(change: Change) -> str:
    value = change.change
    if value is None:
        return ""
    shown = rounded(value)
    return "up" if shown > 0 else "down" if shown < 0 else "same"


def _mean_text(figure: Figure | None) -> str:
    return "" if figure is None or figure.mean is None else str(rounded(figure.mean))


def comparison_view(rounds: tuple[Round, Round], shown: dict[int, Shown], instrument):
    """Two rounds side by side, the earlier first: the change is later − earlier."""
    before_round, after_round = sorted(rounds, key=lambda r: (r.opens_on, r.pk))
    before, after = shown[before_round.pk], shown[after_round.pk]
    comparison = compare(before, after, instrument)
    names = {a.code: str(a.name) for a in instrument.areas}
    texts = {s.code: str(s.text) for s in instrument.statements}
    rows = []
    for area_change in comparison.areas:
        area = next(a for a in instrument.areas if a.code == area_change.code)
        for is_area, change, name in [
            (True, area_change, names[area.code]),
            *[
                (False, c, texts[c.code])
                for c in comparison.items
                if c.code in {s.code for s in area.statements}
            ],
        ]:
            rows.append(
                ChangeRow(
                    name=name,
                    is_area=is_area,
                    before=_mean_text(change.before),
                    after=_mean_text(change.after),
                    change=change_text(change.change),
                    direction=_direction(change),
                )
            )
    return ComparisonView(
        before=before_round,
        after=after_round,
        respondents_before=comparison.respondents_before,
        respondents_after=comparison.respondents_after,
        before_withheld=before.reason,
        after_withheld=after.reason,
        rows=rows,
    )


def round_labels(rounds: list[Round]) -> dict[int, str]:
    """Each round's label on the chart: its title, with its opening month if titles repeat."""
    titles = [r.title for r in rounds]
    return {
        r.pk: r.title if titles.count(r.title) == 1 else f"{r.title} ({r.opens_on:%Y-%m})"
        for r in rounds
    }


def trend_chart(instrument, rounds: list[Round], shown: dict[int, Shown]):
    """The areas' means across ``rounds`` (oldest first): a Vega-Lite chart (``None`` if
    nothing is shown) and its table, rows of (area, the mean in each round)."""
    labels = round_labels(rounds)
    periods = [labels[r.pk] for r in rounds]
    lines = []
    table = []
    for area in instrument.areas:
        series = []
        for r in rounds:
            results = shown[r.pk].results
            figure = results.areas.get(area.code) if results else None
            mean = rounded(figure.mean) if figure and figure.mean is not None else None
            series.append((labels[r.pk], mean))
        lines.append((str(area.name), series))
        table.append((str(area.name), [str(v) if v is not None else "" for _p, v in series]))
    if not any(v is not None for _name, series in lines for _p, v in series):
        return None, table
    spec = gap_chart_spec(
        lines,
        periods=periods,
        decimals=2,
        description=_("Mean rating of each area, round by round, on the 1–5 scale."),
        height=280,
    )
    # The whole scale, so a change looks as big as it is.
    spec["layer"][0]["encoding"]["y"]["scale"] = {"domain": [1, 5], "zero": False}
    spec["layer"][0]["encoding"]["y"]["title"] = _("Mean (1–5)")
    return spec, table


def rating_results(
    assessment: Round, instrument: RatingInstrument, *, backbone: bool, compare_with=None
) -> RatingResults:
    """The results page of a closed rating round for the backbone or for everyone else.

    ``compare_with`` is the closed round to compare with (default: the previous closed round of
    the same instrument).
    """
    initiative = assessment.initiative
    threshold = BACKBONE_THRESHOLD if backbone else initiative.suppression_threshold
    closed = list(
        Round.objects.filter(
            initiative=initiative, instrument=assessment.instrument, status=Status.CLOSED
        ).order_by("opens_on", "pk")
    )
    position = next(i for i, r in enumerate(closed) if r.pk == assessment.pk)
    history = closed[max(0, position + 1 - CHART_ROUNDS) : position + 1]
    if compare_with is None and position > 0:
        compare_with = closed[position - 1]
    wanted = {r.pk: r for r in history}
    if compare_with is not None:
        wanted[compare_with.pk] = compare_with
    sheets = submitted_sheets(list(wanted.values()))
    disclosed = {pk: disclose(analyse(sheets[pk], instrument), threshold) for pk in wanted}
    this = disclosed[assessment.pk]
    comparison = None
    if compare_with is not None:
        comparison = comparison_view(
            (compare_with, assessment), {pk: d.overall for pk, d in disclosed.items()}, instrument
        )
    chart, chart_table = trend_chart(
        instrument, history, {pk: d.overall for pk, d in disclosed.items()}
    )
    areas = _area_rows(instrument, this)
    return RatingResults(
        threshold=threshold,
        respondents=this.overall.respondents,
        overall_withheld=this.overall.reason,
        areas=areas,
        sector_columns=[
            SectorColumn(sector_name(s.key), s.respondents, s.reason) for s in this.sectors
        ],
        comparison=comparison,
        chart=chart if len(history) > 1 else None,
        chart_rounds=list(round_labels(history).values()),
        chart_table=chart_table,
        complement_note=any(
            cell.withheld == WITHHELD_COMPLEMENT
            for row in areas
            for cell in [*row.sectors, row.cell, *(item.cell for item in row.items)]
        ),
    )


# Who has answered (the backbone's view) ---------------------------------------------------------


@dataclass
class Progress:
    """Who has answered a rating round — never what. ``waiting``: people who answer rating
    rounds and have not started."""

    submitted: list
    drafts: list
    waiting: list


def answer_progress(assessment: Round, answering_roles: list[str]) -> Progress:
    responses = list(
        AssessmentResponse.objects.filter(round=assessment)
        .select_related("respondent", "partnership__organization")
        .order_by("respondent__last_name", "respondent__first_name", "pk")
    )
    started = {r.respondent_id for r in responses}
    waiting = (
        assessment.initiative.memberships.filter(is_active=True, role__in=answering_roles)
        .exclude(user_id__in=started)
        .select_related("user", "partnership__organization")
    )
    return Progress(
        submitted=[r for r in responses if r.submitted_at is not None],
        drafts=[r for r in responses if r.submitted_at is None],
        waiting=list(waiting),
    )


# Stage benchmarks -------------------------------------------------------------------------------


@dataclass
class BenchmarkRow:
    code: str
    text: str
    record: BenchmarkEvidence | None
    previous: BenchmarkEvidence | None

    @property
    def status(self) -> str:
        """``""`` when nothing is recorded in this round yet."""
        return self.record.status if self.record else ""

    @property
    def previous_status(self) -> str:
        return self.previous.status if self.previous else ""

    @property
    def changed(self) -> bool:
        return bool(self.status and self.previous_status and self.status != self.previous_status)


@dataclass
class StageSection:
    code: str
    name: str
    description: str
    rows: list[BenchmarkRow]
    progress: StageProgress
    previous_progress: StageProgress | None


@dataclass
class BenchmarkPage:
    stages: list[StageSection]
    reached: str | None
    previous_round: Round | None
    previous_reached: str | None
    history_rounds: list[str]
    history: list[tuple[str, list[str]]]  # stage name, "met of total" in each round


def _statuses(records) -> dict[str, str]:
    return {r.benchmark: r.status for r in records}


def benchmark_page(assessment: Round) -> BenchmarkPage:
    """A benchmarks round beside the previous closed one, and met benchmarks round by round."""
    closed = list(
        Round.objects.filter(
            initiative=assessment.initiative,
            instrument=Round.Instrument.STAGE_BENCHMARKS,
            status=Status.CLOSED,
        ).order_by("opens_on", "pk")
    )
    if assessment.status == Status.CLOSED:
        position = next(i for i, r in enumerate(closed) if r.pk == assessment.pk)
        history = closed[max(0, position + 1 - CHART_ROUNDS) : position + 1]
    else:
        history = [*closed[-(CHART_ROUNDS - 1) :], assessment]
    previous_round = history[-2] if len(history) > 1 else None
    records: dict[int, list[BenchmarkEvidence]] = defaultdict(list)
    for record in BenchmarkEvidence.objects.filter(round__in=history).select_related("recorded_by"):
        records[record.round_id].append(record)
    current = {r.benchmark: r for r in records[assessment.pk]}
    previous = {r.benchmark: r for r in records[previous_round.pk]} if previous_round else {}
    progress = stage_progress(STAGES, _statuses(current.values()))
    previous_progress = (
        stage_progress(STAGES, _statuses(previous.values())) if previous_round else None
    )
    per_round = [stage_progress(STAGES, _statuses(records[r.pk])) for r in history]
    return BenchmarkPage(
        stages=[
            StageSection(
                code=stage.code,
                name=str(stage.name),
                description=str(stage.description),
                rows=[
                    BenchmarkRow(b.code, str(b.text), current.get(b.code), previous.get(b.code))
                    for b in stage.benchmarks
                ],
                progress=progress[i],
                previous_progress=previous_progress[i] if previous_progress else None,
            )
            for i, stage in enumerate(STAGES)
        ],
        reached=stage_reached(progress),
        previous_round=previous_round,
        previous_reached=stage_reached(previous_progress) if previous_progress else None,
        history_rounds=list(round_labels(history).values()),
        history=[
            (
                str(stage.name),
                [
                    _("%(met)d of %(total)d")
                    % {"met": rounds_progress[i].met, "total": rounds_progress[i].total}
                    for rounds_progress in per_round
                ],
            )
            for i, stage in enumerate(STAGES)
        ],
    )
