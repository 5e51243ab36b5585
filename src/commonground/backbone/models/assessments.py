"""Self-assessments repeated in rounds: the five conditions, the stage benchmarks and backbone
effectiveness. What is asked (conditions, benchmarks, backbone activities) is defined in code
(``backbone/instruments.py``); rows store answers by item code so rounds stay comparable."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from commonground.initiatives.models import Initiative, Partnership


class Round(models.Model):
    """One round of one instrument, e.g. "Five conditions, spring 2026"."""

    class Instrument(models.TextChoices):
        FIVE_CONDITIONS = "five_conditions", _("The five conditions")
        STAGE_BENCHMARKS = "stage_benchmarks", _("Stage benchmarks")
        BACKBONE_EFFECTIVENESS = "backbone", _("Backbone effectiveness")
        NETWORK = "network", _("Partner network survey")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Not yet open")
        OPEN = "open", _("Open for answers")
        CLOSED = "closed", _("Closed")

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="assessment_rounds"
    )
    instrument = models.CharField(max_length=20, choices=Instrument.choices)
    title = models.CharField(max_length=200)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.DRAFT)
    opens_on = models.DateField()
    closes_on = models.DateField()
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-opens_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")), name="round_dates_ordered"
            )
        ]

    def __str__(self) -> str:
        return self.title


class AssessmentResponse(models.Model):
    """One person's answers to a rating round (five conditions or backbone effectiveness),
    on behalf of their partner when they act for one."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="responses")
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    partnership = models.ForeignKey(
        Partnership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["round", "respondent"], name="one_assessment_response_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.respondent} in {self.round}"


class Rating(models.Model):
    """A score for one item (a condition, a backbone activity) on the instrument's scale."""

    response = models.ForeignKey(
        AssessmentResponse, on_delete=models.CASCADE, related_name="ratings"
    )
    item = models.CharField(max_length=60)
    score = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text=_("Empty: don't know.")
    )
    comment = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "item"], name="one_rating_per_item")
        ]

    def __str__(self) -> str:
        return f"{self.item}: {self.score}"


class BenchmarkEvidence(models.Model):
    """The backbone's judgement on one stage benchmark in one round, with its evidence."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        MET = "met", _("Met")

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="benchmarks")
    benchmark = models.CharField(max_length=60)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    evidence = models.TextField(blank=True)
    evidence_url = models.URLField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "benchmark"], name="one_benchmark_per_round")
        ]

    def __str__(self) -> str:
        return f"{self.benchmark}: {self.status}"
