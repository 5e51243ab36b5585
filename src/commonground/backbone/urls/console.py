"""URLs of the backbone console and the lists behind its figures."""

from django.urls import path

from commonground.backbone.views import console as views

C = "i/<slug:slug>/console/"

urlpatterns = [
    path(C, views.ConsoleView.as_view(), name="console"),
    path(f"{C}engagement/", views.EngagementScoresView.as_view(), name="console_engagement"),
    path(f"{C}data-quality/", views.DataQualityView.as_view(), name="console_data_quality"),
    path(f"{C}worsening/", views.WorseningView.as_view(), name="console_worsening"),
    path(f"{C}charters/", views.ChartersView.as_view(), name="console_charters"),
]
