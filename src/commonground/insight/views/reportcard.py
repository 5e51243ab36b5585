"""The community report card pages: the card (of the initiative or of one working group) and one
indicator's page, each public and internal.

Public pages exist for public initiatives only and show the public card — published indicators,
small cells withheld (SPEC §3.2.7); the internal pages need ``VIEW_RESULTS`` and show every
indicator, unpublished ones marked, with the approval status. Both render the report card
document (``insight/document.py``) through one template each: the views only find the
initiative, check access and render, in a fixed number of queries.
"""

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import TemplateView

from commonground.backbone.community_voice import public_community_voice
from commonground.core.access import InitiativeViewMixin
from commonground.core.permissions import Perm
from commonground.initiatives.models import Initiative, WorkingGroup
from commonground.insight.document import build_report_card
from commonground.insight.outputs import describe
from commonground.insight.publishing import latest_edition
from commonground.insight.views.present import build_indicator_page, build_tile


class CardMixin:
    """What the public and internal pages share; ``PublicMixin`` and ``InternalMixin`` say
    whose card it is (``public``) and how the initiative is found (``get_initiative``)."""

    public = False

    def working_group(self, initiative) -> WorkingGroup | None:
        code = self.kwargs.get("group")
        if code is None:
            return None
        return get_object_or_404(WorkingGroup, initiative=initiative, code=code)

    def url(self, name: str, *args) -> str:
        """The URL of a sibling page: public or internal, of the initiative or the group."""
        group = self.kwargs.get("group")
        prefix = "public_" if self.public else ""
        if group is not None:
            return reverse(f"{prefix}group_{name}", args=[self.kwargs["slug"], group, *args])
        return reverse(f"{prefix}{name}", args=[self.kwargs["slug"], *args])

    def card(self):
        initiative = self.get_initiative()
        return build_report_card(
            initiative, public=self.public, working_group=self.working_group(initiative)
        )

    def common_context(self, card) -> dict:
        initiative = card.initiative
        return {
            "initiative": initiative,
            "card": card,
            "public": self.public,
            "group": card.working_group,
            "k": initiative.suppression_threshold,
            "card_url": self.url("report_card"),
            "downloads": {
                "pdf": self.url("report_card_pdf"),
                "csv": self.url("report_card_csv"),
            },
        }


def _groups_with_indicators(initiative, *, public: bool):
    """The working groups that own or share an indicator (published ones, publicly): one query."""
    owned = Q(owned_indicators__isnull=False)
    shared = Q(shared_measures__isnull=False)
    if public:
        owned = Q(owned_indicators__is_published=True)
        shared = Q(shared_measures__is_published=True)
    return list(
        WorkingGroup.objects.filter(initiative=initiative).filter(owned | shared).distinct()
    )


class ReportCardPage(CardMixin):
    template_name = "insight/report_card.html"

    def get_context_data(self, **kwargs):
        card = self.card()
        context = self.common_context(card)
        context["tiles"] = [
            build_tile(
                report,
                initiative=card.initiative,
                url=self.url("indicator_report", report.indicator.code),
            )
            for report in card.indicators
        ]
        context["headline"] = describe.headline(card)
        context["gaps_headline"] = (
            describe.gaps_headline(card) if card.gaps_closing.denominator else ""
        )
        if card.working_group is None:
            context["groups"] = _groups_with_indicators(card.initiative, public=self.public)
            context["edition"] = latest_edition(card.initiative)
            context["can_publish"] = not self.public and self.access.has(Perm.REVIEW_DATA)
            if self.public:
                context["community_voice"] = public_community_voice(card.initiative)
        return super().get_context_data(**{**kwargs, **context})


class IndicatorPage(CardMixin):
    template_name = "insight/indicator_report.html"

    def get_context_data(self, **kwargs):
        card = self.card()
        code = self.kwargs["code"]
        report = next((r for r in card.indicators if r.indicator.code == code), None)
        if report is None:  # no such indicator, or not published: the same answer
            raise Http404
        context = self.common_context(card)
        context["report"] = report
        context["page"] = build_indicator_page(report, initiative=card.initiative)
        return super().get_context_data(**{**kwargs, **context})


class PublicMixin:
    """Anyone may read a public initiative's card; any other initiative is 404."""

    public = True

    def get_initiative(self) -> Initiative:
        return get_object_or_404(Initiative, slug=self.kwargs["slug"], is_public=True)


class InternalMixin(InitiativeViewMixin):
    """Those who see internal results: every indicator, with unpublished data."""

    permission = Perm.VIEW_RESULTS
    nav = "report_card"

    def get_initiative(self) -> Initiative:
        return self.initiative


class ReportCardView(InternalMixin, ReportCardPage, TemplateView):
    pass


class PublicReportCardView(PublicMixin, ReportCardPage, TemplateView):
    pass


class IndicatorReportView(InternalMixin, IndicatorPage, TemplateView):
    pass


class PublicIndicatorReportView(PublicMixin, IndicatorPage, TemplateView):
    pass
