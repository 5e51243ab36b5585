"""Who reports what: direct reporting assignments and working groups' shared measures.

A partnership reports an indicator when it is assigned directly (with its own deadline) or when
it belongs to a working group whose shared measures include the indicator (with the indicator's
default deadline). A direct assignment's deadline wins.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from commonground.measurement.models import Indicator, ReportingAssignment
from commonground.measurement.periods import Period


# slots: an initiative of 1,000 partners × 50 indicators builds 50,000 of these.
@dataclass(frozen=True, slots=True)
class Assignment:
    indicator_id: int
    partnership_id: int
    deadline_days: int
    through_group: bool


def assignments_for(initiative, partnerships=None) -> dict[tuple[int, int], Assignment]:
    """Every (partnership id, indicator id) that must be reported, in two queries.

    ``partnerships``: limit to these (ids or objects); all of the initiative's otherwise.
    """
    direct = ReportingAssignment.objects.filter(indicator__initiative=initiative)
    shared = Indicator.shared_by_groups.through.objects.filter(
        indicator__initiative=initiative
    ).values_list("indicator_id", "indicator__deadline_days", "workinggroup__partnerships")
    wanted = None
    if partnerships is not None:
        wanted = {getattr(p, "pk", p) for p in partnerships}
        direct = direct.filter(partnership_id__in=wanted)
    found = {}
    for indicator_id, deadline, partnership_id in shared:
        # Filtering the group's members in SQL would join them twice; a group is small.
        if partnership_id is not None and (wanted is None or partnership_id in wanted):
            found[(partnership_id, indicator_id)] = Assignment(
                indicator_id, partnership_id, deadline, through_group=True
            )
    for a in direct.values_list("indicator_id", "partnership_id", "deadline_days"):
        found[(a[1], a[0])] = Assignment(a[0], a[1], a[2], through_group=False)
    return found


def due_date(period: Period, deadline_days: int) -> date:
    """The last day to report a period: ``deadline_days`` after the period's last day."""
    return period.end + timedelta(days=deadline_days)
