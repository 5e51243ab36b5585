"""The person's notifications in one initiative, their digest choice, and the unsubscribe link.

The unsubscribe page needs no login: the signed token in its address says who it is for. A visit
shows one button (mail scanners follow links, so a visit alone changes nothing); the button, or
a mail program's one-click POST (RFC 8058), sets the person's digest to "never".
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import TemplateView

from commonground.convening import digests
from commonground.convening.models import DigestPreference, Notification
from commonground.convening.notify import mark_read
from commonground.convening.views.discussions import FormPage
from commonground.core.access import InitiativeViewMixin


class NotificationListView(InitiativeViewMixin, TemplateView):
    """Newest first; unread ones marked, each with a link to what it is about."""

    nav = "notifications"
    template_name = "convening/notifications/notification_list.html"
    page_size = 30

    def get_context_data(self, **kwargs):
        mine = Notification.objects.filter(recipient=self.request.user, initiative=self.initiative)
        page = Paginator(mine.order_by("-created_at", "-pk"), self.page_size).get_page(
            self.request.GET.get("page")
        )
        return super().get_context_data(
            page=page,
            unread_count=mine.filter(read_at=None).count(),
            preference=digests.preference_for(self.request.user),
            **kwargs,
        )


class MarkReadView(InitiativeViewMixin, View):
    """POST ``notification`` (one of one's own) or nothing (all); with ``open``, go to its page."""

    def post(self, request, slug):
        pk = request.POST.get("notification")
        if not pk:
            mark_read(request.user, self.initiative)
            return redirect("notification_list", slug=slug)
        notification = get_object_or_404(
            Notification,
            pk=pk if pk.isdigit() else 0,
            recipient=request.user,
            initiative=self.initiative,
        )
        mark_read(request.user, self.initiative, [notification.pk])
        target = notification.url
        if request.POST.get("open") and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return redirect(target)
        return redirect("notification_list", slug=slug)


class DigestForm(forms.Form):
    frequency = forms.ChoiceField(
        label=gettext_lazy("E-mail me a digest of my notifications"),
        choices=DigestPreference.Frequency.choices,
        widget=forms.RadioSelect,
    )


class DigestSettingsView(FormPage, LoginRequiredMixin, View):
    template_name = "convening/notifications/settings.html"

    def get(self, request):
        preference = digests.preference_for(request.user)
        form = DigestForm(initial={"frequency": preference.frequency})
        return self.render_form(form, preference=preference)

    def post(self, request):
        form = DigestForm(request.POST)
        if not form.is_valid():
            return self.render_form(form, 400, preference=digests.preference_for(request.user))
        digests.set_digest_frequency(
            actor=request.user, user=request.user, frequency=form.cleaned_data["frequency"]
        )
        messages.success(request, _("Your choice was saved."))
        return redirect("notification_settings")


@method_decorator(csrf_exempt, name="dispatch")
class UnsubscribeView(View):
    """No login and no CSRF token: the signed token is the proof, and a mail program's one-click
    POST (RFC 8058) carries neither cookies nor a form token."""

    template_name = "convening/notifications/unsubscribe.html"

    def get(self, request, token):
        user = digests.user_for_token(token)
        if user is None:
            return render(request, self.template_name, {"invalid": True}, status=404)
        return render(request, self.template_name, {"person": user, "done": False})

    def post(self, request, token):
        user = digests.user_for_token(token)
        if user is None:
            return render(request, self.template_name, {"invalid": True}, status=404)
        digests.set_digest_frequency(
            actor=user, user=user, frequency=DigestPreference.Frequency.NEVER, how="unsubscribed"
        )
        return render(request, self.template_name, {"person": user, "done": True})
