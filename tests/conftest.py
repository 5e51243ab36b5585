"""The one test base: a small world with fixed personas (CONVENTIONS habit 5).

Initiative "alpha" has partners A and B; "beta" is another initiative whose member must never see
anything of alpha. Every persona logs in with the same password.
"""

from dataclasses import dataclass, field

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from commonground.initiatives.models import Initiative, Membership, Organization, Partnership
from commonground.initiatives.roles import Role

PASSWORD = "correct-horse-battery-staple"

# persona → (role, partner code or None); "outsider" belongs to the other initiative.
PERSONAS = {
    "lead": (Role.BACKBONE_LEAD, None),
    "data_manager": (Role.DATA_MANAGER, None),
    "facilitator": (Role.FACILITATOR, None),
    "steering": (Role.STEERING_MEMBER, None),
    "partner_lead_a": (Role.PARTNER_LEAD, "a"),
    "reporter_a": (Role.PARTNER_REPORTER, "a"),
    "reporter_b": (Role.PARTNER_REPORTER, "b"),
    "funder": (Role.FUNDER, None),
    "viewer": (Role.VIEWER, None),
}
ALL_PERSONAS = [*PERSONAS, "outsider", "anonymous"]


@dataclass
class World:
    alpha: Initiative
    beta: Initiative
    partners: dict[str, Partnership]
    users: dict = field(default_factory=dict)

    def client(self, persona: str) -> Client:
        client = Client()
        if persona != "anonymous":
            client.force_login(self.users[persona])
        return client


def make_user(username: str, **extra):
    extra.setdefault("email", f"{username}@example.org")
    return get_user_model().objects.create_user(username=username, password=PASSWORD, **extra)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """The real hasher is slow on purpose; tests create many accounts."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db) -> World:
    alpha = Initiative.objects.create(
        name="Alpha Cradle to Career", slug="alpha", issue_area="Education", is_public=True
    )
    beta = Initiative.objects.create(name="Beta Health Together", slug="beta")
    partners = {}
    for code, name in [("a", "Alpha Schools"), ("b", "Bright Futures Nonprofit")]:
        org = Organization.objects.create(name=name, sector="education", annual_budget=1_000_000)
        partners[code] = Partnership.objects.create(initiative=alpha, organization=org, code=code)
    beta_org = Organization.objects.create(name="Beta Clinic", sector="health")
    beta_partner = Partnership.objects.create(initiative=beta, organization=beta_org, code="c")
    world = World(alpha=alpha, beta=beta, partners=partners)
    for persona, (role, partner_code) in PERSONAS.items():
        user = make_user(persona, first_name=persona.replace("_", " ").title())
        Membership.objects.create(
            user=user,
            initiative=alpha,
            role=role,
            partnership=partners[partner_code] if partner_code else None,
        )
        world.users[persona] = user
    outsider = make_user("outsider")
    Membership.objects.create(
        user=outsider, initiative=beta, role=Role.BACKBONE_LEAD, partnership=None
    )
    world.users["outsider"] = outsider
    world.beta_partner = beta_partner
    return world
