"""Discussions, announcements and stories of progress (SPEC §3.4.4): every change goes through
these functions, which check the actor's permission, audit the change and tell people in the
app, in one transaction.

Who is told (only active members of the initiative, never the person who acted):

* a reply: everyone who wrote in the thread before (its participants);
* a mention: the members mentioned (``convening.discussions.resolve_mentions``), instead of the
  reply notice when they are both;
* a new thread in a working group: the group's people and its facilitator;
* an announcement: every active member;
* a story drafted by someone who may not publish it: those who may (its reviewers); a story
  published by someone else: its author.
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from commonground.convening.discussions import resolve_mentions
from commonground.convening.models import Post, Story, Thread
from commonground.convening.notify import notify
from commonground.core import audit
from commonground.core.access import InitiativeAccess, access_for
from commonground.core.authorization import authorize
from commonground.core.errors import DomainError, InvalidTransition
from commonground.core.permissions import ROLE_PERMISSIONS, Perm
from commonground.initiatives.models import Membership

User = get_user_model()

# An author may correct a post for this long; after that, what others replied to stays as it
# was (those who may announce — the moderators — may still edit, and the edit is audited).
EDIT_WINDOW = timedelta(minutes=30)
MAX_TITLE = Thread._meta.get_field("title").max_length
MAX_BODY = 20_000
STORY_FIELDS = ["title", "body", "indicator", "working_group", "status", "published_at"]


def _may_post(access: InitiativeAccess) -> bool:
    return access.has(Perm.POST_DISCUSSIONS)


def may_edit_post(access: InitiativeAccess, post: Post, now=None) -> bool:
    """Moderators (``ANNOUNCE``) always; the author while ``EDIT_WINDOW`` is open."""
    if access.has(Perm.ANNOUNCE):
        return True
    now = now or timezone.now()
    return (
        access.has(Perm.POST_DISCUSSIONS)
        and post.author_id == access.membership.user_id
        and now - post.created_at <= EDIT_WINDOW
    )


def may_edit_story(access: InitiativeAccess, story: Story) -> bool:
    """Reviewers (``PUBLISH_STORIES``) edit any story; an author edits their own draft."""
    if access.has(Perm.PUBLISH_STORIES):
        return True
    return (
        access.has(Perm.POST_DISCUSSIONS)
        and story.status == Story.Status.DRAFT
        and story.author_id == access.membership.user_id
    )


# Checks and helpers -------------------------------------------------------------------------


def _clean_title(title: str) -> str:
    title = " ".join((title or "").split())
    if not title:
        raise DomainError(_("Give it a title."), code="title_required")
    if len(title) > MAX_TITLE:
        raise DomainError(
            _("Keep the title under %(n)s characters.") % {"n": MAX_TITLE}, code="title_too_long"
        )
    return title


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise DomainError(_("Write something first."), code="body_required")
    if len(body) > MAX_BODY:
        raise DomainError(
            _("Keep it under %(n)s characters.") % {"n": f"{MAX_BODY:,}"}, code="body_too_long"
        )
    return body


def _check_in_initiative(initiative, working_group=None, indicator=None) -> None:
    if working_group is not None and working_group.initiative_id != initiative.pk:
        raise DomainError(_("That working group is not in this initiative."), code="wrong_group")
    if indicator is not None and indicator.initiative_id != initiative.pk:
        raise DomainError(_("That indicator is not in this initiative."), code="wrong_indicator")


def _active_members(initiative, **filters) -> list:
    """The active people with an active membership of ``initiative`` (narrowed by ``filters``)."""
    memberships = Membership.objects.filter(
        initiative=initiative, is_active=True, user__is_active=True, **filters
    )
    return [m.user for m in memberships.select_related("user")]


def _members_among(initiative, people) -> list:
    """Those of ``people`` who are active members of ``initiative``, in their order."""
    ids = [p.pk for p in people if p is not None]
    active = {u.pk for u in _active_members(initiative, user_id__in=ids)}
    return [p for p in people if p is not None and p.pk in active]


def _name(person) -> str:
    if person is None:
        return _("The backbone")
    return person.get_full_name() or person.get_username()


def post_url(post: Post) -> str:
    thread = post.thread
    return reverse("thread_detail", args=[thread.initiative.slug, thread.pk]) + f"#post-{post.pk}"


def story_url(story: Story) -> str:
    return reverse("story_detail", args=[story.initiative.slug, story.pk])


def _tell_mentioned(actor, post: Post, people) -> None:
    notify(
        people,
        initiative=post.thread.initiative,
        kind="mention",
        text=_("%(who)s mentioned you in “%(title)s”")
        % {"who": _name(actor), "title": post.thread.title},
        url=post_url(post),
        exclude=actor,
    )


def _add_post(*, actor, thread: Thread, body: str) -> tuple[Post, list]:
    """Create a post, resolve its mentions and tell those mentioned; returns them too."""
    post = Post.objects.create(thread=thread, author=actor, body=body)
    mentioned = resolve_mentions(thread.initiative, body)
    if mentioned:
        post.mentions.set(mentioned)
        _tell_mentioned(actor, post, mentioned)
    thread.last_post_at = post.created_at
    thread.save(update_fields=["last_post_at"])
    audit.record(
        actor=actor,
        action="post.created",
        obj=post,
        initiative=thread.initiative,
        after={
            "thread": thread.pk,
            "body": body,
            "mentions": [m.get_username() for m in mentioned],
        },
    )
    return post, mentioned


def _new_thread(*, actor, initiative, title, body, kind, working_group=None) -> Thread:
    thread = Thread.objects.create(
        initiative=initiative,
        working_group=working_group,
        kind=kind,
        title=title,
        created_by=actor,
        last_post_at=timezone.now(),
    )
    audit.record(
        actor=actor,
        action="thread.announced" if kind == Thread.Kind.ANNOUNCEMENT else "thread.started",
        obj=thread,
        initiative=initiative,
        after=audit.snapshot(thread, ["title", "kind", "working_group"]),
    )
    return thread


# Threads and posts --------------------------------------------------------------------------


@transaction.atomic
def start_thread(*, actor, initiative, title: str, body: str, working_group=None) -> Thread:
    """Open a discussion for the whole initiative or one working group, with its first post.

    A working group's people and facilitator are told; the rest read it on the group's page.
    """
    authorize(actor, initiative, _may_post)
    title, body = _clean_title(title), _clean_body(body)
    _check_in_initiative(initiative, working_group=working_group)
    thread = _new_thread(
        actor=actor,
        initiative=initiative,
        title=title,
        body=body,
        kind=Thread.Kind.DISCUSSION,
        working_group=working_group,
    )
    post, mentioned = _add_post(actor=actor, thread=thread, body=body)
    if working_group is not None:
        people = [*working_group.members.all(), working_group.facilitator]
        notify(
            [p for p in _members_among(initiative, people) if p not in mentioned],
            initiative=initiative,
            kind="thread_started",
            text=_("%(who)s started “%(title)s” in %(group)s")
            % {"who": _name(actor), "title": title, "group": working_group.name},
            url=post_url(post),
            exclude=actor,
        )
    return thread


@transaction.atomic
def reply(*, actor, thread: Thread, body: str) -> Post:
    """Add a post to ``thread``; its earlier participants are told, and anyone mentioned."""
    thread = Thread.objects.select_for_update().select_related("initiative").get(pk=thread.pk)
    initiative = thread.initiative
    authorize(actor, initiative, _may_post)
    body = _clean_body(body)
    participants = list(User.objects.filter(pk__in=thread.posts.values("author")).order_by("pk"))
    post, mentioned = _add_post(actor=actor, thread=thread, body=body)
    notify(
        [p for p in _members_among(initiative, participants) if p not in mentioned],
        initiative=initiative,
        kind="reply",
        text=_("%(who)s replied in “%(title)s”") % {"who": _name(actor), "title": thread.title},
        url=post_url(post),
        exclude=actor,
    )
    return post


@transaction.atomic
def edit_post(*, actor, post: Post, body: str, now=None) -> Post:
    """Change a post's text: its author within ``EDIT_WINDOW``, or a moderator at any time.

    People newly mentioned by the edit are told; those mentioned before are not told again.
    """
    post = Post.objects.select_for_update().select_related("thread__initiative").get(pk=post.pk)
    initiative = post.thread.initiative
    authorize(
        actor,
        initiative,
        lambda a: a.has(Perm.ANNOUNCE) or (_may_post(a) and post.author_id == actor.pk),
    )
    if actor is not None and not may_edit_post(access_for(actor, initiative), post, now):
        raise DomainError(
            _("Posts can be changed for %(n)s minutes after they are written.")
            % {"n": int(EDIT_WINDOW.total_seconds() // 60)},
            code="edit_window_closed",
        )
    body = _clean_body(body)
    before = {"body": post.body}
    earlier = set(post.mentions.values_list("pk", flat=True))
    post.body = body
    post.edited_at = timezone.now()
    post.save(update_fields=["body", "edited_at"])
    mentioned = resolve_mentions(initiative, body)
    post.mentions.set(mentioned)
    _tell_mentioned(actor, post, [m for m in mentioned if m.pk not in earlier])
    audit.record(
        actor=actor,
        action="post.edited",
        obj=post,
        initiative=initiative,
        before=before,
        after={"body": body},
    )
    return post


@transaction.atomic
def announce(*, actor, initiative, title: str, body: str) -> Thread:
    """An announcement from the backbone to the whole initiative: every active member is told."""
    authorize(actor, initiative, lambda a: a.has(Perm.ANNOUNCE))
    title, body = _clean_title(title), _clean_body(body)
    thread = _new_thread(
        actor=actor, initiative=initiative, title=title, body=body, kind=Thread.Kind.ANNOUNCEMENT
    )
    post, _mentioned = _add_post(actor=actor, thread=thread, body=body)
    notify(
        _active_members(initiative),
        initiative=initiative,
        kind="announcement",
        text=_("Announcement: %(title)s") % {"title": title},
        url=post_url(post),
        exclude=actor,
    )
    return thread


# Stories of progress ------------------------------------------------------------------------


def _reviewers(initiative) -> list:
    """The active members whose role may publish stories."""
    roles = sorted(
        role for role, perms in ROLE_PERMISSIONS.items() if Perm.PUBLISH_STORIES in perms
    )
    return _active_members(initiative, role__in=roles)


def _locked_story(story: Story) -> Story:
    return Story.objects.select_for_update().select_related("initiative").get(pk=story.pk)


@transaction.atomic
def draft_story(
    *, actor, initiative, title: str, body: str, indicator=None, working_group=None
) -> Story:
    """Write a story of progress as a draft, optionally tied to an indicator and a working group.

    Anyone who may post may draft one; if the author may not publish it, the reviewers (those
    who may) are told a story is waiting for them.
    """
    authorize(actor, initiative, _may_post)
    title, body = _clean_title(title), _clean_body(body)
    _check_in_initiative(initiative, working_group=working_group, indicator=indicator)
    story = Story.objects.create(
        initiative=initiative,
        title=title,
        body=body,
        indicator=indicator,
        working_group=working_group,
        author=actor,
    )
    audit.record(
        actor=actor,
        action="story.drafted",
        obj=story,
        initiative=initiative,
        after=audit.snapshot(story, STORY_FIELDS),
    )
    if actor is not None and not access_for(actor, initiative).has(Perm.PUBLISH_STORIES):
        notify(
            _reviewers(initiative),
            initiative=initiative,
            kind="story_for_review",
            text=_("%(who)s wrote a story for review: “%(title)s”")
            % {"who": _name(actor), "title": title},
            url=story_url(story),
            exclude=actor,
        )
    return story


@transaction.atomic
def edit_story(
    *, actor, story: Story, title: str, body: str, indicator=None, working_group=None
) -> Story:
    """Change a story: its author while it is a draft, a reviewer at any time."""
    story = _locked_story(story)
    initiative = story.initiative
    authorize(actor, initiative, lambda a: may_edit_story(a, story))
    title, body = _clean_title(title), _clean_body(body)
    _check_in_initiative(initiative, working_group=working_group, indicator=indicator)
    before = audit.snapshot(story, STORY_FIELDS)
    story.title, story.body = title, body
    story.indicator, story.working_group = indicator, working_group
    story.save()
    audit.record(
        actor=actor,
        action="story.edited",
        obj=story,
        initiative=initiative,
        before=before,
        after=audit.snapshot(story, STORY_FIELDS),
    )
    return story


def _set_status(*, actor, story: Story, status: str, action: str) -> Story:
    story = _locked_story(story)
    initiative = story.initiative
    authorize(actor, initiative, lambda a: a.has(Perm.PUBLISH_STORIES))
    if story.status == status:
        raise InvalidTransition(
            _("This story is already %(status)s.") % {"status": story.get_status_display().lower()},
            code=f"already_{status}",
        )
    before = audit.snapshot(story, ["status", "published_at"])
    story.status = status
    story.published_at = timezone.now() if status == Story.Status.PUBLISHED else None
    story.save(update_fields=["status", "published_at"])
    audit.record(
        actor=actor,
        action=action,
        obj=story,
        initiative=initiative,
        before=before,
        after=audit.snapshot(story, ["status", "published_at"]),
    )
    return story


@transaction.atomic
def publish_story(*, actor, story: Story) -> Story:
    """Publish a story: every member reads it, and the public too for a public initiative."""
    story = _set_status(
        actor=actor, story=story, status=Story.Status.PUBLISHED, action="story.published"
    )
    if story.author is not None and _members_among(story.initiative, [story.author]):
        notify(
            [story.author],
            initiative=story.initiative,
            kind="story_published",
            text=_("Your story “%(title)s” was published.") % {"title": story.title},
            url=story_url(story),
            exclude=actor,
        )
    return story


@transaction.atomic
def unpublish_story(*, actor, story: Story) -> Story:
    """Take a story back to draft: it leaves the public pages at once."""
    return _set_status(
        actor=actor, story=story, status=Story.Status.DRAFT, action="story.unpublished"
    )
