"""Managing an initiative's webhooks: register, change, rotate the secret, remove, test, resend.

Each service checks ``Perm.MANAGE_WEBHOOKS`` (the lead), runs in one transaction and writes an
audit event — never with the secret in it.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from commonground.core import audit
from commonground.core.authorization import authorize
from commonground.core.errors import DomainError
from commonground.core.permissions import Perm
from commonground.webhooks.addresses import check_url
from commonground.webhooks.events import EVENTS, PING, enqueue_on_commit
from commonground.webhooks.models import Delivery, Webhook, new_secret

MAX_WEBHOOKS = 20  # per initiative: enough for real integrations, not a way to amplify traffic
AUDITED = ["url", "events", "is_active"]


def _may_manage(access) -> bool:
    return access.has(Perm.MANAGE_WEBHOOKS)


def _clean(url: str, events) -> tuple[str, list[str]]:
    url = url.strip()
    if len(url) > 500:
        raise DomainError(_("The URL is longer than 500 characters."), code="webhook_url_too_long")
    check_url(url)
    chosen = [event for event in EVENTS if event in set(events)]
    if not chosen or len(chosen) != len(set(events)):
        raise DomainError(_("Choose at least one of the events listed."), code="webhook_events")
    return url, chosen


@transaction.atomic
def create_webhook(*, actor, initiative, url: str, events) -> Webhook:
    """Register ``url`` for ``events``; its new secret is on the returned webhook."""
    authorize(actor, initiative, _may_manage)
    url, events = _clean(url, events)
    if Webhook.objects.filter(initiative=initiative).count() >= MAX_WEBHOOKS:
        raise DomainError(
            _("An initiative can have at most %(n)d webhooks.") % {"n": MAX_WEBHOOKS},
            code="webhook_limit",
        )
    webhook = Webhook.objects.create(
        initiative=initiative, url=url, events=events, created_by=actor
    )
    audit.record(
        actor=actor,
        action="webhook.created",
        obj=webhook,
        initiative=initiative,
        after=audit.snapshot(webhook, AUDITED),
    )
    return webhook


def _locked(webhook: Webhook) -> Webhook:
    return Webhook.objects.select_for_update().select_related("initiative").get(pk=webhook.pk)


@transaction.atomic
def update_webhook(*, actor, webhook: Webhook, url: str, events, is_active: bool) -> Webhook:
    """Change where a webhook goes, what it receives, or switch it off and on."""
    webhook = _locked(webhook)
    authorize(actor, webhook.initiative, _may_manage)
    url, events = _clean(url, events)
    before = audit.snapshot(webhook, AUDITED)
    webhook.url, webhook.events, webhook.is_active = url, events, is_active
    webhook.save(update_fields=AUDITED)
    audit.record(
        actor=actor,
        action="webhook.changed",
        obj=webhook,
        initiative=webhook.initiative,
        before=before,
        after=audit.snapshot(webhook, AUDITED),
    )
    return webhook


@transaction.atomic
def rotate_secret(*, actor, webhook: Webhook) -> Webhook:
    """Give the webhook a new secret (shown once); deliveries from now on are signed with it."""
    webhook = _locked(webhook)
    authorize(actor, webhook.initiative, _may_manage)
    webhook.secret = new_secret()
    webhook.save(update_fields=["secret"])
    audit.record(
        actor=actor, action="webhook.secret_rotated", obj=webhook, initiative=webhook.initiative
    )
    return webhook


@transaction.atomic
def delete_webhook(*, actor, webhook: Webhook) -> None:
    """Remove the webhook and its delivery log."""
    webhook = _locked(webhook)
    authorize(actor, webhook.initiative, _may_manage)
    audit.record(
        actor=actor,
        action="webhook.deleted",
        obj=webhook,
        initiative=webhook.initiative,
        before=audit.snapshot(webhook, AUDITED),
    )
    webhook.delete()


@transaction.atomic
def send_test(*, actor, webhook: Webhook) -> Delivery:
    """Queue a ``ping`` to the webhook, switched on or not, to check the receiver."""
    webhook = _locked(webhook)
    authorize(actor, webhook.initiative, _may_manage)
    delivery = Delivery.objects.create(
        webhook=webhook,
        event=PING,
        payload={"message": "A test from Commonground.", "events": webhook.events},
    )
    enqueue_on_commit(delivery)
    return delivery


@transaction.atomic
def redeliver(*, actor, delivery: Delivery) -> Delivery:
    """Send a delivery's event again, as a new delivery with attempts of its own."""
    webhook = _locked(delivery.webhook)
    authorize(actor, webhook.initiative, _may_manage)
    if not webhook.is_active:
        raise DomainError(_("Switch the webhook on first."), code="webhook_inactive")
    again = Delivery.objects.create(webhook=webhook, event=delivery.event, payload=delivery.payload)
    enqueue_on_commit(again)
    return again
