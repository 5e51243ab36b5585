"""Personal API tokens and the stored answers that make writes idempotent."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from commonground.initiatives.models import Initiative


class ApiToken(models.Model):
    """A person's key to the HTTP API in one initiative, where it acts with their role.

    Only the SHA-256 digest of the secret is kept: the secret is shown once, when the token is
    created (``api.tokens.create_token``). A revoked token stays listed, for the record, and no
    longer opens anything. ``window_start``/``window_count`` count the requests of the current
    rate-limit window (``api.auth``), on the token's own row so that every server process
    shares them.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(
        max_length=100, help_text=_("What the token is for, e.g. 'nightly sync'.")
    )
    prefix = models.CharField(
        max_length=12, help_text=_("The secret's first characters, to recognise it.")
    )
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    window_start = models.DateTimeField(null=True, blank=True)
    window_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class IdempotentRequest(models.Model):
    """A write sent with an ``Idempotency-Key``: its fingerprint and the answer it got.

    A repeat with the same key and the same request gets the stored answer again without
    running twice; the same key with another request is refused. Rows older than
    ``api.idempotency.KEEP`` are ignored and removed.
    """

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64, help_text=_("SHA-256 of method, path and body."))
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    body = models.BinaryField(blank=True, default=b"")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["token", "key"], name="idempotency_key_per_token")
        ]

    def __str__(self) -> str:
        return f"{self.key} → {self.status_code}"
