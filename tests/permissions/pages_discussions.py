"""Discussions, announcements, stories, notifications and digest settings.

Every member reads threads and published stories; everyone but the viewer posts and drafts
stories; the lead and the facilitator announce; the lead, the data manager and the facilitator
publish stories (and see drafts). A post is edited by its author (within the edit window) or a
moderator (who may announce); a draft story by its author or a reviewer. Notifications are one's
own. The digest settings page is for anyone logged in; the unsubscribe link for anyone holding
it. Public story pages exist for public initiatives, and show published stories only.
"""

from commonground.convening import digests
from commonground.convening.models import Post, Story, Thread
from commonground.convening.services import discussions as services
from tests.conftest import ALL_PERSONAS
from tests.permissions import ALPHA_MEMBERS, Page

EVERYONE = frozenset(ALL_PERSONAS)
POSTERS = ALPHA_MEMBERS - {"viewer"}
MODERATORS = frozenset({"lead", "facilitator"})
REVIEWERS = frozenset({"lead", "data_manager", "facilitator"})
LOGGED_IN = ALPHA_MEMBERS | {"outsider"}
STORY = {"title": "A story", "body": "What happened.", "indicator": "", "working_group": ""}


def thread(world):
    """A thread of alpha started by partner A's reporter; its first post is theirs."""
    found = Thread.objects.filter(initiative=world.alpha, title="Attendance").first()
    if found is None:
        found = services.start_thread(
            actor=world.users["reporter_a"],
            initiative=world.alpha,
            title="Attendance",
            body="What are we seeing?",
        )
    return found.pk


def post(world):
    return Post.objects.filter(thread_id=thread(world)).order_by("pk").first().pk


def _story(world, title, publish):
    found = Story.objects.filter(initiative=world.alpha, title=title).first()
    if found is None:
        found = services.draft_story(
            actor=world.users["reporter_a"], initiative=world.alpha, title=title, body="Text."
        )
        if publish:
            services.publish_story(actor=world.users["lead"], story=found)
    return found.pk


def published_story(world):
    return _story(world, "Published story", publish=True)


def draft_story(world):
    """A draft written by partner A's reporter."""
    return _story(world, "Draft story", publish=False)


def unsubscribe_token(world):
    return digests.unsubscribe_token(world.users["reporter_a"])


PAGES = [
    Page("thread_list", ("alpha",), ALPHA_MEMBERS),
    Page("thread_detail", ("alpha", thread), ALPHA_MEMBERS),
    Page("thread_create", ("alpha",), POSTERS),
    Page(
        "thread_create",
        ("alpha",),
        POSTERS,
        method="post",
        data={"title": "New", "body": "Hello", "working_group": ""},
        ok=302,
    ),
    Page("thread_reply", ("alpha", thread), POSTERS, method="post", data={"body": "Yes"}, ok=302),
    Page("post_edit", ("alpha", thread, post), MODERATORS | {"reporter_a"}),
    Page(
        "post_edit",
        ("alpha", thread, post),
        MODERATORS | {"reporter_a"},
        method="post",
        data={"body": "Corrected"},
        ok=302,
    ),
    Page("announcement_create", ("alpha",), MODERATORS),
    Page(
        "announcement_create",
        ("alpha",),
        MODERATORS,
        method="post",
        data={"title": "News", "body": "Hello all"},
        ok=302,
    ),
    Page("story_list", ("alpha",), ALPHA_MEMBERS),
    Page("story_detail", ("alpha", published_story), ALPHA_MEMBERS),
    Page("story_detail", ("alpha", draft_story), REVIEWERS | {"reporter_a"}),
    Page("story_create", ("alpha",), POSTERS),
    Page("story_create", ("alpha",), POSTERS, method="post", data=STORY, ok=302),
    Page("story_edit", ("alpha", draft_story), REVIEWERS | {"reporter_a"}),
    Page(
        "story_edit",
        ("alpha", draft_story),
        REVIEWERS | {"reporter_a"},
        method="post",
        data=STORY,
        ok=302,
    ),
    Page("story_edit", ("alpha", published_story), REVIEWERS),
    Page("story_publish", ("alpha", draft_story), REVIEWERS, method="post", ok=302),
    Page("story_unpublish", ("alpha", published_story), REVIEWERS, method="post", ok=302),
    Page("public_story_list", ("alpha",), EVERYONE, public=True),
    Page("public_story_detail", ("alpha", published_story), EVERYONE, public=True),
    # A draft does not exist publicly, nor does a private initiative's story page.
    Page("public_story_detail", ("alpha", draft_story), frozenset(), public=True),
    Page("public_story_list", ("beta",), frozenset(), public=True),
    Page("notification_list", ("alpha",), ALPHA_MEMBERS),
    Page("notification_mark_read", ("alpha",), ALPHA_MEMBERS, method="post", ok=302),
    Page("notification_settings", (), LOGGED_IN),
    Page(
        "notification_settings", (), LOGGED_IN, method="post", data={"frequency": "daily"}, ok=302
    ),
    Page("digest_unsubscribe", (unsubscribe_token,), EVERYONE, public=True),
    Page("digest_unsubscribe", (unsubscribe_token,), EVERYONE, method="post", public=True),
]
