"""Checks of one entry on its own: consistency, then value type and range (SPEC §3.1.5).

Pure functions over a ``Registry``: no query, so the importer can run them on every row. Each
step returns its findings; the validator stops at the first step that finds an error, so a
partner is not told five things about an indicator it does not even report.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from commonground.measurement.cells import CellError, cell_key, parse_cell_key
from commonground.measurement.models import Indicator
from commonground.measurement.periods import Frequency, Period, PeriodError
from commonground.measurement.validation.findings import Finding, error, warning
from commonground.measurement.validation.numbers import (
    INTEGER_DIGITS,
    NotANumber,
    TooLarge,
    as_stored,
    show,
    show_rounded,
    to_decimal,
)
from commonground.measurement.validation.registry import Registry

VT = Indicator.ValueType
NUMBER_FIELDS = ("value", "numerator", "denominator")
CENSORS = ("", "<", ">")
# Values that add up: their disaggregated cells can be compared with the total.
ADDITIVE = frozenset({VT.COUNT, VT.AMOUNT, VT.RATE})


@dataclass(slots=True)
class Checked:
    """An entry after the consistency step: its canonical cell and its numbers as stored.

    ``ok`` is False when the value step found an error; such an entry takes no part in the
    rules across the set (its numbers cannot be trusted).
    """

    indicator: Indicator
    key: str
    pairs: dict
    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    censor: str
    ok: bool = True
    index: int | None = None

    def number(self, name: str) -> Decimal | None:
        """The exact number in ``name``, or None when it is missing or only a bound."""
        if self.censor and name == measured_field(self.indicator):
            return None
        return getattr(self, name)

    def measure(self) -> Decimal | None:
        """The number people read: the value, or numerator ÷ denominator × scale for a rate."""
        if self.censor:
            return None
        if self.indicator.value_type != VT.RATE:
            return self.value
        if self.numerator is None or not self.denominator:
            return None
        return self.numerator / self.denominator * self.indicator.scale_factor


def measured_field(indicator: Indicator) -> str:
    """The field that carries a censored entry's bound."""
    return "numerator" if indicator.value_type == VT.RATE else "value"


class CellCache:
    """Canonical cells already worked out, by the form they were given in.

    A file repeats the same few cells on every row; canonicalizing each afresh would cost more
    than every other check of the row. Bounded, so that odd input cannot grow it without end.
    """

    LIMIT = 10_000

    def __init__(self):
        self._known: dict = {}

    def get(self, cell) -> tuple[str, dict]:
        try:
            # The types are part of the token: {"sex": 1} and {"sex": True} are equal dicts.
            token = (
                (str, cell)
                if isinstance(cell, str)
                else tuple((d, v.__class__, v) for d, v in cell.items())
            )
            known = self._known.get(token)
        except (AttributeError, TypeError):  # not a dict, or unhashable values
            return canonical_cell(cell)
        if known is None:
            known = canonical_cell(cell)  # CellError is not cached: bad cells are rare
            if len(self._known) >= self.LIMIT:
                self._known.clear()
            self._known[token] = known
        return known


def canonical_cell(cell) -> tuple[str, dict]:
    """The cell's canonical key and pairs, from a dict, a key, or None (the total)."""
    if cell is None:
        return "", {}
    if isinstance(cell, str):
        cell = parse_cell_key(cell.strip())
    elif not isinstance(cell, dict) or not all(isinstance(d, str) for d in cell):
        raise CellError(_("This is not a disaggregation cell."))
    key = cell_key(cell)
    return key, parse_cell_key(key)


# --- step 1: consistency ------------------------------------------------------------------------


def check_period(
    indicator: Indicator, label: str, period: Period | PeriodError, index
) -> list[Finding]:
    if isinstance(period, PeriodError):
        return [error("bad_period", f"{label}: {period}", "period", index)]
    if period.frequency != indicator.frequency:
        message = _("%(label)s is reported by %(expected)s; %(period)s is a %(given)s period.") % {
            "label": label,
            "expected": Frequency(indicator.frequency).label.lower(),
            "period": period.code,
            "given": Frequency(period.frequency).label.lower(),
        }
        return [error("period_frequency", message, "period", index)]
    return []


def check_cell(
    registry: Registry, indicator: Indicator, cell, index, cache: CellCache | None = None
) -> tuple[list, str, dict]:
    """Findings, canonical key and pairs; the key is None when the cell is not valid.

    The pairs may be shared with other entries of the same cell (``cache``): never change them.
    """
    try:
        key, pairs = cache.get(cell) if cache is not None else canonical_cell(cell)
    except CellError as problem:
        return [error("bad_cell", f"{indicator.name}: {problem}", "cell", index)], None, {}
    if not pairs:
        return [], key, pairs  # the total: valid for every indicator
    allowed = registry.allowed_cells(indicator.id)
    for dim, value in pairs.items():
        if dim not in allowed:
            message = _("%(indicator)s is not broken down by %(dimension)s.") % {
                "indicator": indicator.name,
                "dimension": registry.dimension_names.get(dim, f"'{dim}'"),
            }
            return [error("bad_cell", message, "cell", index)], None, {}
        if value not in allowed[dim]:
            message = _("%(indicator)s: '%(value)s' is not one of the groups of %(dimension)s.") % {
                "indicator": indicator.name,
                "value": value,
                "dimension": registry.dimension_names.get(dim, dim),
            }
            return [error("bad_cell", message, "cell", index)], None, {}
    return [], key, pairs


