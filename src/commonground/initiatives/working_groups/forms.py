"""Forms for working groups; choices are limited to the initiative, the services check again."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from commonground.initiatives.models import WorkingGroup
from commonground.measurement.models import Indicator


def _people(initiative):
    return (
        get_user_model()
        .objects.filter(memberships__initiative=initiative, memberships__is_active=True)
        .order_by("last_name", "first_name", "email")
    )


def person_label(user) -> str:
    return user.get_full_name() or user.email or user.get_username()


class WorkingGroupForm(forms.Form):
    name = forms.CharField(max_length=200, label=_("Name"))
    code = forms.SlugField(
        max_length=60,
        label=_("Code"),
        help_text=_("Short, for links and data files: lowercase letters, digits and hyphens."),
    )
    kind = forms.ChoiceField(choices=WorkingGroup.Kind.choices, label=_("Kind"))
    activity_type = forms.CharField(
        max_length=120,
        required=False,
        label=_("What its members do"),
        help_text=_("e.g. early literacy and school attendance."),
    )
    charter = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        label=_("Charter"),
        help_text=_("Its purpose and how it works (Markdown: paragraphs, emphasis, lists, links)."),
    )
    cadence = forms.CharField(
        max_length=120,
        required=False,
        label=_("Meets"),
        help_text=_("e.g. every two weeks."),
    )
    facilitator = forms.ModelChoiceField(
        queryset=None, required=False, label=_("Facilitator"), empty_label=_("Nobody yet")
    )

    def __init__(self, *args, initiative, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facilitator"].queryset = _people(initiative)
        self.fields["facilitator"].label_from_instance = person_label
        if editing:  # the code stays: data files and links name the group by it
            del self.fields["code"]


class MembersForm(forms.Form):
    partnerships = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Member partners"),
        help_text=_("Organizations in the group; they report its shared measures."),
    )
    people = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("People who sit in it"),
        help_text=_("They are expected at its meetings."),
    )

    def __init__(self, *args, initiative, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partnerships"].queryset = initiative.partnerships.select_related(
            "organization"
        ).order_by("organization__name")
        self.fields["people"].queryset = _people(initiative)
        self.fields["people"].label_from_instance = person_label


class SharedMeasuresForm(forms.Form):
    indicators = forms.ModelMultipleChoiceField(
        queryset=Indicator.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Shared measures"),
        help_text=_("Every member partner reports these indicators."),
    )

    def __init__(self, *args, initiative, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicators"].queryset = Indicator.objects.filter(initiative=initiative)
