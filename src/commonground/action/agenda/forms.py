"""Forms of the common agenda's pages. They only read what a person typed; the rules live in
``services`` and come back as ``DomainError`` messages shown on the form."""

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from commonground.action.agenda.content import TEXT_FIELDS
from commonground.action.models import Activity, Goal
from commonground.convening.models import Decision
from commonground.measurement.models import Indicator

TEXT_HELP = {
    "problem_statement": _(
        "The problem the partners work on together, and why it matters. Needed to propose it."
    ),
    "vision": _("The change the initiative wants to see in the community. Needed to propose it."),
    "principles": _("How partners work together: one principle a line."),
    "evaluation_approach": _("How the initiative will know it is making a difference."),
}
MARKDOWN = _("Markdown: *emphasis*, lists with “- ”, links.")


class Checkboxes(forms.CheckboxSelectMultiple):
    """Checkboxes laid out as a list (styled by ``.checks``)."""

    def __init__(self, attrs=None, choices=()):
        super().__init__({"class": "checks", **(attrs or {})}, choices)


def indicator_field(initiative, label, help_text="") -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        queryset=Indicator.objects.filter(initiative=initiative).order_by(
            "sort_order", "name", "code"
        ),
        to_field_name="code",
        required=False,
        widget=Checkboxes,
        label=label,
        help_text=help_text,
    )


class DraftTextForm(forms.Form):
    problem_statement = forms.CharField(label=TEXT_FIELDS["problem_statement"], required=False)
    vision = forms.CharField(label=TEXT_FIELDS["vision"], required=False)
    principles = forms.CharField(label=TEXT_FIELDS["principles"], required=False)
    evaluation_approach = forms.CharField(label=TEXT_FIELDS["evaluation_approach"], required=False)
    change_summary = forms.CharField(
        label=_("What changed from the previous version"),
        required=False,
        help_text=_("A few words partners read before signing again."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, first_version=False, **kwargs):
        super().__init__(*args, **kwargs)
        for name, help_text in TEXT_HELP.items():
            self.fields[name].widget = forms.Textarea(attrs={"rows": 5})
            self.fields[name].help_text = f"{help_text} {MARKDOWN}"
        if first_version:  # nothing came before it
            del self.fields["change_summary"]


class AgendaItemForm(forms.Form):
    """What goals and strategies share: a code (only when adding), a title, a description and
    the indicators that measure it."""

    code = forms.SlugField(label=_("Code"), max_length=60)
    title = forms.CharField(max_length=300)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        help_text=MARKDOWN,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    title_label = code_example = indicators_help = ""

    def __init__(self, *args, initiative, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].label = self.title_label
        self.fields["code"].help_text = _("A short name that never changes, e.g. %(code)s.") % {
            "code": self.code_example
        }
        self.fields["indicators"] = indicator_field(
            initiative, _("Measured by"), self.indicators_help
        )
        if editing:  # codes name goals and strategies in frozen versions: they never change
            del self.fields["code"]


class GoalForm(AgendaItemForm):
    horizon = forms.ChoiceField(
        label=_("Horizon"),
        choices=Goal.Horizon.choices,
        widget=forms.RadioSelect(attrs={"class": "checks"}),
        initial=Goal.Horizon.LONG_TERM,
    )
    title_label = _("Goal")
    code_example = "read-by-grade-3"
    indicators_help = _("The indicators that show progress toward this goal.")
    field_order = ["code", "title", "horizon", "description"]


class StrategyForm(AgendaItemForm):
    title_label = _("Strategy")
    code_example = "k3-reading-tutors"
    indicators_help = _("The indicators this strategy should move.")

    def __init__(self, *args, initiative, editing=False, **kwargs):
        super().__init__(*args, initiative=initiative, editing=editing, **kwargs)
        if editing:
            self.fields["goal"] = forms.ModelChoiceField(
                queryset=Goal.objects.filter(initiative=initiative, is_retired=False),
                to_field_name="code",
                label=_("Under the goal"),
                empty_label=None,
            )
            self.order_fields(["title", "goal"])


class ProposeForm(forms.Form):
    closes_at = forms.DateTimeField(
        label=_("Voting closes"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    method = forms.ChoiceField(
        label=_("How the steering committee decides"),
        choices=Decision.Method.choices,
        initial=Decision.Method.CONSENT,
        widget=forms.RadioSelect(attrs={"class": "checks"}),
    )
    quorum_percent = forms.IntegerField(
        label=_("Quorum (% of the committee who must take part)"),
        min_value=1,
        max_value=100,
        initial=50,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        in_two_weeks = timezone.localtime() + timedelta(days=14)
        self.fields["closes_at"].initial = in_two_weeks.replace(
            hour=17, minute=0, second=0, microsecond=0
        )


class SignForm(forms.Form):
    money = forms.DecimalField(
        label=_("Money (dollars a year)"), min_value=0, max_digits=14, decimal_places=2, initial=0
    )
    staff_hours = forms.DecimalField(
        label=_("Staff time (hours a year)"),
        min_value=0,
        max_digits=10,
        decimal_places=1,
        initial=0,
    )
    in_kind = forms.CharField(
        label=_("In kind"),
        required=False,
        help_text=_("Space, equipment, services…"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    statement = forms.CharField(
        label=_("Anything else we commit"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["data_indicators"] = indicator_field(
            partnership.initiative,
            _("Data we will report"),
            _("The shared indicators this partner commits to report."),
        )
        activities = Activity.objects.filter(partnership=partnership).order_by("title")
        self.fields["activities"] = forms.ModelMultipleChoiceField(
            queryset=activities,
            required=False,
            widget=Checkboxes,
            label=_("Our activities toward the agenda"),
            help_text=_("Activities of this partner in the action plan.")
            if activities.exists()
            else _(
                "This partner has no activities in the action plan yet; add them there to "
                "list them here."
            ),
        )
        order = ["money", "staff_hours", "in_kind", "data_indicators", "activities", "statement"]
        self.order_fields(order)
