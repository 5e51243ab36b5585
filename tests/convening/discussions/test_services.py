"""The discussion and story services: permissions, domain errors, audit, notifications."""

from datetime import timedelta

import pytest
from django.utils import timezone

from commonground.convening.models import Notification, Post, Story, Thread
from commonground.convening.services import discussions as services
from commonground.core.errors import DomainError, PermissionDenied
from commonground.core.models import AuditEvent
from commonground.initiatives.models import Membership, WorkingGroup
from commonground.measurement.models import Indicator


def counts():
    """What a refused call must leave unchanged."""
    return (
        Thread.objects.count(),
        Post.objects.count(),
        Story.objects.count(),
        Notification.objects.count(),
        AuditEvent.objects.count(),
    )


def notified(kind):
    return sorted(
        Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True)
    )


def start(world, persona="reporter_a", **extra):
    return services.start_thread(
        actor=world.users[persona],
        initiative=world.alpha,
        title=extra.pop("title", "Attendance after the holidays"),
        body=extra.pop("body", "What are you seeing?"),
        **extra,
    )


# Threads and replies ---------------------------------------------------------------------------


def test_start_thread_writes_the_first_post_and_the_audit_event(world):
    thread = start(world, title="  Attendance   after the holidays ")
    assert thread.title == "Attendance after the holidays"  # spaces tidied
    assert thread.kind == Thread.Kind.DISCUSSION and thread.working_group is None
    [post] = thread.posts.all()
    assert (post.author, post.body) == (world.users["reporter_a"], "What are you seeing?")
    assert thread.last_post_at == post.created_at
    actions = list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))
    assert actions == ["thread.started", "post.created"]
    event = AuditEvent.objects.get(action="thread.started")
    assert event.initiative == world.alpha and event.after["title"] == thread.title
    assert Notification.objects.count() == 0  # an initiative-wide thread tells nobody


def test_a_group_thread_tells_the_groups_people_and_facilitator(world, group):
    start(world, persona="partner_lead_a", working_group=group)
    assert notified("thread_started") == ["facilitator", "reporter_a"]  # not the author
    note = Notification.objects.get(recipient=world.users["reporter_a"])
    assert "Early readers network" in note.text
    assert note.url.startswith("/i/alpha/discussions/")


def test_a_former_member_of_the_group_is_not_told(world, group):
    Membership.objects.filter(user=world.users["reporter_a"]).update(is_active=False)
    start(world, persona="partner_lead_a", working_group=group)
    assert notified("thread_started") == ["facilitator"]


@pytest.mark.parametrize(
    ("extra", "code"),
    [
        ({"title": "   "}, "title_required"),
        ({"title": "x" * 301}, "title_too_long"),
        ({"body": " \n "}, "body_required"),
        ({"body": "x" * (services.MAX_BODY + 1)}, "body_too_long"),
    ],
)
def test_bad_threads_are_refused_and_change_nothing(world, extra, code):
    before = counts()
    with pytest.raises(DomainError) as error:
        start(world, **extra)
    assert error.value.code == code
    assert counts() == before


def test_the_viewer_and_outsiders_may_not_post(world):
    before = counts()
    for persona in ["viewer", "outsider"]:
        with pytest.raises(PermissionDenied):
            start(world, persona=persona)
    assert counts() == before


def test_another_initiatives_working_group_is_refused(world):
    theirs = WorkingGroup.objects.create(initiative=world.beta, code="clinic", name="Clinic")
    before = counts()
    with pytest.raises(DomainError) as error:
        start(world, working_group=theirs)
    assert error.value.code == "wrong_group"
    assert counts() == before


def test_a_reply_tells_earlier_participants_once(world):
    thread = start(world)  # reporter_a
    services.reply(actor=world.users["reporter_b"], thread=thread, body="Fewer absences here.")
    services.reply(actor=world.users["reporter_b"], thread=thread, body="And one more thing.")
    services.reply(actor=world.users["steering"], thread=thread, body="Thanks both.")
    # reporter_a hears of three replies, reporter_b of the steering member's one.
    assert notified("reply") == ["reporter_a", "reporter_a", "reporter_a", "reporter_b"]
    thread.refresh_from_db()
    assert thread.last_post_at == thread.posts.order_by("pk").last().created_at
    assert AuditEvent.objects.filter(action="post.created").count() == 4


def test_someone_mentioned_gets_the_mention_not_also_the_reply(world):
    thread = start(world)
    services.reply(
        actor=world.users["reporter_b"], thread=thread, body="@reporter_a can you share it?"
    )
    assert notified("mention") == ["reporter_a"]
    assert notified("reply") == []


def test_a_reply_to_another_initiatives_thread_is_refused(world):
    theirs = services.start_thread(
        actor=world.users["outsider"], initiative=world.beta, title="Clinic hours", body="Hi"
    )
    before = counts()
    with pytest.raises(PermissionDenied):
        services.reply(actor=world.users["lead"], thread=theirs, body="Hello")
    assert counts() == before


# Editing ------------------------------------------------------------------------------------


def test_the_author_edits_within_the_window(world):
    thread = start(world)
    post = thread.posts.get()
    edited = services.edit_post(actor=world.users["reporter_a"], post=post, body="Corrected.")
    assert edited.body == "Corrected." and edited.edited_at is not None
    event = AuditEvent.objects.get(action="post.edited")
    assert (event.before, event.after) == ({"body": "What are you seeing?"}, {"body": "Corrected."})


