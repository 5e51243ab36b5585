"""The backbone's pages (SPEC §3.5), one module per part: the console, the self-assessments and
the partner network survey."""

from django.urls import include, path

urlpatterns = [
    path("", include("commonground.backbone.urls.console")),
    path("", include("commonground.backbone.urls.assessments")),
    path("", include("commonground.backbone.urls.network")),
]
