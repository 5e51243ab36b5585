"""The reporting pages: a partner's to-do, the data-entry grid and its inline check."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from commonground.core.models import AuditEvent
from commonground.measurement import services
from commonground.measurement.models import DataValue, ReviewState, Submission
from commonground.measurement.reporting_periods import ended_periods, previous_period
from tests.measurement.reporting_world import build, last_year, year_before

D = Decimal
Status = Submission.Status


@pytest.fixture
def r(world):
    return build(world)


def grid_url(r, code="a", period=None):
    return reverse("reporting_grid", args=["alpha", code, period or r.period])


def validate_url(r, code="a", period=None):
    return reverse("reporting_validate", args=["alpha", code, period or r.period])


def text(response) -> str:
    """The page's text without tags or extra spaces, to assert on what a person reads."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def full_grid(**overrides):
    data = {
        "grad_rate::numerator": "945",
        "grad_rate::denominator": "1056",
        "grad_rate:sex=f:numerator": "480",
        "grad_rate:sex=f:denominator": "520",
        "kids_served::value": "47",
        "story::text": "The bus route changed.",
    }
    data.update(overrides)
    return data


# --- periods offered --------------------------------------------------------------------------


def test_ended_periods_are_the_last_two_years_newest_first(world):
    today = date(2025, 3, 15)
    assert [p.code for p in ended_periods(world.alpha, "annual", today)] == ["2024", "2023"]
    quarters = [p.code for p in ended_periods(world.alpha, "quarterly", today)]
    # 2023Q1 ended on 31 March 2023: less than two years before 15 March 2025.
    assert quarters == [f"{y}Q{q}" for y in (2024, 2023) for q in (4, 3, 2, 1)]
    months = [p.code for p in ended_periods(world.alpha, "monthly", today)]
    assert months[0] == "2025-02" and months[-1] == "2023-03" and len(months) == 24
    # The initiative's school year starts in July: SY2023-24 ended on 30 June 2024.
    assert [p.code for p in ended_periods(world.alpha, "school_year", today)] == [
        "SY2023-24",
        "SY2022-23",
    ]
    # A period is reportable the day after its last day, not on it.
    assert ended_periods(world.alpha, "annual", date(2024, 12, 31))[0].code == "2023"
    assert ended_periods(world.alpha, "annual", date(2025, 1, 1))[0].code == "2024"


@pytest.mark.parametrize(
    ("code", "before"),
    [
        ("2024", "2023"),
        ("2024Q1", "2023Q4"),
        ("2024Q3", "2024Q2"),
        ("2024-01", "2023-12"),
        ("2024-11", "2024-10"),
        ("SY2024-25", "SY2023-24"),
        ("FY2024", "FY2023"),
        ("nonsense", None),
    ],
)
def test_previous_period(world, code, before):
    assert previous_period(world.alpha, code) == before


# --- the to-do --------------------------------------------------------------------------------


def test_reporter_sees_own_partners_periods_with_status_due_date_and_late(r, settings):
    r.fill("a")  # last year: a draft
    approved = r.approved("a", year_before())
    response = r.world.client("reporter_a").get(reverse("reporting_todo", args=["alpha"]))
    assert response.status_code == 200
    page = text(response)
    assert "What Alpha Schools reports" in page
    reports = response.context["reports"]
    assert [rep.period.code for rep in reports] == [last_year(), year_before()]
    latest, older = reports
    assert latest.status == "draft" and older.status == "approved"
    assert latest.submission.pk != approved.pk
    assert [d.indicator.code for d in latest.indicators] == ["grad_rate", "kids_served", "story"]
    assert latest.due == date(int(last_year()) + 1, 1, 30)  # 30 days after 31 December
    assert latest.late == (timezone.localdate() > latest.due)
    assert not older.late
    assert latest.values == 4
    assert reverse("reporting_grid", args=["alpha", "a", last_year()]) in response.content.decode()
    # Partner B's reports are not there.
    assert "Bright Futures" not in page


