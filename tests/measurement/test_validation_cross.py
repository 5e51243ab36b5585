"""Rules across the values of one report: numerator ≤ denominator, duplicates, cells vs total."""

from decimal import Decimal

import pytest

from commonground.measurement.models import DataValue
from commonground.measurement.validation import Finding
from commonground.measurement.validation.findings import ERROR
from tests.measurement.test_validation_world import (
    PERIOD,
    codes,
    entry,
    v_fixture,  # noqa: F401  (the fixture "v")
)

D = Decimal
pytestmark = pytest.mark.django_db


def check_set(v, *items, context=()):
    return v.validator.check_set(v.partner, PERIOD, list(items), context=context)


def errors(findings):
    return [f for f in findings if f.severity == ERROR]


def stored(indicator, cell="", **numbers) -> DataValue:
    """A value as the report already holds it (not saved: the rules only read it)."""
    return DataValue(indicator=indicator, cell=cell, **numbers)


# --- numerator ≤ denominator --------------------------------------------------------------------


def test_numerator_above_denominator(v):
    found = errors(
        check_set(
            v,
            entry(v.served, value=D(3)),
            entry(v.grad, {"race": "black"}, numerator=D(945), denominator=D(900)),
        )
    )
    assert found == [
        Finding(
            "numerator_above_denominator",
            "Graduation rate, Black: the numerator (945) is larger than the denominator (900).",
            ERROR,
            "numerator",
            1,
        )
    ]


def test_numbers_are_compared_as_stored(v):
    """10.0000001 is kept as 10.000000: equal to the denominator, so allowed."""
    assert errors(check_set(v, entry(v.grad, numerator=D("10.0000001"), denominator=D(10)))) == []
    assert codes(
        errors(check_set(v, entry(v.grad, numerator=D("10.000001"), denominator=D(10))))
    ) == ["numerator_above_denominator"]


def test_a_censored_numerator_is_a_bound_not_compared(v):
    assert errors(check_set(v, entry(v.grad, numerator=D(10), denominator=D(5), censor="<"))) == []


# --- duplicates ---------------------------------------------------------------------------------


def test_the_same_cell_given_twice_in_any_spelling_is_one_duplicate(v):
    found = check_set(
        v,
        entry(v.served, {"sex": "f"}, value=D(3)),
        entry(v.served, {"sex": "m"}, value=D(4)),
        entry(v.served, {" sex ": "f", "race": ""}, value=D(3)),
        entry(v.served, "sex=f", value=D(5)),
    )
    assert found == [
        Finding(
            "duplicate_value", "Children served, Female is given more than once.", ERROR, "cell", 2
        )
    ]


def test_the_same_cell_of_two_indicators_is_no_duplicate(v):
    assert (
        check_set(
            v,
            entry(v.served, {"sex": "f"}, value=D(3)),
            entry(v.complete, {"sex": "f"}, value=D(3)),
        )
        == []
    )


# --- cells vs total: counts and amounts ---------------------------------------------------------


def test_count_cells_above_the_total(v):
    found = check_set(
        v,
        entry(v.served, value=D(50)),
        entry(v.served, {"sex": "f"}, value=D(30)),
        entry(v.served, {"sex": "m"}, value=D(25)),
    )
    assert found == [
        Finding(
            "cells_exceed_total",
            "Children served: the values by Sex add up to 55, more than the total (50).",
            ERROR,
            "value",
            0,
        )
    ]


def test_count_cells_at_or_below_the_total_are_fine_when_the_breakdown_is_not_complete(v):
    for female in (D(25), D(20), D(0)):
        assert (
            check_set(
                v,
                entry(v.served, value=D(50)),
                entry(v.served, {"sex": "f"}, value=female),
                entry(v.served, {"sex": "m"}, value=D(25)),
            )
            == []
        )


def test_a_complete_breakdown_must_add_up_exactly(v):
    found = check_set(
        v,
        entry(v.complete, {"sex": "f"}, value=D(20)),
        entry(v.complete, value=D(50)),
        entry(v.complete, {"sex": "m"}, value=D(25)),
    )
    assert found == [
        Finding(
            "cells_differ_from_total",
            "Children enrolled: the values by Sex add up to 45, not to the total (50); this "
            "indicator's groups must add up exactly.",
            ERROR,
            "value",
            1,
        )
    ]
    exact = [entry(v.complete, value=D(50)), entry(v.complete, {"sex": "f"}, value=D(25))]
    assert check_set(v, *exact, entry(v.complete, {"sex": "m"}, value=D(25))) == []


