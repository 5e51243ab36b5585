"""Which values an export holds: the approved ones (SPEC §3.1.8), optionally filtered.

Only a value the data manager approved (``review_state == approved``) leaves the system; a draft,
submitted, returned or reopened value never does. Rows are read in chunks through
``QuerySet.iterator`` as plain tuples, so memory stays flat however many values there are, and
in a fixed order (indicator, partner, period, cell), so the same data gives the same file.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from commonground.core.errors import DomainError
from commonground.measurement.models import DataValue, Indicator, ReviewState
from commonground.measurement.periods import PeriodError, parse_period_for

CHUNK = 2000
PROGRESS_EVERY = 10_000
SKIPPED_KEPT = 200  # skipped values kept with their reason; the rest are only counted
FIELDS = (
    "indicator__code",
    "partnership__code",
    "period",
    "cell",
    "value",
    "numerator",
    "denominator",
    "censor",
    "text",
    "comment",
    "indicator__value_type",
)


class ExportError(DomainError):
    """An export that cannot be made as asked (an unknown filter, an unwritable format)."""

    code = "invalid_export"


@dataclass(frozen=True)
class ExportFilters:
    """What to export; an empty filter means all."""

    period: str = ""
    indicator: str = ""
    partner: str = ""

    def describe(self) -> str:
        parts = [
            f"{name} {value}"
            for name, value in (
                ("period", self.period),
                ("indicator", self.indicator),
                ("partner", self.partner),
            )
            if value
        ]
        return ", ".join(parts) or "all approved values"


@dataclass(frozen=True)
class ExportRow:
    """One approved value as the writers need it."""

    indicator: str
    partner: str
    period: str
    cell: str
    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    censor: str
    text: str
    comment: str
    value_type: str

    @property
    def is_rate(self) -> bool:
        return self.value_type == Indicator.ValueType.RATE

    @property
    def is_narrative(self) -> bool:
        return self.value_type == Indicator.ValueType.NARRATIVE


@dataclass(frozen=True)
class Skipped:
    """A value an export could not write, and why."""

    row: ExportRow
    reason: str


@dataclass
class ExportReport:
    """What an export wrote and skipped, filled in as it streams.

    ``progress`` (optional) is called with the number of values written so far, every
    ``PROGRESS_EVERY`` values.
    """

    written: int = 0
    skipped: list[Skipped] = field(default_factory=list)  # the first SKIPPED_KEPT
    skipped_count: int = 0
    progress: Callable[[int], None] | None = None

    def wrote(self) -> None:
        self.written += 1
        if self.progress is not None and self.written % PROGRESS_EVERY == 0:
            self.progress(self.written)

    def skip(self, row: ExportRow, reason: str) -> None:
        self.skipped_count += 1
        if len(self.skipped) < SKIPPED_KEPT:
            self.skipped.append(Skipped(row, reason))


ALL = ExportFilters()


def check_filters(initiative, filters: ExportFilters) -> ExportFilters:
    """The filters, trimmed; ``ExportError`` naming a filter that matches nothing it could."""
    filters = ExportFilters(
        period=filters.period.strip(),
        indicator=filters.indicator.strip(),
        partner=filters.partner.strip(),
    )
    if filters.period:
        try:
            parse_period_for(initiative, filters.period)
        except PeriodError as error:
            raise ExportError(str(error), code="unknown_period") from None
    if filters.indicator and not initiative.indicators.filter(code=filters.indicator).exists():
        raise ExportError(
            _("There is no indicator '%(code)s' in this initiative.") % {"code": filters.indicator},
            code="unknown_indicator",
        )
    if filters.partner and not initiative.partnerships.filter(code=filters.partner).exists():
        raise ExportError(
            _("There is no partner '%(code)s' in this initiative.") % {"code": filters.partner},
            code="unknown_partner",
        )
    return filters


def approved_queryset(initiative, filters: ExportFilters):
    values = DataValue.objects.filter(
        indicator__initiative=initiative,
        partnership__initiative=initiative,
        review_state=ReviewState.APPROVED,
    )
    if filters.period:
        values = values.filter(period=filters.period)
    if filters.indicator:
        values = values.filter(indicator__code=filters.indicator)
    if filters.partner:
        values = values.filter(partnership__code=filters.partner)
    return values


def approved_values(initiative, filters: ExportFilters = ALL) -> Iterator[ExportRow]:
    """The approved values, in a fixed order, read in chunks."""
    rows = (
        approved_queryset(initiative, filters)
        .order_by("indicator__sort_order", "indicator__code", "partnership__code", "period", "cell")
        .values_list(*FIELDS)
    )
    for row in rows.iterator(chunk_size=CHUNK):
        yield ExportRow(*row)


def count_approved(initiative, filters: ExportFilters = ALL) -> int:
    return approved_queryset(initiative, filters).count()


def plain_number(number: Decimal | None) -> str:
    """``Decimal('47.700000')`` → ``'47.7'``, ``Decimal('100.000000')`` → ``'100'``; no exponent."""
    if number is None:
        return ""
    text = format(number.normalize(), "f")
    return "0" if text in ("-0", "0") else text
