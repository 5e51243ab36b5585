"""URLs of the reporting pages: a partner's to-do, the data-entry grid, review and approval."""

from django.urls import path

from commonground.measurement.views import reporting, review

urlpatterns = [
    path("i/<slug:slug>/reporting/", reporting.TodoView.as_view(), name="reporting_todo"),
    path(
        "i/<slug:slug>/reporting/<slug:partner>/<str:period>/",
        reporting.GridView.as_view(),
        name="reporting_grid",
    ),
    path(
        "i/<slug:slug>/reporting/<slug:partner>/<str:period>/check/",
        reporting.ValidateView.as_view(),
        name="reporting_validate",
    ),
    path("i/<slug:slug>/review/", review.ReviewQueueView.as_view(), name="review_queue"),
    path(
        "i/<slug:slug>/review/approve-selected/",
        review.BulkApproveView.as_view(),
        name="review_bulk_approve",
    ),
    path(
        "i/<slug:slug>/review/<int:pk>/",
        review.ReviewSubmissionView.as_view(),
        name="review_submission",
    ),
    path(
        "i/<slug:slug>/review/<int:pk>/approve/",
        review.ApproveView.as_view(),
        name="review_approve",
    ),
    path(
        "i/<slug:slug>/review/<int:pk>/return/",
        review.ReturnView.as_view(),
        name="review_return",
    ),
    path(
        "i/<slug:slug>/review/<int:pk>/approve-values/",
        review.ApproveValuesView.as_view(),
        name="review_approve_values",
    ),
    path(
        "i/<slug:slug>/review/<int:pk>/reopen/",
        review.ReopenView.as_view(),
        name="review_reopen",
    ),
]
