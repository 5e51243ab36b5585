"""The discussion and story pages, driven through the test client."""

import re

import pytest
from django.urls import reverse

from commonground.convening.discussions import published_stories_for, recent_threads_for_body
from commonground.convening.models import Notification, Post, Story, Thread
from commonground.convening.services import discussions as services
from commonground.measurement.models import Indicator


def start(world, title="Attendance", persona="reporter_a", **extra):
    return services.start_thread(
        actor=world.users[persona], initiative=world.alpha, title=title, body="Hello", **extra
    )


def text(response) -> str:
    return response.content.decode()


# Threads ------------------------------------------------------------------------------------


def test_empty_states_say_what_to_do(world):
    page = text(world.client("reporter_a").get(reverse("thread_list", args=["alpha"])))
    assert "No discussion yet." in page and "Start one" in page
    viewer = text(world.client("viewer").get(reverse("thread_list", args=["alpha"])))
    assert "When members start one" in viewer and "Start a discussion" not in viewer
    stories = text(world.client("reporter_a").get(reverse("story_list", args=["alpha"])))
    assert "No story is published yet." in stories and "Write one" in stories


def test_start_a_thread_in_a_group_from_the_form(world, group):
    client = world.client("partner_lead_a")
    form = client.get(reverse("thread_create", args=["alpha"]) + "?group=readers")
    assert re.search(r'<option value="\d+" selected>Early readers network', text(form))
    response = client.post(
        reverse("thread_create", args=["alpha"]),
        {"title": "Summer reading", "body": "Plans?", "working_group": group.pk},
    )
    thread = Thread.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("thread_detail", args=["alpha", thread.pk])
    assert thread.working_group == group
    listing = text(client.get(reverse("thread_list", args=["alpha"]) + "?group=readers"))
    assert "Summer reading" in listing
    other = text(client.get(reverse("thread_list", args=["alpha"]) + "?group=initiative"))
    assert "Summer reading" not in other and "No discussion yet." in other


def test_form_errors_are_shown_next_to_the_form(world):
    client = world.client("reporter_a")
    response = client.post(reverse("thread_create", args=["alpha"]), {"title": "", "body": ""})
    assert response.status_code == 400
    assert "This field is required." in text(response)
    thread = start(world)
    response = client.post(reverse("thread_reply", args=["alpha", thread.pk]), {"body": "  "})
    assert response.status_code == 400
    assert "This field is required." in text(response)
    assert thread.posts.count() == 1


def test_a_reply_lands_on_the_new_post(world):
    thread = start(world)
    response = world.client("reporter_b").post(
        reverse("thread_reply", args=["alpha", thread.pk]), {"body": "**Yes**, @reporter_a."}
    )
    post = Post.objects.order_by("pk").last()
    assert response["Location"].endswith(f"/discussions/{thread.pk}/#post-{post.pk}")
    page = text(world.client("viewer").get(reverse("thread_detail", args=["alpha", thread.pk])))
    assert "<strong>Yes</strong>" in page
    assert "Mentioned: Reporter A" in page
    assert "You can read discussions; your role does not post in them." in page


def test_the_edit_link_shows_only_for_those_who_may_edit(world):
    thread = start(world)
    url = reverse("thread_detail", args=["alpha", thread.pk])
    edit = reverse("post_edit", args=["alpha", thread.pk, thread.posts.get().pk])
    assert edit in text(world.client("reporter_a").get(url))
    assert edit in text(world.client("facilitator").get(url))
    assert edit not in text(world.client("reporter_b").get(url))


def test_an_announcement_from_the_form(world):
    response = world.client("facilitator").post(
        reverse("announcement_create", args=["alpha"]),
        {"title": "Report card published", "body": "Read it."},
    )
    thread = Thread.objects.get()
    assert response["Location"] == reverse("thread_detail", args=["alpha", thread.pk])
    assert thread.kind == "announcement"
    assert Notification.objects.filter(kind="announcement").count() == 8  # all but the author
    listing = text(world.client("viewer").get(reverse("thread_list", args=["alpha"])))
    assert "Announcement" in listing and "Report card published" in listing


def test_another_initiatives_thread_is_404(world):
    theirs = services.start_thread(
        actor=world.users["outsider"], initiative=world.beta, title="Clinic", body="Hi"
    )
    client = world.client("lead")
    assert client.get(reverse("thread_detail", args=["alpha", theirs.pk])).status_code == 404
    reply = client.post(reverse("thread_reply", args=["alpha", theirs.pk]), {"body": "x"})
    assert reply.status_code == 404


def test_thread_list_queries_stay_flat(world, group, django_assert_max_num_queries):
    client = world.client("reporter_a")
    url = reverse("thread_list", args=["alpha"])
    start(world, title="First")
    with django_assert_max_num_queries(20) as few:
        client.get(url)
    for n in range(12):
        thread = start(world, title=f"Thread {n}", working_group=group if n % 2 else None)
        services.reply(actor=world.users["reporter_b"], thread=thread, body="Reply")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


