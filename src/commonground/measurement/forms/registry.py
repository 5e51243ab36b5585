"""Forms of the indicator registry, and the plain words that explain every field and choice.

The forms only read and check what a person typed; the rules that tie fields together (the
framework loader's rules) live in ``services.registry.check_indicator``, whose problems the
views show next to the fields they concern.
"""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from commonground.measurement.cells import cell_key, parse_cell_key
from commonground.measurement.framework.schema import plain_number
from commonground.measurement.models import Dimension, Indicator
from commonground.measurement.services.registry import (
    INDICATOR_FIELDS,
    MAX_DEADLINE_DAYS,
    BreakRow,
    IndicatorData,
    TargetRow,
)

# Plain words for each choice, shown in the form's help and on the indicator's page.
CHOICES_EXPLAINED = {
    "level": {
        "population": _(
            "A condition of the whole community, such as the share of all children in the county "
            "who are ready for kindergarten. No single partner is responsible for it."
        ),
        "performance": _(
            "How well a program or partner does for the people it serves, such as the share of "
            "a tutoring program's students who improve their reading."
        ),
    },
    "performance_kind": {
        "": _("Not a performance measure."),
        "how_much": _("Counts of people served or of activities delivered."),
        "how_well": _(
            "The quality of the service, such as waiting times or the share served on time."
        ),
        "better_off": _(
            "The difference the service made in people's lives, such as the share who found a job."
        ),
    },
    "role": {
        "core": _("One of the initiative's headline outcomes."),
        "contributing": _(
            "An earlier sign of progress that predicts a core outcome (say which one under "
            "“Predicts”)."
        ),
    },
    "value_type": {
        "count": _("A count of people, things or events, such as 120 children enrolled."),
        "rate": _(
            "A share: partners report a numerator and a denominator (945 graduates out of 1,056 "
            "students); the rate is numerator ÷ denominator × the scale factor."
        ),
        "mean": _("An average, such as the average test score of the students served."),
        "amount": _("An amount of money or of something else, such as dollars spent."),
        "score": _("A score on a scale, such as 1 to 5 on a survey."),
        "yes_no": _("Yes or no, such as “has a literacy coach”."),
        "narrative": _("Words: partners describe what happened. Never added up."),
    },
    "polarity": {
        "higher_better": _("Higher is better: a rising line is progress."),
        "lower_better": _("Lower is better: a falling line is progress (e.g. absenteeism)."),
        "neutral": _("Neither: a change is neither good nor bad in itself."),
    },
    "aggregation": {
        "sum": _("Sum: the region's figure is all partners' figures added up (120 + 80 = 200)."),
        "ratio_of_sums": _(
            "Ratio of sums: the region's rate is all partners' numerators added up divided by all "
            "their denominators, never the average of their percentages — so a partner that "
            "counted 1,000 people weighs more than one that counted 10."
        ),
        "weighted_mean": _(
            "Weighted mean: partners' averages are combined giving each the weight of how many "
            "people it counted (its denominator)."
        ),
        "latest": _("Latest value: the most recent figure reported is shown; nothing is added."),
        "max": _("Maximum: the highest figure any partner reported."),
        "min": _("Minimum: the lowest figure any partner reported."),
        "none": _(
            "Not combined: each partner's figure is shown on its own (for narratives, and for "
            "figures that cannot be combined)."
        ),
    },
    "frequency": {
        "annual": _("Once a year, for the calendar year (January to December): 2024."),
        "quarterly": _("Every quarter of the calendar year: 2024Q1 is January to March."),
        "monthly": _("Every month: 2024-03 is March 2024."),
        "school_year": _(
            "Once a school year, starting in the initiative's school-year month: SY2024-25."
        ),
        "fiscal_year": _(
            "Once a fiscal year, starting in the initiative's fiscal-year month and named by the "
            "year it starts in: FY2024."
        ),
    },
}

