"""Personal API tokens: create (the secret is shown once), find by secret, revoke.

A token belongs to one person and one initiative; through the API it acts with the person's
current membership there, so a changed role or a left initiative changes what it may do at once.
The secret is ``cg_`` followed by 43 random URL-safe characters; only its SHA-256 digest is
stored, so a copy of the database opens nothing.
"""

import secrets

from django.db import transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from commonground.api.models import ApiToken
from commonground.core import audit
from commonground.core.access import access_for
from commonground.core.errors import DomainError, PermissionDenied
from commonground.initiatives.services import hash_token

SECRET_PREFIX = "cg_"  # noqa: S105 - a marker that tells our tokens apart, not a secret
# "cg_" and the first five random characters: enough to tell one's tokens apart, too few to guess.
SHOWN_PREFIX_LENGTH = 8
NAME_MAX_LENGTH = ApiToken._meta.get_field("name").max_length
TOKEN_FIELDS = ["name", "prefix", "initiative", "created_at", "revoked_at"]


@transaction.atomic
def create_token(*, actor, initiative, name: str) -> tuple[ApiToken, str]:
    """A new token of ``actor`` for ``initiative``; returns it and its secret (shown once)."""
    name = " ".join((name or "").split())
    if not name:
        raise DomainError(_("Give the token a name."), code="name_required")
    if len(name) > NAME_MAX_LENGTH:
        raise DomainError(
            _("The name is too long (at most %(n)d characters).") % {"n": NAME_MAX_LENGTH},
            code="name_too_long",
        )
    if actor is None or access_for(actor, initiative).membership is None:
        raise PermissionDenied(_("You may create tokens only for your own initiatives."))
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=actor,
        initiative=initiative,
        name=name,
        prefix=secret[:SHOWN_PREFIX_LENGTH],
        digest=hash_token(secret),
    )
    audit.record(
        actor=actor,
        action="api_token.created",
        obj=token,
        initiative=initiative,
        after=audit.snapshot(token, TOKEN_FIELDS),
    )
    return token, secret


@transaction.atomic
def revoke_token(*, actor, token: ApiToken) -> ApiToken:
    """Stop a token from working, for good; only its owner revokes it."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if actor is None or token.user_id != actor.pk:
        raise PermissionDenied(_("You may revoke only your own tokens."))
    if token.revoked_at is not None:
        raise DomainError(_("This token is already revoked."), code="already_revoked")
    before = audit.snapshot(token, TOKEN_FIELDS)
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit.record(
        actor=actor,
        action="api_token.revoked",
        obj=token,
        initiative=token.initiative,
        before=before,
        after=audit.snapshot(token, TOKEN_FIELDS),
    )
    return token


def find_token(secret: str) -> ApiToken | None:
    """The working token with this secret (not revoked, its person's account active), or None."""
    if not secret.startswith(SECRET_PREFIX):
        return None
    return (
        ApiToken.objects.select_related("user", "initiative")
        .filter(digest=hash_token(secret), revoked_at__isnull=True, user__is_active=True)
        .first()
    )


def count_request(token: ApiToken, window_start) -> int:
    """Count one request in the rate-limit window starting at ``window_start``; the new count.

    One UPDATE also stamps the token's last use; a new window starts the count again at 1.
    """
    now = timezone.now()
    ApiToken.objects.filter(pk=token.pk).update(
        window_count=Case(
            When(window_start=window_start, then=F("window_count") + 1), default=Value(1)
        ),
        window_start=window_start,
        last_used_at=now,
    )
    token.last_used_at, token.window_start = now, window_start
    token.window_count = ApiToken.objects.values_list("window_count", flat=True).get(pk=token.pk)
    return token.window_count


def tokens_of(user):
    """A person's tokens, newest first, with their initiatives."""
    return ApiToken.objects.filter(user=user).select_related("initiative")
