"""Every error the API answers has the shape {"code", "message", "details"}, with its status."""

import pytest
from django.test import Client

from commonground.api.errors import domain_status
from commonground.api.models import ApiToken
from commonground.core.errors import DomainError, InvalidTransition, PermissionDenied
from commonground.initiatives.models import Membership


def assert_error(response, status: int, code: str):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"code", "message", "details"}
    assert body["code"] == code
    assert body["message"]
    return body


def with_header(value: str):
    return Client().get("/api/v1/me", HTTP_AUTHORIZATION=value)


@pytest.mark.parametrize(
    "header", ["", "Bearer", "Bearer cg_not-a-token", "Basic dXNlcjpwYXNz", "cg_only-the-token"]
)
def test_no_or_bad_token_is_401(api, header):
    response = with_header(header)
    assert_error(response, 401, "unauthorized")
    assert response["WWW-Authenticate"] == "Bearer"


def test_a_revoked_token_opens_nothing(api):
    ApiToken.objects.filter(user=api.world.users["lead"]).update(revoked_at="2024-01-01T00:00Z")
    assert_error(api.call("lead", "get", "/me"), 401, "unauthorized")


def test_a_token_stops_working_when_its_person_leaves(api):
    Membership.objects.filter(user=api.world.users["reporter_a"]).update(is_active=False)
    assert_error(api.call("reporter_a", "get", "/me"), 401, "unauthorized")


def test_a_token_of_a_deactivated_account_opens_nothing(api):
    user = api.world.users["reporter_a"]
    user.is_active = False
    user.save()
    assert_error(api.call("reporter_a", "get", "/me"), 401, "unauthorized")


def test_a_signed_in_session_is_not_enough(api):
    """Only tokens open the API: a browser session would be open to cross-site requests."""
    response = api.world.client("lead").get("/api/v1/me")
    assert_error(response, 401, "unauthorized")


def test_missing_and_not_allowed_look_the_same(api):
    theirs = api.call(
        "reporter_b", "get", f"/initiatives/alpha/submissions/{api.reporting.fill().pk}"
    )
    missing = api.call("reporter_b", "get", "/initiatives/alpha/submissions/999999")
    assert_error(theirs, 404, "not_found")
    assert theirs.content == missing.content


def test_another_initiative_looks_missing(api):
    beta = api.call("lead", "get", "/initiatives/beta")
    missing = api.call("lead", "get", "/initiatives/nowhere")
    assert_error(beta, 404, "not_found")
    assert beta.content == missing.content


def test_malformed_parameters_are_422_with_each_error(api):
    response = api.call("lead", "get", "/initiatives/alpha/submissions", page=0, status="lost")
    body = assert_error(response, 422, "invalid")
    locations = {e["location"] for e in body["details"]["errors"]}
    assert locations == {"query.page", "query.status"}


def test_a_body_that_is_not_json_is_400(api):
    response = Client().post(
        "/api/v1/initiatives/alpha/submissions",
        "{not json",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {api.secrets['reporter_a']}",
    )
    assert_error(response, 400, "bad_request")


def test_refused_values_say_why_and_save_nothing(api):
    submission = api.reporting.report()
    response = api.call(
        "reporter_a",
        "post",
        f"/initiatives/alpha/submissions/{submission.pk}/values",
        {
            "values": [
                {"indicator": "kids_served", "value": 12},
                {"indicator": "grad_rate", "numerator": 20, "denominator": 10},
            ]
        },
    )
    body = assert_error(response, 422, "numerator_above_denominator")
    findings = body["details"]["findings"]
    assert [(f["code"], f["index"]) for f in findings if f["severity"] == "error"] == [
        ("numerator_above_denominator", 1)
    ]
    assert not submission.values.exists()


def test_a_censored_denominator_is_refused(api):
    submission = api.reporting.report()
    response = api.call(
        "reporter_a",
        "post",
        f"/initiatives/alpha/submissions/{submission.pk}/values",
        {"values": [{"indicator": "grad_rate", "numerator": 5, "denominator": "<10"}]},
    )
    body = assert_error(response, 422, "bad_censor")
    assert body["details"]["findings"][0]["field"] == "denominator"


def test_not_a_number_is_a_finding(api):
    submission = api.reporting.report()
    response = api.call(
        "reporter_a",
        "post",
        f"/initiatives/alpha/submissions/{submission.pk}/values",
        {"values": [{"indicator": "kids_served", "value": "a dozen"}]},
    )
    assert_error(response, 422, "not_a_number")


def test_a_report_in_the_wrong_state_is_409(api):
    approved = api.reporting.approved()
    response = api.call(
        "data_manager", "post", f"/initiatives/alpha/submissions/{approved.pk}/approve", {}
    )
    assert_error(response, 409, "invalid_transition")
    response = api.call(
        "reporter_a",
        "post",
        f"/initiatives/alpha/submissions/{approved.pk}/values",
        {"values": [{"indicator": "kids_served", "value": 3}]},
    )
    assert_error(response, 409, "submission_locked")


def test_a_return_without_comment_is_refused(api):
    submitted = api.reporting.submitted()
    response = api.call(
        "data_manager", "post", f"/initiatives/alpha/submissions/{submitted.pk}/return", {}
    )
    assert_error(response, 422, "comment_required")
    submitted.refresh_from_db()
    assert submitted.status == "submitted"


def test_a_bad_period_is_refused(api):
    response = api.call(
        "reporter_a", "post", "/initiatives/alpha/submissions", {"period": "2024Q9"}
    )
    assert_error(response, 422, "bad_period")


def test_the_backbone_names_the_partner(api):
    response = api.call("lead", "get", "/initiatives/alpha/periods")
    assert_error(response, 422, "partner_required")


def test_a_refused_indicator_lists_its_problems(api):
    response = api.call(
        "data_manager",
        "post",
        "/initiatives/alpha/indicators",
        {
            "code": "grad_rate",
            "name": " ",
            "value_type": "count",
            "aggregation": "ratio_of_sums",
            "frequency": "annual",
            "dimensions": ["colour"],
        },
    )
    body = assert_error(response, 422, "invalid_indicator")
    assert {p["field"] for p in body["details"]["problems"]} == {"dimensions"}


def test_statuses_of_domain_errors():
    assert domain_status(PermissionDenied("no")) == 403
    assert domain_status(InvalidTransition("no")) == 409
    assert domain_status(DomainError("no", code="whatever")) == 422


def test_a_body_too_large_is_413(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    submission = api.reporting.report()
    values = {"values": [{"indicator": "kids_served", "value": 1, "comment": "x" * 2000}]}
    path = f"/initiatives/alpha/submissions/{submission.pk}/values"
    for headers in ({}, {"Idempotency-Key": "big"}):
        response = api.call("reporter_a", "post", path, values, headers)
        body = assert_error(response, 413, "too_large")
        assert body["details"] == {"limit_bytes": 1000}
