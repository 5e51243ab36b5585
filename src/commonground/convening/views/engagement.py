"""The engagement page: attendance per partner and body, repeated absences, decisions taken and
action items closed on time, for a date range (``convening.engagement`` computes the figures)."""

from datetime import date

from dateutil.relativedelta import relativedelta
from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from commonground.convening.engagement import REPEATED_ABSENCES, engagement_figures
from commonground.core.access import InitiativeViewMixin
from commonground.core.permissions import Perm

LONGEST_RANGE_YEARS = 5


def default_range(today: date) -> tuple[date, date]:
    """The last twelve months, whole months, up to today."""
    return today.replace(day=1) - relativedelta(months=11), today


class RangeForm(forms.Form):
    start = forms.DateField(
        label=gettext_lazy("From"), widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(label=gettext_lazy("To"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if start > end:
                self.add_error("end", _("The end comes before the start."))
            elif end - relativedelta(years=LONGEST_RANGE_YEARS) > start:
                self.add_error(
                    "start", _("Choose at most %(n)d years.") % {"n": LONGEST_RANGE_YEARS}
                )
        return data


class EngagementView(InitiativeViewMixin, TemplateView):
    permission = Perm.VIEW_ENGAGEMENT
    nav = "engagement"
    template_name = "convening/engagement/engagement.html"

    def get_context_data(self, **kwargs):
        start, end = default_range(timezone.localdate())
        if {"start", "end"} & set(self.request.GET):
            form = RangeForm(self.request.GET)
            if form.is_valid():
                start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        else:
            form = RangeForm(initial={"start": start, "end": end})
        return super().get_context_data(
            form=form,
            figures=engagement_figures(self.initiative, start, end),
            repeated=REPEATED_ABSENCES,
            **kwargs,
        )
