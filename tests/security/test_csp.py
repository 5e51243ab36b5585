"""The content-security policy holds on every page: crawl each GET page of the permission matrix
(as the lead, public pages also as an anonymous visitor) and check the header and the markup —
no inline script except JSON data blocks, no ``style=`` attribute, no ``on…=`` handler."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from tests.core.test_permission_matrix import PAGES, expected_status

CRAWLED = [p for p in PAGES if p.method == "get" and ("lead" in p.allowed or p.public)]
# Known exceptions, each with its reason: (URL name, what is allowed there).
EXCEPTIONS = {
    # The page previews, as is, the HTML partners paste into their own websites: an <iframe>
    # with style="border:0;…". Inline styles are not blocked by the policy (style-src allows them
    # for Vega's SVG); the preview could drop the attribute.
    ("report_card_embed_code", "<iframe style=…>"),
}
EXTRA = [("login", ()), ("password_reset", ())]


class InlineCode(HTMLParser):
    """Collects what the policy forbids: inline scripts, style attributes, event handlers."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        line = self.getpos()[0]
        if tag == "script" and not names.get("src"):
            kind = (names.get("type") or "").lower()
            if kind not in {"application/json", "application/ld+json"}:
                self.problems.append(f"line {line}: inline <script>")
        for name, value in attrs:
            if name == "style":
                self.problems.append(f"line {line}: <{tag} style=…>")
            elif name.startswith("on"):
                self.problems.append(f"line {line}: <{tag} {name}=…>")
            elif name in {"href", "src", "action"} and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.problems.append(f"line {line}: <{tag} {name}=javascript:…>")


def inline_code(html: str) -> list[str]:
    parser = InlineCode()
    parser.feed(html)
    return parser.problems


def check(response, url, name=""):
    policy = response["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["script-src"] == "'self'", url
    assert directives["object-src"] == "'none'" and directives["base-uri"] == "'self'", url
    assert "unsafe-eval" not in policy, url
    if "text/html" in response.get("Content-Type", ""):
        problems = [
            p
            for p in inline_code(response.content.decode())
            if (name, p.split(": ", 1)[1]) not in EXCEPTIONS
        ]
        assert problems == [], url


@pytest.mark.parametrize("page", CRAWLED, ids=lambda p: p.id)
def test_every_page_keeps_the_policy(world, page):
    url = page.url(world)
    persona = "lead" if "lead" in page.allowed else "anonymous"
    response = world.client(persona).get(url, page.data or {})
    assert response.status_code == expected_status(page, persona), url
    check(response, url, page.name)
    if page.public and persona == "lead":
        check(world.client("anonymous").get(url, page.data or {}), url, page.name)


@pytest.mark.parametrize("name, args", EXTRA)
def test_account_pages_keep_the_policy(client, name, args):
    url = reverse(name, args=args)
    check(client.get(url), url)


def test_the_checker_finds_what_it_should():
    html = (
        '<script src="/x.js"></script><script type="application/json">{}</script>'
        '<script>alert(1)</script><p style="color:red" onclick="x()">'
        '<a href="javascript:void(0)">'
    )
    assert len(inline_code(html)) == 4
