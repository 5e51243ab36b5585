"""The common agenda: versions of its statement, goals, strategies and partners' signatures.

Goals and strategies are lasting rows (activities, grants and indicators link to them); a
version holds the statement's text and, once it leaves draft, a frozen ``content`` snapshot of
the goals and strategies as they stood — that snapshot is what partners sign and what the
difference between two versions compares.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from commonground.initiatives.models import Initiative, Partnership


class AgendaVersion(models.Model):
    """One version of the common agenda. At most one draft and one adopted version at a time."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PROPOSED = "proposed", _("Proposed for adoption")
        ADOPTED = "adopted", _("Adopted")
        SUPERSEDED = "superseded", _("Superseded")
        REJECTED = "rejected", _("Not adopted")

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="agenda_versions"
    )
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    problem_statement = models.TextField(blank=True)
    vision = models.TextField(blank=True)
    principles = models.TextField(blank=True)
    evaluation_approach = models.TextField(blank=True)
    change_summary = models.TextField(
        blank=True, help_text=_("What changed from the previous version, in a few words.")
    )
    # Frozen when the version is proposed: {"goals": [{code, title, horizon, description,
    # indicators: [codes], strategies: [{code, title, description, indicators: [codes]}]}]}
    # (``action.agenda.content``). Empty while a draft.
    content = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    proposed_at = models.DateTimeField(null=True, blank=True)
    adopted_at = models.DateTimeField(null=True, blank=True)
    # The steering-committee decision that adopted (or rejected) it; convening.Decision points
    # here through ``Decision.agenda_version``.

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "number"], name="agenda_version_number_unique"
            ),
            models.UniqueConstraint(
                fields=["initiative"],
                condition=Q(status="adopted"),
                name="agenda_one_adopted_version",
            ),
            models.UniqueConstraint(
                fields=["initiative"],
                condition=Q(status__in=["draft", "proposed"]),
                name="agenda_one_open_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.initiative} agenda v{self.number}"


class Goal(models.Model):
    """A goal of the common agenda: a short-term win or a long-term result."""

    class Horizon(models.TextChoices):
        SHORT_TERM = "short_term", _("Short-term win")
        LONG_TERM = "long_term", _("Long-term goal")

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="goals")
    code = models.SlugField(max_length=60)
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    horizon = models.CharField(max_length=10, choices=Horizon.choices, default=Horizon.LONG_TERM)
    indicators = models.ManyToManyField(
        "measurement.Indicator",
        blank=True,
        related_name="goals",
        help_text=_("The indicators that measure this goal."),
    )
    sort_order = models.PositiveIntegerField(default=0)
    is_retired = models.BooleanField(
        default=False, help_text=_("Kept for history; no longer part of the agenda.")
    )

    class Meta:
        ordering = ["sort_order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["initiative", "code"], name="goal_code_unique")
        ]

    def __str__(self) -> str:
        return self.title


class Strategy(models.Model):
    """A strategy (leverage point) under one goal."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="strategies")
    goal = models.ForeignKey(Goal, on_delete=models.PROTECT, related_name="strategies")
    code = models.SlugField(max_length=60)
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    indicators = models.ManyToManyField(
        "measurement.Indicator", blank=True, related_name="strategies"
    )
    sort_order = models.PositiveIntegerField(default=0)
    is_retired = models.BooleanField(default=False)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name_plural = "strategies"
        constraints = [
            models.UniqueConstraint(fields=["initiative", "code"], name="strategy_code_unique")
        ]

    def __str__(self) -> str:
        return self.title


class CharterSignature(models.Model):
    """A partnership's signature on one agenda version, with what it commits."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="charter_signatures"
    )
    agenda_version = models.ForeignKey(
        AgendaVersion, on_delete=models.PROTECT, related_name="signatures"
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    signed_at = models.DateTimeField()
    money = models.DecimalField(
        max_digits=14, decimal_places=2, default=0, help_text=_("Dollars a year.")
    )
    staff_hours = models.DecimalField(
        max_digits=10, decimal_places=1, default=0, help_text=_("Staff hours a year.")
    )
    in_kind = models.TextField(blank=True, help_text=_("Space, equipment, services…"))
    data_indicators = models.ManyToManyField(
        "measurement.Indicator",
        blank=True,
        related_name="charter_signatures",
        help_text=_("The indicators the partner commits to report."),
    )
    activities = models.ManyToManyField(
        "action.Activity", blank=True, related_name="charter_signatures"
    )
    statement = models.TextField(blank=True, help_text=_("Anything else the partner commits."))

    class Meta:
        ordering = ["-signed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "agenda_version"], name="one_signature_per_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.partnership} signed v{self.agenda_version.number}"
