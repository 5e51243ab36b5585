"""The events an initiative's webhooks can receive, and ``emit``, which sends one.

Services call ``emit(initiative, event, payload)`` inside their transaction: the deliveries are
written with the change they report (a rolled-back change sends nothing, a committed one is never
forgotten) and handed to the worker on commit.
"""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

SUBMISSION_APPROVED = "submission.approved"
REPORT_CARD_PUBLISHED = "report_card.published"
MEETING_SCHEDULED = "meeting.scheduled"
# Sent by the "Send test" button only; no webhook subscribes to it.
PING = "ping"

EVENTS = {
    SUBMISSION_APPROVED: _("A partner's report is approved"),
    REPORT_CARD_PUBLISHED: _("The report card is published"),
    MEETING_SCHEDULED: _("A meeting is scheduled"),
}


def emit(initiative, event: str, payload: dict) -> list:
    """Queue ``event`` with ``payload`` (JSON-safe) for every active webhook that wants it."""
    from commonground.webhooks.models import Delivery, Webhook

    if event not in EVENTS:
        raise ValueError(f"Unknown webhook event {event!r}")
    webhooks = [
        webhook
        for webhook in Webhook.objects.filter(initiative=initiative, is_active=True)
        if event in webhook.events
    ]
    deliveries = [Delivery(webhook=w, event=event, payload=payload) for w in webhooks]
    for delivery in deliveries:
        delivery.save()
        enqueue_on_commit(delivery)
    return deliveries


def enqueue_on_commit(delivery) -> None:
    """Hand the delivery's next attempt to the worker once the transaction commits."""
    from commonground.webhooks.tasks import deliver_webhook

    pk, attempts, when = delivery.pk, delivery.attempts, delivery.next_attempt_at

    def enqueue():
        task = deliver_webhook.using(run_after=when) if when else deliver_webhook
        task.enqueue(pk, attempts)

    transaction.on_commit(enqueue)
