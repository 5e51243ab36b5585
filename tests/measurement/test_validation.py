"""Validation of one entry: the registry, consistency, value type and range (SPEC §3.1.5)."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from commonground.measurement.models import Indicator, ReportingAssignment, SeriesBreak
from commonground.measurement.validation import CODES, Finding, Registry
from commonground.measurement.validation.findings import ERROR, WARNING
from tests.measurement.test_validation_world import (
    PERIOD,
    codes,
    entry,
    make_dimension,
    make_indicator,
    v_fixture,  # noqa: F401  (the fixture "v")
)

D = Decimal
pytestmark = pytest.mark.django_db


def one(findings) -> Finding:
    assert len(findings) == 1, findings
    return findings[0]


def check(v, item, period=PERIOD, index=None, partner=None):
    return v.validator.check_entry(partner or v.partner, period, item, index)


# --- the registry -------------------------------------------------------------------------------


def test_registry_answers_from_what_it_loaded(v):
    r = v.registry
    assert r.indicators_by_code["grad_rate"] == v.grad
    assert r.partnerships_by_code == {"a": v.partner, "b": v.world.partners["b"]}
    assert r.assigned(v.partner.pk, v.grad.pk)
    assert r.assigned(v.partner.pk, v.served.pk)  # through the working group
    assert not r.assigned(v.partner.pk, v.unassigned.pk)
    assert not r.assigned(v.world.partners["b"].pk, v.grad.pk)
    assert r.allowed_cells(v.grad.pk) == {
        "race": {"black", "white", "hispanic"},
        "sex": {"f", "m"},
    }
    assert r.allowed_cells(v.score.pk) == {}
    assert r.allowed_cells(v.funds.pk) == {"place": {"albemarle", "crozet", "ivy"}}
    assert r.siblings[("place", None)] == {"albemarle"}
    assert r.siblings[("place", "albemarle")] == {"crozet", "ivy"}
    assert r.label(v.grad, {"sex": "f", "race": "black"}) == "Graduation rate, Black, Female"
    assert r.label(v.grad, {}) == "Graduation rate"


def test_registry_limited_to_some_partners(v):
    r = Registry.load(v.alpha, [v.partner])
    assert set(r.partnerships_by_code) == {"a"}
    assert {p for p, _i in r.assignments} == {v.partner.pk}


def _grow(world, count, start):
    """``count`` more indicators, each with a dimension of 3 values, an assignment, a break."""
    for n in range(start, start + count):
        dim = make_dimension(
            world.alpha, f"d{n}", f"Dim {n}", [(f"v{k}", f"V{k}", None) for k in range(3)]
        )
        indicator = make_indicator(world.alpha, f"i{n}", f"Indicator {n}", "count", [dim])
        ReportingAssignment.objects.create(indicator=indicator, partnership=world.partners["a"])
        SeriesBreak.objects.create(indicator=indicator, period="SY2020-21", note="new test")


def test_registry_loads_in_the_same_few_queries_however_many_indicators(world):
    _grow(world, 2, 0)
    with CaptureQueriesContext(connection) as small:
        Registry.load(world.alpha)
    _grow(world, 25, 2)
    with CaptureQueriesContext(connection) as large:
        registry = Registry.load(world.alpha)
    assert len(registry.indicators_by_code) == 27
    assert len(large.captured_queries) == len(small.captured_queries) == 8


def test_checking_values_makes_no_query(v):
    items = [entry(v.served, {"sex": s}, value=D(n)) for n, s in enumerate("fm", 1)]
    with CaptureQueriesContext(connection) as queries:
        for index, item in enumerate(items):
            v.validator.check_entry(v.partner, PERIOD, item, index)
        v.validator.check_set(v.partner, PERIOD, items)
    assert queries.captured_queries == []


# --- step 1: consistency ------------------------------------------------------------------------


def test_unknown_partner(v):
    found = one(check(v, entry(v.served, value=D(1)), partner=v.world.beta_partner))
    assert found == Finding(
        "unknown_partner", "There is no partner 'c' in this initiative.", ERROR, "partner"
    )
    assert one(check(v, entry(v.served, value=D(1)), partner="zz")).message == (
        "There is no partner 'zz' in this initiative."
    )
    # A partner's code or id is as good as the object.
    assert check(v, entry(v.served, value=D(1)), partner="a") == []
    assert check(v, entry(v.served, value=D(1)), partner=v.partner.pk) == []


def test_unknown_indicator_by_object_and_by_code(v):
    other = Indicator.objects.create(
        initiative=v.world.beta,
        code="beds",
        name="Beds",
        value_type="count",
        aggregation="sum",
        frequency="school_year",
    )
    found = one(check(v, entry(other, value=D(1)), index=4))
    assert found == Finding(
        "unknown_indicator",
        "There is no indicator 'beds' in this initiative.",
        ERROR,
        "indicator",
        4,
    )
    assert one(check(v, entry("nope", value=D(1)))).message == (
        "There is no indicator 'nope' in this initiative."
    )
    # A code of the initiative is as good as the object.
    assert check(v, entry("served", value=D(1))) == []


def test_not_assigned(v):
    found = one(check(v, entry(v.unassigned, value=D(1))))
    assert found == Finding(
        "not_assigned",
        "Nobody reports this is not one of the indicators Alpha Schools reports.",
        ERROR,
        "indicator",
    )


@pytest.mark.parametrize(
    ("period", "message"),
    [
        (
            "2024Q5",
            "Children served: '2024Q5' is not a period code (expected e.g. 2024, 2024Q1, "
            "2024-03, SY2024-25, FY2024).",
        ),
        ("SY2024-26", "Children served: 'SY2024-26' is not a school year: write SY2024-25."),
        ("2024-13", "Children served: '2024-13' has no month 13."),
    ],
)
def test_bad_period(v, period, message):
    found = one(check(v, entry(v.served, value=D(1)), period=period))
    assert found == Finding("bad_period", message, ERROR, "period")


def test_period_of_another_frequency(v):
    found = one(check(v, entry(v.served, value=D(1)), period="2024"))
    assert found == Finding(
        "period_frequency",
        "Children served is reported by school year; 2024 is a calendar year period.",
        ERROR,
        "period",
    )
    assert check(v, entry(v.quarterly, value=D(1)), period="2025Q2") == []
    assert codes(check(v, entry(v.quarterly, value=D(1)))) == ["period_frequency"]


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ({"grade": "3"}, "Children served is not broken down by 'grade'."),
        ({"place": "ivy"}, "Children served is not broken down by Place."),
        ({"sex": "x"}, "Children served: 'x' is not one of the groups of Sex."),
        (
            {"se=x": "f"},
            "Children served: 'se=x=f' cannot be part of a cell ('=' and ';' are reserved).",
        ),
        ("sex", "Children served: 'sex' is not a cell key."),
        (["sex", "f"], "Children served: This is not a disaggregation cell."),
        ({1: "f"}, "Children served: This is not a disaggregation cell."),
    ],
)
def test_bad_cell(v, cell, message):
    found = one(check(v, entry(v.served, cell, value=D(1))))
    assert found == Finding("bad_cell", message, ERROR, "cell")


def test_cells_are_canonical_whatever_their_form(v):
    for cell in ({"sex": "f", "race": "black"}, {"race": " black ", "sex": "f", "x": ""}):
        assert check(v, entry(v.served, cell, value=D(1))) == []
    assert check(v, entry(v.served, "sex=f;race=black", value=D(1))) == []
    assert check(v, entry(v.served, None, value=D(1))) == []


# --- step 2: value type and range ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "item", "expected"),
    [
        (
            "count missing",
            lambda v: entry(v.served),
            [("value_missing", "Children served: the value is missing.", "value")],
        ),
        (
            "narrative blank",
            lambda v: entry(v.story, text="  \n"),
            [("value_missing", "Story behind the data: write the narrative.", "text")],
        ),
        (
            "yes/no missing",
            lambda v: entry(v.plan),
            [("value_missing", "Has a literacy plan: the value is missing.", "value")],
        ),
        (
            "text",
            lambda v: entry(v.served, {"sex": "f"}, value="abc"),
            [("not_a_number", "Children served, Female: 'abc' is not a number.", "value")],
        ),
        (
            "NaN",
            lambda v: entry(v.mean, value=D("NaN")),
            [("not_a_number", "Mean days attended: 'NaN' is not a number.", "value")],
        ),
        (
            "infinity",
            lambda v: entry(v.mean, value=float("inf")),
            [("not_a_number", "Mean days attended: 'inf' is not a number.", "value")],
        ),
        (
            "too large",
            lambda v: entry(v.served, value=D("1e14")),
            [
                (
                    "out_of_range",
                    "Children served: 100000000000000 is too large to store (at most 14 digits "
                    "before the decimal point).",
                    "value",
                )
            ],
        ),
        (
            "absurdly large",
            lambda v: entry(v.mean, value=D("1e999999")),
            [
                (
                    "out_of_range",
                    "Mean days attended: 1.000E+999999 is too large to store (at most 14 digits "
                    "before the decimal point).",
                    "value",
                )
            ],
        ),
        (
            "bad censor",
            lambda v: entry(v.served, value=D(5), censor="~"),
            [
                (
                    "bad_censor",
                    "Children served: '~' is not a way to mark a value; write '<' or '>' before "
                    "the number, or nothing.",
                    "value",
                )
            ],
        ),
        (
            "censored yes/no",
            lambda v: entry(v.plan, value=D(1), censor="<"),
            [
                (
                    "bad_censor",
                    "Has a literacy plan: this answer cannot be marked '<' or '>'.",
                    "value",
                )
            ],
        ),
        (
            "fraction of a count",
            lambda v: entry(v.served, value=D("10.5")),
            [
                (
                    "not_an_integer",
                    "Children served counts whole things: 10.5 is not a whole number.",
                    "value",
                )
            ],
        ),
        (
            "negative count",
            lambda v: entry(v.served, value=D(-3)),
            [("negative", "Children served: a count cannot be below zero (-3).", "value")],
        ),
        (
            "negative numerator",
            lambda v: entry(v.grad, numerator=D(-1), denominator=D(10)),
            [
                (
                    "negative",
                    "Graduation rate: the numerator cannot be below zero (-1).",
                    "numerator",
                )
            ],
        ),
        (
            "rate without denominator",
            lambda v: entry(v.grad, numerator=D(5)),
            [
                (
                    "rate_parts_missing",
                    "Graduation rate is a rate: give both the numerator and the denominator.",
                    "denominator",
                )
            ],
        ),
        (
            "rate given as a value",
            lambda v: entry(v.grad, value=D(50)),
            [
                (
                    "rate_parts_missing",
                    "Graduation rate is a rate: give both the numerator and the denominator.",
                    "numerator",
                )
            ],
        ),
        (
            "censored rate without its bound",
            lambda v: entry(v.grad, denominator=D(50), censor="<"),
            [
                (
                    "rate_parts_missing",
                    "Graduation rate is a rate: give the numerator's bound (for example <10).",
                    "numerator",
                )
            ],
        ),
        (
            "zero denominator",
            lambda v: entry(v.grad, numerator=D(0), denominator=D(0)),
            [
                (
                    "bad_denominator",
                    "Graduation rate: the denominator must be more than zero (it is 0).",
                    "denominator",
                )
            ],
        ),
        (
            "bad numerator and bad denominator",
            lambda v: entry(v.grad, numerator="x", denominator=D(-4)),
            [
                ("not_a_number", "Graduation rate: 'x' is not a number.", "numerator"),
                (
                    "bad_denominator",
                    "Graduation rate: the denominator must be more than zero (it is -4).",
                    "denominator",
                ),
            ],
        ),
        (
            "yes/no of 2",
            lambda v: entry(v.plan, value=D(2)),
            [
                (
                    "not_yes_no",
                    "Has a literacy plan: answer 1 for yes or 0 for no (not 2).",
                    "value",
                )
            ],
        ),
    ],
)
def test_each_value_error_with_its_field_and_message(v, name, item, expected):
    found = check(v, item(v), index=7)
    assert [(f.code, f.message, f.field) for f in found] == expected, name
    assert all(f.severity == ERROR and f.index == 7 for f in found)


@pytest.mark.parametrize(
    "item",
    [
        lambda v: entry(v.served, value=D(0)),
        lambda v: entry(v.served, value=D("12.000")),
        lambda v: entry(v.served, value=12),
        lambda v: entry(v.served, value="12"),
        lambda v: entry(v.served, value=D(10), censor="<"),
        lambda v: entry(v.funds, value=D("-1250.50")),  # an amount may be negative
        lambda v: entry(v.mean, value=D("47.7")),
        lambda v: entry(v.mean, value=47.7),
        lambda v: entry(v.plan, value=D(0)),
        lambda v: entry(v.plan, value=True),
        lambda v: entry(v.story, text="Attendance rose."),
        lambda v: entry(v.grad, numerator=D(945), denominator=D(1056)),
        lambda v: entry(v.grad, numerator=D(10), censor="<"),
        lambda v: entry(v.grad, numerator=D(95), denominator=D(100), censor=">"),
        lambda v: entry(v.score, value=D("99999999999999")),  # the largest storable (a warning)
    ],
)
def test_good_values_have_no_error(v, item):
    assert [f for f in check(v, item(v)) if f.severity == ERROR] == []


def test_min_and_max_are_warnings(v):
    assert one(check(v, entry(v.score, value=D(11)), index=2)) == Finding(
        "above_max",
        "Reading score: the value 11 is above the highest expected value (10). Check it, or "
        "explain it in the comment.",
        WARNING,
        "value",
        2,
    )
    assert one(check(v, entry(v.score, value=D("-0.5")))).code == "below_min"
    assert check(v, entry(v.score, value=D(10))) == []
    assert check(v, entry(v.score, value=D(0))) == []


def test_a_rate_is_held_to_min_and_max_as_people_read_it(v):
    """grad_rate expects 50–100 (percent): 40 of 100 is 40 %; 45 of 90 is 50 %, in range."""
    found = one(check(v, entry(v.grad, {"sex": "f"}, numerator=D(40), denominator=D(100))))
    assert found == Finding(
        "below_min",
        "Graduation rate, Female: the rate 40 is below the lowest expected value (50). Check "
        "it, or explain it in the comment.",
        WARNING,
        "numerator",
    )
    assert check(v, entry(v.grad, numerator=D(45), denominator=D(90))) == []
    # 2 of 3 is 66.666… %, shown with the indicator's one decimal.
    v.registry.indicators_by_code["grad_rate"].min_value = D(70)
    assert (
        "the rate 66.7 is below"
        in one(check(v, entry(v.grad, numerator=D(2), denominator=D(3)))).message
    )


def test_a_censored_value_is_not_held_to_min_and_max(v):
    assert check(v, entry(v.score, value=D(11), censor=">")) == []
    assert check(v, entry(v.grad, numerator=D(10), denominator=D(100), censor="<")) == []


# --- the order of the steps ---------------------------------------------------------------------


def test_an_unassigned_indicator_with_a_bad_number_reports_only_not_assigned(v):
    found = check(v, entry(v.unassigned, {"nope": "x"}, value="abc", censor="?"))
    assert codes(found) == ["not_assigned"]


def test_a_bad_cell_with_a_bad_number_reports_only_the_cell(v):
    assert codes(check(v, entry(v.served, {"sex": "x"}, value="abc"))) == ["bad_cell"]


def test_period_and_cell_are_one_step_and_both_reported(v):
    found = check(v, entry(v.served, {"sex": "x"}, value="abc"), period="2024")
    assert codes(found) == ["period_frequency", "bad_cell"]


def test_no_warning_comes_with_an_error(v):
    assert codes(check(v, entry(v.score, value=D("1e15")))) == ["out_of_range"]


def test_check_row_adds_the_numerator_rule(v):
    item = entry(v.grad, {"race": "black"}, numerator=D(945), denominator=D(900))
    assert check(v, item) == [
        Finding(
            "above_max",
            "Graduation rate, Black: the rate 105 is above the highest expected value (100). "
            "Check it, or explain it in the comment.",
            WARNING,
            "numerator",
        )
    ]
    assert codes(v.validator.check_row(v.partner, PERIOD, item)) == [
        "above_max",
        "numerator_above_denominator",
    ]


# --- the codes are documented -------------------------------------------------------------------


def test_every_code_is_in_the_documentation_table_with_its_severity():
    doc = (Path(__file__).parents[2] / "docs" / "validation.md").read_text()
    rows = {
        line.split("|")[1].strip().strip("`"): line.split("|")[2].strip()
        for line in doc.splitlines()
        if line.startswith("| `")
    }
    assert rows == {code: severity for code, (severity, _step, _meaning) in CODES.items()}