YES_NO_EXPLAINED = {
    "cumulative": (
        _(
            "Yes: each report is a running total since the start, such as children served so far "
            "this year. To combine partners, each partner's latest report is used — reports are "
            "never added to each other."
        ),
        _("No: each report counts its own period only."),
    ),
    "breakdown_complete": (
        _(
            "Yes: the groups of each breakdown add up exactly to the total (everyone is in one "
            "group), so the groups are checked against the total."
        ),
        _("No: the groups may not add up to the total (some people may be in no group)."),
    ),
    "is_published": (
        _("Yes: shown on the public report card."),
        _("No: seen only by the initiative's members."),
    ),
}

HELP = {
    "code": _(
        "A short name used in data files and links: letters, digits, '-' and '_', no spaces "
        "(e.g. grad_rate). It cannot change once partners have reported data."
    ),
    "name": _("The name people read, e.g. “On-time graduation rate”."),
    "definition": _(
        "Exactly what is counted and how, so that every partner measures it the same way."
    ),
    "level": _("Is it about the whole community, or about how well a program works?"),
    "performance_kind": _("Only for performance measures: which question it answers."),
    "role": _("Is it a headline outcome, or an earlier sign that predicts one?"),
    "predicts": _("Only for contributing indicators: the core indicator it is an early sign of."),
    "unit": _("What the numbers count, shown after them: %, students, dollars."),
    "value_type": _("What kind of number partners report."),
    "scale_factor": _(
        "For rates: the rate is shown as numerator ÷ denominator × this number. Use 100 for a "
        "percentage, 1000 for “per thousand”, 1 otherwise."
    ),
    "polarity": _("Which direction is progress? Trends are called improving or worsening by it."),
    "aggregation": _(
        "How the figures of all partners are combined into one figure for the whole initiative."
    ),
    "cumulative": _(
        "Tick if each report is a running total since the start (such as children served so far "
        "this year): partners' latest reports are then combined, never added up over time."
    ),
    "dimensions": _(
        "The groups partners break their figures down by (race, sex, age, place…). A dimension "
        "that reported data uses cannot be removed."
    ),
    "breakdown_complete": _(
        "Tick if the groups of each breakdown always add up exactly to the total."
    ),
    "frequency": _("How often partners report. It cannot change once partners have reported data."),
    "data_source": _("Where the numbers come from, e.g. “Virginia Department of Education”."),
    "owner_group": _("The working group responsible for this indicator."),
    "shared_by_groups": _(
        "Every member of these working groups reports this indicator (a “shared measure”)."
    ),
    "baseline_period": _(
        "The period of the starting point progress is measured from, e.g. 2018 or SY2018-19; "
        "of the indicator's frequency."
    ),
    "baseline_value": _("The value at the starting point (optional)."),
    "min_value": _(
        "Values below this are flagged to the reporter as a possible mistake (a warning only)."
    ),
    "max_value": _(
        "Values above this are flagged to the reporter as a possible mistake (a warning only)."
    ),
    "decimals": _("How many decimal places figures are shown with (0 to 6)."),
    "is_published": _("Tick to show it on the public report card."),
    "deadline_days": _(
        "How many days after a period ends its data is due, for partners who report it through "
        "a working group. Partners asked directly have their own deadline (Reporting "
        "assignments)."
    ),
    "sort_order": _("Position in lists: smaller numbers come first."),
}

LABELS = {
    "code": _("Code"),
    "name": _("Name"),
    "definition": _("Definition"),
    "level": _("Level"),
    "performance_kind": _("Kind of performance measure"),
    "role": _("Core or contributing"),
    "predicts": _("Predicts"),
    "unit": _("Unit"),
    "value_type": _("Type of value"),
    "scale_factor": _("Scale factor"),
    "polarity": _("Direction of progress"),
    "aggregation": _("Combining partners"),
    "cumulative": _("Running total"),
    "dimensions": _("Broken down by"),
    "breakdown_complete": _("Groups add up to the total"),
    "frequency": _("Reported every"),
    "data_source": _("Data source"),
    "owner_group": _("Owner working group"),
    "shared_by_groups": _("Shared measure of"),
    "baseline_period": _("Baseline period"),
    "baseline_value": _("Baseline value"),
    "min_value": _("Lowest plausible value"),
    "max_value": _("Highest plausible value"),
    "decimals": _("Decimal places"),
    "is_published": _("Published"),
    "deadline_days": _("Default deadline (days)"),
    "sort_order": _("Position"),
}

