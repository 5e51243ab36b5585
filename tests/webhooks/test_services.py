"""Registering webhooks and emitting events: permissions, refusals, audit, the transaction."""

import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from commonground.core.errors import DomainError, PermissionDenied
from commonground.core.models import AuditEvent
from commonground.webhooks import events, services
from commonground.webhooks.addresses import AddressRefused, is_public
from commonground.webhooks.events import emit
from commonground.webhooks.models import Delivery, Webhook

ALL = list(events.EVENTS)


def create(world, persona="lead", url="http://127.0.0.1:9/ok", event_names=None):
    return services.create_webhook(
        actor=world.users[persona],
        initiative=world.alpha,
        url=url,
        events=ALL if event_names is None else event_names,
    )


def test_the_lead_registers_a_webhook_with_a_secret_of_its_own(world):
    first, second = create(world), create(world)
    assert first.secret.startswith("whsec_") and len(first.secret) > 40
    assert first.secret != second.secret
    assert first.events == ALL and first.is_active
    event = AuditEvent.objects.filter(action="webhook.created").first()
    assert event.actor == world.users["lead"] and event.initiative == world.alpha
    assert event.after == {"url": first.url, "events": ALL, "is_active": True}
    assert all(first.secret not in str(e.after) for e in AuditEvent.objects.all())


@pytest.mark.parametrize(
    "url, words",
    [
        ("ftp://example.org/hook", "Only http:// and https://"),
        ("file:///etc/passwd", "Only http:// and https://"),
        ("javascript:alert(1)", "Only http:// and https://"),
        ("https://user:pw@example.org/", "no user name or password"),
        ("https:///nohost", "no host"),
        ("http://127.0.0.1:99999/", "not a valid URL"),
        ("https://no-such-host.invalid/", "cannot be found"),
    ],
)
def test_addresses_that_cannot_receive_webhooks_are_refused(world, url, words):
    with pytest.raises(DomainError, match=words):
        create(world, url=url)
    assert not Webhook.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="webhook").exists()


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://localhost:8000/",
        "http://10.1.2.3/",
        "http://192.168.0.10/",
        "http://169.254.169.254/latest/meta-data/",  # the cloud metadata service
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://0.0.0.0/",
    ],
)
def test_private_and_loopback_addresses_are_refused_in_production(world, settings, url):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    with pytest.raises(AddressRefused, match="public addresses only"):
        create(world, url=url)
    assert not Webhook.objects.exists()


def test_public_addresses_are_public():
    assert is_public("93.184.215.14") and is_public("2606:2800:21f:cb07:6820:80da:af6b:8b2c")
    assert not is_public("100.64.0.1")  # carrier-grade NAT
    assert not is_public("224.0.0.1")


@pytest.mark.parametrize("chosen", [[], ["submission.approved", "everything"], ["ping"]])
def test_events_must_be_chosen_from_the_list(world, chosen):
    with pytest.raises(DomainError) as error:
        create(world, event_names=chosen)
    assert error.value.code == "webhook_events"
    assert not Webhook.objects.exists()


@pytest.mark.parametrize("persona", ["data_manager", "facilitator", "viewer", "outsider"])
def test_only_the_lead_manages_webhooks(world, persona):
    with pytest.raises(PermissionDenied):
        create(world, persona=persona)
    webhook = create(world)
    for action in (
        lambda: services.rotate_secret(actor=world.users[persona], webhook=webhook),
        lambda: services.delete_webhook(actor=world.users[persona], webhook=webhook),
        lambda: services.send_test(actor=world.users[persona], webhook=webhook),
        lambda: services.update_webhook(
            actor=world.users[persona], webhook=webhook, url=webhook.url, events=ALL, is_active=0
        ),
    ):
        with pytest.raises(PermissionDenied):
            action()
    webhook.refresh_from_db()
    assert webhook.is_active and not Delivery.objects.exists()


def test_an_initiative_has_at_most_twenty_webhooks(world):
    for _ in range(services.MAX_WEBHOOKS):
        create(world)
    with pytest.raises(DomainError, match="at most 20") as error:
        create(world)
    assert error.value.code == "webhook_limit"
    assert Webhook.objects.count() == services.MAX_WEBHOOKS


def test_changes_rotation_and_removal_are_audited_without_the_secret(world):
    webhook = create(world)
    old_secret = webhook.secret
    lead = world.users["lead"]
    services.update_webhook(
        actor=lead,
        webhook=webhook,
        url="http://127.0.0.1:9/other",
        events=["meeting.scheduled"],
        is_active=False,
    )
    changed = AuditEvent.objects.get(action="webhook.changed")
    assert changed.before["events"] == ALL and changed.after["events"] == ["meeting.scheduled"]
    assert changed.after["is_active"] is False
    rotated = services.rotate_secret(actor=lead, webhook=webhook)
    assert rotated.secret != old_secret
    assert AuditEvent.objects.filter(action="webhook.secret_rotated").count() == 1
    services.delete_webhook(actor=lead, webhook=webhook)
    assert not Webhook.objects.exists()
    assert AuditEvent.objects.get(action="webhook.deleted").before["url"].endswith("/other")
    text = " ".join(str((e.before, e.after)) for e in AuditEvent.objects.all())
    assert old_secret not in text and rotated.secret not in text


def test_emit_queues_one_delivery_per_active_webhook_that_wants_the_event(
    world, django_capture_on_commit_callbacks
):
    wants = create(world, event_names=["submission.approved"])
    create(world, event_names=["meeting.scheduled"])
    off = create(world)
    services.update_webhook(
        actor=world.users["lead"], webhook=off, url=off.url, events=ALL, is_active=False
    )
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        deliveries = emit(world.alpha, "submission.approved", {"n": 1})
    assert [d.webhook for d in deliveries] == [wants]
    assert len(callbacks) == 1
    task = DBTaskResult.objects.get()
    assert task.args_kwargs["args"] == [deliveries[0].pk, 0]
    assert emit(world.beta, "submission.approved", {"n": 1}) == []


def test_unknown_events_are_a_programming_error(world):
    with pytest.raises(ValueError, match="Unknown webhook event"):
        emit(world.alpha, "submission.deleted", {})


def test_a_rolled_back_change_sends_nothing(world, django_capture_on_commit_callbacks):
    create(world)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        emit(world.alpha, "meeting.scheduled", {"meeting": {"id": 1}})
        raise RuntimeError("the change failed")
    assert callbacks == []
    assert not Delivery.objects.exists()
    assert not DBTaskResult.objects.exists()
