"""Domain errors raised by service functions.

Each carries a stable ``code`` (for the API and tests) and a ``message`` a person understands;
views turn them into form errors or 4xx JSON bodies (pretix's ``OrderError``).
"""


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
