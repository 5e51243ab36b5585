"""Checking one imported row on its own, with the validation pipeline (SPEC §3.1.5).

``RowChecker.check`` turns a ``RawRow`` into either the row to stage (ids, canonical cell,
numbers as the database keeps them, warnings as ``flags``) or the row's errors, each naming the
file's column. It runs ``Validator.check_row`` — consistency, then value type and range, then
numerator ≤ denominator, with the indicator's bounds as warnings — and the timing rule that
belongs to a single row (``period_not_ended``). The rules that need other rows (duplicates,
disaggregated cells against their total) and the stored data (locked reports and values) are the
engine's, run over the whole file at once.

Nothing here queries the database: the registry is loaded once per import.
"""

import json

from django.utils.translation import gettext as _

from commonground.measurement.cells import cell_key
from commonground.measurement.imports.fastpath import FastPath
from commonground.measurement.imports.rows import NUMBER_FIELDS, RawRow
from commonground.measurement.models import Indicator, Submission
from commonground.measurement.validation import Entry, Registry, Validator
from commonground.measurement.validation.numbers import as_stored, to_decimal

VT = Indicator.ValueType
CENSOR_MARKS = ("<", ">")

# (line, column, code, message): one line of the error report.
RowError = tuple[int, str, str, str]
# What the staging table keeps of a good row (see ``staging.COLUMNS``).
StagedRow = tuple


class RowChecker:
    """Checks rows of one initiative against a registry loaded once."""

    def __init__(self, registry: Registry, validator: Validator):
        self.registry = registry
        self.validator = validator
        self.dimension_codes = tuple(registry.dimension_names)
        self.fast = FastPath(registry, validator)
        self._timing: dict[str, list] = {}

    def check(self, raw: RawRow) -> tuple[StagedRow | None, list[RowError]]:
        """The row to stage, or the row's errors (one of the two is empty)."""
        if raw.problems:
            return None, [(raw.line, p.column, p.code, p.message) for p in raw.problems]
        staged = self.fast.stage(raw)
        if staged is not None:
            return staged, []
        return self.check_slowly(raw)

    def check_slowly(self, raw: RawRow) -> tuple[StagedRow | None, list[RowError]]:
        """The whole validation pipeline for one row, with the messages it finds."""
        line = raw.line
        registry = self.registry
        indicator_code = raw.get("indicator")
        indicator = registry.indicators_by_code.get(indicator_code)
        partner_code = raw.get("partner")
        partnership = registry.partnerships_by_code.get(partner_code)
        period = raw.get("period")
        narrative = indicator is not None and indicator.value_type == VT.NARRATIVE
        if narrative:
            # A narrative is text: '<' or '=' at its start is part of it.
            numbers, censor, text = {}, "", raw.get("value")
        else:
            numbers, censor, errors = self._numbers(raw, indicator)
            if errors:
                return None, errors
            text = ""
        cell = {d: raw.get(d) for d in self.dimension_codes if raw.fields.get(d)}
        comment = raw.fields.get("comment") or ""
        entry = Entry(
            indicator=indicator or indicator_code,
            cell=cell,
            value=numbers.get("value") or None,
            numerator=numbers.get("numerator") or None,
            denominator=numbers.get("denominator") or None,
            censor=censor,
            text=text,
            comment=comment,
        )
        findings = self.validator.check_row(partnership or partner_code, period, entry, line)
        errors = [
            (line, self._column(raw, f.field, indicator, cell), f.code, f.message)
            for f in findings
            if f.is_error
        ]
        if errors:
            return None, errors
        errors = self._timing_errors(raw, partnership, period)
        if "\x00" in comment or "\x00" in text:
            column = raw.column("comment" if "\x00" in comment else "value")
            errors.append((line, column, "bad_text", _("The text holds a NUL character.")))
        if errors:
            return None, errors
        flags = [{"code": f.code, "message": f.message} for f in findings]
        staged = (
            line,
            indicator.pk,
            partnership.pk,
            period,
            cell_key(cell),
            *(as_stored(name, to_decimal(getattr(entry, name))) for name in NUMBER_FIELDS),
            censor,
            text,
            comment,
            json.dumps(flags) if flags else "[]",
        )
        return staged, []

    def _numbers(self, raw: RawRow, indicator) -> tuple[dict, str, list[RowError]]:
        """The number fields' text with a censoring mark taken off the measured field.

        The mark belongs only in the measured field — the value, or a rate's numerator — and is
        refused anywhere else, where it would be silently dropped.
        """
        measured = (
            "numerator" if indicator is not None and indicator.value_type == VT.RATE else "value"
        )
        numbers, censor, errors = {}, "", []
        for name in NUMBER_FIELDS:
            text = raw.get(name)
            if text[:1] in CENSOR_MARKS:
                if name != measured:
                    message = _(
                        "'%(text)s': only the %(measured)s can be marked '<' or '>' (a bound "
                        "instead of an exact number)."
                    ) % {"text": text[:40], "measured": raw.column(measured)}
                    errors.append((raw.line, raw.column(name), "bad_censor", message))
                    continue
                censor, text = text[0], text[1:].strip()
            numbers[name] = text
        return numbers, censor, errors

    def _timing_errors(self, raw, partnership, period_code) -> list[RowError]:
        """``period_not_ended``: a period's data can be reported once the period is over.

        Judged on a draft report: whether the real report is locked depends on the stored data,
        which the engine checks for the whole file at once.
        """
        if period_code not in self._timing:
            stub = Submission(partnership=partnership, period=period_code)
            findings = self.validator.check_timing(stub, [])
            self._timing[period_code] = [f for f in findings if f.is_error]
        return [
            (raw.line, raw.column("period"), f.code, f.message) for f in self._timing[period_code]
        ]

    def _column(self, raw: RawRow, field: str, indicator, cell: dict) -> str:
        """The file's column a finding is about (``field`` is the validator's name for it)."""
        if field == "text":
            return raw.column("value")
        if field == "cell":
            allowed = self.registry.allowed_cells(indicator.pk) if indicator else {}
            for dim, value in cell.items():
                if dim not in allowed or value not in allowed[dim]:
                    return raw.column(dim)
            return ", ".join(raw.column(d) for d in cell)
        return raw.column(field) if field else ""
