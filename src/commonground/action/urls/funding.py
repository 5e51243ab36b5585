"""URLs of funding alignment and grants."""

from django.urls import path

from commonground.action.views import funding as views

urlpatterns = [
    path("i/<slug:slug>/funding/", views.FundingView.as_view(), name="funding"),
    path(
        "i/<slug:slug>/funding/grants/new/",
        views.GrantCreateView.as_view(),
        name="grant_create",
    ),
    path(
        "i/<slug:slug>/funding/grants/<int:pk>/edit/",
        views.GrantEditView.as_view(),
        name="grant_edit",
    ),
    path(
        "i/<slug:slug>/funding/grants/<int:pk>/delete/",
        views.GrantDeleteView.as_view(),
        name="grant_delete",
    ),
]
