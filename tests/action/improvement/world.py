"""Helpers for the improvement tests and the permission matrix: a project owned by partner A's
lead, with an indicator measure."""

from datetime import date

from commonground.action.improvement import services
from commonground.action.models import ImprovementProject
from tests.permissions.pages_registry import grad

# Those who run improvement work (Perm.MANAGE_IMPROVEMENT).
MANAGERS = frozenset({"lead", "data_manager", "facilitator"})
OWNER = "partner_lead_a"


def project(world, *, owner=OWNER, title="Fewer absences") -> ImprovementProject:
    """A project of alpha owned by ``owner`` (made once per title)."""
    found = ImprovementProject.objects.filter(initiative=world.alpha, title=title).first()
    if found is not None:
        return found
    return services.create_project(
        actor=world.users["lead"],
        initiative=world.alpha,
        data=services.ProjectData(
            title=title,
            aim="Cut chronic absence in grades K–3 by a fifth by June 2026.",
            owner=world.users[owner] if owner else None,
            started_on=date(2024, 8, 1),
        ),
    )


def project_pk(world) -> int:
    return project(world).pk


def measure_pk(world) -> int:
    """An outcome measure of the project (the indicator "grad"), made anew each call."""
    grad(world)
    indicator = world.alpha.indicators.get(code="grad")
    return services.add_measure(
        actor=world.users["lead"], project=project(world), kind="outcome", indicator=indicator
    ).pk


def cycle_number(world) -> int:
    """The project's first cycle."""
    found = project(world).cycles.filter(number=1).first()
    if found is None:
        found = services.add_cycle(
            actor=world.users["lead"],
            project=project(world),
            data=services.CycleData(
                title="Texts after the second absence",
                plan="Two schools text families after a second absence.",
                prediction="Absences fall by 10% in those schools.",
                started_on=date(2024, 9, 1),
            ),
        )
    return found.number
