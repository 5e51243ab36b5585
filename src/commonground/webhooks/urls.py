"""The lead's webhook pages, under ``/i/<slug>/webhooks/`` (``Perm.MANAGE_WEBHOOKS``)."""

from django.urls import path

from commonground.webhooks import views

urlpatterns = [
    path("i/<slug:slug>/webhooks/", views.WebhookListView.as_view(), name="webhooks"),
    path(
        "i/<slug:slug>/webhooks/<int:pk>/",
        views.WebhookDetailView.as_view(),
        name="webhook_detail",
    ),
    path(
        "i/<slug:slug>/webhooks/<int:pk>/test/", views.SendTestView.as_view(), name="webhook_test"
    ),
    path(
        "i/<slug:slug>/webhooks/<int:pk>/secret/",
        views.RotateSecretView.as_view(),
        name="webhook_rotate_secret",
    ),
    path(
        "i/<slug:slug>/webhooks/<int:pk>/delete/",
        views.DeleteWebhookView.as_view(),
        name="webhook_delete",
    ),
    path(
        "i/<slug:slug>/webhooks/<int:pk>/deliveries/<int:delivery_pk>/",
        views.DeliveryDetailView.as_view(),
        name="webhook_delivery",
    ),
    path(
        "i/<slug:slug>/webhooks/<int:pk>/deliveries/<int:delivery_pk>/resend/",
        views.RedeliverView.as_view(),
        name="webhook_redeliver",
    ),
]
