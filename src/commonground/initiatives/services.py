"""State changes for people, roles and partners. Each runs in one transaction and is audited."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from commonground.core import audit
from commonground.core.errors import DomainError
from commonground.initiatives.models import (
    Initiative,
    Invitation,
    Membership,
    Organization,
    Partnership,
)
from commonground.initiatives.roles import ORGANIZATION_ROLES, PARTNER_ROLES, Role

User = get_user_model()

MEMBERSHIP_FIELDS = ["role", "partnership", "is_active", "is_resident"]
PARTNER_PROFILE_FIELDS = ["name", "sector", "annual_budget", "website", "description"]


def _check_role_partnership(initiative: Initiative, role: str, partnership: Partnership | None):
    if role not in Role.values:
        raise DomainError(_("'%(role)s' is not a role.") % {"role": role}, code="unknown_role")
    if role in PARTNER_ROLES and partnership is None:
        raise DomainError(
            _("A partner lead or reporter acts for one partner: choose the partner."),
            code="partner_required",
        )
    if partnership is not None and partnership.initiative_id != initiative.pk:
        raise DomainError(_("That partner is not in this initiative."), code="wrong_initiative")


@transaction.atomic
def add_member(*, actor, initiative: Initiative, user, role: str, partnership=None) -> Membership:
    """Make ``user`` a member directly (commands, the demo); people join by invitation."""
    _check_role_partnership(initiative, role, partnership)
    if Membership.objects.filter(user=user, initiative=initiative).exists():
        raise DomainError(
            _("%(person)s is already a member of this initiative.") % {"person": user},
            code="already_member",
        )
    membership = Membership.objects.create(
        user=user, initiative=initiative, role=role, partnership=partnership
    )
    audit.record(
        actor=actor,
        action="membership.created",
        obj=membership,
        initiative=initiative,
        after=audit.snapshot(membership, MEMBERSHIP_FIELDS),
    )
    return membership


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def invite_person(
    *, actor, initiative: Initiative, email: str, role: str, partnership=None, base_url: str
) -> Invitation:
    """Create an invitation and e-mail its one-time link (sent once the transaction commits)."""
    _check_role_partnership(initiative, role, partnership)
    email = User.objects.normalize_email(email).lower()
    if Membership.objects.filter(
        initiative=initiative, user__email__iexact=email, is_active=True
    ).exists():
        raise DomainError(
            _("%(email)s is already a member of this initiative.") % {"email": email},
            code="already_member",
        )
    # A new invitation replaces any open one to the same address: one valid link at a time.
    for previous in Invitation.objects.filter(
        initiative=initiative, email=email, accepted_at=None, revoked_at=None
    ):
        revoke_invitation(actor=actor, invitation=previous)
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        initiative=initiative,
        email=email,
        role=role,
        partnership=partnership,
        token_hash=hash_token(token),
        invited_by=actor,
        expires_at=timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS),
    )
    audit.record(
        actor=actor,
        action="invitation.created",
        obj=invitation,
        initiative=initiative,
        after={"email": email, "role": role, "partnership": partnership and partnership.code},
    )
    link = base_url.rstrip("/") + reverse("accept_invitation", args=[token])
    context = {"invitation": invitation, "link": link, "inviter": actor}
    transaction.on_commit(
        lambda: send_mail(
            subject=_("You are invited to %(name)s on Commonground") % {"name": initiative.name},
            message=render_to_string("initiatives/email/invitation.txt", context),
            from_email=None,
            recipient_list=[email],
        )
    )
    return invitation


def find_open_invitation(token: str) -> Invitation | None:
    invitation = (
        Invitation.objects.select_related("initiative", "partnership__organization")
        .filter(token_hash=hash_token(token))
        .first()
    )
    return invitation if invitation and invitation.is_open else None


@transaction.atomic
def accept_invitation(*, invitation: Invitation, user) -> Membership:
    """Make ``user`` a member with the invitation's role (reactivating an old membership)."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_open:
        raise DomainError(_("This invitation is no longer valid."), code="invitation_closed")
    membership, created = Membership.objects.get_or_create(
        user=user,
        initiative=invitation.initiative,
        defaults={"role": invitation.role, "partnership": invitation.partnership},
    )
    before = None if created else audit.snapshot(membership, MEMBERSHIP_FIELDS)
    if not created:
        membership.role = invitation.role
        membership.partnership = invitation.partnership
        membership.is_active = True
        membership.save()
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    audit.record(
        actor=user,
        action="membership.joined",
        obj=membership,
        initiative=invitation.initiative,
        before=before,
        after=audit.snapshot(membership, MEMBERSHIP_FIELDS),
    )
    return membership


