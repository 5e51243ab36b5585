"""Reading activities for pages: the related rows every page shows, and their health."""

from commonground.action.models import Activity


def activities_of(initiative):
    """The initiative's activities with their partner, strategy, goal and working group."""
    return Activity.objects.filter(initiative=initiative).select_related(
        "partnership__organization", "strategy__goal", "working_group"
    )


def with_health(activities, health):
    """Attach each activity's health (``activity.health``, from ``plan_health``)."""
    for activity in activities:
        activity.health = health[activity.pk]
    return activities
