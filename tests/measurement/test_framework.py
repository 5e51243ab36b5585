"""Framework files (docs/framework-file.md): loading, exporting, refusing broken files whole."""

import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commonground.core import audit
from commonground.core.models import AuditEvent
from commonground.initiatives.models import Initiative, Organization, Partnership, WorkingGroup
from commonground.measurement.framework import (
    FrameworkError,
    export_framework,
    load_framework_file,
    load_framework_text,
)
from commonground.measurement.models import (
    DataValue,
    DimensionValue,
    Indicator,
    ReportingAssignment,
    Submission,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "frameworks"
FULL_PATH = FIXTURES / "full.yaml"
FULL = FULL_PATH.read_text(encoding="utf-8")
FULL_OBJECTS = 25  # 1 initiative, 3 organizations, 3 partnerships, 2 dimensions, 6 values,
# 2 working groups, 5 indicators, 3 assignments
HYPOTHESIS = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def dump_database() -> dict:
    """Every row of every model (many-to-many tables included) that loading may touch."""
    dump = {}
    for label in ("core", "initiatives", "measurement"):
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            dump[model._meta.label] = list(model.objects.order_by("pk").values())
    return dump


def line_of(text: str, fragment: str, *, last=False) -> int:
    """The number of the first (or last) line containing ``fragment``."""
    numbers = [n for n, line in enumerate(text.splitlines(), 1) if fragment in line]
    return numbers[-1] if last else numbers[0]


def replaced(old: str, new: str, text: str = FULL) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


@pytest.fixture
def loaded(db):
    return load_framework_text(FULL, source="full.yaml")


@pytest.fixture
def rollback():
    """Run a block in a savepoint that is rolled back: a fresh database for each example."""

    class Rollback:
        def __enter__(self):
            self.atomic = transaction.atomic()
            self.atomic.__enter__()

        def __exit__(self, *exc):
            transaction.set_rollback(True)
            return self.atomic.__exit__(*exc)

    return Rollback


# A valid file loads, every field ----------------------------------------------------------------


def test_full_example_sets_every_field(loaded):
    assert (
        loaded.summary()
        == f"Loaded cradle-to-career: {FULL_OBJECTS} created, 0 updated, 0 unchanged"
    )
    initiative = loaded.initiative
    assert (initiative.name, initiative.stage, initiative.is_public) == (
        "Cradle to Career",
        "emerging",
        True,
    )
    assert initiative.description == "Every child, cradle to career.\nTwo lines of text.\n"
    assert (initiative.fiscal_year_start_month, initiative.school_year_start_month) == (10, 8)
    assert (initiative.suppression_threshold, initiative.backbone_budget) == (11, 1500000)

    acps = Partnership.objects.get(initiative=initiative, code="acps")
    assert acps.organization.name == "Albemarle County Public Schools"
    assert acps.organization.annual_budget == Decimal("250000000.50")
    assert acps.organization.website == "https://www.k12albemarle.org"
    assert str(acps.joined_on) == "2019-08-01"
    ccs = Partnership.objects.get(initiative=initiative, code="ccs")
    assert (ccs.status, str(ccs.left_on)) == ("paused", "2024-06-30")

    place = {v.code: v for v in DimensionValue.objects.filter(dimension__code="place")}
    assert place["cville"].parent == place["va"] and place["va"].parent is None
    assert [place[c].sort_order for c in ("cville", "albemarle", "va")] == [0, 5, 2]

    literacy = WorkingGroup.objects.get(initiative=initiative, code="early-literacy")
    assert sorted(literacy.partnerships.values_list("code", flat=True)) == ["acps", "ccs"]
    assert list(literacy.shared_measures.values_list("code", flat=True)) == ["grade3_reading"]
    assert WorkingGroup.objects.get(code="steering").kind == "steering_committee"

    grad = Indicator.objects.get(initiative=initiative, code="grad_rate")
    assert (grad.value_type, grad.aggregation, grad.frequency) == (
        "rate",
        "ratio_of_sums",
        "school_year",
    )
    assert (grad.scale_factor, grad.decimals, grad.is_published) == (100, 2, True)
    assert (grad.breakdown_complete, grad.owner_group) == (True, literacy)
    assert (grad.baseline_period, grad.baseline_value) == ("SY2008-09", Decimal("85.1"))
    assert (grad.min_value, grad.max_value) == (0, 100)
    assert sorted(grad.dimensions.values_list("code", flat=True)) == ["place", "race"]
    assert sorted((t.period, t.cell, t.value) for t in grad.targets.all()) == [
        ("SY2029-30", "", Decimal("95")),
        ("SY2029-30", "place=cville;race=black", Decimal("0.125")),
        ("SY2029-30", "race=black", Decimal("92.5")),
    ]
    assert [(b.period, b.note) for b in grad.breaks.all()] == [
        ("SY2019-20", "Tests not given during school closures")
    ]
    reading = Indicator.objects.get(code="grade3_reading")
    assert (reading.role, reading.predicts, reading.performance_kind) == (
        "contributing",
        grad,
        "better_off",
    )
    assert (reading.baseline_period, reading.baseline_value, reading.sort_order) == (
        "FY2015",
        None,
        7,
    )
    tutoring = Indicator.objects.get(code="tutoring_hours")
    assert (tutoring.cumulative, tutoring.min_value, tutoring.sort_order) == (
        True,
        Decimal("-1.5"),
        2,
    )
    deadlines = dict(ReportingAssignment.objects.values_list("partnership__code", "deadline_days"))
    assert deadlines == {"acps": 60, "ccs": 30, "uwgc": 0}


def test_the_example_in_the_documentation_loads_and_round_trips(db):
    doc = (Path(__file__).resolve().parents[2] / "docs" / "framework-file.md").read_text()
    example = doc.split("```yaml\n", 1)[1].split("```", 1)[0]
    result = load_framework_text(example, source="framework-file.md")
    assert result.counts["indicator"]["created"] == 1
    exported = export_framework(result.initiative)
    assert not load_framework_text(exported).changed


def test_each_created_object_is_audited_with_its_actor(db):
    user = get_user_model().objects.create_user("loader", password="x")
    result = load_framework_text(FULL, actor=user)
    events = AuditEvent.objects.filter(initiative=result.initiative)
    assert events.count() == FULL_OBJECTS
    assert set(events.values_list("actor", flat=True)) == {user.pk}
    event = events.get(action="framework.indicator.created", object_label="On-time graduation rate")
    assert event.before is None
    assert event.after["targets"][0] == ["SY2029-30", "", "95"]


def test_loading_twice_changes_nothing(loaded):
    before = dump_database()
    again = load_framework_text(FULL, source="full.yaml")
    assert (
        again.summary()
        == f"Loaded cradle-to-career: 0 created, 0 updated, {FULL_OBJECTS} unchanged"
    )
    assert dump_database() == before  # no row changed, no audit event written


def test_a_change_updates_only_that_object_and_audits_it(loaded):
    events = AuditEvent.objects.count()
    result = load_framework_text(replaced("decimals: 2", "decimals: 3"))
    assert (result.created, result.updated) == (0, 1)
    assert AuditEvent.objects.count() == events + 1
    event = AuditEvent.objects.get(action="framework.indicator.updated")
    assert (event.before["decimals"], event.after["decimals"]) == (2, 3)


def test_lists_inside_objects_are_replaced_and_nothing_is_deleted(loaded):
    text = replaced(
        "      - {period: SY2029-30, cell: {race: black}, value: 92.5}\n"
        "      - {period: SY2029-30, cell: {race: black, place: cville}, value: 0.125}\n",
        "",
    )
    text = replaced("dimensions: [race, place]", "dimensions: [race]", text)
    text = replaced("members: [acps, ccs]", "members: [ccs]", text)
    start, end = text.index("  - code: kinder_ready"), text.index("assignments:")
    text = text[:start] + text[end:]  # an indicator left out of the file
    load_framework_text(text)
    grad = Indicator.objects.get(code="grad_rate")
    assert [t.cell for t in grad.targets.all()] == [""]
    assert list(grad.dimensions.values_list("code", flat=True)) == ["race"]
    literacy = WorkingGroup.objects.get(code="early-literacy")
    assert list(literacy.partnerships.values_list("code", flat=True)) == ["ccs"]
    assert Indicator.objects.filter(code="kinder_ready").exists()


def test_an_organization_is_shared_between_initiatives(loaded):
    other = (
        "version: 1\n"
        "initiative: {slug: other, name: Other}\n"
        "partners:\n"
        "  - {code: schools, name: Albemarle County Public Schools, sector: education,"
        " annual_budget: 250000000.5, website: 'https://www.k12albemarle.org',"
        " description: The county's public schools.}\n"
    )
    result = load_framework_text(other)
    assert result.counts["organization"]["unchanged"] == 1
    assert (
        Organization.objects.get(name="Albemarle County Public Schools").partnerships.count() == 2
    )


# Export ---------------------------------------------------------------------------------------


def test_export_writes_plain_numbers_and_only_what_is_set(loaded):
    text = export_framework(loaded.initiative)
    assert "scale_factor: 100\n" in text
    assert "annual_budget: 250000000.5\n" in text
    assert "{period: SY2029-30, cell: {place: cville, race: black}, value: 0.125}" in text
    assert "{period: SY2008-09, value: 85.1}" in text
    assert "min_value: -1.5\n" in text
    assert "E+" not in text
    assert not re.search(r"\d\.\d*0(?=[,}\s])", text)  # no trailing zeros such as 85.100000
    assert "polarity: higher_better" not in text  # the default is left out
    assert yaml.safe_load(text)["version"] == 1


def test_export_then_load_into_the_same_database_changes_nothing(loaded):
    text = export_framework(loaded.initiative)
    before = dump_database()
    result = load_framework_text(text, source="export.yaml")
    assert not result.changed
    assert dump_database() == before


def test_export_load_into_an_empty_database_and_export_again_gives_the_same_text(db, rollback):
    with rollback():
        first = export_framework(load_framework_text(FULL).initiative)
    assert not Initiative.objects.exists()
    second = export_framework(load_framework_text(first).initiative)
    assert second == first


# Broken files: one line naming line and field, and the database unchanged ----------------------

BROKEN = [
    # (id, old text of full.yaml, new text, a fragment of the line named, "path: reason")
    (
        "missing required field",
        "    value_type: amount\n",
        "",
        "code: tutoring_hours",
        "indicators[2].value_type: is required",
    ),
    (
        "unknown dimension",
        "dimensions: [race, place]",
        "dimensions: [race, sex]",
        "dimensions: [race, sex]",
        "indicators[0].dimensions[1]: 'sex' is not a dimension defined in this file",
    ),
    (
        "duplicate indicator code",
        "code: kinder_ready",
        "code: grad_rate",
        "code: grad_rate",  # the second occurrence
        "indicators[4].code: 'grad_rate' is listed twice (see line 67)",
    ),
    (
        "wrong type",
        "decimals: 2",
        "decimals: many",
        "decimals: many",
        "indicators[0].decimals: must be a whole number, not 'many'",
    ),
    (
        "bad enum value",
        "aggregation: weighted_mean",
        "aggregation: avg",
        "aggregation: avg",
        "indicators[1].aggregation: 'avg' is not one of sum, ratio_of_sums, weighted_mean, "
        "latest, max, min, none",
    ),
    (
        "bad period for the frequency",
        "{period: FY2025, value: 80}",
        "{period: 2025Q1, value: 80}",
        "2025Q1",
        "indicators[1].targets[0].period: '2025Q1' is a quarter period; this indicator is "
        "reported by fiscal year",
    ),
    (
        "unknown key",
        "    decimals: 0\n",
        "    decimls: 0\n",
        "decimls",
        "indicators[2].decimls: unknown key 'decimls' (did you mean 'decimals'?)",
    ),
    (
        "cell value not of the dimension",
        "cell: {race: black}",
        "cell: {race: purple}",
        "purple",
        "indicators[0].targets[1].cell.race: 'purple' is not a value of the dimension 'race'",
    ),
    (
        "cell outside the indicator's dimensions",
        "{period: FY2025, value: 80}",
        "{period: FY2025, cell: {race: black}, value: 80}",
        "FY2025",
        "indicators[1].targets[0].cell.race: the indicator is not broken down by 'race'",
    ),
    (
        "unknown partner in a working group",
        "members: [acps, ccs]",
        "members: [acps, nobody]",
        "nobody",
        "working_groups[0].members[1]: 'nobody' is not a partner defined in this file",
    ),
    (
        "unknown shared measure",
        "shared_measures: [grade3_reading]",
        "shared_measures: [grade4_reading]",
        "grade4_reading",
        "working_groups[0].shared_measures[0]: 'grade4_reading' is not an indicator defined "
        "in this file",
    ),
    (
        "predicts a contributing indicator",
        "    role: core\n",
        "    role: contributing\n",
        "predicts: grad_rate",
        "indicators[1].predicts: 'grad_rate' is not a core indicator",
    ),
    (
        "month out of range",
        "fiscal_year_start_month: 10",
        "fiscal_year_start_month: 13",
        "fiscal_year_start_month",
        "initiative.fiscal_year_start_month: must be between 1 and 12",
    ),
    (
        "negative deadline",
        "deadline_days: 0",
        "deadline_days: -3",
        "deadline_days: -3",
        "assignments[2].deadline_days: must be at least 0",
    ),
    (
        "negative budget",
        "backbone_budget: 1500000",
        "backbone_budget: -1",
        "backbone_budget",
        "initiative.backbone_budget: must be at least 0",
    ),
    (
        "too many decimal places",
        "value: 0.125}",
        "value: 0.1234567}",
        "0.1234567",
        "indicators[0].targets[2].value: has more than 6 decimal places",
    ),
    (
        "parent of another dimension",
        "{code: va, name: Virginia}",
        "{code: va, name: Virginia, parent: black}",
        "parent: black",
        "dimensions[1].values[2].parent: 'black' is not a value of this dimension",
    ),
    (
        "bad slug",
        "code: early-literacy",
        "code: early literacy",
        "code: early literacy",
        "working_groups[0].code: 'early literacy' is not a code (use letters, digits, '-' and "
        "'_' only)",
    ),
    (
        "key written twice",
        "    decimals: 0\n",
        "    decimals: 0\n    decimals: 1\n",
        "decimals: 1",
        "indicators[2].decimals: appears twice (see line 120)",
    ),
    (
        "yaml syntax error",
        "  - code: race\n",
        "  - code: race\n   oops: [\n",
        "oops",
        "not valid YAML: expected <block end>, but found '<block mapping start>'",
    ),
]


@pytest.mark.parametrize(
    ("old", "new", "anchor", "expected"), [b[1:] for b in BROKEN], ids=[b[0] for b in BROKEN]
)
def test_a_broken_file_is_refused_whole_after_a_successful_load(loaded, old, new, anchor, expected):
    text = replaced(old, new)
    line = line_of(text, anchor, last=True)
    before = dump_database()
    with pytest.raises(FrameworkError) as caught:
        load_framework_text(text, source="broken.yaml")
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"broken.yaml:{line}: {expected}"), message
    assert dump_database() == before


