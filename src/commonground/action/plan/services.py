"""Changing the action plan: activities, their milestones and the dependencies between them.

A partner changes only its own activities (``access.can_edit_partner``); the backbone lead any.
Every function runs in one transaction, checks the actor, refuses bad input with a
``DomainError`` (nothing is written then) and records an audit event. Dependency edits lock the
initiative row so that two people adding opposite edges at once cannot close a cycle together.
"""

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from commonground.action.models import Activity, ActivityDependency, Milestone
from commonground.action.plan.graph import dependency_path, edges_of
from commonground.convening.notify import notify
from commonground.core import audit
from commonground.core.authorization import authorize
from commonground.core.errors import DomainError, save_checked
from commonground.initiatives.models import Initiative, Membership, Partnership
from commonground.initiatives.roles import Role

ACTIVITY_FIELDS = [
    "partnership",
    "title",
    "description",
    "strategy",
    "working_group",
    "population",
    "geography",
    "starts_on",
    "ends_on",
    "status",
    "budget",
    "staff_hours",
    "resources",
]
LIST_FIELDS = ["goals", "indicators"]
# What each linked field names, for the message when it belongs to another initiative.
LINKED = {
    "partnership": gettext_lazy("partner"),
    "strategy": gettext_lazy("strategy"),
    "working_group": gettext_lazy("working group"),
    "goals": gettext_lazy("goal"),
    "indicators": gettext_lazy("indicator"),
}


def _may_edit(partnership: Partnership):
    return lambda access: access.can_edit_partner(partnership)


def _same_initiative(initiative: Initiative, name: str, objects) -> None:
    for obj in objects:
        if obj is not None and obj.initiative_id != initiative.pk:
            raise DomainError(
                _("That %(what)s belongs to another initiative.") % {"what": LINKED[name]},
                code="other_initiative",
                details={"field": name},
            )


def _no_new_retired(name: str, chosen, current) -> None:
    """A retired goal or strategy stays on activities that had it, but is not newly chosen."""
    for obj in chosen:
        if obj is not None and obj.is_retired and obj not in current:
            raise DomainError(
                _("“%(title)s” is retired from the agenda; choose a current one.")
                % {"title": obj.title},
                code="retired",
                details={"field": name},
            )


def _check(initiative: Initiative, data: dict, current: Activity | None) -> None:
    unknown = set(data) - set(ACTIVITY_FIELDS) - set(LIST_FIELDS)
    if unknown:
        raise DomainError(
            _("Unknown fields: %(names)s") % {"names": ", ".join(sorted(unknown))},
            code="unknown_field",
        )
    if "title" in data and not (data["title"] or "").strip():
        raise DomainError(
            _("Give the activity a title."), code="title_required", details={"field": "title"}
        )
    for name in ("partnership", "strategy", "working_group"):
        if name in data:
            _same_initiative(initiative, name, [data[name]])
    for name in LIST_FIELDS:
        _same_initiative(initiative, name, data.get(name, []))
    old_strategy = [current.strategy] if current and current.strategy_id else []
    _no_new_retired("strategy", [data.get("strategy")], old_strategy)
    _no_new_retired("goals", data.get("goals", []), list(current.goals.all()) if current else [])
    starts_on = data.get("starts_on", current.starts_on if current else None)
    ends_on = data.get("ends_on", current.ends_on if current else None)
    if starts_on and ends_on and ends_on < starts_on:
        raise DomainError(
            _("The end date (%(end)s) is before the start date (%(start)s).")
            % {"end": ends_on.isoformat(), "start": starts_on.isoformat()},
            code="dates_out_of_order",
            details={"field": "ends_on"},
        )
    for name in ("budget", "staff_hours"):
        if data.get(name) is not None and Decimal(data[name]) < 0:
            raise DomainError(
                _("An amount cannot be negative."), code="negative_amount", details={"field": name}
            )


def _save(activity: Activity) -> None:
    """Let the model's own checks (lengths, choices) speak as a domain error."""
    save_checked(activity, code="invalid_activity", exclude=["initiative"])


def activity_snapshot(activity: Activity) -> dict:
    data = audit.snapshot(activity, ACTIVITY_FIELDS)
    data["goals"] = sorted(activity.goals.values_list("code", flat=True))
    data["indicators"] = sorted(activity.indicators.values_list("code", flat=True))
    return data


def _apply(activity: Activity, data: dict) -> None:
    for name, value in data.items():
        if name in LIST_FIELDS:
            continue
        setattr(activity, name, value.strip() if isinstance(value, str) else value)
    _save(activity)
    for name in LIST_FIELDS:
        if name in data:
            getattr(activity, name).set(data[name])


