"""The importer's fast path accepts only rows the validation pipeline accepts, staged alike.

``imports.fastpath`` decides the common rows without building an entry; whenever it stages a
row, the slow path (``Validator.check_row`` and the timing rule) must stage the same row with no
finding at all. Generated rows mix valid and invalid codes, periods, cells and numbers.
"""

from decimal import Decimal

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from commonground.measurement import validation
from commonground.measurement.imports.checks import RowChecker
from commonground.measurement.imports.rows import RawRow
from commonground.measurement.models import ReportingAssignment
from commonground.measurement.validation import Registry, Validator
from tests.measurement.imports_world import (
    imports_world,  # noqa: F401 — the fixture
    make_indicator,
)

NUMBERS = st.one_of(
    st.sampled_from(
        [
            "",
            "0",
            "1",
            "2",
            "10",
            "47.7",
            "-3",
            "007",
            "1.000000",
            "1.0000001",
            "<10",
            ">95",
            "<-1",
            "< 5",
            " 12",
            "1e3",
            "1,5",
            "99999999999999",
            "999999999999999",
            "-0",
            "0.5",
            "100",
            "101",
            "=1",
            "NaN",
        ]
    ),
    st.decimals(min_value=-1000, max_value=100000, places=3).map(str),
)
TEMPLATES = [
    {"indicator": "kinder_ready", "partner": "a", "period": "2024"},
    {"indicator": "enrolled", "partner": "b", "period": "2023", "race": "black"},
    {"indicator": "enrolled", "partner": "cville", "period": "2024"},
    {"indicator": "grad_rate", "partner": "a", "period": "SY2018-19", "race": "white", "sex": "f"},
    {"indicator": "grad_rate", "partner": "albemarle", "period": "SY2023-24"},
    {"indicator": "bounded", "partner": "a", "period": "2022"},
    {"indicator": "yesno", "partner": "b", "period": "2021"},
    {"indicator": "story", "partner": "b", "period": "2021"},
]
CHANGES = {
    "indicator": ["nope", " enrolled", "grad_rate", "kinder_ready"],
    "partner": ["nobody", "a ", "b"],
    "period": ["2025", "2024Q1", " 2024", "2024-13", "SY2024-25", "2024"],
    "race": ["purple", " black", "a;b", "hispanic"],
    "sex": ["x", "m"],
    "comment": ["=SUM(A1)", "fine", "nul\x00"],
}


@st.composite
def rows(draw):
    """A valid row's codes, each changed now and then, with any numbers."""
    fields = dict(draw(st.sampled_from(TEMPLATES)))
    for name, choices in CHANGES.items():
        if draw(st.integers(0, 4)) == 0:
            fields[name] = draw(st.sampled_from(choices))
    for name in ("value", "numerator", "denominator"):
        fields[name] = draw(NUMBERS)
    return fields


def numbers_equal(fast, slow) -> bool:
    if fast is None or slow is None:
        return fast is None and slow is None
    return Decimal(fast) == Decimal(slow)


@settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(drawn=st.lists(rows(), min_size=1, max_size=20))
def test_fast_path_agrees_with_the_pipeline(iw, drawn):
    if not hasattr(iw, "checker"):
        alpha = iw.alpha
        extra = [
            make_indicator(alpha, "bounded", "score", "annual", min_value=0, max_value=100),
            make_indicator(alpha, "yesno", "yes_no", "annual"),
        ]
        for indicator in extra:
            for partnership in iw.partners.values():
                ReportingAssignment.objects.create(indicator=indicator, partnership=partnership)
        registry = Registry.load(alpha)
        iw.checker = RowChecker(registry, Validator(registry, today=validation.today()))
    checker = iw.checker
    for line, fields in enumerate(drawn, start=2):
        raw = RawRow(line, fields)
        fast = checker.fast.stage(raw)
        event("fast path" if fast is not None else "slow path")
        if fast is None:
            continue
        slow, errors = checker.check_slowly(raw)
        assert errors == [], (fields, fast)
        assert slow is not None
        assert fast[:5] == slow[:5], fields
        for position in (5, 6, 7):
            assert numbers_equal(fast[position], slow[position]), (fields, fast, slow)
        assert fast[8:] == slow[8:], fields
