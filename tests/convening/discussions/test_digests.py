"""Digest e-mails, read back with the ``email`` module as a mail program would.

The rules (``convening/digests.py``): a digest lists what was not yet e-mailed, read ones marked
as seen, and goes only when something is still unread; daily or weekly as chosen; never twice;
with an unsubscribe link that needs no login and RFC 8058 one-click headers.
"""

import email
import re
from datetime import timedelta
from email import policy
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from commonground.convening import digests
from commonground.convening.digests import send_digests, send_digests_task
from commonground.convening.models import DigestPreference, Notification
from commonground.convening.notify import mark_read, notify
from commonground.core.models import AuditEvent
from commonground.initiatives.models import Membership

BASE = "https://cg.example.org"


class FailingBackend(EmailBackend):
    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP server is down")


def tell(world, persona="reporter_a", initiative=None, text="Something", url="/i/alpha/", at=None):
    notify(
        [world.users[persona]], initiative=initiative or world.alpha, kind="t", text=text, url=url
    )
    note = Notification.objects.order_by("pk").last()
    if at is not None:
        Notification.objects.filter(pk=note.pk).update(created_at=at)
    return note


def choose(world, persona, frequency):
    digests.set_digest_frequency(
        actor=world.users[persona], user=world.users[persona], frequency=frequency
    )


def parse(mail):
    """The message as the recipient's mail program sees it."""
    return email.message_from_bytes(mail.message().as_bytes(), policy=policy.default)


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.links.append(dict(attrs)["href"])


def html_links(html: str) -> list[str]:
    parser = Links()
    parser.feed(html)
    return parser.links


def path_of(url: str) -> str:
    assert url.startswith(BASE)
    return urlsplit(url).path


@pytest.fixture
def now():
    """A moment just after the notifications a test makes (a run sees only what exists)."""
    return timezone.now() + timedelta(minutes=1)


# The e-mail itself ----------------------------------------------------------------------------


def test_the_digest_email_parts_headers_and_links(world, mailoutbox, now):
    reporter = world.users["reporter_a"]
    Membership.objects.create(user=reporter, initiative=world.beta, role="viewer")
    tell(world, text="Reporter B replied in “Attendance”", url="/i/alpha/discussions/1/#post-2")
    seen = tell(world, text="Announcement: report card out", url="/i/alpha/discussions/3/")
    tell(world, initiative=world.beta, text="Clinic hours changed", url="")
    mark_read(reporter, world.alpha, [seen.pk])

    outcome = send_digests(now=now, base_url=BASE + "/")
    assert (outcome.sent, outcome.notifications) == (1, 3)
    [mail] = mailoutbox
    message = parse(mail)

    assert message["To"] == "reporter_a@example.org"
    assert message["Subject"] == "2 unread notifications in your initiatives"
    assert message["Auto-Submitted"] == "auto-generated"
    unsubscribe = message["List-Unsubscribe"].strip()  # folded: the address is a long word
    assert re.fullmatch(rf"<{BASE}/accounts/notifications/unsubscribe/[^/>]+/>", unsubscribe)
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    assert message.get_content_type() == "multipart/alternative"
    plain = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    for part in (plain, html):
        assert "Hello Reporter A," in part
        assert "2 notifications you have not read yet" in part
        assert "1 more you have already seen in the app is listed too" in part
        assert "seen in the app" in part
        assert "Reporter B replied in “Attendance”" in part
        assert "Clinic hours changed" in part
        assert "You get this digest weekly." in part
    # Grouped by initiative, in name order, with the initiative's name as the heading.
    assert plain.index("== Alpha Cradle to Career ==") < plain.index("== Beta Health Together ==")
    assert plain.index("Reporter B replied") < plain.index("== Beta Health Together ==")
    links = html_links(html)
    assert f"{BASE}/i/alpha/discussions/1/#post-2" in links
    assert f"{BASE}/i/beta/notifications/" in links  # a notification without its own link
    assert f"{BASE}/accounts/notifications/" in links
    assert unsubscribe.strip("<>") in links
    assert unsubscribe.strip("<>") in plain
    assert Notification.objects.filter(digested_at=None).count() == 0
    assert DigestPreference.objects.get(user=reporter).last_sent_at == now


