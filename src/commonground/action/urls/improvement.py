"""URLs of improvement projects and their PDSA cycles."""

from django.urls import path

from commonground.action.views import improvement as views

urlpatterns = [
    path("i/<slug:slug>/improvement/", views.ProjectListView.as_view(), name="improvement_list"),
    path(
        "i/<slug:slug>/improvement/new/",
        views.ProjectCreateView.as_view(),
        name="improvement_create",
    ),
    path(
        "i/<slug:slug>/improvement/<int:pk>/",
        views.ProjectDetailView.as_view(),
        name="improvement_detail",
    ),
    path(
        "i/<slug:slug>/improvement/<int:pk>/edit/",
        views.ProjectEditView.as_view(),
        name="improvement_edit",
    ),
    path(
        "i/<slug:slug>/improvement/<int:pk>/measures/",
        views.MeasureAddView.as_view(),
        name="improvement_measure_add",
    ),
    path(
        "i/<slug:slug>/improvement/<int:pk>/measures/<int:measure>/remove/",
        views.MeasureRemoveView.as_view(),
        name="improvement_measure_remove",
    ),
    path(
        "i/<slug:slug>/improvement/<int:pk>/cycles/new/",
        views.CycleCreateView.as_view(),
        name="improvement_cycle_create",
    ),
    path(
        "i/<slug:slug>/improvement/<int:pk>/cycles/<int:number>/",
        views.CycleEditView.as_view(),
        name="improvement_cycle_edit",
    ),
]
