"""Domain errors raised by service functions.

Each carries a stable ``code`` (for the API and tests) and a ``message`` a person understands;
views turn them into form errors or 4xx JSON bodies (pretix's ``OrderError``).
"""

from django.core.exceptions import ValidationError


class DomainError(Exception):
    code = "domain_error"

    def __init__(self, message: str, *, code: str | None = None, details: dict | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.details = details or {}

    def __str__(self) -> str:
        return self.message


class PermissionDenied(DomainError):
    code = "permission_denied"


class InvalidTransition(DomainError):
    code = "invalid_transition"


def save_checked(instance, *, code: str, **full_clean_options) -> None:
    """Save ``instance`` after the model's own checks (lengths, choices…); the first field that
    fails them becomes a ``DomainError`` with ``code`` naming that field, and nothing is saved.
    ``full_clean_options`` go to ``Model.full_clean`` (``exclude``, ``validate_unique``…)."""
    try:
        instance.full_clean(**full_clean_options)
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise DomainError(" ".join(messages), code=code, details={"field": field}) from error
    instance.save()
