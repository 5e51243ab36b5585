"""Helpers for the self-assessment tests and the permission matrix: rounds of alpha in each state
and answers given through the services."""

from datetime import date

from commonground.backbone.assessments import services
from commonground.backbone.instruments import FIVE_CONDITIONS
from commonground.backbone.models import Round

# Those who see the backbone's view (Perm.VIEW_CONSOLE), and those who answer rating rounds.
CONSOLE = frozenset({"lead", "data_manager", "facilitator"})
ANSWERERS = frozenset({"lead", "facilitator", "steering", "partner_lead_a", "funder"})
FIVE = Round.Instrument.FIVE_CONDITIONS
BENCH = Round.Instrument.STAGE_BENCHMARKS
BACKBONE = Round.Instrument.BACKBONE_EFFECTIVENESS


def make_round(world, *, instrument=FIVE, title="Spring", status="open", opens_on=date(2026, 3, 2)):
    """A round of alpha with ``title``, brought to ``status`` by the lead (made once)."""
    lead = world.users["lead"]
    found = Round.objects.filter(initiative=world.alpha, instrument=instrument, title=title).first()
    if found is not None:
        return found
    made = services.create_round(
        actor=lead,
        initiative=world.alpha,
        instrument=instrument,
        title=title,
        opens_on=opens_on,
        closes_on=opens_on.replace(day=28),
    )
    if status in ("open", "closed"):
        made = services.open_round(actor=lead, assessment=made)
    if status == "closed":
        made = services.close_round(actor=lead, assessment=made)
    return made


def all_items(score) -> dict:
    """Every statement of the five conditions with the same answer."""
    return dict.fromkeys(FIVE_CONDITIONS.item_codes, score)


def answer(world, persona, assessment, scores=None, *, submit=True):
    return services.save_answers(
        actor=world.users[persona],
        assessment=assessment,
        answers=all_items(3) if scores is None else scores,
        submit=submit,
    )
