"""Self-assessment figures against a hand-worked example (docs/assessments.md works the same one).

Four people rate the common agenda's four statements (— is "don't know"):

    person  sector      problem  goals  fit  voice   their condition score
    R1      education      4       5     3     —     (4+5+3)/3   = 4
    R2      education      2       4     4     2     (2+4+4+2)/4 = 3
    R3      nonprofit      5       5     —     —     (5+5)/2     = 5
    R4      (no partner)   —       —     —     —     don't know

Statement means: problem 11/3, goals 14/3, fit 7/2, voice 2. The condition's mean is the mean of
the three person scores, (4+3+5)/3 = 4 — not the mean of all nine scores (34/9).
"""

from decimal import Decimal
from fractions import Fraction

from commonground.backbone.assessments.results import (
    WITHHELD_COMPLEMENT,
    WITHHELD_FEW,
    Figure,
    GroupResults,
    RoundResults,
    Sheet,
    analyse,
    compare,
    disclose,
    rounded,
    stage_progress,
    stage_reached,
)
from commonground.backbone.instruments import FIVE_CONDITIONS, STAGES

P, G, F, V = (f"common_agenda.{name}" for name in ("problem", "goals", "fit", "voice"))
SHEETS = [
    Sheet("education", {P: 4, G: 5, F: 3, V: None}),
    Sheet("education", {P: 2, G: 4, F: 4, V: 2}),
    Sheet("nonprofit", {P: 5, G: 5, F: None, V: None}),
    Sheet("", {P: None, G: None, F: None, V: None}),
]


def test_statement_means_leave_dont_know_out():
    items = analyse(SHEETS, FIVE_CONDITIONS).overall.items
    assert items[P] == Figure(Fraction(11, 3), 3, 1)
    assert items[G] == Figure(Fraction(14, 3), 3, 1)
    assert items[F] == Figure(Fraction(7, 2), 2, 2)
    assert items[V] == Figure(Fraction(2), 1, 3)
    # Statements nobody answered have no mean and no "don't know" either.
    assert items["shared_measurement.use"] == Figure(None, 0, 0)


def test_condition_is_the_mean_of_each_persons_average():
    overall = analyse(SHEETS, FIVE_CONDITIONS).overall
    assert overall.respondents == 4
    assert overall.areas["common_agenda"] == Figure(Fraction(4), 3, 1)
    assert overall.areas["shared_measurement"] == Figure(None, 0, 0)


def test_results_by_sector():
    sectors = analyse(SHEETS, FIVE_CONDITIONS).sectors
    assert set(sectors) == {"education", "nonprofit", ""}
    education = sectors["education"]
    assert education.respondents == 2
    assert education.areas["common_agenda"] == Figure(Fraction(7, 2), 2, 0)
    assert education.items[P] == Figure(Fraction(3), 2, 0)
    assert education.items[G] == Figure(Fraction(9, 2), 2, 0)
    assert education.items[V] == Figure(Fraction(2), 1, 1)
    assert sectors["nonprofit"].areas["common_agenda"] == Figure(Fraction(5), 1, 0)
    assert sectors[""].areas["common_agenda"] == Figure(None, 0, 1)


def test_rounded_figures_as_the_pages_show_them():
    assert rounded(Fraction(11, 3)) == Decimal("3.67")
    assert rounded(Fraction(14, 3)) == Decimal("4.67")
    assert rounded(Fraction(7, 2)) == Decimal("3.50")
    assert rounded(Fraction(25, 8)) == Decimal("3.12")  # 3.125: halves to even
    assert rounded(Fraction(2, 9) * 100, 0) == Decimal("22")
    assert rounded(None) is None


def test_the_backbone_sees_groups_and_figures_of_two_answers_or_more():
    disclosed = disclose(analyse(SHEETS, FIVE_CONDITIONS), 2)
    overall = disclosed.overall.results
    assert overall.areas["common_agenda"].mean == 4
    assert overall.items[F].mean == Fraction(7, 2)  # two scores
    assert overall.items[V] == Figure(None, 0, 0, WITHHELD_FEW)  # one score: R2's
    shown = {s.key: (s.respondents, s.results is not None, s.reason) for s in disclosed.sectors}
    # Two sectors of one person each are withheld; together they are two people.
    assert shown == {
        "": (1, False, WITHHELD_FEW),
        "education": (2, True, ""),
        "nonprofit": (1, False, WITHHELD_FEW),
    }
    education = next(s for s in disclosed.sectors if s.key == "education").results
    # The problem statement: everyone 4+2+5 over three scores, education 4+2 over two — shown
    # together they would give away R3's 5. Education's figure is withheld instead.
    assert education.items[P] == Figure(None, 0, 0, WITHHELD_COMPLEMENT)
    assert education.items[G] == Figure(None, 0, 0, WITHHELD_COMPLEMENT)
    assert education.areas["common_agenda"] == Figure(None, 0, 0, WITHHELD_COMPLEMENT)
    # "fit": nobody else scored it (R3 and R4 did not know), so education's two scores show.
    assert education.items[F] == Figure(Fraction(7, 2), 2, 0)
    assert education.items[V] == Figure(None, 0, 0, WITHHELD_FEW)


