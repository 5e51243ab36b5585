"""A funder's membership may name the partner organization it acts for (``ORGANIZATION_ROLES``),
so that it records that partner's grants; naming one gives it no partner permission."""

import pytest

from commonground.core.access import access_for
from commonground.core.errors import DomainError
from commonground.core.permissions import Perm
from commonground.initiatives import services
from commonground.initiatives.models import Membership
from commonground.initiatives.roles import ORGANIZATION_ROLES, PARTNER_ROLES, Role
from tests.action.funding.world import fund


def membership(world, persona) -> Membership:
    return Membership.objects.get(user=world.users[persona], initiative=world.alpha)


def test_organization_roles_are_the_partner_roles_and_the_funder():
    assert {Role.FUNDER, *PARTNER_ROLES} == set(ORGANIZATION_ROLES)


def test_a_funder_membership_keeps_the_partner_it_names(world):
    the_fund = fund(world)
    changed = services.change_membership(
        actor=world.users["lead"],
        membership=membership(world, "viewer"),
        role=Role.FUNDER,
        partnership=the_fund,
    )
    changed.refresh_from_db()
    assert (changed.role, changed.partnership) == (Role.FUNDER, the_fund)


def test_a_funder_may_name_no_partner(world):
    changed = services.change_membership(
        actor=world.users["lead"], membership=membership(world, "viewer"), role=Role.FUNDER
    )
    assert changed.partnership is None


def test_other_roles_still_drop_the_partner(world):
    the_fund = fund(world)
    changed = services.change_membership(
        actor=world.users["lead"],
        membership=membership(world, "funder"),
        role=Role.VIEWER,
        partnership=the_fund,
    )
    changed.refresh_from_db()
    assert changed.partnership is None


def test_partner_roles_still_must_name_a_partner_of_this_initiative(world):
    target = membership(world, "viewer")
    for role, partnership, code in [
        (Role.PARTNER_LEAD, None, "partner_required"),
        (Role.FUNDER, world.beta_partner, "wrong_initiative"),
    ]:
        with pytest.raises(DomainError) as caught:
            services.change_membership(
                actor=world.users["lead"], membership=target, role=role, partnership=partnership
            )
        assert caught.value.code == code
    target.refresh_from_db()
    assert (target.role, target.partnership) == (Role.VIEWER, None)


def test_naming_a_partner_gives_a_funder_no_partner_permission(world):
    the_fund = fund(world)
    access = access_for(world.users["funder"], world.alpha)
    assert access.partnership == the_fund
    assert access.has(Perm.RECORD_OWN_GRANTS)
    assert not access.can_edit_partner(the_fund)
    assert not access.can_enter_data(the_fund)
    assert not access.can_see_partner_data(the_fund)