def test_after_the_window_only_a_moderator_edits(world):
    post = start(world).posts.get()
    later = timezone.now() + services.EDIT_WINDOW + timedelta(minutes=1)
    before = counts()
    with pytest.raises(DomainError) as error:
        services.edit_post(actor=world.users["reporter_a"], post=post, body="Late", now=later)
    assert error.value.code == "edit_window_closed"
    assert counts() == before
    services.edit_post(actor=world.users["facilitator"], post=post, body="Tidied", now=later)
    post.refresh_from_db()
    assert post.body == "Tidied"


def test_nobody_else_edits_a_post(world):
    post = start(world).posts.get()
    for persona in ["reporter_b", "data_manager", "outsider"]:
        with pytest.raises(PermissionDenied):
            services.edit_post(actor=world.users[persona], post=post, body="Mine now")
    post.refresh_from_db()
    assert post.body == "What are you seeing?"


def test_an_edit_tells_only_the_newly_mentioned(world):
    post = start(world, body="Hello @reporter_b").posts.get()
    services.edit_post(
        actor=world.users["reporter_a"], post=post, body="Hello @reporter_b and @steering"
    )
    assert notified("mention") == ["reporter_b", "steering"]
    assert sorted(post.mentions.values_list("username", flat=True)) == ["reporter_b", "steering"]


# Announcements ------------------------------------------------------------------------------


def test_an_announcement_tells_every_active_member(world):
    Membership.objects.filter(user=world.users["reporter_b"]).update(is_active=False)
    thread = services.announce(
        actor=world.users["lead"], initiative=world.alpha, title="Report card out", body="Read it."
    )
    assert thread.kind == Thread.Kind.ANNOUNCEMENT
    expected = sorted(
        {"data_manager", "facilitator", "steering", "partner_lead_a", "reporter_a", "funder"}
        | {"viewer"}
    )
    assert notified("announcement") == expected  # not the lead, the former member, the outsider
    assert AuditEvent.objects.filter(action="thread.announced").count() == 1


@pytest.mark.parametrize("persona", ["data_manager", "steering", "partner_lead_a", "viewer"])
def test_only_those_who_announce_may(world, persona):
    before = counts()
    with pytest.raises(PermissionDenied):
        services.announce(
            actor=world.users[persona], initiative=world.alpha, title="News", body="Hi"
        )
    assert counts() == before


# Stories ------------------------------------------------------------------------------------


@pytest.fixture
def indicator(world):
    return Indicator.objects.create(
        initiative=world.alpha,
        code="grad",
        name="Graduation",
        value_type="count",
        aggregation="sum",
        frequency="annual",
        is_published=True,
    )


def draft(world, persona="reporter_a", **extra):
    return services.draft_story(
        actor=world.users[persona],
        initiative=world.alpha,
        title=extra.pop("title", "The class of 2025"),
        body=extra.pop("body", "What the figures show."),
        **extra,
    )


def test_a_partners_draft_goes_to_the_reviewers(world, indicator, group):
    story = draft(world, indicator=indicator, working_group=group)
    assert story.status == Story.Status.DRAFT and story.published_at is None
    assert (story.indicator, story.working_group) == (indicator, group)
    assert notified("story_for_review") == ["data_manager", "facilitator", "lead"]
    assert AuditEvent.objects.get(action="story.drafted").after["indicator"] == indicator.pk


def test_a_reviewers_own_draft_tells_nobody(world):
    draft(world, persona="data_manager")
    assert Notification.objects.count() == 0


def test_publish_and_unpublish(world):
    story = draft(world)
    story = services.publish_story(actor=world.users["data_manager"], story=story)
    assert story.status == Story.Status.PUBLISHED and story.published_at is not None
    assert notified("story_published") == ["reporter_a"]
    before = counts()
    with pytest.raises(DomainError) as error:
        services.publish_story(actor=world.users["lead"], story=story)
    assert error.value.code == "already_published"
    assert counts() == before
    story = services.unpublish_story(actor=world.users["lead"], story=story)
    assert story.status == Story.Status.DRAFT and story.published_at is None
    actions = AuditEvent.objects.filter(action__startswith="story.").order_by("pk")
    assert list(actions.values_list("action", flat=True)) == [
        "story.drafted",
        "story.published",
        "story.unpublished",
    ]


@pytest.mark.parametrize("persona", ["reporter_a", "steering", "funder", "outsider"])
def test_only_reviewers_publish(world, persona):
    story = draft(world)
    before = counts()
    with pytest.raises(PermissionDenied):
        services.publish_story(actor=world.users[persona], story=story)
    assert counts() == before


def test_the_author_edits_a_draft_but_not_once_published(world, indicator):
    story = draft(world)
    services.edit_story(
        actor=world.users["reporter_a"],
        story=story,
        title="New title",
        body="New",
        indicator=indicator,
    )
    story.refresh_from_db()
    assert (story.title, story.indicator) == ("New title", indicator)
    event = AuditEvent.objects.get(action="story.edited")
    assert (event.before["title"], event.after["title"]) == ("The class of 2025", "New title")
    services.publish_story(actor=world.users["lead"], story=story)
    with pytest.raises(PermissionDenied):
        services.edit_story(actor=world.users["reporter_a"], story=story, title="x", body="y")
    with pytest.raises(PermissionDenied):  # another partner's draft
        services.edit_story(
            actor=world.users["reporter_b"], story=draft(world), title="x", body="y"
        )
    services.edit_story(actor=world.users["lead"], story=story, title="Edited", body="By lead")


def test_another_initiatives_indicator_is_refused(world):
    theirs = Indicator.objects.create(
        initiative=world.beta,
        code="visits",
        name="Visits",
        value_type="count",
        aggregation="sum",
        frequency="annual",
    )
    before = counts()
    with pytest.raises(DomainError) as error:
        draft(world, indicator=theirs)
    assert error.value.code == "wrong_indicator"
    assert counts() == before
