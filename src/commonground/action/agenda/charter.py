"""Who signed which version of the common agenda, and who has not signed the adopted one.

Read-only; signing is ``services.sign_charter``. The overview takes a fixed number of queries
whatever the number of partners.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from commonground.action.models import AgendaVersion, CharterSignature
from commonground.initiatives.models import Membership, Partnership
from commonground.initiatives.roles import Role


@dataclass
class PartnerCharter:
    """One partner's signatures, newest version first, against the adopted version."""

    partnership: Partnership
    signatures: list[CharterSignature]
    adopted: AgendaVersion | None
    leads: list = field(default_factory=list)

    @property
    def current(self) -> CharterSignature | None:
        """Its signature on the adopted version, if any."""
        if self.adopted is None:
            return None
        return next((s for s in self.signatures if s.agenda_version_id == self.adopted.pk), None)

    @property
    def latest(self) -> CharterSignature | None:
        return self.signatures[0] if self.signatures else None

    @property
    def state(self) -> str:
        """``signed`` (the adopted version), ``not_resigned`` (an older one only) or ``never``."""
        if self.current is not None:
            return "signed"
        return "not_resigned" if self.signatures else "never"


@dataclass
class CharterOverview:
    adopted: AgendaVersion | None
    partners: list[PartnerCharter]

    def count(self, state: str) -> int:
        return sum(1 for p in self.partners if p.state == state)

    @property
    def signed(self) -> int:
        return self.count("signed")

    @property
    def not_resigned(self) -> int:
        return self.count("not_resigned")

    @property
    def never(self) -> int:
        return self.count("never")

    @property
    def money(self) -> Decimal:
        """Dollars a year committed on the adopted version."""
        return sum((p.current.money for p in self.partners if p.current), Decimal(0))

    @property
    def staff_hours(self) -> Decimal:
        return sum((p.current.staff_hours for p in self.partners if p.current), Decimal(0))


def charter_overview(initiative, adopted: AgendaVersion | None) -> CharterOverview:
    """Every partner that has not left, with its signatures and its leads: three queries."""
    partnerships = (
        Partnership.objects.filter(initiative=initiative)
        .exclude(status=Partnership.Status.LEFT)
        .select_related("organization")
        .order_by("organization__name", "code")
    )
    signatures = defaultdict(list)
    for signature in (
        CharterSignature.objects.filter(partnership__initiative=initiative)
        .select_related("agenda_version", "signed_by")
        .order_by("-agenda_version__number")
    ):
        signatures[signature.partnership_id].append(signature)
    leads = defaultdict(list)
    for membership in Membership.objects.filter(
        initiative=initiative, role=Role.PARTNER_LEAD, is_active=True
    ).select_related("user"):
        leads[membership.partnership_id].append(membership.user)
    return CharterOverview(
        adopted,
        [PartnerCharter(p, signatures[p.pk], adopted, leads[p.pk]) for p in partnerships],
    )


def partner_charter(partnership: Partnership, adopted: AgendaVersion | None) -> PartnerCharter:
    """One partner's signatures with what each commits (indicators and activities)."""
    signatures = list(
        partnership.charter_signatures.select_related("agenda_version", "signed_by")
        .prefetch_related("data_indicators", "activities")
        .order_by("-agenda_version__number")
    )
    return PartnerCharter(partnership, signatures, adopted)
