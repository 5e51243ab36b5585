"""The indicator registry: pages, the services behind them, and their agreement with the loader."""

from decimal import Decimal

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commonground.core.errors import PermissionDenied
from commonground.core.models import AuditEvent
from commonground.initiatives.models import Initiative, Organization, Partnership, WorkingGroup
from commonground.measurement.framework import (
    FrameworkError,
    export_framework,
    load_framework_text,
)
from commonground.measurement.framework.apply import state
from commonground.measurement.models import (
    DataValue,
    Dimension,
    DimensionValue,
    ExternalCode,
    Indicator,
    ReportingAssignment,
    SeriesBreak,
    Submission,
    Target,
)
from commonground.measurement.services.registry import (
    BreakRow,
    IndicatorData,
    InvalidIndicator,
    TargetRow,
    create_indicator,
    import_framework,
    set_series_breaks,
    set_targets,
    update_indicator,
)

# A form post with every field of an indicator, for the views.
FORM = {
    "code": "grad_rate",
    "name": "On-time graduation rate",
    "definition": "Students graduating within four years.\r\nSecond line.",
    "level": "population",
    "performance_kind": "",
    "role": "core",
    "predicts": "",
    "unit": "%",
    "value_type": "rate",
    "scale_factor": "100",
    "polarity": "higher_better",
    "aggregation": "ratio_of_sums",
    "cumulative": "",
    "breakdown_complete": "on",
    "frequency": "school_year",
    "data_source": "Virginia Department of Education",
    "owner_group": "",
    "baseline_period": "SY2018-19",
    "baseline_value": "85.1",
    "min_value": "0",
    "max_value": "100",
    "decimals": "1",
    "is_published": "on",
    "deadline_days": "45",
    "sort_order": "3",
}


