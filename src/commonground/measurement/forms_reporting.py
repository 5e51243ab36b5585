"""The data-entry grid of one partner and one period: its rows, and reading what was posted.

One row per assigned indicator of the period's frequency (the total), and for a disaggregated
indicator one row per value of each of its dimensions, one dimension at a time (SPEC §4.2: a
cell over several dimensions, such as ``race=black;sex=f``, is shown when a file brought one,
but the grid does not offer every combination). Inputs are named after the indicator code and
the cell key (``grad_rate:sex=f:numerator``), so a name means the same thing in every request.
"""

import json
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from commonground.core.errors import DomainError
from commonground.measurement.cells import CellError, parse_cell_key
from commonground.measurement.models import DataValue, DimensionValue, Indicator, ReviewState
from commonground.measurement.services import Entry, InvalidValue, parse_number

ValueType = Indicator.ValueType
ERROR, WARNING = "error", "warning"
ROW = ""  # the field of a finding about the whole row
FIELD_LABELS = {
    "value": gettext_lazy("Value"),
    "numerator": gettext_lazy("Numerator"),
    "denominator": gettext_lazy("Denominator"),
    "text": gettext_lazy("Narrative"),
    "comment": gettext_lazy("Comment"),
}


def number_text(number: Decimal | None) -> str:
    """``47.700000`` → ``47.7``; ``100`` stays ``100`` (never ``1E+2``)."""
    if number is None:
        return ""
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def shown_number(number: Decimal | None, censor: str = "") -> str:
    """A stored number for reading: ``1,056``, ``<10``."""
    if number is None:
        return "—"
    return f"{censor}{intcomma(number_text(number))}"


def rate_of(indicator: Indicator, numerator, denominator, censor="") -> str:
    """The rate as the report card shows it (``89.5%``); empty when it cannot be computed."""
    if censor or numerator is None or not denominator:
        return ""
    rate = numerator / denominator * indicator.scale_factor
    text = intcomma(f"{rate:.{indicator.decimals}f}")
    unit = indicator.unit
    if not unit:
        return text
    return f"{text}{unit}" if unit == "%" else f"{text} {unit}"


def measure_note(indicator: Indicator) -> str:
    """How the indicator is measured, next to its name: unit and, for rates, the formula."""
    unit = indicator.unit
    if indicator.value_type == ValueType.RATE:
        scale = number_text(indicator.scale_factor)
        formula = (
            _("numerator ÷ denominator")
            if scale == "1"
            else _("numerator ÷ denominator × %(scale)s") % {"scale": scale}
        )
        return f"{unit}, {formula}" if unit else formula
    if indicator.value_type == ValueType.NARRATIVE:
        return _("a short text")
    if indicator.value_type == ValueType.YES_NO:
        return _("yes or no")
    kind = indicator.get_value_type_display().lower()
    return f"{kind}, {unit}" if unit else kind


def value_fields(indicator: Indicator) -> list[str]:
    """The inputs of a row, by value type; every row also has a comment."""
    if indicator.value_type == ValueType.RATE:
        return ["numerator", "denominator"]
    if indicator.value_type == ValueType.NARRATIVE:
        return ["text"]
    return ["value"]


