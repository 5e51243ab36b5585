"""Goals and strategies in the framework file (docs/framework-file.md): loading, idempotence,
round trips, problems named by line and field, and the lock while the agenda is adopted."""

import pytest
from django.apps import apps
from django.db import transaction

from commonground.action.agenda import services
from commonground.action.models import Goal, Strategy
from commonground.core.errors import DomainError
from commonground.core.models import AuditEvent
from commonground.initiatives.models import Initiative
from commonground.measurement.framework import (
    FrameworkError,
    export_framework,
    load_framework_text,
)
from commonground.measurement.services.registry import import_framework

FILE = """\
version: 1
initiative: {slug: alpha, name: Alpha Cradle to Career, is_public: true}
indicators:
  - {code: reading, name: Grade 3 reading, value_type: count, aggregation: sum, frequency: annual}
  - {code: absence, name: Chronic absence, value_type: count, aggregation: sum, frequency: annual}
goals:
  - code: read
    title: Every child reads by grade 3
    description: |
      Reading by the end of grade 3 predicts graduation.
      So we start early.
    indicators: [reading]
    strategies:
      - code: tutors
        title: Reading tutors in every K-3 classroom
        indicators: [reading]
      - {code: summer, title: Summer reading camps, sort_order: 5}
  - code: attend
    title: Cut chronic absence by a quarter
    horizon: short_term
    indicators: [absence]
  - code: old
    title: An old goal
    retired: true
    strategies:
      - {code: old-way, title: The old way, retired: true}
"""


def line_of(text: str, fragment: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if fragment in line)


def agenda_rows() -> dict:
    rows = {}
    for model in apps.get_app_config("action").get_models(include_auto_created=True):
        rows[model._meta.label] = list(model.objects.order_by("pk").values())
    return rows


@pytest.fixture
def loaded(db):
    return load_framework_text(FILE, source="alpha.yaml")


def test_goals_and_strategies_load_with_every_field(loaded):
    read = Goal.objects.get(code="read")
    assert (read.title, read.horizon, read.sort_order, read.is_retired) == (
        "Every child reads by grade 3",
        "long_term",
        0,
        False,
    )
    assert read.description.startswith("Reading by the end of grade 3")
    assert list(read.indicators.values_list("code", flat=True)) == ["reading"]
    assert Goal.objects.get(code="attend").horizon == "short_term"
    summer = Strategy.objects.get(code="summer")
    assert (summer.goal, summer.sort_order) == (read, 5)
    assert Strategy.objects.get(code="old-way").is_retired
    assert loaded.counts["goal"]["created"] == 3 and loaded.counts["strategy"]["created"] == 3
    assert AuditEvent.objects.filter(action="framework.goal.created").count() == 3


def test_loading_twice_changes_nothing(loaded):
    before = agenda_rows()
    events = AuditEvent.objects.count()
    again = load_framework_text(FILE)
    assert not again.changed
    assert agenda_rows() == before and AuditEvent.objects.count() == events


def test_a_changed_goal_is_updated_and_audited(loaded):
    result = load_framework_text(FILE.replace("indicators: [absence]", "indicators: []"))
    assert result.counts["goal"]["updated"] == 1
    event = AuditEvent.objects.get(action="framework.goal.updated")
    assert (event.before["indicators"], event.after["indicators"]) == (["absence"], [])


def test_a_strategy_written_under_another_goal_moves_there(loaded):
    text = FILE.replace(
        "      - {code: summer, title: Summer reading camps, sort_order: 5}\n", ""
    ).replace(
        "    indicators: [absence]\n",
        "    indicators: [absence]\n    strategies:\n      - {code: summer, title: Summer camps}\n",
    )
    load_framework_text(text)
    assert Strategy.objects.get(code="summer").goal.code == "attend"


def test_export_then_load_changes_nothing(loaded):
    text = export_framework(loaded.initiative)
    assert "goals:\n  - code: read\n" in text
    assert "horizon: short_term" in text and "horizon: long_term" not in text
    assert "retired: true" in text and "sort_order: 5" in text
    assert not load_framework_text(text).changed


