"""Which activities are stalled, late or blocked, and why.

* **Stalled**: its status says so.
* **Late**: not completed or cancelled, and past its end date, or with a milestone past due
  and not done.
* **Blocked**: not completed or cancelled, and depending on an activity that is stalled or
  late. Only direct dependencies count: what blocks a blocked activity's own needs is shown on
  that activity.

Everything is computed for a whole initiative in three queries, whatever its size.
"""

from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from commonground.action.models import Activity, ActivityDependency, Milestone

Status = Activity.Status
FINISHED = frozenset({Status.COMPLETED, Status.CANCELLED})


@dataclass(frozen=True)
class Problem:
    """Why an activity holds up the ones that need it."""

    kind: str  # "stalled", "late" (past its end date) or "milestone" (a milestone past due)
    due_on: date | None = None
    milestone: str = ""


@dataclass(frozen=True)
class Blocker:
    """An activity that blocks another: its id, title and problem."""

    activity_id: int
    title: str
    problem: Problem


@dataclass
class Health:
    problem: Problem | None = None
    blocked_by: list[Blocker] = field(default_factory=list)

    @property
    def is_blocked(self) -> bool:
        return bool(self.blocked_by)


def problem_of(status: str, ends_on: date | None, overdue: Milestone | None, today: date):
    """The activity's own problem, or None. ``overdue``: its earliest milestone past due."""
    if status == Status.STALLED:
        return Problem("stalled")
    if status in FINISHED:
        return None
    if ends_on is not None and ends_on < today:
        return Problem("late", due_on=ends_on)
    if overdue is not None:
        return Problem("milestone", due_on=overdue.due_on, milestone=overdue.title)
    return None


def plan_health(initiative, today: date | None = None) -> dict[int, Health]:
    """Every activity's health in ``initiative``, by activity id."""
    today = today or timezone.localdate()
    rows = list(
        Activity.objects.filter(initiative=initiative).values_list(
            "pk", "title", "status", "ends_on"
        )
    )
    overdue = {}
    for milestone in Milestone.objects.filter(
        activity__initiative=initiative, done_on__isnull=True, due_on__lt=today
    ).order_by("-due_on", "-pk"):
        overdue[milestone.activity_id] = milestone  # the earliest wins: it comes last
    health = {}
    titles = {}
    for pk, title, status, ends_on in rows:
        health[pk] = Health(problem=problem_of(status, ends_on, overdue.get(pk), today))
        titles[pk] = (title, status)
    for activity_id, depends_on_id in ActivityDependency.objects.filter(
        activity__initiative=initiative
    ).values_list("activity_id", "depends_on_id"):
        needed = health.get(depends_on_id)
        if needed is None or needed.problem is None or titles[activity_id][1] in FINISHED:
            continue
        health[activity_id].blocked_by.append(
            Blocker(depends_on_id, titles[depends_on_id][0], needed.problem)
        )
    for entry in health.values():
        entry.blocked_by.sort(key=lambda b: (b.title, b.activity_id))
    return health
