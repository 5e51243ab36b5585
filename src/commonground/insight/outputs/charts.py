"""The report card's charts as SVG, for the PDF, the standalone HTML and the embed.

The specifications come from ``insight/charts.py`` — the very builders the web page draws with
vega-embed — fed the same series; only the width is fixed, because paper has no "container".
vl-convert renders them to SVG here, on the server, with no network: ``allowed_base_urls=[]``
refuses any data URL a specification might carry.
"""

import base64
from collections.abc import Sequence

import vl_convert

from commonground.insight.charts import gap_chart_spec, sparkline_spec
from commonground.measurement.cells import cell_key


def to_svg(spec: dict) -> str:
    """The SVG of a Vega-Lite specification, drawn without fetching anything."""
    return vl_convert.vegalite_to_svg(spec, allowed_base_urls=[])


def data_uri(svg: str) -> str:
    """``data:image/svg+xml;base64,…``: an image WeasyPrint and browsers show without a fetch."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode("ascii")


def _points(series) -> list[tuple[str, object]]:
    return [(point.period, point.value) for point in series.points]


def _periods(series_list: Sequence) -> list[str]:
    """Every period of the series, oldest first (series are oldest first; merge keeps order)."""
    periods: list[str] = []
    seen = set()
    for series in series_list:
        for point in series.points:
            if point.period not in seen:
                seen.add(point.period)
                periods.append(point.period)
    return periods


def _shown(series_list: Sequence) -> int:
    return len({p.period for s in series_list for p in s.points if p.value is not None})


def sparkline_lines(report) -> list:
    """The tile's lines: the combined total, or each partner when the rule combines nothing."""
    if report.total is not None:
        return [report.total]
    return list(report.partners)


def sparkline(report, *, width: int | str, height: int = 90) -> dict | None:
    """The tile's sparkline specification; ``None`` with fewer than two values to draw."""
    lines = sparkline_lines(report)
    if _shown(lines) < 2:
        return None
    indicator = report.indicator
    several = len(lines) > 1
    return sparkline_spec(
        [(series.label if several else "", _points(series)) for series in lines],
        periods=_periods(lines),
        unit=indicator.unit,
        decimals=indicator.decimals,
        breaks=list(report.breaks),
        description=indicator.name,
        width=width,
        height=height,
    )


def gap_groups(report) -> list:
    """The cells the equity gaps compare, in the order of ``report.equity.gaps``.

    A gap names its group by the dimension value code (``black``) of the indicator's first
    dimension; its series is the cell ``race=black``.
    """
    equity = report.equity
    if equity is None or not equity.gaps:
        return []
    by_key = {series.key: series for series in report.cells}
    groups = []
    for gap in equity.gaps:
        series = by_key.get(group_key(report, gap.group))
        if series is not None:
            groups.append(series)
    return groups


def group_key(report, group: str) -> str:
    """The cell key of an equity group: ``race=black`` for ``black``."""
    dimensions = list(report.indicator.dimensions.all())  # prefetched by the document
    return cell_key({dimensions[0].code: group}) if dimensions else group


def gap_chart(report, *, width: int | str, height: int = 150) -> dict | None:
    """Each compared group's line, the reference group thicker; ``None`` if nothing to draw."""
    groups = gap_groups(report)
    if len(groups) < 2 or _shown(groups) < 2:
        return None
    indicator = report.indicator
    reference_key = group_key(report, report.equity.reference or "")
    reference = next((s.label for s in groups if s.key == reference_key), None)
    return gap_chart_spec(
        [(series.label, _points(series)) for series in groups],
        periods=_periods(groups),
        reference=reference,
        unit=indicator.unit,
        decimals=indicator.decimals,
        breaks=list(report.breaks),
        description=indicator.name,
        width=width,
        height=height,
    )


def image(spec: dict | None) -> str | None:
    """The specification drawn as a ``data:`` URI, or ``None`` for no chart."""
    return data_uri(to_svg(spec)) if spec is not None else None
