"""The demo initiative: real published figures in, the right regional figures out.

The expected numbers are copied by hand from the CSV files in ``data/stepping-stones-2026``
and ``-2024``; the regional figures are worked out by hand as Σnumerator ÷ Σdenominator, times 100.
"""

import csv
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from commonground.core.models import AuditEvent
from commonground.demo import stepping_stones
from commonground.demo.build import ACCOUNTS, DEMO_PASSWORD, build_demo
from commonground.initiatives.models import (
    Initiative,
    Membership,
    Organization,
    Partnership,
    WorkingGroup,
)
from commonground.initiatives.roles import Role
from commonground.insight.aggregation import ValueRow, aggregate_series
from commonground.insight.document import build_report_card
from commonground.measurement.cells import TOTAL
from commonground.measurement.models import (
    DataValue,
    Indicator,
    ReportingAssignment,
    Submission,
    Target,
)
from commonground.measurement.periods import parse_period_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(built_demo):
    return built_demo


def stored(initiative, indicator, partner, period, cell=TOTAL):
    return DataValue.objects.get(
        indicator__initiative=initiative,
        indicator__code=indicator,
        partnership__code=partner,
        period=period,
        cell=cell,
    )


def card(initiative, code):
    card = build_report_card(initiative, public=False)
    return {report.indicator.code: report for report in card.indicators}[code]


def card_series(initiative, code):
    """The combined (all partners) series of an aggregated indicator's report."""
    return {point.period: point for point in card(initiative, code).total.points}


def same(value, expected):
    """Rollups keep ten decimal places."""
    return round(value, 8) == round(expected, 8)


def test_published_counts_are_stored_and_aggregate_to_the_region(demo):
    initiative = demo.initiative
    # graduation_rates.csv: cohort 2009, Albemarle 945 of 1056, Charlottesville 242 of 316.
    acps = stored(initiative, "grad_rate", "acps", "2009")
    ccs = stored(initiative, "grad_rate", "ccs", "2009")
    assert (acps.numerator, acps.denominator) == (945, 1056)
    assert (ccs.numerator, ccs.denominator) == (242, 316)
    region = card_series(initiative, "grad_rate")["2009"]
    assert (region.numerator, region.denominator) == (1187, 1372)
    assert same(region.value, Decimal(1187) / Decimal(1372) * 100)  # 86.52 %, not (89.49+76.58)/2

    # The same figure straight from aggregate_series over the stored rows.
    rows = [
        ValueRow(v.partnership_id, v.period, v.value, v.numerator, v.denominator, bool(v.censor))
        for v in DataValue.objects.filter(indicator__code="grad_rate", cell=TOTAL)
    ]
    order = {r.period: parse_period_for(initiative, r.period).start for r in rows}
    series = aggregate_series(
        rows,
        rule="ratio_of_sums",
        scale_factor=Decimal(100),
        cumulative=False,
        period_order=order,
    )
    assert same(series["2009"].value, region.value)
    assert round(series["2025"].value, 2) == Decimal("92.32")  # (1090 + 292) / (1161 + 336)

    # sol_pass_rates.csv, grade 3 reading 2024-2025: 722 of 1063 and 224 of 321.
    assert stored(initiative, "grade3_reading", "acps", "SY2024-25").numerator == 722
    reading = card_series(initiative, "grade3_reading")["SY2024-25"]
    assert same(reading.value, Decimal(946) / Decimal(1384) * 100)
    assert "SY2019-20" not in card_series(initiative, "grade3_reading")  # no tests in 2020

    # postsecondary_education.csv, 2023: 746 of 1040 and 178 of 268.
    postsec = card_series(initiative, "postsec_enroll")["2023"]
    assert same(postsec.value, Decimal(924) / Decimal(1308) * 100)

    # mckinney_vento_rates.csv, 2022-2023: 155 of 13970 and 126 of 4491, per 1,000.
    homeless = card_series(initiative, "homeless_students")["SY2022-23"]
    assert same(homeless.value, Decimal(281) / Decimal(18461) * 1000)


def test_counts_sum_and_percent_only_figures_are_not_aggregated(demo):
    initiative = demo.initiative
    # child_poverty.csv, 2024: FIPS 003 (Albemarle) 1576 children, 540 (Charlottesville) 1103.
    assert card_series(initiative, "children_in_poverty")["2024"].value == 2679
    assert stored(initiative, "child_poverty", "ccs", "2024").value == Decimal("14.6")
    # kindergarten_readiness.csv (BOM, CRLF): Charlottesville City 2024 47.7 %.
    assert stored(initiative, "kinder_ready", "ccs", "2024").value == Decimal("47.7")
    # Only percentages: no regional figure is made up; each division's own figure is shown.
    kinder = card(initiative, "kinder_ready")
    assert kinder.latest is None
    latest = {series.label: series.points[-1] for series in kinder.partners}
    assert latest["Charlottesville City Schools"].value == Decimal("57.7")  # 2025
    assert latest["Albemarle County Public Schools"].period == "2025"
    assert card(initiative, "chronic_absence").latest is None
    # Virginia's statewide rows are not partner data.
    assert not DataValue.objects.exclude(partnership__code__in=["acps", "ccs"]).exists()


def test_race_cells_come_from_the_2024_file(demo):
    # postsecondary_education_race.csv, 2020, Charlottesville, Black: 32 of 74.
    value = stored(demo.initiative, "postsec_enroll", "ccs", "2020", cell="race=black")
    assert (value.numerator, value.denominator, value.censor) == (32, 74, "")
    # NA rows (groups under ten graduates) are skipped, never stored as zero.
    asian = DataValue.objects.filter(cell="race=asian", partnership__code="ccs", period="2020")
    assert not asian.exists()
    assert not DataValue.objects.filter(numerator=0, cell__startswith="race=").exists()


