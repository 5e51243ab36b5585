"""Improvement projects and their Plan-Do-Study-Act cycles, tied to indicators."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from commonground.initiatives.models import Initiative, Partnership, WorkingGroup


class ImprovementProject(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        COMPLETED = "completed", _("Completed")
        STOPPED = "stopped", _("Stopped")

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="improvement_projects"
    )
    title = models.CharField(max_length=300)
    aim = models.TextField(help_text=_("What will improve, by how much, by when, for whom."))
    working_group = models.ForeignKey(
        WorkingGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    partnership = models.ForeignKey(
        Partnership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    started_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class ProjectMeasure(models.Model):
    """An outcome, process or balancing measure of a project, usually one of the indicators."""

    class Kind(models.TextChoices):
        OUTCOME = "outcome", _("Outcome measure")
        PROCESS = "process", _("Process measure")
        BALANCING = "balancing", _("Balancing measure")

    project = models.ForeignKey(
        ImprovementProject, on_delete=models.CASCADE, related_name="measures"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    indicator = models.ForeignKey(
        "measurement.Indicator", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(max_length=300, blank=True, help_text=_("When not an indicator."))

    class Meta:
        ordering = ["kind", "pk"]

    def __str__(self) -> str:
        return self.name or str(self.indicator)


class PDSACycle(models.Model):
    """One Plan-Do-Study-Act cycle: a prediction tested against the data."""

    class Decision(models.TextChoices):
        ADOPT = "adopt", _("Adopt")
        ADAPT = "adapt", _("Adapt")
        ABANDON = "abandon", _("Abandon")

    project = models.ForeignKey(ImprovementProject, on_delete=models.CASCADE, related_name="cycles")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=300)
    plan = models.TextField(help_text=_("What change will be tried, by whom, where."))
    prediction = models.TextField(help_text=_("What you expect to happen, in numbers."))
    measure = models.ForeignKey(
        ProjectMeasure, null=True, blank=True, on_delete=models.SET_NULL, related_name="cycles"
    )
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    do_notes = models.TextField(blank=True, help_text=_("What happened; surprises."))
    study = models.TextField(blank=True, help_text=_("The data against the prediction."))
    act = models.CharField(max_length=8, choices=Decision.choices, blank=True)
    act_notes = models.TextField(blank=True)

    class Meta:
        ordering = ["project", "number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="pdsa_number_unique")
        ]

    def __str__(self) -> str:
        return f"PDSA {self.number}: {self.title}"
