"""The demo's grants: the Cardinal Futures Fund's, mapped to the agenda's strategies, with an
aligned share and a leverage worked by hand; building again adds nothing."""

from datetime import date
from decimal import Decimal

import pytest

from commonground.action.funding.alignment import fiscal_year, funding_alignment, leverage_for
from commonground.action.models import Grant
from commonground.demo import funding
from tests.demo.demo_accounts import Lines, demo_users

pytestmark = pytest.mark.django_db


def test_the_demo_grants_and_their_alignment(built_demo):
    initiative = built_demo.initiative
    funding.build(initiative, demo_users(), Lines())
    grants = Grant.objects.filter(initiative=initiative)
    assert grants.count() == len(funding.GRANTS)
    assert {g.funder.code for g in grants} == {"cardinal-fund"}
    assert grants.get(title="Backbone operating support").recorded_by.username.startswith("lead@")
    assert grants.get(title="College access mentoring").strategies.get().code == (
        "mentors-to-first-year"
    )

    year = fiscal_year(initiative)
    result = funding_alignment(initiative, year)
    # This year: tutors 250,000; this year's days of the two-year mentoring grant of 360,000
    # (a leap day may make the years unequal); the July–December days (184) of the calendar-year
    # attendance grant of 120,000; operating support 150,000, not aligned.
    y = int(year.code[2:])
    mentoring_days = (date(y + 1, 6, 30) - date(y - 1, 7, 1)).days + 1
    in_year = (date(y + 1, 6, 30) - date(y, 7, 1)).days + 1
    mentoring = (Decimal(360000) * in_year / mentoring_days).quantize(Decimal("0.01"))
    calendar_days = (date(y, 12, 31) - date(y, 1, 1)).days + 1
    attendance = (Decimal(120000) * 184 / calendar_days).quantize(Decimal("0.01"))
    aligned = Decimal(250000) + mentoring + attendance
    assert result.grants.aligned == aligned
    assert result.grants.total == aligned + Decimal(150000)

    # Leverage: the fictional partners' budgets (the two divisions have none) ÷ 1,500,000.
    leverage = leverage_for(initiative)
    assert leverage.partner_budgets == Decimal(420000 + 2800000 + 310000 + 5000000 + 45000)
    assert (leverage.without_budget, leverage.partners) == (2, 7)
    assert leverage.ratio == Decimal(8575000) / Decimal(1500000)  # 5.7×

    funding.build(initiative, demo_users(), Lines())
    assert Grant.objects.filter(initiative=initiative).count() == len(funding.GRANTS)
