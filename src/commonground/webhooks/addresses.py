"""Where a webhook may point: http(s) only, and in production only public addresses (no SSRF).

A URL is checked when it is saved and again at every attempt, against the addresses its host
resolves to *then*; the connection goes to the address that was checked, so a name that changes
its answer between the check and the connection (DNS rebinding) still cannot reach the inside.
``settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES`` (on outside production, and in tests) lifts the
address rule, never the scheme rule.
"""

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from commonground.core.errors import DomainError

SCHEMES = {"http": 80, "https": 443}


class AddressRefused(DomainError):
    code = "webhook_address_refused"


def split_url(url: str) -> tuple[str, str, int]:
    """``(scheme, host, port)`` of a URL a webhook may use; ``AddressRefused`` otherwise."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise AddressRefused(_("This is not a valid URL.")) from None
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise AddressRefused(_("Only http:// and https:// addresses can receive webhooks."))
    if not parts.hostname:
        raise AddressRefused(_("The URL has no host name."))
    if parts.username or parts.password:
        raise AddressRefused(_("Put no user name or password in the URL; check the signature."))
    return scheme, parts.hostname, port or SCHEMES[scheme]


def _private_allowed() -> bool:
    return bool(getattr(settings, "WEBHOOK_ALLOW_PRIVATE_ADDRESSES", False))


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def resolve(host: str, port: int) -> str:
    """The address to connect to for ``host``: every address it has must be allowed."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise AddressRefused(
            _("The host %(host)s cannot be found.") % {"host": host}, code="webhook_unknown_host"
        ) from None
    addresses = list(dict.fromkeys(info[4][0] for info in found))
    if not _private_allowed():
        refused = [a for a in addresses if not is_public(a)]
        if refused:
            raise AddressRefused(
                _(
                    "%(host)s is a private, loopback or reserved address (%(address)s); webhooks "
                    "go to public addresses only."
                )
                % {"host": host, "address": refused[0]}
            )
    return addresses[0]


def check_url(url: str) -> None:
    """Refuse a URL that may not receive webhooks (scheme, credentials, address)."""
    _scheme, host, port = split_url(url)
    resolve(host, port)
