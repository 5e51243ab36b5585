"""The action plan's pages through the client: lists, forms, errors, the alignment views."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from commonground.action.models import Activity, ActivityDependency, Milestone
from commonground.initiatives.models import Organization, Partnership, WorkingGroup
from tests.action.plan.plan_world import activity, build

Status = Activity.Status


@pytest.fixture
def plan(world):
    return build(world)


def url(name, *args):
    return reverse(name, args=["alpha", *args])


def text(response) -> str:
    """The page's text without tags or repeated spaces, for plain assertions."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


# --- the list and one activity ------------------------------------------------------------------


def test_the_plan_lists_activities_with_why_they_are_blocked(world, plan):
    response = world.client("viewer").get(url("activity_list"))
    assert response.status_code == 200
    page = text(response)
    assert "4 activities" in page
    assert "Reading tutors" in page and "Alpha Schools" in page
    assert "Blocked needs Tutor training , stalled" in page
    assert "Add an activity" not in page  # a viewer adds nothing


def test_filters(world, plan):
    client = world.client("partner_lead_a")
    blocked = text(client.get(url("activity_list"), {"problem": "blocked"}))
    assert "Reading tutors" in blocked and "Book clubs" not in blocked
    holding = text(client.get(url("activity_list"), {"problem": "holding"}))
    assert "Tutor training" in holding and "Reading tutors" not in holding
    none = text(client.get(url("activity_list"), {"strategy": "none"}))
    assert "Family nights" in none and "Book clubs" not in none
    by_partner = text(client.get(url("activity_list"), {"partner": "b", "q": "club"}))
    assert "Book clubs" in by_partner and "Family nights" not in by_partner
    empty = text(client.get(url("activity_list"), {"q": "nothing like it"}))
    assert "No activity matches these filters." in empty


def test_the_list_takes_the_same_queries_for_more_activities(
    world, plan, django_assert_max_num_queries
):
    client = world.client("lead")
    client.get(url("activity_list"))  # warm the session and the content types
    with django_assert_max_num_queries(20) as few:
        client.get(url("activity_list"))
    for n in range(30):
        extra = activity(world.alpha, world.partners["b"], f"More {n}", status=Status.ACTIVE)
        ActivityDependency.objects.create(activity=extra, depends_on=plan.activities["training"])
        Milestone.objects.create(activity=extra, title="Step", due_on="2020-01-01")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url("activity_list"))
    assert "34 activities" in text(response)


def test_an_activity_page_shows_its_links_milestones_and_dependencies(world, plan):
    tutors = plan.activities["tutors"]
    tutors.indicators.add(plan.indicators["served"])
    Milestone.objects.create(activity=tutors, title="Recruit 40 tutors", due_on="2020-01-15")
    response = world.client("partner_lead_a").get(url("activity_detail", tutors.pk))
    page = text(response)
    assert "Blocked. It depends on work that is not moving: Tutor training — stalled" in page
    assert "Reading help before school" in page and "Every child ready for kindergarten" in page
    assert "Children served" in page
    assert "Recruit 40 tutors 15 Jan 2020 Past due" in page
    assert "This activity is late: milestone “Recruit 40 tutors” was due on 15 Jan 2020" in page
    assert "Add a dependency" in page and "Edit the activity" in page
    other = text(
        world.client("partner_lead_a").get(url("activity_detail", plan.activities["clubs"].pk))
    )
    assert "Add a dependency" not in other and "Edit the activity" not in other


# --- adding and changing ------------------------------------------------------------------------


def form_data(**extra):
    return {
        "partnership": "a",
        "title": "Summer reading camp",
        "strategy": "tutoring",
        "goals": ["grad"],
        "indicators": ["served"],
        "working_group": "early",
        "population": "Rising first graders",
        "geography": "Albemarle County",
        "starts_on": "2026-06-15",
        "ends_on": "2026-08-15",
        "status": "planned",
        "budget": "12000",
        **extra,
    }


