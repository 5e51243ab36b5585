"""URLs of decisions, action items, "My work" and the engagement figures."""

from django.urls import path

from commonground.convening.views import action_items, decisions, engagement

urlpatterns = [
    path("i/<slug:slug>/decisions/", decisions.DecisionListView.as_view(), name="decision_list"),
    path(
        "i/<slug:slug>/decisions/new/",
        decisions.DecisionCreateView.as_view(),
        name="decision_create",
    ),
    path(
        "i/<slug:slug>/decisions/<int:pk>/",
        decisions.DecisionDetailView.as_view(),
        name="decision_detail",
    ),
    path(
        "i/<slug:slug>/decisions/<int:pk>/vote/",
        decisions.DecisionVoteView.as_view(),
        name="decision_vote",
    ),
    path(
        "i/<slug:slug>/decisions/<int:pk>/close/",
        decisions.DecisionCloseView.as_view(),
        name="decision_close",
    ),
    path(
        "i/<slug:slug>/decisions/<int:pk>/withdraw/",
        decisions.DecisionWithdrawView.as_view(),
        name="decision_withdraw",
    ),
    path(
        "i/<slug:slug>/action-items/",
        action_items.ActionItemListView.as_view(),
        name="action_item_list",
    ),
    path(
        "i/<slug:slug>/action-items/new/",
        action_items.ActionItemCreateView.as_view(),
        name="action_item_create",
    ),
    path(
        "i/<slug:slug>/action-items/<int:pk>/edit/",
        action_items.ActionItemEditView.as_view(),
        name="action_item_edit",
    ),
    path(
        "i/<slug:slug>/action-items/<int:pk>/status/",
        action_items.ActionItemStatusView.as_view(),
        name="action_item_status",
    ),
    path("i/<slug:slug>/my-work/", action_items.MyWorkView.as_view(), name="my_work"),
    path("i/<slug:slug>/engagement/", engagement.EngagementView.as_view(), name="engagement"),
]
