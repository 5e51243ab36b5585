"""When the goals and strategies of the common agenda may change.

Goals and strategies are lasting rows (activities, grants and indicators point at them); a
version freezes them when it is proposed. They change together with a draft, so every change
reaches partners through a version the steering committee adopts. Before any version has been
proposed or adopted the initiative is still setting its agenda up, and they change freely (a
framework file can bring them). The framework loader and the services ask the same question.
"""

from django.utils.translation import gettext as _

from commonground.action.models import AgendaVersion

Status = AgendaVersion.Status


def goals_locked_reason(initiative) -> str | None:
    """Why the goals and strategies cannot change now, or ``None`` when they can."""
    open_or_adopted = dict(
        AgendaVersion.objects.filter(
            initiative=initiative, status__in=[Status.DRAFT, Status.PROPOSED, Status.ADOPTED]
        ).values_list("status", "number")
    )
    if Status.DRAFT in open_or_adopted:
        return None
    if Status.PROPOSED in open_or_adopted:
        return _(
            "version %(number)s of the common agenda is before the steering committee; goals "
            "and strategies change again once it is decided"
        ) % {"number": open_or_adopted[Status.PROPOSED]}
    if Status.ADOPTED in open_or_adopted:
        return _(
            "version %(number)s of the common agenda is adopted; start a draft of a new version "
            "to change its goals and strategies"
        ) % {"number": open_or_adopted[Status.ADOPTED]}
    return None