@pytest.mark.parametrize(
    ("old", "new", "anchor", "expected"),
    [b[1:] for b in BROKEN[:3]],
    ids=[b[0] for b in BROKEN[:3]],
)
def test_a_broken_file_leaves_an_empty_database_empty(db, old, new, anchor, expected):
    before = dump_database()
    with pytest.raises(FrameworkError, match=re.escape(expected)):
        load_framework_text(replaced(old, new), source="broken.yaml")
    assert dump_database() == before


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "empty.yaml:1: the file is empty"),
        ("# only a comment\n", "empty.yaml:1: the file is empty"),
        ("- a list\n", "empty.yaml:1: must be a mapping (key: value), not a list"),
        ("version: 1\n", "empty.yaml:1: initiative: is required"),
        (
            "version: 1\ninitiative: {slug: a, name: A}\n---\n",
            "empty.yaml:3: not valid YAML: "
            "expected a single document in the stream, but found another document",
        ),
        (
            "version: 2\ninitiative: {slug: a, name: A}\n",
            "empty.yaml:1: version: 2 is not supported (this Commonground reads version 1)",
        ),
    ],
)
def test_files_without_a_framework_are_refused(db, text, expected):
    with pytest.raises(FrameworkError) as caught:
        load_framework_text(text, source="empty.yaml")
    assert str(caught.value) == expected
    assert not Initiative.objects.exists()