FORM_FIELDS = [
    "code",
    "name",
    "definition",
    "level",
    "performance_kind",
    "role",
    "predicts",
    "unit",
    "value_type",
    "scale_factor",
    "polarity",
    "aggregation",
    "cumulative",
    "dimensions",
    "breakdown_complete",
    "frequency",
    "data_source",
    "owner_group",
    "shared_by_groups",
    "baseline_period",
    "baseline_value",
    "min_value",
    "max_value",
    "decimals",
    "is_published",
    "deadline_days",
    "sort_order",
]

# The form in sections, for people to find their way.
SECTIONS = [
    (
        _("What it is"),
        [
            "code",
            "name",
            "definition",
            "level",
            "performance_kind",
            "role",
            "predicts",
            "data_source",
        ],
    ),
    (
        _("How it is reported"),
        [
            "value_type",
            "unit",
            "scale_factor",
            "frequency",
            "dimensions",
            "breakdown_complete",
            "cumulative",
            "min_value",
            "max_value",
            "deadline_days",
        ],
    ),
    (
        _("How it is combined and shown"),
        ["aggregation", "polarity", "decimals", "is_published", "sort_order"],
    ),
    (_("Who looks after it"), ["owner_group", "shared_by_groups"]),
    (_("Baseline"), ["baseline_period", "baseline_value"]),
]


class IndicatorForm(forms.ModelForm):
    """Every field of an indicator (SPEC §2) with help a non-statistician understands."""

    class Meta:
        model = Indicator
        fields = FORM_FIELDS
        labels = LABELS
        help_texts = HELP
        widgets = {
            "definition": forms.Textarea(attrs={"rows": 4}),
            "dimensions": forms.CheckboxSelectMultiple,
            "shared_by_groups": forms.CheckboxSelectMultiple,
            "code": forms.TextInput(attrs={"autocapitalize": "none", "spellcheck": "false"}),
            "baseline_period": forms.TextInput(
                attrs={"autocapitalize": "characters", "spellcheck": "false"}
            ),
        }

    def __init__(self, *args, initiative, **kwargs):
        super().__init__(*args, **kwargs)
        self.initiative = initiative
        f = self.fields
        f["dimensions"].queryset = Dimension.objects.filter(initiative=initiative).order_by("name")
        groups = initiative.working_groups.order_by("name")
        f["owner_group"].queryset = groups
        f["shared_by_groups"].queryset = groups
        predicts = Indicator.objects.filter(initiative=initiative, role=Indicator.Role.CORE)
        if self.instance.pk:
            predicts = predicts.exclude(pk=self.instance.pk)
        f["predicts"].queryset = predicts.order_by("sort_order", "name")
        f["predicts"].empty_label = _("— none —")
        f["owner_group"].empty_label = _("— none —")
        f["performance_kind"].choices = [
            ("", _("— not a performance measure —")),
            *Indicator.PerformanceKind.choices,
        ]
        f["scale_factor"].widget.attrs.update(step="any", inputmode="decimal")
        for name in ("baseline_value", "min_value", "max_value"):
            f[name].widget.attrs.update(step="any", inputmode="decimal")
        f["decimals"].max_value = 6
        f["decimals"].widget.attrs.update(min=0, max=6)
        f["deadline_days"].widget.attrs.update(min=0, max=MAX_DEADLINE_DAYS)
        f["sort_order"].required = False
        f["baseline_period"].widget.attrs["placeholder"] = _("e.g. 2018")
        for name in ("scale_factor", "baseline_value", "min_value", "max_value"):
            if self.initial.get(name) is not None:  # 100, not 100.0000
                self.initial[name] = plain_number(Decimal(self.initial[name]))

    def clean_sort_order(self):
        value = self.cleaned_data.get("sort_order")
        return 0 if value is None else value

    def indicator_fields(self) -> dict:
        data = {name: self.cleaned_data[name] for name in INDICATOR_FIELDS}
        data["predicts"] = self.cleaned_data["predicts"]
        data["owner_group"] = self.cleaned_data["owner_group"]
        return data

    def sections(self):
        """(title, [{field, choices}]) in the order people read them; ``choices`` explains
        each choice of the field in plain words."""
        result = []
        for title, names in SECTIONS:
            items = []
            for name in names:
                explained = CHOICES_EXPLAINED.get(name, {})
                labels = dict(Indicator._meta.get_field(name).choices or [])
                choices = [(labels[value], text) for value, text in explained.items() if value]
                items.append({"field": self[name], "choices": choices})
            result.append((title, items))
        return result


