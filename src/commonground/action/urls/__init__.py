"""The action area's pages, one module per part: the agenda and charter, the plan and working
groups, improvement cycles, funding."""

from django.urls import include, path

urlpatterns = [
    path("", include("commonground.action.urls.agenda")),
    path("", include("commonground.action.urls.plan")),
    path("", include("commonground.action.urls.improvement")),
    path("", include("commonground.action.urls.funding")),
]
