"""The partner engagement score on the worked example of docs/console.md, worked out by hand."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from commonground.action.models import Activity, AgendaVersion, CharterSignature
from commonground.backbone.console import percent_text
from commonground.backbone.engagement_score import (
    NOT_APPLICABLE,
    Component,
    PartnerScore,
    engagement_scores,
    low_engagement,
)
from commonground.convening.models import Attendance
from commonground.measurement.models import DataValue, Indicator, ReportingAssignment, Submission
from tests.convening.decisions.helpers import local, occurrence

TODAY = date(2024, 6, 15)


def moment(y, m, d):
    return datetime(y, m, d, 12, tzinfo=timezone.get_current_timezone())


def reported(partnership, indicator, period, submitted_on):
    """A report sent on ``submitted_on`` with one value (set-up rows, in the past)."""
    submission = Submission.objects.create(
        partnership=partnership,
        period=period,
        status=Submission.Status.APPROVED,
        submitted_at=moment(*submitted_on),
    )
    DataValue.objects.create(
        submission=submission,
        indicator=indicator,
        partnership=partnership,
        period=period,
        value=Decimal(10),
        review_state="approved",
    )


@pytest.fixture
def example(world):
    """The worked example: partners A and B report one yearly indicator, due 30 days after
    each year; today is 15 June 2024.

    reporting (2020–2023, due 30 January of the next year):
      A: 2023 sent 10 Jan 2024 (on time), 2022 sent 20 Jan 2023 (on time), 2021 sent
         1 Mar 2022 (late), 2020 never (missing)                  → 2 of 4 on time
      B: 2023 sent 15 Feb 2024 (late), 2022 sent 5 Jan 2023 (on time), 2021 and 2020 missing
                                                                    → 1 of 4
    attendance (15 Dec 2023 – 15 Jun 2024): A's lead present, present, delegate, absent
      (an absence in November 2023 is before the window)           → 3 of 4; B: nobody
      expected                                                      → does not apply
    activities: A under way, planned, stalled (+ one completed)   → 2 of 3; B under way → 1 of 1
    commitments: version 2 adopted; A signed it → 1; B signed version 1 only → 0
    """
    alpha, a, b = world.alpha, world.partners["a"], world.partners["b"]
    kids = Indicator.objects.create(
        initiative=alpha,
        code="kids",
        name="Children served",
        value_type="count",
        aggregation="sum",
        frequency="annual",
    )
    for partner in (a, b):
        ReportingAssignment.objects.create(indicator=kids, partnership=partner, deadline_days=30)
    reported(a, kids, "2023", (2024, 1, 10))
    reported(a, kids, "2022", (2023, 1, 20))
    reported(a, kids, "2021", (2022, 3, 1))
    reported(b, kids, "2023", (2024, 2, 15))
    reported(b, kids, "2022", (2023, 1, 5))
    lead_a = world.users["partner_lead_a"]
    for day, status in [
        ((2023, 11, 1), "absent"),
        ((2024, 1, 10), "present"),
        ((2024, 2, 10), "present"),
        ((2024, 3, 10), "delegate"),
        ((2024, 4, 10), "absent"),
    ]:
        Attendance.objects.create(
            occurrence=occurrence(alpha, local(*day)), person=lead_a, status=status
        )
    for partner, status in [
        (a, Activity.Status.ACTIVE),
        (a, Activity.Status.PLANNED),
        (a, Activity.Status.STALLED),
        (a, Activity.Status.COMPLETED),
        (b, Activity.Status.ACTIVE),
    ]:
        Activity.objects.create(
            initiative=alpha, partnership=partner, title=f"{status} work", status=status
        )
    v1 = AgendaVersion.objects.create(initiative=alpha, number=1, status="superseded")
    v2 = AgendaVersion.objects.create(initiative=alpha, number=2, status="adopted")
    for partner, version in [(a, v1), (a, v2), (b, v1)]:
        CharterSignature.objects.create(
            partnership=partner, agenda_version=version, signed_at=moment(2024, 1, 1)
        )
    return world


def test_components_and_scores(example):
    b, a = engagement_scores(example.alpha, today=TODAY)  # lowest first
    assert a.partnership == example.partners["a"]
    assert a.reporting == Component(2, 4)
    assert a.attendance == Component(3, 4)
    assert a.activities == Component(2, 3)
    assert a.commitments == Component(1, 1)
    # (0.5 + 0.75 + 0.6667 + 1) ÷ 4 = 0.7292 → 73
    assert a.score == 73
    assert b.reporting == Component(1, 4)
    assert not b.attendance.applies
    assert b.activities == Component(1, 1)
    assert b.commitments == Component(0, 1)
    # (0.25 + 1 + 0) ÷ 3 = 0.4167 → 42 (attendance left out)
    assert b.score == 42
    assert low_engagement([b, a]) == [b]


def test_component_percent_rounds_half_up():
    assert Component(2, 3).percent == 67
    assert Component(1, 8).percent == 13  # 12.5 → 13
    assert Component(0, 0).value == 0
    assert Component(0, 0, applies=False).percent is None


def test_score_rounds_half_up(example):
    p = example.partners["a"]
    half = PartnerScore(p, Component(1, 8), NOT_APPLICABLE, NOT_APPLICABLE, NOT_APPLICABLE)
    assert half.score == 13  # 0.125 → 12.5 → 13
    assert half.is_low
    fifty = PartnerScore(p, Component(1, 2), Component(1, 2), NOT_APPLICABLE, NOT_APPLICABLE)
    assert fifty.score == 50
    assert not fifty.is_low  # "below 50" is strictly below


def test_nothing_applies_gives_no_score(world):
    """No report due, no meeting, no plan, no agenda: nobody has a score, none is low."""
    scores = engagement_scores(world.alpha, today=TODAY)
    assert [s.score for s in scores] == [None, None]
    assert low_engagement(scores) == []


def test_only_active_partners_and_only_this_initiative(example):
    example.partners["b"].status = "paused"
    example.partners["b"].save(update_fields=["status"])
    scores = engagement_scores(example.alpha, today=TODAY)
    assert [s.partnership for s in scores] == [example.partners["a"]]
    assert engagement_scores(example.beta, today=TODAY)[0].score is None


def test_console_percentages_round_half_up():
    assert [percent_text(v) for v in (Decimal("50.5"), 16.7, 0.0, None)] == ["51", "17", "0", "—"]
