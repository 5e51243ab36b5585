"""Properties of the pipeline under random input (hypothesis).

Whatever a person types or a file holds, validation answers with findings — never an
exception — and the findings of a set do not depend on the order of its entries.
"""

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commonground.core.errors import DomainError
from commonground.core.models import AuditEvent
from commonground.measurement.models import DataValue
from commonground.measurement.services import save_values
from commonground.measurement.validation import CODES, Entry, Finding, Validator
from tests.measurement.test_validation_world import (
    ON_TIME,
    PERIOD,
    v_fixture,  # noqa: F401  (the fixture "v")
    without_index,
)

D = Decimal
pytestmark = pytest.mark.django_db
# The ``v`` fixture is built once per test and only read by the examples (the validator writes
# nothing), so sharing it between examples is safe. No deadline: never a time limit in a test.
SETTINGS = settings(
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    deadline=None,
)

INDICATORS = [
    "grad",
    "served",
    "complete",
    "complete_rate",
    "funds",
    "score",
    "mean",
    "plan",
    "story",
    "quarterly",
    "unassigned",
]
GOOD_CELLS = [
    {},
    {"sex": "f"},
    {"sex": "m"},
    {"race": "black"},
    {"race": "white"},
    {"race": "hispanic"},
    {"race": "black", "sex": "f"},
    {"place": "albemarle"},
    {"place": "crozet"},
    {"place": "ivy"},
]
small_text = st.text(max_size=6)
numbers = st.one_of(
    st.none(),
    st.sampled_from([D(0), D(1), D(10), D(25), D(50), D(100), D("0.5"), D(-1)]),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**22), max_value=10**22),
    st.floats(),
    st.booleans(),
    small_text,
)
cells = st.one_of(
    st.sampled_from(GOOD_CELLS),
    st.dictionaries(small_text, st.one_of(small_text, st.none(), st.integers()), max_size=3),
    small_text,
    st.none(),
)


@st.composite
def entries(draw, v, max_size=8):
    indicator = st.one_of(
        st.sampled_from([getattr(v, name) for name in INDICATORS]),
        st.sampled_from(["served", "nope", None]),
    )
    return draw(
        st.lists(
            st.builds(
                Entry,
                indicator=indicator,
                cell=cells,
                value=numbers,
                numerator=numbers,
                denominator=numbers,
                censor=st.one_of(st.sampled_from(["", "<", ">"]), st.text(max_size=2), st.none()),
                text=st.one_of(small_text, st.none()),
            ),
            max_size=max_size,
        )
    )


periods = st.sampled_from([PERIOD, "SY2023-24", "2024", "2025Q2", "2025-13", "", "FY2024"])


def assert_well_formed(findings, size):
    for finding in findings:
        assert isinstance(finding, Finding)
        assert CODES[finding.code][0] == finding.severity
        assert finding.message
        assert finding.index is None or 0 <= finding.index < size


@SETTINGS
@given(data=st.data())
def test_random_entries_give_findings_never_an_exception(v, data):
    items = data.draw(entries(v))
    period = data.draw(periods)
    history = {(v.partner.pk, v.served.pk, ""): [D(n) for n in (1, 2, 3, 4, 5, 9)]}
    validator = Validator(v.registry, today=ON_TIME, history=history)
    for index, item in enumerate(items):
        assert_well_formed(validator.check_entry(v.partner, period, item, index), len(items))
        assert_well_formed(validator.check_row(v.partner, period, item, index), len(items))
    assert_well_formed(validator.check_set(v.partner, period, items), len(items))
    assert_well_formed(validator.outliers(v.partner, period, items), len(items))
    assert_well_formed(validator.check_submission(v.submission, items), len(items))


@SETTINGS
@given(data=st.data())
def test_check_set_does_not_depend_on_the_order_of_entries(v, data):
    items = data.draw(entries(v))
    shuffled = data.draw(st.permutations(items))
    validator = Validator(v.registry, today=ON_TIME, history={})
    assert without_index(validator.check_set(v.partner, PERIOD, shuffled)) == without_index(
        validator.check_set(v.partner, PERIOD, items)
    )


@st.composite
def plausible_entries(draw, v):
    """Mostly valid numbers in valid cells, so that the rules across the set have work to do."""
    indicator = st.sampled_from([v.served, v.complete, v.complete_rate, v.grad, v.funds])
    count = st.integers(min_value=0, max_value=60).map(Decimal)
    return draw(
        st.lists(
            st.builds(
                Entry,
                indicator=indicator,
                cell=st.sampled_from(GOOD_CELLS),
                value=count,
                numerator=count,
                denominator=st.integers(min_value=1, max_value=120).map(Decimal),
                censor=st.sampled_from(["", "", "", "<"]),
            ),
            max_size=10,
        )
    )


@SETTINGS
@given(data=st.data())
def test_the_rules_across_the_set_do_not_depend_on_order_either(v, data):
    items = data.draw(plausible_entries(v))
    shuffled = data.draw(st.permutations(items))
    validator = Validator(v.registry, today=ON_TIME, history={})
    assert without_index(validator.check_set(v.partner, PERIOD, shuffled)) == without_index(
        validator.check_set(v.partner, PERIOD, items)
    )


@settings(SETTINGS, max_examples=30)
@given(data=st.data())
def test_save_values_saves_everything_or_nothing(v, data):
    items = data.draw(plausible_entries(v))
    values_before = sorted(DataValue.objects.values_list("pk", "value", "numerator"))
    events_before = AuditEvent.objects.count()
    try:
        saved = save_values(actor=None, submission=v.submission, entries=items)
    except DomainError as error:
        assert error.code in CODES or error.code == "value_locked"
        assert sorted(DataValue.objects.values_list("pk", "value", "numerator")) == values_before
        assert AuditEvent.objects.count() == events_before
    else:
        assert len(saved) == len(items)


@settings(SETTINGS, max_examples=30)
@given(data=st.data())
def test_save_values_meets_any_input_with_a_domain_error_at_worst(v, data):
    items = data.draw(entries(v, max_size=4))
    events_before = AuditEvent.objects.count()
    try:
        save_values(actor=None, submission=v.submission, entries=items)
    except DomainError as error:
        assert error.code in CODES or error.code == "value_locked"
        assert AuditEvent.objects.count() == events_before
