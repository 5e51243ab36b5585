"""Meetings of a body: a series (one-off or recurring by an RFC 5545 rule) and its occurrences.

A ``Meeting`` holds the rule; an ``Occurrence`` row exists for an instance once it carries
something of its own — an agenda, attendance, minutes, a new time or a cancellation. Instances
without a row are computed from the rule. ``original_start`` is the instance's RECURRENCE-ID.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from commonground.initiatives.models import Initiative, WorkingGroup


class Meeting(models.Model):
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="meetings")
    body = models.ForeignKey(
        WorkingGroup,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="meetings",
        help_text=_("Empty: a meeting of the whole initiative."),
    )
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    # The first instance's start, in the meeting's own time zone (stored as UTC by Django).
    starts_at = models.DateTimeField()
    duration_minutes = models.PositiveIntegerField(default=60)
    timezone = models.CharField(max_length=64, default="America/New_York")
    # RFC 5545 RRULE value without the "RRULE:" prefix, e.g. "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU";
    # empty for a one-off meeting.
    recurrence = models.CharField(max_length=300, blank=True)
    location = models.CharField(max_length=300, blank=True)
    online_url = models.URLField(blank=True)
    is_open = models.BooleanField(
        default=False, help_text=_("Open meetings are listed on the public page.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Bumped on every change so calendar programs pick up the new SEQUENCE.
    sequence = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["starts_at"]

    def __str__(self) -> str:
        return self.title


class Occurrence(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CANCELLED = "cancelled", _("Cancelled")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="occurrences")
    original_start = models.DateTimeField(help_text=_("The start the rule gives (RECURRENCE-ID)."))
    starts_at = models.DateTimeField(help_text=_("When it really starts (moved instances differ)."))
    duration_minutes = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    minutes = models.TextField(blank=True, help_text=_("Markdown."))
    minutes_published = models.BooleanField(default=False)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "original_start"], name="occurrence_unique_instance"
            )
        ]

    def __str__(self) -> str:
        return f"{self.meeting} {self.starts_at:%Y-%m-%d}"


class AgendaItem(models.Model):
    """A time-boxed item of one occurrence's agenda, optionally about an indicator, a decision
    or an activity."""

    occurrence = models.ForeignKey(Occurrence, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField()
    title = models.CharField(max_length=300)
    minutes_allotted = models.PositiveIntegerField(default=10)
    presenter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    notes = models.TextField(blank=True)
    indicator = models.ForeignKey(
        "measurement.Indicator", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision = models.ForeignKey(
        "convening.Decision", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    activity = models.ForeignKey(
        "action.Activity", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title


class Attendance(models.Model):
    """Whether one expected person (the principal) came, and who stood in if a delegate did."""

    class Status(models.TextChoices):
        PRESENT = "present", _("Present")
        ABSENT = "absent", _("Absent")
        EXCUSED = "excused", _("Excused")
        DELEGATE = "delegate", _("Sent a delegate")

    occurrence = models.ForeignKey(Occurrence, on_delete=models.CASCADE, related_name="attendance")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices)
    delegate = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    delegate_name = models.CharField(
        max_length=200, blank=True, help_text=_("When the delegate has no account.")
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["occurrence", "person"], name="attendance_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.person}: {self.status}"
