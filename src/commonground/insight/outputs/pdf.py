"""The report card as a printed document: one HTML template, rendered to PDF by WeasyPrint.

``render_report_card_html`` gives the document as one self-contained HTML file (stylesheet
inlined, charts as ``data:`` SVG images): the ``html`` format of ``commonground reportcard``,
readable offline. ``render_report_card_pdf`` lays the same HTML out on A4 or US Letter pages.

WeasyPrint fetches what a document links to; ours must never reach the network (a story's link
is only a link, but an image or stylesheet URL would be fetched). ``LocalFetcher`` serves
``data:`` URIs and our own static files and refuses every other URL — ``http(s)``, ``file``,
anything — so rendering a PDF can neither leak a request nor read the server's files.
"""

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from commonground.insight.markdown import render_story
from commonground.insight.outputs import charts, describe

TEMPLATE = "insight/pdf/report_card.html"
STYLESHEET = "insight/print.css"
# Our static files are addressed under this origin; ".invalid" never resolves (RFC 6761), so
# even a fetcher that went wrong could not reach anybody.
STATIC_ORIGIN = "http://commonground.invalid"
PAPER_SIZES = {"a4": "A4", "letter": "letter"}
# Chart widths in CSS pixels (96 per inch): the sparkline column is 80 mm ≈ 302 px.
SPARKLINE_WIDTH = 250
SPARKLINE_HEIGHT = 80
GAP_CHART_WIDTH = 250
GAP_CHART_HEIGHT = 110


class RefusedURL(ValueError):
    """A URL the report card may not fetch."""


class LocalFetcher(URLFetcher):
    """Serves ``data:`` URIs and our static files; refuses everything else."""

    def __init__(self):
        super().__init__(allowed_protocols={"data"}, allow_redirects=False)

    def fetch(self, url, headers=None):
        if url.lower().startswith("data:"):
            return super().fetch(url, headers)
        path = _static_path(url)
        if path is None:
            raise RefusedURL(f"not fetched: {url}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})


def _static_path(url: str) -> Path | None:
    """The file of one of our static URLs (``http://commonground.invalid/static/…``), if any."""
    prefix = STATIC_ORIGIN + settings.STATIC_URL
    if not url.startswith(prefix):
        return None
    name = unquote(urlsplit(url).path.removeprefix(settings.STATIC_URL))
    try:
        found = finders.find(name)
    except SuspiciousFileOperation:  # "../" out of the static directories
        return None
    return Path(found) if isinstance(found, str) else None


def _stylesheet() -> str:
    return Path(finders.find(STYLESHEET)).read_text(encoding="utf-8")


def css_string(text: str) -> str:
    """``text`` as a CSS string literal that cannot end the string or the ``<style>`` element."""
    escaped = "".join(
        ch if ch.isalnum() or ch in " .,:;·—–-()'" else f"\\{ord(ch):x} " for ch in text
    )
    return f'"{escaped}"'


def _indicator_context(report) -> dict:
    lines = charts.sparkline_lines(report)
    spark = charts.sparkline(report, width=SPARKLINE_WIDTH, height=SPARKLINE_HEIGHT)
    gap = charts.gap_chart(report, width=GAP_CHART_WIDTH, height=GAP_CHART_HEIGHT)
    return {
        "report": report,
        "indicator": report.indicator,
        "trend": describe.trend_words(report),
        "latest": describe.figure(report.indicator, report.latest.value)
        if report.latest is not None
        else None,
        "facts": describe.facts(report),
        "sparkline": charts.image(spark),
        "sparkline_text": describe.chart_text(report, lines),
        "gap_chart": charts.image(gap),
        "gaps": describe.gap_rows(report),
        "story": render_story(report.indicator.story),
        "suppressed": sum(p.suppressed for s in _all_series(report) for p in s.points),
    }


def _all_series(report):
    return [*([report.total] if report.total else []), *report.partners, *report.cells]


def report_card_context(card, *, paper: str = "a4") -> dict:
    initiative = card.initiative
    title = (
        _("%(group)s: report card") % {"group": card.working_group.name}
        if card.working_group
        else _("Community report card")
    )
    footer = f"{initiative.name} · {title}"
    return {
        "card": card,
        "initiative": initiative,
        "title": title,
        "headline": describe.headline(card),
        "gaps_headline": describe.gaps_headline(card) if card.gaps_closing.denominator else "",
        "indicators": [_indicator_context(report) for report in card.indicators],
        "stylesheet": _stylesheet(),
        "page_size": PAPER_SIZES.get(paper, "A4"),
        "footer_left": css_string(footer),
        "footer_page": css_string(_("Page") + " "),
        "footer_of": css_string(" " + _("of") + " "),
    }


def render_report_card_html(card, *, paper: str = "a4") -> str:
    """The report card as one self-contained HTML document (no external resource)."""
    return render_to_string(TEMPLATE, report_card_context(card, paper=paper))


def render_report_card_pdf(card, *, paper: str = "a4") -> bytes:
    """The report card as a tagged PDF; ``paper`` is ``a4`` or ``letter``."""
    html = HTML(
        string=render_report_card_html(card, paper=paper),
        base_url=STATIC_ORIGIN + "/",
        url_fetcher=LocalFetcher(),
    )
    # Tagged: headings, tables, lists and the charts' text alternatives reach screen readers.
    return html.write_pdf(pdf_tags=True)
