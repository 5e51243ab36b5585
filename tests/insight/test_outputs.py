"""The report card outside the page: PDF, standalone HTML, CSV and the embeddable snippet.

What matters most is privacy (SPEC §3.2.7): a public download never shows a withheld cell — the
tests put a small count and its complement in the data and look for their numbers in the PDF's
text and the CSV. Then: the PDF is a real PDF holding the indicators; the CSV cannot inject
formulas; the PDF renderer fetches nothing from the network; embed pages may be framed by other
sites while every other page may not.
"""

import csv
import io
import re
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from weasyprint import HTML
from weasyprint.formatting_structure import boxes

from commonground.initiatives.models import WorkingGroup
from commonground.insight.document import build_report_card
from commonground.insight.outputs import embed
from commonground.insight.outputs.csv import HEADER, render_report_card_csv
from commonground.insight.outputs.pdf import (
    STATIC_ORIGIN,
    LocalFetcher,
    RefusedURL,
    css_string,
    render_report_card_html,
    render_report_card_pdf,
)
from commonground.insight.outputs.safe_text import neutralize
from commonground.insight.rollups import refresh_indicators
from commonground.measurement.models import Dimension, DimensionValue
from tests.insight.reportcard_world import make_indicator, report

# The public card of "alpha" withholds counts below K.
K = 500
# 2024, partner A: 1,234 enrolled = 1,023 girls + 211 boys. 211 < K is withheld, and 1,023 with
# it (complementary suppression: 1,234 − 1,023 would give 211 away). 1,234 itself is shown.
SHOWN_TOTAL = "1,234"
SMALL = re.compile(r"\b211\b")
COMPLEMENT = re.compile(r"\b1,?023\b")


def poppler(program: str, pdf: bytes, *options: str) -> str:
    """Run one of poppler's tools on a PDF (scripts/system-deps installs poppler-utils)."""
    path = shutil.which(program)
    if path is None:
        pytest.skip(f"{program} (poppler-utils) is not installed")
    command = [path, *options, "-"] + (["-"] if program == "pdftotext" else [])
    # A fixed program, our own bytes on stdin.
    return subprocess.run(command, input=pdf, capture_output=True, check=True).stdout.decode()  # noqa: S603


def pdf_text(pdf: bytes) -> str:
    return poppler("pdftotext", pdf, "-layout")


def laid_out_text(html: str) -> str:
    """The text WeasyPrint lays out on the pages (for machines without pdftotext)."""
    document = HTML(string=html, base_url=STATIC_ORIGIN + "/", url_fetcher=LocalFetcher()).render()
    return " ".join(
        box.text
        for page in document.pages
        for box in page._page_box.descendants()
        if isinstance(box, boxes.TextBox)
    )


def csv_rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture
def enrolment(world):
    """A published count broken down by sex, with a small cell in 2024, and an unpublished one."""
    world.alpha.suppression_threshold = K
    world.alpha.save()
    sex = Dimension.objects.create(initiative=world.alpha, code="sex", name="Sex")
    for order, (code, name) in enumerate([("f", "Girls"), ("m", "Boys")]):
        DimensionValue.objects.create(dimension=sex, code=code, name=name, sort_order=order)
    enrolled = make_indicator(
        world.alpha,
        "enrolled",
        name="Children enrolled in pre-K",
        unit="children",
        breakdown_complete=True,
        data_source="State pre-K enrolment file",
        story="Enrolment grew after the **free pre-K** pilot.",
    )
    enrolled.dimensions.add(sex)
    internal = make_indicator(
        world.alpha, "staff_hours", name="Coaching hours (internal)", is_published=False
    )
    actor = world.users["data_manager"]
    report(actor, world.partners["a"], "2023", {enrolled: {"value": Decimal(1187)}})
    report(
        actor,
        world.partners["a"],
        "2024",
        {
            enrolled: [
                ({}, {"value": Decimal(1234)}),
                ({"sex": "f"}, {"value": Decimal(1023)}),
                ({"sex": "m"}, {"value": Decimal(211)}),
            ],
            internal: {"value": Decimal(640)},
        },
    )
    return enrolled


