"""The action plan: partners' activities, their milestones and the dependencies between them."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from commonground.initiatives.models import Initiative, Partnership, WorkingGroup


class Activity(models.Model):
    """A partner's program or action toward the agenda."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        ACTIVE = "active", _("Under way")
        STALLED = "stalled", _("Stalled")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="activities")
    partnership = models.ForeignKey(
        Partnership, on_delete=models.PROTECT, related_name="activities"
    )
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    strategy = models.ForeignKey(
        "action.Strategy",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activities",
    )
    # Goals besides the strategy's own (an activity may serve a goal without a strategy yet).
    goals = models.ManyToManyField("action.Goal", blank=True, related_name="activities")
    indicators = models.ManyToManyField(
        "measurement.Indicator",
        blank=True,
        related_name="activities",
        help_text=_("The indicators this activity contributes to."),
    )
    working_group = models.ForeignKey(
        WorkingGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="activities"
    )
    population = models.CharField(
        max_length=200, blank=True, help_text=_("Who it serves, e.g. 'kindergartners'.")
    )
    geography = models.CharField(
        max_length=200, blank=True, help_text=_("Where, e.g. 'Charlottesville'.")
    )
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)
    budget = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True, help_text=_("Dollars.")
    )
    staff_hours = models.DecimalField(max_digits=10, decimal_places=1, null=True, blank=True)
    resources = models.TextField(blank=True, help_text=_("Other resources it uses."))
    depends_on = models.ManyToManyField(
        "self",
        symmetrical=False,
        through="action.ActivityDependency",
        related_name="dependents",
        blank=True,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]
        verbose_name_plural = "activities"
        indexes = [models.Index(fields=["initiative", "status"])]

    def __str__(self) -> str:
        return self.title


class ActivityDependency(models.Model):
    """``activity`` cannot finish (or start) well until ``depends_on`` has delivered."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="+")
    depends_on = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="+")
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["activity", "depends_on"], name="dependency_unique"),
            models.CheckConstraint(
                condition=~models.Q(activity=models.F("depends_on")), name="dependency_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.activity} needs {self.depends_on}"


class Milestone(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(max_length=300)
    due_on = models.DateField()
    done_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.title
