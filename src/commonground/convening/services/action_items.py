"""Action items (SPEC §3.4.3): who will do what by when, out of a meeting or a decision.

Facilitators create and edit them; the owner (or a facilitator) moves them along
open → in progress → done, or cancels them. Every change is audited; a new owner is told in
the app. Reminders before the due date and once overdue are sent by ``convening.reminders``.
"""

from datetime import date, datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from commonground.convening.models import ActionItem
from commonground.convening.notify import notify
from commonground.core import audit
from commonground.core.authorization import authorize
from commonground.core.errors import DomainError
from commonground.core.permissions import Perm
from commonground.initiatives.models import Membership

Status = ActionItem.Status
# Statuses of an item still to be done: these are reminded of and can be overdue.
ACTIVE = (Status.OPEN, Status.IN_PROGRESS)
EDITABLE_FIELDS = ["title", "description", "owner", "due_on"]
AUDITED_FIELDS = [*EDITABLE_FIELDS, "status", "occurrence", "decision", "completed_at"]


def _may_run(access) -> bool:
    return access.has(Perm.RUN_MEETINGS)


def _check_owner(initiative, owner) -> None:
    if (
        owner is None
        or not Membership.objects.filter(initiative=initiative, user=owner, is_active=True).exists()
    ):
        raise DomainError(
            _("The owner must be an active member of the initiative."), code="owner_not_member"
        )


def _check_title(title: str) -> str:
    title = (title or "").strip()
    if not title:
        raise DomainError(_("Say what is to be done."), code="title_required")
    return title


def _owner_url(item: ActionItem) -> str:
    return reverse("my_work", args=[item.initiative.slug])


def _tell_owner(item: ActionItem, actor) -> None:
    notify(
        [item.owner],
        initiative=item.initiative,
        kind="action_item_assigned",
        text=_("Action item for you: “%(title)s”, due %(due)s.")
        % {"title": item.title, "due": item.due_on.isoformat()},
        url=_owner_url(item),
        exclude=actor,
    )


@transaction.atomic
def create_action_item(
    *,
    actor,
    initiative,
    title: str,
    owner,
    due_on: date,
    description: str = "",
    occurrence=None,
    decision=None,
) -> ActionItem:
    """Give ``owner`` something to do by ``due_on``, out of a meeting occurrence or a decision
    (at least one of them)."""
    authorize(actor, initiative, _may_run)
    title = _check_title(title)
    if occurrence is None and decision is None:
        raise DomainError(
            _("An action item comes out of a meeting or a decision: name one."),
            code="source_required",
        )
    if (occurrence is not None and occurrence.meeting.initiative_id != initiative.pk) or (
        decision is not None and decision.initiative_id != initiative.pk
    ):
        raise DomainError(
            _("That meeting or decision is not in this initiative."), code="wrong_initiative"
        )
    _check_owner(initiative, owner)
    item = ActionItem.objects.create(
        initiative=initiative,
        title=title,
        description=description.strip(),
        owner=owner,
        due_on=due_on,
        occurrence=occurrence,
        decision=decision,
        created_by=actor,
    )
    audit.record(
        actor=actor,
        action="action_item.created",
        obj=item,
        initiative=initiative,
        after=audit.snapshot(item, AUDITED_FIELDS),
    )
    _tell_owner(item, actor)
    return item


def _locked(item: ActionItem) -> ActionItem:
    return (
        ActionItem.objects.select_for_update(of=("self",))
        .select_related("initiative", "owner")
        .get(pk=item.pk)
    )


@transaction.atomic
def update_action_item(*, actor, item: ActionItem, changes: dict) -> ActionItem:
    """Change the title, description, owner or due date. A new owner or due date starts the
    reminders again, and a new owner is told."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise DomainError(
            _("These cannot be changed here: %(fields)s.") % {"fields": ", ".join(sorted(unknown))},
            code="not_editable",
        )
    item = _locked(item)
    authorize(actor, item.initiative, _may_run)
    if "title" in changes:
        changes["title"] = _check_title(changes["title"])
    if "description" in changes:
        changes["description"] = (changes["description"] or "").strip()
    if "owner" in changes:
        _check_owner(item.initiative, changes["owner"])
    if "due_on" in changes and changes["due_on"] is None:
        raise DomainError(_("Give a due date."), code="due_required")
    before = audit.snapshot(item, AUDITED_FIELDS)
    owner_changed = "owner" in changes and changes["owner"].pk != item.owner_id
    for name, value in changes.items():
        setattr(item, name, value)
    after = audit.snapshot(item, AUDITED_FIELDS)
    if after == before:
        return item
    if owner_changed or before["due_on"] != after["due_on"]:
        item.reminded_at = item.overdue_notified_at = None
    item.save()
    audit.record(
        actor=actor,
        action="action_item.updated",
        obj=item,
        initiative=item.initiative,
        before={k: v for k, v in before.items() if after[k] != v},
        after={k: v for k, v in after.items() if before[k] != v},
    )
    if owner_changed:
        _tell_owner(item, actor)
    return item


@transaction.atomic
def set_action_item_status(
    *, actor, item: ActionItem, status: str, completed_at: datetime | None = None
) -> ActionItem:
    """Move an item to ``status``; its owner or a facilitator may. ``completed_at`` records
    when it was really done (default now; never in the future) when marking it done."""
    if status not in Status.values:
        raise DomainError(_("Unknown status."), code="unknown_status")
    item = _locked(item)
    authorize(
        actor,
        item.initiative,
        lambda access: (
            _may_run(access) or (access.membership is not None and item.owner_id == actor.pk)
        ),
    )
    now = timezone.now()
    if completed_at is not None and (status != Status.DONE or completed_at > now):
        raise DomainError(
            _("Only a done item has a completion time, and it cannot be in the future."),
            code="bad_completed_at",
        )
    if status == item.status:
        return item
    before = audit.snapshot(item, ["status", "completed_at"])
    item.status = status
    item.completed_at = (completed_at or now) if status == Status.DONE else None
    item.save()
    audit.record(
        actor=actor,
        action="action_item.status_changed",
        obj=item,
        initiative=item.initiative,
        before=before,
        after=audit.snapshot(item, ["status", "completed_at"]),
    )
    if status == Status.DONE and item.created_by_id is not None:
        notify(
            [item.created_by],
            initiative=item.initiative,
            kind="action_item_done",
            text=_("Done: “%(title)s”.") % {"title": item.title},
            url=reverse("action_item_list", args=[item.initiative.slug]),
            exclude=actor,
        )
    return item


def complete_action_item(*, actor, item: ActionItem, completed_at: datetime | None = None):
    """Mark an item done (``completed_at``: when, if not just now)."""
    return set_action_item_status(
        actor=actor, item=item, status=Status.DONE, completed_at=completed_at
    )


def open_items_of(user, initiative):
    """``user``'s items still to be done, the earliest due (so the overdue ones) first."""
    return (
        ActionItem.objects.filter(initiative=initiative, owner=user, status__in=ACTIVE)
        .select_related("occurrence__meeting__initiative", "decision")
        .order_by("due_on", "pk")
    )
