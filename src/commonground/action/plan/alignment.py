"""The alignment views: who works on which strategy, what is missing, what is done twice.

* **Matrix**: strategies (under their goals) × partners, the number of activities in each cell.
* **Gaps**: a goal without a strategy, a strategy without an activity, an indicator no partner
  reports (neither directly nor through a working group's shared measures), an activity that
  serves no goal.
* **Overlaps**: activities of two or more partners with the same strategy, population and
  place (compared without regard to case and spacing).

Retired goals and strategies are left out; cancelled activities count for nothing, and
completed ones do not overlap with current work. Each function runs a fixed number of queries.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q

from commonground.action.models import Activity, Goal, Strategy
from commonground.initiatives.models import WorkingGroup
from commonground.measurement.models import Indicator, ReportingAssignment

Status = Activity.Status
NO_STRATEGY = None  # the matrix row of activities without a strategy


def normalised(text: str) -> str:
    """``"  Kindergartners   in  Charlottesville"`` and ``"kindergartners in charlottesville"``
    compare equal."""
    return " ".join(text.split()).casefold()


def _counting(initiative):
    return Activity.objects.filter(initiative=initiative).exclude(status=Status.CANCELLED)


# The matrix --------------------------------------------------------------------------------------


@dataclass
class StrategyRow:
    strategy: Strategy | None  # None: activities that have no strategy
    cells: list[tuple]  # (partnership, activities) for each partner of the page, in its order
    activities: int  # over every partner, not only the page's
    partners: int


@dataclass
class GoalBlock:
    goal: Goal | None  # None: the row of activities without a strategy
    rows: list[StrategyRow]


@dataclass
class Matrix:
    blocks: list[GoalBlock]
    partners: list  # the partnerships shown as columns
    partner_totals: list[int]


def alignment_matrix(initiative, partners) -> Matrix:
    """Strategies × the given partnerships (a page of them), in four queries."""
    partners = list(partners)
    strategies = list(
        Strategy.objects.filter(initiative=initiative, is_retired=False, goal__is_retired=False)
        .select_related("goal")
        .order_by("goal__sort_order", "goal__code", "sort_order", "code")
    )
    counting = _counting(initiative)
    cells = {
        (row["strategy_id"], row["partnership_id"]): row["n"]
        for row in counting.filter(partnership__in=partners)
        .values("strategy_id", "partnership_id")
        .annotate(n=Count("pk"))
        .order_by()
    }
    totals = {
        row["strategy_id"]: (row["n"], row["partners"])
        for row in counting.values("strategy_id")
        .annotate(n=Count("pk"), partners=Count("partnership", distinct=True))
        .order_by()
    }
    current = {s.pk for s in strategies}

    def row(strategy_id, strategy):
        n, partner_count = totals.get(strategy_id, (0, 0))
        return StrategyRow(
            strategy, [(p, cells.get((strategy_id, p.pk), 0)) for p in partners], n, partner_count
        )

    blocks: list[GoalBlock] = []
    for strategy in strategies:
        if not blocks or blocks[-1].goal != strategy.goal:
            blocks.append(GoalBlock(strategy.goal, []))
        blocks[-1].rows.append(row(strategy.pk, strategy))
    # Activities without a strategy, or whose strategy was retired, form the last row.
    outside = defaultdict(int)
    for (strategy_id, partnership_id), n in cells.items():
        if strategy_id not in current:
            outside[partnership_id] += n
    elsewhere = StrategyRow(None, [(p, outside[p.pk]) for p in partners], 0, 0)
    for strategy_id, (n, _partners) in totals.items():
        if strategy_id not in current:
            elsewhere.activities += n
    elsewhere.partners = (
        counting.exclude(strategy__in=current).values("partnership").distinct().count()
    )
    if elsewhere.activities:
        blocks.append(GoalBlock(None, [elsewhere]))
    partner_totals = [
        sum(r.cells[i][1] for b in blocks for r in b.rows) for i in range(len(partners))
    ]
    return Matrix(blocks, partners, partner_totals)


# Gaps --------------------------------------------------------------------------------------------


@dataclass
class Gaps:
    goals_without_strategy: list[Goal] = field(default_factory=list)
    strategies_without_activity: list[Strategy] = field(default_factory=list)
    indicators_unreported: list[Indicator] = field(default_factory=list)
    activities_without_goal: list[Activity] = field(default_factory=list)

    @property
    def count(self) -> int:
        return (
            len(self.goals_without_strategy)
            + len(self.strategies_without_activity)
            + len(self.indicators_unreported)
            + len(self.activities_without_goal)
        )


def unreported_indicators(initiative):
    """Indicators with no reporting assignment, direct or through a group with members."""
    direct = ReportingAssignment.objects.filter(indicator=OuterRef("pk"))
    through_group = WorkingGroup.objects.filter(
        shared_measures=OuterRef("pk"), partnerships__isnull=False
    )
    return (
        Indicator.objects.filter(initiative=initiative)
        .exclude(Exists(direct))
        .exclude(Exists(through_group))
        .order_by("sort_order", "name")
    )


def find_gaps(initiative) -> Gaps:
    """Everything the agenda asks for that nobody does, and work that serves no goal."""
    counting = _counting(initiative)
    goals = (
        Goal.objects.filter(initiative=initiative, is_retired=False)
        .annotate(current=Count("strategies", filter=Q(strategies__is_retired=False)))
        .filter(current=0)
    )
    strategies = (
        Strategy.objects.filter(initiative=initiative, is_retired=False, goal__is_retired=False)
        .exclude(Exists(counting.filter(strategy=OuterRef("pk"))))
        .select_related("goal")
        .order_by("goal__sort_order", "goal__code", "sort_order", "code")
    )
    without_goal = (
        counting.filter(strategy__isnull=True)
        .exclude(Exists(Activity.goals.through.objects.filter(activity=OuterRef("pk"))))
        .select_related("partnership__organization")
        .order_by("partnership__organization__name", "title")
    )
    return Gaps(
        goals_without_strategy=list(goals),
        strategies_without_activity=list(strategies),
        indicators_unreported=list(unreported_indicators(initiative)),
        activities_without_goal=list(without_goal),
    )


# Overlaps ----------------------------------------------------------------------------------------


@dataclass
class Overlap:
    strategy: Strategy
    population: str  # as most of its activities write it
    geography: str
    activities: list[Activity]
    shared_groups: list[WorkingGroup]  # the networks (else bodies) all its partners belong to

    @property
    def partners(self) -> list:
        seen = {}
        for activity in self.activities:
            seen.setdefault(activity.partnership_id, activity.partnership)
        return list(seen.values())


def _as_written(texts) -> str:
    """The most common way of writing the same words; capitals win a tie ("Charlottesville"
    over "charlottesville")."""
    forms = [" ".join(t.split()) for t in texts]
    return max(forms, key=lambda t: (forms.count(t), t != t.lower()))


def find_overlaps(initiative) -> list[Overlap]:
    """Current activities of several partners on the same strategy, population and place."""
    candidates = (
        _counting(initiative)
        .exclude(status=Status.COMPLETED)
        .filter(strategy__isnull=False)
        .exclude(population="")
        .exclude(geography="")
        .select_related("strategy__goal", "partnership__organization")
        .order_by("strategy__sort_order", "strategy__code", "partnership__organization__name")
    )
    groups = defaultdict(list)
    for activity in candidates:
        key = (
            activity.strategy_id,
            normalised(activity.population),
            normalised(activity.geography),
        )
        groups[key].append(activity)
    found = [acts for acts in groups.values() if len({a.partnership_id for a in acts}) > 1]
    member_of = defaultdict(set)
    for group in WorkingGroup.objects.filter(initiative=initiative).prefetch_related(
        "partnerships"
    ):
        for partnership in group.partnerships.all():
            member_of[partnership.pk].add(group)
    overlaps = []
    for activities in found:
        shared = set.intersection(*(member_of[a.partnership_id] for a in activities))
        # Coordinating two programs is a network's work; the steering committee only if no
        # network holds them all.
        networks = {g for g in shared if g.kind == WorkingGroup.Kind.NETWORK}
        shared = networks or shared
        overlaps.append(
            Overlap(
                activities[0].strategy,
                _as_written(a.population for a in activities),
                _as_written(a.geography for a in activities),
                activities,
                sorted(shared, key=lambda g: g.name),
            )
        )
    return overlaps
