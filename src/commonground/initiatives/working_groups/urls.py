"""URLs of working groups. A group's page is ``/i/<slug>/groups/<code>/`` beside its report card
(``groups/<code>/report-card/``); adding one lives outside ``groups/`` so no code can hide it."""

from django.urls import path

from commonground.initiatives.working_groups import views

GROUP = "i/<slug:slug>/groups/<slug:code>/"

urlpatterns = [
    path("i/<slug:slug>/groups/", views.WorkingGroupListView.as_view(), name="working_group_list"),
    path(
        "i/<slug:slug>/working-groups/new/",
        views.WorkingGroupCreateView.as_view(),
        name="working_group_create",
    ),
    path(GROUP, views.WorkingGroupDetailView.as_view(), name="working_group_detail"),
    path(f"{GROUP}edit/", views.WorkingGroupEditView.as_view(), name="working_group_edit"),
    path(f"{GROUP}members/", views.WorkingGroupMembersView.as_view(), name="working_group_members"),
    path(
        f"{GROUP}measures/", views.WorkingGroupMeasuresView.as_view(), name="working_group_measures"
    ),
]
