"""Personal tokens: created for one's own initiative (the secret shown once, only its hash
kept), listed, revoked — through the services and through the account page."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from commonground.api import tokens
from commonground.api.models import ApiToken
from commonground.core.errors import DomainError, PermissionDenied
from commonground.core.models import AuditEvent
from commonground.initiatives.services import hash_token
from tests.conftest import make_user

SECRET = re.compile(r'value="(cg_[A-Za-z0-9_-]{43})"')


def test_a_new_token_keeps_only_the_hash_of_its_secret(world):
    token, secret = tokens.create_token(
        actor=world.users["reporter_a"], initiative=world.alpha, name="  nightly   upload "
    )
    assert secret.startswith("cg_") and len(secret) == 46
    assert token.name == "nightly upload"
    assert token.digest == hash_token(secret)
    assert secret not in str(ApiToken.objects.filter(pk=token.pk).values().get())
    assert token.prefix == secret[:8]
    event = AuditEvent.objects.get(action="api_token.created")
    assert event.actor == world.users["reporter_a"]
    assert event.initiative == world.alpha
    assert secret not in str(event.after)
    assert tokens.find_token(secret) == token


@pytest.mark.parametrize(
    ("persona", "initiative", "name", "code"),
    [
        ("reporter_a", "beta", "sync", "permission_denied"),
        ("outsider", "alpha", "sync", "permission_denied"),
        ("reporter_a", "alpha", "   ", "name_required"),
        ("reporter_a", "alpha", "x" * 101, "name_too_long"),
    ],
)
def test_refused_tokens_leave_nothing(world, persona, initiative, name, code):
    with pytest.raises(DomainError) as refused:
        tokens.create_token(
            actor=world.users[persona], initiative=getattr(world, initiative), name=name
        )
    assert refused.value.code == code
    assert not ApiToken.objects.exists()
    assert not AuditEvent.objects.exists()


def test_only_its_owner_revokes_a_token(world):
    token, secret = tokens.create_token(
        actor=world.users["reporter_a"], initiative=world.alpha, name="sync"
    )
    with pytest.raises(PermissionDenied):
        tokens.revoke_token(actor=world.users["lead"], token=token)
    tokens.revoke_token(actor=world.users["reporter_a"], token=token)
    assert tokens.find_token(secret) is None
    assert AuditEvent.objects.filter(action="api_token.revoked").count() == 1
    with pytest.raises(DomainError) as again:
        tokens.revoke_token(actor=world.users["reporter_a"], token=token)
    assert again.value.code == "already_revoked"


def test_secrets_must_look_like_ours(world):
    assert tokens.find_token("") is None
    assert tokens.find_token("not-ours") is None


def create_on_the_page(client, initiative, name="sync"):
    return client.post(reverse("api_tokens"), {"name": name, "initiative": initiative.pk})


def test_the_page_shows_a_new_secret_once(world):
    client = world.client("reporter_a")
    response = create_on_the_page(client, world.alpha)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    secret = SECRET.search(response.content.decode()).group(1)
    assert tokens.find_token(secret).user == world.users["reporter_a"]
    again = client.get(reverse("api_tokens"))
    assert secret not in again.content.decode()
    assert secret[:8] in again.content.decode()
    assert "sync" in again.content.decode()


def test_the_page_offers_only_ones_own_initiatives(world):
    client = world.client("reporter_a")
    response = create_on_the_page(client, world.beta)
    assert response.status_code == 200
    assert b"Select a valid choice" in response.content
    assert not ApiToken.objects.exists()
    assert "Beta Health Together" not in client.get(reverse("api_tokens")).content.decode()


def test_the_page_refuses_a_missing_name_next_to_the_field(world):
    response = create_on_the_page(world.client("reporter_a"), world.alpha, name="")
    assert b'id="id_name_error"' in response.content
    assert not ApiToken.objects.exists()


def test_revoking_on_the_page(world):
    token, _secret = tokens.create_token(
        actor=world.users["reporter_a"], initiative=world.alpha, name="sync"
    )
    url = reverse("api_token_revoke", args=[token.pk])
    assert world.client("reporter_b").post(url).status_code == 404
    response = world.client("reporter_a").post(url)
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    page = world.client("reporter_a").get(reverse("api_tokens")).content.decode()
    assert "revoked" in page


def test_the_page_needs_a_sign_in(world):
    response = world.client("anonymous").get(reverse("api_tokens"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_someone_without_an_initiative_is_told_what_to_do(world):
    user = make_user("newcomer")
    client = Client()
    client.force_login(user)
    page = client.get(reverse("api_tokens")).content.decode()
    assert "not a member of any initiative" in page
