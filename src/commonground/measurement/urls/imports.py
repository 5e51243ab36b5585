"""URLs of the import pages: upload, a job's progress and errors, importing for real."""

from django.urls import path

from commonground.measurement.views import imports

urlpatterns = [
    path("i/<slug:slug>/imports/", imports.ImportListView.as_view(), name="imports"),
    path(
        "i/<slug:slug>/imports/<int:pk>/", imports.ImportDetailView.as_view(), name="import_detail"
    ),
    path(
        "i/<slug:slug>/imports/<int:pk>/progress/",
        imports.ImportProgressView.as_view(),
        name="import_progress",
    ),
    path(
        "i/<slug:slug>/imports/<int:pk>/import/",
        imports.ImportCommitView.as_view(),
        name="import_commit",
    ),
    path(
        "i/<slug:slug>/imports/<int:pk>/errors.csv",
        imports.ImportErrorsView.as_view(),
        name="import_errors",
    ),
]
