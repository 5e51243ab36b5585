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
    # Common agenda and action plan (SPEC §3.3). Partners' own activities, commitments and
    # signatures go through EDIT_OWN_PARTNER / EDIT_ANY_PARTNER (``can_edit_partner``).
    MANAGE_AGENDA = "manage_agenda"
    MANAGE_WORKING_GROUPS = "manage_working_groups"
    MANAGE_IMPROVEMENT = "manage_improvement"
    RECORD_OWN_GRANTS = "record_own_grants"
    MANAGE_FUNDING = "manage_funding"
    # Continuous communication (SPEC §3.4). Voting is for a decision's eligible voters only.
    RUN_MEETINGS = "run_meetings"
    POST_DISCUSSIONS = "post_discussions"
    ANNOUNCE = "announce"
    PUBLISH_STORIES = "publish_stories"
    VIEW_ENGAGEMENT = "view_engagement"
    # Backbone support (SPEC §3.5).
    VIEW_CONSOLE = "view_console"
    MANAGE_ASSESSMENTS = "manage_assessments"
    ANSWER_ASSESSMENTS = "answer_assessments"
    # Outgoing webhooks: the lead only (an initiative setting that sends data out).
    MANAGE_WEBHOOKS = "manage_webhooks"


_EVERYONE = {Perm.VIEW_INITIATIVE}
# Members who take part (everyone but the read-only viewer) may write in discussions.
_PARTICIPANT = _EVERYONE | {Perm.POST_DISCUSSIONS}
# Running the rhythm of meetings, decisions and action items, and telling the initiative.
_CONVENING = {
    Perm.RUN_MEETINGS,
    Perm.ANNOUNCE,
    Perm.PUBLISH_STORIES,
    Perm.VIEW_ENGAGEMENT,
    Perm.MANAGE_WORKING_GROUPS,
    Perm.MANAGE_IMPROVEMENT,
}
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
        _INTERNAL
        | _PARTICIPANT
        | _DATA_WORK
        | {
            Perm.VIEW_AUDIT_LOG,
            Perm.VIEW_MEMBER_CONTACTS,
            Perm.PUBLISH_STORIES,
            Perm.MANAGE_IMPROVEMENT,
            Perm.VIEW_CONSOLE,
        }
    ),
    Role.FACILITATOR: frozenset(
        _INTERNAL
        | _PARTICIPANT
        | _CONVENING
        | {Perm.VIEW_MEMBER_CONTACTS, Perm.VIEW_CONSOLE, Perm.ANSWER_ASSESSMENTS}
    ),
    Role.STEERING_MEMBER: frozenset(
        _INTERNAL
        | _PARTICIPANT
        | {
            Perm.VIEW_ALL_PARTNER_DATA,
            Perm.EXPORT_DATA,
            Perm.VIEW_MEMBER_CONTACTS,
            Perm.VIEW_ENGAGEMENT,
            Perm.ANSWER_ASSESSMENTS,
        }
    ),
    Role.PARTNER_LEAD: frozenset(
        _PARTICIPANT
        | {
            Perm.VIEW_OWN_PARTNER_DATA,
            Perm.EDIT_OWN_PARTNER,
            Perm.ENTER_OWN_DATA,
            Perm.ANSWER_ASSESSMENTS,
        }
    ),
    Role.PARTNER_REPORTER: frozenset(
        _PARTICIPANT | {Perm.VIEW_OWN_PARTNER_DATA, Perm.ENTER_OWN_DATA}
    ),
    # A funder sees dashboards and the action plan but no raw partner data unless granted
    # (SPEC §1), and records its own grants.
    Role.FUNDER: frozenset(
        _INTERNAL | _PARTICIPANT | {Perm.RECORD_OWN_GRANTS, Perm.ANSWER_ASSESSMENTS}
    ),
    Role.VIEWER: frozenset(_INTERNAL),
}


def role_has(role: str, perm: Perm) -> bool:
    return perm in ROLE_PERMISSIONS[Role(role)]
