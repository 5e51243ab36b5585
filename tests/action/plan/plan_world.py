"""A small action plan in the ``world`` initiative "alpha", with one of each thing the alignment
views look for, and a few objects of "beta" that alpha's activities must never link to.

Alpha's agenda has goal ``ready`` (strategies ``tutoring`` and ``attendance``) and goal ``grad``
(no strategy: a gap). Partner A runs "Reading tutors" (tutoring, kindergartners in
Charlottesville), which depends on its stalled "Tutor training" (so it is blocked); partner B
runs "Book clubs" (tutoring, the same population and place written differently: an overlap) and
"Family nights" (no strategy, no goal: a gap). Nobody works on ``attendance`` (a gap), and
indicator ``unreported`` has no reporter (a gap). Building twice returns the same objects.
"""

from dataclasses import dataclass, field
from datetime import date

from commonground.action.models import Activity, ActivityDependency, Goal, Strategy
from commonground.initiatives.models import WorkingGroup
from commonground.measurement.models import Indicator, ReportingAssignment

Status = Activity.Status


@dataclass
class PlanWorld:
    goals: dict = field(default_factory=dict)
    strategies: dict = field(default_factory=dict)
    indicators: dict = field(default_factory=dict)
    group: WorkingGroup | None = None
    activities: dict = field(default_factory=dict)
    beta: dict = field(default_factory=dict)  # another initiative's strategy, goal, group…


def indicator(initiative, code, name):
    found, _ = Indicator.objects.get_or_create(
        initiative=initiative,
        code=code,
        defaults={"name": name, "value_type": "count", "aggregation": "sum", "frequency": "annual"},
    )
    return found


def goal(initiative, code, title, order=0):
    found, _ = Goal.objects.get_or_create(
        initiative=initiative, code=code, defaults={"title": title, "sort_order": order}
    )
    return found


def strategy(initiative, goal, code, title, order=0):
    found, _ = Strategy.objects.get_or_create(
        initiative=initiative,
        code=code,
        defaults={"goal": goal, "title": title, "sort_order": order},
    )
    return found


def activity(initiative, partnership, title, **fields):
    found, _ = Activity.objects.get_or_create(
        initiative=initiative, partnership=partnership, title=title, defaults=fields
    )
    return found


def build(world) -> PlanWorld:
    alpha, a, b = world.alpha, world.partners["a"], world.partners["b"]
    plan = PlanWorld()
    plan.goals["ready"] = goal(alpha, "ready", "Every child ready for kindergarten", 1)
    plan.goals["grad"] = goal(alpha, "grad", "Every student graduates", 2)
    plan.strategies["tutoring"] = strategy(
        alpha, plan.goals["ready"], "tutoring", "Reading help before school", 1
    )
    plan.strategies["attendance"] = strategy(
        alpha, plan.goals["ready"], "attendance", "Get children to school every day", 2
    )
    plan.indicators["served"] = indicator(alpha, "served", "Children served")
    plan.indicators["unreported"] = indicator(alpha, "unreported", "Nobody reports this")
    ReportingAssignment.objects.get_or_create(indicator=plan.indicators["served"], partnership=a)
    plan.group, created = WorkingGroup.objects.get_or_create(
        initiative=alpha, code="early", defaults={"name": "Early Grades Network"}
    )
    if created:
        plan.group.partnerships.set([a, b])
    tutoring = plan.strategies["tutoring"]
    plan.activities["training"] = activity(
        alpha, a, "Tutor training", strategy=tutoring, status=Status.STALLED
    )
    plan.activities["tutors"] = activity(
        alpha,
        a,
        "Reading tutors",
        strategy=tutoring,
        population="Kindergartners",
        geography="Charlottesville",
        status=Status.ACTIVE,
        working_group=plan.group,
        starts_on=date(2025, 9, 1),
        ends_on=date(2030, 6, 30),
    )
    plan.activities["clubs"] = activity(
        alpha,
        b,
        "Book clubs",
        strategy=tutoring,
        population="  kindergartners ",
        geography="CHARLOTTESVILLE",
        status=Status.ACTIVE,
    )
    plan.activities["nights"] = activity(alpha, b, "Family nights", status=Status.PLANNED)
    ActivityDependency.objects.get_or_create(
        activity=plan.activities["tutors"], depends_on=plan.activities["training"]
    )
    beta = world.beta
    plan.beta["goal"] = goal(beta, "well", "Healthy families")
    plan.beta["strategy"] = strategy(beta, plan.beta["goal"], "clinics", "More clinics")
    plan.beta["indicator"] = indicator(beta, "visits", "Clinic visits")
    plan.beta["group"], _ = WorkingGroup.objects.get_or_create(
        initiative=beta, code="health", defaults={"name": "Health Network"}
    )
    plan.beta["activity"] = activity(beta, world.beta_partner, "Mobile clinic")
    return plan
