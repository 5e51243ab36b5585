"""Fixtures for discussions: a working group of alpha with people in it."""

import pytest

from commonground.initiatives.models import WorkingGroup


@pytest.fixture
def group(world):
    """Alpha's reading network: partner A's lead and reporter sit in it; a facilitator runs it."""
    group = WorkingGroup.objects.create(
        initiative=world.alpha,
        code="readers",
        name="Early readers network",
        facilitator=world.users["facilitator"],
    )
    group.partnerships.set([world.partners["a"]])
    group.members.set([world.users["partner_lead_a"], world.users["reporter_a"]])
    return group
