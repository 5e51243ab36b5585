"""The insight pages: the report card (``reportcard``) and partner benchmarking (``benchmark``).

The downloads and embeds of the report card are in ``insight/views_outputs.py``.
"""

from commonground.insight.views.benchmark import PartnerBenchmarkView
from commonground.insight.views.publish import PublishReportCardView
from commonground.insight.views.reportcard import (
    IndicatorReportView,
    PublicIndicatorReportView,
    PublicReportCardView,
    ReportCardView,
)

__all__ = [
    "IndicatorReportView",
    "PartnerBenchmarkView",
    "PublicIndicatorReportView",
    "PublicReportCardView",
    "PublishReportCardView",
    "ReportCardView",
]
