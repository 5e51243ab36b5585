"""The framework file's ``external_codes`` section: DHIS2 codes ↦ indicators, partners, cells."""

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commonground.core.models import AuditEvent
from commonground.measurement.framework import (
    FrameworkError,
    export_framework,
    load_framework_text,
)
from commonground.measurement.models import ExternalCode

pytestmark = pytest.mark.django_db

BASE = """\
version: 1
initiative: {slug: mapped, name: Mapped}
dimensions:
  - code: race
    name: Race
    values: [{code: black, name: Black}, {code: white, name: White}]
  - code: sex
    name: Sex
    values: [{code: f, name: Female}, {code: m, name: Male}]
partners:
  - {code: acps, name: Albemarle County Public Schools, sector: education}
  - {code: ccs, name: Charlottesville City Schools, sector: education}
indicators:
  - {code: grad_rate, name: Graduation, value_type: rate, aggregation: ratio_of_sums,
     frequency: annual, dimensions: [race, sex]}
  - {code: enrolled, name: Enrolled, value_type: count, aggregation: sum, frequency: annual}
"""
CODES = """\
external_codes:
  - {system: dhis2, kind: data_element, code: fbfJHSPpUQD, target: grad_rate.numerator}
  - {system: dhis2, kind: data_element, code: cYeuwXTCPkU, target: grad_rate.denominator}
  - {system: dhis2, kind: data_element, code: f7n9E0hX8qk, target: enrolled}
  - {system: dhis2, kind: org_unit, code: DiszpKrYNg8, target: acps}
  - {system: dhis2, kind: org_unit, code: FNnj3jKGS7i, target: ccs}
  - {system: dhis2, kind: category_option_combo, code: Prlt0C1RF0s, target: {sex: f, race: black}}
  - {system: dhis2, kind: category_option_combo, code: V6L425pT3A0, target: race=white}
  - {system: dhis2, kind: category_option_combo, code: bRowv6yZOF2, target: {}}
"""
FULL = BASE + CODES
LINE_OF_CODES = len(BASE.splitlines()) + 2  # the first entry


def stored() -> set[tuple[str, str, str, str]]:
    return set(ExternalCode.objects.values_list("system", "kind", "code", "target"))


def test_codes_are_loaded_with_canonical_cell_keys():
    result = load_framework_text(FULL, source="mapped.yaml")
    assert result.counts["external_code"]["created"] == 8
    assert stored() == {
        ("dhis2", "data_element", "fbfJHSPpUQD", "grad_rate.numerator"),
        ("dhis2", "data_element", "cYeuwXTCPkU", "grad_rate.denominator"),
        ("dhis2", "data_element", "f7n9E0hX8qk", "enrolled"),
        ("dhis2", "org_unit", "DiszpKrYNg8", "acps"),
        ("dhis2", "org_unit", "FNnj3jKGS7i", "ccs"),
        ("dhis2", "category_option_combo", "Prlt0C1RF0s", "race=black;sex=f"),
        ("dhis2", "category_option_combo", "V6L425pT3A0", "race=white"),
        ("dhis2", "category_option_combo", "bRowv6yZOF2", ""),
    }
    assert ExternalCode.objects.filter(initiative=result.initiative).count() == 8
    events = AuditEvent.objects.filter(action="framework.external_code.created")
    assert events.count() == 8
    assert events.filter(after__target="acps", after__code="DiszpKrYNg8").exists()


def test_loading_twice_changes_nothing_and_a_changed_target_is_updated_and_audited():
    load_framework_text(FULL)
    again = load_framework_text(FULL)
    assert not again.changed
    assert again.counts["external_code"]["unchanged"] == 8
    moved = FULL.replace("code: DiszpKrYNg8, target: acps", "code: DiszpKrYNg8, target: ccs")
    moved = moved.replace("code: FNnj3jKGS7i, target: ccs", "code: FNnj3jKGS7i, target: acps")
    result = load_framework_text(moved)
    assert result.counts["external_code"] == {"updated": 2, "unchanged": 6}
    assert ExternalCode.objects.get(code="DiszpKrYNg8").target == "ccs"
    event = AuditEvent.objects.get(
        action="framework.external_code.updated",
        object_id=ExternalCode.objects.get(code="DiszpKrYNg8").pk,
    )
    assert (event.before["target"], event.after["target"]) == ("acps", "ccs")


def test_codes_left_out_of_the_file_are_kept():
    load_framework_text(FULL)
    load_framework_text(BASE)
    assert len(stored()) == 8


def test_export_writes_the_section_and_round_trips():
    initiative = load_framework_text(FULL).initiative
    text = export_framework(initiative)
    section = text.split("external_codes:\n", 1)[1]
    assert section.splitlines() == [
        "  - {system: dhis2, kind: category_option_combo, code: Prlt0C1RF0s, target: {race: black,"
        " sex: f}}",
        "  - {system: dhis2, kind: category_option_combo, code: V6L425pT3A0, target: {race: "
        "white}}",
        "  - {system: dhis2, kind: category_option_combo, code: bRowv6yZOF2, target: {}}",
        "  - {system: dhis2, kind: data_element, code: cYeuwXTCPkU, target: grad_rate.denominator}",
        "  - {system: dhis2, kind: data_element, code: f7n9E0hX8qk, target: enrolled}",
        "  - {system: dhis2, kind: data_element, code: fbfJHSPpUQD, target: grad_rate.numerator}",
        "  - {system: dhis2, kind: org_unit, code: DiszpKrYNg8, target: acps}",
        "  - {system: dhis2, kind: org_unit, code: FNnj3jKGS7i, target: ccs}",
    ]
    assert not load_framework_text(text).changed


