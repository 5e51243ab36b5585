"""Completeness and timeliness: exact states on hand-made cases, the page, its queries."""

from datetime import UTC, date, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from commonground.initiatives.models import Organization, Partnership, WorkingGroup
from commonground.measurement.completeness import (
    State,
    classify,
    completeness,
    last_ended_period,
    period_containing,
    recent_periods,
    safe_due_date,
)
from commonground.measurement.models import DataValue, Indicator, ReportingAssignment, Submission
from commonground.measurement.periods import parse_period

DUE = date(2025, 1, 30)


@pytest.mark.parametrize(
    ("submitted", "today", "expected"),
    [
        (date(2025, 1, 29), date(2025, 3, 1), State.ON_TIME),
        (DUE, date(2025, 3, 1), State.ON_TIME),  # on the due date itself: on time
        (date(2025, 1, 31), date(2025, 3, 1), State.LATE),  # the day after: late
        (None, DUE, State.NOT_DUE),  # due today: not yet missing
        (None, date(2025, 1, 31), State.MISSING),
        (None, date(2024, 12, 1), State.NOT_DUE),  # the period has not even ended
        (date(2024, 12, 15), date(2024, 12, 20), State.ON_TIME),  # early is on time
    ],
)
def test_classify_at_the_boundaries(submitted, today, expected):
    assert classify(DUE, submitted, today) == expected


def test_a_due_date_off_the_calendar_is_the_last_day():
    assert safe_due_date(parse_period("9999"), 30) == date.max


def test_periods_around_a_day(world):
    alpha = world.alpha
    alpha.school_year_start_month, alpha.fiscal_year_start_month = 8, 10
    day = date(2025, 2, 14)
    codes = {
        f: period_containing(alpha, f, day).code
        for f in ("annual", "quarterly", "monthly", "school_year", "fiscal_year")
    }
    assert codes == {
        "annual": "2025",
        "quarterly": "2025Q1",
        "monthly": "2025-02",
        "school_year": "SY2024-25",
        "fiscal_year": "FY2024",
    }
    assert period_containing(alpha, "school_year", date(2025, 8, 1)).code == "SY2025-26"
    assert period_containing(alpha, "fiscal_year", date(2025, 9, 30)).code == "FY2024"
    assert last_ended_period(alpha, "quarterly", day).code == "2024Q4"
    assert last_ended_period(alpha, "quarterly", date(2025, 4, 1)).code == "2025Q1"
    assert last_ended_period(alpha, "annual", date(2025, 1, 1)).code == "2024"
    assert last_ended_period(alpha, "monthly", date(2025, 3, 31)).code == "2025-02"
    assert [p.code for p in recent_periods(alpha, "quarterly", day, 3)] == [
        "2025Q1",
        "2024Q4",
        "2024Q3",
    ]


def indicator(world, code, frequency="annual", deadline_days=30):
    return Indicator.objects.create(
        initiative=world.alpha,
        code=code,
        name=code,
        value_type="count",
        aggregation="sum",
        frequency=frequency,
        deadline_days=deadline_days,
    )


def report(partnership, period, indicators, *, submitted_at=None, status="submitted"):
    submission = Submission.objects.create(
        partnership=partnership, period=period, status=status, submitted_at=submitted_at
    )
    for ind in indicators:
        DataValue.objects.create(
            submission=submission,
            indicator=ind,
            partnership=partnership,
            period=period,
            value=1,
        )
    return submission


def at(y, m, d, hour=12):
    return datetime(y, m, d, hour, tzinfo=UTC)


def states(result) -> dict:
    return {
        (line.partnership.code, result.indicators[r.indicator_id].code): r.state
        for line in result.lines
        for r in line.reports
    }


