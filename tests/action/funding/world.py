"""Helpers for the funding tests and the permission matrix: an agenda with strategies, a
foundation the test world's funder acts for, and grants."""

from datetime import date
from decimal import Decimal

from commonground.action.models import Goal, Grant, Strategy
from commonground.initiatives.models import Membership, Organization, Partnership


def strategy(initiative, code, *, goal="ready", retired=False, sort_order=0):
    """A strategy (and its goal, made when missing) of ``initiative``."""
    found_goal, _ = Goal.objects.get_or_create(
        initiative=initiative, code=goal, defaults={"title": goal.replace("-", " ").title()}
    )
    found, _ = Strategy.objects.get_or_create(
        initiative=initiative,
        code=code,
        defaults={
            "goal": found_goal,
            "title": code.replace("-", " ").capitalize(),
            "is_retired": retired,
            "sort_order": sort_order,
        },
    )
    return found


def fund(world) -> Partnership:
    """The Alpha Community Fund, a philanthropy partner of alpha the ``funder`` persona acts for."""
    organization, _ = Organization.objects.get_or_create(
        name="Alpha Community Fund",
        defaults={"sector": "philanthropy", "annual_budget": Decimal("2000000")},
    )
    partnership, _ = Partnership.objects.get_or_create(
        initiative=world.alpha, code="fund", defaults={"organization": organization}
    )
    Membership.objects.filter(user=world.users["funder"], initiative=world.alpha).update(
        partnership=partnership
    )
    return partnership


def grant(initiative, funder, *, amount, starts_on, ends_on, strategies=(), title="A grant"):
    """A grant written straight to the database (the services are tested on their own)."""
    made = Grant.objects.create(
        initiative=initiative,
        funder=funder,
        title=title,
        amount=Decimal(amount),
        starts_on=starts_on,
        ends_on=ends_on,
    )
    made.strategies.set(strategies)
    return made


FY2024 = (date(2024, 7, 1), date(2025, 6, 30))
