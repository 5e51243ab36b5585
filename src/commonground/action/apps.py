from django.apps import AppConfig


class ActionConfig(AppConfig):
    name = "commonground.action"
    verbose_name = "Common agenda and action plan"
