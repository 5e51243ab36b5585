"""The convening area's pages, one module per part: meetings and calendars, decisions and action
items, discussions, stories and notifications."""

from django.urls import include, path

urlpatterns = [
    path("", include("commonground.convening.urls.meetings")),
    path("", include("commonground.convening.urls.decisions")),
    path("", include("commonground.convening.urls.discussions")),
]
