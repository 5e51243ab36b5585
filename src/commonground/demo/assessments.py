"""The demo's self-assessments, evaluation plan and community voice.

Two closed rounds of each self-assessment (autumn 2024 and autumn 2025), so the results pages
have a comparison and a chart: the five conditions answered by the ten people who answer
(enough for partners to see the totals at the demo's k = 10, never a sector), backbone
effectiveness by the eight who are not backbone staff (so only the backbone sees its figures),
and the stage benchmarks recorded by the lead with their evidence. Three members are marked as
residents or people with lived experience, the population served is described and shown on the
public page, and four questions of the evaluation library are in the plan.

Every answer, judgement and person here is INVENTED for the demo. Everything goes through
``backbone.assessments.services``; running it again adds only what is missing (a round that is
closed, an answer that is submitted and a question already in the plan are left as they are).
"""

from dataclasses import dataclass
from datetime import date

from commonground.backbone.assessments import services
from commonground.backbone.instruments import BACKBONE_EFFECTIVENESS, FIVE_CONDITIONS
from commonground.backbone.models import AssessmentResponse, EvaluationPlanItem, Round
from commonground.initiatives.models import Membership

LEAD = "lead"
POPULATION_SERVED = (
    "Children and young people from birth to their first job in Charlottesville and Albemarle "
    "County, Virginia, and their families — above all those the shared data shows falling "
    "behind: Black and Hispanic students, and children in low-income households."
)
RESIDENTS = ["neighbors-table.lead", "steering", "rivanna-reads.lead"]

# Who answers the five conditions (everyone with ANSWER_ASSESSMENTS in the demo) and backbone
# effectiveness (the same, without the backbone's own staff).
FIVE_RESPONDENTS = [
    "lead",
    "facilitator",
    "steering",
    "acps.lead",
    "ccs.lead",
    "rivanna-reads.lead",
    "bluebird-health.lead",
    "hilltop-mentors.lead",
    "neighbors-table.lead",
    "funder",
]
BACKBONE_RESPONDENTS = [p for p in FIVE_RESPONDENTS if p not in ("lead", "facilitator")]
# Each person's leaning, statement by statement (cycled): -1, 0 or +1 around the area's level.
LEANINGS = [
    (0, 1, 0, -1),
    (1, 0, 1, 0),
    (0, -1, 0, 0, 1),
    (0, 0, 1),
    (-1, 0, 0, 1),
    (1, 1, 0, 0, -1),
    (0, -1, -1, 0),
    (0, 0, 0, 1, -1),
    (-1, -1, 0),
    (1, 0, 0, -1),
]
# Statements a person cannot judge ("don't know"), by area code or statement code.
DONT_KNOW = {
    "funder": {"mutually_reinforcing.gaps", "shared_measurement.reporting"},
    "hilltop-mentors.lead": {"shared_measurement.reporting"},
    "neighbors-table.lead": {"policy"},
}


@dataclass(frozen=True)
class DemoRound:
    instrument: str
    title: str
    opens_on: date
    closes_on: date
    levels: dict  # area code → the score most people give
    shift: int = 0  # moves each person's leaning along: people change their minds


