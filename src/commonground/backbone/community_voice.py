"""Community voice (SPEC §3.5.4): how many of the people in each body are residents or people
with lived experience (``Membership.is_resident``), beside the population the initiative serves.

A body's people are its ``WorkingGroup.members`` who are active members of the initiative; the
whole initiative counts every active member. Only counts leave this module — never who is a
resident — so the console and the public page can show them; the public page shows them only
when the backbone chose to (``Initiative.show_community_voice``).
"""

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from commonground.backbone.assessments.results import rounded
from commonground.initiatives.models import Initiative, Membership, WorkingGroup


@dataclass(frozen=True)
class VoiceRow:
    """One body (or the whole initiative): its people and how many are residents."""

    name: str
    kind: str
    members: int
    residents: int

    @property
    def share(self) -> Fraction | None:
        return Fraction(self.residents, self.members) if self.members else None

    @property
    def percent(self) -> Decimal | None:
        """The share in percent, whole numbers (halves to even)."""
        share = self.share
        return None if share is None else rounded(share * 100, 0)


@dataclass(frozen=True)
class CommunityVoice:
    population_served: str
    bodies: list[VoiceRow]
    whole: VoiceRow


def community_voice(initiative: Initiative) -> CommunityVoice:
    """Rows per body (steering committee first, then the networks by name) and for the whole
    initiative, in two queries."""
    active_here = Q(
        members__memberships__initiative=initiative, members__memberships__is_active=True
    )
    groups = (
        WorkingGroup.objects.filter(initiative=initiative)
        .annotate(
            people=Count("members", filter=active_here, distinct=True),
            residents=Count(
                "members",
                filter=active_here & Q(members__memberships__is_resident=True),
                distinct=True,
            ),
        )
        .order_by("name")
    )
    steering_first = sorted(groups, key=lambda g: g.kind != WorkingGroup.Kind.STEERING_COMMITTEE)
    bodies = [VoiceRow(g.name, g.get_kind_display(), g.people, g.residents) for g in steering_first]
    totals = Membership.objects.filter(initiative=initiative, is_active=True).aggregate(
        members=Count("pk"), residents=Count("pk", filter=Q(is_resident=True))
    )
    whole = VoiceRow(
        _("The whole initiative"), _("All members"), totals["members"], totals["residents"]
    )
    return CommunityVoice(
        population_served=initiative.population_served, bodies=bodies, whole=whole
    )


def public_community_voice(initiative: Initiative) -> CommunityVoice | None:
    """What the public report card shows, or ``None`` when the backbone chose not to."""
    if not (initiative.is_public and initiative.show_community_voice):
        return None
    return community_voice(initiative)
