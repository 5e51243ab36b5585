"""URLs of the indicator registry: indicators, the framework file, reporting assignments.

Adding an indicator lives under ``registry/`` so that no indicator code (``new`` is a valid one)
can hide it.
"""

from django.urls import path

from commonground.measurement.views import registry as views

urlpatterns = [
    path("i/<slug:slug>/indicators/", views.IndicatorListView.as_view(), name="indicator_list"),
    path(
        "i/<slug:slug>/indicators/<slug:code>/",
        views.IndicatorDetailView.as_view(),
        name="indicator_detail",
    ),
    path(
        "i/<slug:slug>/indicators/<slug:code>/edit/",
        views.IndicatorEditView.as_view(),
        name="indicator_edit",
    ),
    path(
        "i/<slug:slug>/registry/new/",
        views.IndicatorCreateView.as_view(),
        name="indicator_create",
    ),
    path(
        "i/<slug:slug>/registry/framework.yaml",
        views.FrameworkExportView.as_view(),
        name="framework_export",
    ),
    path(
        "i/<slug:slug>/registry/import/",
        views.FrameworkImportView.as_view(),
        name="framework_import",
    ),
    path("i/<slug:slug>/assignments/", views.AssignmentsView.as_view(), name="assignments"),
]
