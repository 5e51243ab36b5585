"""The export form: a format and optional filters, each a choice among what the initiative has."""

from django import forms
from django.utils.translation import gettext_lazy as _

from commonground.measurement.exports.query import ExportFilters
from commonground.measurement.models import DataValue, ReviewState

FORMAT_CHOICES = [
    ("csv", _("Values file (CSV) — to import again, or to read in any program")),
    ("xlsx", _("Excel workbook (XLSX) — the same columns, safe to open in a spreadsheet")),
    ("dhis2-json", _("DHIS2 dataValueSet (JSON) — through the initiative's DHIS2 codes")),
]


class ExportForm(forms.Form):
    format = forms.ChoiceField(
        choices=FORMAT_CHOICES, initial="csv", widget=forms.RadioSelect, label=_("Format")
    )
    period = forms.ChoiceField(required=False, label=_("Period"))
    indicator = forms.ChoiceField(required=False, label=_("Indicator"))
    partner = forms.ChoiceField(required=False, label=_("Partner"))

    def __init__(self, *args, initiative, **kwargs):
        super().__init__(*args, **kwargs)
        periods = (
            DataValue.objects.filter(
                indicator__initiative=initiative, review_state=ReviewState.APPROVED
            )
            .order_by("period")
            .values_list("period", flat=True)
            .distinct()
        )
        self.fields["period"].choices = [("", _("All periods"))] + [(p, p) for p in periods]
        self.fields["indicator"].choices = [("", _("All indicators"))] + [
            (code, f"{name} ({code})")
            for code, name in initiative.indicators.order_by("sort_order", "name").values_list(
                "code", "name"
            )
        ]
        self.fields["partner"].choices = [("", _("All partners"))] + [
            (code, name)
            for code, name in initiative.partnerships.order_by("organization__name").values_list(
                "code", "organization__name"
            )
        ]

    def filters(self) -> ExportFilters:
        data = self.cleaned_data
        return ExportFilters(
            period=data.get("period") or "",
            indicator=data.get("indicator") or "",
            partner=data.get("partner") or "",
        )