# --- privacy ------------------------------------------------------------------------------------


def test_public_csv_withholds_the_small_cell_and_its_complement(world, enrolment, client):
    response = client.get(reverse("public_report_card_csv", args=["alpha"]))
    assert response.status_code == 200
    text = response.content.decode()
    assert not SMALL.search(text)
    assert not COMPLEMENT.search(text)
    rows = {(r["series"], r["period"]): r for r in csv_rows(text)}
    assert rows[("total", "2024")]["value"] == "1234"
    for cell in ("sex=f", "sex=m"):
        withheld = rows[(cell, "2024")]
        assert withheld["status"] == "suppressed"
        assert withheld["value"] == withheld["numerator"] == withheld["denominator"] == ""
    assert "staff_hours" not in text  # not published


def test_internal_csv_shows_every_figure(world, enrolment):
    response = world.client("steering").get(reverse("report_card_csv", args=["alpha"]))
    text = response.content.decode()
    assert SMALL.search(text) and COMPLEMENT.search(text)  # the checks above can see them
    assert "staff_hours" in text
    assert response["Cache-Control"] == "private, no-store"


def test_public_pdf_withholds_the_small_cell_and_its_complement(world, enrolment, client):
    response = client.get(reverse("public_report_card_pdf", args=["alpha"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    text = pdf_text(response.content)
    assert "Children enrolled in pre-K" in text
    assert SHOWN_TOTAL in text
    assert not SMALL.search(text)
    assert not COMPLEMENT.search(text)
    assert "Coaching hours (internal)" not in text


def test_public_card_as_laid_out_withholds_the_small_cell(world, enrolment):
    """The same check on WeasyPrint's own layout, independent of poppler."""
    card = build_report_card(world.alpha, public=True)
    text = laid_out_text(render_report_card_html(card))
    assert "Children enrolled in pre-K" in text
    assert SHOWN_TOTAL in text
    assert not SMALL.search(text)
    assert not COMPLEMENT.search(text)


def test_internal_pdf_has_every_indicator_and_figure(world, enrolment):
    response = world.client("lead").get(reverse("report_card_pdf", args=["alpha"]))
    text = pdf_text(response.content)
    assert "Coaching hours (internal)" in text
    assert "not published" in text
    assert "Internal edition" in text
    assert COMPLEMENT.search(text)  # the girls' figure is in the equity table


def test_pdf_blanks_a_suppressed_point_even_if_it_kept_its_figures(world, enrolment):
    """Defence in depth: a withheld point is never printed, whatever the document holds."""
    card = build_report_card(world.alpha, public=True)
    (enrolled,) = card.indicators
    for series in enrolled.cells:
        series.points = [
            type(p)(p.period, Decimal(211), Decimal(211), None, 1, 0, suppressed=True)
            if p.suppressed
            else p
            for p in series.points
        ]
    assert not SMALL.search(render_report_card_csv(card))


# --- the PDF ------------------------------------------------------------------------------------


def test_pdf_holds_the_tile_of_each_indicator(world, enrolment):
    card = build_report_card(world.alpha, public=True)
    pdf = render_report_card_pdf(card)
    assert pdf.startswith(b"%PDF-")
    text = pdf_text(pdf)
    for words in [
        "Alpha Cradle to Career",
        "Community report card",
        "Children enrolled in pre-K",
        "1,234 children",
        "Enrolment grew after the free pre-K pilot.",  # the story, as HTML
        "Source: State pre-K enrolment file",
        "Completeness: 1 of 1 expected reports approved",
        "Page 1 of 1",
    ]:
        assert words in " ".join(text.split()), words


def page_size(pdf: bytes) -> str:
    return re.search(r"Page size:\s+(.*)", poppler("pdfinfo", pdf))[1]


def test_rendering_adds_no_query_to_the_document(world, enrolment, django_assert_num_queries):
    """The outputs read only the document: their cost does not grow with the data."""
    for public in (True, False):
        card = build_report_card(world.alpha, public=public)
        with django_assert_num_queries(0):
            render_report_card_html(card)
            render_report_card_csv(card)


def test_letter_paper(world, enrolment, client):
    url = reverse("public_report_card_pdf", args=["alpha"])
    assert page_size(client.get(url).content).endswith("(A4)")
    assert page_size(client.get(url, {"paper": "letter"}).content).endswith("(letter)")
    assert page_size(client.get(url, {"paper": "tabloid"}).content).endswith("(A4)")


def test_download_names(world, enrolment, client):
    response = client.get(reverse("public_report_card_pdf", args=["alpha"]))
    assert re.fullmatch(
        r'attachment; filename="alpha-report-card-\d{4}-\d\d-\d\d\.pdf"',
        response["Content-Disposition"],
    )
    internal = world.client("viewer").get(reverse("report_card_csv", args=["alpha"]))
    assert "alpha-report-card-internal-" in internal["Content-Disposition"]


def test_working_group_downloads(world, enrolment, client):
    group = WorkingGroup.objects.create(initiative=world.alpha, code="early", name="Early years")
    group.partnerships.set([world.partners["a"]])
    enrolment.shared_by_groups.add(group)
    refresh_indicators([enrolment.pk])  # what the framework loader does after such a change
    response = client.get(reverse("public_group_report_card_pdf", args=["alpha", "early"]))
    assert "Early years: report card" in pdf_text(response.content)
    assert "alpha-early-report-card-" in response["Content-Disposition"]
    rows = csv_rows(
        client.get(
            reverse("public_group_report_card_csv", args=["alpha", "early"])
        ).content.decode()
    )
    assert {r["indicator"] for r in rows} == {"enrolled"}
    missing = client.get(reverse("public_group_report_card_pdf", args=["alpha", "nope"]))
    assert missing.status_code == 404


def test_private_initiative_has_no_public_downloads(world, client):
    for name in ["public_report_card_pdf", "public_report_card_csv", "report_card_embed"]:
        assert client.get(reverse(name, args=["beta"])).status_code == 404


def test_standalone_html_needs_nothing_from_outside(world, enrolment):
    html = render_report_card_html(build_report_card(world.alpha, public=True))
    assert "<script" not in html
    assert "<link" not in html
    assert not re.search(r'src="(?!data:)', html)  # every image is a data: URI
    assert html.count('src="data:image/svg+xml;base64,') >= 1


def test_a_hostile_initiative_name_cannot_leave_the_footer_string(world, enrolment):
    world.alpha.name = 'Evil"; } body { display: none } </style><script>alert(1)</script>'
    world.alpha.save()
    html = render_report_card_html(build_report_card(world.alpha, public=True))
    style = html[html.index("<style>") : html.index("</style>")]
    assert "<script>" not in html
    assert 'Evil"' not in style  # the quote is escaped: the string goes on
    assert "Evil\\22 ; \\7d  body" in style
    assert css_string('a"b</style>') == '"a\\22 b\\3c \\2f style\\3e "'


# --- no network ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://example.org/tracker.png",
        "https://example.org/font.woff2",
        "file:///etc/passwd",
        "ftp://example.org/x",
        f"{STATIC_ORIGIN}/static/../../settings.py",
        f"{STATIC_ORIGIN}/static/no/such/file.css",
        "http://commonground.invalid.example.org/static/insight/print.css",
    ],
)
def test_fetcher_refuses_anything_but_data_and_our_static_files(url):
    with pytest.raises(RefusedURL):
        LocalFetcher().fetch(url)


def test_fetcher_serves_data_uris_and_static_files():
    fetcher = LocalFetcher()
    assert fetcher.fetch("data:text/plain;base64,aGk=").read() == b"hi"
    css = fetcher.fetch(f"{STATIC_ORIGIN}/static/insight/print.css")
    assert css.content_type == "text/css"
    assert b"@page" in css.read()


def test_rendering_never_opens_a_connection(monkeypatch):
    """An image or stylesheet pointing outside is skipped, not fetched."""
    opened = []
    monkeypatch.setattr(
        "urllib.request.OpenerDirector.open", lambda self, *a, **k: opened.append(a)
    )
    html = (
        '<link rel="stylesheet" href="https://example.org/x.css">'
        '<img src="http://127.0.0.1:9/x.png"><p>Hello</p>'
    )
    pdf = HTML(string=html, base_url=STATIC_ORIGIN + "/", url_fetcher=LocalFetcher()).write_pdf()
    assert pdf.startswith(b"%PDF-")
    assert opened == []


# --- the CSV ------------------------------------------------------------------------------------


def test_csv_columns_and_rows(world, enrolment, client):
    text = client.get(reverse("public_report_card_csv", args=["alpha"])).content.decode()
    assert text.splitlines()[0] == ",".join(HEADER)
    rows = csv_rows(text)
    first = rows[0]
    assert first == {
        "indicator": "enrolled",
        "indicator_name": "Children enrolled in pre-K",
        "series": "total",
        "series_label": "Children enrolled in pre-K",
        "period": "2023",
        "value": "1187",
        "numerator": "",
        "denominator": "",
        "unit": "children",
        "reporters": "1",
        "censored": "0",
        "status": "ok",
    }
    labels = {r["series"]: r["series_label"] for r in rows}
    assert labels["sex=m"] == "Boys"


def test_csv_text_cannot_run_as_a_formula(world, client):
    hostile = make_indicator(
        world.alpha,
        "hostile",
        name='=HYPERLINK("http://evil.example","click")',
        unit="@SUM(A1)",
    )
    report(world.users["data_manager"], world.partners["a"], "2024", {hostile: {"value": 12}})
    text = client.get(reverse("public_report_card_csv", args=["alpha"])).content.decode()
    (row,) = csv_rows(text)
    assert row["indicator_name"] == '\'=HYPERLINK("http://evil.example","click")'
    assert row["series_label"].startswith("'=")
    assert row["unit"] == "'@SUM(A1)"
    assert row["value"] == "12"


@pytest.mark.parametrize(
    ("text", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@A1", "'@A1"),
        ("\tx", "'\tx"),
        ("Graduation", "Graduation"),
        ("", ""),
    ],
)
def test_neutralize(text, safe):
    assert neutralize(text) == safe


# --- embeds -------------------------------------------------------------------------------------


def test_embed_pages_may_be_framed_by_any_site(world, enrolment, client):
    for url in [
        reverse("report_card_embed", args=["alpha"]),
        reverse("report_card_indicator_embed", args=["alpha", "enrolled"]),
    ]:
        response = client.get(url)
        assert response.status_code == 200
        assert "X-Frame-Options" not in response
        policy = response["Content-Security-Policy"]
        assert "frame-ancestors *" in policy
        assert "'none'" not in policy.split("frame-ancestors")[1]
        assert "script-src 'self'" in policy
        assert "default-src 'self'" in policy


def test_other_pages_still_refuse_to_be_framed(world, enrolment, client):
    for url in [
        reverse("public_report_card", args=["alpha"]),
        reverse("report_card_embed_code", args=["alpha"]),
        reverse("public_report_card_pdf", args=["alpha"]),
    ]:
        response = client.get(url)
        assert response["X-Frame-Options"] == "DENY"
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_framable_policy_keeps_every_other_directive(settings):
    settings.CSP = "default-src 'self'; frame-ancestors 'none'; img-src 'self' data:"
    assert embed.framable_policy() == "default-src 'self'; img-src 'self' data:; frame-ancestors *"


def test_indicator_embed_shows_the_tile_without_script(world, enrolment, client):
    response = client.get(reverse("report_card_indicator_embed", args=["alpha", "enrolled"]))
    html = response.content.decode()
    assert "<script" not in html
    assert "1,234 children" in html
    assert 'src="data:image/svg+xml;base64,' not in html or 'alt="' in html
    assert not SMALL.search(html) and not COMPLEMENT.search(html)
    full = reverse("public_report_card", args=["alpha"])
    assert f'href="http://testserver{full}" target="_blank" rel="noopener"' in html


def test_headline_embed(world, enrolment, client):
    html = client.get(reverse("report_card_embed", args=["alpha"])).content.decode()
    assert "Children enrolled in pre-K" in html
    assert "Coaching hours (internal)" not in html
    assert "View the full report card" in html


def test_embed_of_an_unpublished_or_unknown_indicator_is_404(world, enrolment, client):
    for code in ["staff_hours", "nope"]:
        url = reverse("report_card_indicator_embed", args=["alpha", code])
        assert client.get(url).status_code == 404


def test_embed_code_page_lists_a_snippet_per_indicator(world, enrolment, client):
    response = client.get(reverse("report_card_embed_code", args=["alpha"]))
    html = response.content.decode()
    embed_url = "http://testserver" + reverse("report_card_embed", args=["alpha"])
    indicator_url = "http://testserver" + reverse(
        "report_card_indicator_embed", args=["alpha", "enrolled"]
    )
    # The snippet is shown as text to copy (escaped inside the textarea), never as markup.
    assert f"&lt;iframe src=&quot;{embed_url}&quot;" in html
    assert f"&lt;iframe src=&quot;{indicator_url}&quot;" in html
    assert html.count("<iframe") == 1  # a live preview of the headline embed
    assert "staff_hours" not in html


def test_iframe_snippet_escapes_its_title():
    snippet = embed.iframe_snippet("https://x.example/e/", title='A "quoted" <b>', height=300)
    assert snippet == (
        '<iframe src="https://x.example/e/" title="A &quot;quoted&quot; &lt;b&gt;" '
        'width="100%" height="300" loading="lazy" style="border:0;max-width:36rem"></iframe>'
    )


# --- commonground reportcard --------------------------------------------------------------------


@pytest.mark.parametrize("public", [True, False])
def test_reportcard_command_writes_pdf_and_html(world, enrolment, tmp_path, public):
    """``reportcard --format pdf|html`` (the command's FORMATS holds our two renderers)."""
    flags = ["--public"] if public else []
    for extension in ("pdf", "html"):
        path = tmp_path / f"card.{extension}"
        call_command(
            "reportcard",
            "--initiative",
            "alpha",
            "--format",
            extension,
            "--output",
            str(path),
            *flags,
        )
        content = path.read_bytes()
        if extension == "pdf":
            assert content.startswith(b"%PDF-")
            text = " ".join(pdf_text(content).split())
        else:
            text = content.decode()
            assert text.startswith("<!doctype html>")
        assert "Children enrolled in pre-K" in text
        assert ("Coaching hours (internal)" in text) is not public
        assert bool(COMPLEMENT.search(text)) is not public


@pytest.mark.parametrize(
    ("value", "decimals", "shown"),
    [("86.45", 1, "86.5"), ("86.449", 1, "86.4"), ("1234.5", 0, "1,235"), ("-2.25", 1, "-2.3")],
)
def test_every_output_rounds_the_same_way(value, decimals, shown):
    """The page, the PDF and the embed (``figure``) and the CSV (``rounded``) agree."""
    from types import SimpleNamespace

    from commonground.insight.outputs.describe import figure, rounded

    indicator = SimpleNamespace(unit="", decimals=decimals)
    assert figure(indicator, Decimal(value)) == shown
    assert f"{rounded(Decimal(value), decimals):,}" == shown
