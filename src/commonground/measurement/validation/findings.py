"""What validation says about values: findings with stable codes (see ``docs/validation.md``)."""

from dataclasses import dataclass

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    """One thing wrong with, or worth a second look in, the values checked.

    ``code`` is stable (the API, the importer's error report and partners' help refer to it);
    ``message`` names the indicator and the cell in plain words; an ``error`` stops the values
    from being saved, a ``warning`` is stored with the value for the reviewer and the reporter
    may explain it in the value's comment. ``field`` says which part of the entry is concerned
    and ``index`` which entry of the list checked, when that applies.
    """

    code: str
    message: str
    severity: str
    field: str = ""
    index: int | None = None

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR


# code → (severity, step of SPEC §3.1.5, meaning). The one list of codes: docs/validation.md
# repeats it for people and a test keeps the two in step.
CODES: dict[str, tuple[str, str, str]] = {
    "unknown_partner": (ERROR, "consistency", "The partner is not part of this initiative."),
    "unknown_indicator": (ERROR, "consistency", "The indicator is not part of this initiative."),
    "not_assigned": (ERROR, "consistency", "The partner is not asked to report this indicator."),
    "bad_period": (ERROR, "consistency", "The period code is malformed or impossible."),
    "period_frequency": (
        ERROR,
        "consistency",
        "The period is of another frequency than the indicator's (a quarter for a yearly "
        "indicator, …).",
    ),
    "bad_cell": (
        ERROR,
        "consistency",
        "The disaggregation cell uses a dimension the indicator is not broken down by, or a "
        "value the dimension does not have.",
    ),
    "value_missing": (
        ERROR,
        "value",
        "No value was given (no number, or an empty narrative).",
    ),
    "not_a_number": (ERROR, "value", "The value is not a number."),
    "out_of_range": (
        ERROR,
        "value",
        "The number has more than 14 digits before the decimal point: too large to store.",
    ),
    "bad_censor": (
        ERROR,
        "value",
        "The censoring mark is not '<' or '>', or the indicator's values cannot be censored "
        "(yes/no, narrative).",
    ),
    "not_an_integer": (ERROR, "value", "A count must be a whole number."),
    "negative": (ERROR, "value", "A count, or a rate's numerator, cannot be below zero."),
    "rate_parts_missing": (
        ERROR,
        "value",
        "A rate needs both its numerator and its denominator (a censored rate needs at least "
        "its numerator's bound).",
    ),
    "bad_denominator": (ERROR, "value", "A rate's denominator must be more than zero."),
    "not_yes_no": (ERROR, "value", "A yes/no indicator takes 1 (yes) or 0 (no)."),
    "numerator_above_denominator": (
        ERROR,
        "cross-value",
        "A rate's numerator is larger than its denominator.",
    ),
    "duplicate_value": (
        ERROR,
        "cross-value",
        "The same indicator and cell are given more than once in one report or file.",
    ),
    "cells_exceed_total": (
        ERROR,
        "cross-value",
        "The disaggregated values of one dimension add up to more than the total (for rates: "
        "the numerators or the denominators).",
    ),
    "cells_differ_from_total": (
        ERROR,
        "cross-value",
        "The indicator's breakdown is declared complete, every group of a dimension is given, "
        "and they do not add up exactly to the total.",
    ),
    "submission_locked": (
        ERROR,
        "timing",
        "The report is submitted or approved: it cannot be changed unless it is returned or "
        "reopened.",
    ),
    "period_not_ended": (
        ERROR,
        "timing",
        "The period is not over yet: its data can be reported from the day after it ends.",
    ),
    "late": (
        WARNING,
        "timing",
        "The report's due date has passed. Late data is still accepted.",
    ),
    "below_min": (WARNING, "outliers", "The value is below the indicator's lowest expected value."),
    "above_max": (
        WARNING,
        "outliers",
        "The value is above the indicator's highest expected value.",
    ),
    "outlier": (
        WARNING,
        "outliers",
        "The value is far from the partner's own history of the same indicator and cell "
        "(modified z-score above 3.5).",
    ),
}


def error(code: str, message: str, field: str = "", index: int | None = None) -> Finding:
    return Finding(code, message, ERROR, field, index)


def warning(code: str, message: str, field: str = "", index: int | None = None) -> Finding:
    return Finding(code, message, WARNING, field, index)
