"""URLs of the completeness and timeliness page."""

from django.urls import path

from commonground.measurement.views import completeness as views

urlpatterns = [
    path("i/<slug:slug>/completeness/", views.CompletenessView.as_view(), name="completeness"),
]
