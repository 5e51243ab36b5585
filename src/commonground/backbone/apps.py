from django.apps import AppConfig


class BackboneConfig(AppConfig):
    name = "commonground.backbone"
    verbose_name = "Backbone console and initiative health"