def test_every_report_went_through_submit_and_approve(demo):
    initiative = demo.initiative
    submissions = Submission.objects.filter(partnership__initiative=initiative)
    assert submissions.count() == demo.submissions_approved > 0
    assert set(submissions.values_list("status", flat=True)) == {Submission.Status.APPROVED}
    data_manager = get_user_model().objects.get(username="data@demo.commonground.local")
    assert set(submissions.values_list("reviewed_by", flat=True)) == {data_manager.pk}
    submitted_by = set(submissions.values_list("submitted_by__username", flat=True))
    assert submitted_by == {
        "acps.reporter@demo.commonground.local",
        "ccs.reporter@demo.commonground.local",
    }
    events = AuditEvent.objects.filter(initiative=initiative)
    assert events.filter(action="submission.approved").count() == submissions.count()
    assert events.filter(action="value.saved").count() == DataValue.objects.count()


def counts():
    models = [
        Initiative,
        Organization,
        Partnership,
        Membership,
        WorkingGroup,
        Indicator,
        Target,
        ReportingAssignment,
        Submission,
        DataValue,
        AuditEvent,
        get_user_model(),
    ]
    return {model.__name__: model.objects.count() for model in models}


def test_building_twice_changes_nothing(demo):
    before = counts()
    again = build_demo()
    assert counts() == before
    assert again.values_saved == again.submissions_approved == again.accounts_created == 0
    assert again.values_locked == DataValue.objects.count()


def test_every_role_has_an_account_with_the_documented_password(demo):
    memberships = Membership.objects.filter(initiative=demo.initiative).select_related(
        "user", "partnership"
    )
    assert {m.role for m in memberships} == set(Role.values)
    for membership in memberships:
        assert membership.user.check_password(DEMO_PASSWORD)
        assert membership.user.username.endswith("@demo.commonground.local")
    reporters = {m.partnership.code for m in memberships if m.role == Role.PARTNER_REPORTER}
    assert reporters == {"acps", "ccs"}
    assert len(memberships) == len(ACCOUNTS)


def test_command_prints_the_logins():
    out = StringIO()
    call_command("demo", stdout=out)
    text = out.getvalue()
    for account in ACCOUNTS:
        assert account.username in text
    assert DEMO_PASSWORD in text
    assert "grad_rate: 36 values" in text
    assert "/accounts/login/" in text


# The readers, on small files with the quirks the real ones have -------------------------------


def write(path, text, *, bom=False, crlf=False):
    if crlf:
        text = text.replace("\n", "\r\n")
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode())
    return path


def test_reader_skips_na_keeps_censored_values_and_handles_bom_and_crlf(tmp_path):
    path = write(
        tmp_path / "race.csv",
        "year,locality,group,cohortsize,enrolledany,enrolled4yr,percent_any,percent_4yr\n"
        "2020,Charlottesville,Black,74,32,16,43.24324324324324,21.6\n"
        "2020,Charlottesville,Asian,NA,NA,NA,NA,NA\n"
        "2020,Albemarle,Hispanic,25,<10,NA,NA,NA\n"
        "2020,Virginia,Black,9000,5000,2000,55.55555555555556,22.2\n",
        bom=True,
        crlf=True,
    )
    values = list(stepping_stones.postsecondary_by_race(stepping_stones.read_rows(path, "r.csv")))
    values = [v for v in values if v is not None]
    assert [(v.partner, v.cell, v.numerator, v.denominator, v.censor) for v in values] == [
        ("ccs", {"race": "black"}, 32, 74, ""),
        ("acps", {"race": "hispanic"}, 10, 25, "<"),
    ]
    assert values[0].source == "r.csv:2"


def test_reader_refuses_what_it_does_not_know(tmp_path):
    path = write(
        tmp_path / "grad.csv",
        "cohort_year,level,division_number,division_name,type_of_graduation_rate,rate_type,"
        "graduation_rate,students_in_cohort,total_graduates\n"
        "2009,Division,2,Albemarle County,On-Time Graduation Rate,4 yr rate,89.49,945,1056\n",
    )
    with pytest.raises(stepping_stones.SourceDataError, match=r"grad\.csv:2"):
        list(stepping_stones.graduation_rates(stepping_stones.read_rows(path, "grad.csv")))
    write(
        path,
        "year,locality,group,cohortsize,enrolledany,percentany\n"
        "2009,Greene,All Students,100,50,50\n",
    )
    with pytest.raises(stepping_stones.SourceDataError, match="unknown place 'Greene'"):
        list(stepping_stones.postsecondary_totals(stepping_stones.read_rows(path, "p.csv")))


def test_race_file_totals_agree_with_the_2026_totals(settings):
    """The demo takes totals from the 2026 file and cells from the 2024 one: they must agree."""

    def totals(relative, year_column="year"):
        with (settings.DATA_DIR / relative).open(encoding="utf-8-sig", newline="") as handle:
            return {
                (row[year_column], row["locality"]): (row["cohortsize"], row["enrolledany"])
                for row in csv.DictReader(handle)
                if row["group"] == "All Students"
            }

    race_file = totals("stepping-stones-2024/postsecondary_education_race.csv")
    newer = totals("stepping-stones-2026/postsecondary_education.csv")
    assert race_file
    assert {key: newer[key] for key in race_file} == race_file
