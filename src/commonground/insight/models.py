"""Rollups: aggregates of approved data, kept in step with every approval, reopening and revision.

The report card reads these instead of the raw values, so its cost does not grow with the
number of values stored (SPEC §3.2.2). ``commonground verify-rollups`` recomputes them from the
raw values and reports any drift.
"""

from django.db import models
from django.db.models.functions import Coalesce

from commonground.initiatives.models import WorkingGroup
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