def test_a_multi_line_value_still_gives_a_one_line_message(db):
    with pytest.raises(FrameworkError) as caught:
        load_framework_text(replaced("stage: emerging", "stage: |\n    big\n    small"))
    line = line_of(FULL, "stage:")
    assert str(caught.value) == (
        f"framework.yaml:{line}: initiative.stage: 'big\\nsmall\\n' is not one of exploring, "
        "emerging, sustaining, systems_change, proof_point"
    )


def test_several_problems_are_counted_in_the_one_line(db):
    text = replaced("decimals: 2", "decimals: many")
    text = replaced("aggregation: weighted_mean", "aggregation: avg", text)
    with pytest.raises(FrameworkError) as caught:
        load_framework_text(text, source="x.yaml")
    assert str(caught.value).endswith("(and 1 more problem)")
    assert len(caught.value.problems) == 2


def test_a_second_load_failing_late_in_validation_keeps_the_first_load(loaded):
    # Valid changes early in the file, an unknown partner in the last assignment.
    text = replaced("name: Cradle to Career", "name: Renamed")
    text = replaced("stage: emerging", "stage: sustaining", text)
    text = replaced(
        "{indicator: tutoring_hours, partner: uwgc",
        "{indicator: tutoring_hours, partner: nobody",
        text,
    )
    before = dump_database()
    with pytest.raises(FrameworkError, match=r"assignments\[2\]\.partner: 'nobody'"):
        load_framework_text(text)
    assert dump_database() == before


