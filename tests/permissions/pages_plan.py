"""Action plan and working-group pages.

Every member sees the plan, the alignment views and the working groups; a partner changes only
its own activities and the backbone lead any; the lead and facilitators manage working groups,
and the lead and the data manager choose their shared measures. The public sees none of it.
Forms whose data would need row ids are posted empty: allowed people get the form back (400).
"""

from datetime import date

from commonground.action.models import Milestone
from tests.action.plan.plan_world import build
from tests.permissions import ALPHA_MEMBERS, Page

OWN_A = frozenset({"lead", "partner_lead_a"})  # who may change partner A's activities
LEAD = frozenset({"lead"})
GROUPS = frozenset({"lead", "facilitator"})
MEASURES = frozenset({"lead", "data_manager"})
NOBODY = frozenset()


def tutors(world):
    """Partner A's "Reading tutors" (it needs "Tutor training")."""
    return build(world).activities["tutors"].pk


def clubs(world):
    """Partner B's "Book clubs"."""
    return build(world).activities["clubs"].pk


def training(world):
    return build(world).activities["training"].pk


def beta_activity(world):
    return build(world).beta["activity"].pk


def milestone(world):
    activity = build(world).activities["tutors"]
    return Milestone.objects.create(activity=activity, title="Recruit", due_on=date(2026, 1, 1)).pk


def group(world):
    return build(world).group.code


ACTIVITY_A = {"partnership": "a", "title": "Summer camp", "status": "planned"}

PAGES = [
    Page("activity_list", ("alpha",), ALPHA_MEMBERS),
    Page("activity_detail", ("alpha", tutors), ALPHA_MEMBERS),
    # Another initiative's activity does not exist here, for anyone.
    Page("activity_detail", ("alpha", beta_activity), NOBODY),
    Page("activity_create", ("alpha",), OWN_A),
    Page("activity_create", ("alpha",), OWN_A, method="post", data=ACTIVITY_A, ok=302),
    Page("activity_edit", ("alpha", tutors), OWN_A),
    Page("activity_edit", ("alpha", clubs), LEAD),
    Page("activity_edit", ("alpha", tutors), OWN_A, method="post", data=ACTIVITY_A, ok=302),
    Page(
        "activity_edit",
        ("alpha", clubs),
        LEAD,
        method="post",
        data={**ACTIVITY_A, "partnership": "b"},
        ok=302,
    ),
    Page("activity_edit", ("alpha", beta_activity), NOBODY),
    Page("activity_delete", ("alpha", tutors), OWN_A, method="post", ok=302),
    Page("activity_delete", ("alpha", clubs), LEAD, method="post", ok=302),
    Page("activity_dependency_add", ("alpha", tutors), OWN_A, method="post", ok=400),
    Page("activity_dependency_add", ("alpha", clubs), LEAD, method="post", ok=400),
    Page("activity_dependency_remove", ("alpha", tutors, training), OWN_A, method="post", ok=302),
    Page(
        "milestone_add",
        ("alpha", tutors),
        OWN_A,
        method="post",
        data={"title": "Recruit 40 tutors", "due_on": "2026-01-15"},
        ok=302,
    ),
    Page("milestone_add", ("alpha", clubs), LEAD, method="post", ok=400),
    Page("milestone_done", ("alpha", tutors, milestone), OWN_A, method="post", ok=302),
    Page("milestone_delete", ("alpha", tutors, milestone), OWN_A, method="post", ok=302),
    Page("alignment", ("alpha",), ALPHA_MEMBERS),
    Page("plan_gaps", ("alpha",), ALPHA_MEMBERS),
    Page("plan_overlaps", ("alpha",), ALPHA_MEMBERS),
    Page("plan_dependencies", ("alpha",), ALPHA_MEMBERS),
    Page("working_group_list", ("alpha",), ALPHA_MEMBERS),
    Page("working_group_detail", ("alpha", group), ALPHA_MEMBERS),
    Page("working_group_create", ("alpha",), GROUPS),
    Page(
        "working_group_create",
        ("alpha",),
        GROUPS,
        method="post",
        data={"name": "Pathways", "code": "pathways", "kind": "network"},
        ok=302,
    ),
    Page("working_group_edit", ("alpha", group), GROUPS),
    Page(
        "working_group_edit",
        ("alpha", group),
        GROUPS,
        method="post",
        data={"name": "Early Grades", "kind": "network", "cadence": "monthly"},
        ok=302,
    ),
    Page("working_group_members", ("alpha", group), GROUPS),
    Page("working_group_members", ("alpha", group), GROUPS, method="post", data={}, ok=302),
    Page("working_group_measures", ("alpha", group), MEASURES),
    Page("working_group_measures", ("alpha", group), MEASURES, method="post", data={}, ok=302),
]
