"""Partner benchmarking: a partner's latest values beside its peers' spread (SPEC §3.2.9).

A partner's reporters and lead see their own partner (``VIEW_OWN_PARTNER_DATA``). Those who may
see every partner's data (``VIEW_ALL_PARTNER_DATA``: the backbone lead, the data manager, the
steering committee) choose a partner. Everyone else gets 404, like a page that does not exist.
Peers stay anonymous: the page shows how many there are and their quartiles, never a name.
"""

from dataclasses import dataclass

from django.http import Http404
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from commonground.core.access import InitiativeViewMixin
from commonground.core.permissions import Perm
from commonground.insight.benchmark import BenchmarkRow, partner_benchmark
from commonground.insight.charts import benchmark_spec, format_value


@dataclass(frozen=True)
class Row:
    """One indicator as the page prints it."""

    data: BenchmarkRow
    own: str  # the partner's value with its unit, as entered when censored; "" without data
    figures: list[tuple[str, str]]  # the peers' five figures
    position: str
    chart: dict | None

    @property
    def indicator(self):
        return self.data.indicator


def _positions() -> dict[str, str]:
    return {
        "bottom": _("Lower than three quarters of the peers (below their lower quartile)."),
        "lower_middle": _("Between the peers' lower quartile and their median."),
        "median": _("At the peers' median."),
        "upper_middle": _("Between the peers' median and their upper quartile."),
        "top": _("Higher than three quarters of the peers (above their upper quartile)."),
    }


def present(row: BenchmarkRow) -> Row:
    indicator = row.indicator

    def shown(value) -> str:
        return format_value(value, indicator.unit, indicator.decimals)

    def summary(value) -> str:
        """A quartile falls between values: one more decimal when it needs it, so 47.5 does
        not read as the partner's own 48."""
        exact = value == round(value, indicator.decimals)
        return format_value(value, indicator.unit, indicator.decimals + (0 if exact else 1))

    own = ""
    if row.censor:
        own = f"{row.censor}{shown(row.bound)}"
    elif row.value is not None:
        own = shown(row.value)
    figures, chart = [], None
    spread = row.peers
    if spread is not None:
        figures = [
            (_("Lowest"), summary(spread.minimum)),
            (_("Lower quartile"), summary(spread.q1)),
            (_("Median"), summary(spread.median)),
            (_("Upper quartile"), summary(spread.q3)),
            (_("Highest"), summary(spread.maximum)),
        ]
        chart = benchmark_spec(
            row.value,
            minimum=spread.minimum,
            q1=spread.q1,
            median=spread.median,
            q3=spread.q3,
            maximum=spread.maximum,
            unit=indicator.unit,
            decimals=indicator.decimals,
            description=_("%(name)s: your value against the peers' spread")
            % {"name": indicator.name},
        )
    position = _positions().get(row.position or "", "")
    return Row(row, own, figures, position, chart)


class PartnerBenchmarkView(InitiativeViewMixin, TemplateView):
    # Checked per partner in ``get_partnership``: one's own partner (VIEW_OWN_PARTNER_DATA), or
    # any partner for those with VIEW_ALL_PARTNER_DATA; everyone else 404.
    permission = Perm.VIEW_INITIATIVE
    nav = "benchmark"
    template_name = "insight/benchmark.html"

    def may_choose(self) -> bool:
        return self.access.has(Perm.VIEW_ALL_PARTNER_DATA)

    def get_partnership(self):
        if self.may_choose():
            code = self.request.GET.get("partner")
            if not code:
                return None
            partnership = self.initiative.partnerships.filter(code=code).first()
            if partnership is None:
                raise Http404
            return partnership
        if self.access.has(Perm.VIEW_OWN_PARTNER_DATA) and self.access.partnership:
            return self.access.partnership
        raise Http404

    def get_context_data(self, **kwargs):
        partnership = self.get_partnership()
        context = {"partnership": partnership, "may_choose": self.may_choose()}
        if context["may_choose"]:
            context["partners"] = list(
                self.initiative.partnerships.select_related("organization").order_by(
                    "organization__name"
                )
            )
        if partnership is not None:
            benchmark = partner_benchmark(partnership)
            context["benchmark"] = benchmark
            context["rows"] = [present(row) for row in benchmark.rows]
        return super().get_context_data(**{**kwargs, **context})
