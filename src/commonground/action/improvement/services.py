"""Running improvement projects: the project and its aim, its measures, its PDSA cycles.

Those who run improvement work (``Perm.MANAGE_IMPROVEMENT``: the backbone, the data manager,
facilitators) start projects and change any; a project's owner, while an active member, changes
their own. A cycle is written step by step — plan and prediction, what was done, the study of the
data against the prediction, then the decision (adopt, adapt or abandon) — and the decision
cannot come before the study. Each function checks the actor's permission itself, runs in one
transaction, refuses bad input with a ``DomainError`` before anything is written, and writes an
audit event.
"""

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils.translation import gettext as _

from commonground.action.models import ImprovementProject, PDSACycle, ProjectMeasure
from commonground.convening.notify import notify
from commonground.core import audit
from commonground.core.access import InitiativeAccess
from commonground.core.authorization import authorize
from commonground.core.errors import DomainError
from commonground.core.permissions import Perm
from commonground.initiatives.models import Initiative, Membership

PROJECT_FIELDS = [
    "title",
    "aim",
    "working_group",
    "partnership",
    "owner",
    "status",
    "started_on",
]
CYCLE_FIELDS = [
    "number",
    "title",
    "plan",
    "prediction",
    "measure",
    "started_on",
    "ended_on",
    "do_notes",
    "study",
    "act",
    "act_notes",
]
TITLE_LENGTH = ImprovementProject._meta.get_field("title").max_length


@dataclass
class ProjectData:
    """What a person entered for a project."""

    title: str
    aim: str
    owner: object = None  # a User, active member of the initiative
    working_group: object = None
    partnership: object = None
    status: str = ImprovementProject.Status.ACTIVE
    started_on: date | None = None


@dataclass
class CycleData:
    """What a person entered for one PDSA cycle, all four steps."""

    title: str
    plan: str
    prediction: str
    started_on: date | None
    ended_on: date | None = None
    measure: ProjectMeasure | None = None
    do_notes: str = ""
    study: str = ""
    act: str = ""
    act_notes: str = ""


def may_run(access: InitiativeAccess, project: ImprovementProject) -> bool:
    """Whether the person may change ``project``: improvement managers, and its owner."""
    if project.initiative_id != access.initiative.pk:
        return False
    if access.has(Perm.MANAGE_IMPROVEMENT):
        return True
    membership = access.membership
    return membership is not None and project.owner_id == membership.user_id


def _may_start(access: InitiativeAccess) -> bool:
    return access.has(Perm.MANAGE_IMPROVEMENT)


def _required_text(value: str, message: str, code: str, length: int | None = None) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(message, code=code)
    if length is not None and len(value) > length:
        raise DomainError(
            _("The title is longer than %(n)d characters.") % {"n": length},
            code="title_too_long",
        )
    return value


def _check_project(initiative: Initiative, data: ProjectData) -> None:
    _required_text(data.title, _("Give the project a title."), "title_missing", TITLE_LENGTH)
    _required_text(
        data.aim,
        _("Write the aim: what will improve, by how much, by when, for whom."),
        "aim_missing",
    )
    if data.status not in ImprovementProject.Status.values:
        raise DomainError(_("Choose the project's status."), code="unknown_status")
    for thing, message in (
        (data.working_group, _("That working group is not in this initiative.")),
        (data.partnership, _("That partner is not in this initiative.")),
    ):
        if thing is not None and thing.initiative_id != initiative.pk:
            raise DomainError(message, code="wrong_initiative")
    if (
        data.owner is not None
        and not Membership.objects.filter(
            initiative=initiative, user=data.owner, is_active=True
        ).exists()
    ):
        raise DomainError(
            _("The owner must be an active member of this initiative."), code="owner_not_member"
        )


def _locked(model, obj):
    """``obj`` read afresh and locked: a bound form may have written into the caller's copy."""
    return model.objects.select_for_update().get(pk=obj.pk)


def _project_url(project: ImprovementProject) -> str:
    return reverse("improvement_detail", args=[project.initiative.slug, project.pk])


def _write_project(project: ImprovementProject, data: ProjectData) -> None:
    project.title = data.title.strip()
    project.aim = data.aim.strip()
    project.owner = data.owner
    project.working_group = data.working_group
    project.partnership = data.partnership
    project.status = data.status
    project.started_on = data.started_on
    project.save()