def test_the_unsubscribe_link_works_without_logging_in(world, mailoutbox, now):
    tell(world)
    send_digests(now=now, base_url=BASE)
    html = parse(mailoutbox[0]).get_body(preferencelist=("html",)).get_content()
    [link] = [url for url in html_links(html) if "/unsubscribe/" in url]
    visitor = Client(enforce_csrf_checks=True)  # not logged in, no cookies
    landing = visitor.get(path_of(link))
    assert landing.status_code == 200
    assert "Stop digest e-mails?" in landing.content.decode()
    # A visit alone (as a mail scanner's) changes nothing.
    assert digests.preference_for(world.users["reporter_a"]).frequency == "weekly"
    done = visitor.post(path_of(link))
    assert done.status_code == 200
    assert "You will get no more digest e-mails" in done.content.decode()
    assert digests.preference_for(world.users["reporter_a"]).frequency == "never"
    event = AuditEvent.objects.get(action="digest.unsubscribed")
    assert (event.before, event.after) == ({"frequency": "weekly"}, {"frequency": "never"})
    assert event.actor == world.users["reporter_a"]

    tell(world, at=now + timedelta(days=8))
    assert send_digests(now=now + timedelta(days=9), base_url=BASE).sent == 0
    assert len(mailoutbox) == 1


