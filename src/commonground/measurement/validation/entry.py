"""What a person or a file gives for one value, before it is checked and stored."""

from dataclasses import dataclass
from decimal import Decimal

from commonground.measurement.models import Indicator


@dataclass(frozen=True)
class Entry:
    """One value to check or save, as a person or a file gave it.

    ``cell`` is ``{dimension code: value code}`` (``{}`` for the total) or a canonical cell key
    such as ``"race=black;sex=f"``. A censored entry (``censor`` ``"<"`` or ``">"``) carries its
    bound in the measured field: ``value``, or ``numerator`` for a rate.
    """

    indicator: Indicator
    cell: dict | str
    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    censor: str = ""
    text: str = ""
    comment: str = ""
