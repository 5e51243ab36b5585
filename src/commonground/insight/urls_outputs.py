"""The report card's downloads and embeds (views in ``views_outputs``).

Included from ``insight/urls.py``. Working groups have the same downloads under
``groups/<code>/``.
"""

from django.urls import path

from commonground.insight import views_outputs as views

urlpatterns = [
    # Public: anyone, for public initiatives; published indicators, suppressed.
    path(
        "public/<slug:slug>/report-card.pdf",
        views.PublicReportCardPdfView.as_view(),
        name="public_report_card_pdf",
    ),
    path(
        "public/<slug:slug>/report-card.csv",
        views.PublicReportCardCsvView.as_view(),
        name="public_report_card_csv",
    ),
    path(
        "public/<slug:slug>/groups/<slug:group>/report-card.pdf",
        views.PublicReportCardPdfView.as_view(),
        name="public_group_report_card_pdf",
    ),
    path(
        "public/<slug:slug>/groups/<slug:group>/report-card.csv",
        views.PublicReportCardCsvView.as_view(),
        name="public_group_report_card_csv",
    ),
    path(
        "public/<slug:slug>/embed/", views.ReportCardEmbedView.as_view(), name="report_card_embed"
    ),
    path(
        "public/<slug:slug>/embed/<slug:code>/",
        views.IndicatorEmbedView.as_view(),
        name="report_card_indicator_embed",
    ),
    path(
        "public/<slug:slug>/embed-code/",
        views.EmbedCodeView.as_view(),
        name="report_card_embed_code",
    ),
    # Internal: Perm.VIEW_RESULTS; every indicator, unsuppressed.
    path(
        "i/<slug:slug>/report-card.pdf", views.ReportCardPdfView.as_view(), name="report_card_pdf"
    ),
    path(
        "i/<slug:slug>/report-card.csv", views.ReportCardCsvView.as_view(), name="report_card_csv"
    ),
    path(
        "i/<slug:slug>/groups/<slug:group>/report-card.pdf",
        views.ReportCardPdfView.as_view(),
        name="group_report_card_pdf",
    ),
    path(
        "i/<slug:slug>/groups/<slug:group>/report-card.csv",
        views.ReportCardCsvView.as_view(),
        name="group_report_card_csv",
    ),
]
