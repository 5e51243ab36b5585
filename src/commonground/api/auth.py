"""Who is calling: ``Authorization: Bearer cg_…`` → the token, its person and their access.

Only personal tokens open the API. A browser session does not: the API has no CSRF token to
check, so accepting the session cookie would let any web page write with a signed-in person's
rights. Each authenticated request is counted against the token's rate limit (a fixed window
kept on the token's row, shared by every server process):

    API_RATE_LIMIT = 300            # requests per window and token (settings; default 300)
    API_RATE_LIMIT_WINDOW = 60      # the window, in seconds (default 60)
"""

import math
from datetime import UTC, datetime

from django.conf import settings
from django.utils import timezone
from ninja.security import HttpBearer

from commonground.api import tokens
from commonground.api.errors import RateLimited
from commonground.core.access import InitiativeAccess
from commonground.initiatives.models import Membership

DEFAULT_RATE_LIMIT = 300
DEFAULT_RATE_WINDOW = 60


def rate_limit() -> tuple[int, int]:
    """(requests, seconds): the limit of every token, from the settings."""
    limit = int(getattr(settings, "API_RATE_LIMIT", DEFAULT_RATE_LIMIT))
    window = int(getattr(settings, "API_RATE_LIMIT_WINDOW", DEFAULT_RATE_WINDOW))
    return limit, max(window, 1)


def _window_start(now: datetime, window: int) -> datetime:
    seconds = math.floor(now.timestamp() / window) * window
    return datetime.fromtimestamp(seconds, tz=UTC)


def _check_rate(token) -> None:
    limit, window = rate_limit()
    now = timezone.now()
    start = _window_start(now, window)
    if tokens.count_request(token, start) > limit:
        retry_after = max(1, math.ceil(start.timestamp() + window - now.timestamp()))
        raise RateLimited(retry_after, limit, window)


def token_of(request):
    """The working token the request carries (checked once per request), or None."""
    if not hasattr(request, "_api_token"):
        request._api_token = None
        header = request.headers.get("Authorization", "")
        scheme, _, secret = header.partition(" ")
        if scheme.lower() == "bearer" and secret.strip():
            request._api_token = tokens.find_token(secret.strip())
    return request._api_token


def access_of(token) -> InitiativeAccess | None:
    """The token's person's access to its initiative, or None once they are no longer a member."""
    membership = (
        Membership.objects.select_related("partnership__organization")
        .filter(user=token.user, initiative=token.initiative, is_active=True)
        .first()
    )
    if membership is None:
        return None
    return InitiativeAccess(initiative=token.initiative, membership=membership)


class TokenAuth(HttpBearer):
    """A personal token (``api.tokens``); sets ``request.api_token`` and ``request.access``."""

    def __call__(self, request):
        token = token_of(request)
        if token is None:
            return None
        access = access_of(token)
        if access is None:
            return None
        _check_rate(token)
        request.api_token, request.access = token, access
        request.user = token.user
        return token

    def authenticate(self, request, token):  # pragma: no cover - __call__ does the work
        raise NotImplementedError