# --- step 2: value type and range ---------------------------------------------------------------


def read_numbers(entry, label: str, index) -> tuple[list[Finding], dict]:
    """Each given number as stored; ``not_a_number`` / ``out_of_range`` for those that fail."""
    findings, numbers = [], {}
    for name in NUMBER_FIELDS:
        raw = getattr(entry, name, None)
        if raw is None:
            numbers[name] = None
            continue
        try:
            numbers[name] = as_stored(name, to_decimal(raw))
        except NotANumber:
            numbers[name] = None
            message = _("%(label)s: '%(raw)s' is not a number.") % {
                "label": label,
                "raw": str(raw)[:40],
            }
            findings.append(error("not_a_number", message, name, index))
        except TooLarge as too_large:
            numbers[name] = None
            message = _(
                "%(label)s: %(number)s is too large to store (at most %(digits)s digits before "
                "the decimal point)."
            ) % {"label": label, "number": show(too_large.args[0]), "digits": INTEGER_DIGITS}
            findings.append(error("out_of_range", message, name, index))
    return findings, numbers


def check_value(
    indicator: Indicator, label: str, entry, numbers: dict, failed: set, index
) -> list[Finding]:
    """Type rules of the indicator's value type; ``failed`` fields already have an error."""
    kind = indicator.value_type
    censor = entry.censor or ""
    measured = measured_field(indicator)
    if not isinstance(censor, str) or censor not in CENSORS:
        message = _(
            "%(label)s: '%(mark)s' is not a way to mark a value; write '<' or '>' before the "
            "number, or nothing."
        ) % {"label": label, "mark": str(censor)[:10]}
        return [error("bad_censor", message, measured, index)]
    if censor and kind in (VT.YES_NO, VT.NARRATIVE):
        message = _("%(label)s: this answer cannot be marked '<' or '>'.") % {"label": label}
        return [error("bad_censor", message, measured, index)]
    if kind == VT.NARRATIVE:
        text = entry.text
        if not isinstance(text, str) or not text.strip():
            message = _("%(label)s: write the narrative.") % {"label": label}
            return [error("value_missing", message, "text", index)]
        return []
    if kind == VT.RATE:
        return _check_rate(label, numbers, failed, censor, index)
    value = numbers["value"]
    if "value" in failed:
        return []
    if value is None:
        message = _("%(label)s: the value is missing.") % {"label": label}
        return [error("value_missing", message, "value", index)]
    if kind == VT.YES_NO and value not in (0, 1):
        message = _("%(label)s: answer 1 for yes or 0 for no (not %(value)s).") % {
            "label": label,
            "value": show(value),
        }
        return [error("not_yes_no", message, "value", index)]
    if kind == VT.COUNT:
        if value != value.to_integral_value():
            message = _("%(label)s counts whole things: %(value)s is not a whole number.") % {
                "label": label,
                "value": show(value),
            }
            return [error("not_an_integer", message, "value", index)]
        if value < 0:
            message = _("%(label)s: a count cannot be below zero (%(value)s).") % {
                "label": label,
                "value": show(value),
            }
            return [error("negative", message, "value", index)]
    return []


def _check_rate(label, numbers, failed, censor, index) -> list[Finding]:
    numerator, denominator = numbers["numerator"], numbers["denominator"]
    findings = []
    missing = [
        name
        for name in (("numerator",) if censor else ("numerator", "denominator"))
        if numbers[name] is None and name not in failed
    ]
    if missing:
        if censor:
            message = _("%(label)s is a rate: give the numerator's bound (for example <10).")
        else:
            message = _("%(label)s is a rate: give both the numerator and the denominator.")
        message %= {"label": label}
        findings.append(error("rate_parts_missing", message, missing[0], index))
    if denominator is not None and denominator <= 0:
        message = _("%(label)s: the denominator must be more than zero (it is %(value)s).") % {
            "label": label,
            "value": show(denominator),
        }
        findings.append(error("bad_denominator", message, "denominator", index))
    if numerator is not None and numerator < 0:
        message = _("%(label)s: the numerator cannot be below zero (%(value)s).") % {
            "label": label,
            "value": show(numerator),
        }
        findings.append(error("negative", message, "numerator", index))
    return findings


def check_bounds(indicator: Indicator, label: str, checked: Checked, index) -> list[Finding]:
    """The indicator's expected range, as warnings; a rate is compared as people read it."""
    low, high = indicator.min_value, indicator.max_value
    if (low is None and high is None) or indicator.value_type in (VT.YES_NO, VT.NARRATIVE):
        return []
    # A censored entry is a bound, not a number: it cannot be judged against the range.
    measure = checked.measure()
    if measure is None:
        return []
    if low is not None and measure < low:
        code, template, bound = "below_min", _BELOW_MIN, low
    elif high is not None and measure > high:
        code, template, bound = "above_max", _ABOVE_MAX, high
    else:
        return []
    message = _(template) % {
        "label": label,
        "what": _("the rate") if indicator.value_type == VT.RATE else _("the value"),
        "value": show_rounded(measure, indicator.decimals),
        "bound": show(bound),
    }
    return [warning(code, message, measured_field(indicator), index)]


_BELOW_MIN = gettext_noop(
    "%(label)s: %(what)s %(value)s is below the lowest expected value (%(bound)s). Check it, or "
    "explain it in the comment."
)
_ABOVE_MAX = gettext_noop(
    "%(label)s: %(what)s %(value)s is above the highest expected value (%(bound)s). Check it, or "
    "explain it in the comment."
)