def test_a_partner_lead_adds_an_activity(world, plan):
    client = world.client("partner_lead_a")
    form = client.get(url("activity_create"), {"strategy": "attendance"})
    assert form.status_code == 200
    html = form.content.decode()
    assert '<option value="attendance" selected>' in html
    assert '<optgroup label="Every child ready for kindergarten">' in html
    assert 'value="b"' not in html  # partner B is not theirs to choose
    response = client.post(url("activity_create"), form_data())
    created = Activity.objects.get(title="Summer reading camp")
    assert response.status_code == 302
    assert response["Location"] == url("activity_detail", created.pk)
    assert created.working_group == plan.group and created.budget == 12000
    assert [g.code for g in created.goals.all()] == ["grad"]


def test_end_before_start_shows_next_to_the_field_and_saves_nothing(world, plan):
    count = Activity.objects.count()
    response = world.client("lead").post(
        url("activity_create"), form_data(starts_on="2026-09-01", ends_on="2026-08-01")
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert re.search(
        r'id="id_ends_on_error"><p class="error">The end date \(2026-08-01\) is before', html
    )
    assert "Nothing was saved" in html
    assert Activity.objects.count() == count


def test_another_initiatives_strategy_cannot_even_be_chosen(world, plan):
    response = world.client("lead").post(url("activity_create"), form_data(strategy="clinics"))
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


def test_a_partner_lead_cannot_post_for_another_partner(world, plan):
    response = world.client("partner_lead_a").post(
        url("activity_create"), form_data(partnership="b")
    )
    assert response.status_code == 400
    assert not Activity.objects.filter(title="Summer reading camp").exists()


def test_editing_keeps_what_is_not_changed(world, plan):
    tutors = plan.activities["tutors"]
    client = world.client("partner_lead_a")
    form = client.get(url("activity_edit", tutors.pk)).content.decode()
    assert 'value="Kindergartners"' in form and 'value="2025-09-01"' in form
    response = client.post(
        url("activity_edit", tutors.pk),
        {
            "partnership": "a",
            "title": "Reading tutors",
            "strategy": "tutoring",
            "working_group": "early",
            "population": "Kindergartners",
            "geography": "Charlottesville",
            "starts_on": "2025-09-01",
            "ends_on": "2030-06-30",
            "status": "completed",
        },
    )
    assert response.status_code == 302
    tutors.refresh_from_db()
    assert tutors.status == Status.COMPLETED


def test_a_cycle_posted_from_the_page_is_explained_and_refused(world, plan):
    training, tutors = plan.activities["training"], plan.activities["tutors"]
    response = world.client("partner_lead_a").post(
        url("activity_dependency_add", training.pk), {"depends_on": tutors.pk}
    )
    assert response.status_code == 400
    assert "would make a circle" in text(response)
    assert not ActivityDependency.objects.filter(activity=training).exists()


def test_a_dependency_and_a_milestone_from_the_page(world, plan):
    tutors, clubs = plan.activities["tutors"], plan.activities["clubs"]
    client = world.client("partner_lead_a")
    response = client.post(
        url("activity_dependency_add", tutors.pk), {"depends_on": clubs.pk, "note": "books"}
    )
    assert response.status_code == 302
    assert ActivityDependency.objects.filter(activity=tutors, depends_on=clubs).exists()
    # Another initiative's activity is not a choice.
    response = client.post(
        url("activity_dependency_add", tutors.pk), {"depends_on": plan.beta["activity"].pk}
    )
    assert response.status_code == 400
    response = client.post(url("milestone_add", tutors.pk), {"title": "", "due_on": "nope"})
    assert response.status_code == 400
    assert "Enter a valid date." in response.content.decode()
    client.post(url("milestone_add", tutors.pk), {"title": "Recruit", "due_on": "2026-01-15"})
    milestone = Milestone.objects.get(activity=tutors)
    client.post(url("milestone_done", tutors.pk, milestone.pk))
    milestone.refresh_from_db()
    assert milestone.done_on is not None


def test_deleting_from_the_page(world, plan):
    tutors = plan.activities["tutors"]
    response = world.client("partner_lead_a").post(url("activity_delete", tutors.pk))
    assert response["Location"] == url("activity_list")
    assert not Activity.objects.filter(pk=tutors.pk).exists()


# --- alignment views ----------------------------------------------------------------------------


def test_the_matrix_page(world, plan):
    page = world.client("funder").get(url("alignment"))
    html = page.content.decode()
    assert "Goal: Every child ready for kindergarten" in text(page)
    assert f'href="{url("activity_list")}?partner=a&amp;strategy=tutoring"' in html
    assert "none: a gap" in text(page)
    assert "Not linked to a current strategy" in text(page)


def test_the_matrix_page_takes_the_same_queries_for_1_or_30_partners(world, plan):
    """Partners of one group as the matrix's columns: first 1, then 30 (20 on a page)."""
    group = WorkingGroup.objects.create(initiative=world.alpha, code="many", name="Many")
    group.partnerships.add(world.partners["a"])
    client = world.client("viewer")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url("alignment"), {"group": "many"})
        assert response.status_code == 200
        return len(captured)

    queries()  # warm the session and the content types
    one = queries()
    for n in range(29):
        org = Organization.objects.create(name=f"Partner {n:02}", sector="nonprofit")
        partner = Partnership.objects.create(initiative=world.alpha, organization=org, code=f"p{n}")
        group.partnerships.add(partner)
        activity(world.alpha, partner, f"Work {n}", strategy=plan.strategies["attendance"])
    assert queries() == one
    page = client.get(url("alignment"), {"group": "many"})
    assert page.content.decode().count('class="partner-col"') == 20
    assert "Activities per strategy and partner (30 partners), partners 1–20" in text(page)


