"""Webhook pages (the lead only) and publishing the report card (the data manager, the lead)."""

from commonground.webhooks.models import Delivery, Webhook
from tests.measurement.reporting_world import build
from tests.permissions import BACKBONE_DATA, Page

LEAD = frozenset({"lead"})
NOWHERE = "http://127.0.0.1:9/hook"  # loopback: allowed outside production; never reached here


def webhook_pk(world):
    webhook, _ = Webhook.objects.get_or_create(
        initiative=world.alpha, url=NOWHERE, defaults={"events": ["meeting.scheduled"]}
    )
    return webhook.pk


def delivery_pk(world):
    webhook = Webhook.objects.get(pk=webhook_pk(world))
    delivery, _ = Delivery.objects.get_or_create(
        webhook=webhook, event="meeting.scheduled", defaults={"payload": {"meeting": {"id": 1}}}
    )
    return delivery.pk


def with_published_indicator(world):
    """An approved report of a published indicator: there is something to publish."""
    build(world).approved("a")
    return "alpha"


PAGES = [
    Page("webhooks", ("alpha",), LEAD),
    Page(
        "webhooks",
        ("alpha",),
        LEAD,
        method="post",
        data={"url": NOWHERE, "events": ["submission.approved"]},
    ),
    Page("webhook_detail", ("alpha", webhook_pk), LEAD),
    Page(
        "webhook_detail",
        ("alpha", webhook_pk),
        LEAD,
        method="post",
        data={"url": NOWHERE, "events": ["meeting.scheduled"], "is_active": "on"},
        ok=302,
    ),
    Page("webhook_test", ("alpha", webhook_pk), LEAD, method="post", ok=302),
    Page("webhook_rotate_secret", ("alpha", webhook_pk), LEAD, method="post"),
    Page("webhook_delete", ("alpha", webhook_pk), LEAD, method="post", ok=302),
    Page("webhook_delivery", ("alpha", webhook_pk, delivery_pk), LEAD),
    Page("webhook_redeliver", ("alpha", webhook_pk, delivery_pk), LEAD, method="post", ok=302),
    Page("report_card_publish", (with_published_indicator,), BACKBONE_DATA, method="post", ok=302),
]
