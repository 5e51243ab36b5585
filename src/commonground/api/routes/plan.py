"""The action plan's activities (every member reads the plan, as on its pages)."""

from datetime import date, datetime

from ninja import Field, Query, Router, Schema

from commonground.action.models import Activity, ActivityDependency
from commonground.api import scope
from commonground.api.errors import NotFound
from commonground.api.lists import Filters, Page, PageParams, paginate
from commonground.api.schemas import Id, Slug, Text, choice, exact, read

router = Router(tags=["Action plan"])


class MilestoneOut(Schema):
    title: str
    due_on: date
    done_on: date | None


class ActivityOut(Schema):
    id: int
    title: str
    description: str
    partner: str
    status: choice(Activity.Status)
    strategy: str | None = Field(description="Strategy code.")
    goals: list[str] = Field(description="Goal codes besides the strategy's own.")
    indicators: list[str] = Field(description="Codes of the indicators it contributes to.")
    working_group: str | None
    population: str
    geography: str
    starts_on: date | None
    ends_on: date | None
    budget: str | None = Field(description="Dollars.")
    staff_hours: str | None
    resources: str
    depends_on: list[int] = Field(description="Ids of the activities it depends on.")
    milestones: list[MilestoneOut]
    updated_at: datetime


class ActivityFilters(Filters):
    LOOKUPS = {
        "partner": "partnership__code",
        "status": "status",
        "indicator": "indicators__code",
        "working_group": "working_group__code",
    }

    partner: Text | None = Field(None, description="Partner code.")
    status: choice(Activity.Status) | None = None
    indicator: Text | None = Field(None, description="Indicator code.")
    working_group: Text | None = Field(None, description="Working group code.")


def _activities(initiative):
    return (
        Activity.objects.filter(initiative=initiative)
        .select_related("partnership", "strategy", "working_group")
        .prefetch_related("goals", "indicators", "milestones")
        .order_by("title", "pk")
    )


def _dependencies(activities: list[Activity]) -> dict[int, list[int]]:
    """Each activity's prerequisites, for a page of activities in one query."""
    found: dict[int, list[int]] = {a.pk: [] for a in activities}
    rows = ActivityDependency.objects.filter(activity__in=list(found)).order_by("depends_on_id")
    for activity_id, depends_on_id in rows.values_list("activity_id", "depends_on_id"):
        found[activity_id].append(depends_on_id)
    return found


def _activity(activity: Activity, depends_on: list[int]) -> dict:
    return {
        "id": activity.pk,
        "title": activity.title,
        "description": activity.description,
        "partner": activity.partnership.code,
        "status": activity.status,
        "strategy": activity.strategy.code if activity.strategy else None,
        "goals": sorted(g.code for g in activity.goals.all()),
        "indicators": sorted(i.code for i in activity.indicators.all()),
        "working_group": activity.working_group.code if activity.working_group else None,
        "population": activity.population,
        "geography": activity.geography,
        "starts_on": activity.starts_on,
        "ends_on": activity.ends_on,
        "budget": exact(activity.budget),
        "staff_hours": exact(activity.staff_hours),
        "resources": activity.resources,
        "depends_on": depends_on,
        "milestones": [
            {"title": m.title, "due_on": m.due_on, "done_on": m.done_on}
            for m in activity.milestones.all()
        ],
        "updated_at": activity.updated_at,
    }


@router.get(
    "/initiatives/{slug}/activities", response=read(Page[ActivityOut]), summary="Activities"
)
def list_activities(
    request, slug: Slug, filters: Query[ActivityFilters], paging: Query[PageParams]
):
    """The partners' programs and actions toward the agenda, by title."""
    access = scope.access(request, slug)
    activities = filters.narrow(_activities(access.initiative))
    page = paginate(request, activities, paging, lambda activity: activity)
    dependencies = _dependencies(page["results"])
    page["results"] = [_activity(a, dependencies[a.pk]) for a in page["results"]]
    return page


@router.get(
    "/initiatives/{slug}/activities/{activity_id}",
    response=read(ActivityOut),
    summary="One activity",
)
def get_activity(request, slug: Slug, activity_id: Id):
    access = scope.access(request, slug)
    activity = _activities(access.initiative).filter(pk=activity_id).first()
    if activity is None:
        raise NotFound
    return _activity(activity, _dependencies([activity])[activity.pk])