def test_the_gaps_page_links_to_what_to_fix(world, plan):
    data_manager = world.client("data_manager").get(url("plan_gaps")).content.decode()
    assert f"{reverse('assignments', args=['alpha'])}?indicator=unreported" in data_manager
    lead = world.client("lead").get(url("plan_gaps"))
    html = lead.content.decode()
    assert f"{url('activity_create')}?strategy=attendance" in html
    assert url("activity_edit", plan.activities["nights"].pk) in html
    page = text(lead)
    assert "Every student graduates — no strategy says how" in page
    viewer = world.client("viewer").get(url("plan_gaps")).content.decode()
    assert "?strategy=attendance" not in viewer
    assert reverse("indicator_detail", args=["alpha", "unreported"]) in viewer


def test_the_overlaps_page(world, plan):
    page = world.client("reporter_b").get(url("plan_overlaps"))
    assert "Kindergartners in Charlottesville" in text(page)
    assert "Talk it over in Early Grades Network" in text(page)
    Activity.objects.filter(pk=plan.activities["clubs"].pk).update(geography="Albemarle")
    assert "No overlap" in text(world.client("reporter_b").get(url("plan_overlaps")))


def test_the_dependency_page_draws_and_tells(world, plan):
    page = world.client("steering").get(url("plan_dependencies"))
    html = page.content.decode()
    assert '<svg class="dependency-svg"' in html
    assert 'class="node state-blocked"' in html and 'class="node state-problem"' in html
    assert 'class="edge blocking"' in html
    assert "Each activity and what it depends on" in text(page)
    assert "Tutor training (Alpha Schools) — stalled" in text(page)
    ActivityDependency.objects.all().delete()
    assert "No activity depends on another yet" in text(
        world.client("steering").get(url("plan_dependencies"))
    )


def test_empty_states(world):
    client = world.client("lead")
    assert "The plan has no activities yet." in text(client.get(url("activity_list")))
    assert "The common agenda has no strategies yet" in text(client.get(url("alignment")))
    assert "No overlap" in text(client.get(url("plan_overlaps")))
