"""One attempt of one delivery: claim it, POST the signed body, record the outcome.

No transaction is held open while the receiver answers (it may take up to the timeout): the
attempt is *claimed* first by one conditional update (pending, with the attempt count the task
was queued for), so a task that runs twice or late does nothing the second time; the outcome is
written by a second conditional update. A failed attempt is retried with exponential back-off —
``WEBHOOK_RETRY_BASE_SECONDS`` × 2^(attempt − 1), at most ``WEBHOOK_RETRY_MAX_SECONDS`` — until
``WEBHOOK_MAX_ATTEMPTS`` attempts have failed. Redirects are not followed (a failure).
"""

import http.client
import socket
import ssl
import time
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from commonground.webhooks import signing
from commonground.webhooks.addresses import AddressRefused, resolve, split_url
from commonground.webhooks.events import PING, enqueue_on_commit
from commonground.webhooks.models import Delivery

Status = Delivery.Status
RESPONSE_SNIPPET = 300  # characters of an unsuccessful answer kept in the log


def max_attempts() -> int:
    return int(getattr(settings, "WEBHOOK_MAX_ATTEMPTS", 8))


def backoff(attempt: int) -> timedelta:
    """The wait after failed attempt number ``attempt`` (1, 2, …)."""
    base = float(getattr(settings, "WEBHOOK_RETRY_BASE_SECONDS", 60))
    ceiling = float(getattr(settings, "WEBHOOK_RETRY_MAX_SECONDS", 6 * 3600))
    return timedelta(seconds=min(base * 2 ** (attempt - 1), ceiling))


class _Pinned:
    """Connect to the address that was checked, not to whatever the name resolves to now."""

    def __init__(self, host, address, port, timeout, **kwargs):
        super().__init__(host, port, timeout=timeout, **kwargs)
        self.address = address

    def connect(self):
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTP(_Pinned, http.client.HTTPConnection):
    pass


class _PinnedHTTPS(_Pinned, http.client.HTTPSConnection):
    def __init__(self, host, address, port, timeout):
        self.tls = ssl.create_default_context()
        super().__init__(host, address, port, timeout, context=self.tls)

    def connect(self):
        super().connect()
        self.sock = self.tls.wrap_socket(self.sock, server_hostname=self.host)


def post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
    """POST ``body`` to ``url``; ``(status, start of the answer)``. Network errors raise."""
    scheme, host, port = split_url(url)
    address = resolve(host, port)
    kind = _PinnedHTTPS if scheme == "https" else _PinnedHTTP
    timeout = float(getattr(settings, "WEBHOOK_TIMEOUT_SECONDS", 10))
    connection = kind(host, address, port, timeout)
    parts = urlsplit(url.strip())
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        answer = response.read(RESPONSE_SNIPPET * 4).decode("utf-8", "replace")
        return response.status, answer[:RESPONSE_SNIPPET]
    finally:
        connection.close()


def attempt(delivery_id: int, expected_attempts: int) -> str:
    """Run the attempt the task was queued for; the delivery's status afterwards."""
    now = timezone.now()
    claimed = Delivery.objects.filter(
        pk=delivery_id, status=Status.PENDING, attempts=expected_attempts
    ).update(attempts=F("attempts") + 1, last_attempt_at=now, next_attempt_at=None)
    delivery = Delivery.objects.select_related("webhook__initiative").filter(pk=delivery_id).first()
    if not claimed or delivery is None:
        return delivery.status if delivery else "missing"
    code, error = _send(delivery)
    return _record(delivery, code, error)


def _switched_off(delivery) -> bool:
    """Events stop when the webhook is switched off; a test is sent regardless."""
    return not delivery.webhook.is_active and delivery.event != PING


def _send(delivery) -> tuple[int | None, str]:
    if _switched_off(delivery):
        return None, "The webhook was switched off."
    body = signing.body_of(delivery)
    timestamp = int(time.time())
    try:
        code, answer = post(delivery.webhook.url, body, signing.headers(delivery, body, timestamp))
    except AddressRefused as refused:
        return None, refused.message
    except (OSError, http.client.HTTPException) as problem:
        return None, f"{type(problem).__name__}: {problem}"[:500]
    if 200 <= code < 300:
        return code, ""
    if 300 <= code < 400:
        return code, "Redirects are not followed; register the final address."
    return code, answer or f"HTTP {code}"


def _record(delivery, code: int | None, error: str) -> str:
    """Write the outcome of the claimed attempt; schedule the next one after a failure."""
    changes = {"response_code": code, "last_error": error}
    if not error:
        changes["status"] = Status.SUCCEEDED
    elif delivery.attempts >= max_attempts() or _switched_off(delivery):
        changes["status"] = Status.FAILED
    else:
        changes["next_attempt_at"] = timezone.now() + backoff(delivery.attempts)
    with transaction.atomic():
        Delivery.objects.filter(pk=delivery.pk, attempts=delivery.attempts).update(**changes)
        for name, value in changes.items():
            setattr(delivery, name, value)
        if delivery.status == Status.PENDING:
            enqueue_on_commit(delivery)
    return delivery.status
