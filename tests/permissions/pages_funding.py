"""Funding pages: every member sees the alignment; funders record their own grants (for the
partner their membership acts for: here the Alpha Community Fund), the lead any. The public sees
nothing."""

from tests.action.funding.world import FY2024, fund, grant, strategy
from tests.permissions import ALPHA_MEMBERS, Page

RECORDERS = frozenset({"lead", "funder"})
LEAD = frozenset({"lead"})

# A valid grant form. "funder" is read only from those who record any funder's grants; a funder
# records for its own partner whatever the form says.
NEW_GRANT = {
    "funder": "fund",
    "title": "Reading tutors",
    "kind": "grant",
    "amount": "25000",
    "starts_on": "2024-07-01",
    "ends_on": "2025-06-30",
    "strategies": ["tutoring"],
}


def funded(world):
    """The funder acts for the fund, and the agenda has a strategy; the page's slug."""
    fund(world)
    strategy(world.alpha, "tutoring")
    return "alpha"


def own_grant(world):
    """A grant of the fund (the funder's own)."""
    funded(world)
    return grant(world.alpha, fund(world), amount="100", starts_on=FY2024[0], ends_on=FY2024[1]).pk


def others_grant(world):
    """A grant of partner B (not the funder's)."""
    funded(world)
    return grant(
        world.alpha, world.partners["b"], amount="100", starts_on=FY2024[0], ends_on=FY2024[1]
    ).pk


PAGES = [
    Page("funding", (funded,), ALPHA_MEMBERS),
    Page("grant_create", (funded,), RECORDERS),
    Page("grant_create", (funded,), RECORDERS, method="post", data=NEW_GRANT, ok=302),
    Page("grant_edit", ("alpha", own_grant), RECORDERS),
    Page("grant_edit", ("alpha", own_grant), RECORDERS, method="post", data=NEW_GRANT, ok=302),
    Page("grant_edit", ("alpha", others_grant), LEAD),
    Page("grant_edit", ("alpha", others_grant), LEAD, method="post", data=NEW_GRANT, ok=302),
    Page("grant_delete", ("alpha", own_grant), RECORDERS, method="post", ok=302),
    Page("grant_delete", ("alpha", others_grant), LEAD, method="post", ok=302),
]
