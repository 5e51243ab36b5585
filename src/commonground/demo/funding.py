"""The demo's grants: the Cardinal Futures Fund's grants and commitments, mapped to the common
agenda's strategies (the codes of ``cradle-to-career.yaml``).

Grants, amounts and recipients are INVENTED for the demo. Their dates follow the fiscal year the
demo is built in (``Y``: the current one), so the funding page opens on a year with money in it
whenever the demo is tried. The funder records its own grants; the backbone lead records the
operating support — both through ``action.funding.services``. A grant that exists (same funder
and title) is left as it is, so running it again adds nothing.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from commonground.action.funding import services
from commonground.action.funding.alignment import fiscal_year
from commonground.action.models import Grant, Strategy

FUNDER = "cardinal-fund"


@dataclass(frozen=True)
class DemoGrant:
    title: str
    amount: str
    starts: tuple[int, int, int]  # (years after Y, month, day)
    ends: tuple[int, int, int]
    strategies: tuple[str, ...]
    recipient: str | None
    recorded_by: str = "funder"
    kind: str = Grant.Kind.GRANT
    notes: str = ""


GRANTS = [
    DemoGrant(
        "Early literacy tutors in grades K–3",
        "250000",
        (0, 7, 1),
        (1, 6, 30),
        ("k3-reading-tutors",),
        "rivanna-reads",
        notes="Volunteer tutor coordinators in ten elementary schools.",
    ),
    DemoGrant(
        "Early literacy tutors in grades K–3 (previous year)",
        "225000",
        (-1, 7, 1),
        (0, 6, 30),
        ("k3-reading-tutors",),
        "rivanna-reads",
    ),
    DemoGrant(
        "College access mentoring",
        "360000",
        (-1, 7, 1),
        (1, 6, 30),
        ("mentors-to-first-year",),
        "hilltop-mentors",
        notes="Two years: mentors for juniors and seniors, and the first year after school.",
    ),
    DemoGrant(
        "Attendance outreach in the early grades",
        "120000",
        (0, 1, 1),
        (0, 12, 31),
        ("attendance-check-ins",),
        "bluebird-health",
        notes="A calendar year of the Every Day Counts outreach workers.",
    ),
    DemoGrant(
        "Backbone operating support",
        "150000",
        (0, 7, 1),
        (1, 6, 30),
        (),
        None,
        recorded_by="lead",
        notes="Staff of the backbone: not tied to one strategy.",
    ),
    DemoGrant(
        "Kindergarten readiness, next year",
        "200000",
        (1, 7, 1),
        (2, 6, 30),
        ("books-at-checkups", "family-learning-circles"),
        None,
        kind=Grant.Kind.COMMITMENT,
        notes="Committed at the spring board meeting; the recipients are chosen in the summer.",
    ),
]


def _day(year: int, offset: tuple[int, int, int]) -> date:
    years, month, day = offset
    return date(year + years, month, day)


def build(initiative, users, out) -> None:
    """Record the grants that are missing."""
    funder = initiative.partnerships.get(code=FUNDER)
    partners = {p.code: p for p in initiative.partnerships.all()}
    strategies = {s.code: s for s in Strategy.objects.filter(initiative=initiative)}
    existing = set(Grant.objects.filter(funder=funder).values_list("title", flat=True))
    year = int(fiscal_year(initiative).code[2:])
    made = 0
    for grant in GRANTS:
        if grant.title in existing:
            continue
        missing = [code for code in grant.strategies if code not in strategies]
        if missing:
            raise LookupError(f"The demo agenda has no strategy {', '.join(missing)}.")
        services.record_grant(
            actor=users[grant.recorded_by],
            initiative=initiative,
            data=services.GrantData(
                funder=funder,
                title=grant.title,
                amount=Decimal(grant.amount),
                starts_on=_day(year, grant.starts),
                ends_on=_day(year, grant.ends),
                kind=grant.kind,
                recipient=partners[grant.recipient] if grant.recipient else None,
                strategies=[strategies[code] for code in grant.strategies],
                notes=grant.notes,
            ),
        )
        made += 1
    out.line(f"Funding: {len(GRANTS)} grants of {funder} ({made} new)")
