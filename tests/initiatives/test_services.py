"""People, roles and partners: invitations, memberships, partner profiles, the audit log."""

import hashlib
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from commonground.core import audit
from commonground.core.errors import DomainError
from commonground.core.models import AuditEvent
from commonground.initiatives import services
from commonground.initiatives.models import Invitation, Membership
from commonground.initiatives.roles import Role

User = get_user_model()
LINK = re.compile(r"http://testserver/invitations/([A-Za-z0-9_-]+)/")


def invite(world, email="new@example.org", role=Role.VIEWER, partnership=None, actor="lead"):
    return services.invite_person(
        actor=world.users[actor],
        initiative=world.alpha,
        email=email,
        role=role,
        partnership=partnership,
        base_url="http://testserver/",
    )


@pytest.fixture
def sent(world, mailoutbox, django_capture_on_commit_callbacks):
    """Invite someone as it happens in a request: the e-mail leaves when the transaction commits.

    Returns (invitation, raw token, the e-mail).
    """

    def send(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            invitation = invite(world, **kwargs)
        assert len(mailoutbox) == 1
        message = mailoutbox[0]
        [token] = LINK.findall(message.body)
        return invitation, token, message

    return send


def errors_code(call) -> str:
    with pytest.raises(DomainError) as caught:
        call()
    return caught.value.code


# --- invite_person ----------------------------------------------------------------------------


def test_invitation_sends_one_email_whose_link_accepts_it(world, sent):
    invitation, token, message = sent(role=Role.DATA_MANAGER)
    assert message.to == ["new@example.org"]
    assert message.subject == "You are invited to Alpha Cradle to Career on Commonground"
    assert "Lead invites you to join Alpha Cradle to Career on Commonground as Data manager." in (
        message.body
    )
    assert f"http://testserver/invitations/{token}/" in message.body
    assert services.find_open_invitation(token) == invitation
    user = User.objects.create_user("new", email="new@example.org", password="x")
    membership = services.accept_invitation(invitation=invitation, user=user)
    assert (membership.role, membership.partnership, membership.is_active) == (
        Role.DATA_MANAGER,
        None,
        True,
    )
    assert membership.initiative == world.alpha


def test_the_email_names_the_partner_for_partner_roles(world, sent):
    _, _, message = sent(role=Role.PARTNER_REPORTER, partnership=world.partners["b"])
    assert "You will act for Bright Futures Nonprofit." in message.body


def test_no_email_leaves_before_the_transaction_commits(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invite(world)
    assert len(callbacks) == 1
    assert mailoutbox == []


def test_the_token_is_stored_only_as_its_hash(world, sent):
    invitation, token, _ = sent()
    invitation.refresh_from_db()
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert len(token) >= 40  # 32 random bytes, URL-safe base64
    stored = Invitation.objects.filter(pk=invitation.pk).values().get()
    assert all(token not in str(value) for value in stored.values())
    for event in AuditEvent.objects.all():
        assert token not in str(event.before) + str(event.after) + event.object_label


def test_each_invitation_gets_its_own_token(world, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = invite(world, email="one@example.org")
        second = invite(world, email="two@example.org")
    tokens = [LINK.findall(m.body)[0] for m in mailoutbox]
    assert len(set(tokens)) == 2
    assert first.token_hash != second.token_hash


def test_the_invitation_is_audited_and_expires_after_the_configured_days(world, settings):
    settings.INVITATION_VALID_DAYS = 3
    before = timezone.now()
    invitation = invite(world, role=Role.PARTNER_LEAD, partnership=world.partners["a"])
    after = timezone.now()
    assert before + timedelta(days=3) <= invitation.expires_at <= after + timedelta(days=3)
    assert invitation.invited_by == world.users["lead"]
    [event] = AuditEvent.objects.filter(action="invitation.created")
    assert event.after == {"email": "new@example.org", "role": "partner_lead", "partnership": "a"}
    assert event.initiative == world.alpha
    assert event.actor == world.users["lead"]


def test_the_email_address_is_normalized_to_lower_case(world):
    invitation = invite(world, email="New.Person@Example.ORG")
    assert invitation.email == "new.person@example.org"


def test_accepting_twice_is_refused(world, sent):
    invitation, token, _ = sent()
    user = User.objects.create_user("new", email="new@example.org", password="x")
    services.accept_invitation(invitation=invitation, user=user)
    assert services.find_open_invitation(token) is None
    assert errors_code(lambda: services.accept_invitation(invitation=invitation, user=user)) == (
        "invitation_closed"
    )
    assert AuditEvent.objects.filter(action="membership.joined").count() == 1


def test_an_expired_invitation_is_refused(world, sent):
    invitation, token, _ = sent()
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert services.find_open_invitation(token) is None
    user = User.objects.create_user("new", email="new@example.org", password="x")
    assert errors_code(lambda: services.accept_invitation(invitation=invitation, user=user)) == (
        "invitation_closed"
    )
    assert not Membership.objects.filter(user=user).exists()


def test_a_revoked_invitation_is_refused_and_cannot_be_revoked_again(world, sent):
    invitation, token, _ = sent()
    services.revoke_invitation(actor=world.users["lead"], invitation=invitation)
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert AuditEvent.objects.filter(action="invitation.revoked").count() == 1
    assert services.find_open_invitation(token) is None
    user = User.objects.create_user("new", email="new@example.org", password="x")
    assert errors_code(lambda: services.accept_invitation(invitation=invitation, user=user)) == (
        "invitation_closed"
    )
    assert errors_code(
        lambda: services.revoke_invitation(actor=world.users["lead"], invitation=invitation)
    ) == ("invitation_closed")


def test_an_unknown_token_finds_nothing(world):
    assert services.find_open_invitation("not-a-token") is None
    assert services.find_open_invitation("") is None


@pytest.mark.parametrize("role", [Role.PARTNER_LEAD, Role.PARTNER_REPORTER])
def test_partner_roles_require_a_partnership(world, role, mailoutbox):
    assert errors_code(lambda: invite(world, role=role)) == "partner_required"
    assert not Invitation.objects.exists()
    assert mailoutbox == []


def test_a_partnership_of_another_initiative_is_refused(world):
    code = errors_code(
        lambda: invite(world, role=Role.PARTNER_REPORTER, partnership=world.beta_partner)
    )
    assert code == "wrong_initiative"
    # Also for a role that does not need a partner at all.
    assert errors_code(lambda: invite(world, partnership=world.beta_partner)) == (
        "wrong_initiative"
    )
    assert not Invitation.objects.exists()


def test_an_unknown_role_is_refused(world):
    assert errors_code(lambda: invite(world, role="overlord")) == "unknown_role"


@pytest.mark.parametrize("email", ["viewer@example.org", "VIEWER@Example.org"])
def test_inviting_an_active_member_is_refused(world, email):
    assert errors_code(lambda: invite(world, email=email)) == "already_member"
    assert not Invitation.objects.exists()
    assert not AuditEvent.objects.filter(action="invitation.created").exists()


def test_a_member_of_another_initiative_may_be_invited(world):
    invitation = invite(world, email="outsider@example.org")
    membership = services.accept_invitation(invitation=invitation, user=world.users["outsider"])
    assert membership.initiative == world.alpha
    assert world.users["outsider"].memberships.count() == 2


def test_accepting_reactivates_a_former_member_with_the_new_role(world):
    viewer = world.users["viewer"]
    membership = Membership.objects.get(user=viewer, initiative=world.alpha)
    services.change_membership(
        actor=world.users["lead"], membership=membership, role=Role.VIEWER, is_active=False
    )
    invitation = invite(world, email="viewer@example.org", role=Role.DATA_MANAGER)
    joined = services.accept_invitation(invitation=invitation, user=viewer)
    assert joined.pk == membership.pk
    joined.refresh_from_db()
    assert (joined.role, joined.is_active) == (Role.DATA_MANAGER, True)
    event = AuditEvent.objects.get(action="membership.joined")
    assert event.before == {
        "role": "viewer",
        "partnership": None,
        "is_active": False,
        "is_resident": False,
    }
    assert event.after == {
        "role": "data_manager",
        "partnership": None,
        "is_active": True,
        "is_resident": False,
    }


# --- sign_up_with_invitation ------------------------------------------------------------------


def test_sign_up_creates_the_account_and_the_membership(world):
    invitation = invite(world, role=Role.PARTNER_REPORTER, partnership=world.partners["a"])
    user = services.sign_up_with_invitation(
        invitation=invitation,
        first_name="Nia",
        last_name="Okafor",
        password="a-long-unusual-passphrase",
    )
    user.refresh_from_db()
    assert (user.username, user.email, user.get_full_name()) == (
        "new@example.org",
        "new@example.org",
        "Nia Okafor",
    )
    assert user.check_password("a-long-unusual-passphrase")
    membership = Membership.objects.get(user=user)
    assert (membership.initiative, membership.role, membership.partnership) == (
        world.alpha,
        Role.PARTNER_REPORTER,
        world.partners["a"],
    )
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None
    event = AuditEvent.objects.get(action="membership.joined")
    assert event.actor == user
    assert event.before is None
    assert event.after["partnership"] == world.partners["a"].pk


@pytest.mark.parametrize("password", ["short", "password123", "12345678901", "new@example.org"])
def test_sign_up_with_a_weak_password_saves_nothing(world, password):
    invitation = invite(world)
    users, events = User.objects.count(), AuditEvent.objects.count()
    with pytest.raises(ValidationError):
        services.sign_up_with_invitation(
            invitation=invitation, first_name="Nia", last_name="Okafor", password=password
        )
    assert User.objects.count() == users
    assert AuditEvent.objects.count() == events
    invitation.refresh_from_db()
    assert invitation.is_open


def test_sign_up_with_a_closed_invitation_saves_no_account(world):
    invitation = invite(world)
    services.revoke_invitation(actor=world.users["lead"], invitation=invitation)
    with pytest.raises(DomainError):
        services.sign_up_with_invitation(
            invitation=invitation,
            first_name="Nia",
            last_name="Okafor",
            password="a-long-unusual-passphrase",
        )
    assert not User.objects.filter(email="new@example.org").exists()


# --- change_membership ------------------------------------------------------------------------


def lead_membership(world):
    return Membership.objects.get(user=world.users["lead"], initiative=world.alpha)


def test_the_last_lead_cannot_be_demoted_or_deactivated(world):
    membership = lead_membership(world)
    actor = world.users["lead"]
    for role, active in [(Role.VIEWER, True), (Role.BACKBONE_LEAD, False), (Role.VIEWER, False)]:
        code = errors_code(
            lambda role=role, active=active: services.change_membership(
                actor=actor, membership=membership, role=role, is_active=active
            )
        )
        assert code == "last_lead"
    membership.refresh_from_db()
    assert (membership.role, membership.is_active) == (Role.BACKBONE_LEAD, True)
    assert not AuditEvent.objects.filter(action__startswith="membership.").exists()


def test_an_inactive_lead_does_not_count_as_another_lead(world):
    viewer = Membership.objects.get(user=world.users["viewer"], initiative=world.alpha)
    Membership.objects.filter(pk=viewer.pk).update(role=Role.BACKBONE_LEAD, is_active=False)
    code = errors_code(
        lambda: services.change_membership(
            actor=world.users["lead"], membership=lead_membership(world), role=Role.VIEWER
        )
    )
    assert code == "last_lead"


def test_a_lead_can_step_down_when_another_active_lead_remains(world):
    viewer = Membership.objects.get(user=world.users["viewer"], initiative=world.alpha)
    services.change_membership(
        actor=world.users["lead"], membership=viewer, role=Role.BACKBONE_LEAD
    )
    changed = services.change_membership(
        actor=world.users["lead"], membership=lead_membership(world), role=Role.VIEWER
    )
    assert changed.role == Role.VIEWER
    # Now the former viewer is the last lead.
    assert errors_code(
        lambda: services.change_membership(
            actor=world.users["viewer"], membership=viewer, role=Role.FUNDER
        )
    ) == ("last_lead")


def test_a_lead_in_another_initiative_does_not_count(world):
    assert errors_code(
        lambda: services.change_membership(
            actor=world.users["lead"], membership=lead_membership(world), role=Role.VIEWER
        )
    ) == ("last_lead")
    # The outsider is beta's lead; alpha still has only one.
    assert Membership.objects.filter(role=Role.BACKBONE_LEAD, is_active=True).count() == 2


def test_change_membership_audits_before_and_after(world):
    reporter = Membership.objects.get(user=world.users["reporter_a"], initiative=world.alpha)
    services.change_membership(
        actor=world.users["lead"],
        membership=reporter,
        role=Role.PARTNER_LEAD,
        partnership=world.partners["b"],
    )
    services.change_membership(
        actor=world.users["lead"], membership=reporter, role=Role.VIEWER, is_active=False
    )
    changed, deactivated = AuditEvent.objects.order_by("id").filter(
        action__startswith="membership."
    )
    assert changed.action == "membership.changed"
    assert changed.before == {
        "role": "partner_reporter",
        "partnership": world.partners["a"].pk,
        "is_active": True,
        "is_resident": False,
    }
    assert changed.after["role"] == "partner_lead"
    assert changed.after["partnership"] == world.partners["b"].pk
    assert deactivated.action == "membership.deactivated"
    # A role that acts for no partner drops the partner.
    assert deactivated.after == {
        "role": "viewer",
        "partnership": None,
        "is_active": False,
        "is_resident": False,
    }


def test_change_membership_checks_the_partner(world):
    viewer = Membership.objects.get(user=world.users["viewer"], initiative=world.alpha)
    lead = world.users["lead"]
    assert errors_code(
        lambda: services.change_membership(
            actor=lead, membership=viewer, role=Role.PARTNER_REPORTER
        )
    ) == ("partner_required")
    assert errors_code(
        lambda: services.change_membership(
            actor=lead,
            membership=viewer,
            role=Role.PARTNER_REPORTER,
            partnership=world.beta_partner,
        )
    ) == ("wrong_initiative")


# --- update_partner_profile -------------------------------------------------------------------


def test_update_partner_profile_audits_before_and_after(world):
    partner = world.partners["a"]
    services.update_partner_profile(
        actor=world.users["partner_lead_a"],
        partnership=partner,
        changes={"name": "Alpha Public Schools", "annual_budget": Decimal("2500000.50")},
    )
    partner.organization.refresh_from_db()
    assert partner.organization.name == "Alpha Public Schools"
    assert partner.organization.annual_budget == Decimal("2500000.50")
    event = AuditEvent.objects.get(action="partner.updated")
    assert event.actor == world.users["partner_lead_a"]
    assert event.initiative == world.alpha
    assert (event.object_type, event.object_id) == ("initiatives.partnership", str(partner.pk))
    assert event.before["name"] == "Alpha Schools"
    assert Decimal(event.before["annual_budget"]) == Decimal(1_000_000)
    assert event.after["name"] == "Alpha Public Schools"
    assert Decimal(event.after["annual_budget"]) == Decimal("2500000.50")
    assert event.before["sector"] == event.after["sector"] == "education"


def test_before_is_what_the_database_held_not_unsaved_edits(world):
    """A ModelForm writes the posted values into its instance before the service runs."""
    partner = world.partners["a"]
    partner.organization.name = "Edited in memory"
    services.update_partner_profile(
        actor=world.users["lead"], partnership=partner, changes={"name": "Edited in memory"}
    )
    event = AuditEvent.objects.get(action="partner.updated")
    assert event.before["name"] == "Alpha Schools"
    assert event.after["name"] == "Edited in memory"


def test_update_partner_profile_refuses_unknown_fields_and_invalid_values(world):
    partner = world.partners["a"]
    assert errors_code(
        lambda: services.update_partner_profile(
            actor=world.users["lead"], partnership=partner, changes={"code": "zz"}
        )
    ) == ("unknown_field")
    with pytest.raises(ValidationError):
        services.update_partner_profile(
            actor=world.users["lead"], partnership=partner, changes={"sector": "astrology"}
        )
    partner.organization.refresh_from_db()
    assert partner.organization.sector == "education"
    assert not AuditEvent.objects.filter(action="partner.updated").exists()


# --- the audit log is append-only -------------------------------------------------------------


@pytest.fixture
def event(world):
    return audit.record(
        actor=world.users["lead"],
        action="test.event",
        obj=world.alpha,
        initiative=world.alpha,
        before={"a": 1},
        after={"a": 2},
    )


def test_an_audit_event_records_who_and_what(world, event):
    event.refresh_from_db()
    assert (event.actor_label, event.object_type, event.object_id) == (
        "Lead",
        "initiatives.initiative",
        str(world.alpha.pk),
    )
    assert event.object_label == "Alpha Cradle to Career"
    assert (event.before, event.after) == ({"a": 1}, {"a": 2})


def test_a_system_change_is_labelled_system(world):
    event = audit.record(actor=None, action="test.system", obj=world.alpha)
    assert (event.actor, event.actor_label) == (None, "system")


def test_an_audit_event_cannot_be_saved_again(event):
    event.action = "tampered"
    with pytest.raises(ValidationError):
        event.save()
    assert AuditEvent.objects.get(pk=event.pk).action == "test.event"


def test_an_audit_event_cannot_be_deleted(event):
    with pytest.raises(ValidationError):
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.parametrize(
    "change",
    [
        lambda qs: qs.update(action="tampered"),
        lambda qs: qs.delete(),
        lambda qs: AuditEvent.objects.bulk_update(
            [AuditEvent(pk=e.pk, action="tampered") for e in qs], ["action"]
        ),
    ],
    ids=["update", "delete", "bulk_update"],
)
def test_audit_events_cannot_be_changed_in_bulk(event, change):
    for queryset in (AuditEvent.objects.filter(pk=event.pk), AuditEvent.objects.all()):
        with pytest.raises(ValidationError), transaction.atomic():
            change(queryset)
    assert AuditEvent.objects.get(pk=event.pk).action == "test.event"
