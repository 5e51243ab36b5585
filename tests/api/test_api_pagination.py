"""Lists come a page at a time, with links to the neighbouring pages, in a fixed number of
queries however many rows there are."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from commonground.initiatives.models import Organization, Partnership
from commonground.measurement.models import (
    Dimension,
    Indicator,
    ReportingAssignment,
    Submission,
)
from tests.api import objects


def add_partners(world, n: int) -> list[Partnership]:
    start = world.alpha.partnerships.count()
    added = []
    for i in range(start, start + n):
        org = Organization.objects.create(name=f"Partner {i:03}", sector="nonprofit")
        partnership = Partnership.objects.create(
            initiative=world.alpha, organization=org, code=f"p{i:03}"
        )
        world.partners[partnership.code] = partnership
        added.append(partnership)
    return added


def test_pages_and_their_links(api):
    add_partners(api.world, 5)  # 7 partners with a and b: p002 to p006
    first = api.call("viewer", "get", "/initiatives/alpha/partners", limit=3, sector="nonprofit")
    page = first.json()
    assert (page["count"], page["page"], page["limit"]) == (5, 1, 3)
    assert [p["code"] for p in page["results"]] == ["p002", "p003", "p004"]
    assert page["previous"] is None
    assert page["next"].startswith("http://testserver/api/v1/initiatives/alpha/partners?")
    assert "sector=nonprofit" in page["next"] and "page=2" in page["next"]
    second = api.call("viewer", "get", page["next"].removeprefix("http://testserver/api/v1")).json()
    assert [p["code"] for p in second["results"]] == ["p005", "p006"]
    assert second["next"] is None
    assert "page=1" in second["previous"]
    beyond = api.call("viewer", "get", "/initiatives/alpha/partners", page=9).json()
    assert beyond["results"] == [] and beyond["count"] == 7


def test_the_limit_has_a_maximum(api):
    response = api.call("viewer", "get", "/initiatives/alpha/partners", limit=201)
    assert response.status_code == 422


def add_reports(api, n: int):
    for partnership in add_partners(api.world, n):
        for indicator in (api.reporting.grad, api.reporting.kids, api.reporting.story):
            ReportingAssignment.objects.create(indicator=indicator, partnership=partnership)
        api.reporting.fill(partnership.code)


def add_rollups(api, n: int):
    """Approved reports of partner A for ``n`` more years: rollups for each."""
    start = 2000 + Submission.objects.count()
    for year in range(start, start + n):
        api.reporting.approved("a", period=str(year))


def add_indicators(api, n: int):
    start = Indicator.objects.count()
    for i in range(start, start + n):
        indicator = Indicator.objects.create(
            initiative=api.world.alpha,
            code=f"i{i}",
            name=f"Indicator {i}",
            value_type="count",
            aggregation="sum",
            frequency="annual",
        )
        indicator.dimensions.add(Dimension.objects.get(code="sex"))
        indicator.targets.create(period="2030", value=5)


GROW = {
    "partners": lambda api, n: add_partners(api.world, n),
    "indicators": add_indicators,
    "reports": add_reports,
    "rollups": add_rollups,
    "activities": lambda api, n: [objects.activity(api.world) for _ in range(n)],
    "meetings": lambda api, n: [objects.meeting(api.world) for _ in range(n)],
    "decisions": lambda api, n: [objects.decision(api.world) for _ in range(n)],
}


@pytest.mark.parametrize(
    ("path", "grow"),
    [
        ("/initiatives/alpha/partners", "partners"),
        ("/initiatives/alpha/indicators", "indicators"),
        ("/initiatives/alpha/submissions", "reports"),
        ("/initiatives/alpha/values", "reports"),
        ("/initiatives/alpha/rollups", "rollups"),
        ("/initiatives/alpha/activities", "activities"),
        ("/initiatives/alpha/meetings", "meetings"),
        ("/initiatives/alpha/decisions", "decisions"),
    ],
)
def test_lists_take_the_same_queries_with_more_rows(api, django_assert_max_num_queries, path, grow):
    GROW[grow](api, 2)
    with CaptureQueriesContext(connection) as few:
        assert api.call("lead", "get", path).status_code == 200
    GROW[grow](api, 6)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = api.call("lead", "get", path)
    assert response.status_code == 200
    assert response.json()["count"] >= 8
