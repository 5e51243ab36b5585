"""The API's pages in a browser: a reporter creates a token on their account page, copies it,
uses it against the live server, and reads the reference (no script error under the CSP)."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS
from tests.browser.test_smoke import log_in

pytestmark = pytest.mark.browser


def test_a_reporter_creates_a_token_and_uses_it(world, live_server, page, screenshot):
    log_in(page, live_server, "reporter_a")
    page.get_by_text("Account", exact=True).click()
    page.get_by_role("link", name="API tokens").click()
    expect(page.get_by_text("No token yet")).to_be_visible()
    screenshot(page, "api-tokens-empty")

    page.get_by_label("Name").fill("Quarterly upload")
    page.get_by_role("button", name="Create the token").click()
    secret = page.get_by_label("Token", exact=True).input_value()
    assert re.fullmatch(r"cg_[A-Za-z0-9_-]{43}", secret)
    expect(page.get_by_role("row", name=re.compile("Quarterly upload"))).to_be_visible()
    screenshot(page, "api-tokens-created")

    answer = page.request.get(
        f"{live_server.url}/api/v1/me", headers={"Authorization": f"Bearer {secret}"}
    )
    assert answer.status == 200
    assert answer.json()["partner"] == "a"

    page.goto(f"{live_server.url}/account/api-tokens/")
    expect(page.get_by_label("Token", exact=True)).to_have_count(0)  # shown once
    page.get_by_role("button", name="Revoke the token Quarterly upload").click()
    expect(page.get_by_text("revoked", exact=False).first).to_be_visible()
    screenshot(page, "api-tokens-revoked")
    again = page.request.get(
        f"{live_server.url}/api/v1/me", headers={"Authorization": f"Bearer {secret}"}
    )
    assert again.status == 401
    assert page.console_errors == []


def test_the_reference_reads_without_scripts(world, live_server, page):
    page.goto(f"{live_server.url}/api/v1/docs")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Commonground API")
    expect(
        page.get_by_role("heading", name="Walk-through: report a period with curl")
    ).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "api-docs-top.png"))
    for part in ("walkthrough", "save_values", "schema-ValueIn"):
        page.locator(f"#{part}").screenshot(path=str(ARTIFACTS / f"api-docs-{part}.png"))
    assert page.console_errors == []
