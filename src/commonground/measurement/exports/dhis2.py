"""Approved values as a DHIS2 ``dataValueSet`` (JSON), named through the initiative's mapping.

Each value becomes one DHIS2 data value: ``dataElement`` (the indicator's data element),
``period`` (``measurement.dhis2.to_dhis2_period``), ``orgUnit`` (the partner's organisation
unit), ``categoryOptionCombo`` (the cell's combo; left out for the total unless the total is
mapped, so DHIS2 uses its default), ``value`` and ``comment``. A rate becomes two data values,
its numerator and its denominator, each in its own data element (DHIS2 keeps them apart).

A value DHIS2 cannot take is never dropped silently: it is reported as skipped, with the
reason, in the ``ExportReport`` (the command prints them; the page lists them before the
download). Reasons: an indicator, partner or cell without a DHIS2 code (or with several), a
period DHIS2 has no equivalent for (a fiscal or school year starting in a month DHIS2 has no
financial year for), a censored value (``<10``: DHIS2 has no censoring), a rate without both
parts.
"""

import json
from collections.abc import Iterator

from django.utils.translation import gettext as _

from commonground.measurement import dhis2
from commonground.measurement.exports.query import (
    ALL,
    ExportFilters,
    ExportReport,
    ExportRow,
    approved_values,
    plain_number,
)

Kind = dhis2.Kind
CHUNK_BYTES = 64 * 1024


class _Namer:
    """DHIS2 names of our codes, each looked up once (the errors too)."""

    def __init__(self, initiative):
        self.initiative = initiative
        self.mapping = dhis2.load_mapping(initiative)
        self.cache: dict[tuple[str, str], str | dhis2.Dhis2Error] = {}

    def name(self, kind: str, target: str) -> str:
        key = (kind, target)
        if key not in self.cache:
            try:
                if kind == "period":
                    self.cache[key] = dhis2.to_dhis2_period(target, self.initiative)
                elif kind == Kind.CATEGORY_OPTION_COMBO and not target:
                    codes = self.mapping.reverse[kind].get("", [])
                    self.cache[key] = self.mapping.dhis2_code(kind, "") if codes else ""
                else:
                    self.cache[key] = self.mapping.dhis2_code(kind, target)
            except dhis2.Dhis2Error as error:
                self.cache[key] = error
        found = self.cache[key]
        if isinstance(found, dhis2.Dhis2Error):
            raise found
        return found


def data_values(namer: _Namer, row: ExportRow) -> list[dict]:
    """The DHIS2 data values of one of our values; ``Dhis2Error`` if it cannot be written."""
    if row.censor:
        bound = row.numerator if row.is_rate else row.value
        raise dhis2.Dhis2Error(
            _("%(value)s is censored, and DHIS2 has no censored values.")
            % {"value": f"{row.censor}{plain_number(bound)}"}
        )
    common = {
        "period": namer.name("period", row.period),
        "orgUnit": namer.name(Kind.ORG_UNIT, row.partner),
    }
    combo = namer.name(Kind.CATEGORY_OPTION_COMBO, row.cell)
    if combo:
        common["categoryOptionCombo"] = combo
    if row.is_rate:
        if row.numerator is None or row.denominator is None:
            raise dhis2.Dhis2Error(_("The rate lacks its numerator or its denominator."))
        parts = [("numerator", row.numerator), ("denominator", row.denominator)]
        targets = [(dhis2.join_target(row.indicator, part), value) for part, value in parts]
    elif row.is_narrative:
        targets = [(row.indicator, row.text)]
    else:
        targets = [(row.indicator, plain_number(row.value))]
    result = []
    for target, value in targets:
        item = {"dataElement": namer.name(Kind.DATA_ELEMENT, target), **common}
        item["value"] = value if isinstance(value, str) else plain_number(value)
        if row.comment:
            item["comment"] = row.comment
        result.append(item)
    return result


def dhis2_data_values(
    initiative, filters: ExportFilters = ALL, report: ExportReport | None = None
) -> Iterator[dict]:
    """Every DHIS2 data value of the approved values; what cannot be written goes to ``report``."""
    report = report if report is not None else ExportReport()
    namer = _Namer(initiative)
    for row in approved_values(initiative, filters):
        try:
            items = data_values(namer, row)
        except dhis2.Dhis2Error as error:
            report.skip(row, str(error))
            continue
        yield from items
        report.wrote()


def dhis2_json_chunks(
    initiative, filters: ExportFilters = ALL, report: ExportReport | None = None
) -> Iterator[str]:
    """``{"dataValues": [...]}`` in pieces of about 64 KB, one data value a line."""
    parts, size, first = ['{"dataValues": ['], 0, True
    for item in dhis2_data_values(initiative, filters, report):
        text = ("\n" if first else ",\n") + json.dumps(item, ensure_ascii=False)
        first = False
        parts.append(text)
        size += len(text)
        if size >= CHUNK_BYTES:
            yield "".join(parts)
            parts, size = [], 0
    parts.append("\n]}\n" if not first else "]}\n")
    yield "".join(parts)


def write_dhis2_json(
    initiative, out, filters: ExportFilters = ALL, report: ExportReport | None = None
) -> None:
    """Write the dataValueSet to ``out``, a text file."""
    for chunk in dhis2_json_chunks(initiative, filters, report):
        out.write(chunk)
