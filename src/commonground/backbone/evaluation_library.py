"""The evaluation library: questions an initiative can ask of itself, per condition and per
approach, with the kinds of indicator that would answer them (SPEC §3.5; the plan is
``EvaluationPlanItem``).

Three approaches follow the initiative's stage, as the FSG guide to evaluating collective impact
(Preskill, Parkhurst and Splansky Juster, 2014) lays them out: **developmental** evaluation
while the initiative is exploring and emerging (what is taking shape, what to try next),
**formative** while it is sustaining (is it working as intended, what to improve) and
**summative** once it aims at systems change and proof (what changed, and did the initiative
contribute). The questions are written for this software, not copied.

Where an initiative's own indicators would help answer a question — by level and kind
(population indicators; "how much", "how well", "is anyone better off" performance measures) —
``suggested_indicators`` names them, and adopting the question links them to the plan item.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from commonground.backbone.instruments import FIVE_CONDITIONS
from commonground.backbone.models import EvaluationPlanItem
from commonground.initiatives.models import Initiative
from commonground.measurement.models import Indicator

Text = str | Promise
Approach = EvaluationPlanItem.Approach
Level = Indicator.Level
Kind = Indicator.PerformanceKind

APPROACH_FOR_STAGE = {
    Initiative.Stage.EXPLORING: Approach.DEVELOPMENTAL,
    Initiative.Stage.EMERGING: Approach.DEVELOPMENTAL,
    Initiative.Stage.SUSTAINING: Approach.FORMATIVE,
    Initiative.Stage.SYSTEMS_CHANGE: Approach.SUMMATIVE,
    Initiative.Stage.PROOF_POINT: Approach.SUMMATIVE,
}
APPROACH_PURPOSE = {
    Approach.DEVELOPMENTAL: _(
        "While the initiative takes shape: what is emerging, what to try, what to change."
    ),
    Approach.FORMATIVE: _(
        "Once the work runs: is it done as intended, and what should improve along the way?"
    ),
    Approach.SUMMATIVE: _(
        "When results are expected: what changed, for whom, and did the initiative contribute?"
    ),
}
CONDITION_NAMES = {area.code: area.name for area in FIVE_CONDITIONS.areas}

# (level, performance kind) of indicators that help answer a question; "" matches any kind.
POPULATION = (Level.POPULATION.value, "")
HOW_MUCH = (Level.PERFORMANCE.value, Kind.HOW_MUCH.value)
HOW_WELL = (Level.PERFORMANCE.value, Kind.HOW_WELL.value)
BETTER_OFF = (Level.PERFORMANCE.value, Kind.BETTER_OFF.value)


@dataclass(frozen=True)
class LibraryQuestion:
    """One question of the library; ``code`` is kept in ``EvaluationPlanItem.library_code``."""

    code: str
    condition: str
    approach: str
    question: Text
    evidence: tuple[Text, ...]  # the kinds of indicator or evidence that would answer it
    matches: tuple[tuple[str, str], ...] = ()  # the initiative's indicators to suggest

    @property
    def condition_name(self) -> Text:
        return CONDITION_NAMES[self.condition]

    @property
    def anchor(self) -> str:
        """The question's id on the library page."""
        return "q-" + self.code.replace(".", "-").replace("_", "-")


def _questions(condition: str, approach: Approach, *entries) -> list[LibraryQuestion]:
    return [
        LibraryQuestion(
            code=f"{condition}.{approach.value}.{n}",
            condition=condition,
            approach=approach.value,
            question=question,
            evidence=tuple(evidence),
            matches=tuple(matches),
        )
        for n, (question, evidence, matches) in enumerate(entries, start=1)
    ]


