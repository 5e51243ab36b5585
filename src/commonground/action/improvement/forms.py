"""Forms of improvement projects, their measures and PDSA cycles.

The forms read what a person typed and offer only this initiative's choices; the rules (an aim
is written, the act comes after the study…) live in ``services``, whose errors the views show
next to the field named in ``*_ERROR_FIELDS``.
"""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from commonground.action.improvement.services import CYCLE_FIELDS, CycleData, ProjectData
from commonground.action.models import ImprovementProject, PDSACycle, ProjectMeasure
from commonground.measurement.models import Indicator

# DomainError code → the field it concerns (others are shown above the form).
PROJECT_ERROR_FIELDS = {
    "title_missing": "title",
    "title_too_long": "title",
    "aim_missing": "aim",
    "unknown_status": "status",
    "owner_not_member": "owner",
}
MEASURE_ERROR_FIELDS = {
    "unknown_kind": "kind",
    "measure_unnamed": "name",
    "name_too_long": "name",
    "indicator_wrong_initiative": "indicator",
    "measure_duplicate": "indicator",
}
CYCLE_ERROR_FIELDS = {
    "title_missing": "title",
    "title_too_long": "title",
    "plan_missing": "plan",
    "prediction_missing": "prediction",
    "start_missing": "started_on",
    "dates_reversed": "ended_on",
    "measure_wrong_project": "measure",
    "unknown_decision": "act",
    "act_before_study": "act",
}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return user.get_full_name() or user.email


class MeasureChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, measure):
        return f"{measure.get_kind_display()}: {measure}"


class ProjectForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300, help_text=_("A short name."))
    aim = forms.CharField(
        label=_("Aim"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "What will improve, by how much, by when, for whom — e.g. “Cut the number of "
            "chronically absent students in grades K–3 by a fifth by June 2026”."
        ),
    )
    owner = PersonChoiceField(
        queryset=get_user_model().objects.none(),
        required=False,
        label=_("Owner"),
        help_text=_("The person who leads the project; they may change it and its cycles."),
    )
    working_group = forms.ModelChoiceField(
        queryset=None, required=False, label=_("Working group"), to_field_name="code"
    )
    partnership = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label=_("Partner"),
        to_field_name="code",
        help_text=_("When one partner runs it."),
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=ImprovementProject.Status.choices, required=False
    )
    started_on = forms.DateField(label=_("Started on"), required=False, widget=DateInput())

    def __init__(self, *args, initiative, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = (
            get_user_model()
            .objects.filter(memberships__initiative=initiative, memberships__is_active=True)
            .order_by("first_name", "last_name", "email")
        )
        self.fields["working_group"].queryset = initiative.working_groups.order_by("name")
        self.fields["partnership"].queryset = initiative.partnerships.select_related("organization")

    @classmethod
    def initial_for(cls, project: ImprovementProject) -> dict:
        return {
            "title": project.title,
            "aim": project.aim,
            "owner": project.owner_id,
            "working_group": project.working_group.code if project.working_group else None,
            "partnership": project.partnership.code if project.partnership else None,
            "status": project.status,
            "started_on": project.started_on,
        }

    def data_object(self) -> ProjectData:
        d = self.cleaned_data
        return ProjectData(
            title=d["title"],
            aim=d["aim"],
            owner=d["owner"],
            working_group=d["working_group"],
            partnership=d["partnership"],
            status=d["status"] or ImprovementProject.Status.ACTIVE,
            started_on=d["started_on"],
        )


class MeasureForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of measure"), choices=ProjectMeasure.Kind.choices)
    indicator = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label=_("Indicator"),
        to_field_name="code",
        empty_label=_("Not an indicator (name it below)"),
    )
    name = forms.CharField(
        label=_("Or its name"),
        max_length=300,
        required=False,
        help_text=_("For a measure of the project's own, e.g. “families reached within a week”."),
    )

    def __init__(self, *args, initiative, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = Indicator.objects.filter(
            initiative=initiative
        ).order_by("sort_order", "name")


class CycleForm(forms.Form):
    title = forms.CharField(
        label=_("Change tested"), max_length=300, help_text=_("In a few words.")
    )
    plan = forms.CharField(
        label=_("Plan"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What change will be tried, by whom, where, and what data will be collected."),
    )
    prediction = forms.CharField(
        label=_("Prediction"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What you expect to happen, in numbers."),
    )
    measure = MeasureChoiceField(
        queryset=None,
        required=False,
        label=_("Measure it is judged by"),
        empty_label=_("None chosen"),
    )
    started_on = forms.DateField(label=_("Starts on"), widget=DateInput())
    ended_on = forms.DateField(
        label=_("Ends on"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave empty while the cycle runs."),
    )
    do_notes = forms.CharField(
        label=_("Do: what happened"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Was the plan carried out? Surprises, problems."),
    )
    study = forms.CharField(
        label=_("Study: the data against the prediction"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the data showed, compared with what you predicted."),
    )
    act = forms.ChoiceField(
        label=_("Act: the decision"),
        choices=[("", _("Not decided yet")), *PDSACycle.Decision.choices],
        required=False,
        help_text=_(
            "Adopt the change, adapt it for another cycle, or abandon it. Write the study first."
        ),
    )
    act_notes = forms.CharField(
        label=_("Act: what comes next"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measure"].queryset = project.measures.select_related("indicator")

    @classmethod
    def initial_for(cls, cycle: PDSACycle) -> dict:
        initial = {name: getattr(cycle, name) for name in CYCLE_FIELDS if name != "number"}
        initial["measure"] = cycle.measure_id
        return initial

    def data_object(self) -> CycleData:
        return CycleData(**self.cleaned_data)
