"""The backbone console and the lists behind its figures that no other page already shows.

The figures come from ``backbone.console`` and ``backbone.engagement_score``; each list page
below calls the same function as the figure that links to it, so they always agree.
"""

from django.core.paginator import Paginator
from django.utils import timezone
from django.views.generic import TemplateView

from commonground.backbone import console, engagement_score
from commonground.core.access import InitiativeViewMixin
from commonground.core.permissions import Perm
from commonground.insight.document import build_report_card
from commonground.insight.outputs import describe

ROWS_PER_PAGE = 100


class ConsoleMixin(InitiativeViewMixin):
    permission = Perm.VIEW_CONSOLE
    nav = "console"


class ConsoleView(ConsoleMixin, TemplateView):
    """One page: what to do next, then a tile per figure, each linking to its list."""

    template_name = "backbone/console/console.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            console=console.build_console(
                self.initiative, today=timezone.localdate(), access=self.access
            ),
            **kwargs,
        )


def parse_below(raw: str) -> int | None:
    """The ``below`` filter: a score from 1 to 100, or None (no filter) for anything else."""
    raw = (raw or "").strip()
    if raw.isdigit() and 1 <= int(raw) <= 100:
        return int(raw)
    return None


class EngagementScoresView(ConsoleMixin, TemplateView):
    """Every active partner's engagement score with its components, lowest first."""

    template_name = "backbone/console/engagement.html"

    def get_context_data(self, **kwargs):
        scores = engagement_score.engagement_scores(self.initiative, today=timezone.localdate())
        below = parse_below(self.request.GET.get("below", ""))
        if below is not None:
            scores = [s for s in scores if s.score is not None and s.score < below]
        page = Paginator(scores, ROWS_PER_PAGE).get_page(self.request.GET.get("page"))
        return super().get_context_data(
            page=page,
            scores=page.object_list,
            below=below,
            query=f"below={below}" if below is not None else "",
            low=engagement_score.LOW_SCORE,
            periods=engagement_score.REPORTING_PERIODS,
            months=engagement_score.ATTENDANCE_MONTHS,
            **kwargs,
        )


class DataQualityView(ConsoleMixin, TemplateView):
    """Warnings on values of reports waiting for approval, and reports returned to partners."""

    permission = Perm.REVIEW_DATA
    template_name = "backbone/console/data_quality.html"

    def get_context_data(self, **kwargs):
        alerts = console.data_quality_alerts(self.initiative)
        page = Paginator(alerts.flagged, ROWS_PER_PAGE).get_page(self.request.GET.get("page"))
        return super().get_context_data(
            alerts=alerts, page=page, flagged=page.object_list, **kwargs
        )


class WorseningView(ConsoleMixin, TemplateView):
    """The indicators whose trend is worsening, from the internal report card."""

    template_name = "backbone/console/worsening.html"

    def get_context_data(self, **kwargs):
        reports = console.worsening_indicators(build_report_card(self.initiative, public=False))
        rows = [
            {
                "report": report,
                "latest": describe.figure(report.indicator, report.latest.value)
                if report.latest
                else "—",
                "trend": describe.trend_words(report),
            }
            for report in reports
        ]
        return super().get_context_data(rows=rows, **kwargs)


class ChartersView(ConsoleMixin, TemplateView):
    """The partners that have not signed the adopted version of the common agenda."""

    template_name = "backbone/console/charters.html"

    def get_context_data(self, **kwargs):
        overview = engagement_score.charters(self.initiative)
        outstanding = console.charters_outstanding(overview)
        page = Paginator(outstanding, ROWS_PER_PAGE).get_page(self.request.GET.get("page"))
        return super().get_context_data(
            overview=overview,
            outstanding=outstanding,
            page=page,
            rows=page.object_list,
            **kwargs,
        )
