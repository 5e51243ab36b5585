"""Shared measurement URLs, one module per area of work."""

from django.urls import include, path

urlpatterns = [
    path("", include("commonground.measurement.urls.registry")),
    path("", include("commonground.measurement.urls.reporting")),
    path("", include("commonground.measurement.urls.imports")),
    path("", include("commonground.measurement.urls.exports")),
    path("", include("commonground.measurement.urls.completeness")),
]