def test_an_old_report_still_open_is_listed(r):
    old = r.submitted("a", "2015")
    services.return_submission(actor=None, submission=old, comment="Recount")
    reports = (
        r.world.client("reporter_a")
        .get(reverse("reporting_todo", args=["alpha"]))
        .context["reports"]
    )
    assert [rep.period.code for rep in reports][-1] == "2015"
    assert reports[-1].status == "returned"


def test_not_started_and_late(r, monkeypatch):
    today = date(int(last_year()) + 1, 3, 1)
    monkeypatch.setattr(timezone, "localdate", lambda: today)
    response = r.world.client("reporter_a").get(reverse("reporting_todo", args=["alpha"]))
    latest = response.context["reports"][0]
    assert latest.status == "not_started" and latest.late
    page = text(response)
    assert "Not started" in page and "Late" in page and "Enter data" in page


def test_a_partner_without_assignments_gets_an_empty_state(world):
    response = world.client("reporter_a").get(reverse("reporting_todo", args=["alpha"]))
    assert response.status_code == 200
    assert "No shared indicator is assigned to this partner yet" in text(response)


@pytest.mark.parametrize("persona", ["lead", "data_manager", "steering"])
def test_backbone_picks_a_partner(r, persona):
    r.submitted("b")
    client = r.world.client(persona)
    response = client.get(reverse("reporting_todo", args=["alpha"]))
    assert response.context["mode"] == "all"
    page = text(response)
    assert "Partners with reports not yet approved" in page
    assert "Bright Futures Nonprofit" in page
    [row] = response.context["open_reports"]
    assert row["code"] == "b" and row["counts"] == [0, 1, 0, 0]
    chosen = client.get(reverse("reporting_todo", args=["alpha"]), {"partner": "b"})
    assert chosen.context["partnership"] == r.partner("b")
    assert chosen.context["reports"][0].status == "submitted"
    assert client.get(reverse("reporting_todo", args=["alpha"]), {"partner": "zz"}).status_code == (
        404
    )


@pytest.mark.parametrize("persona", ["facilitator", "funder", "viewer"])
def test_roles_that_do_not_report_get_an_explanation(r, persona):
    response = r.world.client(persona).get(reverse("reporting_todo", args=["alpha"]))
    assert response.status_code == 200
    assert response.context["mode"] == "none"
    assert "nothing for you to do here" in text(response)
    assert "Alpha Schools" not in text(response)


def test_todo_query_count_does_not_grow_with_reports(r, django_assert_max_num_queries):
    client = r.world.client("reporter_a")
    url = reverse("reporting_todo", args=["alpha"])
    client.get(url)
    for year in range(2000, 2020):
        r.fill("a", str(year))
    with django_assert_max_num_queries(14):
        client.get(url)


# --- the grid: reading ------------------------------------------------------------------------


def test_grid_has_a_row_per_indicator_and_cell_with_units(r):
    response = r.world.client("reporter_a").get(grid_url(r))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [(row.indicator.code, row.cell, row.label) for row in rows] == [
        ("grad_rate", "", "Total"),
        ("grad_rate", "sex=f", "Sex: Female"),
        ("grad_rate", "sex=m", "Sex: Male"),
        ("kids_served", "", "Total"),
        ("story", "", "Total"),
    ]
    html = response.content.decode()
    page = text(response)
    assert "(%, numerator ÷ denominator × 100)" in page
    assert "(count, children)" in page
    assert 'name="grad_rate:sex=f:numerator"' in html
    assert 'name="grad_rate:sex=f:denominator"' in html
    assert 'name="kids_served::value"' in html
    assert 'name="story::text"' in html
    assert html.count('name="action"') == 2
    # Every input has a label that names the indicator and the cell.
    assert 'for="r1-numerator"' in html
    assert 'Numerator<span class="visually-hidden">, On-time graduation rate, Sex: Female' in html
    # The inline check: htmx posts only the row's inputs.
    assert f'hx-post="{validate_url(r)}"' in html
    assert 'hx-trigger="change, keyup delay:500ms"' in html
    assert (
        'hx-params="csrfmiddlewaretoken,row,grad_rate:sex=f:numerator,'
        'grad_rate:sex=f:denominator,grad_rate:sex=f:comment"' in html
    )
    assert "<script" not in html.split("</head>")[1]  # no inline script (CSP)
    assert " onclick" not in html and " onchange" not in html


