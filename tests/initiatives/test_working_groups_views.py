"""Working-group pages through the client: the list, a group's page, and the forms."""

import re
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from commonground.convening.models import Meeting, Thread
from commonground.initiatives.models import WorkingGroup
from commonground.measurement.models import Indicator
from tests.action.plan.plan_world import build


def url(name, *args):
    return reverse(name, args=["alpha", *args])


def text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def test_the_group_page_brings_members_measures_activities_meetings_and_threads(world):
    plan = build(world)
    group = plan.group
    group.charter = "We help **every child** read by grade 3."
    group.cadence = "every two weeks"
    group.facilitator = world.users["facilitator"]
    group.save()
    group.members.add(world.users["partner_lead_a"])
    plan.indicators["served"].shared_by_groups.add(group)
    Indicator.objects.filter(pk=plan.indicators["unreported"].pk).update(owner_group=group)
    Meeting.objects.create(
        initiative=world.alpha,
        body=group,
        title="Early Grades check-in",
        starts_at=timezone.now() + timedelta(days=3),
    )
    Thread.objects.create(
        initiative=world.alpha,
        working_group=group,
        title="Summer reading ideas",
        last_post_at=timezone.now(),
    )
    response = world.client("reporter_b").get(url("working_group_detail", "early"))
    assert response.status_code == 200
    html, page = response.content.decode(), text(response)
    assert "<strong>every child</strong>" in html
    assert "Facilitator Facilitator" in page and "every two weeks" in page
    assert "Alpha Schools" in page and "Bright Futures Nonprofit" in page
    assert "Partner Lead A" in page
    assert "partner_lead_a@example.org" not in page  # a reporter sees no contacts
    assert "Children served" in page and "Nobody reports this" in page
    assert "Reading tutors" in page and "1 blocked" in page
    assert "Early Grades check-in" in page and "Summer reading ideas" in page
    assert url("group_report_card", "early") not in html  # reporters see no internal results
    viewer = world.client("viewer").get(url("working_group_detail", "early")).content.decode()
    assert url("group_report_card", "early") in viewer
    assert url("working_group_edit", "early") not in viewer


def test_a_new_group_page_says_what_to_do(world):
    WorkingGroup.objects.create(initiative=world.alpha, code="new-net", name="New network")
    page = text(world.client("facilitator").get(url("working_group_detail", "new-net")))
    assert "No charter written yet." in page and "Add members." in page
    assert "No activity is tied to this group yet." in page
    assert "No meeting scheduled." in page and "No discussion in this group yet." in page


def test_the_list_and_its_queries_stay_flat(world, django_assert_max_num_queries):
    client = world.client("viewer")
    assert "No working groups yet." in text(client.get(url("working_group_list")))
    build(world)
    client.get(url("working_group_list"))
    with django_assert_max_num_queries(20) as few:
        client.get(url("working_group_list"))
    for n in range(15):
        group = WorkingGroup.objects.create(initiative=world.alpha, code=f"g{n}", name=f"G {n}")
        group.partnerships.set(world.partners.values())
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url("working_group_list"))
    assert "G 14" in text(response)
    early = next(g for g in response.context["groups"] if g.code == "early")
    counts = (early.partner_count, early.people_count, early.activity_count, early.measure_count)
    assert counts == (2, 0, 1, 0)


def test_creating_a_group_from_the_form(world):
    client = world.client("facilitator")
    form = client.get(url("working_group_create"))
    assert form.status_code == 200
    response = client.post(
        url("working_group_create"),
        {
            "name": "Pathways",
            "code": "pathways",
            "kind": "network",
            "facilitator": world.users["facilitator"].pk,
        },
    )
    assert response["Location"] == url("working_group_detail", "pathways")
    response = client.post(
        url("working_group_create"), {"name": "Again", "code": "pathways", "kind": "network"}
    )
    assert response.status_code == 400
    assert re.search(
        r'id="id_code_error"><p class="error">Another group already has the code',
        response.content.decode(),
    )


def test_members_and_measures_from_their_forms(world):
    plan = build(world)
    client = world.client("lead")
    form = client.get(url("working_group_members", "early")).content.decode()
    assert re.search(rf'value="{world.partners["a"].pk}" id="[^"]+" checked', form)
    response = client.post(
        url("working_group_members", "early"),
        {"partnerships": [world.partners["b"].pk], "people": [world.users["viewer"].pk]},
    )
    assert response.status_code == 302
    assert list(plan.group.partnerships.all()) == [world.partners["b"]]
    assert list(plan.group.members.all()) == [world.users["viewer"]]
    response = client.post(
        url("working_group_measures", "early"), {"indicators": [plan.indicators["served"].pk]}
    )
    assert response.status_code == 302
    assert list(plan.group.shared_measures.all()) == [plan.indicators["served"]]


def test_the_code_does_not_change_on_edit(world):
    build(world)
    client = world.client("facilitator")
    form = client.get(url("working_group_edit", "early")).content.decode()
    assert 'name="code"' not in form and 'value="Early Grades Network"' in form
    response = client.post(
        url("working_group_edit", "early"),
        {"name": "Early Grades Network", "kind": "steering_committee", "code": "other"},
    )
    assert response.status_code == 302
    assert WorkingGroup.objects.get(initiative=world.alpha, code="early").kind == (
        "steering_committee"
    )