def test_loading_an_export_into_an_empty_database_gives_the_same_text(db):
    with transaction.atomic():
        first = export_framework(load_framework_text(FILE).initiative)
        transaction.set_rollback(True)
    assert not Initiative.objects.exists()
    assert export_framework(load_framework_text(first).initiative) == first


def test_goals_added_in_the_app_round_trip(world):
    from tests.action.agenda.agenda_world import agenda

    agenda(world)
    text = export_framework(world.alpha)
    assert "  - code: attend\n    title: Cut chronic absence by a quarter\n" in text
    assert not load_framework_text(text).changed


BROKEN = [
    (
        "indicators: [reading]\n    strategies",
        "indicators: [nope]\n    strategies",
        "indicators: [nope]",
        "goals[0].indicators[0]: 'nope' is not an indicator defined in this file",
    ),
    (
        "{code: summer, title: Summer reading camps, sort_order: 5}",
        "{code: tutors, title: Again}",
        "code: tutors, title: Again",
        "goals[0].strategies[1].code: 'tutors' is listed twice (see line 14)",
    ),
    (
        "{code: old-way, title: The old way, retired: true}",
        "{code: old-way, title: The old way}",
        "code: old-way",
        "goals[2].strategies[0].retired: must be true: its goal is retired",
    ),
    (
        "    title: Cut chronic absence by a quarter\n",
        "",
        "  - code: attend",
        "goals[1].title: is required",
    ),
    (
        "horizon: short_term",
        "horizon: soon",
        "horizon: soon",
        "goals[1].horizon: 'soon' is not one of short_term, long_term",
    ),
    (
        "  - code: attend",
        "  - code: attend\n    goal: x",
        "goal: x",
        "goals[1].goal: unknown key 'goal' (expected one of code, title, horizon",
    ),
]


@pytest.mark.parametrize(("old", "new", "anchor", "expected"), BROKEN)
def test_a_broken_goal_is_named_by_line_and_field_and_nothing_is_loaded(
    db, old, new, anchor, expected
):
    text = FILE.replace(old, new, 1)
    assert text != FILE
    with pytest.raises(FrameworkError) as error:
        load_framework_text(text, source="alpha.yaml")
    assert error.value.message.startswith(f"alpha.yaml:{line_of(text, anchor)}: {expected}")
    assert not Goal.objects.exists()


def test_while_the_agenda_is_adopted_a_file_may_not_change_goals(world):
    from tests.action.agenda.agenda_world import adopt, agenda

    adopt(world, agenda(world))
    text = export_framework(world.alpha)
    assert not load_framework_text(text).changed  # the same goals: loads as usual
    changed = text.replace("title: Cut chronic absence by a quarter", "title: Cut absence")
    before = agenda_rows()
    with pytest.raises(FrameworkError) as error:
        load_framework_text(changed, source="alpha.yaml")
    line = line_of(changed, "title: Cut absence")
    assert error.value.message == (
        f"alpha.yaml:{line}: goals[1].title: cannot change now: version 1 of the common agenda "
        "is adopted; start a draft of a new version to change its goals and strategies"
    )
    added = text + "  - {code: graduate, title: Graduate on time}\n"
    with pytest.raises(FrameworkError, match=r"goals\[2\]: cannot be added now"):
        load_framework_text(added)
    assert agenda_rows() == before
    services.start_draft(actor=world.users["lead"], initiative=world.alpha)
    load_framework_text(changed)
    assert Goal.objects.get(code="attend").title == "Cut absence"


def test_a_data_manager_may_not_change_goals_through_a_file(world):
    text = FILE.replace("is_public: true}", "is_public: true, issue_area: Education}")
    with pytest.raises(DomainError) as error:
        import_framework(actor=world.users["data_manager"], initiative=world.alpha, text=text)
    assert error.value.code == "beyond_registry"
    assert "(goal, strategy)" in error.value.message
    assert not Goal.objects.exists()
    import_framework(actor=world.users["lead"], initiative=world.alpha, text=text)
    assert Goal.objects.filter(initiative=world.alpha).count() == 3
