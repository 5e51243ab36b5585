"""The embeddable report card: pages other websites may show in an ``<iframe>``.

Every other page of Commonground refuses to be framed (``X-Frame-Options: DENY`` and the
content-security policy's ``frame-ancestors 'none'``, against clickjacking). An embed page has
nothing to click but a link that opens the full report card in a new tab, and shows only public,
suppressed figures, so it may be framed by any site: ``framable`` gives its response the site's
policy with ``frame-ancestors *`` — everything else as strict as on every page — and exempts it
from ``X-Frame-Options``. The policy middleware only *sets a default*, so the view's header stays.
"""

from django.conf import settings
from django.utils.html import format_html

from commonground.core.middleware import POLICY

FRAME_ANCESTORS = "frame-ancestors *"


def framable_policy() -> str:
    """The site's content-security policy with any ``frame-ancestors`` replaced by ``*``."""
    policy = getattr(settings, "CSP", POLICY)
    directives = [d.strip() for d in policy.split(";") if d.strip()]
    kept = [d for d in directives if d.split()[0].lower() != "frame-ancestors"]
    return "; ".join([*kept, FRAME_ANCESTORS])


def framable(response):
    """Let any site frame ``response`` (an embed page's, never another)."""
    response["Content-Security-Policy"] = framable_policy()
    response.xframe_options_exempt = True
    return response


def iframe_snippet(src: str, *, title: str, height: int) -> str:
    """The HTML a partner pastes into its website to show one embed page."""
    return format_html(
        '<iframe src="{}" title="{}" width="100%" height="{}" loading="lazy" '
        'style="border:0;max-width:36rem"></iframe>',
        src,
        title,
        height,
    )
