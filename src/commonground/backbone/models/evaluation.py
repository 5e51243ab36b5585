"""The evaluation plan: questions the backbone adopted from the library (or wrote), by stage."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from commonground.initiatives.models import Initiative


class EvaluationPlanItem(models.Model):
    class Approach(models.TextChoices):
        DEVELOPMENTAL = "developmental", _("Developmental (early)")
        FORMATIVE = "formative", _("Formative (middle)")
        SUMMATIVE = "summative", _("Summative (later)")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        UNDER_WAY = "under_way", _("Under way")
        ANSWERED = "answered", _("Answered")

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="evaluation_plan"
    )
    # The library question it came from (``backbone/evaluation_library.py``); empty if written
    # by the backbone.
    library_code = models.CharField(max_length=60, blank=True)
    question = models.TextField()
    condition = models.CharField(max_length=30)
    approach = models.CharField(max_length=14, choices=Approach.choices)
    indicators = models.ManyToManyField("measurement.Indicator", blank=True, related_name="+")
    method = models.TextField(blank=True, help_text=_("How it will be answered."))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)
    findings = models.TextField(blank=True)
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    adopted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["approach", "condition", "pk"]

    def __str__(self) -> str:
        return self.question[:80]