def test_export_into_an_empty_database_gives_the_same_text():
    with transaction.atomic():
        text = export_framework(load_framework_text(FULL).initiative)
        transaction.set_rollback(True)
    assert not ExternalCode.objects.exists()
    assert export_framework(load_framework_text(text).initiative) == text


def test_an_initiative_without_codes_exports_no_section():
    text = export_framework(load_framework_text(BASE).initiative)
    assert "external_codes" not in text


def entry(**fields) -> str:
    values = {"system": "dhis2", "kind": "org_unit", "code": "DiszpKrYNg8", "target": "acps"}
    values.update(fields)
    inner = ", ".join(f"{key}: {value}" for key, value in values.items() if value is not None)
    return BASE + "external_codes:\n  - {" + inner + "}\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (entry(system="dhsi2"), "external_codes[0].system: 'dhsi2' is not one of dhis2"),
        (entry(system=None), "external_codes[0].system: is required"),
        (
            entry(kind="indicator"),
            "external_codes[0].kind: 'indicator' is not one of data_element, org_unit, "
            "category_option_combo",
        ),
        (entry(target=None), "external_codes[0].target: is required"),
        (entry(target='""'), "external_codes[0].target: is required"),
        (entry(code='" x1"'), "external_codes[0].code: must not start or end with a space"),
        (entry(code="x" * 101), "external_codes[0].code: is longer than 100 characters"),
        (entry(colour="red"), "external_codes[0].colour: unknown key 'colour'"),
        (entry(target="cville"), "external_codes[0].target: 'cville' is not a partner defined"),
        (
            entry(kind="data_element", target="dropouts"),
            "external_codes[0].target: 'dropouts' is not an indicator defined in this file",
        ),
        (
            entry(kind="data_element", target="grad_rate"),
            "external_codes[0].target: grad_rate is a rate: map one data element to "
            "grad_rate.numerator and another to grad_rate.denominator",
        ),
        (
            entry(kind="data_element", target="enrolled.numerator"),
            "external_codes[0].target: enrolled is not a rate: it has no numerator",
        ),
        (
            entry(kind="data_element", target="grad_rate.value"),
            "external_codes[0].target: 'grad_rate.value': after the '.' write numerator or "
            "denominator",
        ),
        (
            entry(kind="category_option_combo", target="{age: old}"),
            "external_codes[0].target.age: 'age' is not a dimension defined in this file",
        ),
        (
            entry(kind="category_option_combo", target="{race: green}"),
            "external_codes[0].target.race: 'green' is not a value of the dimension 'race'",
        ),
        (
            entry(kind="category_option_combo", target="race=green"),
            "external_codes[0].target: 'green' is not a value of the dimension 'race'",
        ),
        (
            entry(kind="category_option_combo", target="race"),
            "external_codes[0].target: 'race' is not a cell (write {dimension: value, …})",
        ),
        (
            entry(kind="category_option_combo", target="[race]"),
            "external_codes[0].target: must be text, not a list",
        ),
    ],
)
def test_a_wrong_entry_is_refused_with_line_and_field(text, message):
    with pytest.raises(FrameworkError) as error:
        load_framework_text(text, source="mapped.yaml")
    assert str(error.value).startswith(f"mapped.yaml:{LINE_OF_CODES}: {message}"), str(error.value)
    assert not ExternalCode.objects.exists()


def test_a_code_listed_twice_is_refused():
    text = FULL + "  - {system: dhis2, kind: org_unit, code: DiszpKrYNg8, target: ccs}\n"
    with pytest.raises(FrameworkError) as error:
        load_framework_text(text, source="mapped.yaml")
    line = LINE_OF_CODES + 8
    assert str(error.value) == (
        f"mapped.yaml:{line}: external_codes[8]: 'dhis2' / 'org_unit' / 'DiszpKrYNg8' is listed "
        f"twice (see line {LINE_OF_CODES + 3})"
    )


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            "{system: dhis2, kind: org_unit, code: Other, target: acps}",
            "'acps' is already mapped from 'DiszpKrYNg8'",
        ),
        (
            "{system: dhis2, kind: category_option_combo, code: Other, target: race=black;sex=f}",
            "the cell 'race=black;sex=f' is already mapped from 'Prlt0C1RF0s'",
        ),
        (
            "{system: dhis2, kind: category_option_combo, code: HllvX50cXC0, target: {}}",
            "the total is already mapped from 'bRowv6yZOF2'",
        ),
    ],
)
def test_a_target_mapped_from_two_codes_is_refused(extra, message):
    with pytest.raises(FrameworkError) as error:
        load_framework_text(FULL + f"  - {extra}\n", source="mapped.yaml")
    assert f"mapped.yaml:{LINE_OF_CODES + 8}: external_codes[8].target: {message}" in str(
        error.value
    )


def test_the_same_code_may_name_things_of_different_kinds():
    load_framework_text(FULL.replace("code: FNnj3jKGS7i", "code: f7n9E0hX8qk"))
    assert set(ExternalCode.objects.filter(code="f7n9E0hX8qk").values_list("kind", "target")) == {
        ("data_element", "enrolled"),
        ("org_unit", "ccs"),
    }


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    code=st.text(
        st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=100
    ).filter(lambda c: c == c.strip() and c.strip())
)
def test_any_dhis2_code_round_trips_through_export(code):
    with transaction.atomic():
        initiative = load_framework_text(BASE).initiative
        ExternalCode.objects.create(
            initiative=initiative, system="dhis2", kind="org_unit", code=code, target="acps"
        )
        text = export_framework(initiative)
        ExternalCode.objects.all().delete()
        assert load_framework_text(text).counts["external_code"]["created"] == 1
        assert stored() == {("dhis2", "org_unit", code, "acps")}
        transaction.set_rollback(True)