def test_hand_made_period(world):
    """2024 ends on 31 Dec; with 30 days' deadline the report is due on 30 January 2025."""
    a, b = world.partners["a"], world.partners["b"]
    org = Organization.objects.create(name="Cara Center", sector="health")
    c = Partnership.objects.create(initiative=world.alpha, organization=org, code="c")
    left = Partnership.objects.create(
        initiative=world.alpha,
        organization=Organization.objects.create(name="Gone", sector="faith"),
        code="gone",
        status="left",
    )
    late_joiner = Partnership.objects.create(
        initiative=world.alpha,
        organization=Organization.objects.create(name="New", sector="faith"),
        code="new",
        joined_on=date(2025, 1, 5),
    )
    grad = indicator(world, "grad")
    hours = indicator(world, "hours", deadline_days=90)  # through a group: its own default
    indicator(world, "monthly_one", frequency="monthly")
    for p in (a, b, c, left, late_joiner):
        ReportingAssignment.objects.create(indicator=grad, partnership=p, deadline_days=30)
    group = WorkingGroup.objects.create(initiative=world.alpha, code="g", name="G")
    group.partnerships.set([a, c])
    hours.shared_by_groups.add(group)

    # a: submitted on the due date in New York (03:00 UTC on the 31st is 22:00 on the 30th)
    report(a, "2024", [grad], submitted_at=at(2025, 1, 31, hour=3))
    # b: submitted the day after the due date
    report(b, "2024", [grad], submitted_at=at(2025, 1, 31, hour=18))
    # c: a draft is not submitted
    report(c, "2024", [grad, hours], status="draft")

    result = completeness(world.alpha, "2024", today=date(2025, 2, 15))
    assert states(result) == {
        ("a", "grad"): State.ON_TIME,
        ("a", "hours"): State.NOT_DUE,  # due 31 March; no value for it in a's report
        ("b", "grad"): State.LATE,
        ("c", "grad"): State.MISSING,
        ("c", "hours"): State.NOT_DUE,
    }
    assert result.tally.expected == 5
    assert result.tally.count("on_time") == 1
    assert result.tally.percent("missing") == 20.0
    assert [line.partnership.code for line in result.lines] == ["c", "b", "a"]  # worst first
    by_code = {line.partnership.code: line for line in result.lines}
    assert by_code["a"].tally.percent("on_time") == 50.0
    assert by_code["c"].missing_indicators == [grad.pk]
    # The month after: a's hours still not reported, now missing.
    later = completeness(world.alpha, "2024", today=date(2025, 4, 1))
    assert states(later)[("a", "hours")] == State.MISSING


def test_returned_and_approved_reports_count_from_their_submission(world):
    a, b = world.partners["a"], world.partners["b"]
    grad = indicator(world, "grad")
    for p in (a, b):
        ReportingAssignment.objects.create(indicator=grad, partnership=p)
    report(a, "2024", [grad], submitted_at=at(2025, 1, 10), status="returned")
    report(b, "2024", [grad], submitted_at=None, status="approved")  # created approved
    result = completeness(world.alpha, "2024", today=date(2025, 3, 1))
    assert states(result) == {("a", "grad"): State.ON_TIME, ("b", "grad"): State.ON_TIME}


def test_nothing_of_another_initiative_counts(world):
    theirs = Indicator.objects.create(
        initiative=world.beta,
        code="x",
        name="x",
        value_type="count",
        aggregation="sum",
        frequency="annual",
    )
    ReportingAssignment.objects.create(indicator=theirs, partnership=world.beta_partner)
    assert completeness(world.alpha, "2024", today=date(2025, 3, 1)).tally.expected == 0


# The page --------------------------------------------------------------------------------------


def add_partners(world, grad, n, start=0):
    for i in range(start, start + n):
        org = Organization.objects.create(name=f"Org {i:03d}", sector="nonprofit")
        p = Partnership.objects.create(initiative=world.alpha, organization=org, code=f"p{i:03d}")
        ReportingAssignment.objects.create(indicator=grad, partnership=p)
        if i % 2:
            report(p, "2024", [grad], submitted_at=at(2025, 1, 2))


def count_queries(client, address) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(address).status_code == 200
    return len(captured)


def test_the_page_takes_as_many_queries_for_50_partners_as_for_5(world):
    grad = indicator(world, "grad")
    indicator(world, "quarterly_one", frequency="quarterly")
    client = world.client("data_manager")
    url = reverse("completeness", args=["alpha"])
    add_partners(world, grad, 5)
    few, chosen = count_queries(client, url), count_queries(client, url + "?period=2024")
    add_partners(world, grad, 45, start=5)
    assert count_queries(client, url) == few
    assert count_queries(client, url + "?period=2024") == chosen


def test_the_page_shows_the_chosen_period_and_links_to_reports(world):
    grad = indicator(world, "grad")
    add_partners(world, grad, 3)
    response = world.client("data_manager").get(
        reverse("completeness", args=["alpha"]), {"period": "2024"}
    )
    text = response.content.decode()
    assert "2024 (1 Jan 2024 to 31 Dec 2024)" in text
    assert "reports expected" in text
    assert "/i/alpha/reporting/p000/2024/" in text
    # A funder sees the figures, not links into partners' raw data.
    funder = world.client("funder").get(reverse("completeness", args=["alpha"]), {"period": "2024"})
    assert funder.status_code == 200
    assert "/reporting/p000/" not in funder.content.decode()


def test_a_wrong_period_is_explained_and_the_defaults_shown(world):
    indicator(world, "grad")
    response = world.client("viewer").get(
        reverse("completeness", args=["alpha"]), {"period": "2024Q9"}
    )
    assert response.status_code == 200
    assert "not a period code" in response.content.decode()
    assert response.context["sections"]


def test_the_page_without_indicators_says_so(world):
    text = world.client("lead").get(reverse("completeness", args=["alpha"])).content.decode()
    assert "No indicators yet" in text
