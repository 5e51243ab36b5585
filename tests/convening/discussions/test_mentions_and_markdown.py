"""Mentions resolve to members of the initiative only; what people write is sanitized."""

import pytest
from django.urls import reverse

from commonground.convening.discussions import handle_for, mentioned_handles, resolve_mentions
from commonground.convening.models import Notification, Story
from commonground.convening.services import discussions as services
from commonground.initiatives.models import Membership
from tests.conftest import make_user


def names(people):
    return [p.username for p in people]


@pytest.fixture
def named(world):
    """Members with names: the data manager is Dana Okafor, partner A's lead Mary Ann O'Neil."""
    for persona, first, last in [
        ("data_manager", "Dana", "Okafor"),
        ("partner_lead_a", "Mary Ann", "O'Neil"),
    ]:
        user = world.users[persona]
        user.first_name, user.last_name = first, last
        user.save()
    return world


def test_handles():
    assert mentioned_handles("Thanks @dana.okafor. And @Ray, see @dana.okafor!") == [
        "dana.okafor",
        "ray",
    ]
    assert mentioned_handles("write to dana@example.org") == []  # an address is no mention
    assert mentioned_handles("ask @lead@example.org.") == ["lead@example.org"]


def test_first_last_and_username_forms(named):
    world = named
    assert handle_for(world.users["partner_lead_a"]) == "mary-ann.oneil"
    text = "@dana.okafor, @Mary-Ann.ONeil and @reporter_b — and @dana.okafor again"
    assert names(resolve_mentions(world.alpha, text)) == [
        "data_manager",
        "partner_lead_a",
        "reporter_b",
    ]


def test_non_members_resolve_to_nobody(named):
    world = named
    Membership.objects.filter(user=world.users["reporter_b"]).update(is_active=False)
    make_user("stranger", first_name="Sam", last_name="Stranger")
    text = "@outsider @stranger @sam.stranger @reporter_b @nobody"
    assert resolve_mentions(world.alpha, text) == []


def test_a_shared_name_is_ambiguous_but_usernames_work(named):
    world = named
    world.users["steering"].first_name, world.users["steering"].last_name = "Dana", "Okafor"
    world.users["steering"].save()
    assert resolve_mentions(world.alpha, "@dana.okafor") == []
    assert names(resolve_mentions(world.alpha, "@steering")) == ["steering"]


def test_mentioning_an_outsider_does_nothing_and_leaks_nothing(world, client):
    thread = services.start_thread(
        actor=world.users["reporter_a"], initiative=world.alpha, title="Hi", body="Hello"
    )
    services.reply(actor=world.users["reporter_b"], thread=thread, body="cc @outsider @ghost")
    post = thread.posts.order_by("pk").last()
    assert post.mentions.count() == 0
    assert not Notification.objects.filter(recipient=world.users["outsider"]).exists()
    page = world.client("lead").get(reverse("thread_detail", args=["alpha", thread.pk]))
    html = page.content.decode()
    # The handle stays plain text, exactly as an unknown one does; nothing says who it is.
    assert "cc @outsider @ghost" in html
    assert "Mentioned:" not in html


HOSTILE = (
    "Hello <script>alert('x')</script> world\n\n"
    "[click me](javascript:alert(1))\n\n"
    '<img src="x" onerror="alert(2)">\n\n'
    '<a href="https://example.org" onclick="alert(3)">fine link</a>'
)


def assert_sanitized(html: str):
    assert "<script>alert" not in html and "alert('x')" not in html
    assert "javascript:" not in html
    assert "onerror" not in html and "onclick" not in html
    assert "<img" not in html


def test_posts_are_sanitized(world):
    thread = services.start_thread(
        actor=world.users["reporter_a"], initiative=world.alpha, title="Hostile", body=HOSTILE
    )
    html = world.client("viewer").get(reverse("thread_detail", args=["alpha", thread.pk]))
    body = html.content.decode()
    assert_sanitized(body)
    assert "Hello" in body and 'href="https://example.org"' in body


def test_stories_are_sanitized_inside_and_in_public(world):
    story = services.draft_story(
        actor=world.users["lead"], initiative=world.alpha, title="Hostile story", body=HOSTILE
    )
    services.publish_story(actor=world.users["lead"], story=story)
    pages = [
        world.client("viewer").get(reverse("story_detail", args=["alpha", story.pk])),
        world.client("anonymous").get(reverse("public_story_detail", args=["alpha", story.pk])),
        world.client("anonymous").get(reverse("public_story_list", args=["alpha"])),
        world.client("viewer").get(reverse("story_list", args=["alpha"])),
    ]
    for page in pages:
        assert page.status_code == 200
        assert_sanitized(page.content.decode())
    assert Story.objects.get().body == HOSTILE  # stored as written, cleaned when shown
