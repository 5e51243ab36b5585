"""Funding alignment and leverage against hand-worked numbers (CONVENTIONS habit 8)."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from commonground.action.funding.alignment import (
    Leverage,
    fiscal_year,
    fiscal_years,
    funding_alignment,
    leverage_for,
    money_in_year,
)
from commonground.action.models import Activity, AgendaVersion, CharterSignature
from commonground.initiatives.models import Organization, Partnership
from commonground.measurement.periods import parse_period_for
from tests.action.funding.world import FY2024, fund, grant, strategy

D = Decimal


def fy(world, code="FY2024"):
    return parse_period_for(world.alpha, code)


# --- money in a year ---------------------------------------------------------------------------


def test_a_grant_of_the_whole_year_counts_in_full(world):
    assert money_in_year(D("120000"), *FY2024, fy(world)) == D("120000.00")


def test_a_two_year_grant_puts_half_in_each_year(world):
    # 1 July 2024 – 30 June 2026: 730 days, 365 in each fiscal year.
    starts, ends = date(2024, 7, 1), date(2026, 6, 30)
    assert money_in_year(D("200000"), starts, ends, fy(world)) == D("100000.00")
    assert money_in_year(D("200000"), starts, ends, fy(world, "FY2025")) == D("100000.00")
    assert money_in_year(D("200000"), starts, ends, fy(world, "FY2023")) == D("0.00")


def test_a_share_of_days_is_rounded_to_the_cent_halves_to_even(world):
    # $100 over 29 June – 1 July 2024 (3 days): 2 days before FY2024, 1 in it: 33.333… → 33.33.
    starts, ends = date(2024, 6, 29), date(2024, 7, 1)
    assert money_in_year(D("100"), starts, ends, fy(world)) == D("33.33")
    assert money_in_year(D("100"), starts, ends, fy(world, "FY2023")) == D("66.67")
    # $0.05 over 2 days, 1 in the year: 0.025 → 0.02 (half to even).
    assert money_in_year(D("0.05"), date(2025, 6, 30), date(2025, 7, 1), fy(world)) == D("0.02")


def test_open_dates_count_in_full_when_they_overlap(world):
    year = fy(world)
    assert money_in_year(D("40000"), None, None, year) == D("40000.00")
    assert money_in_year(D("40000"), date(2025, 1, 1), None, year) == D("40000.00")
    assert money_in_year(D("40000"), None, date(2024, 6, 30), year) == D("0.00")
    assert money_in_year(D("40000"), date(2025, 7, 1), None, year) == D("0.00")


# --- the alignment -------------------------------------------------------------------------------


@pytest.fixture
def money(world):
    """Grants, activities and charter signatures of alpha; the figures are worked below."""
    alpha = world.alpha
    s1 = strategy(alpha, "tutoring", sort_order=1)
    s2 = strategy(alpha, "attendance", sort_order=2)
    s3 = strategy(alpha, "old-idea", retired=True, sort_order=3)
    the_fund = fund(world)
    b = world.partners["b"]
    two_years = (date(2024, 7, 1), date(2026, 6, 30))
    last_year = (date(2023, 7, 1), date(2024, 6, 30))
    for title, funder, amount, dates, strategies in [
        ("1 tutoring", the_fund, "120000", FY2024, [s1]),
        ("2 two years", the_fund, "200000", two_years, [s1, s2]),
        ("3 unlinked", b, "30000", FY2024, []),
        ("4 retired only", the_fund, "50000", FY2024, [s3]),
        ("5 last year", the_fund, "999", last_year, [s1]),
    ]:
        grant(alpha, funder, amount=amount, starts_on=dates[0], ends_on=dates[1],
              strategies=strategies, title=title)  # fmt: skip
    # Another initiative's grant never counts.
    grant(world.beta, world.beta_partner, amount="7777", starts_on=FY2024[0], ends_on=FY2024[1])

    a = world.partners["a"]

    def activity(title, budget, strategy=None, status="active", dates=(None, None)):
        return Activity.objects.create(
            initiative=alpha,
            partnership=a,
            title=title,
            budget=budget,
            strategy=strategy,
            status=status,
            starts_on=dates[0],
            ends_on=dates[1],
        )

    activity("Tutors", D("40000"), s1)
    activity("Unlinked", D("10000"))
    activity("Attendance, two years", D("24000"), s2, dates=two_years)
    activity("Cancelled", D("99999"), s1, status="cancelled")
    activity("No budget", None, s1)
    activity("Retired idea", D("5000"), s3)
    activity("Last year", D("8000"), s1, dates=last_year)

    v1 = AgendaVersion.objects.create(initiative=alpha, number=1, status="superseded")
    v2 = AgendaVersion.objects.create(initiative=alpha, number=2, status="adopted")

    def sign(partnership, version, money, day):
        CharterSignature.objects.create(
            partnership=partnership,
            agenda_version=version,
            signed_at=datetime(*day, 12, tzinfo=UTC),
            money=D(money),
        )

    sign(a, v1, "10000", (2023, 9, 1))
    sign(a, v2, "15000", (2024, 9, 1))  # a's latest by the end of FY2024
    sign(b, v1, "5000", (2023, 10, 1))
    gone_org = Organization.objects.create(name="Gone", sector="nonprofit")
    gone = Partnership.objects.create(
        initiative=alpha, organization=gone_org, code="gone", status="left"
    )
    sign(gone, v1, "90000", (2023, 9, 1))  # left: not counted
    return {"s1": s1, "s2": s2, "s3": s3, "fund": the_fund, "b": b}


def test_funders_share_aligned_in_the_year(world, money):
    result = funding_alignment(world.alpha, fy(world))
    # In FY2024: 120,000 (s1) + 100,000 (half of 200,000; s1 and s2) + 30,000 (none)
    # + 50,000 (retired s3 only) = 300,000; aligned 120,000 + 100,000 = 220,000.
    assert result.grants.total == D("300000.00")
    assert result.grants.aligned == D("220000.00")
    assert result.grants.percent == D("220000") / D("300000") * 100  # 73.33…%
    assert result.grants.unaligned == D("80000.00")
    assert [(r.grant.title, r.money, r.aligned) for r in result.grant_rows] == [
        ("1 tutoring", D("120000.00"), True),
        ("2 two years", D("100000.00"), True),
        ("3 unlinked", D("30000.00"), False),
        ("4 retired only", D("50000.00"), False),
    ]


def test_by_strategy_counts_a_grant_under_each_of_its_strategies(world, money):
    result = funding_alignment(world.alpha, fy(world))
    rows = {row.strategy.code: row for row in result.by_strategy}
    assert list(rows) == ["tutoring", "attendance"]  # the retired one is not listed
    tutoring, attendance = rows["tutoring"], rows["attendance"]
    assert (tutoring.grants, tutoring.grant_count, tutoring.funder_count) == (
        D("220000.00"),
        2,
        1,
    )
    assert (attendance.grants, attendance.grant_count) == (D("100000.00"), 1)
    # Activities: tutors 40,000 under tutoring; half of 24,000 under attendance.
    assert (tutoring.activities, tutoring.activity_count) == (D("40000.00"), 1)
    assert (attendance.activities, attendance.activity_count) == (D("12000.00"), 1)
    assert not tutoring.unfunded


def test_by_funder(world, money):
    result = funding_alignment(world.alpha, fy(world))
    assert [
        (f.funder.code, f.grant_count, f.share.total, f.share.aligned) for f in result.by_funder
    ] == [("fund", 3, D("270000.00"), D("220000.00")), ("b", 1, D("30000.00"), D("0.00"))]
    assert result.by_funder[1].share.percent == 0


def test_partners_activity_budgets_and_charter_money(world, money):
    result = funding_alignment(world.alpha, fy(world))
    # 40,000 (s1) + 10,000 (none) + 12,000 (s2, half) + 5,000 (retired s3) = 67,000;
    # aligned 52,000. The cancelled one and last year's are out; one has no budget.
    assert result.activities == type(result.activities)(D("52000.00"), D("67000.00"))
    assert result.activities_without_budget == 1
    # a's latest signature by 30 June 2025 (15,000) + b's (5,000); "gone" left.
    assert (result.charter_money, result.charter_signers) == (D("20000.00"), 2)
    earlier = funding_alignment(world.alpha, fy(world, "FY2023"))
    assert (earlier.charter_money, earlier.charter_signers) == (D("15000.00"), 2)  # 10,000 + 5,000
    assert earlier.grants.total == D("999.00")
    assert earlier.activities.total == D("8000.00") + D("40000.00") + D("10000.00") + D("5000.00")


def test_no_money_means_no_share(world):
    result = funding_alignment(world.alpha, fy(world))
    assert result.grants.percent is None
    assert result.activities.percent is None
    assert result.by_strategy == result.by_funder == result.grant_rows == []


def test_alignment_reads_a_fixed_number_of_queries(world, money, django_assert_num_queries):
    with django_assert_num_queries(5):
        funding_alignment(world.alpha, fy(world))
    for _n in range(10):
        grant(world.alpha, money["b"], amount="10", starts_on=FY2024[0], ends_on=FY2024[1],
              strategies=[money["s1"], money["s2"]])  # fmt: skip
    with django_assert_num_queries(5):
        funding_alignment(world.alpha, fy(world))


# --- years ---------------------------------------------------------------------------------------


def test_fiscal_year_from_a_code_or_today(world):
    assert fiscal_year(world.alpha, "FY2024").start == date(2024, 7, 1)
    assert fiscal_year(world.alpha, "", today=date(2025, 3, 1)).code == "FY2024"
    assert fiscal_year(world.alpha, "2024", today=date(2025, 8, 1)).code == "FY2025"
    assert fiscal_year(world.alpha, "nonsense", today=date(2025, 8, 1)).code == "FY2025"


def test_fiscal_years_span_the_grants_and_today(world, money):
    codes = [y.code for y in fiscal_years(world.alpha, today=date(2027, 1, 1))]
    assert codes == ["FY2026", "FY2025", "FY2024", "FY2023"]


# --- leverage ------------------------------------------------------------------------------------


def test_leverage_is_partner_budgets_over_the_backbone_budget(world):
    world.alpha.backbone_budget = D("1500000")
    fund(world)  # $2,000,000; a and b have $1,000,000 each
    paused_org = Organization.objects.create(
        name="Paused", sector="nonprofit", annual_budget=D("9000000")
    )
    Partnership.objects.create(
        initiative=world.alpha, organization=paused_org, code="paused", status="paused"
    )
    unknown = Organization.objects.create(name="Unknown budget", sector="community")
    Partnership.objects.create(initiative=world.alpha, organization=unknown, code="unknown")
    leverage = leverage_for(world.alpha)
    assert leverage.partner_budgets == D("4000000")
    assert (leverage.partners, leverage.without_budget, leverage.with_budget) == (4, 1, 3)
    assert leverage.ratio == D("4000000") / D("1500000")  # 2.666…×
    assert leverage.missing is None


def test_leverage_is_not_available_without_a_backbone_budget_or_any_partner_budget(world):
    assert world.alpha.backbone_budget is None
    assert leverage_for(world.alpha).missing == Leverage.NO_BACKBONE_BUDGET
    assert leverage_for(world.alpha).ratio is None
    world.alpha.backbone_budget = D("0")
    assert leverage_for(world.alpha).ratio is None
    world.alpha.backbone_budget = D("100000")
    Organization.objects.update(annual_budget=None)
    leverage = leverage_for(world.alpha)
    assert leverage.missing == Leverage.NO_PARTNER_BUDGETS
    assert (leverage.ratio, leverage.without_budget, leverage.partners) == (None, 2, 2)


def test_leverage_reads_one_query(world, django_assert_num_queries):
    with django_assert_num_queries(1):
        leverage_for(world.alpha)