class TargetForm(forms.Form):
    """One target: a period, a value, and optionally the group it is for."""

    period = forms.CharField(
        label=_("Period"), max_length=12, widget=forms.TextInput(attrs={"spellcheck": "false"})
    )
    value = forms.DecimalField(
        label=_("Target value"),
        max_digits=20,
        decimal_places=6,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )

    def __init__(self, *args, dimensions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.dimensions = list(dimensions)
        for dimension in self.dimensions:
            self.fields[f"cell_{dimension.code}"] = forms.ChoiceField(
                label=dimension.name,
                required=False,
                choices=[("", _("Everyone"))] + [(v.code, v.name) for v in dimension.values.all()],
            )

    def cell_fields(self):
        return [self[f"cell_{d.code}"] for d in self.dimensions]

    def row(self) -> TargetRow:
        pairs = {d.code: self.cleaned_data.get(f"cell_{d.code}") for d in self.dimensions}
        return TargetRow(
            period=self.cleaned_data["period"],
            value=self.cleaned_data["value"],
            cell=cell_key(pairs),
        )


class BreakForm(forms.Form):
    """One series break: the period from which the indicator is measured differently."""

    period = forms.CharField(
        label=_("From period"), max_length=12, widget=forms.TextInput(attrs={"spellcheck": "false"})
    )
    note = forms.CharField(label=_("What changed"), max_length=300)

    def row(self) -> BreakRow:
        return BreakRow(period=self.cleaned_data["period"], note=self.cleaned_data["note"])


class _RowFormSet(forms.BaseFormSet):
    """Rows left empty are ignored; a ticked “remove” drops the row."""

    def kept_forms(self) -> list:
        """The rows to save: every row shown filled in, and new rows typed into; not removed."""
        return [
            form
            for index, form in enumerate(self.forms)
            if (index < self.initial_form_count() or form.has_changed())
            and not self._should_delete_form(form)
        ]

    def rows(self) -> list:
        return [form.row() for form in self.kept_forms()]


TargetFormSet = forms.formset_factory(
    TargetForm, formset=_RowFormSet, extra=2, can_delete=True, max_num=500, validate_max=True
)
BreakFormSet = forms.formset_factory(
    BreakForm, formset=_RowFormSet, extra=1, can_delete=True, max_num=200, validate_max=True
)


def target_initial(indicator: Indicator) -> list[dict]:
    rows = []
    for target in sorted(indicator.targets.all(), key=lambda t: (t.period, t.cell)):
        row = {"period": target.period, "value": plain_number(target.value)}
        for dimension, value in parse_cell_key(target.cell).items():
            row[f"cell_{dimension}"] = value
        rows.append(row)
    return rows


def break_initial(indicator: Indicator) -> list[dict]:
    return [{"period": b.period, "note": b.note} for b in indicator.breaks.all()]


def indicator_data(form: IndicatorForm, targets, breaks) -> IndicatorData:
    return IndicatorData(
        fields=form.indicator_fields(),
        dimensions=list(form.cleaned_data["dimensions"]),
        shared_by_groups=list(form.cleaned_data["shared_by_groups"]),
        targets=targets.rows(),
        series_breaks=breaks.rows(),
    )


class AssignmentsForm(forms.Form):
    """For one indicator: which partners of the page report it directly, and by when."""

    def __init__(self, *args, partnerships, current: dict[int, int], default_days: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.partnerships = list(partnerships)
        for p in self.partnerships:
            self.fields[f"reports_{p.pk}"] = forms.BooleanField(
                required=False, initial=p.pk in current, label=_("Reports directly")
            )
            self.fields[f"days_{p.pk}"] = forms.IntegerField(
                required=False,
                min_value=0,
                max_value=MAX_DEADLINE_DAYS,
                initial=current.get(p.pk, default_days),
                label=_("Days after the period"),
                widget=forms.NumberInput(attrs={"min": 0, "max": MAX_DEADLINE_DAYS}),
            )
        self.default_days = default_days

    def rows(self):
        return [(p, self[f"reports_{p.pk}"], self[f"days_{p.pk}"]) for p in self.partnerships]

    def wanted(self) -> dict:
        """``{partnership: deadline days or None}`` for every partner of the page."""
        result = {}
        for p in self.partnerships:
            if self.cleaned_data.get(f"reports_{p.pk}"):
                days = self.cleaned_data.get(f"days_{p.pk}")
                result[p] = self.default_days if days is None else days
            else:
                result[p] = None
        return result


class FrameworkUploadForm(forms.Form):
    MAX_BYTES = 2 * 1024 * 1024

    file = forms.FileField(
        label=_("Framework file (YAML)"),
        help_text=_(
            "A file exported from Commonground or written by hand (docs/framework-file.md), for "
            "this initiative. The whole file is checked first: if anything is wrong, nothing "
            "changes and the first problem is shown with its line."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".yaml,.yml,text/yaml,application/yaml"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(n)d MB.") % {"n": self.MAX_BYTES // (1024 * 1024)}
            )
        data = upload.read()
        try:
            return upload.name, data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(_("The file is not UTF-8 text.")) from None


# Explaining an indicator ----------------------------------------------------------------------


def _number(value) -> str:
    """``100``, ``0.5``: never ``1E+2`` (what ``Decimal.normalize`` alone would show)."""
    return "" if value is None else plain_number(Decimal(value))


def describe_indicator(indicator: Indicator) -> list[dict]:
    """Each field as ``{label, shown, meaning}``: its value and what it means in plain words."""
    rows = []

    def add(name, shown, meaning=None):
        rows.append(
            {
                "name": name,
                "label": LABELS[name],
                "shown": shown,
                "meaning": meaning if meaning is not None else HELP[name],
            }
        )

    for name in ("level", "role", "value_type", "aggregation", "polarity", "frequency"):
        value = getattr(indicator, name)
        add(name, getattr(indicator, f"get_{name}_display")(), CHOICES_EXPLAINED[name][value])
    if indicator.level == Indicator.Level.PERFORMANCE:
        kind = indicator.performance_kind
        add(
            "performance_kind",
            indicator.get_performance_kind_display() or _("not said"),
            CHOICES_EXPLAINED["performance_kind"][kind],
        )
    if indicator.role == Indicator.Role.CONTRIBUTING:
        add("predicts", str(indicator.predicts) if indicator.predicts else _("not said"))
    add("unit", indicator.unit or _("none"))
    if indicator.value_type == Indicator.ValueType.RATE:
        factor = _number(indicator.scale_factor)
        add(
            "scale_factor",
            factor,
            _("The rate is shown as numerator ÷ denominator × %(factor)s%(hint)s.")
            % {
                "factor": factor,
                "hint": _(" (a percentage)") if factor == "100" else "",
            },
        )
    for name in ("cumulative", "breakdown_complete", "is_published"):
        yes, no = YES_NO_EXPLAINED[name]
        value = getattr(indicator, name)
        add(name, _("Yes") if value else _("No"), yes if value else no)
    add(
        "decimals",
        str(indicator.decimals),
        _("Figures are shown with %(n)d decimal places.") % {"n": indicator.decimals},
    )
    if indicator.min_value is not None or indicator.max_value is not None:
        add("min_value", _number(indicator.min_value) or "—")
        add("max_value", _number(indicator.max_value) or "—")
    add(
        "deadline_days",
        str(indicator.deadline_days),
        _(
            "Partners who report it through a working group send each period's data within "
            "%(n)d days after the period ends."
        )
        % {"n": indicator.deadline_days},
    )
    add("data_source", indicator.data_source or _("not said"))
    add("owner_group", str(indicator.owner_group) if indicator.owner_group else _("none"))
    return rows
