"""URLs of the common agenda and the partner charter.

Internal pages live under ``/i/<slug>/agenda/``; the draft's editing pages under ``draft/`` so
that no goal or strategy code can hide a page. The public page is ``/public/<slug>/agenda/``.
"""

from django.urls import path

from commonground.action.views import agenda as views

A = "i/<slug:slug>/agenda/"

urlpatterns = [
    path(A, views.AgendaView.as_view(), name="agenda"),
    path(f"{A}versions/", views.VersionListView.as_view(), name="agenda_versions"),
    path(f"{A}versions/<int:number>/", views.VersionDetailView.as_view(), name="agenda_version"),
    path(f"{A}compare/", views.CompareView.as_view(), name="agenda_compare"),
    path(f"{A}draft/", views.DraftView.as_view(), name="agenda_draft"),
    path(f"{A}draft/start/", views.DraftStartView.as_view(), name="agenda_draft_start"),
    path(f"{A}draft/propose/", views.ProposeView.as_view(), name="agenda_propose"),
    path(f"{A}draft/new-goal/", views.GoalCreateView.as_view(), name="agenda_goal_add"),
    path(f"{A}draft/goals/<slug:code>/", views.GoalEditView.as_view(), name="agenda_goal"),
    path(
        f"{A}draft/goals/<slug:code>/retire/",
        views.GoalRetireView.as_view(),
        name="agenda_goal_retire",
    ),
    path(
        f"{A}draft/goals/<slug:code>/strategies/new/",
        views.StrategyCreateView.as_view(),
        name="agenda_strategy_add",
    ),
    path(
        f"{A}draft/strategies/<slug:code>/",
        views.StrategyEditView.as_view(),
        name="agenda_strategy",
    ),
    path(
        f"{A}draft/strategies/<slug:code>/retire/",
        views.StrategyRetireView.as_view(),
        name="agenda_strategy_retire",
    ),
    path(f"{A}signatures/", views.SignaturesView.as_view(), name="agenda_signatures"),
    path(f"{A}charter/<slug:partner>/", views.CharterView.as_view(), name="agenda_charter"),
    path("public/<slug:slug>/agenda/", views.PublicAgendaView.as_view(), name="public_agenda"),
]
