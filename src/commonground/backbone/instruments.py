"""What the self-assessments ask, as data (SPEC §3.5.2).

Three instruments are repeated in rounds (``Round.Instrument``):

* **the five conditions** of collective impact (Kania & Kramer, 2011): every person who answers
  rates a few statements per condition;
* **backbone effectiveness** over the backbone's six activities (Turner, Merchant, Kania and
  Martin, 2012): the same kind of rating, a few statements per activity;
* **the stage benchmarks**: what an initiative has in place at each stage, from exploring to
  proof point (the order of ``Initiative.Stage``); the backbone records, per round, whether each
  is met, with its evidence.

The statements are written for this software in plain language, after the conditions and
activities as Kania & Kramer and the FSG / Collective Impact Forum materials describe them;
they are not copied from any questionnaire. Answers are stored by code (``Rating.item``,
``BenchmarkEvidence.benchmark``), so a code must never change meaning: reword a statement only
in ways that keep rounds comparable, and give a new idea a new code.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from commonground.backbone.models import Round
from commonground.initiatives.models import Initiative

Text = str | Promise


@dataclass(frozen=True)
class Statement:
    """One rated item: ``code`` is stored in ``Rating.item`` (``<area>.<name>``)."""

    code: str
    text: Text


@dataclass(frozen=True)
class Area:
    """A condition or a backbone activity, and the statements that rate it."""

    code: str
    name: Text
    description: Text
    statements: tuple[Statement, ...]


@dataclass(frozen=True)
class ScalePoint:
    score: int
    words: Text


@dataclass(frozen=True)
class RatingInstrument:
    code: str  # a ``Round.Instrument`` value
    name: Text
    question: Text  # what each statement is rated on
    areas: tuple[Area, ...]

    @property
    def statements(self) -> tuple[Statement, ...]:
        return tuple(s for area in self.areas for s in area.statements)

    @property
    def item_codes(self) -> frozenset[str]:
        return frozenset(s.code for s in self.statements)

    def area_of(self, item: str) -> Area:
        return next(a for a in self.areas if any(s.code == item for s in a.statements))


# One scale for every rated statement: how far it is true of the initiative today. "Don't know"
# is an answer too (stored as an empty score) and is left out of every mean.
SCALE = (
    ScalePoint(1, _("Not at all")),
    ScalePoint(2, _("To a small extent")),
    ScalePoint(3, _("To some extent")),
    ScalePoint(4, _("To a large extent")),
    ScalePoint(5, _("Fully")),
)
SCALE_MIN = SCALE[0].score
SCALE_MAX = SCALE[-1].score
DONT_KNOW = _("Don't know")


def _area(code: str, name: Text, description: Text, *statements: tuple[str, Text]) -> Area:
    return Area(
        code=code,
        name=name,
        description=description,
        statements=tuple(Statement(f"{code}.{name_}", text) for name_, text in statements),
    )


FIVE_CONDITIONS = RatingInstrument(
    code=Round.Instrument.FIVE_CONDITIONS.value,
    name=_("The five conditions of collective impact"),
    question=_("How far is this true of our initiative today?"),
    areas=(
        _area(
            "common_agenda",
            _("Common agenda"),
            _(
                "Everyone shares one picture of the change they want: the same understanding "
                "of the problem and an agreed way of working on it."
            ),
            ("problem", _("Partners share one understanding of the problem and its causes.")),
            ("goals", _("Partners agree on the vision and on the goals we are working toward.")),
            (
                "fit",
                _("The strategies are clear enough for each partner to see where its work fits."),
            ),
            (
                "voice",
                _("People most affected by the problem helped shape the agenda and still do."),
            ),
        ),
        _area(
            "shared_measurement",
            _("Shared measurement"),
            _(
                "Partners measure results the same way, on a short list of indicators, so they "
                "can see progress, hold each other to account and learn."
            ),
            (
                "indicators",
                _("We agree on a short list of indicators that shows if we are making progress."),
            ),
            (
                "reporting",
                _("Partners report those indicators on time and measured the same way."),
            ),
            ("use", _("We look at the shared data together and change what we do because of it.")),
            (
                "groups",
                _("Our data shows how different groups of people are doing, not only the average."),
            ),
        ),
        _area(
            "mutually_reinforcing",
            _("Mutually reinforcing activities"),
            _(
                "Partners do different things, each what it does best, fitted together by one "
                "plan of action."
            ),
            ("plan", _("Our activities fit together in one plan that says who does what.")),
            (
                "strengths",
                _("Each partner does what it is best placed to do, without duplicating others."),
            ),
            ("gaps", _("We notice gaps and overlaps in our work and do something about them.")),
        ),
        _area(
            "continuous_communication",
            _("Continuous communication"),
            _(
                "Regular, open communication builds trust among partners, keeps them working "
                "toward the same goals and gives them a common language."
            ),
            ("meetings", _("Partners meet regularly, and meetings lead to decisions and action.")),
            (
                "trust",
                _("I trust the other partners enough to raise problems and disagree openly."),
            ),
            (
                "informed",
                _("I know what other partners are doing and what was decided, without chasing."),
            ),
        ),
        _area(
            "backbone_support",
            _("Backbone support"),
            _(
                "An organization with dedicated staff coordinates the initiative: its plans, its "
                "data, its meetings and its communication."
            ),
            (
                "capacity",
                _("The backbone has enough dedicated staff and money to coordinate the work."),
            ),
            ("neutral", _("The backbone is a fair convener that does not push its own interests.")),
            ("momentum", _("The backbone keeps the work moving between meetings.")),
        ),
    ),
)

BACKBONE_EFFECTIVENESS = RatingInstrument(
    code=Round.Instrument.BACKBONE_EFFECTIVENESS.value,
    name=_("Backbone effectiveness"),
    question=_("How far is this true of our backbone today?"),
    areas=(
        _area(
            "vision",
            _("Guide vision and strategy"),
            _("Keeps partners focused on the common agenda and helps the strategy evolve."),
            (
                "focus",
                _("The backbone helps partners keep the common agenda in view when they decide."),
            ),
            (
                "adapt",
                _("The backbone helps us rethink strategy when the data or the context changes."),
            ),
        ),
        _area(
            "aligned_activities",
            _("Support aligned activities"),
            _("Helps partners coordinate their work and keeps the working groups going."),
            (
                "connect",
                _("The backbone connects partners who should work together and helps them align."),
            ),
            (
                "groups",
                _("Working groups get the preparation, facilitation and follow-up they need."),
            ),
        ),
        _area(
            "shared_measurement",
            _("Establish shared measurement practices"),
            _("Helps partners collect, report, understand and use the shared data."),
            ("collect", _("The backbone makes it easy for partners to report the shared data.")),
            (
                "learn",
                _("The backbone turns the shared data into something we learn and decide from."),
            ),
        ),
        _area(
            "public_will",
            _("Build public will"),
            _("Builds the community's understanding of the issue and its ownership of the work."),
            (
                "understanding",
                _("The backbone helps the community understand the issue and what we are doing."),
            ),
            (
                "residents",
                _("The backbone brings residents and people with lived experience into the work."),
            ),
        ),
        _area(
            "policy",
            _("Advance policy"),
            _("Helps partners agree on and pursue the policy changes the agenda needs."),
            ("agree", _("The backbone helps partners agree on the policy changes we should seek.")),
            (
                "voice",
                _("The backbone helps the initiative speak with one voice to decision-makers."),
            ),
        ),
        _area(
            "funding",
            _("Mobilize funding"),
            _("Brings money to the agenda: new funding, and existing money better aligned."),
            ("new", _("The backbone helps bring new funding to the common agenda.")),
            (
                "align",
                _("The backbone helps partners and funders align the money they already spend."),
            ),
        ),
    ),
)

RATING_INSTRUMENTS = {i.code: i for i in (FIVE_CONDITIONS, BACKBONE_EFFECTIVENESS)}
# The instruments this module's services run; the network survey has its own (``network/``).
SELF_ASSESSMENTS = (
    Round.Instrument.FIVE_CONDITIONS,
    Round.Instrument.STAGE_BENCHMARKS,
    Round.Instrument.BACKBONE_EFFECTIVENESS,
)


def rating_instrument(code: str) -> RatingInstrument | None:
    return RATING_INSTRUMENTS.get(code)


# Stage benchmarks -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Benchmark:
    code: str  # stored in ``BenchmarkEvidence.benchmark`` (``<stage>.<name>``)
    stage: str  # an ``Initiative.Stage`` value
    text: Text


@dataclass(frozen=True)
class Stage:
    code: str
    name: Text
    description: Text
    benchmarks: tuple[Benchmark, ...]


def _stage(stage: Initiative.Stage, description: Text, *benchmarks: tuple[str, Text]) -> Stage:
    code = stage.value
    return Stage(
        code=code,
        name=stage.label,
        description=description,
        benchmarks=tuple(Benchmark(f"{code}.{name}", code, text) for name, text in benchmarks),
    )


S = Initiative.Stage
STAGES = (
    _stage(
        S.EXPLORING,
        _("Leaders from several sectors decide whether, and how, to work on the problem together."),
        ("convener", _("A convener with credibility across the community is in place.")),
        ("leaders", _("Leaders from several sectors have agreed to explore working together.")),
        ("focus", _("The problem and the place the initiative will focus on are named.")),
        ("data", _("Existing data on the problem has been gathered and shared with partners.")),
        (
            "listening",
            _("Residents and people with lived experience were asked what matters to them."),
        ),
    ),
    _stage(
        S.EMERGING,
        _("The initiative organizes: an agenda, a structure, shared indicators and a backbone."),
        ("agenda", _("A common agenda with a vision and goals has been adopted.")),
        ("steering", _("A steering committee drawn from several sectors meets regularly.")),
        ("indicators", _("A short list of shared indicators, with baselines, is agreed.")),
        ("backbone", _("The backbone has dedicated staff and a budget for at least a year.")),
        ("networks", _("Working groups have formed around the goals and meet on a rhythm.")),
    ),
    _stage(
        S.SUSTAINING,
        _("The work runs on data: partners report, learn and improve together, year after year."),
        ("reporting", _("Partners report the shared indicators regularly; results are published.")),
        ("data_use", _("Working groups use the data to choose and improve what they do.")),
        ("improvement", _("At least one improvement cycle has changed how partners work.")),
        ("funding", _("Money for the backbone and the shared work is secured for several years.")),
        ("seats", _("Residents hold seats, with a real say, in the bodies that decide.")),
    ),
    _stage(
        S.SYSTEMS_CHANGE,
        _("What works spreads: practice, policy and money change across the system."),
        ("practice", _("Practices that worked are adopted across organizations, beyond pilots.")),
        ("policy", _("Policies or rules have changed because of the initiative's work.")),
        ("money", _("Public and private money has moved toward what works.")),
        ("moving", _("Several shared indicators are moving in the right direction.")),
    ),
    _stage(
        S.PROOF_POINT,
        _("Results last and can be shown: the community is measurably better off."),
        ("population", _("Most core indicators have improved for the whole population for years.")),
        ("gaps", _("Gaps between groups are narrowing on the core indicators.")),
        ("contribution", _("There is evidence linking the improvement to the initiative's work.")),
        ("lasting", _("The improvements have outlasted changes of leaders and of funding.")),
    ),
)
BENCHMARKS = {b.code: b for stage in STAGES for b in stage.benchmarks}
