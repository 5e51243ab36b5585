"""The weekly console summary: the console's figures by e-mail to each backbone lead."""

from html.parser import HTMLParser
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from commonground.backbone import summary
from commonground.backbone.console import build_console
from commonground.core.access import access_for
from commonground.initiatives.models import Membership
from commonground.initiatives.roles import Role
from tests.backbone.console.console_world import build
from tests.conftest import make_user

BASE = "https://cg.example.org"


class Links(HTMLParser):
    """The e-mail's links: (href, text) of each ``<a>``, and each tile row's key."""

    def __init__(self):
        super().__init__()
        self.links, self.keys, self._href, self._text = [], [], None, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a":
            self._href, self._text = attrs.get("href"), []
        if tag == "tr" and "data-key" in attrs:
            self.keys.append(attrs["data-key"])

    def handle_data(self, data):
        if self._href is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "a" and self._href is not None:
            self.links.append((self._href, " ".join("".join(self._text).split())))
            self._href = None


def parse_html(message) -> Links:
    ((html, mimetype),) = message.alternatives
    assert mimetype == "text/html"
    parser = Links()
    parser.feed(html)
    return parser


@pytest.fixture
def lively(world):
    build(world)
    return world


def expected_console(world):
    return build_console(
        world.alpha,
        today=timezone.localdate(),
        access=access_for(world.users["lead"], world.alpha),
    )


def test_each_lead_gets_the_console_figures(lively, mailoutbox):
    second = make_user("second_lead")
    Membership.objects.create(user=second, initiative=lively.alpha, role=Role.BACKBONE_LEAD)
    outcome = summary.send_console_summaries(initiatives=[lively.alpha], base_url=BASE)
    assert (outcome.sent, outcome.failed) == (2, 0)
    assert sorted(m.to[0] for m in mailoutbox) == ["lead@example.org", "second_lead@example.org"]
    message = mailoutbox[0]
    assert message.subject.startswith("Backbone console, week of")
    assert lively.alpha.name in message.subject
    board = expected_console(lively)

    # Plain text: every step and every figure, each followed by its absolute link.
    text = message.body
    for step in board.steps:
        assert f"- {step.text}\n  {BASE}{step.url}" in text
    for tile in board.tiles:
        assert f"== {tile.title} ==" in text
        if tile.figure:
            assert f"{tile.figure.text}" in text and f"{BASE}{tile.figure.url}" in text
    assert "4.0×" in text

    # HTML: the same tiles in the same order, and each figure's link and number.
    html = parse_html(message)
    assert html.keys == [t.key for t in board.tiles] + ["leverage"]
    links = html.links
    for tile in board.tiles:
        for figure in [tile.figure, *tile.details]:
            if figure is not None:
                wanted = (BASE + figure.url, f"{figure.text}{figure.unit}".replace(" ", ""))
                assert wanted in [(h, t.replace(" ", "")) for h, t in links], figure
    for step in board.steps:
        assert (BASE + step.url, step.text) in links
    assert (BASE + reverse("console", args=["alpha"]), "Open the console") in links


def test_only_active_leads_with_an_address(lively, mailoutbox):
    Membership.objects.filter(user=lively.users["lead"]).update(is_active=False)
    outcome = summary.send_console_summaries(initiatives=[lively.alpha], base_url=BASE)
    assert outcome.sent == 0 and outcome.initiatives == 0
    assert mailoutbox == []


def test_every_initiative_gets_its_own(lively, mailoutbox):
    summary.send_console_summaries(base_url=BASE)
    by_address = {m.to[0]: m for m in mailoutbox}
    assert set(by_address) == {"lead@example.org", "outsider@example.org"}
    beta = by_address["outsider@example.org"]
    assert "Beta Health Together" in beta.subject
    assert "/i/alpha/" not in beta.body and "/i/beta/console/" in beta.body


def test_command_dry_run_sends_nothing(lively, mailoutbox):
    out = StringIO()
    call_command("send_console_summary", "--dry-run", "--initiative", "alpha", stdout=out)
    assert mailoutbox == []
    assert "alpha: lead@example.org" in out.getvalue()
    assert "1 console summaries would be sent for 1 initiatives; nothing sent." in out.getvalue()


def test_command_sends(lively, mailoutbox):
    out = StringIO()
    call_command("send_console_summary", "--initiative", "alpha", "--base-url", BASE, stdout=out)
    assert len(mailoutbox) == 1
    assert f"{BASE}/i/alpha/console/" in mailoutbox[0].body
    assert "1 console summaries sent for 1 initiatives, 0 failed" in out.getvalue()


@pytest.mark.parametrize(
    "args, message",
    [
        (["--initiative", "nope"], "--initiative: no initiative 'nope'."),
        (["--today", "last week"], "--today: 'last week' is not a date (YYYY-MM-DD)."),
        (["--base-url", "cg.example.org"], "does not start with http:// or https://"),
    ],
)
def test_command_refuses_bad_input(world, mailoutbox, args, message):
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        call_command("send_console_summary", *args)
    assert mailoutbox == []


def test_a_failed_send_is_counted(lively, mailoutbox, monkeypatch):
    def refuse(self, fail_silently=False):
        raise OSError("SMTP is down")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
    outcome = summary.send_console_summaries(initiatives=[lively.alpha], base_url=BASE)
    assert (outcome.sent, outcome.failed) == (0, 1)
    with pytest.raises(CommandError, match="1 summaries could not be sent"):
        call_command("send_console_summary", "--initiative", "alpha")