def test_thread_page_queries_stay_flat(world, django_assert_max_num_queries):
    client = world.client("reporter_a")
    thread = start(world)
    url = reverse("thread_detail", args=["alpha", thread.pk])
    with django_assert_max_num_queries(30) as few:
        client.get(url)
    for n in range(10):
        persona = ["reporter_b", "steering", "funder"][n % 3]
        services.reply(actor=world.users[persona], thread=thread, body=f"@reporter_a {n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


def test_recent_threads_for_a_working_group(world, group, django_assert_num_queries):
    for title in ["Old", "Middle", "New"]:
        start(world, title=title, working_group=group)
    start(world, title="Not in the group")
    with django_assert_num_queries(1):
        recent = recent_threads_for_body(group, limit=2)
    assert [t.title for t in recent] == ["New", "Middle"]
    assert recent[0].url == recent[0].get_absolute_url()
    assert recent[0].url.startswith("/i/alpha/discussions/")


# Stories ------------------------------------------------------------------------------------


@pytest.fixture
def indicators(world):
    def make(code, published):
        return Indicator.objects.create(
            initiative=world.alpha,
            code=code,
            name=f"Indicator {code}",
            value_type="count",
            aggregation="sum",
            frequency="annual",
            is_published=published,
        )

    return make("grad", True), make("secret", False)


def story(world, title, indicator=None, publish=True, persona="lead"):
    found = services.draft_story(
        actor=world.users[persona],
        initiative=world.alpha,
        title=title,
        body=f"The story of {title}.",
        indicator=indicator,
    )
    if publish:
        found = services.publish_story(actor=world.users["lead"], story=found)
    return found


def test_public_visitors_see_only_published_stories(world, indicators):
    grad, secret = indicators
    public = story(world, "Graduation rises", indicator=grad)
    hidden = story(world, "About a hidden indicator", indicator=secret)
    draft = story(world, "Not yet", publish=False)
    visitor = world.client("anonymous")
    listing = text(visitor.get(reverse("public_story_list", args=["alpha"])))
    assert "Graduation rises" in listing and "About a hidden indicator" in listing
    assert "Not yet" not in listing
    assert "Indicator secret" not in listing  # an unpublished indicator is not named
    page = text(visitor.get(reverse("public_story_detail", args=["alpha", public.pk])))
    assert reverse("public_indicator_report", args=["alpha", "grad"]) in page
    page = text(visitor.get(reverse("public_story_detail", args=["alpha", hidden.pk])))
    assert "Indicator secret" not in page and "The data behind this story" not in page
    assert visitor.get(reverse("public_story_detail", args=["alpha", draft.pk])).status_code == 404
    assert visitor.get(reverse("public_story_list", args=["beta"])).status_code == 404


def test_a_partners_draft_is_reviewed_and_published(world):
    client = world.client("reporter_a")
    response = client.post(
        reverse("story_create", args=["alpha"]),
        {"title": "Tutors in every classroom", "body": "Our story.", "indicator": ""},
    )
    draft = Story.objects.get()
    assert response["Location"] == reverse("story_detail", args=["alpha", draft.pk])
    mine = text(client.get(reverse("story_list", args=["alpha"])))
    assert "Your drafts" in mine and "Tutors in every classroom" in mine
    others = text(world.client("reporter_b").get(reverse("story_list", args=["alpha"])))
    assert "Tutors in every classroom" not in others
    reviewer = world.client("data_manager")
    queue = text(reviewer.get(reverse("story_list", args=["alpha"])))
    assert "Drafts waiting for review" in queue and "Tutors in every classroom" in queue
    reviewer.post(reverse("story_publish", args=["alpha", draft.pk]))
    draft.refresh_from_db()
    assert draft.status == "published"
    assert "Tutors in every classroom" in text(
        world.client("anonymous").get(reverse("public_story_list", args=["alpha"]))
    )


def test_story_links_to_the_indicator_for_each_reader(world, indicators):
    grad, _ = indicators
    found = story(world, "Graduation rises", indicator=grad)
    url = reverse("story_detail", args=["alpha", found.pk])
    assert reverse("indicator_report", args=["alpha", "grad"]) in text(
        world.client("funder").get(url)
    )
    # A partner reporter does not see internal results: the indicator's registry page instead.
    assert reverse("indicator_detail", args=["alpha", "grad"]) in text(
        world.client("reporter_a").get(url)
    )


def test_published_stories_for_an_indicator(world, indicators, django_assert_num_queries):
    grad, _ = indicators
    story(world, "First")
    story(world, "Second", indicator=grad)
    story(world, "Draft", indicator=grad, publish=False)
    with django_assert_num_queries(1):
        found = published_stories_for(grad)
    assert [s.title for s in found] == ["Second"]
    second = Story.objects.get(title="Second")
    assert found[0].url == reverse("story_detail", args=["alpha", second.pk])
    [public] = published_stories_for(grad, public=True)
    assert public.url.startswith("/public/alpha/stories/")


def test_story_lists_queries_stay_flat(world, indicators, django_assert_max_num_queries):
    grad, _ = indicators
    story(world, "One", indicator=grad)
    pages = [
        (world.client("data_manager"), reverse("story_list", args=["alpha"])),
        (world.client("anonymous"), reverse("public_story_list", args=["alpha"])),
    ]
    baseline = []
    for client, url in pages:
        with django_assert_max_num_queries(20) as few:
            client.get(url)
        baseline.append(len(few.captured_queries))
    for n in range(8):
        story(world, f"Story {n}", indicator=grad, publish=n % 2 == 0, persona="reporter_a")
    for (client, url), count in zip(pages, baseline, strict=True):
        with django_assert_max_num_queries(count):
            client.get(url)
