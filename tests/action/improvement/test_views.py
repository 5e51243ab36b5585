"""Improvement pages through the client."""

import json
from datetime import date
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from commonground.action.improvement import services
from commonground.action.models import ImprovementProject, PDSACycle
from commonground.core.models import AuditEvent
from tests.action.improvement.world import OWNER, project
from tests.insight.reportcard_world import make_indicator, report


def detail_url(made):
    return reverse("improvement_detail", args=["alpha", made.pk])


def plan(world, made, **changes):
    fields = {
        "title": "Texts after the second absence",
        "plan": "Two schools text families.",
        "prediction": "Absences fall by 10%.",
        "started_on": date(2023, 9, 1),
    }
    return services.add_cycle(
        actor=world.users["lead"], project=made, data=services.CycleData(**{**fields, **changes})
    )


def test_the_project_page_draws_the_run_chart_for_those_who_see_results(world):
    indicator = make_indicator(world.alpha, "absent", unit="students")
    for year, value in [("2021", 40), ("2022", 30), ("2023", 35)]:
        report(
            world.users["lead"], world.partners["a"], year, {indicator: {"value": Decimal(value)}}
        )
    made = project(world)
    measure = services.add_measure(
        actor=world.users["lead"], project=made, kind="outcome", indicator=indicator
    )
    plan(world, made, study="Down to 30.", act="adopt", act_notes="All schools from fall.")
    response = world.client("viewer").get(detail_url(made))
    page = response.content.decode()
    assert f'id="run-spec-{measure.pk}"' in page
    chart = response.context["charts"][0]
    assert [r["period"] for r in chart.rows] == ["2023", "2022", "2021"]
    assert chart.rows[0]["cycles"] == ["PDSA 1"]
    assert "Median 35 students, of 2021–2023." in page
    assert "PDSA 1: Texts after the second absence" in page
    assert "All schools from fall." in page
    assert "Write up PDSA 1" not in page  # the viewer runs nothing
    spec = json.loads(
        page.split(f'id="run-spec-{measure.pk}" type="application/json">')[1].split("</script>")[0]
    )
    assert spec["layer"][-1]["data"]["values"][0]["period"] == "2021"

    partner = world.client("reporter_b").get(detail_url(made)).content.decode()
    assert "run-spec-" not in partner
    assert "shown to the members who see results" in partner


def test_the_owner_sees_the_forms(world):
    made = project(world)
    page = world.client(OWNER).get(detail_url(made)).content.decode()
    assert "Change the project" in page and "Add a measure" in page
    assert "Plan the first cycle" in page
    assert "No measures yet." in page and "No cycles yet." in page


def test_a_decision_before_the_study_is_shown_next_to_the_act(world):
    made = project(world)
    cycle = plan(world, made)
    url = reverse("improvement_cycle_edit", args=["alpha", made.pk, cycle.number])
    events = AuditEvent.objects.count()
    response = world.client(OWNER).post(
        url,
        {
            "title": cycle.title,
            "plan": cycle.plan,
            "prediction": cycle.prediction,
            "started_on": "2023-09-01",
            "act": "adopt",
        },
    )
    assert response.status_code == 400
    assert "Write the study" in response.context["form"].errors["act"][0]
    assert "Nothing was saved" in response.content.decode()
    cycle.refresh_from_db()
    assert cycle.act == ""
    assert AuditEvent.objects.count() == events


def test_the_cycle_form_is_filled_with_what_was_written(world):
    made = project(world)
    cycle = plan(world, made, do_notes="Sent from week two.")
    page = (
        world.client("facilitator")
        .get(reverse("improvement_cycle_edit", args=["alpha", made.pk, cycle.number]))
        .content.decode()
    )
    assert "Sent from week two." in page and 'value="2023-09-01"' in page


def test_a_duplicate_measure_comes_back_with_its_error(world):
    indicator = make_indicator(world.alpha, "absent")
    made = project(world)
    services.add_measure(
        actor=world.users["lead"], project=made, kind="outcome", indicator=indicator
    )
    response = world.client("lead").post(
        reverse("improvement_measure_add", args=["alpha", made.pk]),
        {"kind": "outcome", "indicator": "absent"},
    )
    assert response.status_code == 400
    (error,) = response.context["form"].errors["indicator"]
    assert error == "Absent is already one of this project's outcome measures."
    assert "already one of this project&#x27;s outcome measures" in response.content.decode()


def test_a_new_project_belongs_to_the_initiative_and_opens_on_its_page(world):
    response = world.client("facilitator").post(
        reverse("improvement_create", args=["alpha"]),
        {"title": "Ready for kindergarten", "aim": "80% ready by 2027.", "owner": ""},
    )
    made = ImprovementProject.objects.get()
    assert response["Location"] == detail_url(made)
    assert made.initiative == world.alpha and made.status == "active"


def test_the_list_reads_a_fixed_number_of_queries(world):
    client = world.client("lead")
    url = reverse("improvement_list", args=["alpha"])

    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == 200
        return len(context)

    made = project(world)
    plan(world, made)
    few = queries()
    for n in range(5):
        more = project(world, title=f"Project {n}", owner="reporter_a")
        services.add_measure(actor=world.users["lead"], project=more, kind="process", name="x")
        plan(world, more)
        plan(world, more)
    assert queries() == few
    assert PDSACycle.objects.count() == 11


def test_the_empty_list_says_what_to_do(world):
    page = world.client("lead").get(reverse("improvement_list", args=["alpha"])).content.decode()
    assert "No improvement projects yet." in page and "Start one with an aim" in page
    page = world.client("viewer").get(reverse("improvement_list", args=["alpha"])).content.decode()
    assert "Start a project" not in page