def test_a_complete_breakdown_is_held_to_equality_only_once_every_group_is_given(v):
    """While the groups are typed in one by one, only "not more than the total" applies."""
    total = entry(v.complete, value=D(50))
    assert check_set(v, total, entry(v.complete, {"sex": "f"}, value=D(20))) == []
    black, white = (entry(v.complete, {"race": r}, value=D(10)) for r in ("black", "white"))
    assert check_set(v, total, black, white) == []
    hispanic = entry(v.complete, {"race": "hispanic"}, value=D(10))
    assert [f.message for f in check_set(v, total, black, white, hispanic)] == [
        "Children enrolled: the values by Race / ethnicity add up to 30, not to the total (50); "
        "this indicator's groups must add up exactly."
    ]
    assert codes(check_set(v, total, entry(v.complete, {"sex": "f"}, value=D(60)))) == [
        "cells_exceed_total"
    ]


def test_each_dimension_is_its_own_breakdown(v):
    """By sex 25 + 25 and by race 20 + 20 + 10: each adds up to 50 on its own."""
    items = [entry(v.complete, value=D(50))]
    items += [entry(v.complete, {"sex": s}, value=D(25)) for s in ("f", "m")]
    items += [
        entry(v.complete, {"race": r}, value=D(n))
        for r, n in (("black", 20), ("white", 20), ("hispanic", 10))
    ]
    assert check_set(v, *items) == []


def test_crossed_cells_are_compared_with_the_cell_they_break_down(v):
    found = check_set(
        v,
        entry(v.served, {"race": "black"}, value=D(30)),
        entry(v.served, {"race": "black", "sex": "f"}, value=D(20)),
        entry(v.served, {"race": "black", "sex": "m"}, value=D(15)),
    )
    assert found == [
        Finding(
            "cells_exceed_total",
            "Children served, Black: the values by Sex add up to 35, more than the value for "
            "Black (30).",
            ERROR,
            "value",
            0,
        )
    ]


def test_a_hierarchy_is_summed_level_by_level(v):
    """Crozet and Ivy are within Albemarle: they are compared with it, not added to it."""
    assert (
        check_set(
            v,
            entry(v.funds, value=D(150)),
            entry(v.funds, {"place": "albemarle"}, value=D(100)),
            entry(v.funds, {"place": "crozet"}, value=D(60)),
            entry(v.funds, {"place": "ivy"}, value=D(40)),
        )
        == []
    )
    found = check_set(
        v,
        entry(v.funds, value=D(80)),
        entry(v.funds, {"place": "albemarle"}, value=D(100)),
        entry(v.funds, {"place": "crozet"}, value=D(60)),
        entry(v.funds, {"place": "ivy"}, value=D("50.5")),
    )
    assert sorted(f.message for f in found) == [
        "Funds raised, Albemarle: the values within Albemarle (by Place) add up to 110.5, more "
        "than the value for Albemarle (100).",
        "Funds raised: the values by Place add up to 100, more than the total (80).",
    ]


# --- cells vs total: rates ----------------------------------------------------------------------


def test_rate_numerators_and_denominators_are_each_held_to_the_total(v):
    found = check_set(
        v,
        entry(v.grad, numerator=D(945), denominator=D(1056)),
        entry(v.grad, {"sex": "f"}, numerator=D(500), denominator=D(520)),
        entry(v.grad, {"sex": "m"}, numerator=D(480), denominator=D(540)),
    )
    assert found == [
        Finding(
            "cells_exceed_total",
            "Graduation rate: the numerators by Sex add up to 980, more than the total's "
            "numerator (945).",
            ERROR,
            "numerator",
            0,
        ),
        Finding(
            "cells_exceed_total",
            "Graduation rate: the denominators by Sex add up to 1060, more than the total's "
            "denominator (1056).",
            ERROR,
            "denominator",
            0,
        ),
    ]


