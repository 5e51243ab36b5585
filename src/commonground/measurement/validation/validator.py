"""The validation pipeline in the order of SPEC §3.1.5.

Permission is the caller's (the service checks the actor first). Then, for each entry:
consistency → value type and range (with the indicator's min/max as warnings); for the set:
cross-value rules; for the report: timing; and outliers as warnings. Everything runs on a
``Registry`` loaded up front, so checking a row costs no query — the importer relies on it.
"""

from datetime import date

from django.utils.translation import gettext as _

from commonground.measurement.models import Indicator
from commonground.measurement.periods import Period, PeriodError, parse_period_for
from commonground.measurement.validation import crossvalue, outliers, rules
from commonground.measurement.validation.findings import Finding, error, warning
from commonground.measurement.validation.numbers import as_stored, show_rounded, to_decimal
from commonground.measurement.validation.registry import Registry
from commonground.measurement.validation.rules import NUMBER_FIELDS, VT, Checked
from commonground.measurement.validation.timing import check_timing


class Validator:
    """Checks values of one initiative; build one per save, or one per import.

    ``today`` decides timing (default: ``validation.today()``, which tests can replace).
    ``history`` is the partners' approved history for outliers — a mapping
    ``(partnership id, indicator id, cell key) → [(period, number)]`` (plain numbers are taken
    too, without the period and series-break filters) as ``outliers.load_history`` returns;
    without it, each partner's history is read on first need, one query per partner
    (``preload_history`` reads many partners' in one).
    """

    def __init__(self, registry: Registry, *, today: date | None = None, history=None):
        self.registry = registry
        self._today = today
        self._history = dict(history) if history is not None else {}
        self._lazy_history = history is None
        self._history_loaded: set[int] = set()
        self._periods: dict[str, Period | PeriodError] = {}
        self._cells = rules.CellCache()

    # --- shared look-ups ------------------------------------------------------------------------

    @property
    def today(self) -> date:
        if self._today is None:
            # Looked up on the package at call time, so a test's monkeypatch takes effect.
            from commonground.measurement import validation

            self._today = validation.today()
        return self._today

    def period(self, code: str) -> Period | PeriodError:
        """The period of ``code`` with the initiative's year starts, or the error (cached)."""
        if code not in self._periods:
            try:
                self._periods[code] = parse_period_for(self.registry.initiative, code)
            except PeriodError as problem:
                self._periods[code] = problem
        return self._periods[code]

    def _partner(self, partnership):
        """The registry's partnership for a ``Partnership``, an id or a partner code."""
        if isinstance(partnership, str):
            return self.registry.partnerships_by_code.get(partnership)
        # ``id`` rather than ``pk``: the property costs more than the rest of a row's lookups.
        key = partnership if isinstance(partnership, int) else getattr(partnership, "id", None)
        return self.registry.partnerships_by_id.get(key)

    def indicator(self, indicator) -> Indicator | None:
        """The registry's indicator for an ``Indicator`` or a code; None if not in it."""
        if isinstance(indicator, str):
            return self.registry.indicators_by_code.get(indicator)
        return self.registry.indicators_by_id.get(getattr(indicator, "id", None))

    # --- per entry ------------------------------------------------------------------------------

    def check_entry(
        self, partnership, period_code: str, entry, index: int | None = None
    ) -> list[Finding]:
        """Consistency, then value type and range; errors of the first failing step only.

        Warnings (below_min / above_max) come only with a value that has no error.
        """
        return self._check(partnership, period_code, entry, index)[0]

    def check_row(
        self, partnership, period_code: str, entry, index: int | None = None
    ) -> list[Finding]:
        """Everything one entry says about itself: ``check_entry`` and numerator ≤ denominator.

        For the importer, which checks a row at a time; the rules that need other rows
        (duplicates, cells vs total) are ``check_set``'s.
        """
        findings, checked = self._check(partnership, period_code, entry, index)
        if checked is not None and checked.ok:
            findings = findings + crossvalue.numerator_above_denominator(self.registry, checked)
        return findings

    def _check(self, partnership, period_code, entry, index) -> tuple[list, Checked | None]:
        registry = self.registry
        partner = self._partner(partnership)
        if partner is None:
            message = _("There is no partner '%(partner)s' in this initiative.") % {
                "partner": getattr(partnership, "code", partnership)
            }
            return [error("unknown_partner", message, "partner", index)], None
        indicator = self.indicator(getattr(entry, "indicator", None))
        if indicator is None:
            given = getattr(entry, "indicator", None)
            message = _("There is no indicator '%(indicator)s' in this initiative.") % {
                "indicator": getattr(given, "code", given)
            }
            return [error("unknown_indicator", message, "indicator", index)], None
        if (partner.id, indicator.id) not in registry.assignments:
            message = _("%(indicator)s is not one of the indicators %(partner)s reports.") % {
                "indicator": indicator.name,
                "partner": partner,
            }
            return [error("not_assigned", message, "indicator", index)], None
        findings = rules.check_period(indicator, indicator.name, self.period(period_code), index)
        cell_findings, key, pairs = rules.check_cell(
            registry, indicator, entry.cell, index, self._cells
        )
        findings += cell_findings
        if findings:
            return findings, None
        label = registry.lazy_label(indicator, pairs)
        findings, numbers = rules.read_numbers(entry, label, index)
        failed = {f.field for f in findings} if findings else ()
        findings += rules.check_value(indicator, label, entry, numbers, failed, index)
        censor = entry.censor if entry.censor in rules.CENSORS else ""
        checked = Checked(
            indicator, key, pairs, **numbers, censor=censor, ok=not findings, index=index
        )
        if findings:
            return findings, checked
        return rules.check_bounds(indicator, label, checked, index), checked

    # --- the set --------------------------------------------------------------------------------

    def check_set(self, partnership, period_code: str, entries, *, context=()) -> list[Finding]:
        """Each entry (``check_entry``), then the rules across the set.

        ``context``: the report's values already stored (``DataValue`` rows or entries), which
        the cross-value rules take into account where no entry replaces them.
        """
        return self._check_set(partnership, period_code, entries, context)[0]

    def _check_set(self, partnership, period_code, entries, context):
        findings, checked = [], []
        for index, entry in enumerate(entries):
            entry_findings, one = self._check(partnership, period_code, entry, index)
            findings += entry_findings
            if one is not None:
                checked.append(one)
        good = [c for c in checked if c.ok]
        for one in good:
            findings += crossvalue.numerator_above_denominator(self.registry, one)
        duplicate_findings, repeated = crossvalue.duplicates(self.registry, checked)
        findings += duplicate_findings
        replaced = {(c.indicator.pk, c.key) for c in checked}
        stored = [s for s in map(self._stored, context) if s is not None]
        stored = [s for s in stored if (s.indicator.pk, s.key) not in replaced]
        # Entries given twice take no part in sums: which of the two counts is unknowable.
        summed = [c for c in good if (c.indicator.pk, c.key) not in repeated]
        findings += crossvalue.cells_vs_total(self.registry, summed, stored)
        return findings, good

    def _stored(self, value) -> Checked | None:
        """A stored value (or an entry) as context for the cross-value rules; None if unusable."""
        if hasattr(value, "indicator_id"):
            indicator = self.registry.indicators_by_id.get(value.indicator_id)
        else:
            indicator = self.indicator(getattr(value, "indicator", None))
        if indicator is None:
            return None
        try:
            key, pairs = rules.canonical_cell(value.cell)
            numbers = {n: as_stored(n, to_decimal(getattr(value, n, None))) for n in NUMBER_FIELDS}
        except (ValueError, AttributeError):  # CellError, NotANumber and TooLarge among them
            return None
        censor = value.censor if value.censor in rules.CENSORS else ""
        return Checked(indicator, key, pairs, **numbers, censor=censor)

    # --- the report -----------------------------------------------------------------------------

    def check_timing(self, submission, entries=None) -> list[Finding]:
        """``submission_locked`` and ``period_not_ended`` (errors), ``late`` (a warning).

        With ``entries``, only their indicators' deadlines count for ``late``.
        """
        indicator_ids = None
        if entries is not None:
            found = (self.indicator(getattr(e, "indicator", None)) for e in entries)
            indicator_ids = [i.pk for i in found if i is not None]
        return check_timing(
            self.registry, submission, self.period(submission.period), self.today, indicator_ids
        )

    def outliers(self, partnership, period_code: str, entries) -> list[Finding]:
        """``outlier`` warnings for entries far from the partner's own approved history."""
        checked = []
        for index, entry in enumerate(entries):
            one = self._check(partnership, period_code, entry, index)[1]
            if one is not None and one.ok:
                checked.append(one)
        return self._outliers(partnership, period_code, checked)

    def check_submission(self, submission, entries, *, context=()) -> list[Finding]:
        """The whole pipeline for values saved into ``submission``: what ``save_values`` runs.

        Entry rules and cross-value rules, then timing, then outliers of the entries that have
        no error. Errors first, in the order of the steps; warnings with them.
        """
        entries = list(entries)
        findings, good = self._check_set(
            submission.partnership_id, submission.period, entries, context
        )
        findings += self.check_timing(submission, entries)
        findings += self._outliers(submission.partnership_id, submission.period, good)
        return findings

    # --- outliers -------------------------------------------------------------------------------

    def preload_history(self, partnership_ids) -> None:
        """Read the approved history of these partners in one query (for imports)."""
        missing = {getattr(p, "pk", p) for p in partnership_ids} - self._history_loaded
        if self._lazy_history and missing:
            self._history.update(outliers.load_history(self.registry, missing))
            self._history_loaded |= missing

    def _outliers(self, partnership, period_code, checked: list[Checked]) -> list[Finding]:
        partner = self._partner(partnership)
        if partner is None:
            return []
        self.preload_history([partner.pk])
        findings = []
        for one in checked:
            finding = self._outlier(partner.pk, period_code, one)
            if finding is not None:
                findings.append(finding)
        return findings

    def _outlier(self, partner_id, period_code, one: Checked) -> Finding | None:
        indicator = one.indicator
        if indicator.value_type in (VT.YES_NO, VT.NARRATIVE):
            return None
        x = one.measure()
        items = self._history.get((partner_id, indicator.pk, one.key))
        if x is None or not items:
            return None
        breaks = self.registry.breaks.get(indicator.pk, [])
        points = outliers.past_points(items, period_code, breaks)
        if not outliers.is_outlier(outliers.modified_z(x, points)):
            return None
        rate = indicator.value_type == VT.RATE
        message = _(
            "%(label)s: %(what)s %(value)s is far from this partner's usual %(whats)s (typically "
            "%(median)s over %(count)s approved periods). Check it, or explain it in the comment."
        ) % {
            "label": self.registry.label(indicator, one.pairs),
            "what": _("the rate") if rate else _("the value"),
            "whats": _("rates") if rate else _("values"),
            "value": show_rounded(x, indicator.decimals),
            "median": show_rounded(outliers.median(points), indicator.decimals),
            "count": len(points),
        }
        return warning("outlier", message, rules.measured_field(indicator), one.index)
