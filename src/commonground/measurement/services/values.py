"""Saving reported values into a partner's report for one period.

Every value goes through the validation pipeline (``measurement.validation``, SPEC §3.1.5) before
anything is written: errors refuse the whole save, warnings are kept on each value's ``flags``.
"""

from dataclasses import asdict
from decimal import Decimal, InvalidOperation

from django.db import transaction

from commonground.core import audit
from commonground.core.authorization import authorize
from commonground.core.errors import DomainError, InvalidTransition
from commonground.measurement import validation
from commonground.measurement.models import DataValue, ReviewState, Submission
from commonground.measurement.validation import Entry, Finding, Registry, Validator
from commonground.measurement.validation.numbers import as_stored, to_decimal
from commonground.measurement.validation.rules import NUMBER_FIELDS, canonical_cell

Status = Submission.Status
# Reports whose values may still change (a returned report only in its unapproved values).
EDITABLE = {Status.DRAFT, Status.RETURNED, Status.REOPENED}
VALUE_FIELDS = ["value", "numerator", "denominator", "censor", "text", "comment"]

__all__ = [
    "EDITABLE",
    "Entry",
    "InvalidValue",
    "open_submission",
    "parse_number",
    "save_values",
    "validate_entries",
]


class InvalidValue(DomainError):
    """A value that cannot be saved; ``code`` says why, ``details["findings"]`` everything."""

    code = "invalid_value"


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


def _stored_values(submission: Submission) -> dict[tuple[int, str], DataValue]:
    """The report's values by (indicator id, cell key), in one query."""
    values = DataValue.objects.filter(
        partnership_id=submission.partnership_id, period=submission.period
    )
    return {(v.indicator_id, v.cell): v for v in values}


def _validate(submission: Submission, entries: list, stored: dict):
    """The whole pipeline over ``entries``, with the report's stored values as context.

    One registry per call: a few queries, cheap next to the saves it guards.
    """
    registry = Registry.load(submission.partnership.initiative, [submission.partnership_id])
    validator = Validator(registry, today=validation.today())
    findings = validator.check_submission(submission, entries, context=list(stored.values()))
    return findings, validator


def validate_entries(*, actor, submission: Submission, entries: list[Entry]) -> list[Finding]:
    """What saving ``entries`` would find — errors and warnings — without writing anything.

    For the data-entry grid's inline validation: the same checks as ``save_values`` (a locked
    report is a ``submission_locked`` finding here, not an exception).
    """
    submission = Submission.objects.select_related("partnership__initiative").get(pk=submission.pk)
    partnership = submission.partnership
    authorize(actor, partnership.initiative, lambda a: a.can_enter_data(partnership))
    return _validate(submission, list(entries), _stored_values(submission))[0]


def _flags_by_entry(findings: list[Finding], count: int) -> list[list[dict]]:
    """Each entry's warnings, as its value's ``flags`` keep them.

    Warnings about the whole report (``late``) are not copied onto every value: timeliness is
    the report's, and the completeness page reads it from the dates.
    """
    flags = [[] for _ in range(count)]
    for finding in findings:
        if finding.index is not None and not finding.is_error:
            flags[finding.index].append({"code": finding.code, "message": finding.message})
    return flags


@transaction.atomic
def save_values(*, actor, submission: Submission, entries: list[Entry]) -> list[DataValue]:
    """Create or update values of an editable submission; all or nothing, each audited.

    The entries are validated first, together with the values the report already holds: any
    error raises ``InvalidValue`` with the first error's code and message and every finding in
    ``details["findings"]``; warnings are stored in each value's ``flags``. A value the data
    manager already approved stays locked; a changed value goes back to review.
    """
    submission = (
        Submission.objects.select_for_update()
        .select_related("partnership__initiative")
        .get(pk=submission.pk)
    )
    partnership = submission.partnership
    authorize(actor, partnership.initiative, lambda a: a.can_enter_data(partnership))
    if submission.status not in EDITABLE:
        raise InvalidTransition(
            f"The {submission.period} report is {submission.get_status_display().lower()}: "
            "it cannot be changed now.",
            code="submission_locked",
        )
    entries = list(entries)
    stored = _stored_values(submission)
    findings, validator = _validate(submission, entries, stored)
    errors = [f for f in findings if f.is_error]
    if errors:
        raise InvalidValue(
            errors[0].message,
            code=errors[0].code,
            details={"findings": [asdict(f) for f in findings]},
        )
    return [
        _save_one(actor, submission, entry, validator.indicator(entry.indicator), flags, stored)
        for entry, flags in zip(entries, _flags_by_entry(findings, len(entries)), strict=True)
    ]


def _save_one(actor, submission, entry, indicator, flags: list[dict], stored: dict) -> DataValue:
    """Write one validated entry of ``indicator`` (create or update) and its audit event."""
    key, _pairs = canonical_cell(entry.cell)
    existing = stored.get((indicator.pk, key))
    if existing and existing.review_state == ReviewState.APPROVED:
        raise InvalidTransition(
            f"{indicator.name} [{key or 'total'}] is approved: it cannot be changed.",
            code="value_locked",
        )
    before = audit.snapshot(existing, VALUE_FIELDS) if existing else None
    value = existing or DataValue(
        submission=submission,
        indicator=indicator,
        partnership=submission.partnership,
        period=submission.period,
        cell=key,
    )
    for name in NUMBER_FIELDS:
        setattr(value, name, as_stored(name, to_decimal(getattr(entry, name))))
    value.censor = entry.censor or ""
    # Only a narrative's text is checked; a stray None elsewhere must not reach a NOT NULL column.
    value.text = entry.text if isinstance(entry.text, str) else ""
    value.comment = "" if entry.comment is None else str(entry.comment)
    after = audit.snapshot(value, VALUE_FIELDS)
    if before == after:
        if value.flags != flags:
            # The same value judged again (its partner's history changed): refresh the
            # warnings, which are derived, without an audit event or a new review.
            value.flags = flags
            value.save(update_fields=["flags"])
        return value
    value.flags = flags
    value.review_state = ReviewState.PENDING
    value.save()
    stored[(indicator.pk, key)] = value
    audit.record(
        actor=actor,
        action="value.saved",
        obj=value,
        initiative=submission.partnership.initiative,
        before=before,
        after={**after, "flags": flags},
    )
    return value
