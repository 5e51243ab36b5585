"""URLs of the partner network survey."""

from django.urls import path

from commonground.backbone.views import network as views

urlpatterns = [
    path("i/<slug:slug>/network/", views.RoundListView.as_view(), name="network_rounds"),
    path(
        "i/<slug:slug>/network/new/", views.RoundCreateView.as_view(), name="network_round_create"
    ),
    path("i/<slug:slug>/network/compare/", views.CompareView.as_view(), name="network_compare"),
    path(
        "i/<slug:slug>/network/<int:pk>/", views.RoundResultsView.as_view(), name="network_results"
    ),
    path(
        "i/<slug:slug>/network/<int:pk>/open/",
        views.RoundOpenView.as_view(),
        name="network_round_open",
    ),
    path(
        "i/<slug:slug>/network/<int:pk>/close/",
        views.RoundCloseView.as_view(),
        name="network_round_close",
    ),
    path(
        "i/<slug:slug>/network/<int:pk>/answer/<slug:code>/",
        views.AnswerView.as_view(),
        name="network_answer",
    ),
]
