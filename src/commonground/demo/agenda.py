"""The demo's common agenda and partner charter (SPEC §3.3.1–2), through the real services.

The goals and strategies in ``cradle-to-career.yaml`` are those of version 2. Version 1 differed
(``V1_GOALS``, ``V1_STRATEGIES``, ``ADDED_IN_V2``): it is drafted first, with those goals changed
back, proposed and adopted by the steering committee; every partner signs it. Version 2 then puts
the file's goals back, adds equity to the texts, is adopted in turn, and most partners — not all
— sign again, so the backbone has someone to remind.

Running it again adds nothing: each version and each signature is made only if missing. All the
people and commitments are invented.
"""

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import yaml
from django.utils import timezone

from commonground.action.agenda import services
from commonground.action.models import Activity, AgendaVersion, CharterSignature, Goal, Strategy
from commonground.convening.services import decisions

# The demo's framework file (``build.FRAMEWORK_FILE``; named here as ``build`` imports this module).
FRAMEWORK_FILE = Path(__file__).with_name("cradle-to-career.yaml")
Status = AgendaVersion.Status

PROBLEM = (
    "In Charlottesville and Albemarle County, where a child is born still predicts how far they "
    "go in school. Black and Hispanic students, and children in families with low incomes, are "
    "less likely to start kindergarten ready, to read on grade level by grade 3 and to graduate "
    "on time than their classmates.\n\n"
    "No organization can change this alone: schools, health providers, nonprofits, funders and "
    "families each hold part of the answer."
)
TEXTS = {
    1: {
        "problem_statement": PROBLEM,
        "vision": (
            "Every child in Charlottesville and Albemarle County succeeds, from cradle to career."
        ),
        "principles": (
            "- We focus on a few shared outcomes and measure them the same way.\n"
            "- We use data to improve, not to judge.\n"
            "- We build on what already works in our community."
        ),
        "evaluation_approach": (
            "Every partner reports the shared indicators each year. The backbone publishes a "
            "community report card, and the steering committee reviews it every quarter to "
            "decide where to act next."
        ),
        "change_summary": "",
    },
    2: {
        "problem_statement": PROBLEM,
        "vision": (
            "Every child in Charlottesville and Albemarle County succeeds, from cradle to career, "
            "and where a child lives or the color of their skin no longer predicts how far they go."
        ),
        "principles": (
            "- We focus on a few shared outcomes and measure them the same way.\n"
            "- We use data to improve, not to judge.\n"
            "- Families and residents with lived experience decide with us, at every table.\n"
            "- We build on what already works in our community."
        ),
        "evaluation_approach": (
            "Every partner reports the shared indicators each year. The backbone publishes a "
            "community report card, and the steering committee reviews it every quarter to "
            "decide where to act next.\n\n"
            "We look at every outcome by race and ethnicity, and count a goal as met only when "
            "the gaps close too."
        ),
        "change_summary": (
            "Adds a short-term win on chronic absence, which rose sharply after 2020; adds grade "
            "3 math to the early-grades goal; makes equity explicit in the vision, the principles "
            "and how we evaluate."
        ),
    },
}

# How version 1's goals and strategies differed from the file's (version 2's).
V1_GOALS = {
    "reading-by-grade-3": {
        "title": "Every child reads on grade level by the end of grade 3",
        "description": (
            "Grade 3 is when children stop learning to read and start reading to learn."
        ),
        "indicators": ["grade3_reading"],
    }
}
V1_STRATEGIES = {
    "summer-learning": {
        "title": "Summer reading camps",
        "description": (
            "Free summer reading camps for children finishing kindergarten to grade 3."
        ),
        "indicators": ["grade3_reading"],
    }
}
ADDED_IN_V2 = ["attend-every-day"]

# Partner code → (money in dollars a year, staff hours a year, in kind, statement). A partner
# without a lead account is signed for by the backbone lead, who received its signed copy.
COMMITMENTS = {
    "acps": (0, 1200, "Classroom space for tutors after school; a data-sharing agreement.", ""),
    "ccs": (0, 800, "Classroom space for tutors; attendance data every month.", ""),
    "rivanna-reads": (
        15000,
        2000,
        "About 120 trained volunteer tutors each school year.",
        "We recruit, train and place the tutors, and report the hours they give.",
    ),
    "bluebird-health": (
        60000,
        1500,
        "A nurse practitioner one day a week in each elementary school.",
        "",
    ),
    "hilltop-mentors": (8000, 900, "", "Mentors for every junior who asks for one."),
    "cardinal-fund": (
        250000,
        120,
        "",
        "Grants to partners for the strategies of the common agenda.",
    ),
    "neighbors-table": (0, 200, "Parent leaders for the family learning circles.", ""),
}
SIGNED_V1 = list(COMMITMENTS)
# Hilltop Mentors and Neighbors at the Table have not signed version 2 yet.
SIGNED_V2 = ["acps", "ccs", "rivanna-reads", "bluebird-health", "cardinal-fund"]
FUND_INCREASE_V2 = Decimal(50000)  # the fund commits more once chronic absence is a goal