def test_rfc_8058_one_click_post(world, mailoutbox, now):
    tell(world)
    send_digests(now=now, base_url=BASE)
    header = parse(mailoutbox[0])["List-Unsubscribe"].strip().strip("<>")
    # What a mail program sends: a POST with this body, no cookies, no CSRF token.
    response = Client(enforce_csrf_checks=True).post(
        path_of(header),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert digests.preference_for(world.users["reporter_a"]).frequency == "never"


def test_a_forged_or_damaged_token_does_nothing(world, now):
    token = digests.unsubscribe_token(world.users["reporter_a"])
    client = Client(enforce_csrf_checks=True)
    for bad in [token[:-2] + "xx", "1", digests.unsubscribe_token(world.users["reporter_b"])[:10]]:
        url = f"/accounts/notifications/unsubscribe/{bad}/"
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404
    assert not DigestPreference.objects.exists()


# When and what ------------------------------------------------------------------------------


def test_daily_is_daily(world, mailoutbox, now):
    choose(world, "reporter_a", "daily")
    tell(world, text="Monday", at=now - timedelta(hours=1))
    assert send_digests(now=now, base_url=BASE).sent == 1
    tell(world, text="Later on Monday", at=now + timedelta(hours=2))
    assert send_digests(now=now + timedelta(hours=12), base_url=BASE).not_due == 1
    # The next day's run, started a few minutes earlier than the day before, still sends.
    assert send_digests(now=now + timedelta(hours=23, minutes=55), base_url=BASE).sent == 1
    assert len(mailoutbox) == 2
    second = parse(mailoutbox[1]).get_body(preferencelist=("plain",)).get_content()
    assert "Later on Monday" in second and "- Monday" not in second
    assert "You get this digest daily." in second


def test_weekly_is_weekly(world, mailoutbox, now):
    tell(world, text="First", at=now - timedelta(minutes=5))
    assert send_digests(now=now, base_url=BASE).sent == 1  # weekly unless chosen: first one now
    tell(world, text="Second", at=now + timedelta(days=1))
    for day in range(1, 7):
        assert send_digests(now=now + timedelta(days=day, hours=1), base_url=BASE).sent == 0
    assert send_digests(now=now + timedelta(days=7), base_url=BASE).sent == 1
    assert len(mailoutbox) == 2


def test_never_sends_nothing(world, mailoutbox, now):
    choose(world, "reporter_a", "never")
    tell(world)
    assert send_digests(now=now, base_url=BASE).sent == 0
    assert mailoutbox == []


def test_nothing_is_sent_twice(world, mailoutbox, now):
    choose(world, "reporter_a", "daily")
    tell(world)
    assert send_digests(now=now, base_url=BASE).sent == 1
    assert send_digests(now=now, base_url=BASE).sent == 0  # a second run at the same time
    # Due again the next day, but there is nothing new: no e-mail.
    assert send_digests(now=now + timedelta(days=1), base_url=BASE).sent == 0
    assert len(mailoutbox) == 1


def test_everything_read_in_the_app_sends_nothing_until_something_is_new(world, mailoutbox, now):
    first = tell(world, text="Read in the app", at=now - timedelta(hours=2))
    mark_read(world.users["reporter_a"], world.alpha)
    outcome = send_digests(now=now, base_url=BASE)
    assert (outcome.sent, outcome.nothing_unread) == (0, 1)
    first.refresh_from_db()
    assert first.digested_at is None  # kept for the next digest's record
    tell(world, text="Brand new", at=now - timedelta(hours=1))
    assert send_digests(now=now, base_url=BASE).sent == 1
    plain = parse(mailoutbox[0]).get_body(preferencelist=("plain",)).get_content()
    assert "Brand new" in plain
    assert "Read in the app [seen in the app]" in plain


def test_only_initiatives_one_still_belongs_to(world, mailoutbox, now):
    tell(world, text="From alpha")
    Membership.objects.filter(user=world.users["reporter_a"]).update(is_active=False)
    assert send_digests(now=now, base_url=BASE).sent == 0
    assert mailoutbox == []


def test_people_without_an_address_or_inactive_get_nothing(world, mailoutbox, now):
    world.users["reporter_a"].email = ""
    world.users["reporter_a"].save()
    world.users["reporter_b"].is_active = False
    world.users["reporter_b"].save()
    tell(world, persona="reporter_a")
    tell(world, persona="reporter_b")
    assert send_digests(now=now, base_url=BASE).sent == 0


def test_a_long_digest_lists_the_newest_and_counts_the_rest(world, mailoutbox, now):
    for n in range(digests.MAX_ITEMS + 5):
        tell(world, text=f"Item {n:03d}", at=now - timedelta(minutes=n + 1))
    assert send_digests(now=now, base_url=BASE).notifications == digests.MAX_ITEMS + 5
    plain = parse(mailoutbox[0]).get_body(preferencelist=("plain",)).get_content()
    assert "Item 000" in plain and "Item 054" not in plain
    assert "…and 5 more on your notifications pages." in plain
    assert Notification.objects.filter(digested_at=None).count() == 0


def test_a_failed_send_is_tried_again_next_time(world, mailoutbox, now, settings):
    tell(world)
    settings.EMAIL_BACKEND = "tests.convening.discussions.test_digests.FailingBackend"
    outcome = send_digests(now=now, base_url=BASE)
    assert (outcome.sent, outcome.failed) == (0, 1)
    assert Notification.objects.filter(digested_at=None).count() == 1
    assert DigestPreference.objects.get(user=world.users["reporter_a"]).last_sent_at is None
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_digests(now=now, base_url=BASE).sent == 1


def test_digest_queries_do_not_grow_with_notifications(world, now, django_assert_max_num_queries):
    tell(world)
    with django_assert_max_num_queries(20) as few:
        send_digests(now=now, base_url=BASE)
    for n in range(30):
        tell(world, text=f"N{n}", at=now + timedelta(days=8))
    with django_assert_max_num_queries(len(few.captured_queries)):
        send_digests(now=now + timedelta(days=8), base_url=BASE)


# The settings page, the command and the task ---------------------------------------------------


def test_the_settings_page(world):
    client = world.client("outsider")
    page = client.get("/accounts/notifications/")
    assert page.status_code == 200
    assert re.search(r'value="weekly"[^>]* checked', page.content.decode())
    response = client.post("/accounts/notifications/", {"frequency": "daily"})
    assert response.status_code == 302
    assert digests.preference_for(world.users["outsider"]).frequency == "daily"
    bad = client.post("/accounts/notifications/", {"frequency": "hourly"})
    assert bad.status_code == 400
    assert "Select a valid choice" in bad.content.decode()


def test_only_the_person_changes_their_choice(world):
    with pytest.raises(digests.DomainError) as error:
        digests.set_digest_frequency(
            actor=world.users["lead"], user=world.users["reporter_a"], frequency="never"
        )
    assert error.value.code == "not_yours"
    assert not DigestPreference.objects.exists()


def test_the_command(world, mailoutbox, capsys):
    tell(world)
    call_command("send_digests", "--dry-run", "--base-url", BASE)
    out = capsys.readouterr().out
    assert "reporter_a@example.org: 1 notifications" in out
    assert "1 digests due" in out and "nothing sent" in out
    assert mailoutbox == []
    call_command("send_digests", "--base-url", BASE)
    assert "1 digests sent (1 notifications)" in capsys.readouterr().out
    assert len(mailoutbox) == 1
    with pytest.raises(CommandError, match="'yesterday' is not a date and time"):
        call_command("send_digests", "--now", "yesterday")
    with pytest.raises(CommandError, match="does not start with http"):
        call_command("send_digests", "--base-url", "cg.example.org")


def test_the_task_runs_the_same_digests(world, mailoutbox):
    tell(world)
    result = send_digests_task.call(base_url=BASE)
    assert result["sent"] == 1 and len(mailoutbox) == 1
