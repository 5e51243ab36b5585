"""The report card: internal (all indicators) and public (published, suppressed)."""

from django.shortcuts import get_object_or_404
from django.views.generic import TemplateView

from commonground.core.access import InitiativeViewMixin
from commonground.core.permissions import Perm
from commonground.initiatives.models import Initiative
from commonground.insight.reportcard import build_cards


class ReportCardView(InitiativeViewMixin, TemplateView):
    permission = Perm.VIEW_RESULTS
    nav = "report_card"
    template_name = "insight/report_card.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            initiative=self.initiative,
            cards=build_cards(self.initiative, public=False),
            public=False,
            **kwargs,
        )


class PublicReportCardView(TemplateView):
    """Anyone may read a public initiative's published indicators; others are 404."""

    template_name = "insight/report_card.html"

    def get_context_data(self, **kwargs):
        initiative = get_object_or_404(Initiative, slug=self.kwargs["slug"], is_public=True)
        return super().get_context_data(
            initiative=initiative,
            cards=build_cards(initiative, public=True),
            public=True,
            **kwargs,
        )
