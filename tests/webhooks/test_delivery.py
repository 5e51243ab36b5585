"""Deliveries to a real receiver on loopback: signature, retries with back-off, the log."""

import json
import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from commonground.core.errors import DomainError
from commonground.webhooks import services, signing
from commonground.webhooks.delivery import attempt, backoff
from commonground.webhooks.events import emit
from commonground.webhooks.models import Delivery

Status = Delivery.Status


def register(world, url, events=("meeting.scheduled",)):
    return services.create_webhook(
        actor=world.users["lead"], initiative=world.alpha, url=url, events=list(events)
    )


def queued(world, webhook, payload=None):
    """One delivery of ``meeting.scheduled``, as a service emits it."""
    (delivery,) = emit(world.alpha, "meeting.scheduled", payload or {"meeting": {"id": 7}})
    return delivery


def test_a_delivery_is_signed_and_logged(world, receiver):
    webhook = register(world, receiver.url("/ok?source=commonground"))
    delivery = queued(world, webhook, {"meeting": {"id": 7, "title": "Steering — März"}})
    before = int(time.time())
    assert attempt(delivery.pk, 0) == Status.SUCCEEDED
    (request,) = receiver.requests
    assert request.path == "/ok?source=commonground"
    headers = request.headers
    assert headers["Content-Type"] == "application/json"
    assert headers["X-Commonground-Event"] == "meeting.scheduled"
    assert headers["X-Commonground-Delivery"] == str(delivery.uuid)
    timestamp = headers["X-Commonground-Timestamp"]
    assert before <= int(timestamp) <= int(time.time())
    signature = headers["X-Commonground-Signature"]
    assert signature.startswith("sha256=") and len(signature) == 7 + 64
    assert signing.verify(webhook.secret, timestamp, request.body, signature)
    assert not signing.verify("whsec_wrong", timestamp, request.body, signature)
    assert not signing.verify(webhook.secret, str(int(timestamp) + 1), request.body, signature)
    body = json.loads(request.body)
    assert body["id"] == str(delivery.uuid) and body["event"] == "meeting.scheduled"
    assert body["initiative"] == {"slug": "alpha", "name": world.alpha.name}
    assert body["data"] == {"meeting": {"id": 7, "title": "Steering — März"}}
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_code) == (
        Status.SUCCEEDED,
        1,
        200,
    )
    assert delivery.last_error == "" and delivery.next_attempt_at is None


def test_the_receiver_can_check_the_signature_with_the_documented_snippet(world, receiver):
    """The verification snippet of docs/webhooks.md, run as written."""
    from pathlib import Path

    docs = Path(__file__).resolve().parents[2] / "docs" / "webhooks.md"
    snippet = docs.read_text().split("```python\n", 1)[1].split("```", 1)[0]
    namespace = {}
    exec(snippet, namespace)  # noqa: S102 — our own documentation
    webhook = register(world, receiver.url())
    attempt(queued(world, webhook).pk, 0)
    (request,) = receiver.requests
    headers = {k.lower(): v for k, v in request.headers.items()}
    assert namespace["verify"](webhook.secret, headers, request.body, now=time.time())
    assert not namespace["verify"](webhook.secret, headers, request.body + b" ", now=time.time())
    assert not namespace["verify"](webhook.secret, headers, request.body, now=time.time() + 3600)


def test_a_failing_receiver_is_retried_with_exponential_back_off(world, receiver, settings):
    settings.WEBHOOK_MAX_ATTEMPTS = 4
    settings.WEBHOOK_RETRY_BASE_SECONDS = 60
    webhook = register(world, receiver.url("/fail"))
    delivery = queued(world, webhook)
    waits = []
    for number in range(1, 4):
        start = timezone.now()
        assert attempt(delivery.pk, number - 1) == Status.PENDING
        delivery.refresh_from_db()
        assert delivery.attempts == number and delivery.response_code == 500
        assert delivery.last_error == "nope: the receiver is broken"
        waits.append(delivery.next_attempt_at - start)
    assert [round(w.total_seconds() / 60) for w in waits] == [1, 2, 4]
    assert attempt(delivery.pk, 3) == Status.FAILED
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == (
        Status.FAILED,
        4,
        None,
    )
    assert len(receiver.requests) == 4
    # Each attempt is signed anew, with its own timestamp, over the same body.
    assert len({r.body for r in receiver.requests}) == 1


def test_back_off_doubles_up_to_six_hours(settings):
    settings.WEBHOOK_RETRY_BASE_SECONDS = 60
    assert [backoff(n) for n in (1, 2, 3)] == [timedelta(minutes=m) for m in (1, 2, 4)]
    assert backoff(20) == timedelta(hours=6)


