"""The API under ``/api/v1/``, its readable reference, and the account's tokens page."""

from django.urls import path
from django.views.generic import RedirectView

from commonground.api import docs, views
from commonground.api.api import api

urlpatterns = [
    path("api/v1/docs", docs.ApiDocsView.as_view(), name="api_docs"),
    # The API's root leads people to the reference (django-ninja's own root is only a 404).
    path("api/v1/", RedirectView.as_view(pattern_name="api_docs"), name="api_home"),
    path("api/v1/", api.urls),
    path("account/api-tokens/", views.TokenListView.as_view(), name="api_tokens"),
    path(
        "account/api-tokens/<int:pk>/revoke/",
        views.RevokeTokenView.as_view(),
        name="api_token_revoke",
    ),
]
