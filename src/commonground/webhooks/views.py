"""The lead's webhook pages: the list and the form to add one, one webhook with its delivery log,
one delivery, and the actions (test, rotate the secret, resend, remove).

A new secret is shown once, in the answer to the POST that made it — never stored in a message,
a session or a URL.
"""

import json

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import OuterRef, Subquery
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from commonground.core.access import InitiativeViewMixin
from commonground.core.errors import DomainError
from commonground.core.permissions import Perm
from commonground.webhooks import services
from commonground.webhooks.events import EVENTS
from commonground.webhooks.forms import WebhookForm
from commonground.webhooks.models import Delivery, Webhook

LOG_PAGE_SIZE = 50
# Which form field a service's refusal belongs to; any other code is about the whole form.
FIELD_OF_CODE = {
    "webhook_address_refused": "url",
    "webhook_unknown_host": "url",
    "webhook_url_too_long": "url",
    "webhook_events": "events",
}


def _refuse(form: WebhookForm, error: DomainError) -> None:
    form.add_error(FIELD_OF_CODE.get(error.code), error.message)


class WebhookMixin(InitiativeViewMixin):
    permission = Perm.MANAGE_WEBHOOKS
    nav = "webhooks"

    def get_webhook(self) -> Webhook:
        return get_object_or_404(
            Webhook.objects.select_related("initiative", "created_by"),
            initiative=self.initiative,
            pk=self.kwargs["pk"],
        )

    def show_secret(self, webhook: Webhook, *, created: bool):
        response = render(
            self.request,
            "webhooks/secret.html",
            {
                "initiative": self.initiative,
                "nav": self.nav,
                "webhook": webhook,
                "created": created,
            },
        )
        response["Cache-Control"] = "no-store"  # the secret must not stay in a cache
        return response


class WebhookListView(WebhookMixin, TemplateView):
    """The initiative's webhooks, each with its latest delivery, and the form to add one."""

    template_name = "webhooks/list.html"

    def get_context_data(self, form=None, **kwargs):
        latest = Delivery.objects.filter(webhook=OuterRef("pk")).order_by("-created_at", "-pk")
        webhooks = list(
            Webhook.objects.filter(initiative=self.initiative).annotate(
                latest_status=Subquery(latest.values("status")[:1]),
                latest_at=Subquery(latest.values("created_at")[:1]),
            )
        )
        statuses = dict(Delivery.Status.choices)
        for webhook in webhooks:
            webhook.latest_label = statuses.get(webhook.latest_status, "")
            webhook.event_labels = [EVENTS[e] for e in webhook.events if e in EVENTS]
        return super().get_context_data(
            webhooks=webhooks, form=form or WebhookForm(), events=EVENTS, **kwargs
        )

    def post(self, request, slug):
        form = WebhookForm(request.POST)
        if form.is_valid():
            try:
                webhook = services.create_webhook(
                    actor=request.user,
                    initiative=self.initiative,
                    url=form.cleaned_data["url"],
                    events=form.cleaned_data["events"],
                )
            except DomainError as error:
                _refuse(form, error)
            else:
                return self.show_secret(webhook, created=True)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class WebhookDetailView(WebhookMixin, TemplateView):
    """One webhook: its settings (editable), its actions and its delivery log, newest first."""

    template_name = "webhooks/detail.html"

    def get_context_data(self, form=None, **kwargs):
        webhook = self.get_webhook()
        if form is None:
            form = WebhookForm(
                initial={
                    "url": webhook.url,
                    "events": webhook.events,
                    "is_active": webhook.is_active,
                },
                editing=True,
            )
        log = Delivery.objects.filter(webhook=webhook)
        page = Paginator(log, LOG_PAGE_SIZE).get_page(self.request.GET.get("page"))
        return super().get_context_data(
            webhook=webhook, form=form, page=page, deliveries=page.object_list, **kwargs
        )

    def post(self, request, slug, pk):
        webhook = self.get_webhook()
        form = WebhookForm(request.POST, editing=True)
        if form.is_valid():
            try:
                services.update_webhook(
                    actor=request.user,
                    webhook=webhook,
                    url=form.cleaned_data["url"],
                    events=form.cleaned_data["events"],
                    is_active=form.cleaned_data["is_active"],
                )
            except DomainError as error:
                _refuse(form, error)
            else:
                messages.success(request, _("The webhook was saved."))
                return redirect("webhook_detail", slug=slug, pk=pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class DeliveryDetailView(WebhookMixin, TemplateView):
    """One delivery: its event, the body's data, each attempt's outcome."""

    template_name = "webhooks/delivery.html"

    def get_context_data(self, **kwargs):
        webhook = self.get_webhook()
        delivery = get_object_or_404(Delivery, webhook=webhook, pk=self.kwargs["delivery_pk"])
        return super().get_context_data(
            webhook=webhook,
            delivery=delivery,
            payload=json.dumps(delivery.payload, indent=2, ensure_ascii=False),
            **kwargs,
        )


class WebhookActionView(WebhookMixin, View):
    """A POST calling one service, back to the webhook's page with what happened."""

    def post(self, request, slug, pk, **kwargs):
        webhook = self.get_webhook()
        try:
            return self.act(request, webhook)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("webhook_detail", slug=slug, pk=pk)


class SendTestView(WebhookActionView):
    def act(self, request, webhook):
        services.send_test(actor=request.user, webhook=webhook)
        messages.success(
            request, _("A test event is on its way; its delivery appears in the log below.")
        )
        return redirect("webhook_detail", slug=self.initiative.slug, pk=webhook.pk)


class RotateSecretView(WebhookActionView):
    def act(self, request, webhook):
        webhook = services.rotate_secret(actor=request.user, webhook=webhook)
        return self.show_secret(webhook, created=False)


class DeleteWebhookView(WebhookActionView):
    def act(self, request, webhook):
        services.delete_webhook(actor=request.user, webhook=webhook)
        messages.success(request, _("The webhook %(url)s was removed.") % {"url": webhook.url})
        return redirect("webhooks", slug=self.initiative.slug)


class RedeliverView(WebhookActionView):
    def act(self, request, webhook):
        delivery = get_object_or_404(Delivery, webhook=webhook, pk=self.kwargs["delivery_pk"])
        services.redeliver(actor=request.user, delivery=delivery)
        messages.success(request, _("The event is sent again, as a new delivery."))
        return redirect("webhook_detail", slug=self.initiative.slug, pk=webhook.pk)