@pytest.mark.django_db(transaction=True)
def test_the_worker_retries_until_the_last_attempt(world, receiver, settings):
    """Through the real queue: each failed attempt queues the next one, run_after the back-off."""
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    settings.WEBHOOK_RETRY_BASE_SECONDS = 0  # due at once, so one batch of the worker runs all
    webhook = register(world, receiver.url("/fail"))
    delivery = queued(world, webhook)
    call_command("worker", batch=True)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Status.FAILED, 3)
    results = DBTaskResult.objects.order_by("enqueued_at")
    assert [r.args_kwargs["args"] for r in results] == [[delivery.pk, n] for n in range(3)]
    assert [r.return_value for r in results] == ["pending", "pending", "failed"]
    assert len(receiver.requests) == 3


@pytest.mark.django_db(transaction=True)
def test_a_retry_waits_in_the_queue_for_its_time(world, receiver, settings):
    settings.WEBHOOK_RETRY_BASE_SECONDS = 3600
    webhook = register(world, receiver.url("/fail"))
    delivery = queued(world, webhook)
    call_command("worker", batch=True)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Status.PENDING, 1)
    later = DBTaskResult.objects.get(status="READY")
    assert later.args_kwargs["args"] == [delivery.pk, 1]
    assert later.run_after == delivery.next_attempt_at
    assert timedelta(minutes=59) < later.run_after - timezone.now() <= timedelta(hours=1)
    assert len(receiver.requests) == 1


def test_a_task_that_runs_twice_or_late_sends_nothing_more(world, receiver):
    webhook = register(world, receiver.url())
    delivery = queued(world, webhook)
    assert attempt(delivery.pk, 0) == Status.SUCCEEDED
    assert attempt(delivery.pk, 0) == Status.SUCCEEDED  # the same task again
    assert attempt(delivery.pk, 5) == Status.SUCCEEDED
    assert attempt(10**9, 0) == "missing"
    assert len(receiver.requests) == 1


def test_redirects_are_not_followed(world, receiver, settings):
    settings.WEBHOOK_MAX_ATTEMPTS = 1
    delivery = queued(world, register(world, receiver.url("/moved")))
    assert attempt(delivery.pk, 0) == Status.FAILED
    delivery.refresh_from_db()
    assert delivery.response_code == 302
    assert "Redirects are not followed" in delivery.last_error
    assert [r.path for r in receiver.requests] == ["/moved"]


def test_an_unreachable_receiver_is_logged(world, settings):
    settings.WEBHOOK_MAX_ATTEMPTS = 1
    import socket

    with socket.socket() as probe:  # a port with nobody listening
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    delivery = queued(world, register(world, f"http://127.0.0.1:{port}/"))
    assert attempt(delivery.pk, 0) == Status.FAILED
    delivery.refresh_from_db()
    assert delivery.response_code is None
    assert "ConnectionRefusedError" in delivery.last_error


def test_the_address_is_checked_again_at_each_attempt(world, receiver, settings):
    """A URL that was allowed when saved cannot reach the inside later (DNS rebinding)."""
    settings.WEBHOOK_MAX_ATTEMPTS = 1
    delivery = queued(world, register(world, receiver.url()))
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    assert attempt(delivery.pk, 0) == Status.FAILED
    delivery.refresh_from_db()
    assert "public addresses only" in delivery.last_error
    assert receiver.requests == []


def test_a_webhook_switched_off_stops_its_queued_events_but_not_a_test(world, receiver):
    webhook = register(world, receiver.url())
    delivery = queued(world, webhook)
    lead = world.users["lead"]
    services.update_webhook(
        actor=lead, webhook=webhook, url=webhook.url, events=webhook.events, is_active=False
    )
    assert attempt(delivery.pk, 0) == Status.FAILED
    delivery.refresh_from_db()
    assert delivery.last_error == "The webhook was switched off."
    ping = services.send_test(actor=lead, webhook=webhook)
    assert attempt(ping.pk, 0) == Status.SUCCEEDED
    assert [json.loads(r.body)["event"] for r in receiver.requests] == ["ping"]
    with pytest.raises(DomainError, match="Switch the webhook on"):
        services.redeliver(actor=lead, delivery=delivery)


def test_redelivery_is_a_new_delivery_of_the_same_event(world, receiver):
    webhook = register(world, receiver.url())
    first = queued(world, webhook, {"meeting": {"id": 3}})
    attempt(first.pk, 0)
    again = services.redeliver(actor=world.users["lead"], delivery=first)
    assert (again.event, again.payload, again.attempts) == (first.event, first.payload, 0)
    assert again.uuid != first.uuid
    attempt(again.pk, 0)
    ids = [json.loads(r.body)["id"] for r in receiver.requests]
    assert ids == [str(first.uuid), str(again.uuid)]
