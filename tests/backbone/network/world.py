"""Helpers for the network survey tests and the permission matrix: rounds of alpha in each
state, more partners, and answers given through the services."""

from datetime import date

from commonground.backbone.models import Round
from commonground.backbone.network import services
from commonground.initiatives.models import Organization, Partnership

# Those who see the backbone's view of the survey (Perm.VIEW_CONSOLE).
CONSOLE = frozenset({"lead", "data_manager", "facilitator"})
# Who may answer for partner A: its partner lead, and the backbone lead (can_edit_partner).
ANSWER_FOR_A = frozenset({"lead", "partner_lead_a"})

RATINGS = dict.fromkeys(services.RATING_FIELDS, 3)


def partners(world, count: int, sectors=("nonprofit",)) -> list[Partnership]:
    """``count`` more active partners of alpha, p1, p2, … (made once each), their sectors
    taken in turn from ``sectors``."""
    made = []
    for n in range(1, count + 1):
        code = f"p{n}"
        found = Partnership.objects.filter(initiative=world.alpha, code=code).first()
        if found is None:
            sector = sectors[(n - 1) % len(sectors)]
            org = Organization.objects.create(name=f"Partner {n:03d}", sector=sector)
            found = Partnership.objects.create(initiative=world.alpha, organization=org, code=code)
        made.append(found)
    return made


def network_round(world, *, title: str, status: str, opens_on=date(2026, 3, 2)) -> Round:
    """A network round of alpha with ``title``, brought to ``status`` by the lead."""
    lead = world.users["lead"]
    survey = Round.objects.filter(initiative=world.alpha, title=title).first()
    if survey is None:
        survey = services.create_round(
            actor=lead,
            initiative=world.alpha,
            title=title,
            opens_on=opens_on,
            closes_on=date(opens_on.year, opens_on.month, 28),
        )
    if status in ("open", "closed") and survey.status == "draft":
        services.open_round(actor=lead, survey=survey)
    if status == "closed" and survey.status != "closed":
        services.close_round(actor=lead, survey=survey)
    survey.refresh_from_db()
    return survey


def tie(partner, intensity=3, **ratings) -> services.TieAnswer:
    return services.TieAnswer(partner, **(RATINGS | {"intensity": intensity} | ratings))


def answer(world, survey, partner, named, *, submit=True, actor="lead"):
    """``partner``'s answer naming ``named`` (partners, or TieAnswers), given by the lead."""
    ties = [t if isinstance(t, services.TieAnswer) else tie(t) for t in named]
    store = services.submit_response if submit else services.save_response
    return store(actor=world.users[actor], survey=survey, partnership=partner, ties=ties)


def draft_round_pk(world) -> int:
    return network_round(world, title="Network, not yet open", status="draft").pk


def open_round_pk(world) -> int:
    return network_round(world, title="Network, open", status="open").pk


def closed_round_pk(world) -> int:
    """A closed round in which A and B named each other."""
    survey = Round.objects.filter(initiative=world.alpha, title="Network, closed").first()
    if survey is None:
        survey = network_round(
            world, title="Network, closed", status="open", opens_on=date(2025, 3, 3)
        )
        a, b = world.partners["a"], world.partners["b"]
        answer(world, survey, a, [b])
        answer(world, survey, b, [a])
        services.close_round(actor=world.users["lead"], survey=survey)
    return survey.pk