def test_a_failure_while_writing_rolls_everything_back(loaded, monkeypatch):
    text = replaced("name: Cradle to Career", "name: Renamed")
    text = replaced("decimals: 2", "decimals: 3", text)
    before = dump_database()
    monkeypatch.setattr(audit, "record", _fail_on_second_call())
    with pytest.raises(RuntimeError):
        load_framework_text(text)
    assert dump_database() == before


def _fail_on_second_call():
    calls, real = [], audit.record

    def record(**kwargs):
        calls.append(kwargs)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real(**kwargs)

    return record


def test_an_organization_already_partnering_under_another_code_is_refused(loaded):
    text = replaced(
        "  - code: uwgc\n    name: United Way of Greater Charlottesville",
        "  - code: uwgc\n    name: Charlottesville City Schools",
    )
    text = replaced("    name: Charlottesville City Schools", "    name: CCS Renamed", text)
    before = dump_database()
    with pytest.raises(FrameworkError) as caught:
        load_framework_text(text, source="x.yaml")
    assert (
        "partners[2].name: 'Charlottesville City Schools' already takes part in this "
        "initiative as partner 'ccs'" in str(caught.value)
    )
    assert dump_database() == before


def test_reported_data_fixes_frequency_and_used_dimensions(loaded):
    grad = Indicator.objects.get(code="grad_rate")
    partnership = Partnership.objects.get(code="acps")
    submission = Submission.objects.create(partnership=partnership, period="SY2020-21")
    DataValue.objects.create(
        submission=submission,
        indicator=grad,
        partnership=partnership,
        period="SY2020-21",
        cell="race=black",
        value=1,
    )
    text = replaced("dimensions: [race, place]", "dimensions: [place]")
    text = text.replace("cell: {race: black}, ", "").replace("race: black, ", "")
    text = replaced("SY2029-30, value: 95}", "SY2029-30, value: 95, cell: {place: va}}", text)
    with pytest.raises(FrameworkError, match=r"indicators\[0\]\.dimensions: 'race' cannot be "):
        load_framework_text(text)
    frequency = replaced("frequency: school_year", "frequency: annual")
    frequency = frequency.replace("SY2008-09", "2008").replace("SY2029-30", "2030")
    frequency = frequency.replace("SY2019-20", "2020")
    with pytest.raises(FrameworkError, match=r"indicators\[0\]\.frequency: cannot change"):
        load_framework_text(frequency)


