"""Invitations at their edges: a second invitation, a link closed mid-way, a taken username."""

import re

from django.test import TestCase
from django.urls import reverse

from commonground.initiatives import services
from commonground.initiatives.models import Invitation
from tests.conftest import make_user


def invite(world, email="new@example.org", role="viewer"):
    # The e-mail leaves when the transaction commits.
    with TestCase.captureOnCommitCallbacks(execute=True):
        return services.invite_person(
            actor=world.users["lead"],
            initiative=world.alpha,
            email=email,
            role=role,
            base_url="http://testserver",
        )


def link_of(mail) -> str:
    return re.search(r"http://testserver(/invitations/\S+/)", mail.body).group(1)


def test_a_new_invitation_replaces_the_open_one(world, mailoutbox, client):
    invite(world)
    invite(world, role="funder")
    open_ones = [i for i in Invitation.objects.filter(email="new@example.org") if i.is_open]
    assert [i.role for i in open_ones] == ["funder"]
    assert client.get(link_of(mailoutbox[0])).status_code == 404  # the first link is dead
    assert client.get(link_of(mailoutbox[1])).status_code == 200


def test_an_invitation_closed_while_the_page_was_open(world, mailoutbox):
    invitee = make_user("invitee", email="new@example.org")
    invitation = invite(world)
    client = world.client("lead")
    client.force_login(invitee)
    link = link_of(mailoutbox[0])
    assert client.get(link).status_code == 200
    services.revoke_invitation(actor=world.users["lead"], invitation=invitation)
    assert client.post(link).status_code == 404
    assert not world.alpha.memberships.filter(user=invitee).exists()


def test_a_username_already_taken_by_the_address_asks_to_sign_in(world, mailoutbox, client):
    make_user("new@example.org", email="someone.else@example.org")
    invite(world)
    response = client.get(link_of(mailoutbox[0]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
