"""Writes through the API leave the services' audit events and an ``api.request`` event naming
the token, all in the same transaction as the change; reads and refusals leave nothing."""

import pytest

from commonground.api import writes
from commonground.core.models import AuditEvent
from commonground.measurement.models import Submission


def test_a_write_is_audited_as_coming_through_the_api(api):
    response = api.call(
        "reporter_a",
        "post",
        "/initiatives/alpha/submissions",
        {"period": api.reporting.period},
        headers={"Idempotency-Key": "x1"},
    )
    assert response.status_code == 201
    actions = list(AuditEvent.objects.order_by("id").values_list("action", flat=True))
    assert actions[-2:] == ["submission.created", "api.request"]
    event = AuditEvent.objects.get(action="api.request")
    assert event.actor == api.world.users["reporter_a"]
    assert event.initiative == api.world.alpha
    assert event.object_type == "api.apitoken"
    assert event.after == {
        "method": "POST",
        "path": "/api/v1/initiatives/alpha/submissions",
        "status": 201,
        "token": event.object_label,
        "idempotency_key": "x1",
    }
    assert event.object_label.startswith("reporter_a script (cg_")


def test_the_whole_report_flow_is_audited(api):
    submission = api.reporting.report()
    base = f"/initiatives/alpha/submissions/{submission.pk}"
    api.call(
        "reporter_a",
        "post",
        base + "/values",
        {"values": [{"indicator": "kids_served", "value": 40}]},
    )
    api.call("reporter_a", "post", base + "/submit")
    api.call("data_manager", "post", base + "/approve", {"comment": "Fine."})
    actions = list(AuditEvent.objects.order_by("id").values_list("action", flat=True))
    assert actions[-6:] == [
        "value.saved",
        "api.request",
        "submission.submitted",
        "api.request",
        "submission.approved",
        "api.request",
    ]


def test_reads_and_refusals_are_not_audited(api):
    before = AuditEvent.objects.count()
    api.call("lead", "get", "/initiatives/alpha/submissions")
    api.call("viewer", "post", "/initiatives/alpha/submissions", {"period": "2020", "partner": "a"})
    api.call("reporter_a", "post", "/initiatives/alpha/submissions", {"period": "20x"})
    assert AuditEvent.objects.count() == before


def test_the_change_and_its_api_event_commit_together(api, monkeypatch):
    """If the API's event cannot be written, the change it describes is undone too."""

    def fail(request, response):
        raise RuntimeError("The disk is full.")

    monkeypatch.setattr(writes, "_record_write", fail)
    with pytest.raises(RuntimeError):
        api.call(
            "reporter_a", "post", "/initiatives/alpha/submissions", {"period": api.reporting.period}
        )
    assert not Submission.objects.exists()