# Properties ------------------------------------------------------------------------------------

FULL_DATA = yaml.safe_load(FULL)
INDICATOR_CODES = [indicator["code"] for indicator in FULL_DATA["indicators"]]


def framework_with(codes: list[str]) -> str:
    """The full example with only the indicators ``codes``, in that order, and no sort_order."""
    data = yaml.safe_load(FULL)
    by_code = {indicator["code"]: indicator for indicator in data["indicators"]}
    data["indicators"] = [by_code[code] for code in codes]
    for indicator in data["indicators"]:
        indicator.pop("sort_order", None)
        if indicator.get("predicts") not in codes:
            indicator.pop("predicts", None)
    for group in data["working_groups"]:
        group["shared_measures"] = [c for c in group.get("shared_measures", []) if c in codes]
    data["assignments"] = [a for a in data["assignments"] if a["indicator"] in codes]
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


@HYPOTHESIS
@given(codes=st.lists(st.sampled_from(INDICATOR_CODES), unique=True))
def test_any_subset_of_indicators_in_any_order_round_trips(db, rollback, codes):
    with rollback():
        exported = export_framework(load_framework_text(framework_with(codes)).initiative)
        assert [i["code"] for i in yaml.safe_load(exported).get("indicators", [])] == codes
        assert not load_framework_text(exported).changed
    with rollback():
        assert export_framework(load_framework_text(exported).initiative) == exported


