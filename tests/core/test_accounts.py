"""Logging in and out, resetting a password, and moving between one's initiatives."""

import re

from django.urls import reverse

from commonground.initiatives.models import Membership
from commonground.initiatives.roles import Role
from tests.conftest import PASSWORD


def test_log_in_lands_on_the_only_initiative_and_log_out_ends_the_session(world, client):
    response = client.post(
        reverse("login"), {"username": "reporter_a", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("initiative_home", args=["alpha"])
    client.post(reverse("logout"))
    assert client.get(reverse("initiative_home", args=["alpha"])).status_code == 302


def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(world, client):
    response = client.post(reverse("login"), {"username": "lead", "password": "nope"})
    assert response.status_code == 200
    assert "enter a correct username and password" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_password_reset_by_email_link(world, client, mailoutbox):
    client.post(reverse("password_reset"), {"email": "lead@example.org"})
    assert len(mailoutbox) == 1
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", mailoutbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    new_password = "a-much-longer-new-passphrase"
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
        follow=True,
    )
    assert "Password changed" in done.content.decode()
    assert client.login(username="lead", password=new_password)


def test_unknown_address_gets_the_same_answer_and_no_mail(world, client, mailoutbox):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert mailoutbox == []


def test_a_person_in_two_initiatives_chooses_and_switches(world):
    viewer = world.users["viewer"]
    Membership.objects.create(user=viewer, initiative=world.beta, role=Role.FUNDER)
    client = world.client("viewer")
    home = client.get(reverse("home")).content.decode()
    assert "Alpha Cradle to Career" in home and "Beta Health Together" in home
    alpha = client.get(reverse("initiative_home", args=["alpha"])).content.decode()
    assert "Switch initiative" in alpha
    assert reverse("initiative_home", args=["beta"]) in alpha
    beta = client.get(reverse("initiative_home", args=["beta"]))
    assert beta.status_code == 200
    assert "Funder" in beta.content.decode()  # the role of this initiative, not the other's


def test_a_deactivated_member_loses_access(world):
    membership = world.alpha.memberships.get(user=world.users["viewer"])
    membership.is_active = False
    membership.save()
    client = world.client("viewer")
    assert client.get(reverse("initiative_home", args=["alpha"])).status_code == 404
    assert "not a member of any initiative" in client.get(reverse("home")).content.decode()
