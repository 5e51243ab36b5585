from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "commonground.webhooks"
    verbose_name = "Webhooks"