def test_a_complete_rate_breakdown_adds_up_in_both_parts(v):
    total = entry(v.complete_rate, numerator=D(50), denominator=D(100))
    found = check_set(
        v,
        total,
        entry(v.complete_rate, {"sex": "f"}, numerator=D(20), denominator=D(40)),
        entry(v.complete_rate, {"sex": "m"}, numerator=D(25), denominator=D(60)),
    )
    assert found == [
        Finding(
            "cells_differ_from_total",
            "Pass rate: the numerators by Sex add up to 45, not to the total's numerator (50); "
            "this indicator's groups must add up exactly.",
            ERROR,
            "numerator",
            0,
        )
    ]


# --- censored values are bounds, not numbers ----------------------------------------------------


def test_censored_cells_are_left_out_of_the_sum(v):
    total = entry(v.served, value=D(50))
    small = entry(v.served, {"sex": "f"}, value=D(10), censor="<")
    assert check_set(v, total, small, entry(v.served, {"sex": "m"}, value=D(45))) == []
    assert [
        f.message for f in check_set(v, total, small, entry(v.served, {"sex": "m"}, value=D(55)))
    ] == ["Children served: the values by Sex add up to 55, more than the total (50)."]


def test_a_censored_cell_leaves_a_complete_breakdown_to_the_at_most_rule(v):
    """With <10 women, 45 men and 50 in all, equality cannot be checked: the bound is unknown."""
    assert (
        check_set(
            v,
            entry(v.complete, value=D(50)),
            entry(v.complete, {"sex": "f"}, value=D(10), censor="<"),
            entry(v.complete, {"sex": "m"}, value=D(45)),
        )
        == []
    )


def test_a_censored_rate_numerator_is_left_out_but_its_denominator_counts(v):
    total = entry(v.complete_rate, numerator=D(50), denominator=D(100))
    women = entry(v.complete_rate, {"sex": "f"}, numerator=D(10), denominator=D(40), censor="<")
    assert (
        check_set(
            v,
            total,
            women,
            entry(v.complete_rate, {"sex": "m"}, numerator=D(45), denominator=D(60)),
        )
        == []
    )
    found = check_set(
        v, total, women, entry(v.complete_rate, {"sex": "m"}, numerator=D(45), denominator=D(55))
    )
    assert [(f.code, f.field) for f in found] == [("cells_differ_from_total", "denominator")]


def test_a_censored_total_is_not_compared(v):
    assert (
        check_set(
            v,
            entry(v.served, value=D(100), censor="<"),
            entry(v.served, {"sex": "f"}, value=D(80)),
            entry(v.served, {"sex": "m"}, value=D(90)),
        )
        == []
    )


# --- what takes part in the rules ---------------------------------------------------------------


def test_the_values_already_in_the_report_count(v):
    context = [stored(v.served, "", value=D(50)), stored(v.served, "sex=m", value=D(30))]
    found = check_set(v, entry(v.served, {"sex": "f"}, value=D(25)), context=context)
    assert found == [
        Finding(
            "cells_exceed_total",
            "Children served: the values by Sex add up to 55, more than the total (50).",
            ERROR,
            "value",
            0,
        )
    ]
    # A new entry replaces the stored value of its cell.
    replaced = [
        entry(v.served, {"sex": "m"}, value=D(20)),
        entry(v.served, {"sex": "f"}, value=D(25)),
    ]
    assert check_set(v, *replaced, context=context) == []


def test_an_old_inconsistency_does_not_block_an_unrelated_value(v):
    context = [stored(v.served, "", value=D(10)), stored(v.served, "sex=m", value=D(30))]
    assert check_set(v, entry(v.mean, value=D(3)), context=context) == []


def test_entries_with_errors_take_no_part_in_the_rules(v):
    found = check_set(
        v,
        entry(v.served, value="fifty"),
        entry(v.served, {"sex": "f"}, value=D(30)),
        entry(v.served, {"sex": "m"}, value=D(25)),
        entry(v.served, {"sex": "m"}, value=D(-1)),
    )
    # The bad total is not compared; the repeated cell is a duplicate once, whatever its value.
    assert codes(found) == ["not_a_number", "negative", "duplicate_value"]


def test_values_that_do_not_add_up_are_not_summed(v):
    """Means and scores of groups say nothing about the total's."""
    v.registry.cells[v.mean.pk] = {"sex": {"f", "m"}}
    assert (
        check_set(
            v,
            entry(v.mean, value=D(5)),
            entry(v.mean, {"sex": "f"}, value=D(9)),
            entry(v.mean, {"sex": "m"}, value=D(9)),
        )
        == []
    )
