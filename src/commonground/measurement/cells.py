"""Disaggregation cells (SPEC §4.2).

A cell is a set of (dimension, value) pairs; the empty set is the total. Its canonical key sorts
the pairs by dimension code, so ``{"sex": "f", "race": "black"}`` and ``{"race": "black",
"sex": "f"}`` are the same cell: ``race=black;sex=f``. The total's key is the empty string.
"""

TOTAL = ""


class CellError(ValueError):
    """A cell that is malformed or uses a dimension or value the indicator does not have."""


def cell_key(pairs: dict[str, str]) -> str:
    """The canonical key of a cell given as {dimension code: value code}; blanks are dropped."""
    clean = {
        d.strip(): str(v).strip() for d, v in pairs.items() if v is not None and str(v).strip()
    }
    for dim, value in clean.items():
        if not dim or any(ch in dim + value for ch in "=;"):
            raise CellError(f"'{dim}={value}' cannot be part of a cell ('=' and ';' are reserved).")
    return ";".join(f"{dim}={clean[dim]}" for dim in sorted(clean))


def parse_cell_key(key: str) -> dict[str, str]:
    if not key:
        return {}
    pairs = {}
    for part in key.split(";"):
        dim, sep, value = part.partition("=")
        if not sep or not dim or not value or "=" in value or dim in pairs:
            raise CellError(f"'{key}' is not a cell key.")
        pairs[dim] = value
    return pairs


def check_cell(key: str, allowed: dict[str, set[str]]) -> None:
    """Raise ``CellError`` unless every pair of the cell is a dimension/value in ``allowed``."""
    for dim, value in parse_cell_key(key).items():
        if dim not in allowed:
            raise CellError(f"This indicator is not broken down by '{dim}'.")
        if value not in allowed[dim]:
            raise CellError(f"'{value}' is not a value of the dimension '{dim}'.")
