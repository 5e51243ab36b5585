"""Who reports what: direct assignments and working groups' shared measures."""

from datetime import date

from commonground.initiatives.models import WorkingGroup
from commonground.measurement.assignments import assignments_for, due_date
from commonground.measurement.models import Indicator, ReportingAssignment
from commonground.measurement.periods import parse_period


def make(world, code, deadline=30):
    return Indicator.objects.create(
        initiative=world.alpha,
        code=code,
        name=code,
        value_type="count",
        aggregation="sum",
        frequency="annual",
        deadline_days=deadline,
    )


def test_group_members_report_its_shared_measures_and_direct_deadlines_win(world):
    a, b = world.partners["a"], world.partners["b"]
    literacy = make(world, "literacy", deadline=45)
    attendance = make(world, "attendance")
    group = WorkingGroup.objects.create(initiative=world.alpha, code="early", name="Early")
    group.partnerships.set([a, b])
    literacy.shared_by_groups.add(group)
    ReportingAssignment.objects.create(indicator=literacy, partnership=a, deadline_days=10)
    ReportingAssignment.objects.create(indicator=attendance, partnership=b, deadline_days=60)

    found = assignments_for(world.alpha)
    assert set(found) == {(a.pk, literacy.pk), (b.pk, literacy.pk), (b.pk, attendance.pk)}
    assert (found[(a.pk, literacy.pk)].deadline_days, found[(a.pk, literacy.pk)].through_group) == (
        10,
        False,
    )
    assert (found[(b.pk, literacy.pk)].deadline_days, found[(b.pk, literacy.pk)].through_group) == (
        45,
        True,
    )
    assert set(assignments_for(world.alpha, [a])) == {(a.pk, literacy.pk)}


def test_nothing_leaks_from_another_initiative(world):
    other = Indicator.objects.create(
        initiative=world.beta,
        code="x",
        name="x",
        value_type="count",
        aggregation="sum",
        frequency="annual",
    )
    ReportingAssignment.objects.create(indicator=other, partnership=world.beta_partner)
    assert assignments_for(world.alpha) == {}


def test_due_date_counts_from_the_last_day_of_the_period():
    assert due_date(parse_period("2024Q4"), 30) == date(2025, 1, 30)
    assert due_date(parse_period("SY2023-24", school_year_start_month=8), 0) == date(2024, 7, 31)
