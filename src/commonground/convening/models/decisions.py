"""Decisions: a proposal put to eligible voters by consent or vote, and its outcome."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from commonground.initiatives.models import Initiative, WorkingGroup


class Decision(models.Model):
    class Method(models.TextChoices):
        CONSENT = "consent", _("Consent (passes unless someone blocks)")
        VOTE = "vote", _("Vote (majority of agree over agree + disagree)")

    class Status(models.TextChoices):
        OPEN = "open", _("Open for votes")
        CLOSED = "closed", _("Closed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Outcome(models.TextChoices):
        ADOPTED = "adopted", _("Adopted")
        REJECTED = "rejected", _("Rejected")
        BLOCKED = "blocked", _("Blocked")
        NO_QUORUM = "no_quorum", _("No quorum")

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="decisions")
    body = models.ForeignKey(
        WorkingGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="decisions"
    )
    occurrence = models.ForeignKey(
        "convening.Occurrence",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="decisions",
    )
    title = models.CharField(max_length=300)
    proposal = models.TextField(help_text=_("Markdown."))
    method = models.CharField(max_length=8, choices=Method.choices, default=Method.CONSENT)
    # Share of eligible voters who must vote (any choice) for the result to count, in percent.
    quorum_percent = models.PositiveSmallIntegerField(default=50)
    closes_at = models.DateTimeField()
    eligible_voters = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="eligible_decisions"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    outcome_reason = models.TextField(blank=True)
    review_on = models.DateField(null=True, blank=True)
    review_reminded_at = models.DateTimeField(null=True, blank=True)
    # A decision to adopt a version of the common agenda (SPEC §3.3.1).
    agenda_version = models.ForeignKey(
        "action.AgendaVersion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decisions",
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at"]
        indexes = [models.Index(fields=["initiative", "status"])]

    def __str__(self) -> str:
        return self.title


class Vote(models.Model):
    class Choice(models.TextChoices):
        AGREE = "agree", _("Agree")
        ABSTAIN = "abstain", _("Abstain")
        DISAGREE = "disagree", _("Disagree")
        BLOCK = "block", _("Block")

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="votes")
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    choice = models.CharField(max_length=8, choices=Choice.choices)
    reason = models.TextField(blank=True)
    cast_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["decision", "voter"], name="one_vote_per_voter"),
        ]

    def __str__(self) -> str:
        return f"{self.voter} {self.choice} on {self.decision}"
