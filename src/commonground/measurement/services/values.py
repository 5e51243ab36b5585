"""Saving reported values into a partner's report for one period."""

from dataclasses import dataclass
from decimal import Context, Decimal, InvalidOperation

from django.db import transaction

from commonground.core import audit
from commonground.core.errors import DomainError, InvalidTransition
from commonground.measurement.cells import CellError, cell_key, check_cell
from commonground.measurement.models import (
    DataValue,
    Indicator,
    ReportingAssignment,
    ReviewState,
    Submission,
)
from commonground.measurement.periods import PeriodError, parse_period_for
from commonground.measurement.services.authorization import authorize

Status = Submission.Status
# Reports whose values may still change (a returned report only in its unapproved values).
EDITABLE = {Status.DRAFT, Status.RETURNED, Status.REOPENED}
VALUE_FIELDS = ["value", "numerator", "denominator", "censor", "text", "comment"]
NUMBER_FIELDS = ["value", "numerator", "denominator"]


class InvalidValue(DomainError):
    """A value that cannot be saved; ``code`` says why, ``details`` where."""

    code = "invalid_value"


@dataclass(frozen=True)
class Entry:
    """One value to save, as a person or a file gave it."""

    indicator: Indicator
    cell: dict
    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    censor: str = ""
    text: str = ""
    comment: str = ""


def parse_number(raw) -> tuple[Decimal | None, str]:
    """Read ``'12.5'``, ``'<10'`` or ``'>95'``: the number and its censoring direction."""
    if raw is None:
        return None, ""
    text = str(raw).strip().replace(",", "")
    if not text:
        return None, ""
    censor = ""
    if text[0] in "<>":
        censor, text = text[0], text[1:].strip()
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise InvalidValue(f"'{raw}' is not a number.", code="not_a_number") from None
    if not number.is_finite():
        raise InvalidValue(f"'{raw}' is not a number.", code="not_a_number")
    return number, censor


def open_submission(*, actor, partnership, period: str) -> Submission:
    """The partnership's submission for ``period``, created as a draft if needed."""
    authorize(actor, partnership.initiative, lambda a: a.can_enter_data(partnership))
    submission, created = Submission.objects.get_or_create(partnership=partnership, period=period)
    if created:
        audit.record(
            actor=actor,
            action="submission.created",
            obj=submission,
            initiative=partnership.initiative,
            after={"period": period, "status": submission.status},
        )
    return submission


def _as_stored(name: str, number: Decimal | None) -> Decimal | None:
    """The number as its column keeps it, so that an unchanged value compares equal.

    The database rounds to the column's decimal places (``47.7`` comes back as ``47.700000``);
    a number with more digits than the column holds is refused here rather than by the database.
    """
    if number is None:
        return None
    field = DataValue._meta.get_field(name)
    try:
        return Decimal(number).quantize(
            Decimal(1).scaleb(-field.decimal_places), context=Context(prec=field.max_digits)
        )
    except InvalidOperation:
        raise InvalidValue(f"{number:f} is too large.", code="out_of_range") from None


def _check_entry(submission: Submission, entry: Entry, assigned: set[int]) -> tuple[str, dict]:
    """The entry's cell key and its numbers as stored; ``InvalidValue`` in the SPEC's order."""
    indicator = entry.indicator
    initiative = submission.partnership.initiative
    if indicator.pk not in assigned:
        raise InvalidValue(
            f"{submission.partnership.code} does not report {indicator.code}.",
            code="not_assigned",
        )
    try:
        parse_period_for(initiative, submission.period, indicator.frequency)
        key = cell_key(entry.cell)
        check_cell(key, _allowed_cells(indicator))
    except (PeriodError, CellError) as error:
        raise InvalidValue(str(error), code="inconsistent") from None
    numbers = {name: _as_stored(name, getattr(entry, name)) for name in NUMBER_FIELDS}
    if indicator.value_type == Indicator.ValueType.RATE:
        if entry.numerator is None or entry.denominator is None:
            if not entry.censor:
                raise InvalidValue(
                    f"{indicator.code} is a rate: give a numerator and a denominator.",
                    code="rate_parts_missing",
                )
        elif entry.denominator <= 0:
            raise InvalidValue("The denominator must be more than zero.", code="bad_denominator")
        elif not entry.censor and entry.numerator > entry.denominator:
            raise InvalidValue(
                "The numerator cannot be larger than the denominator.",
                code="numerator_above_denominator",
            )
    elif indicator.value_type == Indicator.ValueType.NARRATIVE:
        if not entry.text.strip():
            raise InvalidValue("Write the narrative.", code="value_missing")
    elif entry.value is None:
        raise InvalidValue(f"{indicator.code}: the value is missing.", code="value_missing")
    return key, numbers


def _allowed_cells(indicator: Indicator) -> dict[str, set[str]]:
    return {dim.code: {v.code for v in dim.values.all()} for dim in indicator.dimensions.all()}


@transaction.atomic
def save_values(*, actor, submission: Submission, entries: list[Entry]) -> list[DataValue]:
    """Create or update values of an editable submission; all or nothing, each audited.

    A value the data manager already approved stays locked; a returned value that is changed
    goes back to review.
    """
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    partnership = submission.partnership
    authorize(actor, partnership.initiative, lambda a: a.can_enter_data(partnership))
    if submission.status not in EDITABLE:
        raise InvalidTransition(
            f"The {submission.period} report is {submission.get_status_display().lower()}: "
            "it cannot be changed now.",
            code="submission_locked",
        )
    assigned = set(
        ReportingAssignment.objects.filter(partnership=submission.partnership).values_list(
            "indicator_id", flat=True
        )
    )
    saved = []
    for entry in entries:
        key, numbers = _check_entry(submission, entry, assigned)
        fields = {
            **numbers,
            "censor": entry.censor,
            "text": entry.text,
            "comment": entry.comment,
        }
        existing = DataValue.objects.filter(
            indicator=entry.indicator,
            partnership=submission.partnership,
            period=submission.period,
            cell=key,
        ).first()
        if existing and existing.review_state == ReviewState.APPROVED:
            raise InvalidTransition(
                f"{entry.indicator.code} [{key or 'total'}] is approved: it cannot be changed.",
                code="value_locked",
            )
        before = audit.snapshot(existing, VALUE_FIELDS) if existing else None
        value = existing or DataValue(
            submission=submission,
            indicator=entry.indicator,
            partnership=submission.partnership,
            period=submission.period,
            cell=key,
        )
        for name, field_value in fields.items():
            setattr(value, name, field_value)
        after = audit.snapshot(value, VALUE_FIELDS)
        if before == after:
            saved.append(value)
            continue
        value.review_state = ReviewState.PENDING
        value.save()
        audit.record(
            actor=actor,
            action="value.saved",
            obj=value,
            initiative=submission.partnership.initiative,
            before=before,
            after=after,
        )
        saved.append(value)
    return saved
