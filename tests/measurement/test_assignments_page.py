"""The reporting assignments page: partners × indicators, and assigning from it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from commonground.core.errors import DomainError, PermissionDenied
from commonground.core.models import AuditEvent
from commonground.initiatives.models import Organization, Partnership, WorkingGroup
from commonground.measurement.models import Indicator, ReportingAssignment
from commonground.measurement.services.registry import (
    assign_indicator,
    set_assignments,
    unassign_indicator,
)


def make(world, code, **fields):
    values = {"name": code.title(), "value_type": "count", "aggregation": "sum", **fields}
    return Indicator.objects.create(initiative=world.alpha, code=code, frequency="annual", **values)


@pytest.fixture
def setup(world):
    grad = make(world, "grad", deadline_days=45)
    hours = make(world, "hours")
    group = WorkingGroup.objects.create(initiative=world.alpha, code="lit", name="Literacy")
    group.partnerships.set([world.partners["b"]])
    grad.shared_by_groups.add(group)
    ReportingAssignment.objects.create(
        indicator=hours, partnership=world.partners["a"], deadline_days=10
    )
    return grad, hours


def url(**query):
    from django.utils.http import urlencode

    base = reverse("assignments", args=["alpha"])
    return f"{base}?{urlencode(query)}" if query else base


def test_the_matrix_shows_direct_deadlines_and_groups(world, setup):
    response = world.client("funder").get(url())
    assert response.status_code == 200
    rows = {
        p.code: {c["indicator"].code: c for c in cells} for p, cells in response.context["rows"]
    }
    assert rows["a"]["hours"]["days"] == 10 and rows["a"]["grad"]["days"] is None
    assert rows["b"]["grad"]["via"] == ["Literacy"] and rows["b"]["grad"]["days"] is None
    assert rows["b"]["hours"] == {
        "indicator": rows["b"]["hours"]["indicator"],
        "days": None,
        "via": [],
    }
    text = response.content.decode()
    assert "via Literacy" in text and "10 days" in text
    assert 'name="reports_' not in text  # no editing for a funder
    assert world.client("funder").get(url(indicator="grad")).status_code == 404


def test_the_data_manager_assigns_changes_and_removes_from_the_page(world, setup):
    _grad, hours = setup
    client = world.client("data_manager")
    page = client.get(url(indicator="hours"))
    assert page.status_code == 200
    a, b = world.partners["a"], world.partners["b"]
    assert page.context["form"][f"reports_{a.pk}"].value() is True
    response = client.post(
        reverse("assignments", args=["alpha"]),
        {
            "indicator": "hours",
            "partner": [a.pk, b.pk],
            f"reports_{a.pk}": "",  # removed
            f"days_{a.pk}": "10",
            f"reports_{b.pk}": "on",  # added, with its own deadline
            f"days_{b.pk}": "20",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == url(indicator="hours")
    assert dict(
        ReportingAssignment.objects.filter(indicator=hours).values_list(
            "partnership__code", "deadline_days"
        )
    ) == {"b": 20}
    actions = list(AuditEvent.objects.order_by("pk").values_list("action", "before", "after"))
    assert actions == [
        ("assignment.deleted", {"indicator": "hours", "partner": "a", "deadline_days": 10}, None),
        ("assignment.created", None, {"indicator": "hours", "partner": "b", "deadline_days": 20}),
    ]


def test_a_bad_deadline_is_shown_and_nothing_changes(world, setup):
    a = world.partners["a"]
    response = world.client("lead").post(
        reverse("assignments", args=["alpha"]),
        {"indicator": "grad", "partner": [a.pk], f"reports_{a.pk}": "on", f"days_{a.pk}": "-1"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors
    assert not ReportingAssignment.objects.filter(indicator__code="grad").exists()


def test_services_refuse_other_initiatives_bad_deadlines_and_the_wrong_people(world, setup):
    grad, _hours = setup
    with pytest.raises(DomainError) as error:
        assign_indicator(actor=None, indicator=grad, partnership=world.beta_partner)
    assert error.value.code == "wrong_initiative"
    with pytest.raises(DomainError) as error:
        assign_indicator(
            actor=None, indicator=grad, partnership=world.partners["a"], deadline_days=-3
        )
    assert error.value.code == "bad_deadline"
    for persona in ("reporter_a", "viewer", "outsider"):
        with pytest.raises(PermissionDenied):
            assign_indicator(
                actor=world.users[persona], indicator=grad, partnership=world.partners["a"]
            )
        with pytest.raises(PermissionDenied):
            set_assignments(actor=world.users[persona], indicator=grad, wanted={})
    assert unassign_indicator(actor=None, indicator=grad, partnership=world.partners["a"]) is False


def test_changing_only_a_deadline_is_one_update_event(world, setup):
    _grad, hours = setup
    assign_indicator(
        actor=world.users["lead"],
        indicator=hours,
        partnership=world.partners["a"],
        deadline_days=12,
    )
    assign_indicator(
        actor=world.users["lead"],
        indicator=hours,
        partnership=world.partners["a"],
        deadline_days=12,
    )
    events = AuditEvent.objects.filter(action__startswith="assignment.")
    assert [(e.action, e.before["deadline_days"], e.after["deadline_days"]) for e in events] == [
        ("assignment.updated", 10, 12)
    ]


def test_the_empty_page_says_what_to_do(world):
    text = world.client("data_manager").get(url()).content.decode()
    assert "No indicators yet." in text


def add_partners(world, n, start=0):
    partners = []
    for i in range(start, start + n):
        org = Organization.objects.create(name=f"Org {i:04d}", sector="nonprofit")
        partners.append(
            Partnership.objects.create(initiative=world.alpha, organization=org, code=f"p{i:04d}")
        )
    return partners


def queries(client, address) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(address).status_code == 200
    return len(captured)


def test_queries_stay_flat_from_5_to_120_partners_and_pages_hold_50(world, setup):
    grad, hours = setup
    group = WorkingGroup.objects.get(code="lit")
    client = world.client("data_manager")
    few = add_partners(world, 5)
    for p in few:
        ReportingAssignment.objects.create(indicator=grad, partnership=p)
    group.partnerships.add(*few)
    first = queries(client, url())
    editing = queries(client, url(indicator="grad"))
    many = add_partners(world, 115, start=5)
    ReportingAssignment.objects.bulk_create(
        ReportingAssignment(indicator=hours, partnership=p) for p in many
    )
    group.partnerships.add(*many)
    for i in range(20):
        make(world, f"extra{i}")
    assert queries(client, url()) == first
    assert queries(client, url(indicator="grad")) == editing
    response = client.get(url(page=3))
    assert len(response.context["rows"]) == 22  # 122 partners: 50, 50, 22
    assert len(response.context["indicators"]) == 22


def test_search_and_pages_keep_the_chosen_indicator(world, setup):
    add_partners(world, 60)
    client = world.client("lead")
    response = client.get(url(q="Org 00", indicator="grad"))
    assert all(p.organization.name.startswith("Org 00") for p, _cells in response.context["rows"])
    page2 = client.get(url(indicator="grad", page=2)).content.decode()
    assert 'name="page" value="2"' in page2
