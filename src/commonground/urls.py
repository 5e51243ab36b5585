from django.urls import include, path

urlpatterns = [
    path("", include("commonground.initiatives.urls")),
    path("", include("commonground.measurement.urls")),
    path("", include("commonground.insight.urls")),
    path("", include("commonground.action.urls")),
    path("", include("commonground.convening.urls")),
    path("", include("commonground.backbone.urls")),
    path("", include("commonground.api.urls")),
    path("", include("commonground.webhooks.urls")),
    path("", include("commonground.core.urls")),
]