@transaction.atomic
def sign_up_with_invitation(*, invitation: Invitation, first_name, last_name, password):
    """Create the account of an invited person and accept the invitation with it.

    Raises ``ValidationError`` for a password the validators refuse; nothing is saved then.
    """
    user = User(
        username=invitation.email,
        email=invitation.email,
        first_name=first_name,
        last_name=last_name,
    )
    password_validation.validate_password(password, user)
    user.set_password(password)
    user.save()
    accept_invitation(invitation=invitation, user=user)
    return user


@transaction.atomic
def revoke_invitation(*, actor, invitation: Invitation) -> None:
    if invitation.accepted_at or invitation.revoked_at:
        raise DomainError(_("This invitation is already closed."), code="invitation_closed")
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    audit.record(
        actor=actor, action="invitation.revoked", obj=invitation, initiative=invitation.initiative
    )


def _ensure_a_lead_remains(membership: Membership, new_role: str, active: bool) -> None:
    """Refuse to leave an initiative without an active backbone lead."""
    if membership.role != Role.BACKBONE_LEAD or (new_role == Role.BACKBONE_LEAD and active):
        return
    others = Membership.objects.filter(
        initiative=membership.initiative, role=Role.BACKBONE_LEAD, is_active=True
    ).exclude(pk=membership.pk)
    if not others.exists():
        raise DomainError(
            _("An initiative needs at least one active backbone lead."), code="last_lead"
        )


@transaction.atomic
def change_membership(
    *, actor, membership: Membership, role: str, partnership=None, is_active: bool = True
) -> Membership:
    """Change a member's role, partner or active state."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    _check_role_partnership(membership.initiative, role, partnership)
    _ensure_a_lead_remains(membership, role, is_active)
    before = audit.snapshot(membership, MEMBERSHIP_FIELDS)
    membership.role = role
    membership.partnership = partnership if role in ORGANIZATION_ROLES else None
    membership.is_active = is_active
    membership.save()
    audit.record(
        actor=actor,
        action="membership.changed" if is_active else "membership.deactivated",
        obj=membership,
        initiative=membership.initiative,
        before=before,
        after=audit.snapshot(membership, MEMBERSHIP_FIELDS),
    )
    return membership


@transaction.atomic
def update_partner_profile(*, actor, partnership: Partnership, changes: dict) -> Partnership:
    """Update the organization behind a partnership (name, sector, budget, website, text)."""
    unknown = set(changes) - set(PARTNER_PROFILE_FIELDS)
    if unknown:
        raise DomainError(f"Unknown fields: {', '.join(sorted(unknown))}", code="unknown_field")
    # Read afresh: a bound ModelForm has already written the new values into the caller's copy.
    organization = Organization.objects.select_for_update().get(pk=partnership.organization_id)
    before = audit.snapshot(organization, PARTNER_PROFILE_FIELDS)
    for field, value in changes.items():
        setattr(organization, field, value)
    organization.full_clean()
    organization.save()
    partnership.organization = organization
    audit.record(
        actor=actor,
        action="partner.updated",
        obj=partnership,
        initiative=partnership.initiative,
        before=before,
        after=audit.snapshot(organization, PARTNER_PROFILE_FIELDS),
    )
    return partnership
