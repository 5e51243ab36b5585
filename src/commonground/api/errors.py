"""One shape for every error the API answers: ``{"code", "message", "details"}``.

``code`` is stable (programs branch on it), ``message`` is for people, ``details`` carries what
a program needs to point at the problem (validation findings, the fields refused). The handlers
below turn every exception an operation can raise into that shape; ``ERRORS`` documents it per
status in the OpenAPI document.
"""

import json
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpResponse
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

from commonground.core.errors import DomainError, InvalidTransition, PermissionDenied


class Error(Schema):
    code: str
    message: str
    details: dict[str, Any]


class ApiError(Exception):
    """An answer other than success, raised from inside an operation."""

    def __init__(self, status: int, code: str, message: str, details: dict | None = None):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.details = details or {}
        self.headers: dict[str, str] = {}


class NotFound(ApiError):
    """Missing and not allowed look the same (SPEC §1)."""

    def __init__(self):
        super().__init__(404, "not_found", _("Not found."))


class RateLimited(ApiError):
    def __init__(self, retry_after: int, limit: int, window: int):
        super().__init__(
            429,
            "rate_limited",
            _("Too many requests: at most %(limit)d every %(window)d seconds. Try again later.")
            % {"limit": limit, "window": window},
            {"limit": limit, "window_seconds": window, "retry_after": retry_after},
        )
        self.headers["Retry-After"] = str(retry_after)


def domain_status(error: DomainError) -> int:
    """A refused change of state is a conflict; anything else the service refused, invalid."""
    if isinstance(error, PermissionDenied):
        return 403
    if isinstance(error, InvalidTransition):
        return 409
    return 422


def error_response(
    status: int, code: str, message: str, details: dict | None = None, headers=None
) -> HttpResponse:
    body = {"code": code, "message": str(message), "details": details or {}}
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False, default=str),
        status=status,
        content_type="application/json; charset=utf-8",
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def body_too_large() -> HttpResponse:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return error_response(
        413,
        "too_large",
        _("The body is larger than %(size)s: send fewer values a request.")
        % {"size": filesizeformat(limit)},
        {"limit_bytes": limit},
    )


def install(api) -> None:
    """Register the handlers on ``api`` (replacing django-ninja's ``{"detail": …}`` bodies)."""

    def api_error(request, exc: ApiError):
        return error_response(exc.status, exc.code, exc.message, exc.details, exc.headers)

    def domain_error(request, exc: DomainError):
        return error_response(domain_status(exc), exc.code, exc.message, exc.details)

    def validation_error(request, exc: ValidationError):
        errors = [
            {
                "location": ".".join(str(part) for part in error.get("loc", ())),
                "message": error.get("msg", ""),
                "type": error.get("type", ""),
            }
            for error in exc.errors
        ]
        first = errors[0] if errors else {"location": "", "message": ""}
        message = _("%(location)s: %(message)s") % first if first["location"] else first["message"]
        return error_response(422, "invalid", message, {"errors": errors})

    def too_large(request, exc):
        return body_too_large()

    def not_found(request, exc):
        return error_response(404, "not_found", _("Not found."))

    def http_error(request, exc: HttpError):
        if isinstance(exc, AuthenticationError):
            message = _("Send a valid personal token: 'Authorization: Bearer cg_…'.")
            return error_response(
                401, "unauthorized", message, headers={"WWW-Authenticate": "Bearer"}
            )
        if isinstance(exc, Throttled):  # not used by our operations; kept in the same shape
            return error_response(429, "rate_limited", exc.message)
        if exc.status_code == 400:
            return error_response(400, "bad_request", _("The request body is not valid JSON."))
        return error_response(exc.status_code, "error", exc.message)

    api.add_exception_handler(ApiError, api_error)
    api.add_exception_handler(DomainError, domain_error)
    api.add_exception_handler(ValidationError, validation_error)
    api.add_exception_handler(Http404, not_found)
    api.add_exception_handler(RequestDataTooBig, too_large)
    api.add_exception_handler(HttpError, http_error)


# What each error status means here, for the OpenAPI document's responses.
MEANINGS = {
    "400": "The body is not JSON (`bad_request`).",
    "401": "No valid token (`unauthorized`).",
    "403": "A service refused the person (`permission_denied`).",
    "404": "Missing, or not the caller's to see or do (`not_found`).",
    "409": "A report not in the state the action needs, or an Idempotency-Key used for "
    "another request.",
    "422": "A malformed request (`invalid`, see `details.errors`) or data the services "
    "refused (their code; values: `details.findings`).",
    "429": "Too many requests (`rate_limited`); see the Retry-After header.",
}

# The error answers of every operation, for the OpenAPI document.
READ_ERRORS = {401: Error, 404: Error, 422: Error, 429: Error}
WRITE_ERRORS = {**READ_ERRORS, 400: Error, 403: Error, 409: Error}
