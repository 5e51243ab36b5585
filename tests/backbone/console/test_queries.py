"""The console and the lists behind it take as many queries with 1,000 partners as with 10."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from commonground.action.models import Activity, AgendaVersion, CharterSignature
from commonground.convening.models import Attendance
from commonground.initiatives.models import Membership, Organization, Partnership
from commonground.initiatives.roles import Role
from commonground.measurement.models import DataValue, ReportingAssignment, Submission
from tests.backbone.console.console_world import build
from tests.convening.decisions.helpers import occurrence

PAGES = [
    "console",
    "console_engagement",
    "console_data_quality",
    "console_worsening",
    "console_charters",
]


def grow(world, reporting, meetings, version, upto: int) -> None:
    """More partners, up to ``upto`` in all, each with a person, its assignments, a submitted
    report with a flagged value, an activity, an old signature and a seat at the meetings."""
    alpha = world.alpha
    have = alpha.partnerships.count()
    numbers = range(have, upto)
    organizations = Organization.objects.bulk_create(
        Organization(name=f"Partner {n:04d}", sector="nonprofit", annual_budget=100_000)
        for n in numbers
    )
    partnerships = Partnership.objects.bulk_create(
        Partnership(initiative=alpha, organization=org, code=f"p{n:04d}")
        for n, org in zip(numbers, organizations, strict=True)
    )
    users = get_user_model().objects.bulk_create(
        get_user_model()(username=f"person{n:04d}", email=f"person{n:04d}@example.org")
        for n in numbers
    )
    Membership.objects.bulk_create(
        Membership(user=u, initiative=alpha, role=Role.PARTNER_REPORTER, partnership=p)
        for u, p in zip(users, partnerships, strict=True)
    )
    indicators = [reporting.grad, reporting.kids, reporting.story]
    ReportingAssignment.objects.bulk_create(
        ReportingAssignment(indicator=i, partnership=p) for p in partnerships for i in indicators
    )
    now = timezone.now()
    submissions = Submission.objects.bulk_create(
        Submission(partnership=p, period=reporting.period, status="submitted", submitted_at=now)
        for p in partnerships
    )
    DataValue.objects.bulk_create(
        DataValue(
            submission=s,
            indicator=reporting.kids,
            partnership=s.partnership,
            period=reporting.period,
            value=Decimal(99),
            flags=[{"code": "above_max", "message": "Above the maximum."}],
        )
        for s in submissions
    )
    Activity.objects.bulk_create(
        Activity(initiative=alpha, partnership=p, title="Tutoring", status="active")
        for p in partnerships
    )
    CharterSignature.objects.bulk_create(
        CharterSignature(partnership=p, agenda_version=version, signed_at=now) for p in partnerships
    )
    Attendance.objects.bulk_create(
        Attendance(occurrence=occ, person=u, status="present") for occ in meetings for u in users
    )


def queries(world, name: str) -> int:
    client = world.client("lead")
    url = reverse(name, args=["alpha"])
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


@pytest.mark.django_db
def test_query_count_is_flat_from_10_to_1000_partners(world):
    data = build(world)
    meetings = [occurrence(world.alpha, timezone.now() - timedelta(weeks=w)) for w in (1, 2)]
    version = AgendaVersion.objects.get(initiative=world.alpha, number=1)
    grow(world, data.reporting, meetings, version, upto=10)
    for name in PAGES:  # the first request of a test warms caches (content types, sessions)
        queries(world, name)
    small = {name: queries(world, name) for name in PAGES}
    grow(world, data.reporting, meetings, version, upto=1000)
    assert world.alpha.partnerships.count() == 1000
    large = {name: queries(world, name) for name in PAGES}
    assert large == small
    board = world.client("lead").get(reverse("console", args=["alpha"])).context["console"]
    approvals = next(t for t in board.tiles if t.kind == "approvals")
    assert approvals.figure.value == 1 + 998  # partner A's report and every new partner's