def test_saved_values_are_shown_with_censored_marks_and_flags(r):
    submission = r.fill("a")
    DataValue.objects.filter(indicator=r.kids).update(
        censor="<", value=D(10), flags=[{"code": "outlier", "message": "Far from usual."}]
    )
    response = r.world.client("reporter_a").get(grid_url(r))
    html = response.content.decode()
    assert 'name="kids_served::value" value="&lt;10"' in html
    assert 'name="grad_rate::numerator" value="945"' in html
    assert "Far from usual." in text(response)
    assert "explain it in the comment" in text(response)
    assert "Rate: 89.5%" in text(response)  # 945 / 1056 × 100
    assert response.context["submission"] == submission


def test_a_cell_over_two_dimensions_brought_by_a_file_is_shown(r):
    from commonground.measurement.models import Dimension

    race = Dimension.objects.create(initiative=r.world.alpha, code="race", name="Race")
    race.values.create(code="black", name="Black")
    r.grad.dimensions.add(race)
    submission = r.report()
    services.save_values(
        actor=None,
        submission=submission,
        entries=[
            services.Entry(r.grad, {"race": "black", "sex": "f"}, numerator=D(5), denominator=D(9))
        ],
    )
    rows = r.world.client("reporter_a").get(grid_url(r)).context["rows"]
    labels = [row.label for row in rows if row.indicator == r.grad]
    assert labels == [
        "Total",
        "Race: Black",
        "Sex: Female",
        "Sex: Male",
        "Race: Black, Sex: Female",
    ]


def test_unknown_period_or_partner_is_404(r):
    client = r.world.client("data_manager")
    assert client.get(reverse("reporting_grid", args=["alpha", "a", "2024Q5"])).status_code == 404
    assert client.get(reverse("reporting_grid", args=["alpha", "zz", "2024"])).status_code == 404
    assert client.get(reverse("reporting_grid", args=["beta", "c", "2024"])).status_code == 404


def test_a_period_of_no_assigned_frequency_says_so(r):
    response = r.world.client("reporter_a").get(grid_url(r, period="2024Q1"))
    assert response.status_code == 200
    assert "is not a period this partner reports for" in text(response)


def test_steering_reads_without_inputs(r):
    r.fill("a")
    response = r.world.client("steering").get(grid_url(r))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="grad_rate::numerator"' not in html
    assert 'name="kids_served::value"' not in html
    assert 'name="action"' not in html
    page = text(response)
    assert "945 ÷ 1,056 = 89.5%" in page
    assert "You can read this report" in page


def test_submitted_report_is_read_only_for_the_reporter(r):
    r.submitted("a")
    response = r.world.client("reporter_a").get(grid_url(r))
    assert 'name="action"' not in response.content.decode()
    assert "waiting for review" in text(response)


# --- the grid: saving -------------------------------------------------------------------------


def test_save_draft_creates_the_report_and_values(r):
    client = r.world.client("reporter_a")
    response = client.post(
        grid_url(r), full_grid(action="save", **{"kids_served::comment": "roster"})
    )
    assert response.status_code == 302
    assert response["Location"] == grid_url(r)
    submission = Submission.objects.get(partnership=r.partner("a"), period=r.period)
    assert submission.status == Status.DRAFT
    values = {(v.indicator.code, v.cell): v for v in submission.values.select_related("indicator")}
    assert set(values) == {
        ("grad_rate", ""),
        ("grad_rate", "sex=f"),
        ("kids_served", ""),
        ("story", ""),
    }
    assert values[("kids_served", "")].comment == "roster"
    assert values[("grad_rate", "sex=f")].numerator == D(480)
    follow = client.get(grid_url(r))
    assert "The draft was saved." in text(follow)


