from django.urls import path

from commonground.insight import views

urlpatterns = [
    path("i/<slug:slug>/report-card/", views.ReportCardView.as_view(), name="report_card"),
    path("public/<slug:slug>/", views.PublicReportCardView.as_view(), name="public_report_card"),
]