FIVE_ROUNDS = [
    DemoRound(
        Round.Instrument.FIVE_CONDITIONS,
        "Five conditions, autumn 2024",
        date(2024, 10, 1),
        date(2024, 10, 25),
        {
            "common_agenda": 3,
            "shared_measurement": 3,
            "mutually_reinforcing": 2,
            "continuous_communication": 3,
            "backbone_support": 4,
        },
    ),
    DemoRound(
        Round.Instrument.FIVE_CONDITIONS,
        "Five conditions, autumn 2025",
        date(2025, 10, 1),
        date(2025, 10, 24),
        {
            "common_agenda": 4,
            "shared_measurement": 4,
            "mutually_reinforcing": 3,
            "continuous_communication": 4,
            "backbone_support": 3,
        },
        shift=1,
    ),
]
BACKBONE_ROUNDS = [
    DemoRound(
        Round.Instrument.BACKBONE_EFFECTIVENESS,
        "Backbone effectiveness, autumn 2024",
        date(2024, 10, 1),
        date(2024, 10, 25),
        {
            "vision": 4,
            "aligned_activities": 3,
            "shared_measurement": 3,
            "public_will": 2,
            "policy": 2,
            "funding": 3,
        },
    ),
    DemoRound(
        Round.Instrument.BACKBONE_EFFECTIVENESS,
        "Backbone effectiveness, autumn 2025",
        date(2025, 10, 1),
        date(2025, 10, 24),
        {
            "vision": 4,
            "aligned_activities": 4,
            "shared_measurement": 4,
            "public_will": 3,
            "policy": 2,
            "funding": 3,
        },
        shift=1,
    ),
]

MET, IN_PROGRESS = "met", "in_progress"
# (title, dates, {benchmark: (status, evidence)})
BENCHMARK_ROUNDS = [
    (
        "Stage benchmarks, 2024",
        date(2024, 11, 4),
        date(2024, 11, 29),
        {
            "exploring.convener": (MET, "The backbone has convened the partners since 2022."),
            "exploring.leaders": (
                MET,
                "Both school divisions, two nonprofits and a funder signed on.",
            ),
            "exploring.focus": (MET, "Cradle to career, in the city and the county."),
            "exploring.data": (MET, "Stepping Stones figures shared at the first summit."),
            "exploring.listening": (IN_PROGRESS, "Two listening sessions held; more planned."),
            "emerging.agenda": (MET, "Common agenda version 1 adopted by the steering committee."),
            "emerging.steering": (MET, "Monthly steering committee with seven sectors' voices."),
            "emerging.indicators": (IN_PROGRESS, "Ten indicators drafted; baselines in progress."),
            "emerging.backbone": (IN_PROGRESS, "One staff member; a second post is funded."),
        },
    ),
    (
        "Stage benchmarks, 2025",
        date(2025, 11, 3),
        date(2025, 11, 28),
        {
            "exploring.convener": (MET, "The backbone has convened the partners since 2022."),
            "exploring.leaders": (MET, "Seven partners across six sectors."),
            "exploring.focus": (MET, "Cradle to career, in the city and the county."),
            "exploring.data": (MET, "The report card publishes the shared indicators."),
            "exploring.listening": (
                MET,
                "Neighbors at the Table runs listening sessions twice a year.",
            ),
            "emerging.agenda": (MET, "Common agenda version 2 adopted."),
            "emerging.steering": (MET, "Monthly steering committee with seven sectors' voices."),
            "emerging.indicators": (MET, "Ten shared indicators with baselines and targets."),
            "emerging.backbone": (MET, "Two staff; the Cardinal Futures Fund supports operations."),
            "emerging.networks": (
                IN_PROGRESS,
                "Two networks meet every two weeks; a third forming.",
            ),
            "sustaining.reporting": (IN_PROGRESS, "The two school divisions report every year."),
            "sustaining.improvement": (IN_PROGRESS, "Every Day Counts: two PDSA cycles so far."),
        },
    ),
]

PLAN = [
    ("common_agenda.developmental.2", ""),
    ("shared_measurement.developmental.2", ""),
    (
        "continuous_communication.developmental.1",
        "The partner network survey each spring, and the trust statements of the five "
        "conditions, read together at the steering committee's June retreat.",
    ),
    ("shared_measurement.formative.1", ""),
]


