"""Forms of the action plan. Choices are limited to the initiative (and, for the partner, to
the partners the person may edit); the services check everything again."""

from django import forms
from django.utils.translation import gettext_lazy as _

from commonground.action.models import Activity, Goal, Strategy
from commonground.core.errors import DomainError
from commonground.measurement.models import Indicator

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


SECTIONS = [
    (_("The activity"), ["partnership", "title", "description", "status"]),
    (_("What it works toward"), ["strategy", "goals", "indicators", "working_group"]),
    (_("Whom, where and when"), ["population", "geography", "starts_on", "ends_on"]),
    (_("Resources"), ["budget", "staff_hours", "resources"]),
]


class ActivityForm(forms.Form):
    # Choices by code, not by row id: stable, readable form data.
    partnership = forms.ModelChoiceField(
        queryset=None, label=_("Partner"), empty_label=None, to_field_name="code"
    )
    title = forms.CharField(max_length=300, label=_("Title"))
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, label=_("What it does")
    )
    strategy = forms.ModelChoiceField(
        queryset=Strategy.objects.none(),
        to_field_name="code",
        required=False,
        label=_("Strategy"),
        help_text=_("The agenda's strategy this activity carries out."),
    )
    goals = forms.ModelMultipleChoiceField(
        queryset=Goal.objects.none(),
        to_field_name="code",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Goals it serves"),
        help_text=_("Besides its strategy's goal; for work that has no strategy yet."),
    )
    indicators = forms.ModelMultipleChoiceField(
        queryset=Indicator.objects.none(),
        to_field_name="code",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Indicators it contributes to"),
    )
    working_group = forms.ModelChoiceField(
        queryset=None,
        to_field_name="code",
        required=False,
        label=_("Working group"),
        empty_label=_("None"),
    )
    population = forms.CharField(
        max_length=200,
        required=False,
        label=_("Who it serves"),
        help_text=_("e.g. kindergartners, families of chronically absent students."),
    )
    geography = forms.CharField(
        max_length=200, required=False, label=_("Where"), help_text=_("e.g. Charlottesville.")
    )
    starts_on = forms.DateField(required=False, widget=DATE, label=_("Starts on"))
    ends_on = forms.DateField(required=False, widget=DATE, label=_("Ends on"))
    status = forms.ChoiceField(choices=Activity.Status.choices, label=_("Status"))
    budget = forms.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, required=False, label=_("Budget (dollars)")
    )
    staff_hours = forms.DecimalField(
        max_digits=10, decimal_places=1, min_value=0, required=False, label=_("Staff hours")
    )
    resources = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        label=_("Other resources"),
        help_text=_("Volunteers, space, materials…"),
    )

    def __init__(self, *args, initiative, partnerships, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partnership"].queryset = partnerships
        strategies = (
            Strategy.objects.filter(initiative=initiative, is_retired=False)
            .select_related("goal")
            .order_by("goal__sort_order", "goal__code", "sort_order", "code")
        )
        self.fields["strategy"].queryset = strategies
        # Shown under their goals (<optgroup>); the field still checks against the queryset.
        grouped: dict[str, list] = {}
        for strategy in strategies:
            grouped.setdefault(strategy.goal.title, []).append((strategy.code, strategy.title))
        self.fields["strategy"].widget.choices = [("", _("No strategy yet")), *grouped.items()]
        self.fields["goals"].queryset = Goal.objects.filter(initiative=initiative, is_retired=False)
        self.fields["indicators"].queryset = Indicator.objects.filter(initiative=initiative)
        self.fields["working_group"].queryset = initiative.working_groups.all()

    def sections(self):
        """(title, [bound fields]) in the order people read them."""
        return [(title, [self[name] for name in names]) for title, names in SECTIONS]


def activity_initial(activity: Activity) -> dict:
    """The form's values for an existing activity."""
    names = [n for n in ActivityForm.base_fields if n not in ("goals", "indicators")]
    initial = {n: getattr(activity, n) for n in names}
    initial["goals"] = list(activity.goals.all())
    initial["indicators"] = list(activity.indicators.all())
    return initial


class DependencyForm(forms.Form):
    depends_on = forms.ModelChoiceField(
        queryset=None, label=_("The activity it needs"), empty_label=_("Choose an activity")
    )
    note = forms.CharField(max_length=300, required=False, label=_("What it needs from it"))

    def __init__(self, *args, activity: Activity, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["depends_on"].queryset = (
            Activity.objects.filter(initiative_id=activity.initiative_id)
            .exclude(pk=activity.pk)
            .select_related("partnership__organization")
            .order_by("partnership__organization__name", "title")
        )
        self.fields["depends_on"].label_from_instance = lambda a: (
            f"{a.title} ({a.partnership.organization.name})"
        )


class MilestoneForm(forms.Form):
    title = forms.CharField(max_length=300, label=_("Milestone"))
    due_on = forms.DateField(widget=DATE, label=_("Due on"))


def show_error(form, error: DomainError) -> None:
    """Put the service's message next to the field it concerns, if the form has it."""
    field = error.details.get("field")
    form.add_error(field if field in form.fields else None, error.message)
