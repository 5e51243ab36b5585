"""A small registry for the validation tests, shared by the ``test_validation_*`` modules.

Partner A of the ``world`` reports every indicator below but ``unassigned`` (``served`` through
a working group); its report for SY2024-25 (1 July 2024 – 30 June 2025, due 30 days later) is
open.
"""

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest

from commonground.initiatives.models import WorkingGroup
from commonground.measurement import validation
from commonground.measurement.models import (
    Dimension,
    Indicator,
    ReportingAssignment,
    Submission,
)
from commonground.measurement.validation import Entry, Registry, Validator

D = Decimal
PERIOD = "SY2024-25"
# After the period (ended 30 June 2025), before it is due (30 July 2025).
ON_TIME = date(2025, 7, 10)


def make_dimension(initiative, code, name, values):
    dimension = Dimension.objects.create(initiative=initiative, code=code, name=name)
    made = {}
    for value_code, value_name, parent in values:
        made[value_code] = dimension.values.create(
            code=value_code, name=value_name, parent=made.get(parent)
        )
    return dimension


def make_indicator(initiative, code, name, value_type, dims=(), **extra):
    extra.setdefault("frequency", "school_year")
    extra.setdefault("aggregation", "ratio_of_sums" if value_type == "rate" else "sum")
    indicator = Indicator.objects.create(
        initiative=initiative, code=code, name=name, value_type=value_type, **extra
    )
    indicator.dimensions.set(dims)
    return indicator


@pytest.fixture(name="v")
def v_fixture(world, monkeypatch):
    """The registry's indicators, partner A's open report and a validator judging on ON_TIME."""
    monkeypatch.setattr(validation, "today", lambda: ON_TIME)
    alpha = world.alpha
    sex = make_dimension(alpha, "sex", "Sex", [("f", "Female", None), ("m", "Male", None)])
    race = make_dimension(
        alpha,
        "race",
        "Race / ethnicity",
        [("black", "Black", None), ("white", "White", None), ("hispanic", "Hispanic", None)],
    )
    place = make_dimension(
        alpha,
        "place",
        "Place",
        [
            ("albemarle", "Albemarle", None),
            ("crozet", "Crozet", "albemarle"),
            ("ivy", "Ivy", "albemarle"),
        ],
    )
    ns = SimpleNamespace(world=world, alpha=alpha, partner=world.partners["a"])
    ns.grad = make_indicator(
        alpha,
        "grad_rate",
        "Graduation rate",
        "rate",
        [race, sex],
        scale_factor=100,
        min_value=D(50),
        max_value=D(100),
    )
    ns.served = make_indicator(alpha, "served", "Children served", "count", [sex, race])
    ns.complete = make_indicator(
        alpha, "enrolled", "Children enrolled", "count", [sex, race], breakdown_complete=True
    )
    ns.complete_rate = make_indicator(
        alpha, "pass_rate", "Pass rate", "rate", [sex], breakdown_complete=True, scale_factor=100
    )
    ns.funds = make_indicator(alpha, "funds", "Funds raised", "amount", [place], aggregation="sum")
    ns.score = make_indicator(
        alpha, "score", "Reading score", "score", min_value=D(0), max_value=D(10), decimals=2
    )
    ns.mean = make_indicator(alpha, "mean_days", "Mean days attended", "mean")
    ns.plan = make_indicator(alpha, "has_plan", "Has a literacy plan", "yes_no")
    ns.story = make_indicator(alpha, "story", "Story behind the data", "narrative")
    ns.quarterly = make_indicator(alpha, "q_count", "Visits", "count", frequency="quarterly")
    ns.unassigned = make_indicator(alpha, "unassigned", "Nobody reports this", "count")
    group = WorkingGroup.objects.create(initiative=alpha, code="early", name="Early years")
    group.partnerships.add(ns.partner)
    ns.served.shared_by_groups.add(group)
    for indicator in (
        ns.grad,
        ns.complete,
        ns.complete_rate,
        ns.funds,
        ns.score,
        ns.mean,
        ns.plan,
        ns.story,
        ns.quarterly,
    ):
        ReportingAssignment.objects.create(indicator=indicator, partnership=ns.partner)
    ns.submission = Submission.objects.create(partnership=ns.partner, period=PERIOD)
    ns.registry = Registry.load(alpha)
    ns.validator = Validator(ns.registry, today=ON_TIME, history={})
    return ns


def entry(indicator, cell=None, **fields) -> Entry:
    return Entry(indicator, cell or {}, **fields)


def codes(findings) -> list[str]:
    return [f.code for f in findings]


def without_index(findings) -> list[tuple]:
    """Findings as comparable tuples, ignoring the index (for order-independence)."""
    return sorted((f.code, f.message, f.severity, f.field) for f in findings)