@dataclass
class GridRow:
    """One line of the grid: an indicator's total or one cell, with what it shows and says."""

    index: int
    indicator: Indicator
    cell: str
    label: str
    saved: DataValue | None
    data: dict[str, str] = field(default_factory=dict)
    findings: list[dict] = field(default_factory=list)
    first_of_indicator: bool = False
    rowspan: int = 1

    @property
    def prefix(self) -> str:
        return f"{self.indicator.code}:{self.cell}"

    @property
    def fields(self) -> list[str]:
        return value_fields(self.indicator)

    @property
    def is_rate(self) -> bool:
        return self.indicator.value_type == ValueType.RATE

    @property
    def is_narrative(self) -> bool:
        return self.indicator.value_type == ValueType.NARRATIVE

    @property
    def is_yes_no(self) -> bool:
        return self.indicator.value_type == ValueType.YES_NO

    @property
    def approved(self) -> bool:
        return self.saved is not None and self.saved.review_state == ReviewState.APPROVED

    @property
    def returned(self) -> bool:
        return self.saved is not None and self.saved.review_state == ReviewState.RETURNED

    @property
    def names(self) -> dict[str, str]:
        return {f: f"{self.prefix}:{f}" for f in [*self.fields, "comment"]}

    @property
    def ids(self) -> dict[str, str]:
        return {f: f"r{self.index}-{f}" for f in [*self.fields, "comment"]}

    @property
    def findings_id(self) -> str:
        return f"r{self.index}-findings"

    @property
    def validate_params(self) -> str:
        """What the inline check posts (htmx ``hx-params``): this row's inputs only."""
        return ",".join(["csrfmiddlewaretoken", "row", *self.names.values()])

    @property
    def validate_vals(self) -> str:
        """Which row the inline check is about (htmx ``hx-vals``, JSON)."""
        return json.dumps({"row": self.prefix})

    def errors_for(self, name: str) -> list[dict]:
        return [f for f in self.findings if f["field"] == name and f["severity"] == ERROR]

    @property
    def field_errors(self) -> dict[str, list[dict]]:
        return {name: self.errors_for(name) for name in [*self.fields, "comment"]}

    @property
    def has_errors(self) -> bool:
        return any(f["severity"] == ERROR for f in self.findings)

    @property
    def stored_flags(self) -> list[dict]:
        """Warnings kept with the saved value, shown until new findings replace them."""
        if self.saved is None:
            return []
        return [
            {"code": f.get("code", ""), "message": f.get("message", ""), "severity": WARNING}
            for f in (self.saved.flags or [])
            if isinstance(f, dict)
        ]

    @property
    def shown(self) -> str:
        """The saved value for reading (approved or read-only rows)."""
        value = self.saved
        if value is None:
            return "—"
        if self.is_rate:
            parts = f"{shown_number(value.numerator, value.censor)} ÷ "
            parts += shown_number(value.denominator)
            rate = rate_of(self.indicator, value.numerator, value.denominator, value.censor)
            return f"{parts} = {rate}" if rate else parts
        if self.is_narrative:
            return value.text or "—"
        if self.is_yes_no and value.value is not None:
            return _("Yes") if value.value else _("No")
        return shown_number(value.value, value.censor)

    @property
    def live_rate(self) -> str:
        """The rate computed from the inputs as typed, if they make one."""
        if not self.is_rate or self.has_errors:
            return ""
        try:
            numerator, censor = parse_number(self.data.get("numerator"))
            denominator, _censor = parse_number(self.data.get("denominator"))
        except DomainError:
            return ""
        return rate_of(self.indicator, numerator, denominator, censor)

    def add_finding(
        self, code: str, message: str, severity: str, name: str = ROW, *, labelled=False
    ) -> None:
        """``labelled``: the message does not say which input it is about, so name it."""
        name = name if name in [*self.fields, "comment"] else ROW
        label = FIELD_LABELS[name] if labelled and name else ""
        self.findings.append(
            {
                "code": code,
                "message": message,
                "severity": severity,
                "field": name,
                "field_label": label,
            }
        )


def saved_data(row: GridRow) -> dict[str, str]:
    """The saved value as the inputs show it (censored bounds with their mark)."""
    value = row.saved
    if value is None:
        return {}
    data = {
        "value": number_text(value.value),
        "numerator": number_text(value.numerator),
        "denominator": number_text(value.denominator),
        "text": value.text,
        "comment": value.comment,
    }
    measured = "numerator" if row.is_rate else "value"
    if value.censor and data[measured]:
        data[measured] = value.censor + data[measured]
    return data


class CellNames:
    """Cell keys in words: ``race=black;sex=f`` → "Race: Black, Sex: Female"."""

    def __init__(self, rows):
        """``rows``: (dimension code, dimension name, value code, value name)."""
        self.dimensions, self.values = {}, {}
        for dim_code, dim_name, code, name in rows:
            self.dimensions[dim_code] = dim_name
            self.values[(dim_code, code)] = name

    @classmethod
    def of_initiative(cls, initiative) -> "CellNames":
        return cls(
            DimensionValue.objects.filter(dimension__initiative=initiative).values_list(
                "dimension__code", "dimension__name", "code", "name"
            )
        )

    @classmethod
    def of_indicator(cls, indicator) -> "CellNames":
        """From the indicator's prefetched dimensions and values (no query)."""
        return cls(
            (d.code, d.name, v.code, v.name)
            for d in indicator.dimensions.all()
            for v in d.values.all()
        )

    def __call__(self, key: str) -> str:
        if not key:
            return str(_("Total"))
        try:
            pairs = parse_cell_key(key)
        except CellError:
            return key
        return ", ".join(
            f"{self.dimensions.get(d, d)}: {self.values.get((d, v), v)}" for d, v in pairs.items()
        )


