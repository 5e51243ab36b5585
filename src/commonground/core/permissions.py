"""What each role may do: the one place that says it (SPEC §1).

Views and API endpoints declare the permission they need (``permission = Perm.X``); the
``InitiativeAccess`` object answers whether the current person has it in the current initiative.
"""

from enum import StrEnum

from commonground.initiatives.roles import Role


class Perm(StrEnum):
    VIEW_INITIATIVE = "view_initiative"
    VIEW_RESULTS = "view_results"
    VIEW_ALL_PARTNER_DATA = "view_all_partner_data"
    VIEW_OWN_PARTNER_DATA = "view_own_partner_data"
    EDIT_ANY_PARTNER = "edit_any_partner"
    EDIT_OWN_PARTNER = "edit_own_partner"
    MANAGE_MEMBERS = "manage_members"
    VIEW_MEMBER_CONTACTS = "view_member_contacts"
    VIEW_AUDIT_LOG = "view_audit_log"
    ENTER_OWN_DATA = "enter_own_data"
    ENTER_ANY_DATA = "enter_any_data"
    REVIEW_DATA = "review_data"
    MANAGE_INDICATORS = "manage_indicators"
    RUN_IMPORTS = "run_imports"
    EXPORT_DATA = "export_data"
    VIEW_COMPLETENESS = "view_completeness"


_EVERYONE = {Perm.VIEW_INITIATIVE}
# Internal results: aggregated data, including indicators not yet published, and who reported.
_INTERNAL = _EVERYONE | {Perm.VIEW_RESULTS, Perm.VIEW_COMPLETENESS}
# The data manager's work (SPEC §1): indicators, review and approval, imports, exports.
_DATA_WORK = {
    Perm.VIEW_ALL_PARTNER_DATA,
    Perm.ENTER_ANY_DATA,
    Perm.REVIEW_DATA,
    Perm.MANAGE_INDICATORS,
    Perm.RUN_IMPORTS,
    Perm.EXPORT_DATA,
}

ROLE_PERMISSIONS: dict[Role, frozenset[Perm]] = {
    Role.BACKBONE_LEAD: frozenset(Perm),
    Role.DATA_MANAGER: frozenset(
        _INTERNAL | _DATA_WORK | {Perm.VIEW_AUDIT_LOG, Perm.VIEW_MEMBER_CONTACTS}
    ),
    Role.FACILITATOR: frozenset(_INTERNAL | {Perm.VIEW_MEMBER_CONTACTS}),
    Role.STEERING_MEMBER: frozenset(
        _INTERNAL | {Perm.VIEW_ALL_PARTNER_DATA, Perm.EXPORT_DATA, Perm.VIEW_MEMBER_CONTACTS}
    ),
    Role.PARTNER_LEAD: frozenset(
        _EVERYONE | {Perm.VIEW_OWN_PARTNER_DATA, Perm.EDIT_OWN_PARTNER, Perm.ENTER_OWN_DATA}
    ),
    Role.PARTNER_REPORTER: frozenset(_EVERYONE | {Perm.VIEW_OWN_PARTNER_DATA, Perm.ENTER_OWN_DATA}),
    # A funder sees dashboards but no raw partner data unless granted (SPEC §1).
    Role.FUNDER: frozenset(_INTERNAL),
    Role.VIEWER: frozenset(_INTERNAL),
}


def role_has(role: str, perm: Perm) -> bool:
    return perm in ROLE_PERMISSIONS[Role(role)]