NUMBERS = st.builds(
    lambda digits, places: Decimal(digits).scaleb(-places),
    st.integers(-(10**14) + 1, 10**14 - 1),
    st.integers(0, 6),
).filter(lambda d: len(d.normalize().as_tuple().digits) <= 15)


@HYPOTHESIS
@given(value=NUMBERS, quoted=st.booleans())
def test_numbers_round_trip_exactly(db, rollback, value, quoted):
    written = f"'{value}'" if quoted else str(value)
    text = replaced("{period: FY2025, value: 80}", f"{{period: FY2025, value: {written}}}")
    with rollback():
        initiative = load_framework_text(text).initiative
        assert Indicator.objects.get(code="grade3_reading").targets.get().value == value
        exported = export_framework(initiative)
        plain = format(value.normalize(), "f")  # 100 and 0.5, never 1E+2 or 0.500000
        assert f"{{period: FY2025, value: {plain}}}" in exported
        assert not load_framework_text(exported).changed
        assert export_framework(initiative) == exported


TEXTS = st.text(
    st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")) | st.just("\n"), max_size=60
)


@HYPOTHESIS
@given(description=TEXTS, name=TEXTS.filter(lambda t: t.strip() and "\n" not in t))
def test_any_text_round_trips(db, rollback, description, name):
    document = yaml.safe_load(FULL)
    document["initiative"]["description"] = description
    document["indicators"][0]["name"] = name
    with rollback():
        initiative = load_framework_text(yaml.safe_dump(document, allow_unicode=True)).initiative
        assert initiative.description == description
        exported = export_framework(initiative)
        assert not load_framework_text(exported).changed
        reloaded = Initiative.objects.get(slug="cradle-to-career")
        assert reloaded.description == description
        assert Indicator.objects.get(code="grad_rate").name == name


# Management commands ---------------------------------------------------------------------------


def test_load_framework_command_prints_the_summary(db):
    out = io.StringIO()
    call_command("load_framework", str(FULL_PATH), stdout=out)
    assert out.getvalue() == (
        f"Loaded cradle-to-career: {FULL_OBJECTS} created, 0 updated, 0 unchanged\n"
    )
    out = io.StringIO()
    call_command("load_framework", str(FULL_PATH), stdout=out, verbosity=2)
    assert "indicator: 0 created, 0 updated, 5 unchanged" in out.getvalue()


def test_load_framework_command_fails_with_one_line_on_a_broken_file(db, tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text(replaced("decimals: 2", "decimals: many"), encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        call_command("load_framework", str(broken))
    line = line_of(broken.read_text(), "decimals: many")
    assert str(caught.value) == (
        f"{broken}:{line}: indicators[0].decimals: must be a whole number, not 'many'"
    )
    assert not Initiative.objects.exists()


def test_load_framework_command_fails_on_a_missing_or_non_utf8_file(db, tmp_path):
    with pytest.raises(CommandError, match="cannot read the file"):
        call_command("load_framework", str(tmp_path / "missing.yaml"))
    latin = tmp_path / "latin.yaml"
    latin.write_bytes(b"version: 1\ninitiative: {slug: a, name: Caf\xe9}\n")
    with pytest.raises(CommandError, match=r"latin\.yaml:2: the file is not UTF-8 text"):
        call_command("load_framework", str(latin))


def test_load_framework_file_accepts_a_byte_order_mark(db, tmp_path):
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + FULL.encode())
    assert load_framework_file(path).created == FULL_OBJECTS


def test_export_framework_command_writes_stdout_or_a_file(loaded, tmp_path):
    out = io.StringIO()
    call_command("export_framework", "--initiative", "cradle-to-career", stdout=out)
    assert out.getvalue() == export_framework(loaded.initiative)
    target = tmp_path / "out.yaml"
    call_command(
        "export_framework",
        "--initiative",
        "cradle-to-career",
        "--output",
        str(target),
        stderr=io.StringIO(),
    )
    assert target.read_text(encoding="utf-8") == out.getvalue()


def test_export_framework_command_refuses_an_unknown_slug(db):
    with pytest.raises(CommandError, match="no initiative with the slug 'nope'"):
        call_command("export_framework", "--initiative", "nope")