D, F, S = Approach.DEVELOPMENTAL, Approach.FORMATIVE, Approach.SUMMATIVE
LIBRARY: tuple[LibraryQuestion, ...] = (
    # Common agenda ------------------------------------------------------------------------
    *_questions(
        "common_agenda",
        D,
        (
            _(
                "How are partners and residents coming to a shared understanding of the "
                "problem, and where do their views still differ?"
            ),
            [
                _("Notes from agenda-setting sessions: points agreed and points disputed"),
                _("Five-conditions ratings for the common agenda, by sector"),
            ],
            [],
        ),
        (
            _(
                "Who is not yet at the table — sectors, neighborhoods, people with lived "
                "experience — and what would bring them in?"
            ),
            [
                _("Partners by sector, beside the sectors the problem touches"),
                _("Community voice: the residents' share of each body"),
            ],
            [],
        ),
    ),
    *_questions(
        "common_agenda",
        F,
        (
            _("Do partners use the common agenda when they decide what to do and to fund?"),
            [
                _("Share of partners' activities linked to a strategy of the agenda"),
                _("Share of partners that signed the current agenda"),
                _("Share of partner and funder money aligned to the agenda"),
            ],
            [HOW_MUCH],
        ),
        (
            _("Is the agenda still right, given what the data and the community tell us?"),
            [
                _("Trends of the core population indicators"),
                _("What changed between agenda versions, and why"),
            ],
            [POPULATION],
        ),
    ),
    *_questions(
        "common_agenda",
        S,
        (
            _("Did the shared agenda change what partners prioritise and where money goes?"),
            [
                _("Money aligned to the agenda, at the start and now"),
                _("Partners' own plans and budgets that follow the agenda"),
            ],
            [HOW_MUCH],
        ),
        (
            _("Did the agenda's goals come within reach for the people the initiative serves?"),
            [
                _("Core population indicators against their targets"),
                _("Gaps between groups on the core indicators"),
            ],
            [POPULATION, BETTER_OFF],
        ),
    ),
    # Shared measurement -------------------------------------------------------------------
    *_questions(
        "shared_measurement",
        D,
        (
            _(
                "Which indicators matter most to partners and residents, and can partners "
                "collect them?"
            ),
            [
                _("Indicators each partner already collects, and how"),
                _("Data sources for each candidate indicator, and their gaps"),
            ],
            [],
        ),
        (
            _("What do partners need to report data well: skills, systems, agreements?"),
            [
                _("Partners' data capacity, from a short survey"),
                _("Data-sharing agreements in place"),
            ],
            [],
        ),
    ),
    *_questions(
        "shared_measurement",
        F,
        (
            _("Do partners report the shared indicators completely, on time and the same way?"),
            [
                _("Completeness and timeliness of reports, by partner"),
                _("Values returned for correction, and why"),
            ],
            [HOW_WELL],
        ),
        (
            _("Are the shared data used in meetings and decisions?"),
            [
                _("Meeting agenda items that discuss an indicator"),
                _("Decisions that cite the data"),
            ],
            [],
        ),
    ),
    *_questions(
        "shared_measurement",
        S,
        (
            _("Did shared measurement change how partners learn and decide?"),
            [
                _("Five-conditions ratings for shared measurement, across rounds"),
                _("Improvement cycles that changed practice"),
            ],
            [],
        ),
        (
            _(
                "Can the initiative show, with its shared data, how results changed for the "
                "population?"
            ),
            [
                _("Trends of the core population indicators, with changes of method marked"),
                _("Results by group, where the data allows it"),
            ],
            [POPULATION],
        ),
    ),
    # Mutually reinforcing activities ------------------------------------------------------
    *_questions(
        "mutually_reinforcing",
        D,
        (
            _("Which partners' activities already fit together, and where are the gaps?"),
            [
                _("The strategies × partners alignment"),
                _("Strategies without activities; goals without strategies"),
            ],
            [],
        ),
        (
            _("What new ways of working together are partners trying, and what is emerging?"),
            [
                _("Improvement projects started, and what they learned"),
                _("Stories of joint work"),
            ],
            [],
        ),
    ),
    *_questions(
        "mutually_reinforcing",
        F,
        (
            _(
                "Are the action plan's activities carried out as planned, and do they reach "
                "the people they aim at?"
            ),
            [
                _("Activities on track, late or blocked"),
                _("People served by each activity, and how well"),
            ],
            [HOW_MUCH, HOW_WELL],
        ),
        (
            _("Where do partners' activities reinforce each other, and where are silos left?"),
            [
                _("Overlaps and dependencies in the action plan"),
                _("Network survey: coordination and integration between partners"),
            ],
            [],
        ),
    ),
    *_questions(
        "mutually_reinforcing",
        S,
        (
            _(
                "Did coordinated activities reach more people, or help them more, than "
                "partners did alone?"
            ),
            [
                _("People served and better off, before and after the work was coordinated"),
            ],
            [HOW_MUCH, BETTER_OFF],
        ),
        (
            _("Which activities contributed most to the changes in the core indicators?"),
            [
                _("Contributing indicators beside the core indicators they predict"),
                _("Improvement projects' results on their outcome measures"),
            ],
            [POPULATION, BETTER_OFF],
        ),
    ),
    # Continuous communication -------------------------------------------------------------
    *_questions(
        "continuous_communication",
        D,
        (
            _("How do partners communicate today, and what would build the trust they need?"),
            [
                _("Network survey: trust and value between partners"),
                _("Five-conditions ratings for continuous communication"),
            ],
            [],
        ),
        (
            _("Who hears about the work, and who is left out?"),
            [
                _("Meeting attendance by sector"),
                _("Who receives announcements and digests"),
            ],
            [],
        ),
    ),
    *_questions(
        "continuous_communication",
        F,
        (
            _("Do meetings lead to decisions and to action items that get done?"),
            [
                _("Decisions made; action items closed on time"),
                _("Attendance, and how often delegates stand in"),
            ],
            [],
        ),
        (
            _("Is trust among partners growing?"),
            [
                _("Network survey: trust, between two rounds"),
                _("Five-conditions ratings of the trust statement, across rounds"),
            ],
            [],
        ),
    ),
    *_questions(
        "continuous_communication",
        S,
        (
            _(
                "Has communication built relationships that would keep partners working "
                "together without the initiative?"
            ),
            [_("Network density and integration ties, across rounds")],
            [],
        ),
        (
            _("Do partners and the public know and use the initiative's results?"),
            [
                _("Use of the report card: views and downloads"),
                _("Stories and announcements published"),
            ],
            [],
        ),
    ),
    # Backbone support ---------------------------------------------------------------------
    *_questions(
        "backbone_support",
        D,
        (
            _("What does the backbone need — staff, skills, money — to play its role?"),
            [
                _("Backbone budget and staff"),
                _("Backbone-effectiveness ratings"),
            ],
            [],
        ),
        (
            _("Is the backbone seen as a neutral convener, and by whom?"),
            [_("Backbone-effectiveness ratings, by sector")],
            [],
        ),
    ),
    *_questions(
        "backbone_support",
        F,
        (
            _("How well does the backbone carry out its six activities, in partners' eyes?"),
            [_("Backbone-effectiveness ratings, across rounds")],
            [],
        ),
        (
            _("Does the backbone's support reach every working group and partner?"),
            [
                _("Working groups with a facilitator and a regular rhythm"),
                _("Partners' engagement: reports, meetings, discussions"),
            ],
            [],
        ),
    ),
    *_questions(
        "backbone_support",
        S,
        (
            _("What did the backbone make possible that partners would not have done alone?"),
            [
                _("Leverage: partners' combined budgets ÷ the backbone's budget"),
                _("Policy and funding changes the backbone helped bring about"),
            ],
            [],
        ),
        (
            _("Can the backbone's role last beyond its current funding?"),
            [
                _("Years of secured backbone funding"),
                _("Number of funders supporting the backbone"),
            ],
            [],
        ),
    ),
)
QUESTIONS = {q.code: q for q in LIBRARY}


def approach_for_stage(stage: str) -> str:
    """The approach that fits an initiative at ``stage``."""
    return APPROACH_FOR_STAGE[Initiative.Stage(stage)].value


def suggested_indicators(question: LibraryQuestion, indicators: Iterable[Indicator]):
    """The initiative's indicators of the level and kind the question asks for, in order."""
    return [
        indicator
        for indicator in indicators
        if any(
            indicator.level == level and (not kind or indicator.performance_kind == kind)
            for level, kind in question.matches
        )
    ]
