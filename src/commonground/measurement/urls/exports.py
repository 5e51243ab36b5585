"""URLs of the export pages: the form, the download, and the DHIS2 check."""

from django.urls import path

from commonground.measurement.views import exports

urlpatterns = [
    path("i/<slug:slug>/export/", exports.ExportView.as_view(), name="export_data"),
    path(
        "i/<slug:slug>/export/download/",
        exports.ExportDownloadView.as_view(),
        name="export_download",
    ),
    path(
        "i/<slug:slug>/export/dhis2-check/",
        exports.Dhis2CheckView.as_view(),
        name="export_dhis2_check",
    ),
]
