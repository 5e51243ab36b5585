"""URLs of the action plan: activities and the alignment views, under ``/i/<slug>/plan/``.

Adding an activity lives at ``plan/new/`` and activities by number at ``plan/activities/<pk>/``,
so no name can hide another.
"""

from django.urls import path

from commonground.action.views import plan as views

ACTIVITY = "i/<slug:slug>/plan/activities/<int:pk>/"

urlpatterns = [
    path("i/<slug:slug>/plan/", views.ActionPlanView.as_view(), name="activity_list"),
    path("i/<slug:slug>/plan/new/", views.ActivityCreateView.as_view(), name="activity_create"),
    path(ACTIVITY, views.ActivityDetailView.as_view(), name="activity_detail"),
    path(f"{ACTIVITY}edit/", views.ActivityEditView.as_view(), name="activity_edit"),
    path(f"{ACTIVITY}delete/", views.ActivityDeleteView.as_view(), name="activity_delete"),
    path(
        f"{ACTIVITY}dependencies/",
        views.DependencyAddView.as_view(),
        name="activity_dependency_add",
    ),
    path(
        f"{ACTIVITY}dependencies/<int:needed>/remove/",
        views.DependencyRemoveView.as_view(),
        name="activity_dependency_remove",
    ),
    path(f"{ACTIVITY}milestones/", views.MilestoneAddView.as_view(), name="milestone_add"),
    path(
        f"{ACTIVITY}milestones/<int:milestone>/done/",
        views.MilestoneDoneView.as_view(),
        name="milestone_done",
    ),
    path(
        f"{ACTIVITY}milestones/<int:milestone>/delete/",
        views.MilestoneDeleteView.as_view(),
        name="milestone_delete",
    ),
    path("i/<slug:slug>/plan/alignment/", views.AlignmentView.as_view(), name="alignment"),
    path("i/<slug:slug>/plan/gaps/", views.GapsView.as_view(), name="plan_gaps"),
    path("i/<slug:slug>/plan/overlaps/", views.OverlapsView.as_view(), name="plan_overlaps"),
    path(
        "i/<slug:slug>/plan/dependencies/",
        views.DependenciesView.as_view(),
        name="plan_dependencies",
    ),
]
