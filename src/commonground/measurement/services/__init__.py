"""State changes of shared measurement. Import from here: the modules are an inner detail."""

from commonground.measurement.services.review import (
    TRANSITIONS,
    approve_submission,
    approve_values,
    bulk_approve,
    reopen_submission,
    return_submission,
    submit_submission,
)
from commonground.measurement.services.values import (
    EDITABLE,
    Entry,
    InvalidValue,
    open_submission,
    parse_number,
    save_values,
    validate_entries,
)

__all__ = [
    "EDITABLE",
    "TRANSITIONS",
    "Entry",
    "InvalidValue",
    "approve_submission",
    "approve_values",
    "bulk_approve",
    "open_submission",
    "parse_number",
    "reopen_submission",
    "return_submission",
    "save_values",
    "submit_submission",
    "validate_entries",
]
