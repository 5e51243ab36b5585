"""Rules across the values of one report: numerator ≤ denominator, duplicates, cells vs total.

The set checked is the entries being saved together with the values already stored in the
report (``context``): saving one cell from the grid must still be compared with the total saved
yesterday. A finding is reported only when it involves at least one of the new entries, so an
old inconsistency never blocks an unrelated save.

Cells vs total. For each cell and each of its dimensions, the cell's *parent* is the same cell
with that dimension taken away — or, in a hierarchy (a city under its county), replaced by the
value's parent. The cells sharing a parent and a dimension are one breakdown of the parent:
for values that add up (counts, amounts; for rates the numerators and the denominators apart)
their sum may not exceed the parent's number. When the indicator's breakdown is declared
complete the sum must equal it — but only once every group of the dimension is given and none
is censored: while a partner is still typing the groups in, or when one is a bound such as
``<10``, only "not more than the total" can be checked. Censored numbers are bounds, not
numbers: they are left out of the sums, and a censored parent is not compared at all.
"""

from collections import defaultdict
from decimal import Decimal

from django.utils.translation import gettext as _

from commonground.measurement.cells import cell_key
from commonground.measurement.validation.findings import Finding, error
from commonground.measurement.validation.numbers import show
from commonground.measurement.validation.registry import Registry
from commonground.measurement.validation.rules import ADDITIVE, VT, Checked


def numerator_above_denominator(registry: Registry, checked: Checked) -> list[Finding]:
    numerator, denominator = checked.numerator, checked.denominator
    if (
        checked.indicator.value_type != VT.RATE
        or checked.censor
        or numerator is None
        or denominator is None
        or numerator <= denominator
    ):
        return []
    message = _(
        "%(label)s: the numerator (%(numerator)s) is larger than the denominator (%(denominator)s)."
    ) % {
        "label": registry.label(checked.indicator, checked.pairs),
        "numerator": show(numerator),
        "denominator": show(denominator),
    }
    return [error("numerator_above_denominator", message, "numerator", checked.index)]


def duplicates(registry: Registry, entries: list[Checked]) -> tuple[list[Finding], set]:
    """One ``duplicate_value`` per (indicator, cell) given more than once, and those keys."""
    seen, repeated = {}, {}
    for checked in entries:
        key = (checked.indicator.pk, checked.key)
        if key in seen:
            repeated.setdefault(key, checked)
        else:
            seen[key] = checked
    findings = []
    for checked in repeated.values():
        message = _("%(label)s is given more than once.") % {
            "label": registry.label(checked.indicator, checked.pairs)
        }
        findings.append(error("duplicate_value", message, "cell", checked.index))
    return findings, set(repeated)


def cells_vs_total(
    registry: Registry, entries: list[Checked], context: list[Checked]
) -> list[Finding]:
    """Breakdowns that add up to more than their parent, or (complete) to something else."""
    by_key = {(c.indicator.pk, c.key): c for c in context}
    by_key.update({(c.indicator.pk, c.key): c for c in entries})
    groups = defaultdict(list)
    for checked in by_key.values():
        if checked.indicator.value_type not in ADDITIVE:
            continue
        for dim, value in checked.pairs.items():
            parent_value = registry.value_parents.get((dim, value))
            parent_pairs = {d: v for d, v in checked.pairs.items() if d != dim}
            if parent_value is not None:
                parent_pairs[dim] = parent_value
            groups[(checked.indicator.pk, cell_key(parent_pairs), dim, parent_value)].append(
                checked
            )
    findings = []
    for (indicator_id, parent_key, dim, parent_value), members in groups.items():
        parent = by_key.get((indicator_id, parent_key))
        if parent is None:
            continue
        involved = [c.index for c in (parent, *members) if c.index is not None]
        if not involved:
            continue
        # The parent's own index when it is new, else the first new group member's.
        index = parent.index if parent.index is not None else min(involved)
        given = {c.pairs[dim] for c in members}
        everyone = registry.siblings.get((dim, parent_value), frozenset())
        complete = parent.indicator.breakdown_complete and given >= everyone
        fields = (
            ("numerator", "denominator") if parent.indicator.value_type == VT.RATE else ("value",)
        )
        for field in fields:
            finding = _compare(registry, parent, members, field, dim, parent_value, complete, index)
            if finding:
                findings.append(finding)
    return findings


def _compare(registry, parent, members, field, dim, parent_value, complete, index):
    whole = parent.number(field)
    if whole is None:
        return None
    exact = [c.number(field) for c in members]
    total = sum((n for n in exact if n is not None), start=Decimal(0))
    if total > whole:
        code = "cells_exceed_total"
        template = _(
            "%(label)s: the %(parts)s %(by)s add up to %(sum)s, more than %(whole)s (%(number)s)."
        )
    elif complete and None not in exact and total != whole:
        code = "cells_differ_from_total"
        template = _(
            "%(label)s: the %(parts)s %(by)s add up to %(sum)s, not to %(whole)s (%(number)s); "
            "this indicator's groups must add up exactly."
        )
    else:
        return None
    message = template % {
        "label": registry.label(parent.indicator, parent.pairs),
        "parts": _parts(field),
        "by": _by(registry, dim, parent_value),
        "sum": show(total),
        "whole": _whole(registry, parent, field),
        "number": show(whole),
    }
    return error(code, message, field, index)


def _parts(field: str) -> str:
    return {"value": _("values"), "numerator": _("numerators"), "denominator": _("denominators")}[
        field
    ]


def _by(registry: Registry, dim: str, parent_value: str | None) -> str:
    dimension = registry.dimension_names.get(dim, dim)
    if parent_value is None:
        return _("by %(dimension)s") % {"dimension": dimension}
    return _("within %(group)s (by %(dimension)s)") % {
        "group": registry.value_names.get((dim, parent_value), parent_value),
        "dimension": dimension,
    }


def _whole(registry: Registry, parent: Checked, field: str) -> str:
    if not parent.pairs:
        return {
            "value": _("the total"),
            "numerator": _("the total's numerator"),
            "denominator": _("the total's denominator"),
        }[field]
    group = registry.cell_label(parent.pairs)
    return {
        "value": _("the value for %(group)s"),
        "numerator": _("the numerator for %(group)s"),
        "denominator": _("the denominator for %(group)s"),
    }[field] % {"group": group}
