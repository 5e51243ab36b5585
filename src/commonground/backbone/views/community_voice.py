"""Pages of community voice: the console's table of residents in each body, who is a resident
(the lead's list), and the settings (population served, shown on the public page or not).

The table shows counts only (``Perm.VIEW_CONSOLE``). Which person is a resident or has lived
experience is personal, so only those who manage members (``Perm.MANAGE_MEMBERS``) see and
change it, and the settings.
"""

from django.contrib import messages
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from commonground.backbone.assessments import services
from commonground.backbone.assessments.forms import VoiceSettingsForm
from commonground.backbone.community_voice import community_voice
from commonground.core.access import InitiativeViewMixin
from commonground.core.permissions import Perm
from commonground.initiatives.models import Membership, WorkingGroup

NAV = "community_voice"


class CommunityVoiceView(InitiativeViewMixin, TemplateView):
    permission = Perm.VIEW_CONSOLE
    nav = NAV
    template_name = "backbone/community_voice/voice.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            voice=community_voice(self.initiative),
            can_manage=self.access.has(Perm.MANAGE_MEMBERS),
            **kwargs,
        )


class ResidentsView(InitiativeViewMixin, TemplateView):
    """The active members, each marked as a resident (or person with lived experience) or not."""

    permission = Perm.MANAGE_MEMBERS
    nav = NAV
    template_name = "backbone/community_voice/residents.html"

    def get_context_data(self, **kwargs):
        bodies = WorkingGroup.objects.filter(initiative=self.initiative).order_by("name")
        members = (
            Membership.objects.filter(initiative=self.initiative, is_active=True)
            .select_related("user", "partnership__organization")
            .prefetch_related(
                Prefetch("user__working_groups", queryset=bodies, to_attr="bodies_here")
            )
            .order_by("user__last_name", "user__first_name", "user__email")
        )
        return super().get_context_data(members=members, **kwargs)


class ResidentSetView(InitiativeViewMixin, View):
    permission = Perm.MANAGE_MEMBERS

    def post(self, request, slug, pk):
        membership = get_object_or_404(
            Membership.objects.select_related("user"), pk=pk, initiative=self.initiative
        )
        is_resident = request.POST.get("is_resident") == "1"
        services.set_resident(actor=request.user, membership=membership, is_resident=is_resident)
        person = membership.user.get_full_name() or membership.user.email
        if is_resident:
            message = _("%(person)s is counted as a resident or person with lived experience.")
        else:
            message = _("%(person)s is no longer counted as a resident.")
        messages.success(request, message % {"person": person})
        url = reverse("community_voice_residents", args=[slug])
        return redirect(f"{url}#member-{membership.pk}")


class VoiceSettingsView(InitiativeViewMixin, FormView):
    permission = Perm.MANAGE_MEMBERS
    nav = NAV
    template_name = "backbone/community_voice/settings.html"
    form_class = VoiceSettingsForm

    def get_initial(self):
        return {
            "population_served": self.initiative.population_served,
            "show_community_voice": self.initiative.show_community_voice,
        }

    def form_valid(self, form):
        services.update_voice_settings(
            actor=self.request.user, initiative=self.initiative, **form.cleaned_data
        )
        messages.success(self.request, _("The community-voice settings were saved."))
        return redirect("community_voice", slug=self.initiative.slug)
