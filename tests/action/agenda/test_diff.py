"""The difference between two versions, worked out by hand on small documents."""

from commonground.action.agenda.content import TEXT_FIELDS, AgendaDocument
from commonground.action.agenda.diff import compare, diff_text
from commonground.action.models import AgendaVersion


def kinds(lines):
    return [(line.kind, line.text) for line in lines]


def test_unchanged_lines_are_kept_and_blank_lines_left_out():
    assert kinds(diff_text("One.\n\nTwo.", "One.\nTwo.\n")) == [("same", "One."), ("same", "Two.")]


def test_a_reworded_line_shows_the_words_taken_out_and_put_in():
    [line] = diff_text("Every child succeeds.", "Every child thrives.")
    assert line.kind == "changed"
    assert line.words == [
        ("same", "Every child "),
        ("removed", "succeeds."),
        ("added", "thrives."),
    ]


def test_unrelated_lines_are_one_removed_and_one_added():
    lines = diff_text("Alpha beta gamma.\nKeep.", "Something else entirely!\nKeep.\nNew line.")
    assert kinds(lines) == [
        ("removed", "Alpha beta gamma."),
        ("added", "Something else entirely!"),
        ("same", "Keep."),
        ("added", "New line."),
    ]


def document(goals, **texts):
    version = AgendaVersion(number=1, status=AgendaVersion.Status.ADOPTED)
    return AgendaDocument(version, {name: texts.get(name, "") for name in TEXT_FIELDS}, goals)


def goal(code, title, strategies=(), horizon="long_term", indicators=(), description=""):
    return {
        "code": code,
        "title": title,
        "horizon": horizon,
        "description": description,
        "indicators": list(indicators),
        "strategies": list(strategies),
    }


def strategy(code, title, indicators=()):
    return {"code": code, "title": title, "description": "", "indicators": list(indicators)}


def test_goals_and_strategies_are_matched_by_code():
    old = document(
        [
            goal(
                "read", "Read", [strategy("tutors", "Tutors", ["reading"])], indicators=["reading"]
            ),
            goal("attend", "Attend", [strategy("nudges", "Nudges")]),
        ],
        vision="Every child succeeds.",
    )
    new = document(
        [
            goal("read", "Read well", horizon="short_term", indicators=["reading", "math"]),
            goal("graduate", "Graduate", [strategy("tutors", "Tutors", [])]),
        ],
        vision="Every child succeeds.",
    )
    diff = compare(old, new, {"reading": "Grade 3 reading", "math": "Grade 3 math"})
    assert [t.changed for t in diff.texts] == [False, False, False, False]
    assert [g["code"] for g in diff.goals.added] == ["graduate"]
    assert [g["code"] for g in diff.goals.removed] == ["attend"]
    [read] = diff.goals.changed
    assert [(c.label, c.old, c.new) for c in read.changes] == [
        ("Title", "Read", "Read well"),
        ("Horizon", "Long-term goal", "Short-term win"),
    ]
    assert (read.indicators_added, read.indicators_removed) == (["Grade 3 math"], [])
    [tutors] = diff.strategies.changed
    assert [(c.label, c.old, c.new) for c in tutors.changes] == [
        ("Under the goal", "Read", "Graduate")
    ]
    assert tutors.indicators_removed == ["Grade 3 reading"]
    assert [s["code"] for s in diff.strategies.removed] == ["nudges"]
    assert diff.summary() == [
        "1 goal added",
        "1 goal removed",
        "1 goal changed",
        "1 strategy removed",
        "1 strategy changed",
    ]


def test_the_same_document_has_no_difference():
    same = document([goal("read", "Read", [strategy("tutors", "Tutors")])], vision="V")
    diff = compare(same, same, {})
    assert not diff.changed and diff.summary() == []
    assert (diff.goals.unchanged, diff.strategies.unchanged) == (1, 1)
