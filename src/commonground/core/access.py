"""Scoping every request to one initiative and one person.

``get_access`` resolves the initiative in the URL for the person asking. Whether the initiative
does not exist or the person may not see it, the answer is the same 404 (healthchecks'
``_get_check_for_user``), so nobody can probe for other initiatives.
"""

from dataclasses import dataclass
from functools import cached_property

from django.contrib.auth.mixins import AccessMixin
from django.http import Http404

from commonground.core.permissions import Perm, role_has
from commonground.initiatives.models import Initiative, Membership, Partnership


@dataclass(frozen=True)
class InitiativeAccess:
    """What one person may do in one initiative."""

    initiative: Initiative
    membership: Membership | None

    @property
    def role(self) -> str | None:
        return self.membership.role if self.membership else None

    @property
    def partnership(self) -> Partnership | None:
        return self.membership.partnership if self.membership else None

    def has(self, perm: Perm) -> bool:
        return self.membership is not None and role_has(self.membership.role, perm)

    def can_edit_partner(self, partnership: Partnership) -> bool:
        return self._any_or_own(Perm.EDIT_ANY_PARTNER, Perm.EDIT_OWN_PARTNER, partnership)

    def can_enter_data(self, partnership: Partnership) -> bool:
        return self._any_or_own(Perm.ENTER_ANY_DATA, Perm.ENTER_OWN_DATA, partnership)

    def can_see_partner_data(self, partnership: Partnership) -> bool:
        return self._any_or_own(Perm.VIEW_ALL_PARTNER_DATA, Perm.VIEW_OWN_PARTNER_DATA, partnership)

    def _any_or_own(self, any_perm: Perm, own_perm: Perm, partnership: Partnership) -> bool:
        if partnership.initiative_id != self.initiative.pk:
            return False
        if self.has(any_perm):
            return True
        return self.has(own_perm) and self.partnership == partnership

    @cached_property
    def permissions(self) -> frozenset[str]:
        return frozenset(p.value for p in Perm if self.has(p))


def access_for(user, initiative: Initiative) -> InitiativeAccess:
    """The person's access to ``initiative`` (no membership: no permission), for services."""
    membership = None
    if user is not None and user.is_authenticated:
        membership = (
            Membership.objects.select_related("partnership")
            .filter(user=user, initiative=initiative, is_active=True)
            .first()
        )
    return InitiativeAccess(initiative=initiative, membership=membership)


def get_access(user, slug: str) -> InitiativeAccess:
    """The person's access to the initiative ``slug``; 404 if missing or not theirs."""
    if not user.is_authenticated:
        raise Http404
    membership = (
        Membership.objects.select_related("initiative", "partnership__organization")
        .filter(user=user, initiative__slug=slug, is_active=True)
        .first()
    )
    if membership is None:
        raise Http404
    return InitiativeAccess(initiative=membership.initiative, membership=membership)


def require(access: InitiativeAccess, perm: Perm) -> None:
    if not access.has(perm):
        raise Http404


class InitiativeViewMixin(AccessMixin):
    """For pages inside one initiative: declare ``permission`` once; the rest is checked here.

    Anonymous visitors are sent to the login page for every internal URL (existing or not);
    signed-in people without the permission get 404, like a page that does not exist.
    """

    permission: Perm = Perm.VIEW_INITIATIVE
    nav: str = ""  # which navigation entry the page belongs to

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.access = get_access(request.user, kwargs["slug"])
        require(self.access, self.permission)
        self.initiative = self.access.initiative
        request.access = self.access
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        kwargs.setdefault("initiative", self.initiative)
        kwargs.setdefault("nav", self.nav)
        return super().get_context_data(**kwargs)
