"""Idempotency-Key: a repeat gets the first answer and runs nothing twice; another request with
the same key is refused; keys are per token and expire after 24 hours."""

from datetime import timedelta

from django.utils import timezone

from commonground.api.models import IdempotentRequest
from commonground.core.models import AuditEvent
from commonground.measurement.models import Submission


def start(api, persona="reporter_a", key="k-1", period=None):
    return api.call(
        persona,
        "post",
        "/initiatives/alpha/submissions",
        {"partner": "a", "period": period or api.reporting.period},
        headers={"Idempotency-Key": key},
    )


def test_a_repeat_gets_the_same_answer_without_running_twice(api):
    first = start(api)
    events = AuditEvent.objects.count()
    again = start(api)
    assert first.status_code == again.status_code == 201
    assert again.content == first.content
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert AuditEvent.objects.count() == events
    assert Submission.objects.count() == 1


def test_the_same_key_with_another_request_is_refused(api):
    start(api)
    other = start(api, period="2020")
    assert other.status_code == 409
    assert other.json()["code"] == "idempotency_key_reused"
    assert not Submission.objects.filter(period="2020").exists()


def test_keys_are_per_token(api):
    assert start(api, "reporter_a").status_code == 201
    # The same key from another person is another request: it runs (and finds the draft).
    assert start(api, "partner_lead_a").status_code == 200


def test_a_refusal_is_kept_too(api):
    """A 422 is the request's answer: repeating it gives the same 422, not a second try."""
    submission = api.reporting.report()
    path = f"/initiatives/alpha/submissions/{submission.pk}/values"
    body = {"values": [{"indicator": "kids_served", "value": -3}]}
    headers = {"Idempotency-Key": "bad-values"}
    first = api.call("reporter_a", "post", path, body, headers)
    again = api.call("reporter_a", "post", path, body, headers)
    assert first.status_code == again.status_code == 422
    assert again.content == first.content


def test_answers_that_never_ran_are_not_kept(api, settings):
    settings.API_RATE_LIMIT = 1
    api.call("reporter_a", "get", "/me")
    assert start(api).status_code == 429
    assert not IdempotentRequest.objects.exists()


def test_keys_expire_after_a_day(api):
    start(api)
    IdempotentRequest.objects.update(created_at=timezone.now() - timedelta(hours=25))
    again = start(api)
    assert again.status_code == 200  # ran again: the draft exists now
    assert "Idempotent-Replayed" not in again
    assert IdempotentRequest.objects.count() == 1


def test_writes_without_a_key_simply_run(api):
    assert (
        api.call(
            "reporter_a", "post", "/initiatives/alpha/submissions", {"period": api.reporting.period}
        ).status_code
        == 201
    )
    assert not IdempotentRequest.objects.exists()


def test_a_key_too_long_is_refused(api):
    response = start(api, key="k" * 256)
    assert response.status_code == 422
    assert response.json()["code"] == "invalid"
    assert not Submission.objects.exists()
