"""A body with member people for the meeting tests."""

import pytest

from commonground.initiatives.models import WorkingGroup

MEMBERS = ("partner_lead_a", "reporter_a", "reporter_b", "steering")


@pytest.fixture
def network(world):
    """A network of partners A and B; partner A's lead facilitates it (without RUN_MEETINGS)."""
    group = WorkingGroup.objects.create(
        initiative=world.alpha,
        code="literacy",
        name="Early literacy network",
        facilitator=world.users["partner_lead_a"],
    )
    group.partnerships.set(world.partners.values())
    group.members.set([world.users[p] for p in MEMBERS])
    return group
