"""The header row of a values file: which column is which field (SPEC §5.2).

Column names are compared without regard to case or surrounding spaces. The fixed columns are
``indicator``, ``partner``, ``period``, ``value``, ``numerator``, ``denominator`` and
``comment``; every other column must be a dimension code of the initiative. ``indicator``,
``partner`` and ``period`` are required, and at least one of the number columns. Empty names at
the end of the header (a spreadsheet's trailing separators) are ignored; anywhere else, and for
unknown or repeated names, the whole file is refused with a message naming the columns.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from commonground.measurement.imports.rows import (
    FIXED_FIELDS,
    KEY_FIELDS,
    NUMBER_FIELDS,
    ImportFileError,
)


@dataclass(frozen=True)
class Header:
    """Field names in file order, and the name the file gives each field."""

    fields: tuple[str, ...]
    columns: dict[str, str]

    @property
    def width(self) -> int:
        """How many columns carry a field; more fields in a row must be empty."""
        return len(self.fields)


def _listing(names) -> str:
    return ", ".join(f"'{name}'" for name in names)


def read_header(names: list[str], dimension_codes) -> Header:
    """The header of ``names`` (the first row's cells); ``ImportFileError`` if it is wrong."""
    cleaned = [(name or "").strip() for name in names]
    while cleaned and not cleaned[-1]:
        cleaned.pop()
    if not cleaned:
        raise ImportFileError(
            _("The first row must name the columns (indicator, partner, period, value, …)."),
            code="no_header",
            line=1,
        )
    dimensions = {code.lower(): code for code in dimension_codes}
    fields, columns, unknown, seen = [], {}, [], {}
    for position, name in enumerate(cleaned, start=1):
        if not name:
            raise ImportFileError(
                _("Column %(position)s of the header has no name.") % {"position": position},
                code="bad_header",
                line=1,
            )
        lowered = name.lower()
        field = lowered if lowered in FIXED_FIELDS else dimensions.get(lowered)
        if field is None:
            unknown.append(name)
            continue
        if field in seen:
            raise ImportFileError(
                _("The column '%(name)s' appears twice in the header (columns %(a)s and %(b)s).")
                % {"name": name, "a": seen[field], "b": position},
                code="duplicate_column",
                line=1,
                column=name,
            )
        seen[field] = position
        fields.append(field)
        columns[field] = name
    if unknown:
        if dimensions:
            known = _(
                "The columns are indicator, partner, period, value, numerator, denominator, "
                "comment and the dimension codes %(codes)s."
            ) % {"codes": ", ".join(sorted(dimensions.values()))}
        else:
            known = _(
                "The columns are indicator, partner, period, value, numerator, denominator and "
                "comment (this initiative has no dimensions)."
            )
        raise ImportFileError(
            _("Unknown column(s) %(names)s. %(known)s")
            % {"names": _listing(unknown), "known": known},
            code="unknown_column",
            line=1,
            column=unknown[0],
        )
    missing = [name for name in KEY_FIELDS if name not in columns]
    if missing:
        raise ImportFileError(
            _(
                "The header has no %(names)s column: every row needs an indicator, a partner "
                "and a period."
            )
            % {"names": _listing(missing)},
            code="missing_column",
            line=1,
        )
    if not any(name in columns for name in NUMBER_FIELDS):
        raise ImportFileError(
            _("The header has no 'value', 'numerator' or 'denominator' column."),
            code="missing_column",
            line=1,
        )
    return Header(fields=tuple(fields), columns=columns)
