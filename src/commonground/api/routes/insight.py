"""Results: rollups (aggregates of approved data) and the community report card.

Rollups and the internal report card are internal results (``VIEW_RESULTS``), as on the pages.
Everyone else in a public initiative gets the public card — published indicators, small cells
withheld — exactly what ``/public/<slug>/`` shows.
"""

from datetime import datetime
from typing import Any

from ninja import Field, Query, Router, Schema

from commonground.api import scope
from commonground.api.errors import NotFound
from commonground.api.lists import Filters, Page, PageParams, paginate
from commonground.api.schemas import Slug, Text, exact, read
from commonground.core.permissions import Perm
from commonground.initiatives.models import WorkingGroup
from commonground.insight.document import build_report_card, report_card_json
from commonground.insight.models import Rollup

router = Router(tags=["Results"])


class RollupOut(Schema):
    indicator: str
    period: str
    cell: str = Field(description="Canonical cell key; empty: the total.")
    working_group: str | None = Field(description="Null: all partners of the initiative.")
    value: str | None
    numerator: str | None
    denominator: str | None
    reporters: int = Field(description="How many partners' values it combines.")
    censored: int = Field(description="Censored values left out of it.")
    updated_at: datetime


class RollupFilters(Filters):
    LOOKUPS = {"indicator": "indicator__code", "period": "period"}

    indicator: Text | None = Field(None, description="Indicator code.")
    period: Text | None = None
    cell: Text | None = Field(None, description="A cell key; '' for totals only.")
    working_group: Text | None = Field(
        None, description="A working group's code; left out: all partners."
    )


class ReportCardParams(Schema):
    public: bool = Field(False, description="The public card (published, small cells withheld).")
    working_group: Text | None = Field(None, description="The card of one working group.")


class ShareOut(Schema):
    numerator: int
    denominator: int
    share: float | None


class HeadlineOut(Schema):
    improving: ShareOut = Field(description="Indicators improving, of those with a trend.")
    gaps_closing: ShareOut = Field(description="Equity gaps closing, of those with a trend.")


class ReportCardOut(Schema):
    """The report card document (`commonground reportcard --format json` gives the same):
    figures measured or derived from measurements are strings (exact), test statistics numbers.
    docs/insight-methods.md explains every field of `indicators`."""

    initiative: dict[str, str]
    working_group: str | None
    public: bool
    generated_at: str
    suppression_threshold: int
    headline: HeadlineOut
    indicators: list[dict[str, Any]]


def _rollup(rollup: Rollup) -> dict:
    return {
        "indicator": rollup.indicator.code,
        "period": rollup.period,
        "cell": rollup.cell,
        "working_group": rollup.working_group.code if rollup.working_group else None,
        "value": exact(rollup.value),
        "numerator": exact(rollup.numerator),
        "denominator": exact(rollup.denominator),
        "reporters": rollup.reporters,
        "censored": rollup.censored,
        "updated_at": rollup.updated_at,
    }


@router.get("/initiatives/{slug}/rollups", response=read(Page[RollupOut]), summary="Aggregates")
def list_rollups(request, slug: Slug, filters: Query[RollupFilters], paging: Query[PageParams]):
    """Every indicator's aggregates of approved data per period and cell, over all partners or
    one working group's, by the indicator's rule (internal results: no suppression)."""
    access = scope.access(request, slug, Perm.VIEW_RESULTS)
    rollups = Rollup.objects.filter(indicator__initiative=access.initiative).select_related(
        "indicator", "working_group"
    )
    if filters.working_group:
        rollups = rollups.filter(working_group__code=filters.working_group)
    else:
        rollups = rollups.filter(working_group__isnull=True)
    rollups = filters.narrow(rollups)
    if filters.cell is not None:  # '' is a filter too: the totals
        rollups = rollups.filter(cell=filters.cell)
    rollups = rollups.order_by("indicator__sort_order", "indicator__code", "period", "cell", "pk")
    return paginate(request, rollups, paging, _rollup)


@router.get(
    "/initiatives/{slug}/report-card", response=read(ReportCardOut), summary="The report card"
)
def report_card(request, slug: Slug, params: Query[ReportCardParams]):
    """The community report card as data. Those who see internal results get the internal card
    (every indicator) unless they ask for `public`; others get the public card of a public
    initiative (and 404 for a private one)."""
    access = scope.access(request, slug)
    initiative = access.initiative
    public = params.public or not access.has(Perm.VIEW_RESULTS)
    if public and not initiative.is_public:
        raise NotFound
    group = None
    if params.working_group:
        group = WorkingGroup.objects.filter(
            initiative=initiative, code=params.working_group
        ).first()
        if group is None:
            raise NotFound
    return report_card_json(build_report_card(initiative, public=public, working_group=group))