def formsets(targets=(), breaks=(), initial_targets=0, initial_breaks=0):
    """Management forms and rows of the two formsets, as a browser posts them."""
    data = {
        "targets-TOTAL_FORMS": str(len(targets)),
        "targets-INITIAL_FORMS": str(initial_targets),
        "targets-MIN_NUM_FORMS": "0",
        "targets-MAX_NUM_FORMS": "1000",
        "breaks-TOTAL_FORMS": str(len(breaks)),
        "breaks-INITIAL_FORMS": str(initial_breaks),
        "breaks-MIN_NUM_FORMS": "0",
        "breaks-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(targets):
        data.update({f"targets-{index}-{key}": value for key, value in row.items()})
    for index, row in enumerate(breaks):
        data.update({f"breaks-{index}-{key}": value for key, value in row.items()})
    return data


@pytest.fixture
def race(world):
    dimension = Dimension.objects.create(initiative=world.alpha, code="race", name="Race")
    for order, (code, name) in enumerate([("black", "Black"), ("white", "White")]):
        DimensionValue.objects.create(dimension=dimension, code=code, name=name, sort_order=order)
    return dimension


@pytest.fixture
def group(world):
    group = WorkingGroup.objects.create(initiative=world.alpha, code="literacy", name="Literacy")
    group.partnerships.set([world.partners["b"]])
    return group


def make(world, code="kinder", **fields):
    values = {
        "name": code.title(),
        "value_type": "count",
        "aggregation": "sum",
        "frequency": "annual",
        **fields,
    }
    return Indicator.objects.create(initiative=world.alpha, code=code, **values)


def data_for(indicator, **changes) -> IndicatorData:
    """The indicator as stored, with ``changes`` (fields, or dimensions / targets / breaks)."""
    from commonground.measurement.services.registry import _current_data

    data = _current_data(indicator)
    for name in ("dimensions", "shared_by_groups", "targets", "series_breaks"):
        if name in changes:
            setattr(data, name, changes.pop(name))
    data.fields.update(changes)
    return data


def problems(error) -> dict:
    return {p["field"]: p["message"] for p in error.value.details["problems"]}


# Creating and changing through the pages -------------------------------------------------------


def test_the_data_manager_creates_an_indicator_with_every_field(world, race, group):
    client = world.client("data_manager")
    post = {
        **FORM,
        "dimensions": [str(race.pk)],
        "owner_group": str(group.pk),
        "shared_by_groups": [str(group.pk)],
        **formsets(
            targets=[
                {"period": "SY2029-30", "value": "95", "cell_race": ""},
                {"period": "SY2029-30", "value": "93.5", "cell_race": "black"},
                {"period": "", "value": "", "cell_race": ""},  # an empty row is ignored
            ],
            breaks=[{"period": "SY2019-20", "note": "Tests not given during school closures"}],
        ),
    }
    response = client.post(reverse("indicator_create", args=["alpha"]), post)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response["Location"] == reverse("indicator_detail", args=["alpha", "grad_rate"])
    indicator = Indicator.objects.get(initiative=world.alpha, code="grad_rate")
    assert (indicator.value_type, indicator.aggregation, indicator.frequency) == (
        "rate",
        "ratio_of_sums",
        "school_year",
    )
    assert indicator.scale_factor == 100
    assert indicator.definition == "Students graduating within four years.\nSecond line."
    assert indicator.breakdown_complete and indicator.is_published and not indicator.cumulative
    assert (indicator.baseline_period, indicator.baseline_value) == ("SY2018-19", Decimal("85.1"))
    assert (indicator.min_value, indicator.max_value, indicator.decimals) == (0, 100, 1)
    assert (indicator.deadline_days, indicator.sort_order) == (45, 3)
    assert indicator.owner_group == group
    assert list(indicator.shared_by_groups.all()) == [group]
    assert list(indicator.dimensions.all()) == [race]
    assert sorted((t.period, t.cell, t.value) for t in indicator.targets.all()) == [
        ("SY2029-30", "", Decimal("95")),
        ("SY2029-30", "race=black", Decimal("93.5")),
    ]
    assert [(b.period, b.note) for b in indicator.breaks.all()] == [
        ("SY2019-20", "Tests not given during school closures")
    ]
    event = AuditEvent.objects.get(action="indicator.created")
    assert event.actor == world.users["data_manager"]
    assert event.before is None
    assert event.after["aggregation"] == "ratio_of_sums"
    assert event.after["targets"] == [["SY2029-30", "", "95"], ["SY2029-30", "race=black", "93.5"]]
    assert event.after["shared_by_groups"] == ["literacy"]


def test_editing_shows_the_stored_lists_and_audits_before_and_after(world, race):
    indicator = make(world, "kinder", frequency="annual")
    indicator.dimensions.set([race])
    Target.objects.create(indicator=indicator, period="2030", cell="race=black", value=90)
    SeriesBreak.objects.create(indicator=indicator, period="2020", note="New test")
    client = world.client("lead")
    url = reverse("indicator_edit", args=["alpha", "kinder"])
    page = client.get(url).content.decode()
    assert 'value="2030"' in page and 'value="New test"' in page and 'value="90"' in page
    assert '<option value="black" selected>' in page
    post = {
        **FORM,
        "code": "kinder",
        "name": "Kindergarten readiness",
        "value_type": "count",
        "aggregation": "sum",
        "frequency": "annual",
        "baseline_period": "2019",
        "dimensions": [str(race.pk)],
        **formsets(
            targets=[
                {"period": "2030", "value": "90", "cell_race": "black"},  # kept as it was
                {"period": "2031", "value": "91", "cell_race": ""},
            ],
            breaks=[{"period": "2020", "note": "New test", "DELETE": "on"}],
            initial_targets=1,
            initial_breaks=1,
        ),
    }
    response = client.post(url, post)
    assert response.status_code == 302, response.content.decode()[:3000]
    indicator.refresh_from_db()
    assert indicator.name == "Kindergarten readiness"
    assert sorted((t.period, t.cell) for t in indicator.targets.all()) == [
        ("2030", "race=black"),
        ("2031", ""),
    ]
    assert not indicator.breaks.exists()
    event = AuditEvent.objects.get(action="indicator.updated")
    assert event.before["name"] == "Kinder" and event.after["name"] == "Kindergarten readiness"
    assert event.before["series_breaks"] == [["2020", "New test"]]
    assert event.after["series_breaks"] == []


def test_saving_an_unchanged_indicator_writes_no_audit_event(world):
    indicator = make(world)
    update_indicator(actor=world.users["lead"], indicator=indicator, data=data_for(indicator))
    assert not AuditEvent.objects.filter(action="indicator.updated").exists()


@pytest.mark.parametrize(
    ("changes", "field", "fragment"),
    [
        ({"aggregation": "ratio_of_sums"}, "aggregation", "needs a rate"),
        ({"performance_kind": "how_well"}, "performance_kind", "Only performance measures"),
        ({"value_type": "narrative"}, "aggregation", "Narratives"),
        ({"baseline_period": "2024Q1"}, "baseline_period", "quarter period"),
        (
            {"baseline_value": "5", "baseline_period": ""},
            "baseline_period",
            "period of the baseline",
        ),
        ({"min_value": "10", "max_value": "5"}, "max_value", "below the lowest"),
        ({"scale_factor": "0"}, "scale_factor", "more than 0"),
        ({"baseline_value": "12345678901234.56"}, "baseline_value", "15 significant digits"),
        ({"code": "has space"}, "code", "letters"),
        ({"decimals": "7"}, "decimals", "0 and 6"),
        ({"deadline_days": "99999"}, "deadline_days", "Between 0"),
    ],
)
def test_the_form_refuses_what_the_loader_refuses(world, changes, field, fragment):
    post = {**FORM, "value_type": "count", "aggregation": "sum", "frequency": "annual"}
    post.update({"baseline_period": "2019", **changes})
    response = world.client("data_manager").post(
        reverse("indicator_create", args=["alpha"]), {**post, **formsets()}
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors, errors
    assert fragment in " ".join(errors[field]), errors[field]
    assert not Indicator.objects.exists()


def test_target_rows_are_checked_against_the_frequency_and_dimensions(world, race):
    post = {
        **FORM,
        "dimensions": [],
        **formsets(
            targets=[
                {"period": "2030", "value": "95", "cell_race": ""},
                {"period": "SY2029-30", "value": "95", "cell_race": "black"},
                {"period": "SY2029-30", "value": "96", "cell_race": ""},
                {"period": "SY2029-30", "value": "97", "cell_race": ""},
            ],
            breaks=[{"period": "2019", "note": "New test"}],
        ),
    }
    response = world.client("data_manager").post(reverse("indicator_create", args=["alpha"]), post)
    assert response.status_code == 400
    rows = response.context["targets"].forms
    assert "school year" in " ".join(rows[0].errors["period"])
    assert "not broken down by 'race'" in " ".join(rows[1].non_field_errors())
    assert not rows[2].errors
    assert "already a target" in " ".join(rows[3].errors["period"])
    assert "school year" in " ".join(response.context["breaks"].forms[0].errors["period"])
    assert "Nothing was saved" in response.content.decode()
    assert not Indicator.objects.exists()


def test_predicts_only_a_core_indicator_and_a_predicted_core_stays_core(world):
    core = make(world, "core_one")
    lead = world.users["lead"]
    contributing = make(world, "early", role="contributing")
    update_indicator(actor=lead, indicator=contributing, data=data_for(contributing, predicts=core))
    assert Indicator.objects.get(code="early").predicts == core
    with pytest.raises(InvalidIndicator) as error:
        update_indicator(actor=lead, indicator=core, data=data_for(core, role="contributing"))
    assert "must stay core" in problems(error)["role"]
    with pytest.raises(InvalidIndicator) as error:
        update_indicator(actor=lead, indicator=core, data=data_for(core, predicts=contributing))
    assert "Only a contributing indicator" in problems(error)["predicts"]
    other = make(world, "other", role="contributing")
    with pytest.raises(InvalidIndicator) as error:
        update_indicator(actor=lead, indicator=other, data=data_for(other, predicts=contributing))
    assert "not a core indicator" in problems(error)["predicts"]


def test_codes_are_unique_in_the_initiative_only(world):
    make(world, "kinder")
    other = Indicator.objects.create(
        initiative=world.beta,
        code="beta_only",
        name="B",
        value_type="count",
        aggregation="sum",
        frequency="annual",
    )
    assert other.pk
    with pytest.raises(InvalidIndicator) as error:
        create_indicator(
            actor=None, initiative=world.alpha, data=data_for(make(world, "x"), code="kinder")
        )
    assert "already has the code" in problems(error)["code"]


def reported(world, indicator, cell=""):
    submission = Submission.objects.create(partnership=world.partners["a"], period="2024")
    DataValue.objects.create(
        submission=submission,
        indicator=indicator,
        partnership=world.partners["a"],
        period="2024",
        cell=cell,
        value=5,
    )


def test_reported_data_fixes_the_frequency_code_and_used_dimensions(world, race):
    sex = Dimension.objects.create(initiative=world.alpha, code="sex", name="Sex")
    DimensionValue.objects.create(dimension=sex, code="f", name="Female")
    indicator = make(world)
    indicator.dimensions.set([race, sex])
    reported(world, indicator, cell="race=black")
    lead = world.users["lead"]
    with pytest.raises(InvalidIndicator) as error:
        update_indicator(
            actor=lead,
            indicator=indicator,
            data=data_for(indicator, frequency="quarterly", code="renamed", dimensions=[sex]),
        )
    found = problems(error)
    assert "frequency cannot change" in found["frequency"]
    assert "cannot change" in found["code"]
    assert "'race' cannot be removed" in found["dimensions"]
    # A dimension no reported cell uses can go.
    update_indicator(actor=lead, indicator=indicator, data=data_for(indicator, dimensions=[race]))
    assert list(indicator.dimensions.all()) == [race]


def test_stored_targets_and_breaks_must_fit_a_new_frequency_or_dimensions(world, race):
    indicator = make(world)
    indicator.dimensions.set([race])
    lead = world.users["lead"]
    set_targets(actor=lead, indicator=indicator, targets=[TargetRow("2030", 9, "race=black")])
    set_series_breaks(actor=lead, indicator=indicator, breaks=[BreakRow("2020", "New test")])
    with pytest.raises(InvalidIndicator) as error:
        update_indicator(
            actor=lead, indicator=indicator, data=data_for(indicator, frequency="quarterly")
        )
    assert "another frequency" in problems(error)["frequency"]
    with pytest.raises(InvalidIndicator) as error:
        update_indicator(actor=lead, indicator=indicator, data=data_for(indicator, dimensions=[]))
    assert "dimension you removed" in problems(error)["dimensions"]


def test_dhis2_mappings_fix_the_code_and_whether_it_is_a_rate(world):
    indicator = make(world, "grad", value_type="rate", aggregation="ratio_of_sums")
    ExternalCode.objects.create(
        initiative=world.alpha, kind="data_element", code="abc", target="grad.numerator"
    )
    with pytest.raises(InvalidIndicator) as error:
        update_indicator(
            actor=None,
            indicator=indicator,
            data=data_for(indicator, code="grad2", value_type="count", aggregation="sum"),
        )
    assert set(problems(error)) == {"code", "value_type"}


def test_services_check_the_permission_themselves(world):
    indicator = make(world)
    for persona in ("reporter_a", "facilitator", "outsider"):
        with pytest.raises(PermissionDenied):
            update_indicator(
                actor=world.users[persona], indicator=indicator, data=data_for(indicator, name="X")
            )
    with pytest.raises(PermissionDenied):
        create_indicator(
            actor=world.users["viewer"], initiative=world.alpha, data=data_for(indicator)
        )


def test_a_new_indicator_cannot_use_another_initiatives_dimension_or_group(world):
    foreign = Dimension.objects.create(initiative=world.beta, code="race", name="Race")
    foreign_group = WorkingGroup.objects.create(initiative=world.beta, code="g", name="G")
    data = data_for(make(world, "template"), code="new_one")
    data.dimensions, data.shared_by_groups = [foreign], [foreign_group]
    data.fields["owner_group"] = foreign_group
    with pytest.raises(InvalidIndicator) as error:
        create_indicator(actor=None, initiative=world.alpha, data=data)
    assert {"dimensions", "shared_by_groups", "owner_group"} <= set(problems(error))


# The pages people read ---------------------------------------------------------------------------


def test_the_list_filters_and_counts_partners_directly_and_through_groups(world, group):
    grad = make(world, "grad", value_type="rate", aggregation="ratio_of_sums", is_published=True)
    make(world, "hours", value_type="amount", frequency="quarterly")
    ReportingAssignment.objects.create(indicator=grad, partnership=world.partners["a"])
    grad.shared_by_groups.add(group)  # b is a member
    client = world.client("reporter_b")
    url = reverse("indicator_list", args=["alpha"])
    response = client.get(url)
    assert [(i.code, i.partner_count) for i in response.context["indicators"]] == [
        ("grad", 2),
        ("hours", 0),
    ]
    assert "Add an indicator" not in response.content.decode()
    assert [i.code for i in client.get(url, {"frequency": "quarterly"}).context["indicators"]] == [
        "hours"
    ]
    assert [i.code for i in client.get(url, {"published": "yes"}).context["indicators"]] == ["grad"]
    assert [i.code for i in client.get(url, {"group": "literacy"}).context["indicators"]] == [
        "grad"
    ]
    assert [i.code for i in client.get(url, {"q": "HOU"}).context["indicators"]] == ["hours"]
    empty = client.get(url, {"q": "nothing"}).content.decode()
    assert "No indicator matches these filters." in empty


def test_the_list_is_empty_with_a_next_step(world):
    page = world.client("data_manager").get(reverse("indicator_list", args=["alpha"]))
    assert "No indicators yet." in page.content.decode()
    assert "Add an indicator" in page.content.decode()


def _many(world, n, start=0):
    for i in range(start, start + n):
        indicator = make(world, f"ind{i:03d}")
        org = Organization.objects.create(name=f"Org {n}-{i}", sector="nonprofit")
        partner = Partnership.objects.create(
            initiative=world.alpha, organization=org, code=f"p{n}-{i}"
        )
        ReportingAssignment.objects.create(indicator=indicator, partnership=partner)


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_list_takes_as_many_queries_for_50_indicators_as_for_5(world):
    client = world.client("viewer")
    url = reverse("indicator_list", args=["alpha"])
    _many(world, 5)
    few = _count_queries(client, url)
    _many(world, 45, start=5)
    assert _count_queries(client, url) == few


def test_the_detail_page_explains_every_field_in_plain_words(world, race, group):
    grad = make(
        world,
        "grad",
        value_type="rate",
        aggregation="ratio_of_sums",
        scale_factor=100,
        unit="%",
        cumulative=True,
        owner_group=group,
        baseline_period="2018",
        baseline_value=Decimal("85.1"),
    )
    grad.dimensions.set([race])
    Target.objects.create(indicator=grad, period="2030", cell="race=black", value=100)
    SeriesBreak.objects.create(indicator=grad, period="2020", note="Schools closed")
    page = world.client("reporter_a").get(reverse("indicator_detail", args=["alpha", "grad"]))
    text = page.content.decode()
    assert (
        "the region&#x27;s rate is all partners&#x27; numerators added up divided by all their "
        "denominators, never the average of their percentages"
    ) in text
    assert "numerator ÷ denominator × 100 (a percentage)" in text
    assert "running total" in text
    assert "Race: Black" in text and "Schools closed" in text and "85.1%" in text
    assert '<td class="num">100</td>' in text  # never 1E+2
    assert "Change this indicator" not in text
    assert (
        world.client("reporter_a").get(reverse("indicator_detail", args=["alpha", "nope"]))
    ).status_code == 404


def test_an_indicator_of_another_initiative_is_not_found(world):
    Indicator.objects.create(
        initiative=world.beta,
        code="theirs",
        name="T",
        value_type="count",
        aggregation="sum",
        frequency="annual",
    )
    client = world.client("lead")
    assert client.get(reverse("indicator_detail", args=["alpha", "theirs"])).status_code == 404
    assert client.get(reverse("indicator_edit", args=["alpha", "theirs"])).status_code == 404


def test_form_fields_are_labelled_and_tied_to_their_help(world, race):
    page = world.client("data_manager").get(reverse("indicator_create", args=["alpha"]))
    text = page.content.decode()
    assert 'aria-describedby="id_aggregation_helptext"' in text
    assert 'id="id_aggregation_helptext"' in text
    assert '<label for="id_code">' in text
    assert "What the choices mean" in text
    assert 'aria-describedby="id_dimensions_helptext"' in text  # the fieldset
    assert "<script>" not in text


# The framework file ------------------------------------------------------------------------------


def test_export_is_a_framework_file_download(world, race):
    make(world, "kinder")
    response = world.client("data_manager").get(reverse("framework_export", args=["alpha"]))
    assert response["Content-Type"].startswith("application/yaml")
    assert 'filename="alpha-framework.yaml"' in response["Content-Disposition"]
    text = response.content.decode()
    assert "slug: alpha" in text and "code: kinder" in text


def upload(client, text, name="framework.yaml"):
    file = SimpleUploadedFile(name, text.encode(), content_type="application/yaml")
    return client.post(reverse("framework_import", args=["alpha"]), {"file": file})


def test_loading_a_file_shows_the_summary(world):
    make(world, "kinder")
    text = export_framework(world.alpha).replace("name: Kinder", "name: Kindergarten readiness")
    response = upload(world.client("data_manager"), text)
    assert response.status_code == 200
    assert "Loaded alpha: 0 created, 1 updated" in response.content.decode()
    assert Indicator.objects.get(code="kinder").name == "Kindergarten readiness"
    event = AuditEvent.objects.get(action="framework.indicator.updated")
    assert event.actor == world.users["data_manager"]


def test_a_broken_file_shows_its_one_line_problem_and_changes_nothing(world):
    make(world, "kinder")
    text = export_framework(world.alpha).replace("aggregation: sum", "aggregation: avg")
    response = upload(world.client("data_manager"), text, name="mine.yaml")
    assert response.status_code == 400
    error = response.context["form"].errors["file"][0]
    assert error.startswith("mine.yaml:") and "'avg' is not one of" in error
    assert Indicator.objects.get(code="kinder").aggregation == "sum"


def test_a_file_without_a_slug_gets_the_loaders_message(world):
    text = export_framework(world.alpha).replace("  slug: alpha\n", "", 1)
    response = upload(world.client("lead"), text)
    assert response.status_code == 400
    assert "initiative.slug: is required" in response.context["form"].errors["file"][0]


def test_a_file_of_another_initiative_is_refused(world):
    text = export_framework(world.beta)
    response = upload(world.client("lead"), text)
    assert response.status_code == 400
    assert "describes the initiative &#x27;beta&#x27;" in response.content.decode()


def test_a_data_manager_cannot_change_partners_or_settings_by_file(world):
    text = export_framework(world.alpha).replace("name: Alpha Schools", "name: Alpha Academy")
    response = upload(world.client("data_manager"), text)
    assert response.status_code == 400
    assert "only the backbone lead" in response.content.decode()
    assert not Organization.objects.filter(name="Alpha Academy").exists()
    assert not AuditEvent.objects.filter(action__startswith="framework.").exists()
    # The lead may.
    assert upload(world.client("lead"), text).status_code == 200
    assert Partnership.objects.get(initiative=world.alpha, code="a").organization.name == (
        "Alpha Academy"
    )


def test_an_organization_of_another_initiative_is_never_changed_from_here(world):
    beta_clinic = "Beta Clinic"
    text = export_framework(world.alpha)
    text = text.replace(
        "partners:\n",
        f"partners:\n  - code: clinic\n    name: {beta_clinic}\n"
        "    sector: health\n    annual_budget: 5\n",
        1,
    )
    with pytest.raises(Exception) as error:
        import_framework(actor=world.users["lead"], initiative=world.alpha, text=text)
    assert getattr(error.value, "code", "") == "shared_organization"
    assert Organization.objects.get(name=beta_clinic).annual_budget is None


# Forms and loader agree: a registry edited here exports to a file that loads back ---------------


def test_an_edited_registry_exports_and_loads_into_an_empty_database_unchanged(db):
    """Build a registry through the services, export it, empty the database, load it."""
    with transaction.atomic():
        alpha = Initiative.objects.create(
            name="Alpha", slug="alpha", school_year_start_month=8, fiscal_year_start_month=10
        )
        race = Dimension.objects.create(initiative=alpha, code="race", name="Race / ethnicity")
        for code, name in [("black", "Black"), ("white", "White")]:
            DimensionValue.objects.create(dimension=race, code=code, name=name)
        org = Organization.objects.create(name="Alpha Schools", sector="education")
        partner = Partnership.objects.create(initiative=alpha, organization=org, code="a")
        group = WorkingGroup.objects.create(initiative=alpha, code="literacy", name="Literacy")
        group.partnerships.set([partner])
        core = create_indicator(
            actor=None,
            initiative=alpha,
            data=IndicatorData(
                fields={
                    "code": "grad",
                    "name": "Graduation: on time\nand ' quoted \"",
                    "definition": "Line one\r\nline two\x85three  ",
                    "value_type": "rate",
                    "aggregation": "ratio_of_sums",
                    "frequency": "school_year",
                    "scale_factor": Decimal("100"),
                    "unit": "%",
                    "polarity": "higher_better",
                    "level": "performance",
                    "performance_kind": "better_off",
                    "role": "core",
                    "breakdown_complete": True,
                    "cumulative": False,
                    "data_source": "VDOE",
                    "baseline_period": "SY2018-19",
                    "baseline_value": Decimal("85.123456"),
                    "min_value": Decimal("0"),
                    "max_value": Decimal("100"),
                    "decimals": 2,
                    "is_published": True,
                    "deadline_days": 30,
                    "sort_order": 2,
                    "owner_group": group,
                },
                dimensions=[race],
                shared_by_groups=[group],
                targets=[
                    TargetRow("SY2029-30", Decimal("95.5")),
                    TargetRow("SY2029-30", Decimal("90"), "race=black"),
                ],
                series_breaks=[BreakRow("SY2019-20", "Closures")],
            ),
        )
        create_indicator(
            actor=None,
            initiative=alpha,
            data=IndicatorData(
                fields={
                    "code": "ready",
                    "name": "Ready",
                    "value_type": "count",
                    "aggregation": "sum",
                    "frequency": "fiscal_year",
                    "role": "contributing",
                    "predicts": core,
                    "scale_factor": Decimal("1"),
                    "decimals": 0,
                    "deadline_days": 30,
                    "sort_order": 0,
                    "baseline_period": "FY2019",
                    "baseline_value": None,
                    "min_value": None,
                    "max_value": None,
                }
            ),
        )
        from commonground.measurement.services.registry import assign_indicator

        assign_indicator(actor=None, indicator=core, partnership=partner, deadline_days=60)
        text = export_framework(alpha)
        stored = {
            i.code: {
                **state("indicator", i),
                "shared": sorted(g.code for g in i.shared_by_groups.all()),
            }
            for i in Indicator.objects.filter(initiative=alpha)
        }
        transaction.set_rollback(True)
    assert not Initiative.objects.exists()
    loaded = load_framework_text(text).initiative
    assert export_framework(loaded) == text
    again = {
        i.code: {
            **state("indicator", i),
            "shared": sorted(g.code for g in i.shared_by_groups.all()),
        }
        for i in Indicator.objects.filter(initiative=loaded)
    }
    ignore = {"id", "initiative", "owner_group", "predicts"}
    for code, fields in stored.items():
        mine = {k: v for k, v in fields.items() if k not in ignore}
        theirs = {k: v for k, v in again[code].items() if k not in ignore}
        assert mine == theirs, code
    assert Indicator.objects.get(code="ready").predicts.code == "grad"
    assert Indicator.objects.get(code="grad").owner_group.code == "literacy"
    assert ReportingAssignment.objects.get().deadline_days == 60


def test_a_page_edit_then_export_loads_into_a_new_initiative_identically(world, race, group):
    client = world.client("data_manager")
    post = {
        **FORM,
        "dimensions": [str(race.pk)],
        "owner_group": str(group.pk),
        "shared_by_groups": [str(group.pk)],
        **formsets(
            targets=[{"period": "SY2029-30", "value": "93.5", "cell_race": "black"}],
            breaks=[{"period": "SY2019-20", "note": "Closures"}],
        ),
    }
    assert client.post(reverse("indicator_create", args=["alpha"]), post).status_code == 302
    text = export_framework(world.alpha)
    copy = load_framework_text(text.replace("slug: alpha\n", "slug: alpha-copy\n", 1))
    assert export_framework(copy.initiative) == text.replace(
        "slug: alpha\n", "slug: alpha-copy\n", 1
    )


# Property: the registry's services and the loader accept exactly the same indicators ------------

PERIODS = {
    "annual": ["2024", "2025"],
    "quarterly": ["2024Q1", "2024Q4"],
    "school_year": ["SY2024-25", "SY2023-24"],
}
ODD_PERIODS = ["2024-03", "FY2024", "2024Q9"]
GOOD_NUMBERS = ["0", "1", "100", "-5", "0.5", "85.123456"]
BAD_NUMBERS = ["1.1234567", "12345678901234.56"]


@st.composite
def indicator_specs(draw):
    """Mostly valid indicators, each with a fair chance of one rule broken."""
    frequency = draw(st.sampled_from(list(PERIODS)))
    value_type = draw(st.sampled_from(Indicator.ValueType.values))
    usual = {"rate": "ratio_of_sums", "narrative": "none"}.get(value_type, "sum")
    level = draw(st.sampled_from(Indicator.Level.values))
    kinds = Indicator.PerformanceKind.values if level == "performance" else [""]

    def sometimes(good, bad):
        return draw(st.sampled_from([*good, *good, *good, *bad]))

    periods = PERIODS[frequency]
    number = st.sampled_from([*GOOD_NUMBERS, *GOOD_NUMBERS, *BAD_NUMBERS])
    maybe_number = st.one_of(st.none(), number)
    return {
        "value_type": value_type,
        "aggregation": sometimes([usual], Indicator.Aggregation.values),
        "level": level,
        "performance_kind": sometimes(kinds, Indicator.PerformanceKind.values),
        "frequency": frequency,
        "scale_factor": sometimes(["1", "100", "0.5"], ["0", "-1", "1.12345"]),
        "min_value": draw(maybe_number),
        "max_value": draw(maybe_number),
        "decimals": sometimes([0, 1, 6], [-1, 7]),
        "baseline_period": sometimes(["", *periods], ODD_PERIODS),
        "baseline_value": draw(maybe_number),
        "targets": draw(
            st.lists(
                st.tuples(st.sampled_from([*periods, *periods, *ODD_PERIODS]), number),
                max_size=3,
            )
        ),
        "breaks": draw(
            st.lists(
                st.tuples(
                    st.sampled_from([*periods, *periods, *ODD_PERIODS]),
                    st.sampled_from(["New test", "New test", " "]),
                ),
                max_size=2,
            )
        ),
    }


def _as_file(slug, spec) -> str:
    indicator = {
        "code": "ind",
        "name": "Indicator",
        **{k: spec[k] for k in ("value_type", "aggregation", "level", "frequency")},
        "performance_kind": spec["performance_kind"],
        "scale_factor": spec["scale_factor"],
        "decimals": spec["decimals"],
        "targets": [{"period": p, "value": v} for p, v in spec["targets"]],
        "series_breaks": [{"period": p, "note": n} for p, n in spec["breaks"]],
    }
    for name in ("min_value", "max_value"):
        if spec[name] is not None:
            indicator[name] = spec[name]
    baseline = {}
    if spec["baseline_period"]:
        baseline["period"] = spec["baseline_period"]
    if spec["baseline_value"] is not None:
        baseline["value"] = spec["baseline_value"]
    if baseline:
        indicator["baseline"] = baseline
    document = {"version": 1, "initiative": {"slug": slug, "name": slug}, "indicators": [indicator]}
    return yaml.safe_dump(document, sort_keys=False)


def _as_data(spec) -> IndicatorData:
    def number(text):
        return None if text is None else Decimal(text)

    fields = {
        "code": "ind",
        "name": "Indicator",
        **{k: spec[k] for k in ("value_type", "aggregation", "level", "frequency")},
        "performance_kind": spec["performance_kind"],
        "scale_factor": number(spec["scale_factor"]),
        "decimals": spec["decimals"],
        "min_value": number(spec["min_value"]),
        "max_value": number(spec["max_value"]),
        "baseline_period": spec["baseline_period"],
        "baseline_value": number(spec["baseline_value"]),
    }
    return IndicatorData(
        fields=fields,
        targets=[TargetRow(p, Decimal(v)) for p, v in spec["targets"]],
        series_breaks=[BreakRow(p, n) for p, n in spec["breaks"]],
    )


def _comparable(indicator) -> dict:
    found = state("indicator", indicator)
    return {k: v for k, v in found.items() if k not in ("id", "initiative")}


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(spec=indicator_specs())
def test_the_services_and_the_loader_accept_the_same_indicators(db, spec):
    with transaction.atomic():
        mine = Initiative.objects.create(slug="mine", name="mine")
        try:
            created = create_indicator(actor=None, initiative=mine, data=_as_data(spec))
        except InvalidIndicator:
            created = None
        try:
            loaded = load_framework_text(_as_file("theirs", spec))
        except FrameworkError:
            loaded = None
        assert (created is None) == (loaded is None), spec
        if created is not None:
            theirs = Indicator.objects.get(initiative=loaded.initiative, code="ind")
            assert _comparable(created) == _comparable(theirs)
            # What the loader accepted, the registry accepts unchanged.
            update_indicator(actor=None, indicator=theirs, data=data_for(theirs))
        transaction.set_rollback(True)
