"""Shared measurement: dimensions, indicators, assignments, submissions and data values."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from commonground.initiatives.models import Initiative, Partnership, WorkingGroup
from commonground.measurement.periods import Frequency


class Dimension(models.Model):
    """A way to break an indicator down: race/ethnicity, sex, age band, grade, geography…"""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="dimensions")
    code = models.SlugField(max_length=60)
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["initiative", "code"], name="dimension_code_unique")
        ]

    def __str__(self) -> str:
        return self.name


class DimensionValue(models.Model):
    """One value of a dimension; ``parent`` builds hierarchies such as geographies."""

    dimension = models.ForeignKey(Dimension, on_delete=models.CASCADE, related_name="values")
    code = models.SlugField(max_length=60)
    name = models.CharField(max_length=200)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["dimension", "code"], name="dimension_value_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Indicator(models.Model):
    """A shared indicator every assigned partner reports the same way (SPEC §2)."""

    class Level(models.TextChoices):
        POPULATION = "population", _("Population indicator")
        PERFORMANCE = "performance", _("Performance measure")

    class PerformanceKind(models.TextChoices):
        HOW_MUCH = "how_much", _("How much did we do?")
        HOW_WELL = "how_well", _("How well did we do it?")
        BETTER_OFF = "better_off", _("Is anyone better off?")

    class Role(models.TextChoices):
        CORE = "core", _("Core")
        CONTRIBUTING = "contributing", _("Contributing")

    class ValueType(models.TextChoices):
        COUNT = "count", _("Count")
        RATE = "rate", _("Rate (numerator ÷ denominator)")
        MEAN = "mean", _("Mean")
        AMOUNT = "amount", _("Amount")
        SCORE = "score", _("Score")
        YES_NO = "yes_no", _("Yes / no")
        NARRATIVE = "narrative", _("Narrative")

    class Polarity(models.TextChoices):
        HIGHER_BETTER = "higher_better", _("Higher is better")
        LOWER_BETTER = "lower_better", _("Lower is better")
        NEUTRAL = "neutral", _("Neither")

    class Aggregation(models.TextChoices):
        SUM = "sum", _("Sum")
        RATIO_OF_SUMS = "ratio_of_sums", _("Ratio of sums (Σ numerators ÷ Σ denominators)")
        WEIGHTED_MEAN = "weighted_mean", _("Mean weighted by denominator")
        LATEST = "latest", _("Latest value")
        MAX = "max", _("Maximum")
        MIN = "min", _("Minimum")
        NONE = "none", _("Not aggregated")

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="indicators")
    code = models.SlugField(max_length=60)
    name = models.CharField(max_length=200)
    definition = models.TextField(blank=True, help_text=_("Exactly what is counted, and how."))
    level = models.CharField(max_length=12, choices=Level.choices, default=Level.POPULATION)
    performance_kind = models.CharField(
        max_length=12,
        choices=PerformanceKind.choices,
        blank=True,
        help_text=_("For performance measures only."),
    )
    role = models.CharField(max_length=12, choices=Role.choices, default=Role.CORE)
    predicts = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contributing",
        help_text=_("For a contributing indicator: the core indicator it predicts."),
    )
    unit = models.CharField(max_length=60, blank=True, help_text=_("e.g. %, students, dollars"))
    value_type = models.CharField(max_length=10, choices=ValueType.choices)
    scale_factor = models.DecimalField(
        max_digits=12,
        decimal_places=4,
        default=1,
        help_text=_("A rate is shown as numerator ÷ denominator × this factor (100 for %)."),
    )
    polarity = models.CharField(
        max_length=14, choices=Polarity.choices, default=Polarity.HIGHER_BETTER
    )
    aggregation = models.CharField(max_length=14, choices=Aggregation.choices)
    cumulative = models.BooleanField(
        default=False, help_text=_("Each report is a running total: aggregate the latest values.")
    )
    dimensions = models.ManyToManyField(Dimension, blank=True, related_name="indicators")
    breakdown_complete = models.BooleanField(
        default=False,
        help_text=_("The cells of each dimension add up exactly to the total."),
    )
    frequency = models.CharField(max_length=12, choices=Frequency.choices)
    data_source = models.CharField(max_length=300, blank=True)
    owner_group = models.ForeignKey(
        WorkingGroup,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_indicators",
    )
    shared_by_groups = models.ManyToManyField(
        WorkingGroup,
        blank=True,
        related_name="shared_measures",
        help_text=_("Working groups whose members all report this indicator."),
    )
    baseline_period = models.CharField(max_length=12, blank=True)
    baseline_value = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    min_value = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    max_value = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    decimals = models.PositiveSmallIntegerField(default=1)
    is_published = models.BooleanField(default=False)
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["initiative", "code"], name="indicator_code_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Target(models.Model):
    """A target value for one period, for the total or one disaggregation cell."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    period = models.CharField(max_length=12)
    cell = models.CharField(max_length=300, blank=True, default="")
    value = models.DecimalField(max_digits=20, decimal_places=6)

    class Meta:
        ordering = ["period"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "period", "cell"], name="target_unique")
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.period} {self.value}"


class SeriesBreak(models.Model):
    """A period from which the indicator is measured differently: trends restart there."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="breaks")
    period = models.CharField(max_length=12)
    note = models.CharField(max_length=300)

    class Meta:
        ordering = ["period"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "period"], name="series_break_unique")
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} break at {self.period}"


class ReportingAssignment(models.Model):
    """A partnership reports an indicator, due ``deadline_days`` after each period ends."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="assignments")
    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="assignments"
    )
    deadline_days = models.PositiveIntegerField(default=30)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["indicator", "partnership"], name="assignment_unique")
        ]

    def __str__(self) -> str:
        return f"{self.partnership} reports {self.indicator.code}"


class Submission(models.Model):
    """One partnership's report for one period, moving draft → submitted → approved/returned."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Returned")

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="submissions"
    )
    period = models.CharField(max_length=12)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    review_comment = models.TextField(blank=True)

    class Meta:
        ordering = ["-period"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "period"], name="submission_unique")
        ]

    def __str__(self) -> str:
        return f"{self.partnership} {self.period}"


class DataValue(models.Model):
    """One reported number: indicator × partnership × period × disaggregation cell.

    A censored value (``<10``, ``>95``) keeps its bound in the measured field — ``value``, or
    ``numerator`` for a rate — and its direction in ``censor``; it is never read as a number.
    """

    class Censor(models.TextChoices):
        NONE = "", _("Exact")
        BELOW = "<", _("Below the bound")
        ABOVE = ">", _("Above the bound")

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="values")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="values")
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="values")
    period = models.CharField(max_length=12)
    cell = models.CharField(max_length=300, blank=True, default="")
    value = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    numerator = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    denominator = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    censor = models.CharField(max_length=1, choices=Censor.choices, blank=True, default="")
    text = models.TextField(blank=True, help_text=_("For narrative indicators."))
    comment = models.TextField(blank=True)
    flags = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "partnership", "period", "cell"], name="data_value_unique"
            ),
            models.CheckConstraint(
                condition=Q(censor__in=["", "<", ">"]), name="data_value_censor_valid"
            ),
        ]
        indexes = [models.Index(fields=["indicator", "period"])]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.partnership.code} {self.period} [{self.cell}]"

    @property
    def is_censored(self) -> bool:
        return bool(self.censor)
