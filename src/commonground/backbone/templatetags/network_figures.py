"""Figures of the network survey as people read them: scores on the 1–4 scale with two
decimals, shares as percentages, changes with their sign; an em dash when there is none."""

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

register = template.Library()
MINUS = "\u2212"


def _number(value, decimals: int) -> str:
    # number_format cuts extra decimals off; round first so 2.777 reads 2.78.
    return number_format(round(value, decimals), decimals)


@register.filter
def score(value) -> str:
    """``3.25``; ``—`` for no score."""
    return "—" if value is None else _number(value, 2)


@register.filter
def share(value) -> str:
    """A share of 0–1 as a percentage: ``0.4`` → ``40%``."""
    return "—" if value is None else f"{_number(value * 100, 0)}%"


@register.filter
def signed(value, decimals: int = 2) -> str:
    """A change with its sign: ``+0.25``, ``−1``, ``0``."""
    if value is None:
        return "—"
    text = _number(abs(value), decimals)
    if round(value, decimals) == 0:
        return text
    return ("+" if value > 0 else MINUS) + text


@register.filter
def points(value) -> str:
    """A change of a share in percentage points: ``0.05`` → ``+5 points`` (percentage points)."""
    if value is None:
        return "—"
    return _("%(change)s points") % {"change": signed(value * 100, 0)}