def _activity_url(activity: Activity) -> str:
    return reverse("activity_detail", args=[activity.initiative.slug, activity.pk])


def partner_leads(partnership_ids):
    """The people who speak for these partners' activities."""
    return [
        m.user
        for m in Membership.objects.filter(
            partnership_id__in=partnership_ids, role=Role.PARTNER_LEAD, is_active=True
        ).select_related("user")
    ]


@transaction.atomic
def create_activity(*, actor, initiative: Initiative, data: dict) -> Activity:
    """Add a partner's activity to the plan. ``data`` holds ``ACTIVITY_FIELDS`` (the partner
    and a title at least) and optionally lists of ``goals`` and ``indicators``."""
    partnership = data.get("partnership")
    if partnership is None:
        raise DomainError(
            _("Choose the partner whose activity it is."),
            code="partner_required",
            details={"field": "partnership"},
        )
    _check(initiative, {"title": "", **data}, None)
    authorize(actor, initiative, _may_edit(partnership))
    activity = Activity(initiative=initiative)
    _apply(activity, data)
    audit.record(
        actor=actor,
        action="activity.created",
        obj=activity,
        initiative=initiative,
        after=activity_snapshot(activity),
    )
    return activity


@transaction.atomic
def update_activity(*, actor, activity: Activity, data: dict) -> Activity:
    """Change an activity. Moving it to another partner needs the right to edit both."""
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    initiative = activity.initiative
    authorize(actor, initiative, _may_edit(activity.partnership))
    _check(initiative, data, activity)
    if "partnership" in data and data["partnership"] != activity.partnership:
        authorize(actor, initiative, _may_edit(data["partnership"]))
    before = activity_snapshot(activity)
    was_stalled = activity.status == Activity.Status.STALLED
    _apply(activity, data)
    after = activity_snapshot(activity)
    audit.record(
        actor=actor,
        action="activity.updated",
        obj=activity,
        initiative=initiative,
        before=before,
        after=after,
    )
    if activity.status == Activity.Status.STALLED and not was_stalled:
        _tell_dependents(actor, activity)
    return activity


def _tell_dependents(actor, activity: Activity) -> None:
    """Partners whose activities need this one hear that it stalled."""
    for dependent in Activity.objects.filter(
        pk__in=ActivityDependency.objects.filter(depends_on=activity).values("activity_id")
    ).exclude(status__in=[Activity.Status.COMPLETED, Activity.Status.CANCELLED]):
        notify(
            partner_leads([dependent.partnership_id]),
            initiative=activity.initiative,
            kind="activity.blocked",
            text=_("“%(needed)s” has stalled; your activity “%(title)s” depends on it.")
            % {"needed": activity.title, "title": dependent.title},
            url=_activity_url(dependent),
            exclude=actor,
        )


@transaction.atomic
def delete_activity(*, actor, activity: Activity) -> None:
    """Remove an activity (a mistake); its milestones and dependencies go with it."""
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    authorize(actor, activity.initiative, _may_edit(activity.partnership))
    before = activity_snapshot(activity)
    audit.record(
        actor=actor,
        action="activity.deleted",
        obj=activity,
        initiative=activity.initiative,
        before=before,
    )
    activity.delete()


# Dependencies ------------------------------------------------------------------------------------


def _lock_plan(initiative: Initiative) -> None:
    """Serialize dependency edits in one initiative (SQLite's BEGIN IMMEDIATE already does)."""
    Initiative.objects.select_for_update().filter(pk=initiative.pk).exists()


