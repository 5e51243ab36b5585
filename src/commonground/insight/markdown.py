"""The story behind the data: Markdown written by the backbone, shown as sanitized HTML.

The text is converted with Python-Markdown, then cleaned by nh3 (a Rust HTML sanitizer) with a
short allow-list: paragraphs, emphasis, lists, quotations, code and links. Everything else is
dropped — raw HTML tags such as ``<script>`` or ``<img>``, event-handler attributes (``onclick``),
``style``, and links whose scheme is not http(s) or mailto (``javascript:``). Links open as
ordinary links with ``rel="noopener nofollow"``: the report card does not vouch for them.
"""

import markdown as markdown_lib
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = frozenset({"p", "br", "em", "strong", "a", "ul", "ol", "li", "blockquote", "code"})
ALLOWED_ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener nofollow"
# Removed together with what they contain: their text is never meant to be read.
DROPPED_WITH_CONTENT = frozenset({"script", "style", "iframe", "object", "template", "textarea"})


def render_story(text: str) -> SafeString:
    """The Markdown ``text`` as HTML that is safe to put in a page (empty for no text)."""
    if not text or not text.strip():
        return mark_safe("")
    html = markdown_lib.markdown(text, output_format="html")
    clean = nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel=LINK_REL,
        strip_comments=True,
    )
    return mark_safe(clean.strip())  # noqa: S308 - sanitized by nh3 just above
