"""The report card and benchmarking pages; the downloads and embeds are in ``urls_outputs``.

Internal pages live under ``/i/<slug>/`` and need ``VIEW_RESULTS`` (benchmarks: one's own
partner, or any for those who see every partner's data); public pages under ``/public/<slug>/``
exist for public initiatives only.
"""

from django.urls import include, path

from commonground.insight import views

urlpatterns = [
    # Internal: every indicator, unpublished ones marked, with approval status.
    path("i/<slug:slug>/report-card/", views.ReportCardView.as_view(), name="report_card"),
    path(
        "i/<slug:slug>/publish-report-card/",
        views.PublishReportCardView.as_view(),
        name="report_card_publish",
    ),
    path(
        "i/<slug:slug>/report-card/<slug:code>/",
        views.IndicatorReportView.as_view(),
        name="indicator_report",
    ),
    path(
        "i/<slug:slug>/groups/<slug:group>/report-card/",
        views.ReportCardView.as_view(),
        name="group_report_card",
    ),
    path(
        "i/<slug:slug>/groups/<slug:group>/report-card/<slug:code>/",
        views.IndicatorReportView.as_view(),
        name="group_indicator_report",
    ),
    path(
        "i/<slug:slug>/benchmark/", views.PartnerBenchmarkView.as_view(), name="partner_benchmark"
    ),
    # Public: published indicators, small cells withheld.
    path("public/<slug:slug>/", views.PublicReportCardView.as_view(), name="public_report_card"),
    path(
        "public/<slug:slug>/indicators/<slug:code>/",
        views.PublicIndicatorReportView.as_view(),
        name="public_indicator_report",
    ),
    path(
        "public/<slug:slug>/groups/<slug:group>/",
        views.PublicReportCardView.as_view(),
        name="public_group_report_card",
    ),
    path(
        "public/<slug:slug>/groups/<slug:group>/indicators/<slug:code>/",
        views.PublicIndicatorReportView.as_view(),
        name="public_group_indicator_report",
    ),
    path("", include("commonground.insight.urls_outputs")),
]
