"""The permission matrix: every page, every persona (CONVENTIONS habit 5).

Each row names a page, how to reach it, and the personas that may use it. Every other signed-in
persona must get 404 — the same answer as for a page that does not exist — and anonymous
visitors of internal pages are sent to the login page. New pages join this table.
"""

import re
from dataclasses import dataclass

import pytest
from django.urls import reverse

from tests.conftest import ALL_PERSONAS, PERSONAS

ALPHA_MEMBERS = set(PERSONAS)
CSRF_TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')
INTERNAL_RESULTS = {"lead", "data_manager", "facilitator", "steering", "funder", "viewer"}


@dataclass(frozen=True)
class Page:
    name: str
    args: tuple
    allowed: frozenset
    method: str = "get"
    data: dict | None = None
    ok: int = 200
    public: bool = False  # anonymous visitors may see it

    def url(self, world):
        return reverse(self.name, args=[a(world) if callable(a) else a for a in self.args])


def without_csrf(html: bytes) -> bytes:
    """Pages differ only by their per-response CSRF token mask."""
    return CSRF_TOKEN.sub(b"", html)


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
    Page("home", (), frozenset(ALPHA_MEMBERS | {"outsider"}), ok=302),
    Page("initiative_home", ("alpha",), frozenset(ALPHA_MEMBERS)),
    Page("partner_list", ("alpha",), frozenset(ALPHA_MEMBERS)),
    Page("partner_detail", ("alpha", "a"), frozenset(ALPHA_MEMBERS)),
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
    Page("people", ("alpha",), frozenset(ALPHA_MEMBERS)),
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
    Page("report_card", ("alpha",), frozenset(INTERNAL_RESULTS)),
    Page("public_report_card", ("alpha",), frozenset(ALL_PERSONAS), public=True),
]


def expected_status(page: Page, persona: str) -> int:
    if persona in page.allowed:
        return page.ok
    if persona == "anonymous" and not page.public:
        return 302
    return 404


@pytest.mark.parametrize("persona", ALL_PERSONAS)
@pytest.mark.parametrize("page", PAGES, ids=lambda p: f"{p.method}:{p.name}:{len(p.args)}")
def test_permission_matrix(world, page, persona):
    client = world.client(persona)
    url = page.url(world)
    response = getattr(client, page.method)(url, page.data or {})
    assert response.status_code == expected_status(page, persona), (persona, url)
    if persona == "anonymous" and response.status_code == 302:
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_other_initiative_and_missing_look_the_same(world, persona, client):
    """A page of an initiative one does not belong to answers exactly like a missing one."""
    if persona == "anonymous":
        return
    client = world.client(persona)
    theirs = client.get(reverse("initiative_home", args=["beta"]))
    missing = client.get(reverse("initiative_home", args=["no-such-initiative"]))
    if persona == "outsider":
        assert theirs.status_code == 200
    else:
        assert theirs.status_code == missing.status_code == 404
        assert without_csrf(theirs.content) == without_csrf(missing.content)


def test_private_initiative_has_no_public_report_card(world, client):
    assert client.get(reverse("public_report_card", args=["beta"])).status_code == 404