@transaction.atomic
def add_dependency(
    *, actor, activity: Activity, depends_on: Activity, note: str = ""
) -> ActivityDependency:
    """Record that ``activity`` needs ``depends_on``; refused if that would close a cycle."""
    initiative = activity.initiative
    authorize(actor, initiative, _may_edit(activity.partnership))
    if depends_on.initiative_id != initiative.pk:
        raise DomainError(
            _("An activity can only depend on activities of the same initiative."),
            code="other_initiative",
            details={"field": "depends_on"},
        )
    if depends_on.pk == activity.pk:
        raise DomainError(
            _("An activity cannot depend on itself."),
            code="dependency_self",
            details={"field": "depends_on"},
        )
    _lock_plan(initiative)
    pairs = ActivityDependency.objects.filter(activity__initiative=initiative).values_list(
        "activity_id", "depends_on_id"
    )
    edges = edges_of(pairs)
    if depends_on.pk in edges.get(activity.pk, ()):
        raise DomainError(
            _("“%(title)s” already depends on “%(needed)s”.")
            % {"title": activity.title, "needed": depends_on.title},
            code="dependency_exists",
            details={"field": "depends_on"},
        )
    path = dependency_path(edges, depends_on.pk, activity.pk)
    if path is not None:
        titles = dict(Activity.objects.filter(pk__in=path).values_list("pk", "title"))
        chain = " → ".join(f"“{titles[pk]}”" for pk in path)
        raise DomainError(
            _(
                "“%(title)s” cannot depend on “%(needed)s”: that would make a circle, because "
                "%(chain)s already depends on it."
            )
            % {"title": activity.title, "needed": depends_on.title, "chain": chain},
            code="dependency_cycle",
            details={"field": "depends_on", "path": path},
        )
    dependency = ActivityDependency.objects.create(
        activity=activity, depends_on=depends_on, note=note.strip()[:300]
    )
    audit.record(
        actor=actor,
        action="activity.dependency_added",
        obj=activity,
        initiative=initiative,
        after={"depends_on": depends_on.pk, "title": depends_on.title, "note": dependency.note},
    )
    if depends_on.partnership_id != activity.partnership_id:
        notify(
            partner_leads([depends_on.partnership_id]),
            initiative=initiative,
            kind="activity.needed",
            text=_("%(partner)s's activity “%(title)s” now depends on your “%(needed)s”.")
            % {
                "partner": activity.partnership.organization.name,
                "title": activity.title,
                "needed": depends_on.title,
            },
            url=_activity_url(depends_on),
            exclude=actor,
        )
    return dependency


@transaction.atomic
def remove_dependency(*, actor, activity: Activity, depends_on: Activity) -> None:
    authorize(actor, activity.initiative, _may_edit(activity.partnership))
    _lock_plan(activity.initiative)
    dependency = ActivityDependency.objects.filter(activity=activity, depends_on=depends_on).first()
    if dependency is None:
        raise DomainError(
            _("“%(title)s” does not depend on “%(needed)s”.")
            % {"title": activity.title, "needed": depends_on.title},
            code="no_such_dependency",
        )
    audit.record(
        actor=actor,
        action="activity.dependency_removed",
        obj=activity,
        initiative=activity.initiative,
        before={"depends_on": depends_on.pk, "title": depends_on.title, "note": dependency.note},
    )
    dependency.delete()


# Milestones --------------------------------------------------------------------------------------


def _milestone_event(actor, action, milestone: Milestone, before=None, after=None):
    audit.record(
        actor=actor,
        action=f"milestone.{action}",
        obj=milestone,
        initiative=milestone.activity.initiative,
        before=before,
        after=after,
    )


def _snapshot_milestone(milestone: Milestone) -> dict:
    return {
        "activity": milestone.activity_id,
        **audit.snapshot(milestone, ["title", "due_on", "done_on"]),
    }


@transaction.atomic
def add_milestone(*, actor, activity: Activity, title: str, due_on: date | None) -> Milestone:
    authorize(actor, activity.initiative, _may_edit(activity.partnership))
    title = (title or "").strip()
    if not title:
        raise DomainError(
            _("Say what the milestone is."), code="title_required", details={"field": "title"}
        )
    if due_on is None:
        raise DomainError(
            _("Give the milestone a due date."), code="due_required", details={"field": "due_on"}
        )
    if len(title) > Milestone._meta.get_field("title").max_length:
        raise DomainError(
            _("Keep the milestone's title under 300 characters."),
            code="title_too_long",
            details={"field": "title"},
        )
    milestone = Milestone.objects.create(activity=activity, title=title, due_on=due_on)
    _milestone_event(actor, "added", milestone, after=_snapshot_milestone(milestone))
    return milestone


@transaction.atomic
def set_milestone_done(*, actor, milestone: Milestone, done_on: date | None) -> Milestone:
    """Mark a milestone done on ``done_on`` (not in the future), or not done with None."""
    milestone = (
        Milestone.objects.select_for_update().select_related("activity").get(pk=milestone.pk)
    )
    activity = milestone.activity
    authorize(actor, activity.initiative, _may_edit(activity.partnership))
    if done_on is not None and done_on > timezone.localdate():
        raise DomainError(
            _("A milestone cannot be done on a day still to come."),
            code="done_in_future",
            details={"field": "done_on"},
        )
    before = _snapshot_milestone(milestone)
    milestone.done_on = done_on
    milestone.save(update_fields=["done_on"])
    _milestone_event(
        actor, "done" if done_on else "undone", milestone, before, _snapshot_milestone(milestone)
    )
    return milestone


@transaction.atomic
def delete_milestone(*, actor, milestone: Milestone) -> None:
    activity = milestone.activity
    authorize(actor, activity.initiative, _may_edit(activity.partnership))
    _milestone_event(actor, "deleted", milestone, before=_snapshot_milestone(milestone))
    milestone.delete()
