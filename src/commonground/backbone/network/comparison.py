"""The change between two network rounds: ties made and lost, and each partner's scores.

A tie is "lost" when neither partner named the other in the later round; when neither of the
two answered that round, the tie is only unconfirmed, and is marked so rather than counted as a
real loss by the reader.
"""

from dataclasses import dataclass

from commonground.backbone.network.results import PartnerScores, RoundResults, TieRow
from commonground.initiatives.models import Partnership


def change(before: float | None, after: float | None) -> float | None:
    return None if before is None or after is None else after - before


@dataclass(frozen=True)
class LostTie:
    tie: TieRow
    unconfirmed: bool  # neither partner answered the later round


@dataclass(frozen=True)
class PartnerChange:
    partnership: Partnership
    before: PartnerScores | None  # None: not in the earlier round
    after: PartnerScores | None  # None: not in the later round

    @property
    def name(self) -> str:
        return self.partnership.organization.name

    def _figure(self, side, name):
        return getattr(side, name) if side is not None else None

    @property
    def trust_change(self) -> float | None:
        return change(self._figure(self.before, "trust"), self._figure(self.after, "trust"))

    @property
    def value_change(self) -> float | None:
        return change(self._figure(self.before, "value"), self._figure(self.after, "value"))

    @property
    def ties_change(self) -> int | None:
        before, after = self.before, self.after
        if before is None or after is None:
            return None
        return after.degree.ties - before.degree.ties


@dataclass
class Comparison:
    before: RoundResults
    after: RoundResults
    new_ties: list[TieRow]
    lost_ties: list[LostTie]
    kept_ties: int
    partners: list[PartnerChange]

    @property
    def density_change(self) -> float:
        return self.after.density - self.before.density

    @property
    def trust_change(self) -> float | None:
        return change(self.before.mean_trust, self.after.mean_trust)

    @property
    def value_change(self) -> float | None:
        return change(self.before.mean_value, self.after.mean_value)


def compare(before: RoundResults, after: RoundResults) -> Comparison:
    """What changed from the round ``before`` to the round ``after``."""
    before_keys = {t.key: t for t in before.ties}
    after_keys = {t.key: t for t in after.ties}
    answered_after = {p.partnership.pk for p in after.partners if p.responded}
    new = [t for t in after.ties if t.key not in before_keys]
    lost = [
        LostTie(tie=t, unconfirmed=not (t.key & answered_after))
        for t in before.ties
        if t.key not in after_keys
    ]
    old_partners, new_partners = before.by_pk, after.by_pk
    partners = [
        PartnerChange(
            partnership=(new_partners.get(pk) or old_partners[pk]).partnership,
            before=old_partners.get(pk),
            after=new_partners.get(pk),
        )
        for pk in set(old_partners) | set(new_partners)
    ]
    partners.sort(key=lambda p: (p.name.casefold(), p.partnership.pk))
    return Comparison(
        before=before,
        after=after,
        new_ties=new,
        lost_ties=lost,
        kept_ties=len(set(before_keys) & set(after_keys)),
        partners=partners,
    )
