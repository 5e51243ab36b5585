"""Checks of a valid file against what the database already holds, before anything is written.

A file can be right on its own and still clash with the initiative it updates: an organization
that already takes part under another partner code, an indicator whose frequency or
dimensions would no longer fit the data partners have already reported, or goals and strategies
that would change while the common agenda is adopted or before the steering committee.
"""

from commonground.action.agenda.rules import goals_locked_reason
from commonground.action.models import Goal, Strategy
from commonground.initiatives.models import Initiative, Organization, Partnership
from commonground.measurement.cells import parse_cell_key
from commonground.measurement.framework.errors import Problem
from commonground.measurement.framework.reader import join
from commonground.measurement.framework.specs import FrameworkSpec
from commonground.measurement.models import DataValue, Indicator


def find_conflicts(spec: FrameworkSpec) -> list[Problem]:
    """Problems between ``spec`` and the stored initiative of the same slug (none if new)."""
    initiative = Initiative.objects.filter(slug=spec.initiative.code).first()
    if initiative is None:
        return []
    return [
        *_partner_conflicts(spec, initiative),
        *_indicator_conflicts(spec, initiative),
        *_goal_conflicts(spec, initiative),
    ]


def _partner_conflicts(spec, initiative):
    # Two partnerships of one initiative cannot share an organization.
    code_of_organization = dict(
        Partnership.objects.filter(initiative=initiative).values_list("organization_id", "code")
    )
    names = [partner.organization["name"] for partner in spec.partners]
    organizations = dict(Organization.objects.filter(name__in=names).values_list("name", "pk"))
    for partner in spec.partners:
        name = partner.organization["name"]
        other = code_of_organization.get(organizations.get(name), partner.code)
        if other != partner.code:
            yield Problem(
                partner.line_of("name"),
                join(partner.path, "name"),
                f"'{name}' already takes part in this initiative as partner '{other}'",
            )


def _indicator_conflicts(spec, initiative):
    """Reported data fixes an indicator's frequency and the dimensions its cells use."""
    stored = {
        indicator.code: indicator
        for indicator in Indicator.objects.filter(
            initiative=initiative, code__in=[i.code for i in spec.indicators]
        ).prefetch_related("dimensions")
    }
    for indicator in spec.indicators:
        current = stored.get(indicator.code)
        if current is None or not DataValue.objects.filter(indicator=current).exists():
            continue
        frequency = indicator.fields["frequency"]
        if frequency != current.frequency:
            yield Problem(
                indicator.line_of("frequency"),
                join(indicator.path, "frequency"),
                f"cannot change from {current.frequency} to {frequency}: "
                "partners have already reported data for this indicator",
            )
        kept = {ref.code for ref in indicator.dimensions}
        removed = {d.code for d in current.dimensions.all()} - kept
        if removed:
            cells = DataValue.objects.filter(indicator=current).exclude(cell="")
            used = {
                dim
                for key in cells.values_list("cell", flat=True).distinct()
                for dim in parse_cell_key(key)
            }
            for code in sorted(removed & used):
                yield Problem(
                    indicator.line_of("dimensions"),
                    join(indicator.path, "dimensions"),
                    f"'{code}' cannot be removed: reported data is broken down by it",
                )


# The keys compared, in file order, so that a problem names the first key that differs.
GOAL_KEYS = ("title", "horizon", "description", "indicators", "retired", "sort_order")
STRATEGY_KEYS = ("goal", "title", "description", "indicators", "retired", "sort_order")


def _goal_conflicts(spec, initiative):
    """Goals and strategies change only with a draft of the agenda (``action.agenda.rules``);
    a file that would change them at another time is refused where it differs."""
    if not spec.goals:
        return
    reason = goals_locked_reason(initiative)
    if reason is None:
        return
    goals = {
        goal.code: goal
        for goal in Goal.objects.filter(initiative=initiative).prefetch_related("indicators")
    }
    strategies = {
        strategy.code: strategy
        for strategy in Strategy.objects.filter(initiative=initiative)
        .select_related("goal")
        .prefetch_related("indicators")
    }
    for goal in spec.goals:
        yield from _differs(goal, GOAL_KEYS, goals.get(goal.code), {}, reason)
        for strategy in goal.strategies:
            stored = strategies.get(strategy.code)
            yield from _differs(strategy, STRATEGY_KEYS, stored, {"goal": goal.code}, reason)


def _differs(entry, keys, stored, extra: dict, reason: str):
    """A problem where ``entry`` differs from the ``stored`` goal or strategy (or is new)."""
    if stored is None:
        yield Problem(entry.line, entry.path, f"cannot be added now: {reason}")
        return
    wanted = {
        **entry.fields,
        **extra,
        "indicators": sorted(ref.code for ref in entry.indicators),
        "retired": entry.fields["is_retired"],
    }
    current = {
        "title": stored.title,
        "horizon": getattr(stored, "horizon", None),
        "description": stored.description,
        "indicators": sorted(i.code for i in stored.indicators.all()),
        "retired": stored.is_retired,
        "sort_order": stored.sort_order,
        "goal": stored.goal.code if isinstance(stored, Strategy) else None,
    }
    for key in keys:
        if wanted[key] != current[key]:
            # A strategy's goal is where it is written, not a key of its own.
            path = entry.path if key == "goal" else join(entry.path, key)
            yield Problem(entry.line_of(key), path, f"cannot change now: {reason}")
            return
