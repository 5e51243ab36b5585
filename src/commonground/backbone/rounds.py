"""What every round of the backbone's surveys needs, whatever it asks: a title, and dates in
order (self-assessments in ``assessments/services.py``; the network survey may use it too)."""

from datetime import date

from django.utils.translation import gettext as _

from commonground.backbone.models import Round
from commonground.core import audit
from commonground.core.errors import DomainError

TITLE_LENGTH = Round._meta.get_field("title").max_length
ROUND_FIELDS = ["instrument", "title", "opens_on", "closes_on", "status"]


def checked_round_fields(title: str, opens_on: date | None, closes_on: date | None) -> str:
    """The title, stripped; a ``DomainError`` naming the field for a missing or too long title,
    missing dates, or a round that would close before it opens."""
    title = (title or "").strip()
    if not title:
        raise DomainError(
            _("Give the round a title."), code="title_missing", details={"field": "title"}
        )
    if len(title) > TITLE_LENGTH:
        raise DomainError(
            _("The title is longer than %(n)d characters.") % {"n": TITLE_LENGTH},
            code="title_too_long",
            details={"field": "title"},
        )
    if opens_on is None or closes_on is None:
        raise DomainError(
            _("Give the dates the round opens and closes."),
            code="dates_missing",
            details={"field": "opens_on" if opens_on is None else "closes_on"},
        )
    if closes_on < opens_on:
        raise DomainError(
            _("The round cannot close before it opens."),
            code="closes_before_opening",
            details={"field": "closes_on"},
        )
    return title


def create_round(
    *, actor, initiative, instrument: str, title: str, opens_on, closes_on, action: str
) -> Round:
    """A new round of ``instrument``, not yet open, audited as ``action``. The caller has
    authorized the actor and runs this in its transaction."""
    title = checked_round_fields(title, opens_on, closes_on)
    survey = Round.objects.create(
        initiative=initiative,
        instrument=instrument,
        title=title,
        opens_on=opens_on,
        closes_on=closes_on,
        created_by=actor,
    )
    audit.record(
        actor=actor,
        action=action,
        obj=survey,
        initiative=initiative,
        after=audit.snapshot(survey, ROUND_FIELDS),
    )
    return survey