def _tell_new_owner(actor, project: ImprovementProject, before_owner_id) -> None:
    if project.owner is None or project.owner_id == before_owner_id:
        return
    notify(
        [project.owner],
        initiative=project.initiative,
        kind="improvement_owner",
        text=_("You own the improvement project “%(title)s”.") % {"title": project.title},
        url=_project_url(project),
        exclude=actor,
    )


@transaction.atomic
def create_project(*, actor, initiative: Initiative, data: ProjectData) -> ImprovementProject:
    """Start an improvement project with its aim."""
    authorize(actor, initiative, _may_start)
    _check_project(initiative, data)
    project = ImprovementProject(initiative=initiative)
    _write_project(project, data)
    audit.record(
        actor=actor,
        action="improvement.created",
        obj=project,
        initiative=initiative,
        after=audit.snapshot(project, PROJECT_FIELDS),
    )
    _tell_new_owner(actor, project, None)
    return project


@transaction.atomic
def update_project(*, actor, project: ImprovementProject, data: ProjectData) -> ImprovementProject:
    """Change a project's aim, owner, group, partner, status or start."""
    project = _locked(ImprovementProject, project)
    initiative = project.initiative
    authorize(actor, initiative, lambda access: may_run(access, project))
    _check_project(initiative, data)
    before = audit.snapshot(project, PROJECT_FIELDS)
    _write_project(project, data)
    audit.record(
        actor=actor,
        action="improvement.updated",
        obj=project,
        initiative=initiative,
        before=before,
        after=audit.snapshot(project, PROJECT_FIELDS),
    )
    _tell_new_owner(actor, project, before["owner"])
    return project


# Measures ---------------------------------------------------------------------------------------


def _check_measure(project: ImprovementProject, kind: str, indicator, name: str) -> None:
    if kind not in ProjectMeasure.Kind.values:
        raise DomainError(
            _("Choose an outcome, process or balancing measure."), code="unknown_kind"
        )
    if indicator is None and not name:
        raise DomainError(
            _("Choose one of the indicators, or name the measure."), code="measure_unnamed"
        )
    if len(name) > ProjectMeasure._meta.get_field("name").max_length:
        raise DomainError(_("The measure's name is too long."), code="name_too_long")
    if indicator is not None:
        if indicator.initiative_id != project.initiative_id:
            raise DomainError(
                _("That indicator is not one of this initiative's."),
                code="indicator_wrong_initiative",
            )
        if project.measures.filter(kind=kind, indicator=indicator).exists():
            raise DomainError(
                _("%(indicator)s is already one of this project's %(kind)s.")
                % {
                    "indicator": indicator.name,
                    "kind": ProjectMeasure.Kind(kind).label.lower() + "s",
                },
                code="measure_duplicate",
            )


@transaction.atomic
def add_measure(
    *, actor, project: ImprovementProject, kind: str, indicator=None, name: str = ""
) -> ProjectMeasure:
    """Add an outcome, process or balancing measure: one of the initiative's indicators, or a
    measure of the project's own named in words."""
    project = _locked(ImprovementProject, project)
    authorize(actor, project.initiative, lambda access: may_run(access, project))
    name = (name or "").strip()
    _check_measure(project, kind, indicator, name)
    measure = ProjectMeasure.objects.create(
        project=project, kind=kind, indicator=indicator, name=name
    )
    audit.record(
        actor=actor,
        action="improvement.measure_added",
        obj=project,
        initiative=project.initiative,
        after=_measure_state(measure),
    )
    return measure


def _measure_state(measure: ProjectMeasure) -> dict:
    return {
        "measure": measure.pk,
        "kind": measure.kind,
        "indicator": measure.indicator.code if measure.indicator else None,
        "name": measure.name,
    }


@transaction.atomic
def remove_measure(*, actor, measure: ProjectMeasure) -> None:
    """Remove a measure; cycles that tracked it keep their text and lose the link."""
    measure = ProjectMeasure.objects.select_related("project", "indicator").get(pk=measure.pk)
    project = _locked(ImprovementProject, measure.project)
    authorize(actor, project.initiative, lambda access: may_run(access, project))
    audit.record(
        actor=actor,
        action="improvement.measure_removed",
        obj=project,
        initiative=project.initiative,
        before=_measure_state(measure),
    )
    measure.delete()


