"""Reporting and review pages: the to-do, the data-entry grid and its inline check, the review
queue, a report's review and every review action."""

from tests.measurement.reporting_world import build, last_year
from tests.permissions import ALPHA_MEMBERS, BACKBONE_DATA, Page

# Who may enter partner A's data, and who may read it.
ENTER_A = frozenset({"lead", "data_manager", "partner_lead_a", "reporter_a"})
SEE_A = ENTER_A | {"steering"}
SEE_B = frozenset({"lead", "data_manager", "steering", "reporter_b"})


def period(world):
    """Partner A and B's indicators exist; the period is last year's."""
    build(world)
    return last_year()


def submitted_pk(world):
    return build(world).submitted("a").pk


def approved_pk(world):
    return build(world).approved("a").pk


PAGES = [
    Page("reporting_todo", ("alpha",), ALPHA_MEMBERS),
    Page("reporting_grid", ("alpha", "a", period), SEE_A),
    Page("reporting_grid", ("alpha", "b", period), SEE_B),
    Page(
        "reporting_grid",
        ("alpha", "a", period),
        ENTER_A,
        method="post",
        data={"action": "save", "kids_served::value": "12"},
        ok=302,
    ),
    Page(
        "reporting_validate",
        ("alpha", "a", period),
        ENTER_A,
        method="post",
        data={"row": "kids_served:", "kids_served::value": "12"},
    ),
    Page("review_queue", ("alpha",), BACKBONE_DATA),
    Page("review_submission", ("alpha", submitted_pk), BACKBONE_DATA),
    Page("review_submission", ("alpha", approved_pk), BACKBONE_DATA),
    Page(
        "review_bulk_approve",
        ("alpha",),
        BACKBONE_DATA,
        method="post",
        data={"submission": "1"},
        ok=302,
    ),
    Page(
        "review_approve",
        ("alpha", submitted_pk),
        BACKBONE_DATA,
        method="post",
        data={"comment": "Thanks"},
        ok=302,
    ),
    Page(
        "review_return",
        ("alpha", submitted_pk),
        BACKBONE_DATA,
        method="post",
        data={"comment": "Please check the count."},
        ok=302,
    ),
    Page(
        "review_approve_values",
        ("alpha", submitted_pk),
        BACKBONE_DATA,
        method="post",
        data={"value": "1"},
        ok=302,
    ),
    Page(
        "review_reopen",
        ("alpha", approved_pk),
        BACKBONE_DATA,
        method="post",
        data={"reason": "A recount came in."},
        ok=302,
    ),
]
