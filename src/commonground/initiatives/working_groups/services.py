"""Working groups: creating and changing them, their members, and their shared measures.

The facilitator and the lead manage groups (``Perm.MANAGE_WORKING_GROUPS``); shared measures
decide who must report what, so choosing them is the data manager's (``MANAGE_INDICATORS``).
A group's member partners are a scope of the rollups, so changing them recomputes its
figures in the same transaction. Each function checks the actor, refuses bad input with a
``DomainError`` (nothing changes then) and records an audit event.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from commonground.core import audit
from commonground.core.authorization import authorize
from commonground.core.errors import DomainError, save_checked
from commonground.core.permissions import Perm
from commonground.initiatives.models import Initiative, Membership, WorkingGroup
from commonground.insight.rollups import refresh_indicators

GROUP_FIELDS = ["name", "kind", "activity_type", "charter", "cadence", "facilitator"]


def _may_manage(access) -> bool:
    return access.has(Perm.MANAGE_WORKING_GROUPS)


def _active_members(initiative: Initiative, people) -> set[int]:
    ids = {p.pk for p in people}
    return set(
        Membership.objects.filter(
            initiative=initiative, user_id__in=ids, is_active=True
        ).values_list("user_id", flat=True)
    )


def _check(initiative: Initiative, data: dict, group: WorkingGroup | None) -> None:
    unknown = set(data) - set(GROUP_FIELDS) - {"code"}
    if unknown:
        raise DomainError(
            _("Unknown fields: %(names)s") % {"names": ", ".join(sorted(unknown))},
            code="unknown_field",
        )
    if "name" in data and not (data["name"] or "").strip():
        raise DomainError(
            _("Give the group a name."), code="name_required", details={"field": "name"}
        )
    facilitator = data.get("facilitator")
    if facilitator is not None and not _active_members(initiative, [facilitator]):
        raise DomainError(
            _("The facilitator must be a member of this initiative."),
            code="facilitator_not_member",
            details={"field": "facilitator"},
        )
    if data.get("kind") == WorkingGroup.Kind.STEERING_COMMITTEE:
        others = WorkingGroup.objects.filter(
            initiative=initiative, kind=WorkingGroup.Kind.STEERING_COMMITTEE
        )
        if group is not None:
            others = others.exclude(pk=group.pk)
        if others.exists():
            raise DomainError(
                _("The initiative already has a steering committee: %(name)s.")
                % {"name": others.first().name},
                code="one_steering_committee",
                details={"field": "kind"},
            )


def _save(group: WorkingGroup) -> None:
    save_checked(group, code="invalid_group", validate_unique=False, validate_constraints=False)


def _snapshot(group: WorkingGroup) -> dict:
    return audit.snapshot(group, ["code", *GROUP_FIELDS])


@transaction.atomic
def create_working_group(*, actor, initiative: Initiative, data: dict) -> WorkingGroup:
    """A new group (a collaborative action network, or the steering committee)."""
    authorize(actor, initiative, _may_manage)
    code = (data.get("code") or "").strip()
    if not code:
        raise DomainError(
            _("Give the group a short code."), code="code_required", details={"field": "code"}
        )
    _check(initiative, {"name": "", **data}, None)
    if WorkingGroup.objects.filter(initiative=initiative, code=code).exists():
        raise DomainError(
            _("Another group already has the code “%(code)s”.") % {"code": code},
            code="code_taken",
            details={"field": "code"},
        )
    group = WorkingGroup(initiative=initiative)
    for name, value in data.items():
        setattr(group, name, value.strip() if isinstance(value, str) else value)
    _save(group)
    audit.record(
        actor=actor,
        action="working_group.created",
        obj=group,
        initiative=initiative,
        after=_snapshot(group),
    )
    return group


@transaction.atomic
def update_working_group(*, actor, group: WorkingGroup, data: dict) -> WorkingGroup:
    """Change a group's name, kind, activity type, charter, cadence or facilitator. The code
    stays: data files and links name the group by it."""
    group = WorkingGroup.objects.select_for_update().get(pk=group.pk)
    authorize(actor, group.initiative, _may_manage)
    if "code" in data and data["code"] != group.code:
        raise DomainError(
            _("A group's code cannot change: data files and links use it."),
            code="code_fixed",
            details={"field": "code"},
        )
    _check(group.initiative, data, group)
    before = _snapshot(group)
    for name, value in data.items():
        setattr(group, name, value.strip() if isinstance(value, str) else value)
    _save(group)
    audit.record(
        actor=actor,
        action="working_group.updated",
        obj=group,
        initiative=group.initiative,
        before=before,
        after=_snapshot(group),
    )
    return group


def _members_snapshot(group: WorkingGroup) -> dict:
    return {
        "partnerships": sorted(group.partnerships.values_list("code", flat=True)),
        "people": sorted(group.members.values_list("pk", flat=True)),
    }


@transaction.atomic
def set_members(*, actor, group: WorkingGroup, partnerships, people) -> WorkingGroup:
    """Replace the group's member partners and people (active members of the initiative)."""
    group = WorkingGroup.objects.select_for_update().get(pk=group.pk)
    initiative = group.initiative
    authorize(actor, initiative, _may_manage)
    partnerships, people = list(partnerships), list(people)
    if any(p.initiative_id != initiative.pk for p in partnerships):
        raise DomainError(
            _("That partner belongs to another initiative."),
            code="other_initiative",
            details={"field": "partnerships"},
        )
    outside = {p.pk for p in people} - _active_members(initiative, people)
    if outside:
        raise DomainError(
            _("Only members of this initiative can sit in its groups."),
            code="person_not_member",
            details={"field": "people"},
        )
    before = _members_snapshot(group)
    group.partnerships.set(partnerships)
    group.members.set(people)
    after = _members_snapshot(group)
    if before == after:
        return group
    audit.record(
        actor=actor,
        action="working_group.members_changed",
        obj=group,
        initiative=initiative,
        before=before,
        after=after,
    )
    if before["partnerships"] != after["partnerships"]:
        # The group's figures add up its members' values: recompute them now.
        refresh_indicators(initiative.indicators.values_list("pk", flat=True))
    return group


@transaction.atomic
def set_shared_measures(*, actor, group: WorkingGroup, indicators) -> WorkingGroup:
    """Replace the indicators every member partner of the group reports."""
    group = WorkingGroup.objects.select_for_update().get(pk=group.pk)
    initiative = group.initiative
    authorize(actor, initiative, lambda access: access.has(Perm.MANAGE_INDICATORS))
    indicators = list(indicators)
    if any(i.initiative_id != initiative.pk for i in indicators):
        raise DomainError(
            _("That indicator belongs to another initiative."),
            code="other_initiative",
            details={"field": "indicators"},
        )
    before = sorted(group.shared_measures.values_list("code", flat=True))
    group.shared_measures.set(indicators)
    after = sorted(i.code for i in indicators)
    if before != after:
        audit.record(
            actor=actor,
            action="working_group.measures_changed",
            obj=group,
            initiative=initiative,
            before={"shared_measures": before},
            after={"shared_measures": after},
        )
    return group