# Cycles -----------------------------------------------------------------------------------------


def _check_cycle(project: ImprovementProject, data: CycleData) -> None:
    _required_text(data.title, _("Give the cycle a title."), "title_missing", TITLE_LENGTH)
    _required_text(
        data.plan, _("Write the plan: what change will be tried, by whom, where."), "plan_missing"
    )
    _required_text(
        data.prediction,
        _("Write the prediction: what you expect to happen, in numbers."),
        "prediction_missing",
    )
    if data.started_on is None:
        raise DomainError(_("Give the day the cycle starts."), code="start_missing")
    if data.ended_on is not None and data.ended_on < data.started_on:
        raise DomainError(
            _("The cycle ends (%(end)s) before it starts (%(start)s).")
            % {"end": data.ended_on.isoformat(), "start": data.started_on.isoformat()},
            code="dates_reversed",
        )
    if data.measure is not None and data.measure.project_id != project.pk:
        raise DomainError(
            _("That measure is not one of this project's."), code="measure_wrong_project"
        )
    if data.act and data.act not in PDSACycle.Decision.values:
        raise DomainError(_("Choose adopt, adapt or abandon."), code="unknown_decision")
    if data.act and not (data.study or "").strip():
        raise DomainError(
            _("Write the study — the data against the prediction — before deciding what to do."),
            code="act_before_study",
        )


def _write_cycle(cycle: PDSACycle, data: CycleData) -> None:
    cycle.title = data.title.strip()
    cycle.plan = data.plan.strip()
    cycle.prediction = data.prediction.strip()
    cycle.measure = data.measure
    cycle.started_on = data.started_on
    cycle.ended_on = data.ended_on
    cycle.do_notes = (data.do_notes or "").strip()
    cycle.study = (data.study or "").strip()
    cycle.act = data.act or ""
    cycle.act_notes = (data.act_notes or "").strip()
    cycle.save()


def _tell_decision(actor, project: ImprovementProject, cycle: PDSACycle) -> None:
    """The project's owner hears what was decided at the end of a cycle."""
    if project.owner is None:
        return
    notify(
        [project.owner],
        initiative=project.initiative,
        kind="pdsa_decided",
        text=_("%(project)s, PDSA %(number)d: %(decision)s.")
        % {
            "project": project.title,
            "number": cycle.number,
            "decision": cycle.get_act_display().lower(),
        },
        url=_project_url(project),
        exclude=actor,
    )


@transaction.atomic
def add_cycle(*, actor, project: ImprovementProject, data: CycleData) -> PDSACycle:
    """Plan the project's next cycle (numbered after the last one)."""
    project = _locked(ImprovementProject, project)
    authorize(actor, project.initiative, lambda access: may_run(access, project))
    _check_cycle(project, data)
    last = project.cycles.aggregate(last=Max("number"))["last"] or 0
    cycle = PDSACycle(project=project, number=last + 1)
    _write_cycle(cycle, data)
    audit.record(
        actor=actor,
        action="improvement.cycle_added",
        obj=cycle,
        initiative=project.initiative,
        after=audit.snapshot(cycle, CYCLE_FIELDS),
    )
    if cycle.act:
        _tell_decision(actor, project, cycle)
    return cycle


@transaction.atomic
def update_cycle(*, actor, cycle: PDSACycle, data: CycleData) -> PDSACycle:
    """Write the next steps of a cycle (do, study, act) or correct earlier ones."""
    cycle = PDSACycle.objects.select_for_update().get(pk=cycle.pk)
    project = ImprovementProject.objects.select_related("initiative").get(pk=cycle.project_id)
    authorize(actor, project.initiative, lambda access: may_run(access, project))
    _check_cycle(project, data)
    before = audit.snapshot(cycle, CYCLE_FIELDS)
    _write_cycle(cycle, data)
    audit.record(
        actor=actor,
        action="improvement.cycle_updated",
        obj=cycle,
        initiative=project.initiative,
        before=before,
        after=audit.snapshot(cycle, CYCLE_FIELDS),
    )
    if cycle.act and cycle.act != before["act"]:
        _tell_decision(actor, project, cycle)
    return cycle