def build_rows(indicators, saved: dict[tuple[int, str], DataValue]) -> list[GridRow]:
    """The grid's rows for ``indicators`` (with dimensions and values prefetched)."""
    rows: list[GridRow] = []
    for indicator in indicators:
        names = CellNames.of_indicator(indicator)
        cells = [("", names(""))]
        for dimension in indicator.dimensions.all():
            for value in dimension.values.all():
                key = f"{dimension.code}={value.code}"
                cells.append((key, names(key)))
        known = {key for key, _label in cells}
        # Cells a file brought that the grid does not offer (several dimensions at once).
        extra = sorted(key for (ind, key) in saved if ind == indicator.pk and key not in known)
        cells += [(key, names(key)) for key in extra]
        first = len(rows)
        for key, label in cells:
            row = GridRow(
                index=len(rows),
                indicator=indicator,
                cell=key,
                label=label,
                saved=saved.get((indicator.pk, key)),
            )
            row.data = saved_data(row)
            rows.append(row)
        rows[first].first_of_indicator = True
        rows[first].rowspan = len(cells)
    return rows


class GridForm:
    """What was posted for the grid: entries for the service, problems tied to inputs.

    A row is sent to ``save_values`` when something was typed in it or it already holds a value
    (emptying a saved value is then refused as ``value_missing``: values are corrected, not
    deleted). Approved values are never sent: they are locked.
    """

    def __init__(self, rows: list[GridRow], data):
        self.rows = rows
        self.entries: list[Entry] = []
        self.entry_rows: list[GridRow] = []
        self.errors: list[str] = []  # about the report, not one row
        for row in rows:
            if row.approved:
                continue
            row.data = {f: str(data.get(n, "")) for f, n in row.names.items()}
            entry = parse_row(row)
            if entry is not None:
                self.entries.append(entry)
                self.entry_rows.append(row)

    def is_valid(self) -> bool:
        return not any(row.has_errors for row in self.rows)

    def add_domain_error(self, error: DomainError) -> None:
        """Tie the service's findings to their rows and inputs; the rest goes on top."""
        findings = (error.details or {}).get("findings") or []
        placed = False
        for raw in findings:
            finding = as_finding(raw)
            index = finding["index"]
            if index is not None and 0 <= index < len(self.entry_rows):
                row = self.entry_rows[index]
                row.add_finding(
                    finding["code"], finding["message"], finding["severity"], finding["field"]
                )
                placed = placed or finding["severity"] == ERROR
            elif finding["severity"] == ERROR:
                self.errors.append(finding["message"])
                placed = True
        if not placed:
            self.errors.append(error.message)

    @property
    def error_count(self) -> int:
        return len(self.errors) + sum(
            1 for row in self.rows for f in row.findings if f["severity"] == ERROR
        )


def parse_row(row: GridRow) -> Entry | None:
    """The row's ``Entry``, or ``None`` for a row left empty; problems go on the row."""
    data = row.data
    blank = not any(v.strip() for v in data.values())
    if blank and row.saved is None:
        return None
    numbers: dict[str, Decimal | None] = {}
    censor = ""
    for name in ("value", "numerator", "denominator"):
        if name not in row.fields:
            continue
        try:
            number, mark = parse_number(data.get(name))
        except InvalidValue as error:
            row.add_finding(
                error.code,
                _("“%(raw)s” is not a number.") % {"raw": data.get(name, "").strip()},
                ERROR,
                name,
            )
            continue
        numbers[name] = number
        if not mark:
            continue
        if name == "denominator":
            row.add_finding(
                "bad_censor",
                _("The denominator must be an exact number; censor the numerator (<10)."),
                ERROR,
                name,
            )
        elif row.is_yes_no:
            row.add_finding("bad_censor", _("Choose yes or no."), ERROR, name)
        else:
            censor = mark
    if row.has_errors:
        return None
    return Entry(
        indicator=row.indicator,
        cell=parse_cell_key(row.cell),
        value=numbers.get("value"),
        numerator=numbers.get("numerator"),
        denominator=numbers.get("denominator"),
        censor=censor,
        text=data.get("text", "").strip(),
        comment=data.get("comment", "").strip(),
    )


def as_finding(raw) -> dict:
    """A validation finding (the ``Finding`` dataclass or its dict form) as a plain dict."""
    get = (
        raw.get if isinstance(raw, dict) else lambda name, default=None: getattr(raw, name, default)
    )
    return {
        "code": get("code", "") or "",
        "message": get("message", "") or "",
        "severity": get("severity", ERROR) or ERROR,
        "field": get("field", "") or "",
        "index": get("index", None),
    }