def build(initiative, users: dict, out) -> None:
    """Versions 1 and 2 of the common agenda, adopted, and the partners' signatures."""
    for number in (1, 2):
        version = AgendaVersion.objects.filter(initiative=initiative, number=number).first()
        if version is None:
            version = _adopt_version(initiative, users, number)
            out.line(f"Common agenda: version {number} {version.get_status_display().lower()}")
        if version.status == Status.ADOPTED:
            signers = SIGNED_V1 if number == 1 else SIGNED_V2
            signed = _sign(initiative, users, version, signers)
            out.line(f"  charter: {signed} new signatures on version {number}")


def _adopt_version(initiative, users, number: int) -> AgendaVersion:
    lead = users["lead"]
    draft = services.start_draft(actor=lead, initiative=initiative)
    services.update_draft(actor=lead, version=draft, **TEXTS[number])
    if number == 1:
        _shape_version_1(initiative, lead)
    else:
        _shape_version_2(initiative, lead)
    decision = services.propose_version(
        actor=lead, version=draft, closes_at=timezone.now() + timedelta(days=14)
    )
    for voter in decision.eligible_voters.order_by("username"):
        decisions.cast_vote(actor=voter, decision=decision, choice="agree")
    decisions.close_decision(
        actor=users["facilitator"],
        decision=decision,
        outcome_reason="Adopted at the steering committee's meeting.",
    )
    draft.refresh_from_db()
    return draft


def _shape_version_1(initiative, lead) -> None:
    """Turn the file's goals back into version 1's."""
    for code in ADDED_IN_V2:
        services.retire_goal(actor=lead, goal=Goal.objects.get(initiative=initiative, code=code))
    for code, fields in V1_GOALS.items():
        _update_goal(initiative, lead, code, fields)
    for code, fields in V1_STRATEGIES.items():
        _update_strategy(initiative, lead, code, fields)


def _shape_version_2(initiative, lead) -> None:
    """Put the file's goals and strategies back."""
    goals = yaml.safe_load(FRAMEWORK_FILE.read_text(encoding="utf-8"))["goals"]
    by_code = {goal["code"]: goal for goal in goals}
    strategies = {s["code"]: s for goal in goals for s in goal.get("strategies", [])}
    for code in ADDED_IN_V2:
        goal = Goal.objects.get(initiative=initiative, code=code)
        services.retire_goal(actor=lead, goal=goal, retired=False)
        for strategy in goal.strategies.filter(code__in=strategies):
            services.retire_strategy(actor=lead, strategy=strategy, retired=False)
    for code in V1_GOALS:
        _update_goal(initiative, lead, code, by_code[code])
    for code in V1_STRATEGIES:
        _update_strategy(initiative, lead, code, strategies[code])


def _indicators(initiative, codes):
    return list(initiative.indicators.filter(code__in=codes))


def _update_goal(initiative, lead, code: str, fields: dict) -> None:
    goal = Goal.objects.get(initiative=initiative, code=code)
    services.update_goal(
        actor=lead,
        goal=goal,
        title=fields["title"],
        horizon=fields.get("horizon", goal.horizon),
        description=fields.get("description", ""),
        indicators=_indicators(initiative, fields.get("indicators", [])),
    )


def _update_strategy(initiative, lead, code: str, fields: dict) -> None:
    strategy = Strategy.objects.select_related("goal").get(initiative=initiative, code=code)
    services.update_strategy(
        actor=lead,
        strategy=strategy,
        goal=strategy.goal,
        title=fields["title"],
        description=fields.get("description", ""),
        indicators=_indicators(initiative, fields.get("indicators", [])),
    )


def _sign(initiative, users, version: AgendaVersion, codes: list[str]) -> int:
    """Each listed partner's signature on ``version`` if it is missing; how many were made."""
    signed = set(
        CharterSignature.objects.filter(agenda_version=version).values_list(
            "partnership__code", flat=True
        )
    )
    made = 0
    for partnership in initiative.partnerships.filter(code__in=codes).order_by("code"):
        if partnership.code in signed:
            continue
        money, hours, in_kind, statement = COMMITMENTS[partnership.code]
        if partnership.code == "cardinal-fund" and version.number == 2:
            money += FUND_INCREASE_V2
        services.sign_charter(
            actor=users.get(f"{partnership.code}.lead", users["lead"]),
            partnership=partnership,
            version=version,
            money=money,
            staff_hours=hours,
            in_kind=in_kind,
            statement=statement,
            data_indicators=[
                a.indicator for a in partnership.assignments.select_related("indicator")
            ],
            activities=Activity.objects.filter(partnership=partnership),
        )
        made += 1
    return made
