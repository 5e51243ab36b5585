"""The permission matrix: every page, every persona (CONVENTIONS habit 5).

The rows live in ``tests/permissions/pages_*.py``, one module per area. Every persona not
allowed on a page must get 404 — the same answer as for a page that does not exist — and
anonymous visitors of internal pages are sent to the login page.
"""

import importlib
import pkgutil
import re

import pytest
from django.urls import reverse

import tests.permissions
from tests.conftest import ALL_PERSONAS
from tests.permissions import Page

CSRF_TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')


def all_pages():
    pages = []
    for module in pkgutil.iter_modules(tests.permissions.__path__):
        if module.name.startswith("pages_"):
            pages += importlib.import_module(f"tests.permissions.{module.name}").PAGES
    return pages


PAGES = all_pages()


def without_csrf(html: bytes) -> bytes:
    """Pages differ only by their per-response CSRF token mask."""
    return CSRF_TOKEN.sub(b"", html)


def expected_status(page: Page, persona: str) -> int:
    if persona in page.allowed:
        return page.ok
    if persona == "anonymous" and not page.public:
        return 302
    return 404


@pytest.mark.parametrize("persona", ALL_PERSONAS)
@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.id)
def test_permission_matrix(world, page, persona):
    client = world.client(persona)
    url = page.url(world)
    response = getattr(client, page.method)(url, page.data or {})
    assert response.status_code == expected_status(page, persona), (persona, url)
    if persona == "anonymous" and response.status_code == 302:
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_other_initiative_and_missing_look_the_same(world, persona, client):
    """A page of an initiative one does not belong to answers exactly like a missing one."""
    if persona == "anonymous":
        return
    client = world.client(persona)
    theirs = client.get(reverse("initiative_home", args=["beta"]))
    missing = client.get(reverse("initiative_home", args=["no-such-initiative"]))
    if persona == "outsider":
        assert theirs.status_code == 200
    else:
        assert theirs.status_code == missing.status_code == 404
        assert without_csrf(theirs.content) == without_csrf(missing.content)


def test_private_initiative_has_no_public_report_card(world, client):
    assert client.get(reverse("public_report_card", args=["beta"])).status_code == 404
