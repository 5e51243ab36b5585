"""How much of the money around an initiative is aligned to its agenda, and its leverage.

**Funders' money** is the grants and funding commitments recorded for the initiative. The share
aligned to the agenda, for one fiscal year of the initiative, is

    money of the grants linked to at least one current (not retired) strategy
    ÷ money of all grants, in that year.

A grant's money *in a year* is its amount spread evenly over its days (both ends included): a
two-year grant of $200,000 from 1 July 2024 to 30 June 2026 puts $100,000 in FY2024 and FY2025
each, so a multi-year grant is never counted in full in every year it touches. Amounts are
rounded to the cent (halves to even) grant by grant, and the sums add those cents.

**Partners' money** is shown separately, in two kinds that do not add up with each other:

* activity budgets — the action plan's activities running in the year (not cancelled), spread
  over their dates in the same way when both are known and counted in full when a date is open;
  aligned when the activity is linked to a current strategy;
* charter commitments — the money a year each active partnership committed when it last signed
  the common agenda (on or before the year's end): committed to the agenda as a whole, so
  aligned by definition.

By strategy, a grant that supports several strategies counts under each of them (the funder did
not say how it divides); the totals above count it once.

**Leverage** (SPEC §3.3.6) = the combined annual budgets of the active partner organizations ÷
the backbone's budget (``Initiative.backbone_budget``); Strive: $7 billion of partner budgets
around a $1.5 million backbone. The backbone is not a partnership, so it is never on both sides.
Partners without a known budget are left out and counted, so the page can say the ratio is a
lower bound; with no backbone budget, or no partner budget at all, the ratio is not available.

Every function here reads a fixed number of queries, whatever the number of grants, activities
or partners.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal

from django.db.models import Max, Min, Q
from django.utils import timezone

from commonground.action.models import Activity, CharterSignature, Grant, Strategy
from commonground.initiatives.models import Initiative, Partnership
from commonground.measurement.completeness import period_containing
from commonground.measurement.periods import Frequency, Period, PeriodError, parse_period_for

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
# The years offered for choosing stay within this many of today's, whatever dates were typed.
YEARS_AROUND = 15


# --- money in a year -----------------------------------------------------------------------------


def money_in_year(amount: Decimal, starts_on: date | None, ends_on: date | None, year) -> Decimal:
    """The part of ``amount`` that falls in ``year`` (a ``Period``), to the cent.

    Spread evenly over the days from ``starts_on`` to ``ends_on``, both included. With an open
    date the amount is taken as a yearly one: counted in full when it overlaps the year.
    """
    if (starts_on is not None and starts_on > year.end) or (
        ends_on is not None and ends_on < year.start
    ):
        return ZERO
    if starts_on is None or ends_on is None:
        return amount.quantize(CENT, ROUND_HALF_EVEN)
    days = (ends_on - starts_on).days + 1
    inside = (min(ends_on, year.end) - max(starts_on, year.start)).days + 1
    return (amount * inside / days).quantize(CENT, ROUND_HALF_EVEN)


@dataclass(frozen=True)
class Share:
    """Aligned money out of all the money of one kind, in dollars."""

    aligned: Decimal
    total: Decimal

    @property
    def percent(self) -> Decimal | None:
        """Aligned ÷ total × 100; ``None`` when there is no money at all."""
        if not self.total:
            return None
        return self.aligned / self.total * 100

    @property
    def unaligned(self) -> Decimal:
        return self.total - self.aligned


# --- fiscal years --------------------------------------------------------------------------------


def fiscal_year(initiative: Initiative, code: str | None = None, today: date | None = None):
    """The fiscal year ``code`` (``FY2024``), or the one ``today`` falls in when ``code`` is
    empty or not a fiscal year."""
    if code:
        try:
            return parse_period_for(initiative, code, Frequency.FISCAL_YEAR)
        except PeriodError:
            pass
    return period_containing(initiative, Frequency.FISCAL_YEAR, today or timezone.localdate())


def fiscal_years(initiative: Initiative, today: date | None = None) -> list[Period]:
    """The fiscal years worth choosing, newest first: from the earliest grant or activity to the
    latest, always with the current year, and never further than ``YEARS_AROUND`` from it."""
    current = fiscal_year(initiative, today=today)
    first, last = current.start, current.end
    for model in (Grant, Activity):
        bounds = model.objects.filter(initiative=initiative).aggregate(
            first=Min("starts_on"), last=Max("ends_on")
        )
        first = min(first, bounds["first"] or first)
        last = max(last, bounds["last"] or last)
    start_year = int(current.code[2:])
    oldest = int(period_containing(initiative, Frequency.FISCAL_YEAR, first).code[2:])
    newest = int(period_containing(initiative, Frequency.FISCAL_YEAR, last).code[2:])
    oldest = max(oldest, start_year - YEARS_AROUND)
    newest = min(newest, start_year + YEARS_AROUND)
    return [parse_period_for(initiative, f"FY{y:04d}") for y in range(newest, oldest - 1, -1)]


# --- the alignment -------------------------------------------------------------------------------


@dataclass(frozen=True)
class GrantInYear:
    """One grant of the year: its money in that year and whether it is aligned."""

    grant: Grant
    money: Decimal
    strategies: list[Strategy]  # every strategy it names, retired ones included

    @property
    def aligned(self) -> bool:
        return any(not s.is_retired for s in self.strategies)


@dataclass(frozen=True)
class StrategyMoney:
    """The money of the year behind one current strategy."""

    strategy: Strategy
    grants: Decimal  # grants supporting it (a grant supporting several counts under each)
    grant_count: int
    funder_count: int
    activities: Decimal  # partners' activity budgets linked to it
    activity_count: int

    @property
    def unfunded(self) -> bool:
        return not self.grant_count and not self.activity_count


@dataclass(frozen=True)
class FunderMoney:
    funder: Partnership
    share: Share
    grant_count: int


@dataclass(frozen=True)
class Alignment:
    """The funding alignment of one initiative in one fiscal year."""

    year: Period
    grants: Share  # funders' money
    activities: Share  # partners' activity budgets
    activities_without_budget: int  # activities of the year with no budget: not in the sums
    charter_money: Decimal  # partners' latest charter commitments, dollars a year
    charter_signers: int  # active partnerships with such a signature
    by_strategy: list[StrategyMoney]  # every current strategy, in the agenda's order
    by_funder: list[FunderMoney]  # most money first
    grant_rows: list[GrantInYear]  # every grant of the year, newest first


def _in_year(queryset, year):
    """Rows whose dates (either may be open on an activity) overlap ``year``."""
    return queryset.filter(
        Q(starts_on__isnull=True) | Q(starts_on__lte=year.end),
        Q(ends_on__isnull=True) | Q(ends_on__gte=year.start),
    )


def _grants(initiative, year) -> list[GrantInYear]:
    """The grants of the year with their money in it: two queries."""
    grants = _in_year(Grant.objects.filter(initiative=initiative), year)
    grants = grants.select_related("funder__organization", "recipient__organization")
    rows = []
    for grant in grants.prefetch_related("strategies"):
        money = money_in_year(grant.amount, grant.starts_on, grant.ends_on, year)
        rows.append(GrantInYear(grant, money, list(grant.strategies.all())))
    return rows


def _activities(initiative, year) -> tuple[list[tuple[int | None, Decimal]], int]:
    """(current strategy id or None, money in the year) of each activity of the year with a
    budget, and how many have none: one query."""
    activities = _in_year(Activity.objects.filter(initiative=initiative), year).exclude(
        status=Activity.Status.CANCELLED
    )
    rows, without_budget = [], 0
    for strategy_id, retired, budget, starts_on, ends_on in activities.values_list(
        "strategy_id", "strategy__is_retired", "budget", "starts_on", "ends_on"
    ).order_by():
        if budget is None:
            without_budget += 1
            continue
        current = strategy_id if strategy_id is not None and not retired else None
        rows.append((current, money_in_year(budget, starts_on, ends_on, year)))
    return rows, without_budget


def _charter_money(initiative, year) -> tuple[Decimal, int]:
    """The money a year of each active partnership's latest signature by the year's end."""
    signatures = (
        CharterSignature.objects.filter(
            partnership__initiative=initiative,
            partnership__status=Partnership.Status.ACTIVE,
            signed_at__date__lte=year.end,
        )
        .order_by("partnership_id", "-signed_at")
        .values_list("partnership_id", "money")
    )
    latest: dict[int, Decimal] = {}
    for partnership_id, money in signatures:
        latest.setdefault(partnership_id, money)
    return sum(latest.values(), ZERO), len(latest)


def _by_funder(grant_rows: list[GrantInYear]) -> list[FunderMoney]:
    totals: dict[int, list] = {}
    for row in grant_rows:
        funder = row.grant.funder
        entry = totals.setdefault(funder.pk, [funder, ZERO, ZERO, 0])
        entry[1] += row.money
        entry[2] += row.money if row.aligned else ZERO
        entry[3] += 1
    funders = [
        FunderMoney(funder, Share(aligned, total), count)
        for funder, total, aligned, count in totals.values()
    ]
    return sorted(funders, key=lambda f: (-f.share.total, f.funder.organization.name))


def _by_strategy(strategies, grant_rows, activity_rows) -> list[StrategyMoney]:
    grants: dict[int, Decimal] = defaultdict(lambda: ZERO)
    grant_counts: dict[int, int] = defaultdict(int)
    funders: dict[int, set[int]] = defaultdict(set)
    for row in grant_rows:
        for strategy in row.strategies:
            grants[strategy.pk] += row.money
            grant_counts[strategy.pk] += 1
            funders[strategy.pk].add(row.grant.funder_id)
    activities: dict[int, Decimal] = defaultdict(lambda: ZERO)
    activity_counts: dict[int, int] = defaultdict(int)
    for strategy_id, money in activity_rows:
        if strategy_id is not None:
            activities[strategy_id] += money
            activity_counts[strategy_id] += 1
    return [
        StrategyMoney(
            strategy=s,
            grants=grants[s.pk],
            grant_count=grant_counts[s.pk],
            funder_count=len(funders[s.pk]),
            activities=activities[s.pk],
            activity_count=activity_counts[s.pk],
        )
        for s in strategies
    ]


def funding_alignment(initiative: Initiative, year) -> Alignment:
    """The alignment of ``initiative``'s money in ``year`` (a fiscal-year ``Period``): five
    queries."""
    grant_rows = _grants(initiative, year)
    activity_rows, without_budget = _activities(initiative, year)
    strategies = list(
        Strategy.objects.filter(initiative=initiative, is_retired=False)
        .select_related("goal")
        .order_by("goal__sort_order", "goal__code", "sort_order", "code")
    )
    charter_money, signers = _charter_money(initiative, year)
    return Alignment(
        year=year,
        grants=Share(
            aligned=sum((r.money for r in grant_rows if r.aligned), ZERO),
            total=sum((r.money for r in grant_rows), ZERO),
        ),
        activities=Share(
            aligned=sum((m for s, m in activity_rows if s is not None), ZERO),
            total=sum((m for _s, m in activity_rows), ZERO),
        ),
        activities_without_budget=without_budget,
        charter_money=charter_money,
        charter_signers=signers,
        by_strategy=_by_strategy(strategies, grant_rows, activity_rows),
        by_funder=_by_funder(grant_rows),
        grant_rows=grant_rows,
    )


# --- leverage ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Leverage:
    """Combined partner budgets ÷ backbone budget (SPEC §3.3.6)."""

    partner_budgets: Decimal  # the sum of the known budgets of active partners, dollars a year
    partners: int  # active partnerships
    without_budget: int  # of them, those whose organization's budget is unknown
    backbone_budget: Decimal | None

    NO_BACKBONE_BUDGET = "no_backbone_budget"
    NO_PARTNER_BUDGETS = "no_partner_budgets"

    @property
    def missing(self) -> str | None:
        """Why the ratio is not available, or ``None`` when it is."""
        if not self.backbone_budget or self.backbone_budget <= 0:
            return self.NO_BACKBONE_BUDGET
        if self.partners == self.without_budget:
            return self.NO_PARTNER_BUDGETS
        return None

    @property
    def ratio(self) -> Decimal | None:
        if self.missing:
            return None
        return self.partner_budgets / self.backbone_budget

    @property
    def with_budget(self) -> int:
        return self.partners - self.without_budget


def leverage_for(initiative: Initiative) -> Leverage:
    """The initiative's leverage, from its active partnerships' organizations: one query."""
    budgets = list(
        initiative.partnerships.filter(status=Partnership.Status.ACTIVE).values_list(
            "organization__annual_budget", flat=True
        )
    )
    known = [b for b in budgets if b is not None]
    return Leverage(
        partner_budgets=sum(known, ZERO),
        partners=len(budgets),
        without_budget=len(budgets) - len(known),
        backbone_budget=initiative.backbone_budget,
    )
