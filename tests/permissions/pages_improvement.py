"""Improvement projects: every member sees them; those who run improvement work start and change
any project; a project's owner (partner A's lead here) changes their own. The public sees
nothing."""

from tests.action.improvement.world import (
    MANAGERS,
    OWNER,
    cycle_number,
    measure_pk,
    project_pk,
)
from tests.permissions import ALPHA_MEMBERS, Page
from tests.permissions.pages_registry import grad

RUNNERS = MANAGERS | {OWNER}

NEW_PROJECT = {"title": "Kindergarten ready", "aim": "More children ready by 2027."}
NEW_CYCLE = {
    "title": "Home visits",
    "plan": "Visit families of children not in pre-K.",
    "prediction": "Half of them enrol.",
    "started_on": "2024-09-01",
}


def with_indicator(world):
    """The project and the indicator a measure may name; the project's pk."""
    grad(world)
    return project_pk(world)


PAGES = [
    Page("improvement_list", ("alpha",), ALPHA_MEMBERS),
    Page("improvement_detail", ("alpha", project_pk), ALPHA_MEMBERS),
    Page("improvement_create", ("alpha",), MANAGERS),
    Page("improvement_create", ("alpha",), MANAGERS, method="post", data=NEW_PROJECT, ok=302),
    Page("improvement_edit", ("alpha", project_pk), RUNNERS),
    Page(
        "improvement_edit",
        ("alpha", project_pk),
        RUNNERS,
        method="post",
        data={**NEW_PROJECT, "status": "active"},
        ok=302,
    ),
    Page(
        "improvement_measure_add",
        ("alpha", with_indicator),
        RUNNERS,
        method="post",
        data={"kind": "outcome", "indicator": "grad"},
        ok=302,
    ),
    Page(
        "improvement_measure_remove",
        ("alpha", project_pk, measure_pk),
        RUNNERS,
        method="post",
        ok=302,
    ),
    Page("improvement_cycle_create", ("alpha", project_pk), RUNNERS),
    Page(
        "improvement_cycle_create",
        ("alpha", project_pk),
        RUNNERS,
        method="post",
        data=NEW_CYCLE,
        ok=302,
    ),
    Page("improvement_cycle_edit", ("alpha", project_pk, cycle_number), RUNNERS),
    Page(
        "improvement_cycle_edit",
        ("alpha", project_pk, cycle_number),
        RUNNERS,
        method="post",
        data={**NEW_CYCLE, "study": "Three of eight enrolled.", "act": "adapt"},
        ok=302,
    ),
]
