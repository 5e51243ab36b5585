from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "commonground.core"
    verbose_name = "Core: audit, permissions, shared helpers"