def test_censored_input_is_kept_as_censored(r):
    client = r.world.client("reporter_a")
    client.post(grid_url(r), full_grid(action="save", **{"kids_served::value": "<10"}))
    value = DataValue.objects.get(indicator=r.kids)
    assert (value.value, value.censor) == (D(10), "<")


def test_an_empty_grid_saves_nothing(r):
    response = r.world.client("reporter_a").post(grid_url(r), {"action": "save"})
    assert response.status_code == 302
    assert not Submission.objects.exists()


def test_a_bad_number_keeps_what_was_typed_and_points_at_the_input(r):
    client = r.world.client("reporter_a")
    response = client.post(
        grid_url(r), full_grid(action="save", **{"grad_rate:sex=f:numerator": "4x0"})
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="grad_rate:sex=f:numerator" value="4x0"' in html
    assert 'name="kids_served::value" value="47"' in html
    assert 'name="story::text"' in html and "The bus route changed." in html
    assert "“4x0” is not a number." in text(response)
    assert 'href="#r1-numerator"' in html  # the summary links to the input
    assert re.search(r'id="r1-numerator"[^>]*aria-invalid="true"', html)
    assert re.search(r'id="r1-numerator"[^>]*aria-describedby="r1-findings"', html)
    assert not Submission.objects.exists()
    assert not DataValue.objects.exists()


def test_a_refused_save_keeps_the_values_and_says_why(r):
    client = r.world.client("reporter_a")
    response = client.post(
        grid_url(r), full_grid(action="save", **{"grad_rate:sex=f:numerator": "600"})
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="grad_rate:sex=f:numerator" value="600"' in html
    assert "the numerator (600) is larger than the denominator (520)" in text(response)
    assert re.search(r'id="r1-numerator"[^>]*aria-invalid="true"', html)
    assert "Nothing was saved" in text(response)
    # The draft was not even created: the save is all or nothing.
    assert not Submission.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="value.").exists()


def test_a_censored_denominator_is_refused(r):
    response = r.world.client("reporter_a").post(
        grid_url(r), full_grid(action="save", **{"grad_rate::denominator": "<1000"})
    )
    assert response.status_code == 200
    assert "The denominator must be an exact number" in text(response)
    assert not DataValue.objects.exists()


def test_submit_saves_then_submits(r):
    client = r.world.client("reporter_a")
    response = client.post(grid_url(r), full_grid(action="submit"))
    assert response.status_code == 302
    submission = Submission.objects.get()
    assert submission.status == Status.SUBMITTED
    assert submission.submitted_by == r.user("reporter_a")
    assert submission.values.count() == 4
    assert f"The {r.period} report was submitted for review." in text(client.get(grid_url(r)))


def test_submitting_an_empty_report_is_refused(r):
    response = r.world.client("reporter_a").post(grid_url(r), {"action": "submit"})
    assert response.status_code == 200
    assert "There are no values to submit." in text(response)
    assert not Submission.objects.exists()


def test_a_submitted_report_cannot_be_saved_through_the_grid(r):
    r.submitted("a")
    response = r.world.client("reporter_a").post(
        grid_url(r), full_grid(action="save", **{"kids_served::value": "99"})
    )
    assert response.status_code == 200
    assert "cannot be changed now" in text(response)
    assert DataValue.objects.get(indicator=r.kids).value == D(47)


def test_returned_values_show_the_reviewers_comment_and_can_be_corrected(r):
    submission = r.submitted("a")
    kids = DataValue.objects.get(indicator=r.kids)
    services.return_submission(
        actor=r.user("data_manager"),
        submission=submission,
        comment="Please check one value.",
        value_comments={kids.pk: "The roster says 52."},
    )
    client = r.world.client("reporter_a")
    page = text(client.get(grid_url(r)))
    assert "Returned for changes" in page
    assert "Please check one value." in page
    assert "The roster says 52." in page
    response = client.post(grid_url(r), full_grid(action="submit", **{"kids_served::value": "52"}))
    assert response.status_code == 302
    submission.refresh_from_db()
    kids.refresh_from_db()
    assert submission.status == Status.SUBMITTED
    assert (kids.value, kids.review_state) == (D(52), ReviewState.PENDING)


def test_approved_values_are_read_only_and_never_sent(r):
    submission = r.submitted("a")
    kids = DataValue.objects.get(indicator=r.kids)
    services.approve_values(actor=None, submission=submission, value_ids=[kids.pk])
    grad = DataValue.objects.get(indicator=r.grad, cell="")
    services.return_submission(
        actor=None, submission=submission, comment="", value_comments={grad.pk: "Cohort?"}
    )
    client = r.world.client("reporter_a")
    html = client.get(grid_url(r)).content.decode()
    assert 'name="kids_served::value"' not in html
    assert 'name="grad_rate::numerator"' in html
    # Even a forged field for the approved value changes nothing.
    response = client.post(grid_url(r), full_grid(action="submit", **{"kids_served::value": "1"}))
    assert response.status_code == 302
    kids.refresh_from_db()
    assert (kids.value, kids.review_state) == (D(47), ReviewState.APPROVED)


def test_steering_cannot_post_the_grid(r):
    response = r.world.client("steering").post(grid_url(r), full_grid(action="save"))
    assert response.status_code == 404
    assert not DataValue.objects.exists()


def test_data_manager_may_enter_for_any_partner(r):
    response = r.world.client("data_manager").post(grid_url(r, "b"), full_grid(action="save"))
    assert response.status_code == 302
    assert Submission.objects.get().partnership == r.partner("b")


def test_reporter_b_cannot_post_partner_as_grid(r):
    assert r.world.client("reporter_b").post(grid_url(r), full_grid()).status_code == 404
    assert not Submission.objects.exists()


# --- the inline check -------------------------------------------------------------------------


def check(r, persona="reporter_a", **data):
    return r.world.client(persona).post(validate_url(r), data)


def test_inline_check_returns_the_rows_findings(r):
    response = check(
        r,
        row="grad_rate:sex=f",
        **{"grad_rate:sex=f:numerator": "600", "grad_rate:sex=f:denominator": "520"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html  # a fragment
    assert "numerator_above_denominator" in html
    assert 'class="finding error"' in html
    assert not Submission.objects.exists()
    assert not DataValue.objects.exists()


def test_inline_check_of_a_good_row(r):
    response = check(
        r,
        row="grad_rate:sex=f",
        **{"grad_rate:sex=f:numerator": "480", "grad_rate:sex=f:denominator": "520"},
    )
    page = text(response)
    assert "Rate: 92.3%" in page
    assert 'class="finding error"' not in response.content.decode()


def test_inline_check_of_a_word_where_a_number_belongs(r):
    response = check(r, row="kids_served:", **{"kids_served::value": "many"})
    assert "“many” is not a number." in text(response)
    assert "not_a_number" in text(response)


def test_inline_check_of_an_empty_row_says_nothing_is_wrong(r):
    response = check(r, row="kids_served:", **{"kids_served::value": ""})
    assert response.status_code == 200
    assert "No problem found." in text(response)


def test_inline_check_of_an_unknown_row_is_404(r):
    assert check(r, row="nope:").status_code == 404
    assert check(r, row="kids_served:sex=f").status_code == 404


@pytest.mark.parametrize("persona", ["steering", "reporter_b", "viewer", "outsider"])
def test_inline_check_is_for_those_who_may_enter(r, persona):
    assert check(r, persona, row="kids_served:", **{"kids_served::value": "1"}).status_code == 404


def test_inline_check_does_not_change_the_saved_report(r):
    r.fill("a")
    before = AuditEvent.objects.count()
    check(r, row="kids_served:", **{"kids_served::value": "99"})
    assert DataValue.objects.get(indicator=r.kids).value == D(47)
    assert AuditEvent.objects.count() == before


# --- the review queue -------------------------------------------------------------------------


def queue(r, persona="data_manager", **params):
    return r.world.client(persona).get(reverse("review_queue", args=["alpha"]), params)


def test_queue_lists_submitted_reports_oldest_first_with_counts(r):
    newer = r.submitted("a")
    older = r.submitted("b", year_before())
    Submission.objects.filter(pk=older.pk).update(
        submitted_at=newer.submitted_at.replace(year=2020)
    )
    DataValue.objects.filter(submission=newer, indicator=r.kids).update(
        flags=[{"code": "outlier", "message": "Far from usual."}]
    )
    r.fill("a", "2015")  # a draft: not in the queue
    response = queue(r)
    assert response.status_code == 200
    reports = list(response.context["reports"])
    assert reports == [older, newer]
    assert [(s.value_count, s.warning_count) for s in reports] == [(4, 0), (4, 1)]
    page = text(response)
    assert "2 reports are waiting for review, oldest first." in page
    assert "Bright Futures Nonprofit" in page and "Alpha Schools" in page
    html = response.content.decode()
    assert f'name="submission" value="{newer.pk}"' in html
    assert reverse("review_submission", args=["alpha", newer.pk]) in html


def test_queue_filters_by_period_and_partner(r):
    a = r.submitted("a")
    b = r.submitted("b")
    old = r.submitted("b", year_before())
    assert list(queue(r, period=r.period).context["reports"]) == [a, b]
    assert list(queue(r, partner="b").context["reports"]) == [b, old]
    assert list(queue(r, period=year_before(), partner="b").context["reports"]) == [old]
    empty = queue(r, partner="zz")
    assert list(empty.context["reports"]) == []
    assert "No submitted report matches these filters." in text(empty)
    assert queue(r).context["periods"] == [r.period, year_before()]


def test_queue_empty_state(r):
    assert "Nothing to review: no report is waiting." in text(queue(r))


def test_queue_query_count_is_flat(world, django_assert_num_queries):
    """5 or 50 submitted reports: the same number of queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from commonground.initiatives.models import Organization, Partnership

    r = build(world)
    counts = []
    made = 0
    for wanted in (5, 50):
        while made < wanted:
            org = Organization.objects.create(name=f"Partner {made:03d}", sector="education")
            partner = Partnership.objects.create(
                initiative=world.alpha, organization=org, code=f"p{made:03d}"
            )
            world.partners[partner.code] = partner
            for indicator in (r.grad, r.kids, r.story):
                indicator.assignments.create(partnership=partner)
            r.submitted(partner.code)
            made += 1
        client = world.client("data_manager")
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("review_queue", args=["alpha"]))
        assert len(response.context["reports"]) == wanted
        counts.append(len(captured))
    assert counts[0] == counts[1], counts


def test_queue_is_404_for_another_initiatives_member(r):
    assert queue(r, "outsider").status_code == 404
    assert queue(r, "reporter_a").status_code == 404


# --- one report's review ----------------------------------------------------------------------


def review(r, submission, persona="data_manager"):
    return r.world.client(persona).get(reverse("review_submission", args=["alpha", submission.pk]))


def test_review_page_shows_every_value_with_rate_previous_and_flags(r):
    r.approved("a", year_before(), kids=40, grad=(900, 1000))
    submission = r.submitted("a")
    DataValue.objects.filter(submission=submission, indicator=r.kids).update(
        comment="New site opened.", flags=[{"code": "outlier", "message": "Far from usual."}]
    )
    response = review(r, submission)
    assert response.status_code == 200
    lines = response.context["lines"]
    assert [(line.indicator.code, line.value.cell) for line in lines] == [
        ("grad_rate", ""),
        ("grad_rate", "sex=f"),
        ("kids_served", ""),
        ("story", ""),
    ]
    page = text(response)
    assert "945 ÷ 1,056 = 89.5%" in page
    assert "480 ÷ 520 = 92.3%" in page
    assert "47 children" in page
    assert f"compared with {year_before()}" in page
    assert "90.0%" in page  # last year's rate beside it
    assert "40 children" in page
    assert "New site opened." in page
    assert "Far from usual." in page
    assert "Approve the report" in page and "Return with comments" in page
    assert "Approve selected values" in page
    assert "Reopen for revision" not in page
    html = response.content.decode()
    kids = DataValue.objects.get(submission=submission, indicator=r.kids)
    assert f'form="return-form" name="value-comment-{kids.pk}"' in html
    assert f'form="approve-values-form" name="value" value="{kids.pk}"' in html
    assert html.count('name="csrfmiddlewaretoken"') >= 4  # log out + three actions


def test_review_page_of_an_approved_report_offers_reopening_only(r):
    page = text(review(r, r.approved("a")))
    assert "Reopen for revision" in page
    assert "Approve the report" not in page


def test_review_page_of_a_draft_says_it_is_with_the_partner(r):
    page = text(review(r, r.fill("a")))
    assert "it is with the partner" in page
    assert "Approve the report" not in page


def test_review_page_of_another_initiative_is_404(r):
    other = Submission.objects.create(partnership=r.world.beta_partner, period="2024")
    assert review(r, other).status_code == 404
    response = r.world.client("data_manager").post(
        reverse("review_approve", args=["alpha", other.pk])
    )
    assert response.status_code == 404


def test_approve_from_the_review_page(r, mailoutbox, django_capture_on_commit_callbacks):
    submission = r.submitted("a")
    with django_capture_on_commit_callbacks(execute=True):
        response = r.world.client("data_manager").post(
            reverse("review_approve", args=["alpha", submission.pk]),
            {"comment": "All good."},
            follow=True,
        )
    assert response.redirect_chain[-1][0] == reverse("review_queue", args=["alpha"])
    assert f"The {r.period} report of Alpha Schools was approved." in text(response)
    submission.refresh_from_db()
    assert (submission.status, submission.review_comment) == (Status.APPROVED, "All good.")
    assert len(mailoutbox) == 2


def test_reopen_from_the_review_page(r):
    submission = r.approved("a")
    response = r.world.client("data_manager").post(
        reverse("review_reopen", args=["alpha", submission.pk]),
        {"reason": "The census was revised."},
        follow=True,
    )
    assert "its values leave the approved data" in text(response)
    submission.refresh_from_db()
    assert (submission.status, submission.reopen_reason) == (
        Status.REOPENED,
        "The census was revised.",
    )
    grid = text(r.world.client("reporter_a").get(grid_url(r)))
    assert "Reopened for a revision" in grid and "The census was revised." in grid


# --- warnings and cross-value errors ----------------------------------------------------------


def test_inline_check_shows_a_warning_to_explain(r):
    r.kids.max_value = D(100)
    r.kids.save()
    response = check(r, row="kids_served:", **{"kids_served::value": "500"})
    html = response.content.decode()
    assert 'class="finding warning"' in html
    assert "above_max" in html
    assert "If the value is right, explain it in the comment." in text(response)


def test_a_warning_does_not_stop_saving_and_stays_with_the_value(r):
    r.kids.max_value = D(100)
    r.kids.save()
    client = r.world.client("reporter_a")
    response = client.post(
        grid_url(r),
        full_grid(action="save", **{"kids_served::value": "500", "kids_served::comment": "Merger"}),
    )
    assert response.status_code == 302
    value = DataValue.objects.get(indicator=r.kids)
    assert [f["code"] for f in value.flags] == ["above_max"]
    page = text(client.get(grid_url(r)))
    assert "If the value is right, explain it in the comment." in page


def test_cells_above_the_total_are_refused_and_shown(r):
    response = r.world.client("reporter_a").post(
        grid_url(r),
        full_grid(
            action="save",
            **{"grad_rate:sex=f:numerator": "990", "grad_rate:sex=f:denominator": "1000"},
        ),
    )
    assert response.status_code == 200
    assert "cells_exceed_total" in response.content.decode()
    assert not DataValue.objects.exists()


def test_emptying_a_saved_value_is_refused_not_a_silent_delete(r):
    r.fill("a")
    response = r.world.client("reporter_a").post(
        grid_url(r), full_grid(action="save", **{"kids_served::value": ""})
    )
    assert response.status_code == 200
    assert "value_missing" in response.content.decode()
    assert re.search(r'id="r3-value"[^>]*aria-invalid="true"', response.content.decode())
    assert DataValue.objects.get(indicator=r.kids).value == D(47)
