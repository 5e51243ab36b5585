from django.apps import AppConfig


class ConveningConfig(AppConfig):
    name = "commonground.convening"
    verbose_name = "Continuous communication"
