"""Scoping every operation to the token's initiative and to what its person's role may see.

The same rules as the pages (``core.access``): an initiative other than the token's, an object
of another initiative or partner, and an operation the role does not allow all answer 404.
"""

from django.utils.translation import gettext as _

from commonground.api.errors import NotFound
from commonground.core.access import InitiativeAccess
from commonground.core.errors import DomainError
from commonground.core.permissions import Perm
from commonground.initiatives.models import Partnership

# Who reads every partner's raw data, and who only their own partner's.
ALL_PARTNERS = (Perm.VIEW_ALL_PARTNER_DATA, Perm.ENTER_ANY_DATA, Perm.REVIEW_DATA)
OWN_PARTNER = (Perm.VIEW_OWN_PARTNER_DATA, Perm.ENTER_OWN_DATA)


def access(request, slug: str, *any_of: Perm) -> InitiativeAccess:
    """The caller's access to the initiative ``slug``, holding one of ``any_of`` (if given)."""
    found: InitiativeAccess = request.access
    if found.initiative.slug != slug:
        raise NotFound
    if any_of and not any(found.has(perm) for perm in any_of):
        raise NotFound
    return found


def sees_all_partners(found: InitiativeAccess) -> bool:
    return any(found.has(perm) for perm in ALL_PARTNERS)


def partner_data_access(request, slug: str) -> InitiativeAccess:
    """Access for reading partners' raw data: every partner's, or one's own partner's."""
    found = access(request, slug)
    if sees_all_partners(found):
        return found
    if found.partnership is not None and any(found.has(perm) for perm in OWN_PARTNER):
        return found
    raise NotFound


def visible_partnerships(found: InitiativeAccess):
    """The partnerships whose raw data the caller may read (after ``partner_data_access``)."""
    partnerships = Partnership.objects.filter(initiative=found.initiative)
    if sees_all_partners(found):
        return partnerships
    return partnerships.filter(pk=found.partnership.pk)


def partner(found: InitiativeAccess, code: str | None) -> Partnership:
    """The partner ``code`` among those visible; without a code, the caller's own partner."""
    partnerships = visible_partnerships(found).select_related("organization")
    if not code:
        if found.partnership is None:
            raise DomainError(_("Name the partner (its code)."), code="partner_required")
        code = found.partnership.code
    match = partnerships.filter(code=code).first()
    if match is None:
        raise NotFound
    return match
