"""Reading discussions and stories: who may be mentioned, what a person may see, and the short
lists other pages show (a working group's recent threads, an indicator's stories).

Decisions written down here because the pages and the services both rely on them:

* **Who reads what.** Every member of the initiative reads every thread, working-group threads
  included: collective impact works in the open, and a partner in one network often needs what
  another network is saying. Writing needs ``POST_DISCUSSIONS`` (every role but the viewer), in
  any thread. Published stories are read by every member and, for a public initiative, by the
  public; a draft only by its author and by those who may publish stories (its reviewers).
* **Mentions.** ``@first.last`` (first and last name in lower case, a space inside a name
  written ``-``, other punctuation dropped: Mary Ann O'Neil is ``@mary-ann.oneil``) or
  ``@username``. Only *active members of the initiative* can be
  mentioned; any other handle — a stranger, a member of another initiative, a former member —
  is left as plain text, notifies nobody and looks exactly like a typo. When two members share
  a name, ``@first.last`` names neither of them (use the username).
"""

import re
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.urls import reverse

from commonground.convening.models import Story, Thread
from commonground.core.permissions import Perm

User = get_user_model()

# "@" not preceded by a word character (so e-mail addresses in the text are not mentions),
# then a handle; a username may itself look like an address (``lead@example.org``).
MENTION = re.compile(r"(?<![\w@])@([\w][\w.+-]*(?:@[\w-]+(?:\.[\w-]+)+)?)")


def _handle_part(name: str) -> str:
    return re.sub(r"[^\w-]", "", "-".join(name.lower().split()))


def handle_for(user) -> str:
    """The ``first.last`` handle people type to mention ``user`` (the username if unnamed)."""
    first, last = _handle_part(user.first_name), _handle_part(user.last_name)
    if first and last:
        return f"{first}.{last}"
    return user.get_username().lower()


def mentionable_members(initiative):
    """The people who can be mentioned in ``initiative``: its active members, by name."""
    return (
        User.objects.filter(
            is_active=True, memberships__initiative=initiative, memberships__is_active=True
        )
        .order_by("first_name", "last_name", "username")
        .distinct()
    )


def mentioned_handles(text: str) -> list[str]:
    """The handles written in ``text``, lower case, without trailing sentence punctuation."""
    handles = []
    for match in MENTION.finditer(text or ""):
        handle = match.group(1).rstrip(".-+").lower()
        if handle and handle not in handles:
            handles.append(handle)
    return handles


def resolve_mentions(initiative, text: str) -> list:
    """The members of ``initiative`` that ``text`` mentions (one query; none if no ``@``)."""
    handles = mentioned_handles(text)
    if not handles:
        return []
    by_username, by_name = {}, {}
    for member in mentionable_members(initiative):
        by_username[member.get_username().lower()] = member
        by_name.setdefault(handle_for(member), []).append(member)
    found = []
    for handle in handles:
        named = by_name.get(handle, [])
        member = by_username.get(handle) or (named[0] if len(named) == 1 else None)
        if member is not None and member not in found:
            found.append(member)
    return found


# Who sees what ------------------------------------------------------------------------------


def visible_stories(access):
    """Stories ``access`` may read: published ones, plus drafts for their author and reviewers."""
    stories = Story.objects.filter(initiative=access.initiative)
    if access.has(Perm.PUBLISH_STORIES):
        return stories
    return stories.filter(status=Story.Status.PUBLISHED) | stories.filter(
        status=Story.Status.DRAFT, author=access.membership.user
    )


def public_stories(initiative):
    return Story.objects.filter(initiative=initiative, status=Story.Status.PUBLISHED)


# Short lists for other pages ----------------------------------------------------------------


@dataclass(frozen=True)
class ThreadSummary:
    title: str
    last_post_at: datetime
    url: str
    is_announcement: bool

    def get_absolute_url(self) -> str:
        return self.url


def recent_threads_for_body(body, limit: int = 5) -> list[ThreadSummary]:
    """The working group ``body``'s most recently active threads (one query)."""
    threads = Thread.objects.filter(working_group=body).select_related("initiative")
    return [
        ThreadSummary(
            title=thread.title,
            last_post_at=thread.last_post_at,
            url=reverse("thread_detail", args=[thread.initiative.slug, thread.pk]),
            is_announcement=thread.kind == Thread.Kind.ANNOUNCEMENT,
        )
        for thread in threads.order_by("-last_post_at")[:limit]
    ]


@dataclass(frozen=True)
class StorySummary:
    title: str
    published_at: datetime
    url: str

    def get_absolute_url(self) -> str:
        return self.url


def published_stories_for(indicator, *, public: bool = False) -> list[StorySummary]:
    """The published stories behind ``indicator``'s data, newest first (one query), linking to
    the internal story page, or with ``public=True`` to the public one."""
    name = "public_story_detail" if public else "story_detail"
    stories = Story.objects.filter(
        indicator=indicator, status=Story.Status.PUBLISHED
    ).select_related("initiative")
    return [
        StorySummary(
            title=story.title,
            published_at=story.published_at,
            url=reverse(name, args=[story.initiative.slug, story.pk]),
        )
        for story in stories.order_by("-published_at")
    ]
