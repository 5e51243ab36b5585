"""The story behind the data: Markdown in, only harmless HTML out."""

import pytest

from commonground.insight.markdown import render_story


def test_markdown_becomes_the_allowed_html():
    html = render_story(
        "Graduation *rose* for the **third** year.\n\n"
        "- tutoring\n- mentoring\n\nSteps:\n\n1. one\n\n> a quote\n\nSee `grad_rate`."
    )
    assert "<p>Graduation <em>rose</em> for the <strong>third</strong> year.</p>" in html
    assert "<ul>\n<li>tutoring</li>\n<li>mentoring</li>\n</ul>" in html
    assert "<ol>\n<li>one</li>\n</ol>" in html
    assert "<blockquote>" in html
    assert "<code>grad_rate</code>" in html


def test_links_keep_their_address_and_get_noopener_nofollow():
    html = render_story("Read [the report](https://example.org/report?a=1&b=2).")
    assert (
        '<a href="https://example.org/report?a=1&amp;b=2" rel="noopener nofollow">the report</a>'
        in html
    )
    assert 'rel="noopener nofollow"' in render_story('<a href="https://e.org" rel="opener">x</a>')


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert('story')</script>Safe text",
        "Safe text<script src=https://evil.example/x.js></script>",
        "<SCRIPT>alert(1)</SCRIPT>Safe text",
        "<style>body{display:none}</style>Safe text",
        "<iframe src='https://evil.example'></iframe>Safe text",
    ],
)
def test_scripts_and_their_content_are_dropped(text):
    html = render_story(text)
    assert "Safe text" in html
    for word in ("script", "alert", "evil", "style", "display", "iframe"):
        assert word not in html.lower()


@pytest.mark.parametrize(
    "text",
    [
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "[click](  javascript:alert(1))",
        '<a href="javascript:alert(1)">click</a>',
        '<a href="jav&#x09;ascript:alert(1)">click</a>',
        "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "[click](vbscript:msgbox(1))",
    ],
)
def test_dangerous_link_schemes_lose_their_address(text):
    html = render_story(text)
    assert "click" in html
    assert "href" not in html
    assert "javascript" not in html.lower() and "data:" not in html


@pytest.mark.parametrize(
    "text",
    [
        '<p onclick="steal()">Hello</p>',
        '<a href="https://example.org" onmouseover="steal()">Hello</a>',
        "<em onfocus=steal() autofocus>Hello</em>",
        '<img src="x" onerror="steal()">Hello',
        '<p style="background:url(javascript:steal())">Hello</p>',
        '<strong class="x" id="y">Hello</strong>',
    ],
)
def test_event_handlers_styles_and_other_attributes_are_removed(text):
    html = render_story(text)
    assert "Hello" in html
    for word in ("steal", "onclick", "onmouseover", "onerror", "onfocus", "style", "class", "<img"):
        assert word not in html


def test_tags_outside_the_list_keep_only_their_text():
    html = render_story("<h1>Big</h1><table><tr><td>cell</td></tr></table><form>f</form>")
    assert "<h1>" not in html and "<table>" not in html and "<form>" not in html
    assert "Big" in html and "cell" in html


def test_no_story_is_empty():
    assert render_story("") == ""
    assert render_story("   \n") == ""
