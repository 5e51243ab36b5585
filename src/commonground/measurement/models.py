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
    story = models.TextField(
        blank=True,
        help_text=_(
            "The story behind the data, written by the backbone for the report card "
            "(Markdown: paragraphs, emphasis, lists, links)."
        ),
    )
    equity_reference = models.SlugField(
        max_length=60,
        blank=True,
        help_text=_(
            "The group others are compared with in equity gaps (a dimension value code); "
            "empty: the best-off group."
        ),
    )
    deadline_days = models.PositiveIntegerField(
        default=30,
        help_text=_(
            "Days after a period ends by which its data is due, for partners who report it "
            "through a working group (direct assignments set their own)."
        ),
    )
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
    """One partnership's report for one period.

    draft → submitted → approved, or submitted → returned → submitted; an approved report may
    be reopened with a reason (a revision: ``reopened`` → submitted). The transitions live in
    ``measurement.services.review``.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Returned")
        REOPENED = "reopened", _("Reopened for revision")

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
    revision = models.PositiveIntegerField(
        default=0, help_text=_("How many times the approved report was reopened.")
    )
    reopened_at = models.DateTimeField(null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reopen_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-period"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "period"], name="submission_unique")
        ]
        indexes = [models.Index(fields=["status", "submitted_at"])]

    def __str__(self) -> str:
        return f"{self.partnership} {self.period}"


class ReviewState(models.TextChoices):
    """A single value's review, so a data manager can approve or return values one by one."""

    PENDING = "pending", _("Not reviewed")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")


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
    flags = models.JSONField(
        default=list, blank=True, help_text=_("Validation warnings: [{code, message}].")
    )
    review_state = models.CharField(
        max_length=10, choices=ReviewState.choices, default=ReviewState.PENDING
    )
    review_comment = models.TextField(blank=True)
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
        indexes = [
            models.Index(fields=["indicator", "period"]),
            models.Index(fields=["indicator", "review_state"]),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.partnership.code} {self.period} [{self.cell}]"

    @property
    def is_censored(self) -> bool:
        return bool(self.censor)


class ExternalCode(models.Model):
    """How another system (DHIS2) names our indicators, partners and cells, for imports/exports.

    ``kind`` says what ``code`` names: a DHIS2 data element ↦ an indicator code, an org unit ↦
    a partner code, a category option combo ↦ a cell key (``race=black;sex=f``, ``""`` = total).
    """

    class Kind(models.TextChoices):
        DATA_ELEMENT = "data_element", _("Data element → indicator")
        ORG_UNIT = "org_unit", _("Organisation unit → partner")
        CATEGORY_OPTION_COMBO = "category_option_combo", _("Category option combo → cell")

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="external_codes"
    )
    system = models.CharField(max_length=20, default="dhis2")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    code = models.CharField(max_length=100)
    target = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["system", "kind", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "system", "kind", "code"], name="external_code_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.system} {self.kind} {self.code} → {self.target}"


class ImportJob(models.Model):
    """One uploaded values file and what importing it did (or would do, for a dry run)."""

    class Format(models.TextChoices):
        CSV = "csv", _("Values file (CSV)")
        XLSX = "xlsx", _("Values file (Excel)")
        DHIS2_JSON = "dhis2_json", _("DHIS2 dataValueSet (JSON)")
        DHIS2_CSV = "dhis2_csv", _("DHIS2 dataValueSet (CSV)")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Done")
        REJECTED = "rejected", _("Rejected: nothing was imported")
        FAILED = "failed", _("Failed")

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="imports")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    original_name = models.CharField(max_length=255)
    stored_path = models.CharField(max_length=500, help_text=_("The uploaded file, under var/."))
    size_bytes = models.BigIntegerField(default=0)
    format = models.CharField(max_length=12, choices=Format.choices)
    dry_run = models.BooleanField(default=True)
    approve = models.BooleanField(
        default=False, help_text=_("Approve the imported reports at once (data managers).")
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    rows_total = models.PositiveIntegerField(null=True, blank=True)
    rows_done = models.PositiveIntegerField(default=0)
    counts = models.JSONField(
        default=dict, blank=True, help_text=_("created / updated / unchanged / rejected")
    )
    error_count = models.PositiveIntegerField(default=0)
    error_report_path = models.CharField(max_length=500, blank=True)
    message = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_status_display()})"


class ReminderLog(models.Model):
    """A reminder e-mail already sent, so the scheduled task never sends the same one twice."""

    class Kind(models.TextChoices):
        BEFORE = "before", _("Before the deadline")
        OVERDUE = "overdue", _("After the deadline")

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="reminders")
    period = models.CharField(max_length=12)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    sent_at = models.DateTimeField(auto_now_add=True)
    recipients = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["partnership", "period", "kind"], name="reminder_once")
        ]

    def __str__(self) -> str:
        return f"{self.partnership} {self.period} {self.kind}"
