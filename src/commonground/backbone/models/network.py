"""The partner network survey: each partner names the partners it works with and rates each
relationship on 1–4 (intensity, three trust items, three value items)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from commonground.backbone.models.assessments import Round
from commonground.initiatives.models import Partnership

ONE_TO_FOUR = [MinValueValidator(1), MaxValueValidator(4)]


class NetworkResponse(models.Model):
    """One partner's answer in a network round (one per partner, by its lead)."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="network_responses")
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["round", "partnership"], name="one_network_response_per_partner"
            )
        ]

    def __str__(self) -> str:
        return f"{self.partnership} in {self.round}"


class Relationship(models.Model):
    """How the responding partner rates its relationship with ``partner``."""

    class Intensity(models.IntegerChoices):
        AWARENESS = 1, _("Awareness")
        COOPERATION = 2, _("Cooperation")
        COORDINATION = 3, _("Coordination")
        INTEGRATION = 4, _("Integration")

    response = models.ForeignKey(
        NetworkResponse, on_delete=models.CASCADE, related_name="relationships"
    )
    partner = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    intensity = models.PositiveSmallIntegerField(choices=Intensity.choices)
    trust_openness = models.PositiveSmallIntegerField(validators=ONE_TO_FOUR)
    trust_reliability = models.PositiveSmallIntegerField(validators=ONE_TO_FOUR)
    trust_mission = models.PositiveSmallIntegerField(validators=ONE_TO_FOUR)
    value_influence = models.PositiveSmallIntegerField(validators=ONE_TO_FOUR)
    value_involvement = models.PositiveSmallIntegerField(validators=ONE_TO_FOUR)
    value_resources = models.PositiveSmallIntegerField(validators=ONE_TO_FOUR)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "partner"], name="one_rating_per_tie"),
        ]

    def __str__(self) -> str:
        return f"{self.response.partnership} → {self.partner}"
