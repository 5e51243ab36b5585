"""What every write operation shares: one transaction, the audit trail, the Idempotency-Key.

``@write`` under an operation's route decorator wraps the whole operation (authentication,
the service calls, the answer) in one transaction, so that:

- a successful write leaves an ``api.request`` audit event beside the services' own events
  (``submission.submitted``, ``value.saved``…), naming the token: the audit log shows the change
  came through the API, and with which token;
- with an ``Idempotency-Key`` header, the answer is stored with the request's fingerprint
  (method, path, query and body): a repeat gets the stored answer again — nothing runs twice —
  marked ``Idempotent-Replayed: true``; the same key with another request is refused (409
  ``idempotency_key_reused``). Keys are per token and kept ``KEEP`` (24 hours). Two requests
  with the same key at once queue on the key's row: the second gets the first one's answer.
"""

import hashlib
import re
from datetime import timedelta
from functools import wraps

from django.core.exceptions import RequestDataTooBig
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.decorators import decorate_view
from ninja.utils import contribute_operation_callback

from commonground.api.auth import access_of, token_of
from commonground.api.errors import body_too_large, error_response
from commonground.api.models import IdempotentRequest
from commonground.core import audit

HEADER = "Idempotency-Key"
KEEP = timedelta(hours=24)
KEY_MAX_LENGTH = IdempotentRequest._meta.get_field("key").max_length
# Answers that say the request never ran: not kept, so the same key can be sent again.
NOT_RUN = {401, 429}

# Printable ASCII: what every HTTP client sends unchanged in a header.
KEY_PATTERN = "^[ -~]*$"

KEY_PARAMETER = {
    "name": HEADER,
    "in": "header",
    "required": False,
    "description": (
        "Any unique text (a UUID) of at most 255 printable ASCII characters. A repeat of the "
        "same request with the same key within 24 hours returns the first answer again "
        "without running twice; the same key with another request is refused with 409."
    ),
    "schema": {"type": "string", "maxLength": KEY_MAX_LENGTH, "pattern": KEY_PATTERN},
}


def fingerprint(request) -> str:
    digest = hashlib.sha256()
    for part in (request.method, request.path, request.META.get("QUERY_STRING", "")):
        digest.update(part.encode() + b"\n")
    digest.update(request.body)
    return digest.hexdigest()


def _replay(record: IdempotentRequest, print_: str) -> HttpResponse:
    if record.fingerprint != print_:
        return error_response(
            409,
            "idempotency_key_reused",
            _("This Idempotency-Key was used for another request; use a new key."),
        )
    response = HttpResponse(
        bytes(record.body), status=record.status_code, content_type=record.content_type
    )
    response["Idempotent-Replayed"] = "true"
    return response


def _claim(token, key: str, print_: str) -> IdempotentRequest | HttpResponse:
    """A new record for the key, or the answer to give instead of running (stored or 409)."""
    stale = timezone.now() - KEEP
    IdempotentRequest.objects.filter(token=token, created_at__lt=stale).delete()
    existing = IdempotentRequest.objects.filter(token=token, key=key).first()
    if existing is None:
        try:
            with transaction.atomic():
                return IdempotentRequest.objects.create(token=token, key=key, fingerprint=print_)
        except IntegrityError:
            # Another request with this key committed first (PostgreSQL waited for it).
            existing = IdempotentRequest.objects.get(token=token, key=key)
    return _replay(existing, print_)


def _record_write(request, response) -> None:
    token = request.api_token
    audit.record(
        actor=token.user,
        action="api.request",
        obj=token,
        initiative=token.initiative,
        after={
            "method": request.method,
            "path": request.path,
            "status": response.status_code,
            "token": str(token),
            "idempotency_key": request.headers.get(HEADER, ""),
        },
    )


def _run_write(run):
    @wraps(run)
    def wrapped(request, *args, **kwargs):
        key = request.headers.get(HEADER, "").strip()
        if len(key) > KEY_MAX_LENGTH or not re.match(KEY_PATTERN, key):
            return error_response(
                422,
                "invalid",
                _("The Idempotency-Key must be printable ASCII of at most %(n)d characters.")
                % {"n": KEY_MAX_LENGTH},
            )
        with transaction.atomic():
            token = token_of(request) if key else None
            record = None
            # Only a token that may act at all replays; any other request runs (and fails).
            if token is not None and access_of(token) is not None:
                try:
                    print_ = fingerprint(request)
                except RequestDataTooBig:
                    return body_too_large()
                claimed = _claim(token, key, print_)
                if isinstance(claimed, HttpResponse):
                    return claimed
                record = claimed
            response = run(request, *args, **kwargs)
            if 200 <= response.status_code < 300 and hasattr(request, "api_token"):
                _record_write(request, response)
            if record is not None:
                if response.status_code in NOT_RUN or response.status_code >= 500:
                    record.delete()
                else:
                    record.status_code = response.status_code
                    record.content_type = response.get("Content-Type", "application/json")
                    record.body = response.content
                    record.save(update_fields=["status_code", "content_type", "body"])
        return response

    return wrapped


def _document(operation) -> None:
    extra = dict(operation.openapi_extra or {})
    extra["parameters"] = [*extra.get("parameters", []), KEY_PARAMETER]
    operation.openapi_extra = extra


def write(func):
    """Mark an operation as a write (place it under ``@router.post(...)``)."""
    contribute_operation_callback(func, _document)
    return decorate_view(_run_write)(func)
