"""The report card as downloads (PDF, CSV) and as embeddable snippets.

Public outputs exist only for public initiatives and show only the public card — published
indicators, suppressed (SPEC §3.2.7); the internal downloads need ``VIEW_RESULTS`` like the
internal report card. Each download is computed when asked, from the current rollups: a
report card is small, and nothing cached can go stale.
"""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.generic import TemplateView, View

from commonground.core.access import InitiativeViewMixin
from commonground.core.permissions import Perm
from commonground.initiatives.models import Initiative
from commonground.insight.document import build_report_card
from commonground.insight.outputs import charts, describe, embed
from commonground.insight.outputs.csv import render_report_card_csv
from commonground.insight.outputs.pdf import PAPER_SIZES, render_report_card_pdf

EMBED_CHART_WIDTH = 300
HEADLINE_HEIGHT = 420
INDICATOR_HEIGHT = 400


def _working_group(initiative, code: str | None):
    if code is None:
        return None
    return get_object_or_404(initiative.working_groups, code=code)


class PublicCardMixin:
    """The public card of a public initiative (or one of its working groups); 404 otherwise."""

    def get_card(self):
        initiative = get_object_or_404(Initiative, slug=self.kwargs["slug"], is_public=True)
        group = _working_group(initiative, self.kwargs.get("group"))
        return build_report_card(initiative, public=True, working_group=group)


class InternalCardMixin(InitiativeViewMixin):
    """The internal card, with unpublished indicators and data, for those who see results."""

    permission = Perm.VIEW_RESULTS

    def get_card(self):
        group = _working_group(self.initiative, self.kwargs.get("group"))
        return build_report_card(self.initiative, public=False, working_group=group)


def _filename(card, extension: str) -> str:
    parts = [card.initiative.slug]
    if card.working_group is not None:
        parts.append(card.working_group.code)
    parts.append("report-card" if card.public else "report-card-internal")
    parts.append(timezone.localdate(card.generated_at).isoformat())
    return "-".join(parts) + "." + extension


def _attachment(card, content, content_type: str, extension: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    filename = _filename(card, extension)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # An internal card must not sit in any cache; a public one changes with every approval.
    response["Cache-Control"] = "no-cache" if card.public else "private, no-store"
    return response


class PdfDownload(View):
    """``?paper=letter`` for US Letter; A4 otherwise."""

    def get(self, request, *args, **kwargs):
        paper = request.GET.get("paper", "a4")
        if paper not in PAPER_SIZES:
            paper = "a4"
        card = self.get_card()
        pdf = render_report_card_pdf(card, paper=paper)
        return _attachment(card, pdf, "application/pdf", "pdf")


class CsvDownload(View):
    def get(self, request, *args, **kwargs):
        card = self.get_card()
        text = render_report_card_csv(card)
        return _attachment(card, text, "text/csv; charset=utf-8", "csv")


class PublicReportCardPdfView(PublicCardMixin, PdfDownload):
    pass


class PublicReportCardCsvView(PublicCardMixin, CsvDownload):
    pass


class ReportCardPdfView(InternalCardMixin, PdfDownload):
    pass


class ReportCardCsvView(InternalCardMixin, CsvDownload):
    pass


# --- embeds ---------------------------------------------------------------------------------


@method_decorator(xframe_options_exempt, name="dispatch")
class EmbedView(PublicCardMixin, TemplateView):
    """A page for another site's ``<iframe>``: framable, public figures only, no script."""

    def render_to_response(self, context, **response_kwargs):
        return embed.framable(super().render_to_response(context, **response_kwargs))

    def get_context_data(self, **kwargs):
        card = self.get_card()
        slug = card.initiative.slug
        return super().get_context_data(
            card=card,
            initiative=card.initiative,
            full_url=self.request.build_absolute_uri(reverse("public_report_card", args=[slug])),
            **kwargs,
        )


class ReportCardEmbedView(EmbedView):
    """The headline and every indicator's trend, in a few lines."""

    template_name = "insight/embed/report_card.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        card = context["card"]
        context["headline"] = describe.headline(card)
        context["gaps_headline"] = (
            describe.gaps_headline(card) if card.gaps_closing.denominator else ""
        )
        context["rows"] = [
            {
                "report": report,
                "latest": describe.figure(report.indicator, report.latest.value)
                if report.latest is not None
                else None,
                "trend": describe.trend_words(report),
            }
            for report in card.indicators
        ]
        return context


class IndicatorEmbedView(EmbedView):
    """One indicator's tile: latest figure, trend, sparkline (drawn on the server as SVG)."""

    template_name = "insight/embed/indicator.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        code = self.kwargs["code"]
        report = next((r for r in context["card"].indicators if r.indicator.code == code), None)
        if report is None:
            raise Http404
        spec = charts.sparkline(report, width=EMBED_CHART_WIDTH, height=90)
        context.update(
            report=report,
            latest=describe.figure(report.indicator, report.latest.value)
            if report.latest is not None
            else None,
            trend=describe.trend_words(report),
            facts=describe.facts(report),
            chart=charts.image(spec),
            chart_text=describe.chart_text(report, charts.sparkline_lines(report)),
        )
        return context


class EmbedCodeView(PublicCardMixin, TemplateView):
    """The ``<iframe>`` snippets a partner copies onto its own website."""

    template_name = "insight/embed/code.html"

    def get_context_data(self, **kwargs):
        card = self.get_card()
        slug = card.initiative.slug
        absolute = self.request.build_absolute_uri
        headline_url = absolute(reverse("report_card_embed", args=[slug]))
        snippets = [
            {
                "name": _("The headline and every indicator's trend"),
                "url": headline_url,
                "code": embed.iframe_snippet(
                    headline_url,
                    title=_("%(name)s: community report card") % {"name": card.initiative.name},
                    height=HEADLINE_HEIGHT,
                ),
            }
        ]
        for report in card.indicators:
            url = absolute(
                reverse("report_card_indicator_embed", args=[slug, report.indicator.code])
            )
            snippets.append(
                {
                    "name": report.indicator.name,
                    "url": url,
                    "code": embed.iframe_snippet(
                        url,
                        title=f"{report.indicator.name} — {card.initiative.name}",
                        height=INDICATOR_HEIGHT,
                    ),
                }
            )
        return super().get_context_data(
            card=card, initiative=card.initiative, public=True, snippets=snippets, **kwargs
        )
