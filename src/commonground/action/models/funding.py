"""Funders' grants and commitments, mapped to the agenda's strategies."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from commonground.initiatives.models import Initiative, Partnership


class Grant(models.Model):
    class Kind(models.TextChoices):
        GRANT = "grant", _("Grant awarded")
        COMMITMENT = "commitment", _("Funding commitment")

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="grants")
    funder = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="grants_made")
    recipient = models.ForeignKey(
        Partnership,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="grants_received",
        help_text=_("Empty: the backbone or the initiative as a whole."),
    )
    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.GRANT)
    amount = models.DecimalField(max_digits=14, decimal_places=2, help_text=_("Dollars."))
    starts_on = models.DateField()
    ends_on = models.DateField()
    strategies = models.ManyToManyField("action.Strategy", blank=True, related_name="grants")
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "title"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="grant_amount_positive"),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="grant_dates_ordered"
            ),
        ]

    def __str__(self) -> str:
        return self.title
