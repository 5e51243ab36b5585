"""The common agenda of ``world.alpha`` built through the services, for the agenda's tests.

``agenda(world)`` gives alpha two indicators, a draft with its texts, two goals and a strategy;
``adopt(world, version)`` proposes a draft and has the steering committee adopt it (the
steering persona agrees, the facilitator closes the decision).
"""

from datetime import timedelta

from django.utils import timezone

from commonground.action.agenda import services
from commonground.action.models import AgendaVersion
from commonground.convening.services import decisions
from commonground.measurement.models import Indicator

TEXTS = {
    "problem_statement": "Too few children in Alpha read well by grade 3.",
    "vision": "Every child succeeds, from cradle to career.",
    "principles": "We share data.\nWe listen to families.",
    "evaluation_approach": "We track shared indicators every year.",
}


def indicator(initiative, code, name, **fields):
    return Indicator.objects.create(
        initiative=initiative,
        code=code,
        name=name,
        value_type="count",
        aggregation="sum",
        frequency="annual",
        **fields,
    )


def agenda(world) -> AgendaVersion:
    """A draft of version 1 with texts, goals ``read`` (long term) and ``attend`` (short term),
    and the strategy ``tutors`` under ``read``; indicators ``reading`` (published) and
    ``absence``."""
    lead = world.users["lead"]
    world.reading = indicator(world.alpha, "reading", "Grade 3 reading", is_published=True)
    world.absence = indicator(world.alpha, "absence", "Chronic absence")
    draft = services.start_draft(actor=lead, initiative=world.alpha)
    services.update_draft(actor=lead, version=draft, **TEXTS)
    world.read = services.add_goal(
        actor=lead,
        initiative=world.alpha,
        code="read",
        title="Every child reads by grade 3",
        description="Reading by the end of grade 3 predicts graduation.",
        indicators=[world.reading],
    )
    world.attend = services.add_goal(
        actor=lead,
        initiative=world.alpha,
        code="attend",
        title="Cut chronic absence by a quarter",
        horizon="short_term",
        indicators=[world.absence],
    )
    world.tutors = services.add_strategy(
        actor=lead,
        initiative=world.alpha,
        goal=world.read,
        code="tutors",
        title="Reading tutors in every K-3 classroom",
        indicators=[world.reading],
    )
    draft.refresh_from_db()
    return draft


def propose(world, version, **extra):
    return services.propose_version(
        actor=world.users["lead"],
        version=version,
        closes_at=timezone.now() + timedelta(days=7),
        **extra,
    )


def adopt(world, version, choice="agree"):
    """Propose ``version``, have the steering persona vote ``choice`` and the facilitator close
    the decision."""
    decision = propose(world, version)
    reason = "Not ready" if choice == "block" else ""
    decisions.cast_vote(
        actor=world.users["steering"], decision=decision, choice=choice, reason=reason
    )
    decisions.close_decision(actor=world.users["facilitator"], decision=decision)
    version.refresh_from_db()
    return version
