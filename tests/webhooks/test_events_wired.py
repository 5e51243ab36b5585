"""The three events, sent by the services that make them happen."""

import json

import pytest
from django.urls import reverse

from commonground.core.errors import DomainError, PermissionDenied
from commonground.core.models import AuditEvent
from commonground.insight.models import ReportCardEdition
from commonground.insight.publishing import publish_report_card
from commonground.measurement import services as measurement
from commonground.webhooks import services
from commonground.webhooks.delivery import attempt
from commonground.webhooks.events import EVENTS
from commonground.webhooks.models import Delivery
from commonground.webhooks.payloads import meeting_payload
from tests.measurement.reporting_world import build


@pytest.fixture
def hook(world, receiver):
    return services.create_webhook(
        actor=world.users["lead"], initiative=world.alpha, url=receiver.url(), events=list(EVENTS)
    )


def sent(receiver) -> list[dict]:
    for delivery in Delivery.objects.order_by("pk"):
        attempt(delivery.pk, delivery.attempts)
    return [json.loads(r.body) for r in receiver.requests]


def test_approving_a_report_is_announced(world, hook, receiver):
    reporting = build(world)
    submission = reporting.submitted("a")
    measurement.approve_submission(actor=world.users["data_manager"], submission=submission)
    (body,) = sent(receiver)
    assert body["event"] == "submission.approved"
    data = body["data"]
    assert data["partner"] == {"code": "a", "name": "Alpha Schools"}
    submission.refresh_from_db()
    assert data["submission"]["id"] == submission.pk
    assert data["submission"]["period"] == reporting.period
    assert data["submission"]["status"] == "approved"
    assert data["submission"]["approved_at"] == submission.reviewed_at.isoformat()
    assert data["submission"]["url"].endswith(
        reverse("review_submission", args=["alpha", submission.pk])
    )


def test_bulk_approval_and_approving_the_last_value_are_announced_too(world, hook, receiver):
    reporting = build(world)
    a, b = reporting.submitted("a"), reporting.submitted("b")
    manager = world.users["data_manager"]
    approved, refused = measurement.bulk_approve(actor=manager, submissions=[a, b])
    assert len(approved) == 2 and not refused
    reopened = measurement.reopen_submission(actor=manager, submission=a, reason="typo")
    again = measurement.submit_submission(actor=None, submission=reopened)
    ids = list(again.values.values_list("pk", flat=True))
    measurement.approve_values(actor=manager, submission=again, value_ids=ids[:1])
    assert Delivery.objects.count() == 2  # not approved yet: nothing new
    measurement.approve_values(actor=manager, submission=again, value_ids=ids[1:])
    bodies = sent(receiver)
    assert [b["data"]["partner"]["code"] for b in bodies] == ["a", "b", "a"]
    assert bodies[-1]["data"]["submission"]["revision"] == 1


def test_a_refused_approval_announces_nothing(world, hook):
    reporting = build(world)
    draft = reporting.fill("a")
    with pytest.raises(DomainError):
        measurement.approve_submission(actor=world.users["data_manager"], submission=draft)
    with pytest.raises(PermissionDenied):
        measurement.approve_submission(
            actor=world.users["reporter_a"], submission=reporting.submitted("b")
        )
    assert not Delivery.objects.exists()


def test_publishing_the_report_card_stores_an_edition_and_announces_it(world, hook, receiver):
    reporting = build(world)
    reporting.approved("a")
    edition = publish_report_card(actor=world.users["data_manager"], initiative=world.alpha)
    assert edition.published_by == world.users["data_manager"]
    assert edition.document["public"] is True
    # Only the published indicator (the graduation rate) is on the public card.
    assert [i["code"] for i in edition.document["indicators"]] == ["grad_rate"]
    event = AuditEvent.objects.get(action="report_card.published")
    assert event.after["indicators"] == 1 and event.initiative == world.alpha
    approval, body = sent(receiver)
    assert (approval["event"], body["event"]) == ("submission.approved", "report_card.published")
    assert body["data"]["edition"]["id"] == edition.pk
    assert body["data"]["edition"]["indicators"] == 1
    assert body["data"]["public_url"].endswith("/public/alpha/")


@pytest.mark.parametrize("persona", ["facilitator", "steering", "funder", "reporter_a", "outsider"])
def test_only_the_data_manager_and_the_lead_publish(world, persona):
    build(world).approved("a")
    with pytest.raises(PermissionDenied):
        publish_report_card(actor=world.users[persona], initiative=world.alpha)
    assert not ReportCardEdition.objects.exists()
    publish_report_card(actor=world.users["lead"], initiative=world.alpha)
    assert ReportCardEdition.objects.count() == 1


def test_an_empty_public_card_is_not_published(world, hook):
    with pytest.raises(DomainError) as error:
        publish_report_card(actor=world.users["lead"], initiative=world.alpha)
    assert error.value.code == "nothing_to_publish"
    assert not ReportCardEdition.objects.exists()
    assert not AuditEvent.objects.filter(action="report_card.published").exists()
    assert not Delivery.objects.exists()


def test_the_meeting_payload_helper(world):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from commonground.convening.models import Meeting
    from commonground.initiatives.models import WorkingGroup

    group = WorkingGroup.objects.create(initiative=world.alpha, code="steer", name="Steering")
    meeting = Meeting.objects.create(
        initiative=world.alpha,
        body=group,
        title="Quarterly review",
        starts_at=datetime(2026, 3, 3, 17, 0, tzinfo=ZoneInfo("UTC")),
        duration_minutes=90,
        recurrence="FREQ=MONTHLY;BYDAY=1TU",
        location="Library, room 2",
    )
    data = meeting_payload(meeting)
    assert data["meeting"]["id"] == meeting.pk
    assert data["meeting"]["starts_at"] == "2026-03-03T17:00:00+00:00"
    assert data["meeting"]["duration_minutes"] == 90
    assert data["body"] == {"code": "steer", "name": "Steering"}
    assert data["meeting"]["url"].endswith(f"/i/alpha/meetings/{meeting.pk}/")
    json.dumps(data)  # JSON-safe as it is
    meeting.body = None
    assert meeting_payload(meeting)["body"] is None


def test_scheduling_a_meeting_is_announced(world, hook, receiver):
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from commonground.convening.services.meetings import MeetingData, schedule_meeting

    start = datetime.now(ZoneInfo("America/New_York")).replace(second=0, microsecond=0)
    meeting = schedule_meeting(
        actor=world.users["facilitator"],
        initiative=world.alpha,
        data=MeetingData(title="Partners' meeting", starts_at=start + timedelta(days=7)),
    )
    (body,) = sent(receiver)
    assert body["event"] == "meeting.scheduled"
    assert body["data"] == json.loads(json.dumps(meeting_payload(meeting)))
