"""Tenancy and people: initiatives, organizations, partnerships, memberships, working groups."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from commonground.initiatives.roles import PARTNER_ROLES, Role

MONTHS = [
    (m, _(name))
    for m, name in enumerate(
        [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ],
        start=1,
    )
]


class InitiativeQuerySet(models.QuerySet):
    def for_user(self, user):
        """Initiatives the person is an active member of (superusers see all)."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(memberships__user=user, memberships__is_active=True).distinct()


class Initiative(models.Model):
    """The tenant: one collective impact initiative and its settings."""

    class Stage(models.TextChoices):
        EXPLORING = "exploring", _("Exploring")
        EMERGING = "emerging", _("Emerging")
        SUSTAINING = "sustaining", _("Sustaining")
        SYSTEMS_CHANGE = "systems_change", _("Systems change")
        PROOF_POINT = "proof_point", _("Proof point")

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=60, unique=True)
    issue_area = models.CharField(max_length=200, blank=True)
    geography = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True)
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.EXPLORING)
    fiscal_year_start_month = models.PositiveSmallIntegerField(choices=MONTHS, default=7)
    school_year_start_month = models.PositiveSmallIntegerField(choices=MONTHS, default=7)
    suppression_threshold = models.PositiveIntegerField(
        default=10,
        validators=[MinValueValidator(1)],
        help_text=_("Public outputs never show a cell whose count is below this number (k)."),
    )
    backbone_budget = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("The backbone organization's annual budget, in dollars."),
    )
    is_public = models.BooleanField(
        default=False, help_text=_("Show published pages (report card, agenda) to the public.")
    )
    population_served = models.TextField(
        blank=True,
        help_text=_(
            "Who the initiative serves, in a sentence or two (e.g. 'the 24,000 children and "
            "youth of Charlottesville and Albemarle, a third of them from low-income families')."
        ),
    )
    show_community_voice = models.BooleanField(
        default=False,
        help_text=_("Show on the public page how many residents sit in each body."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = InitiativeQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Organization(models.Model):
    """An organization; it may take part in several initiatives through partnerships."""

    class Sector(models.TextChoices):
        NONPROFIT = "nonprofit", _("Nonprofit")
        EDUCATION = "education", _("School / education")
        GOVERNMENT = "government", _("Government")
        BUSINESS = "business", _("Business")
        PHILANTHROPY = "philanthropy", _("Philanthropy")
        HEALTH = "health", _("Health")
        FAITH = "faith", _("Faith")
        COMMUNITY = "community", _("Resident / community group")
        ACADEMIA = "academia", _("Academia")

    name = models.CharField(max_length=200, unique=True)
    sector = models.CharField(max_length=20, choices=Sector.choices)
    annual_budget = models.DecimalField(
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Annual budget in dollars."),
    )
    website = models.URLField(blank=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Partnership(models.Model):
    """An organization taking part in one initiative."""

    class Status(models.TextChoices):
        INVITED = "invited", _("Invited")
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Paused")
        LEFT = "left", _("Left")

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="partnerships"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="partnerships"
    )
    code = models.SlugField(max_length=60, help_text=_("Short code used in data files."))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    joined_on = models.DateField(null=True, blank=True)
    left_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["organization__name"]
        constraints = [
            models.UniqueConstraint(fields=["initiative", "code"], name="partnership_code_unique"),
            models.UniqueConstraint(
                fields=["initiative", "organization"], name="partnership_org_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.organization.name


class Membership(models.Model):
    """A person's role in one initiative, optionally on behalf of one partnership."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    partnership = models.ForeignKey(
        Partnership, null=True, blank=True, on_delete=models.PROTECT, related_name="memberships"
    )
    is_active = models.BooleanField(default=True)
    is_resident = models.BooleanField(
        default=False, help_text=_("A resident or person with lived experience.")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["user__last_name", "user__first_name", "user__email"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "initiative"], name="one_membership_per_person"
            ),
            models.CheckConstraint(
                condition=~Q(role__in=sorted(PARTNER_ROLES)) | Q(partnership__isnull=False),
                name="partner_roles_name_a_partnership",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} ({self.initiative})"


class Invitation(models.Model):
    """An e-mailed link that makes its recipient a member with a given role."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=20, choices=Role.choices)
    partnership = models.ForeignKey(
        Partnership, null=True, blank=True, on_delete=models.CASCADE, related_name="invitations"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} as {self.get_role_display()}"

    @property
    def is_open(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )


class WorkingGroup(models.Model):
    """A body of the initiative: a collaborative action network, or the steering committee."""

    class Kind(models.TextChoices):
        STEERING_COMMITTEE = "steering_committee", _("Steering committee")
        NETWORK = "network", _("Collaborative action network")

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="working_groups"
    )
    code = models.SlugField(max_length=60)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.NETWORK)
    activity_type = models.CharField(
        max_length=120, blank=True, help_text=_("What its members do, e.g. 'early literacy'.")
    )
    charter = models.TextField(blank=True)
    cadence = models.CharField(max_length=120, blank=True, help_text=_("e.g. every two weeks"))
    partnerships = models.ManyToManyField(Partnership, blank=True, related_name="working_groups")
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="facilitated_groups",
    )
    # The people who sit in the body (they attend its meetings and, for the steering
    # committee, vote on the common agenda); partner organizations are ``partnerships``.
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="working_groups"
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["initiative", "code"], name="working_group_code_unique")
        ]

    def __str__(self) -> str:
        return self.name
