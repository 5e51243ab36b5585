"""The lead's webhook pages, and the publish button of the report card."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from commonground.insight.models import ReportCardEdition
from commonground.webhooks import services
from commonground.webhooks.delivery import attempt
from commonground.webhooks.events import EVENTS, emit
from commonground.webhooks.models import Delivery, Webhook
from tests.measurement.reporting_world import build


def url(name, *args):
    return reverse(name, args=["alpha", *args])


@pytest.fixture
def lead(world):
    return world.client("lead")


def test_the_list_says_what_to_do_when_empty(lead):
    page = lead.get(url("webhooks")).content.decode()
    assert "No webhook yet." in page
    assert "Add webhook" in page
    for label in EVENTS.values():
        assert str(escape(label)) in page


def test_adding_a_webhook_shows_its_secret_once(lead, receiver):
    response = lead.post(
        url("webhooks"), {"url": receiver.url(), "events": ["submission.approved"]}
    )
    assert response.status_code == 200
    webhook = Webhook.objects.get()
    page = response.content.decode()
    assert webhook.secret in page and "shown only this once" in page
    assert response["Cache-Control"] == "no-store"
    for later in (url("webhooks"), url("webhook_detail", webhook.pk)):
        assert webhook.secret not in lead.get(later).content.decode()


def test_refusals_are_shown_beside_the_field(lead, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    chosen = ["meeting.scheduled"]
    response = lead.post(url("webhooks"), {"url": "http://127.0.0.1/", "events": chosen})
    assert response.status_code == 400
    assert re.search(r'id="id_url_error">[^<]*public addresses only', response.content.decode())
    response = lead.post(url("webhooks"), {"url": "ftp://example.org/", "events": chosen})
    assert "Only http:// and https://" in response.content.decode()
    response = lead.post(url("webhooks"), {"url": "https://example.org/", "events": ["ping"]})
    assert 'id="id_events_error"' in response.content.decode()  # not one of the choices
    assert not Webhook.objects.exists()


def test_the_webhook_page_edits_tests_rotates_and_removes(world, lead, receiver):
    webhook = services.create_webhook(
        actor=world.users["lead"],
        initiative=world.alpha,
        url=receiver.url(),
        events=["meeting.scheduled"],
    )
    detail = url("webhook_detail", webhook.pk)
    page = lead.get(detail).content.decode()
    assert "Nothing has been sent to this URL yet." in page
    response = lead.post(
        detail,
        {"url": receiver.url("/fail"), "events": ["meeting.scheduled", "submission.approved"]},
    )
    assert response.status_code == 302
    webhook.refresh_from_db()
    assert webhook.url.endswith("/fail") and webhook.is_active is False  # box left unticked
    assert "switched off" in lead.get(detail).content.decode()

    assert lead.post(url("webhook_test", webhook.pk)).status_code == 302
    ping = Delivery.objects.get(event="ping")
    attempt(ping.pk, 0)
    page = lead.get(detail).content.decode()
    assert "<code>ping</code>" in page and "retry at" in page and ">500<" in page
    delivery_page = lead.get(url("webhook_delivery", webhook.pk, ping.pk)).content.decode()
    assert "A test from Commonground." in delivery_page and str(ping.uuid) in delivery_page

    old = webhook.secret
    rotated = lead.post(url("webhook_rotate_secret", webhook.pk))
    webhook.refresh_from_db()
    assert webhook.secret != old and webhook.secret in rotated.content.decode()

    assert lead.post(url("webhook_delete", webhook.pk))["Location"] == url("webhooks")
    assert not Webhook.objects.exists() and not Delivery.objects.exists()


def test_resending_from_the_delivery_page(world, lead, receiver):
    webhook = services.create_webhook(
        actor=world.users["lead"], initiative=world.alpha, url=receiver.url(), events=list(EVENTS)
    )
    (delivery,) = emit(world.alpha, "meeting.scheduled", {"meeting": {"id": 1}})
    response = lead.post(url("webhook_redeliver", webhook.pk, delivery.pk))
    assert response["Location"] == url("webhook_detail", webhook.pk)
    assert Delivery.objects.filter(event="meeting.scheduled").count() == 2


def test_another_initiatives_webhook_is_not_found(world):
    theirs = services.create_webhook(
        actor=world.users["outsider"],
        initiative=world.beta,
        url="http://127.0.0.1:9/",
        events=list(EVENTS),
    )
    lead = world.client("lead")
    for name in ("webhook_detail", "webhook_test", "webhook_delete"):
        method = lead.get if name == "webhook_detail" else lead.post
        assert method(url(name, theirs.pk)).status_code == 404
    assert Webhook.objects.filter(pk=theirs.pk).exists()
    assert not Delivery.objects.exists()


def _count(client, address):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(address).status_code == 200
    return len(queries)


def test_list_and_log_queries_stay_flat(world, lead):
    def add(n):
        for _ in range(n):
            services.create_webhook(
                actor=world.users["lead"],
                initiative=world.alpha,
                url="http://127.0.0.1:9/",
                events=list(EVENTS),
            )
        for _ in range(n):
            emit(world.alpha, "meeting.scheduled", {"meeting": {"id": 1}})

    add(2)
    first = Webhook.objects.first()
    small = (_count(lead, url("webhooks")), _count(lead, url("webhook_detail", first.pk)))
    add(8)
    assert (_count(lead, url("webhooks")), _count(lead, url("webhook_detail", first.pk))) == small


def test_the_report_card_can_be_published_from_its_page(world):
    build(world).approved("a")
    manager = world.client("data_manager")
    internal = manager.get(url("report_card")).content.decode()
    assert "Not published yet." in internal and "Publish the report card" in internal
    assert (
        "Publish the report card"
        not in world.client("viewer").get(url("report_card")).content.decode()
    )
    response = manager.post(url("report_card_publish"), follow=True)
    assert "The report card was published on" in response.content.decode()
    assert ReportCardEdition.objects.count() == 1
    page = manager.get(url("report_card")).content.decode()
    assert re.search(r'Published on <time datetime="\d{4}-', page)
    assert "by Data Manager" in page
    public = world.client("anonymous").get(url("public_report_card")).content.decode()
    assert "Published on" in public and "by Data Manager" not in public


def test_publishing_nothing_says_why(world):
    response = world.client("lead").post(url("report_card_publish"), follow=True)
    assert "No indicator is published yet" in response.content.decode()
    assert not ReportCardEdition.objects.exists()
