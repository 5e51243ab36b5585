"""Rollups: aggregates of approved data, kept in step with every approval, reopening and revision.

The report card reads these instead of the raw values, so its cost does not grow with the
number of values stored (SPEC §3.2.2). ``commonground verify-rollups`` recomputes them from the
raw values and reports any drift.

``ReportCardEdition``: the public report card as it stood when the data manager published it.
"""

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce

from commonground.initiatives.models import Initiative, WorkingGroup
from commonground.measurement.models import Indicator


class Rollup(models.Model):
    """One aggregate: indicator × period × cell, over all partners or one working group's."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="rollups")
    period = models.CharField(max_length=12)
    cell = models.CharField(max_length=300, blank=True, default="")
    working_group = models.ForeignKey(
        WorkingGroup,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="rollups",
        help_text="Empty: all partners of the initiative.",
    )
    value = models.DecimalField(max_digits=28, decimal_places=10, null=True, blank=True)
    numerator = models.DecimalField(max_digits=24, decimal_places=6, null=True, blank=True)
    denominator = models.DecimalField(max_digits=24, decimal_places=6, null=True, blank=True)
    reporters = models.PositiveIntegerField(default=0)
    censored = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            # Coalesce: a NULL working group (all partners) must be unique too, on every backend.
            models.UniqueConstraint(
                "indicator",
                "period",
                "cell",
                Coalesce("working_group", 0),
                name="rollup_unique",
            )
        ]
        indexes = [models.Index(fields=["indicator", "working_group", "cell"])]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.period} [{self.cell}] = {self.value}"


class ReportCardEdition(models.Model):
    """A published report card: the public document (``report_card_json``) frozen when published.

    The public page always shows the live figures; an edition records what was announced, when
    and by whom (and is what the ``report_card.published`` webhook tells of).
    """

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="report_card_editions"
    )
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    document = models.JSONField()

    class Meta:
        ordering = ["-published_at", "-pk"]
        get_latest_by = "published_at"

    def __str__(self) -> str:
        return f"{self.initiative} report card, {self.published_at:%Y-%m-%d}"
