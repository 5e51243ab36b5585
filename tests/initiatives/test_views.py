"""Pages of people and partners, driven through the Django test client."""

import re
from datetime import datetime
from decimal import Decimal
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from commonground.core import audit
from commonground.core.models import AuditEvent
from commonground.core.permissions import Perm, role_has
from commonground.initiatives import services
from commonground.initiatives.models import Invitation, Membership, Organization, Partnership
from commonground.initiatives.roles import Role
from commonground.measurement.models import Indicator, ReportingAssignment
from tests.conftest import PERSONAS, make_user

User = get_user_model()
LINK = re.compile(r"http://testserver(/invitations/[A-Za-z0-9_-]+/)")
STRONG = "a-long-unusual-passphrase"


def post_invite(world, django_capture_on_commit_callbacks, **data):
    with django_capture_on_commit_callbacks(execute=True):
        return world.client("lead").post(reverse("invite", args=["alpha"]), data)


def link_in(mail) -> str:
    [path] = LINK.findall(mail.body)
    return path


# --- the invitation flow ----------------------------------------------------------------------


def test_invitation_from_the_form_to_a_new_member(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    partner = world.partners["b"]
    response = post_invite(
        world,
        django_capture_on_commit_callbacks,
        email="Nia.Okafor@Example.org",
        role="partner_reporter",
        partnership=partner.pk,
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("people", args=["alpha"])
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["nia.okafor@example.org"]
    path = link_in(mailoutbox[0])

    people = world.client("lead").get(reverse("people", args=["alpha"]))
    assert "nia.okafor@example.org" in people.content.decode()  # pending invitations

    visitor = world.client("anonymous")
    page = visitor.get(path)
    assert page.status_code == 200
    assert "Join Alpha Cradle to Career" in page.content.decode()
    assert "Partner reporter" in page.content.decode()

    response = visitor.post(
        path,
        {"first_name": "Nia", "last_name": "Okafor", "password1": STRONG, "password2": STRONG},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("initiative_home", args=["alpha"])
    home = visitor.get(response["Location"])
    assert home.status_code == 200
    assert home.wsgi_request.user.email == "nia.okafor@example.org"
    access = home.context["access"]
    assert (access.role, access.partnership) == (Role.PARTNER_REPORTER, partner)
    assert "Nia Okafor" in home.content.decode()

    user = User.objects.get(email="nia.okafor@example.org")
    membership = Membership.objects.get(user=user)
    assert (membership.initiative, membership.role, membership.partnership) == (
        world.alpha,
        Role.PARTNER_REPORTER,
        partner,
    )
    # The link worked once.
    assert world.client("anonymous").get(path).status_code == 404
    assert visitor.get(path).status_code == 404


def test_a_weak_password_on_the_sign_up_page_saves_nothing(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    post_invite(world, django_capture_on_commit_callbacks, email="new@example.org", role="viewer")
    path = link_in(mailoutbox[0])
    visitor = world.client("anonymous")
    response = visitor.post(
        path, {"first_name": "Nia", "last_name": "Okafor", "password1": "abc", "password2": "abc"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["password1"]
    assert not User.objects.filter(email="new@example.org").exists()
    assert visitor.get(path).status_code == 200  # still open


def test_differing_passwords_are_refused(world, mailoutbox, django_capture_on_commit_callbacks):
    post_invite(world, django_capture_on_commit_callbacks, email="new@example.org", role="viewer")
    response = world.client("anonymous").post(
        link_in(mailoutbox[0]),
        {"first_name": "N", "last_name": "O", "password1": STRONG, "password2": STRONG + "x"},
    )
    assert response.status_code == 200
    assert "The two passwords differ." in response.content.decode()
    assert not User.objects.filter(email="new@example.org").exists()


def test_a_signed_in_person_with_another_email_gets_403(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    post_invite(world, django_capture_on_commit_callbacks, email="new@example.org", role="viewer")
    path = link_in(mailoutbox[0])
    client = world.client("outsider")
    assert client.get(path).status_code == 403
    assert client.post(path).status_code == 403
    assert not Membership.objects.filter(
        user=world.users["outsider"], initiative=world.alpha
    ).exists()
    assert Invitation.objects.get().is_open


def test_a_signed_in_person_with_the_invited_email_accepts_with_one_click(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    post_invite(
        world, django_capture_on_commit_callbacks, email="OUTSIDER@example.org", role="funder"
    )
    path = link_in(mailoutbox[0])
    client = world.client("outsider")
    page = client.get(path)
    assert page.status_code == 200
    assert "Accept the invitation" in page.content.decode()
    assert not Membership.objects.filter(initiative=world.alpha, user__username="outsider")
    response = client.post(path)
    assert response.status_code == 302
    assert response["Location"] == reverse("initiative_home", args=["alpha"])
    membership = Membership.objects.get(initiative=world.alpha, user=world.users["outsider"])
    assert membership.role == Role.FUNDER
    assert client.get(response["Location"]).status_code == 200


def test_an_anonymous_visitor_whose_email_has_an_account_is_sent_to_sign_in(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    post_invite(
        world, django_capture_on_commit_callbacks, email="outsider@example.org", role="viewer"
    )
    path = link_in(mailoutbox[0])
    response = world.client("anonymous").get(path)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={path}"
    assert not User.objects.filter(username="outsider@example.org").exists()


@pytest.mark.parametrize("persona", ["anonymous", "viewer"])
def test_a_bad_token_is_404(world, persona):
    response = world.client(persona).get(reverse("accept_invitation", args=["not-a-token"]))
    assert response.status_code == 404
    assert "This invitation is not valid" in response.content.decode()


def test_a_revoked_invitation_link_is_404(world, mailoutbox, django_capture_on_commit_callbacks):
    post_invite(world, django_capture_on_commit_callbacks, email="new@example.org", role="viewer")
    invitation = Invitation.objects.get()
    response = world.client("lead").post(
        reverse("invitation_revoke", args=["alpha", invitation.pk])
    )
    assert response.status_code == 302
    assert world.client("anonymous").get(link_in(mailoutbox[0])).status_code == 404


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"email": "viewer@example.org", "role": "funder"}, "already a member"),
        ({"email": "new@example.org", "role": "partner_lead"}, "choose the partner"),
    ],
)
def test_a_refused_invitation_shows_the_reason_and_sends_nothing(
    world, mailoutbox, django_capture_on_commit_callbacks, data, error
):
    response = post_invite(world, django_capture_on_commit_callbacks, **data)
    assert response.status_code == 200
    assert error in response.content.decode()
    assert mailoutbox == []
    assert not Invitation.objects.exists()


# --- the partner profile form -----------------------------------------------------------------


def test_the_partner_edit_form_saves_and_says_so(world):
    client = world.client("partner_lead_a")
    url = reverse("partner_edit", args=["alpha", "a"])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "name": "Alpha Public Schools",
            "sector": "education",
            "annual_budget": "2500000",
            "website": "alphaschools.example.org",
            "description": "K-12 schools of the county.",
        },
        follow=True,
    )
    assert response.redirect_chain == [(reverse("partner_detail", args=["alpha", "a"]), 302)]
    page = response.content.decode()
    assert "The profile was saved." in page
    assert "Alpha Public Schools" in page
    assert "$2,500,000" in page
    assert "https://alphaschools.example.org" in page
    organization = Organization.objects.get(pk=world.partners["a"].organization_id)
    assert organization.annual_budget == Decimal(2_500_000)
    event = AuditEvent.objects.get(action="partner.updated")
    assert event.actor == world.users["partner_lead_a"]
    assert event.before["name"] == "Alpha Schools"
    assert Decimal(event.before["annual_budget"]) == Decimal(1_000_000)
    assert event.after["name"] == "Alpha Public Schools"


def test_an_invalid_partner_form_is_shown_again_and_saves_nothing(world):
    response = world.client("lead").post(
        reverse("partner_edit", args=["alpha", "a"]),
        {"name": "", "sector": "education", "annual_budget": "lots"},
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"name", "annual_budget"}
    assert Organization.objects.get(pk=world.partners["a"].organization_id).name == (
        "Alpha Schools"
    )
    assert not AuditEvent.objects.filter(action="partner.updated").exists()


# --- the audit log ----------------------------------------------------------------------------


def at(year, month, day, hour=0, minute=0, second=0):
    return timezone.make_aware(datetime(year, month, day, hour, minute, second))


def record_at(world, when, action, initiative=None):
    with mock.patch("django.utils.timezone.now", return_value=when):
        return audit.record(
            actor=world.users["lead"],
            action=action,
            obj=world.alpha,
            initiative=initiative or world.alpha,
        )


@pytest.fixture
def log(world):
    """Events around the day 2024-03-02 in the initiative's time zone, and one of beta."""
    return {
        "before": record_at(world, at(2024, 3, 1, 23, 59, 59), "partner.updated"),
        "first": record_at(world, at(2024, 3, 2, 0, 0, 0), "invitation.created"),
        "last": record_at(world, at(2024, 3, 2, 23, 59, 59), "partner.updated"),
        "after": record_at(world, at(2024, 3, 3, 0, 0, 0), "invitation.created"),
        "beta": record_at(world, at(2024, 3, 2, 12), "partner.updated", initiative=world.beta),
    }


def shown(world, persona="lead", **params):
    response = world.client(persona).get(reverse("audit_log", args=["alpha"]), params)
    assert response.status_code == 200
    return response, [e.pk for e in response.context["page"].object_list]


def test_the_audit_log_shows_the_initiatives_events_newest_first(world, log):
    _, pks = shown(world)
    assert pks == [log[k].pk for k in ["after", "last", "first", "before"]]
    _, same = shown(world, persona="data_manager")
    assert same == pks


def test_the_audit_log_filters_by_action(world, log):
    response, pks = shown(world, action="partner.updated")
    assert pks == [log["last"].pk, log["before"].pk]
    assert list(response.context["actions"]) == ["invitation.created", "partner.updated"]
    _, pks = shown(world, action="no.such.action")
    assert pks == []


def test_the_audit_log_filters_by_date_including_both_whole_days(world, log):
    assert shown(world, since="2024-03-02")[1] == [log[k].pk for k in ["after", "last", "first"]]
    assert shown(world, until="2024-03-02")[1] == [log[k].pk for k in ["last", "first", "before"]]
    assert shown(world, since="2024-03-02", until="2024-03-02")[1] == [
        log["last"].pk,
        log["first"].pk,
    ]
    assert shown(world, since="2024-03-03", until="2024-03-01")[1] == []


def test_the_audit_log_combines_filters_and_ignores_a_malformed_date(world, log):
    assert shown(world, since="2024-03-02", action="invitation.created")[1] == [
        log["after"].pk,
        log["first"].pk,
    ]
    assert len(shown(world, since="2024-13-45")[1]) == 4


# --- the people page --------------------------------------------------------------------------


@pytest.mark.parametrize("persona", list(PERSONAS))
def test_the_people_page_shows_emails_only_to_roles_that_may_see_contacts(world, persona):
    response = world.client(persona).get(reverse("people", args=["alpha"]))
    assert response.status_code == 200
    page = response.content.decode()
    may_see = role_has(PERSONAS[persona][0], Perm.VIEW_MEMBER_CONTACTS)
    for other in PERSONAS:
        assert (f"{other}@example.org" in page) is may_see, other
    assert "@example.org" not in page or may_see
    # Everybody sees the names.
    assert "Reporter B" in page


def test_only_roles_with_contacts_are_the_expected_ones():
    allowed = {p for p, (role, _) in PERSONAS.items() if role_has(role, Perm.VIEW_MEMBER_CONTACTS)}
    assert allowed == {"lead", "data_manager", "facilitator", "steering"}


def test_inactive_members_are_listed_only_for_those_who_manage_members(world):
    viewer = Membership.objects.get(user=world.users["viewer"], initiative=world.alpha)
    services.change_membership(
        actor=world.users["lead"], membership=viewer, role=Role.VIEWER, is_active=False
    )
    lead_page = world.client("lead").get(reverse("people", args=["alpha"])).content.decode()
    steering_page = world.client("steering").get(reverse("people", args=["alpha"]))
    assert "viewer@example.org" in lead_page
    assert "viewer@example.org" not in steering_page.content.decode()


# --- query counts stay flat as the initiative grows --------------------------------------------


def grow(world, up_to: int) -> None:
    """Bring alpha to ``up_to`` extra partners, each with a reporter, an indicator and an invite."""
    indicator, _ = Indicator.objects.get_or_create(
        initiative=world.alpha,
        code="kids",
        defaults={
            "name": "Children served",
            "value_type": "count",
            "aggregation": "sum",
            "frequency": "annual",
        },
    )
    start = Partnership.objects.filter(initiative=world.alpha, code__startswith="p").count()
    for i in range(start, up_to):
        org = Organization.objects.create(
            name=f"Partner {i:03d}", sector="nonprofit", annual_budget=1000 * i
        )
        partner = Partnership.objects.create(initiative=world.alpha, organization=org, code=f"p{i}")
        user = make_user(f"member{i}", first_name="Member", last_name=f"{i:03d}")
        Membership.objects.create(
            user=user, initiative=world.alpha, role=Role.PARTNER_REPORTER, partnership=partner
        )
        ReportingAssignment.objects.create(indicator=indicator, partnership=partner)
        services.invite_person(
            actor=world.users["lead"],
            initiative=world.alpha,
            email=f"invitee{i}@example.org",
            role=Role.PARTNER_LEAD,
            partnership=partner,
            base_url="http://testserver/",
        )


def count_queries(client, url) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


@pytest.mark.parametrize(
    ("page", "persona"),
    [
        ("partner_list", "lead"),
        ("partner_list", "reporter_a"),
        ("people", "lead"),
        ("people", "reporter_a"),
    ],
)
def test_query_counts_stay_flat_from_5_to_50(world, page, persona):
    url = reverse(page, args=["alpha"])
    client = world.client(persona)
    grow(world, 5)
    small, small_page = count_queries(client, url)
    grow(world, 50)
    large, large_page = count_queries(client, url)
    assert "Partner 049" in large_page or "Member 049" in large_page
    assert large_page.count("Partner 0") > small_page.count("Partner 0")
    assert large == small, f"{page} as {persona}: {small} queries with 5, {large} with 50"
    assert small <= 12


def test_home_asks_a_partner_lead_to_sign_the_adopted_agenda_until_signed(world):
    """The partner lead's home links to the charter page while its partner has not signed the
    adopted version; the backbone lead (no partner of their own) is not asked."""
    from commonground.action.models import AgendaVersion, CharterSignature

    version = AgendaVersion.objects.create(
        initiative=world.alpha, number=1, status="adopted", adopted_at=timezone.now()
    )
    home = reverse("initiative_home", args=["alpha"])
    sign = reverse("agenda_charter", args=["alpha", "a"])
    assert sign in world.client("partner_lead_a").get(home).content.decode()
    assert "Sign version" not in world.client("lead").get(home).content.decode()

    CharterSignature.objects.create(
        partnership=world.partners["a"], agenda_version=version, signed_at=timezone.now()
    )
    assert sign not in world.client("partner_lead_a").get(home).content.decode()
