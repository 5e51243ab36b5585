"""Foundation pages: initiative home, partners, people and roles, audit log, report card."""

from tests.conftest import ALL_PERSONAS
from tests.permissions import ALPHA_MEMBERS, INTERNAL_RESULTS, Page


def member_pk(world):
    return world.alpha.memberships.get(user=world.users["viewer"]).pk


def invitation_pk(world):
    from commonground.initiatives import services

    invitation = services.invite_person(
        actor=world.users["lead"],
        initiative=world.alpha,
        email="new@example.org",
        role="viewer",
        base_url="http://testserver",
    )
    return invitation.pk


PAGES = [
    Page("home", (), ALPHA_MEMBERS | {"outsider"}, ok=302),
    Page("initiative_home", ("alpha",), ALPHA_MEMBERS),
    Page("partner_list", ("alpha",), ALPHA_MEMBERS),
    Page("partner_detail", ("alpha", "a"), ALPHA_MEMBERS),
    Page("partner_edit", ("alpha", "a"), frozenset({"lead", "partner_lead_a"})),
    Page("partner_edit", ("alpha", "b"), frozenset({"lead"})),
    Page(
        "partner_edit",
        ("alpha", "a"),
        frozenset({"lead", "partner_lead_a"}),
        method="post",
        data={"name": "Alpha Schools", "sector": "education", "annual_budget": "5"},
        ok=302,
    ),
    Page("people", ("alpha",), ALPHA_MEMBERS),
    Page(
        "invite",
        ("alpha",),
        frozenset({"lead"}),
        method="post",
        data={"email": "someone@example.org", "role": "viewer"},
        ok=302,
    ),
    Page(
        "membership_change",
        ("alpha", member_pk),
        frozenset({"lead"}),
        method="post",
        data={"role": "funder", "is_active": "1"},
        ok=302,
    ),
    Page(
        "invitation_revoke",
        ("alpha", invitation_pk),
        frozenset({"lead"}),
        method="post",
        ok=302,
    ),
    Page("audit_log", ("alpha",), frozenset({"lead", "data_manager"})),
    Page("report_card", ("alpha",), INTERNAL_RESULTS),
    Page("public_report_card", ("alpha",), frozenset(ALL_PERSONAS), public=True),
]
