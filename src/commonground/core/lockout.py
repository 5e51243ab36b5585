"""Login lockout (django-axes, configured in settings): the backend and the client's address.

``LockoutBackend`` is axes' standalone backend, except that an ``authenticate`` call without a
request — code in the same process, such as the test client's ``login`` — is not checked: axes
would refuse it outright, and nothing there can be brute-forced from outside. Every login over
HTTP (the login page, the API) passes its request and is counted.
"""

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.shortcuts import render


class LockoutBackend(AxesStandaloneBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def client_ip(request) -> str | None:
    """The client's address: the connection's, or behind ``TRUSTED_PROXY_COUNT`` proxies the
    address the outermost trusted proxy saw (a client can prepend anything it likes)."""
    proxies = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0))
    if proxies > 0:
        forwarded = [
            a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")


def locked_out(request, original_response=None, credentials=None):
    """The page a locked-out login gets (429): why, for how long, and the way out."""
    minutes = max(1, round(settings.AXES_COOLOFF_TIME.total_seconds() / 60))
    context = {"failure_limit": settings.AXES_FAILURE_LIMIT, "cooloff_minutes": minutes}
    return render(request, "registration/locked_out.html", context, status=429)