def test_partners_see_nothing_below_k():
    disclosed = disclose(analyse(SHEETS, FIVE_CONDITIONS), 5)
    assert disclosed.overall.results is None and disclosed.overall.reason == WITHHELD_FEW
    assert all(s.results is None for s in disclosed.sectors)
    at_k = disclose(analyse(SHEETS, FIVE_CONDITIONS), 3)
    assert at_k.overall.results.areas["common_agenda"].mean == 4  # three person scores
    assert at_k.overall.results.items[P].mean == Fraction(11, 3)
    assert at_k.overall.results.items[F].withheld == WITHHELD_FEW  # two scores
    assert all(s.results is None for s in at_k.sectors)  # no sector has 3 people


def group(n, count=None):
    """A group of ``n`` respondents whose one statement has ``count`` scores (all of them)."""
    figure = Figure(Fraction(3), n if count is None else count)
    return GroupResults(respondents=n, areas={}, items={P: figure})


def test_a_lone_small_sector_takes_the_next_smallest_with_it():
    results = RoundResults(overall=group(8), sectors={"a": group(3), "b": group(4), "c": group(1)})
    shown = {s.key: s.reason for s in disclose(results, 3).sectors}
    assert shown == {"a": WITHHELD_COMPLEMENT, "b": "", "c": WITHHELD_FEW}
    # Small sectors that add up to the threshold hide each other: nothing more is withheld.
    results = RoundResults(
        overall=group(10), sectors={"a": group(3), "b": group(4), "c": group(1), "d": group(2)}
    )
    shown = {s.key: s.reason for s in disclose(results, 3).sectors}
    assert shown == {"a": "", "b": "", "c": WITHHELD_FEW, "d": WITHHELD_FEW}


def test_a_figure_of_few_scores_in_a_shown_sector_is_withheld_with_its_complement():
    # Everyone: 9 scores; a: 5 of 5; b: 4 of 7 (three did not know) — b could be worked out
    # from everyone and a, so a's figure goes too.
    results = RoundResults(overall=group(12, 9), sectors={"a": group(5, 5), "b": group(7, 4)})
    disclosed = disclose(results, 5)
    sectors = {s.key: s.results.items[P] for s in disclosed.sectors}
    assert sectors["a"].withheld == WITHHELD_COMPLEMENT
    assert sectors["b"].withheld == WITHHELD_FEW
    assert disclosed.overall.results.items[P].mean == 3


def test_comparison_gives_the_change_of_each_mean_and_the_respondents_of_each_round():
    later = [
        Sheet("education", {P: 4, G: 5, F: 4, V: 3}),
        Sheet("education", {P: 4, G: 3, F: 4, V: 3}),
        Sheet("health", {P: 5, G: 4, F: None, V: 4}),
    ]
    # Threshold 1: every figure shown, to check the arithmetic alone.
    before = disclose(analyse(SHEETS, FIVE_CONDITIONS), 1).overall
    after = disclose(analyse(later, FIVE_CONDITIONS), 1).overall
    comparison = compare(before, after, FIVE_CONDITIONS)
    assert (comparison.respondents_before, comparison.respondents_after) == (4, 3)
    changes = {c.code: c.change for c in comparison.items}
    assert changes[P] == Fraction(13, 3) - Fraction(11, 3) == Fraction(2, 3)
    assert changes[G] == Fraction(4) - Fraction(14, 3) == Fraction(-2, 3)
    assert changes[F] == Fraction(4) - Fraction(7, 2) == Fraction(1, 2)
    assert changes[V] == Fraction(10, 3) - 2 == Fraction(4, 3)
    assert changes["shared_measurement.use"] is None  # rated in neither round
    # Person scores: (4+5+4+3)/4 = 4, (4+3+4+3)/4 = 3.5, (5+4+4)/3 = 13/3; mean 71/18.
    area = next(c for c in comparison.areas if c.code == "common_agenda")
    assert area.after.mean == Fraction(71, 18)
    assert area.change == Fraction(71, 18) - 4 == Fraction(-1, 18)


def test_no_change_where_either_round_is_withheld():
    before = disclose(analyse(SHEETS, FIVE_CONDITIONS), 10).overall
    after = disclose(analyse(SHEETS, FIVE_CONDITIONS), 2).overall
    comparison = compare(before, after, FIVE_CONDITIONS)
    assert all(c.before is None and c.change is None for c in comparison.items)
    assert comparison.respondents_before == 4


def test_stage_reached_needs_every_earlier_stage_met():
    statuses = {b.code: "met" for b in STAGES[0].benchmarks}
    statuses |= {b.code: "met" for b in STAGES[2].benchmarks}  # sustaining, but not emerging
    statuses[STAGES[1].benchmarks[0].code] = "in_progress"
    progress = stage_progress(STAGES, statuses)
    assert [(p.stage, p.met, p.in_progress, p.total) for p in progress[:3]] == [
        ("exploring", 5, 0, 5),
        ("emerging", 0, 1, 5),
        ("sustaining", 5, 0, 5),
    ]
    assert stage_reached(progress) == "exploring"
    assert stage_reached(stage_progress(STAGES, {})) is None
