"""The common case of a row, checked without building an entry: the import's hot loop.

Almost every row of a real file is an assigned indicator, a valid period and cell, and plain
numbers. ``FastPath.stage`` recognises exactly those rows — with dictionaries of what was
already decided for the same indicator and partner, indicator and period, indicator and cell —
and returns the row to stage; for anything else (an unknown code, a censored yes/no, a number
written with spaces or an exponent, a value outside the indicator's bounds, a narrative…) it
returns ``None`` and the row goes through the validation pipeline (``checks.RowChecker``), which
then decides and says why.

So the fast path may only *accept* rows that the pipeline accepts without any finding. Each of
its rules below mirrors one of ``validation.rules``; ``tests/measurement/test_imports_fastpath``
checks on generated rows that both paths stage the same row. When a validation rule changes,
change it here too — or send its rows to the slow path.

Numbers are staged as the file writes them: the database reads ``47.7`` and ``47.700000``
alike, in both the ``decimal`` columns of SQLite and the ``numeric`` columns of PostgreSQL.
"""

import re
from decimal import Decimal

from commonground.measurement.cells import cell_key
from commonground.measurement.imports.rows import RawRow
from commonground.measurement.models import Indicator, Submission
from commonground.measurement.validation import Registry, Validator
from commonground.measurement.validation.rules import check_cell, check_period

VT = Indicator.ValueType
# Numbers that fit the columns (14 digits before the point, 6 after), written plainly.
_PLAIN = re.compile(r"-?[0-9]{1,14}(?:\.[0-9]{1,6})?", re.ASCII)
_WHOLE = re.compile(r"[0-9]{1,14}(?:\.0{1,6})?", re.ASCII)
_FAST_TYPES = frozenset({VT.COUNT, VT.RATE, VT.AMOUNT, VT.MEAN, VT.SCORE, VT.YES_NO})
_NO_FLAGS = "[]"


class FastPath:
    def __init__(self, registry: Registry, validator: Validator):
        self.registry = registry
        self.validator = validator
        self.dimension_codes = tuple(registry.dimension_names)
        self._targets: dict[tuple[str, str], tuple | bool] = {}
        self._periods: dict[tuple[int, str], bool] = {}
        self._cells: dict[tuple[int, tuple], str | bool] = {}

    def stage(self, raw: RawRow) -> tuple | None:
        """The staged row when ``raw`` is plainly good; ``None`` to take the slow path."""
        fields = raw.fields
        get = fields.get
        target = self._targets.get((get("indicator"), get("partner")))
        if target is None:
            target = self._target(get("indicator"), get("partner"))
        if target is False:
            return None
        indicator, indicator_id, partnership_id = target
        period = get("period")
        good_period = self._periods.get((indicator_id, period))
        if good_period is None:
            good_period = self._period(indicator, period)
        if not good_period:
            return None
        pairs = ()
        for dimension in self.dimension_codes:
            if cell_value := get(dimension):
                pairs += ((dimension, cell_value),)
        key = self._cells.get((indicator_id, pairs))
        if key is None:
            key = self._cell(indicator, pairs)
        if key is False:
            return None
        numbers = self._numbers(indicator, get("value"), get("numerator"), get("denominator"))
        if numbers is None:
            return None
        comment = get("comment") or ""
        if "\x00" in comment:
            return None
        value, numerator, denominator, censor = numbers
        return (
            raw.line,
            indicator_id,
            partnership_id,
            period,
            key,
            value,
            numerator,
            denominator,
            censor,
            "",
            comment,
            _NO_FLAGS,
        )

    # --- consistency, decided once per combination ----------------------------------------------

    def _target(self, indicator_code, partner_code):
        """(indicator, its id, the partnership's id) when the partner reports the indicator;
        False otherwise."""
        found = self._targets.get((indicator_code, partner_code))
        if found is None:
            registry = self.registry
            indicator = registry.indicators_by_code.get(indicator_code)
            partnership = registry.partnerships_by_code.get(partner_code)
            found = (
                indicator is not None
                and partnership is not None
                and indicator.value_type in _FAST_TYPES
                and registry.assigned(partnership.pk, indicator.pk)
                and (indicator, indicator.pk, partnership.pk)
            )
            self._targets[(indicator_code, partner_code)] = found
        return found

    def _period(self, indicator: Indicator, code) -> bool:
        """A period code written exactly, of the indicator's frequency, and over (timing)."""
        found = self._periods.get((indicator.pk, code))
        if found is None:
            period = self.validator.period(code or "")
            found = (
                not isinstance(period, Exception)
                and period.code == code
                and not check_period(indicator, indicator.name, period, None)
                and not self._not_ended(code)
            )
            self._periods[(indicator.pk, code)] = found
        return found

    def _not_ended(self, code: str) -> bool:
        stub = Submission(period=code, partnership_id=0)
        return any(f.is_error for f in self.validator.check_timing(stub, []))

    def _cell(self, indicator: Indicator, pairs: tuple):
        """The canonical key of a cell over the indicator's dimensions; False otherwise."""
        found = self._cells.get((indicator.pk, pairs))
        if found is None:
            try:
                findings, key, _pairs = check_cell(self.registry, indicator, dict(pairs), None)
            except ValueError:
                findings, key = [True], None
            found = False if findings or key != cell_key(dict(pairs)) else key
            self._cells[(indicator.pk, pairs)] = found
        return found

    # --- value type and range -------------------------------------------------------------------

    def _numbers(self, indicator: Indicator, value, numerator, denominator) -> tuple | None:
        """(value, numerator, denominator, censor) as text, or None unless plainly valid."""
        value = value or None
        numerator = numerator or None
        denominator = denominator or None
        kind = indicator.value_type
        censor = ""
        measured = numerator if kind == VT.RATE else value
        if measured is not None and measured[0] in "<>":
            if kind == VT.YES_NO:
                return None
            censor, measured = measured[0], measured[1:]
            if kind == VT.RATE:
                numerator = measured
            else:
                value = measured
        plain = _PLAIN.fullmatch
        if (
            (value is not None and not plain(value))
            or (numerator is not None and not plain(numerator))
            or (denominator is not None and not plain(denominator))
        ):
            return None
        if kind == VT.RATE:
            if numerator is None or numerator[0] == "-":
                return None
            if denominator is None:
                if not censor:
                    return None
            elif Decimal(denominator) <= 0 or (
                not censor and Decimal(numerator) > Decimal(denominator)
            ):
                return None
        elif value is None:
            return None
        elif kind == VT.COUNT:
            if not _WHOLE.fullmatch(value):
                return None
        elif kind == VT.YES_NO and value not in ("0", "1"):
            return None
        if (
            not censor
            and (indicator.min_value is not None or indicator.max_value is not None)
            and not self._within_bounds(indicator, value, numerator, denominator)
        ):
            return None
        return value, numerator, denominator, censor

    def _within_bounds(self, indicator: Indicator, value, numerator, denominator) -> bool:
        """No ``below_min`` / ``above_max`` warning: those rows take the slow path."""
        low, high = indicator.min_value, indicator.max_value
        if (low is None and high is None) or indicator.value_type == VT.YES_NO:
            return True
        if indicator.value_type == VT.RATE:
            if numerator is None or denominator is None or Decimal(denominator) == 0:
                return True
            measure = Decimal(numerator) / Decimal(denominator) * indicator.scale_factor
        else:
            measure = Decimal(value)
        return (low is None or measure >= low) and (high is None or measure <= high)
