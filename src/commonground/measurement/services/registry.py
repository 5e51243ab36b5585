"""The indicator registry: indicators, their targets and series breaks, who reports them.

Every rule the framework loader applies to a file (docs/framework-file.md, "Rules") is applied
here too, so a registry edited on the pages always exports to a file that loads back: codes,
lengths and number sizes, the combinations of fields that cannot work together, periods of the
indicator's frequency, target cells over its own dimensions, and what reported data fixes (the
frequency, and the dimensions its cells use).

Each function checks the actor's permission itself, runs in one transaction and writes an audit
event with the state before and after.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from commonground.core import audit
from commonground.core.access import access_for
from commonground.core.authorization import authorize
from commonground.core.errors import DomainError
from commonground.core.permissions import Perm
from commonground.initiatives.models import Initiative, Organization, Partnership, WorkingGroup
from commonground.measurement.cells import CellError, check_cell, parse_cell_key
from commonground.measurement.framework import FrameworkError, LoadResult, load_framework_text
from commonground.measurement.framework.apply import state as framework_state
from commonground.measurement.framework.reader import Reader, compose

# The loader's own check of a number's size, so the two can never disagree.
from commonground.measurement.framework.reader import _misfit as number_misfit
from commonground.measurement.framework.validate import read_framework
from commonground.measurement.models import (
    DataValue,
    ExternalCode,
    Indicator,
    ReportingAssignment,
    SeriesBreak,
    Target,
)
from commonground.measurement.periods import Frequency, PeriodError, parse_period_for

CODE = re.compile(r"^[-a-zA-Z0-9_]+\Z")
# Deadlines longer than this are surely typing mistakes (and would overflow date arithmetic).
MAX_DEADLINE_DAYS = 3660
# Plain model fields an indicator form sets (references and lists are separate).
INDICATOR_FIELDS = [
    "code",
    "name",
    "definition",
    "level",
    "performance_kind",
    "role",
    "unit",
    "value_type",
    "scale_factor",
    "polarity",
    "aggregation",
    "cumulative",
    "breakdown_complete",
    "frequency",
    "data_source",
    "baseline_period",
    "baseline_value",
    "min_value",
    "max_value",
    "decimals",
    "is_published",
    "deadline_days",
    "sort_order",
]
TEXT_FIELDS = ["code", "name", "definition", "unit", "data_source", "baseline_period"]


class InvalidIndicator(DomainError):
    """An indicator that cannot be saved; ``details["problems"]`` lists ``{field, message}``.

    ``field`` is a model field name, or ``targets.N.period`` / ``series_breaks.N.note`` for the
    N-th row of a list (counted from 0).
    """

    code = "invalid_indicator"


@dataclass(frozen=True)
class TargetRow:
    period: str
    value: Decimal
    cell: str = ""  # canonical cell key (``race=black``), "" for the total


@dataclass(frozen=True)
class BreakRow:
    period: str
    note: str


@dataclass
class IndicatorData:
    """What a person entered for one indicator.

    ``fields`` holds ``INDICATOR_FIELDS`` (missing ones take the model's default) plus
    ``predicts`` and ``owner_group`` (objects or ``None``). ``targets`` and ``series_breaks``
    of ``None`` leave the stored lists as they are.
    """

    fields: dict
    dimensions: list = field(default_factory=list)
    shared_by_groups: list = field(default_factory=list)
    targets: list[TargetRow] | None = None
    series_breaks: list[BreakRow] | None = None


def _may_manage(access) -> bool:
    return access.has(Perm.MANAGE_INDICATORS)


# Checks ---------------------------------------------------------------------------------------


class _Problems:
    def __init__(self):
        self.items: list[dict] = []

    def add(self, name: str, message: str) -> None:
        self.items.append({"field": name, "message": str(message)})

    def raise_any(self) -> None:
        if self.items:
            first = self.items[0]["message"]
            more = len(self.items) - 1
            message = (
                first
                if not more
                else _("%(first)s (and %(n)d more problems)")
                % {
                    "first": first,
                    "n": more,
                }
            )
            raise InvalidIndicator(message, details={"problems": self.items})


def _model_field(name):
    return Indicator._meta.get_field(name)


def _check_number(problems, name, value, model_field, *, positive=False):
    if value is None:
        return
    if positive and value <= 0:
        problems.add(name, _("Must be more than 0."))
        return
    misfit = number_misfit(Decimal(value), model_field.max_digits, model_field.decimal_places)
    if misfit:
        problems.add(name, _("This number %(why)s.") % {"why": misfit})


def _period(problems, name, initiative, code, frequency) -> str | None:
    try:
        return parse_period_for(initiative, code, frequency).code
    except PeriodError as error:
        problems.add(name, str(error))
        return None


def _has_data(indicator: Indicator | None) -> bool:
    return indicator is not None and DataValue.objects.filter(indicator=indicator).exists()


def _dimensions_used_by_data(indicator: Indicator) -> set[str]:
    cells = DataValue.objects.filter(indicator=indicator).exclude(cell="")
    return {
        dim
        for key in cells.values_list("cell", flat=True).distinct()
        for dim in parse_cell_key(key)
    }


def check_indicator(initiative: Initiative, data: IndicatorData, indicator=None) -> list[dict]:
    """Every reason ``data`` cannot be saved (as ``{field, message}``); empty if it can.

    ``indicator`` is the stored indicator being changed, ``None`` for a new one.
    """
    problems = _Problems()
    f = data.fields
    _check_plain_fields(problems, initiative, f, indicator)
    _check_combinations(problems, f)
    _check_references(problems, initiative, data, indicator)
    if f["frequency"] not in Frequency.values:
        return problems.items  # periods cannot be checked against an unknown frequency
    frequency = f["frequency"]
    if f["baseline_value"] is not None and not f["baseline_period"]:
        problems.add("baseline_period", _("Give the period of the baseline value."))
    if f["baseline_period"]:
        _period(problems, "baseline_period", initiative, f["baseline_period"], frequency)
    allowed = {dim.code: {v.code for v in dim.values.all()} for dim in data.dimensions}
    if data.targets is not None:
        _check_targets(problems, initiative, data.targets, frequency, allowed)
    elif indicator is not None:
        _check_stored_lists(problems, initiative, indicator, frequency, allowed, "targets")
    if data.series_breaks is not None:
        _check_breaks(problems, initiative, data.series_breaks, frequency)
    elif indicator is not None:
        _check_stored_lists(problems, initiative, indicator, frequency, allowed, "series_breaks")
    if indicator is not None and _has_data(indicator):
        _check_against_data(problems, f, data, indicator)
    if indicator is not None:
        _check_external_codes(problems, f, indicator)
    return problems.items


def _check_plain_fields(problems, initiative, f, indicator):
    code = f["code"]
    if not code or not CODE.match(code) or len(code) > 60:
        problems.add(
            "code", _("Use at most 60 letters, digits, '-' and '_' (no spaces), e.g. grad_rate.")
        )
    elif (
        Indicator.objects.filter(initiative=initiative, code=code)
        .exclude(pk=getattr(indicator, "pk", None))
        .exists()
    ):
        problems.add(
            "code", _("Another indicator already has the code '%(code)s'.") % {"code": code}
        )
    if not f["name"].strip():
        problems.add("name", _("Give the indicator a name."))
    for name in ("name", "unit", "data_source"):
        limit = _model_field(name).max_length
        if len(f[name]) > limit:
            problems.add(name, _("At most %(n)d characters.") % {"n": limit})
    for name in ("level", "role", "value_type", "polarity", "aggregation", "frequency"):
        if f[name] not in dict(_model_field(name).choices):
            problems.add(name, _("Choose one of the options."))
    if f["performance_kind"] and f["performance_kind"] not in Indicator.PerformanceKind.values:
        problems.add("performance_kind", _("Choose one of the options."))
    _check_number(
        problems, "scale_factor", f["scale_factor"], _model_field("scale_factor"), positive=True
    )
    if f["scale_factor"] is None:
        problems.add("scale_factor", _("Give the scale factor (1 if none)."))
    for name in ("baseline_value", "min_value", "max_value"):
        _check_number(problems, name, f[name], _model_field(name))
    low, high = f["min_value"], f["max_value"]
    if low is not None and high is not None and high < low:
        problems.add("max_value", _("The highest plausible value is below the lowest."))
    if f["decimals"] is None or not 0 <= f["decimals"] <= 6:
        problems.add("decimals", _("Between 0 and 6."))
    if f["deadline_days"] is None or not 0 <= f["deadline_days"] <= MAX_DEADLINE_DAYS:
        problems.add("deadline_days", _("Between 0 and %(n)d days.") % {"n": MAX_DEADLINE_DAYS})
    if f["sort_order"] is None or f["sort_order"] < 0:
        problems.add("sort_order", _("A whole number, 0 or more."))


def _check_combinations(problems, f):
    """The combinations the loader refuses (framework/indicators.py ``_check_rules``)."""
    if f["performance_kind"] and f["level"] != Indicator.Level.PERFORMANCE:
        problems.add(
            "performance_kind",
            _(
                "Only performance measures have a kind: choose “Performance measure” as the level, "
                "or leave this empty."
            ),
        )
    if (
        f["aggregation"] == Indicator.Aggregation.RATIO_OF_SUMS
        and f["value_type"] != Indicator.ValueType.RATE
    ):
        problems.add(
            "aggregation",
            _("A ratio of sums needs a rate (partners report a numerator and a denominator)."),
        )
    if (
        f["value_type"] == Indicator.ValueType.NARRATIVE
        and f["aggregation"] != Indicator.Aggregation.NONE
    ):
        problems.add(
            "aggregation",
            _("Narratives are words: they cannot be combined. Choose “Not aggregated”."),
        )


def _check_references(problems, initiative, data, indicator):
    f = data.fields
    predicts = f.get("predicts")
    if predicts is not None:
        if f["role"] != Indicator.Role.CONTRIBUTING:
            problems.add(
                "predicts", _("Only a contributing indicator predicts another: leave this empty.")
            )
        elif predicts.initiative_id != initiative.pk:
            problems.add("predicts", _("Choose an indicator of this initiative."))
        elif predicts.role != Indicator.Role.CORE or (indicator and predicts.pk == indicator.pk):
            problems.add(
                "predicts", _("'%(code)s' is not a core indicator.") % {"code": predicts.code}
            )
    if (
        indicator is not None
        and f["role"] != Indicator.Role.CORE
        and indicator.role == Indicator.Role.CORE
        and Indicator.objects.filter(predicts=indicator).exists()
    ):
        names = ", ".join(
            Indicator.objects.filter(predicts=indicator).values_list("code", flat=True)
        )
        problems.add(
            "role",
            _("Contributing indicators predict this one (%(names)s): it must stay core.")
            % {"names": names},
        )
    owner = f.get("owner_group")
    if owner is not None and owner.initiative_id != initiative.pk:
        problems.add("owner_group", _("Choose a working group of this initiative."))
    if any(g.initiative_id != initiative.pk for g in data.shared_by_groups):
        problems.add("shared_by_groups", _("Choose working groups of this initiative."))
    if any(d.initiative_id != initiative.pk for d in data.dimensions):
        problems.add("dimensions", _("Choose dimensions of this initiative."))


def _check_targets(problems, initiative, targets, frequency, allowed):
    seen = set()
    cell_length = Target._meta.get_field("cell").max_length
    for index, row in enumerate(targets):
        where = f"targets.{index}"
        period = _period(problems, f"{where}.period", initiative, row.period, frequency)
        try:
            check_cell(row.cell, allowed)
        except CellError as error:
            problems.add(f"{where}.cell", str(error))
        else:
            if len(row.cell) > cell_length:
                problems.add(f"{where}.cell", _("This group names too many dimensions."))
        _check_number(problems, f"{where}.value", row.value, Target._meta.get_field("value"))
        if period is not None and (period, row.cell) in seen:
            problems.add(
                f"{where}.period",
                _("There is already a target for %(period)s and this group.") % {"period": period},
            )
        seen.add((period, row.cell))


def _check_breaks(problems, initiative, breaks, frequency):
    seen = set()
    note_length = SeriesBreak._meta.get_field("note").max_length
    for index, row in enumerate(breaks):
        where = f"series_breaks.{index}"
        period = _period(problems, f"{where}.period", initiative, row.period, frequency)
        if not row.note.strip():
            problems.add(f"{where}.note", _("Say what changed in the way it is measured."))
        elif len(row.note) > note_length:
            problems.add(f"{where}.note", _("At most %(n)d characters.") % {"n": note_length})
        if period is not None and period in seen:
            problems.add(f"{where}.period", _("%(period)s is listed twice.") % {"period": period})
        seen.add(period)


def _check_stored_lists(problems, initiative, indicator, frequency, allowed, which):
    """Stored targets or breaks must still fit a changed frequency or set of dimensions."""
    rows = indicator.targets.all() if which == "targets" else indicator.breaks.all()
    for row in rows:
        try:
            parse_period_for(initiative, row.period, frequency)
        except PeriodError:
            problems.add(
                "frequency",
                _("The %(what)s for %(period)s is of another frequency: change or remove it first.")
                % {
                    "what": _("target") if which == "targets" else _("series break"),
                    "period": row.period,
                },
            )
            continue
        if which == "targets":
            try:
                check_cell(row.cell, allowed)
            except CellError:
                problems.add(
                    "dimensions",
                    _(
                        "The target for %(period)s is for a group of a dimension you removed: "
                        "change or remove it first."
                    )
                    % {"period": row.period},
                )


def _check_against_data(problems, f, data, indicator):
    """Reported data fixes the frequency and the dimensions its cells use (``conflicts``)."""
    if f["frequency"] != indicator.frequency:
        problems.add(
            "frequency",
            _("Partners have already reported data by %(frequency)s: the frequency cannot change.")
            % {"frequency": indicator.get_frequency_display().lower()},
        )
    if f["code"] != indicator.code:
        problems.add(
            "code", _("Partners have already reported data under this code: it cannot change.")
        )
    kept = {d.code for d in data.dimensions}
    removed = {d.code for d in indicator.dimensions.all()} - kept
    for code in sorted(removed & _dimensions_used_by_data(indicator)) if removed else ():
        problems.add(
            "dimensions",
            _("'%(code)s' cannot be removed: reported data is broken down by it.") % {"code": code},
        )


def _check_external_codes(problems, f, indicator):
    """DHIS2 data elements name the indicator by code (a rate's parts as ``code.numerator``)."""
    targets = set(
        ExternalCode.objects.filter(
            initiative_id=indicator.initiative_id,
            kind=ExternalCode.Kind.DATA_ELEMENT,
            target__in=[
                indicator.code,
                f"{indicator.code}.numerator",
                f"{indicator.code}.denominator",
            ],
        ).values_list("target", flat=True)
    )
    if not targets:
        return
    if f["code"] != indicator.code:
        problems.add(
            "code", _("DHIS2 codes are mapped to this code (External codes): it cannot change.")
        )
    rate = Indicator.ValueType.RATE
    if (f["value_type"] == rate) != (indicator.value_type == rate):
        problems.add(
            "value_type",
            _(
                "DHIS2 data elements are mapped to this indicator (External codes): it cannot "
                "change between a rate and another type of value."
            ),
        )


# Writing --------------------------------------------------------------------------------------


def _clean(fields: dict) -> dict:
    """Defaults for left-out fields; text with one kind of line break (files keep it so)."""
    clean = {}
    for name in INDICATOR_FIELDS:
        value = fields.get(name, _model_field(name).get_default())
        if name in TEXT_FIELDS:
            # One kind of line break: YAML would read \r and NEL (\x85) back differently.
            value = (value or "").replace("\r\n", "\n").replace("\r", "\n").replace("\x85", "\n")
            if name not in ("definition",):
                value = value.strip()
        clean[name] = value
    clean["predicts"] = fields.get("predicts")
    clean["owner_group"] = fields.get("owner_group")
    return clean


def indicator_state(indicator: Indicator) -> dict:
    """What the audit log keeps of an indicator: the loader's state plus its sharing groups."""
    data = framework_state("indicator", indicator)
    data["shared_by_groups"] = sorted(indicator.shared_by_groups.values_list("code", flat=True))
    return data


def _write(indicator: Indicator, data: IndicatorData) -> None:
    for name, value in data.fields.items():
        setattr(indicator, name, value)
    indicator.save()
    indicator.dimensions.set(data.dimensions)
    indicator.shared_by_groups.set(data.shared_by_groups)
    if data.targets is not None:
        _replace_targets(indicator, data.targets)
    if data.series_breaks is not None:
        _replace_breaks(indicator, data.series_breaks)


def _replace_targets(indicator, targets):
    indicator.targets.all().delete()
    Target.objects.bulk_create(
        Target(
            indicator=indicator,
            period=parse_period_for(indicator.initiative, t.period).code,
            cell=t.cell,
            value=t.value,
        )
        for t in targets
    )


def _replace_breaks(indicator, breaks):
    indicator.breaks.all().delete()
    SeriesBreak.objects.bulk_create(
        SeriesBreak(
            indicator=indicator,
            period=parse_period_for(indicator.initiative, b.period).code,
            note=b.note.strip(),
        )
        for b in breaks
    )


def _prepared(data: IndicatorData) -> IndicatorData:
    targets = data.targets
    if targets is not None:
        targets = [TargetRow(t.period.strip(), t.value, t.cell) for t in targets]
    breaks = data.series_breaks
    if breaks is not None:
        breaks = [
            BreakRow(b.period.strip(), b.note.replace("\r", " ").replace("\n", " ").strip())
            for b in breaks
        ]
    return IndicatorData(
        fields=_clean(data.fields),
        dimensions=list(data.dimensions),
        shared_by_groups=list(data.shared_by_groups),
        targets=targets,
        series_breaks=breaks,
    )


@transaction.atomic
def create_indicator(*, actor, initiative: Initiative, data: IndicatorData) -> Indicator:
    """Add an indicator to the registry, with its lists; refused whole if anything is wrong."""
    authorize(actor, initiative, _may_manage)
    data = _prepared(data)
    problems = _Problems()
    problems.items = check_indicator(initiative, data)
    problems.raise_any()
    indicator = Indicator(initiative=initiative)
    _write(indicator, data)
    audit.record(
        actor=actor,
        action="indicator.created",
        obj=indicator,
        initiative=initiative,
        after=indicator_state(indicator),
    )
    return indicator


@transaction.atomic
def update_indicator(*, actor, indicator: Indicator, data: IndicatorData) -> Indicator:
    """Change an indicator and (when given) its targets and series breaks, all or nothing."""
    indicator = (
        Indicator.objects.select_for_update().select_related("initiative").get(pk=indicator.pk)
    )
    initiative = indicator.initiative
    authorize(actor, initiative, _may_manage)
    data = _prepared(data)
    problems = _Problems()
    problems.items = check_indicator(initiative, data, indicator)
    problems.raise_any()
    before = indicator_state(indicator)
    _write(indicator, data)
    after = indicator_state(indicator)
    if after != before:
        audit.record(
            actor=actor,
            action="indicator.updated",
            obj=indicator,
            initiative=initiative,
            before=before,
            after=after,
        )
    return indicator


def _current_data(indicator: Indicator) -> IndicatorData:
    fields = {name: getattr(indicator, name) for name in INDICATOR_FIELDS}
    fields["predicts"], fields["owner_group"] = indicator.predicts, indicator.owner_group
    return IndicatorData(
        fields=fields,
        dimensions=list(indicator.dimensions.all()),
        shared_by_groups=list(indicator.shared_by_groups.all()),
    )


@transaction.atomic
def set_targets(*, actor, indicator: Indicator, targets: list[TargetRow]) -> Indicator:
    """Replace an indicator's targets (one per period and group)."""
    data = _current_data(indicator)
    data.targets = targets
    return update_indicator(actor=actor, indicator=indicator, data=data)


@transaction.atomic
def set_series_breaks(*, actor, indicator: Indicator, breaks: list[BreakRow]) -> Indicator:
    """Replace the periods from which an indicator is measured differently."""
    data = _current_data(indicator)
    data.series_breaks = breaks
    return update_indicator(actor=actor, indicator=indicator, data=data)


# Reporting assignments ------------------------------------------------------------------------


def _check_assignment(indicator: Indicator, partnership: Partnership, deadline_days) -> None:
    if partnership.initiative_id != indicator.initiative_id:
        raise DomainError(_("That partner is not in this initiative."), code="wrong_initiative")
    if deadline_days is None or not 0 <= deadline_days <= MAX_DEADLINE_DAYS:
        raise DomainError(
            _("The deadline is between 0 and %(n)d days after the period ends.")
            % {"n": MAX_DEADLINE_DAYS},
            code="bad_deadline",
        )


@transaction.atomic
def assign_indicator(
    *, actor, indicator: Indicator, partnership: Partnership, deadline_days: int = 30
) -> ReportingAssignment:
    """Ask a partner to report an indicator, due ``deadline_days`` after each period ends.

    An existing assignment keeps its row and takes the new deadline.
    """
    authorize(actor, indicator.initiative, _may_manage)
    _check_assignment(indicator, partnership, deadline_days)
    assignment = (
        ReportingAssignment.objects.select_for_update()
        .filter(indicator=indicator, partnership=partnership)
        .first()
    )
    if assignment is None:
        assignment = ReportingAssignment.objects.create(
            indicator=indicator, partnership=partnership, deadline_days=deadline_days
        )
        audit.record(
            actor=actor,
            action="assignment.created",
            obj=assignment,
            initiative=indicator.initiative,
            after={
                "indicator": indicator.code,
                "partner": partnership.code,
                "deadline_days": deadline_days,
            },
        )
    elif assignment.deadline_days != deadline_days:
        before = {
            "indicator": indicator.code,
            "partner": partnership.code,
            "deadline_days": assignment.deadline_days,
        }
        assignment.deadline_days = deadline_days
        assignment.save(update_fields=["deadline_days"])
        audit.record(
            actor=actor,
            action="assignment.updated",
            obj=assignment,
            initiative=indicator.initiative,
            before=before,
            after={**before, "deadline_days": deadline_days},
        )
    return assignment


@transaction.atomic
def unassign_indicator(*, actor, indicator: Indicator, partnership: Partnership) -> bool:
    """Stop asking a partner to report an indicator directly; its reported data stays.

    Returns whether there was a direct assignment. A partner still reports the indicator if
    one of its working groups shares it.
    """
    authorize(actor, indicator.initiative, _may_manage)
    assignment = ReportingAssignment.objects.filter(
        indicator=indicator, partnership=partnership
    ).first()
    if assignment is None:
        return False
    before = {
        "indicator": indicator.code,
        "partner": partnership.code,
        "deadline_days": assignment.deadline_days,
    }
    audit.record(
        actor=actor,
        action="assignment.deleted",
        obj=assignment,
        initiative=indicator.initiative,
        before=before,
    )
    assignment.delete()
    return True


@transaction.atomic
def set_assignments(*, actor, indicator: Indicator, wanted: dict) -> int:
    """Assign or unassign many partners at once: ``{partnership: deadline days or None}``.

    ``None`` removes the direct assignment. All or nothing; returns how many changed.
    """
    authorize(actor, indicator.initiative, _may_manage)
    current = dict(
        ReportingAssignment.objects.filter(
            indicator=indicator, partnership__in=list(wanted)
        ).values_list("partnership_id", "deadline_days")
    )
    changed = 0
    for partnership, deadline in wanted.items():
        if deadline is None:
            if partnership.pk in current:
                unassign_indicator(actor=actor, indicator=indicator, partnership=partnership)
                changed += 1
        elif current.get(partnership.pk) != deadline:
            assign_indicator(
                actor=actor, indicator=indicator, partnership=partnership, deadline_days=deadline
            )
            changed += 1
    return changed


# Framework files ------------------------------------------------------------------------------

# What a data manager's file may change; the rest (the initiative's settings, partners and
# organizations, working groups) is the backbone lead's.
REGISTRY_KINDS = {"dimension", "dimension_value", "indicator", "assignment", "external_code"}


def _file_initiative_and_names(text: str, source: str) -> tuple[str | None, list[str]]:
    """The slug and partner names a file names, or ``None`` when it is wrong (the load says why)."""
    try:
        reader = Reader()
        spec = read_framework(compose(text, source), reader)
    except FrameworkError:
        return None, []
    if reader.problems:
        return None, []
    names = [p.organization.get("name") for p in spec.partners]
    return spec.initiative.code, [n for n in names if isinstance(n, str)]


def _shared_organizations(initiative, names) -> dict[int, dict]:
    """Profiles of organizations the file names that also take part in other initiatives."""
    result = {}
    for organization in Organization.objects.filter(name__in=names).prefetch_related(
        "partnerships"
    ):
        if any(p.initiative_id != initiative.pk for p in organization.partnerships.all()):
            result[organization.pk] = audit.snapshot(organization)
    return result


def _group_fields(initiative) -> dict[str, dict]:
    """Working groups without their shared measures (which belong to the registry)."""
    result = {}
    for group in WorkingGroup.objects.filter(initiative=initiative):
        data = audit.snapshot(group)
        data["members"] = sorted(group.partnerships.values_list("code", flat=True))
        result[group.code] = data
    return result


def import_framework(
    *, actor, initiative: Initiative, text: str, source: str = "framework.yaml"
) -> LoadResult:
    """Load a framework file into this initiative (``load_framework_text``), all or nothing.

    The file must describe this initiative (its ``initiative.slug``). People who manage
    indicators may change dimensions, indicators and assignments; a file that would also change
    the initiative's settings, its partners or its working groups needs the backbone lead's
    rights; an organization that also takes part in another initiative is never changed from
    here. Raises ``FrameworkError`` (one line naming line and field) or ``DomainError``.
    """
    authorize(actor, initiative, _may_manage)
    slug, names = _file_initiative_and_names(text, source)
    if slug is not None and slug != initiative.slug:
        raise DomainError(
            _(
                "This file describes the initiative '%(theirs)s', not '%(ours)s'. Change "
                "initiative.slug in the file to %(ours)s to load it here."
            )
            % {"theirs": slug, "ours": initiative.slug},
            code="other_initiative",
        )
    with transaction.atomic():
        shared_before = _shared_organizations(initiative, names)
        groups_before = _group_fields(initiative)
        result = load_framework_text(text, source=source, actor=actor)
        _check_import_scope(actor, initiative, result, shared_before, groups_before)
    return result


def _check_import_scope(actor, initiative, result, shared_before, groups_before):
    """Undo (by raising inside the transaction) a load that went beyond what the actor may do."""
    for pk, before in shared_before.items():
        organization = Organization.objects.get(pk=pk)
        if audit.snapshot(organization) != before:
            raise DomainError(
                _(
                    "The file changes the profile of %(name)s, which also takes part in another "
                    "initiative: change it there, or ask the operator to load the file."
                )
                % {"name": organization.name},
                code="shared_organization",
            )
    if actor is None:
        return
    access = access_for(actor, initiative)
    if access.has(Perm.EDIT_ANY_PARTNER) and access.has(Perm.MANAGE_MEMBERS):
        return  # the backbone lead may change everything a file holds
    beyond = [
        kind
        for kind, counter in result.counts.items()
        if kind not in REGISTRY_KINDS
        and kind != "working_group"
        and (counter["created"] or counter["updated"])
    ]
    if _group_fields(initiative) != groups_before:
        beyond.append("working_group")
    if beyond:
        what = ", ".join(sorted(kind.replace("_", " ") for kind in beyond))
        raise DomainError(
            _(
                "The file changes more than the indicator registry (%(what)s): only the backbone "
                "lead may load it."
            )
            % {"what": what},
            code="beyond_registry",
        )
