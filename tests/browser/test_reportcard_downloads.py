"""A resident downloads the report card, and a partner's website shows the embed.

The PDF's first page is rendered to PNG in test-artifacts/ for a person to look at, beside a
screenshot of the embed inside another site's page.
"""

import csv
import io
import re
import shutil
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS

pytestmark = pytest.mark.browser


@pytest.fixture
def partner_site():
    """Another origin (127.0.0.1 on its own port, the live server is localhost) serving one
    page; ``partner_site(html)`` sets the page and gives its URL. A real server rather than a
    routed fake: Chromium refuses a public page framing a local one (local network access)."""
    page = {"html": b""}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(page["html"])

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def serve(html: str) -> str:
        page["html"] = html.encode()
        return f"http://127.0.0.1:{server.server_port}/"

    yield serve
    server.shutdown()
    server.server_close()


def test_anonymous_downloads_the_pdf_and_the_csv(graduation, live_server, page, screenshot):
    page.goto(f"{live_server.url}/public/alpha/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("community report card")
    screenshot(page, "public-report-card-with-downloads")

    with page.expect_download() as pdf_download:
        page.get_by_role("link", name=re.compile(r"^PDF")).click()
    pdf = pdf_download.value
    assert re.fullmatch(r"alpha-report-card-\d{4}-\d\d-\d\d\.pdf", pdf.suggested_filename)
    ARTIFACTS.mkdir(exist_ok=True)
    pdf_path = ARTIFACTS / "report-card.pdf"
    pdf.save_as(pdf_path)
    assert pdf_path.read_bytes().startswith(b"%PDF-")
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is not None:  # scripts/system-deps installs poppler-utils
        first_page = ["-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile"]
        png = ARTIFACTS / "report-card-pdf-page-1"
        # A fixed program on our own file.
        subprocess.run([pdftoppm, *first_page, str(pdf_path), str(png)], check=True)  # noqa: S603
        assert (ARTIFACTS / "report-card-pdf-page-1.png").stat().st_size > 10_000

    with page.expect_download() as csv_download:
        page.get_by_role("link", name=re.compile(r"^CSV")).click()
    rows = list(csv.DictReader(io.StringIO(csv_download.value.path().read_text())))
    latest = next(r for r in rows if r["series"] == "total" and r["period"] == "2009")
    # (945 + 242) / (1056 + 316) × 100 = 86.5 %, as on the page.
    assert latest["value"] == "86.5"
    assert latest["numerator"] == "1187"
    assert page.console_errors == []


def test_a_partner_site_frames_the_embed_but_not_the_report_card(
    graduation, live_server, partner_site, page, screenshot
):
    embed_url = f"{live_server.url}/public/alpha/embed/grad_rate/"
    card_url = f"{live_server.url}/public/alpha/"
    partner_page = (
        "<!doctype html><html lang='en'><title>Bright Futures</title><h1>Bright Futures</h1>"
        f"<iframe name='embed' title='Our graduation rate' src='{embed_url}'"
        " width='480' height='400'></iframe>"
        f"<iframe name='card' title='The whole report card' src='{card_url}'"
        " width='480' height='200'></iframe>"
    )
    page.goto(partner_site(partner_page))

    embedded = page.frame_locator("iframe[name=embed]")
    expect(embedded.get_by_role("heading", name="On-time graduation rate")).to_be_visible()
    expect(embedded.get_by_text("86.5%")).to_be_visible()
    link = embedded.get_by_role("link", name=re.compile("View the full report card"))
    expect(link).to_have_attribute("target", "_blank")
    expect(link).to_have_attribute("href", card_url)
    screenshot(page, "embed-on-a-partner-site")

    # The report card itself refuses to be framed (X-Frame-Options and frame-ancestors).
    card_frame = page.frame(name="card")
    assert card_frame is not None
    assert card_frame.url.startswith("chrome-error://")