def build(initiative, users: dict, out) -> None:
    """Create or complete the demo's assessments; see the module docstring."""
    lead = users[LEAD]
    # Community voice, unless the backbone has set it already (its choices stay).
    residents = 0
    if not initiative.memberships.filter(is_resident=True).exists():
        for person in RESIDENTS:
            membership = Membership.objects.get(user=users[person], initiative=initiative)
            services.set_resident(actor=lead, membership=membership, is_resident=True)
            residents += 1
    if not initiative.population_served:
        services.update_voice_settings(
            actor=lead,
            initiative=initiative,
            population_served=POPULATION_SERVED,
            show_community_voice=True,
        )
    answered = 0
    for spec in FIVE_ROUNDS:
        answered += _rating_round(initiative, users, spec, FIVE_CONDITIONS, FIVE_RESPONDENTS)
    for spec in BACKBONE_ROUNDS:
        answered += _rating_round(
            initiative, users, spec, BACKBONE_EFFECTIVENESS, BACKBONE_RESPONDENTS
        )
    recorded = sum(_benchmark_round(initiative, lead, *spec) for spec in BENCHMARK_ROUNDS)
    adopted = _plan(initiative, lead)
    out.line(
        f"  assessments: {answered} answers, {recorded} benchmarks recorded, {adopted} questions "
        f"adopted; {residents} members marked as residents"
    )


def _round(initiative, lead, instrument, title, opens_on, closes_on) -> Round:
    """The round, created and opened if missing."""
    found = Round.objects.filter(initiative=initiative, instrument=instrument, title=title).first()
    if found is None:
        found = services.create_round(
            actor=lead,
            initiative=initiative,
            instrument=instrument,
            title=title,
            opens_on=opens_on,
            closes_on=closes_on,
        )
    if found.status == Round.Status.DRAFT:
        found = services.open_round(actor=lead, assessment=found)
    return found


def scores_for(instrument, levels: dict, person: str, leaning) -> dict:
    """A person's answers: the area's level, moved by their leaning; "don't know" where they
    cannot judge."""
    unknown = DONT_KNOW.get(person, set())
    answers = {}
    for n, statement in enumerate(instrument.statements):
        area = statement.code.split(".")[0]
        if area in unknown or statement.code in unknown:
            answers[statement.code] = None
        else:
            answers[statement.code] = min(5, max(1, levels[area] + leaning[n % len(leaning)]))
    return answers


def _rating_round(initiative, users, spec: DemoRound, instrument, respondents) -> int:
    lead = users[LEAD]
    assessment = _round(
        initiative, lead, spec.instrument, spec.title, spec.opens_on, spec.closes_on
    )
    if assessment.status == Round.Status.CLOSED:
        return 0
    done = set(
        AssessmentResponse.objects.filter(round=assessment)
        .exclude(submitted_at=None)
        .values_list("respondent_id", flat=True)
    )
    answered = 0
    for index, person in enumerate(respondents):
        if users[person].pk in done:
            continue
        leaning = LEANINGS[(index + spec.shift) % len(LEANINGS)]
        services.save_answers(
            actor=users[person],
            assessment=assessment,
            answers=scores_for(instrument, spec.levels, person, leaning),
            submit=True,
        )
        answered += 1
    services.close_round(actor=lead, assessment=assessment)
    return answered


def _benchmark_round(initiative, lead, title, opens_on, closes_on, judgements) -> int:
    assessment = _round(
        initiative, lead, Round.Instrument.STAGE_BENCHMARKS, title, opens_on, closes_on
    )
    if assessment.status == Round.Status.CLOSED:
        return 0
    for benchmark, (status, evidence) in judgements.items():
        services.record_benchmark(
            actor=lead,
            assessment=assessment,
            benchmark=benchmark,
            status=status,
            evidence=evidence,
        )
    services.close_round(actor=lead, assessment=assessment)
    return len(judgements)


def _plan(initiative, lead) -> int:
    adopted = set(
        EvaluationPlanItem.objects.filter(initiative=initiative).values_list(
            "library_code", flat=True
        )
    )
    count = 0
    for code, method in PLAN:
        if code in adopted:
            continue
        item = services.adopt_question(actor=lead, initiative=initiative, code=code)
        if method:
            services.update_plan_item(
                actor=lead, item=item, data={"method": method, "status": "under_way"}
            )
        count += 1
    return count
