"""The completeness and timeliness page: who reported on time, late, or not at all."""

from django.core.paginator import Paginator
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from commonground.core.access import InitiativeViewMixin
from commonground.core.permissions import Perm
from commonground.measurement.assignments import assignments_for
from commonground.measurement.completeness import (
    State,
    completeness,
    frequencies_in_use,
    last_ended_period,
    recent_periods,
)
from commonground.measurement.periods import Frequency, PeriodError, parse_period_for

PARTNERS_PER_PAGE = 50
PERIODS_OFFERED = {
    Frequency.ANNUAL: 6,
    Frequency.QUARTERLY: 8,
    Frequency.MONTHLY: 12,
    Frequency.SCHOOL_YEAR: 6,
    Frequency.FISCAL_YEAR: 6,
}


def report_url(slug: str, partner_code: str, period: str) -> str:
    """The partner's report for the period (the reporting grid)."""
    try:
        return reverse("reporting_grid", args=[slug, partner_code, period])
    except NoReverseMatch:
        return f"/i/{slug}/reporting/{partner_code}/{period}/"


class CompletenessView(InitiativeViewMixin, TemplateView):
    """Per period and partner: expected reports on time, late, missing or not yet due.

    Without a chosen period, the most recent ended period of each frequency in use is shown
    (its first partners, worst first); choosing a period shows all its partners, 50 a page.
    """

    permission = Perm.VIEW_COMPLETENESS
    nav = "completeness"
    template_name = "measurement/completeness/completeness.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        initiative = self.initiative
        frequencies = frequencies_in_use(initiative)
        chosen, error = self.request.GET.get("period", "").strip(), ""
        if chosen:
            try:
                periods = [parse_period_for(initiative, chosen)]
            except PeriodError as exc:
                error, chosen = str(exc), ""
        if not chosen:
            periods = [last_ended_period(initiative, f, today) for f in frequencies]
        assignments = assignments_for(initiative)
        sections = []
        for period in periods:
            result = completeness(initiative, period.code, today=today, assignments=assignments)
            if chosen:
                page = Paginator(result.lines, PARTNERS_PER_PAGE).get_page(
                    self.request.GET.get("page")
                )
                lines = page.object_list
            else:
                page, lines = None, result.lines[:PARTNERS_PER_PAGE]
            sections.append(
                {
                    "result": result,
                    "page": page,
                    "rows": [self.row(line, result) for line in lines],
                    "more": len(result.lines) - len(lines) if page is None else 0,
                }
            )
        offered = [
            (Frequency(f).label, [p.code for p in recent_periods(initiative, f, today, n)])
            for f in frequencies
            for n in [PERIODS_OFFERED[Frequency(f)]]
        ]
        return super().get_context_data(
            sections=sections,
            chosen=chosen,
            error=error,
            offered=offered,
            today=today,
            states=list(State),
            **kwargs,
        )

    def row(self, line, result) -> dict:
        partnership = line.partnership
        missing = [result.indicators[i].code for i in line.missing_indicators]
        link = ""
        if self.access.can_see_partner_data(partnership):
            link = report_url(self.initiative.slug, partnership.code, result.period.code)
        return {
            "partnership": partnership,
            "tally": line.tally,
            "shares": line.tally.shares(),
            "missing": missing,
            "link": link,
            "label": _("%(partner)s, %(period)s report")
            % {"partner": partnership.organization.name, "period": result.period.code},
        }
