"""Pages for initiatives, partners and people. Views parse, authorize, call a service, render."""

from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from commonground.action.agenda.charter import partner_charter
from commonground.action.agenda.services import adopted_version
from commonground.action.funding.alignment import leverage_for
from commonground.convening.meetings import upcoming_for_person
from commonground.convening.services.action_items import open_items_of
from commonground.convening.services.decisions import decisions_awaiting_vote
from commonground.core.access import InitiativeViewMixin
from commonground.core.errors import DomainError
from commonground.core.permissions import Perm
from commonground.initiatives import services
from commonground.initiatives.forms import (
    AcceptInvitationForm,
    InvitationForm,
    MembershipForm,
    PartnerProfileForm,
)
from commonground.initiatives.models import Initiative, Membership
from commonground.measurement.models import Indicator

User = get_user_model()


@login_required
def home(request):
    """The person's initiatives; straight into the only one if there is just one."""
    initiatives = list(Initiative.objects.for_user(request.user))
    if len(initiatives) == 1:
        return redirect("initiative_home", slug=initiatives[0].slug)
    return render(request, "initiatives/home.html", {"initiatives": initiatives})


class InitiativeHomeView(InitiativeViewMixin, TemplateView):
    nav = "home"
    template_name = "initiatives/initiative_home.html"

    def get_context_data(self, **kwargs):
        initiative = self.initiative
        partnerships = initiative.partnerships.all()
        return super().get_context_data(
            initiative=initiative,
            partner_count=partnerships.filter(status="active").count(),
            member_count=initiative.memberships.filter(is_active=True).count(),
            indicator_count=Indicator.objects.filter(initiative=initiative).count(),
            working_groups=initiative.working_groups.annotate(member_count=Count("partnerships")),
            leverage=leverage_for(initiative),
            my_items=open_items_of(self.request.user, initiative)[:5],
            awaiting_votes=decisions_awaiting_vote(self.request.user, initiative)[:5],
            next_meetings=upcoming_for_person(self.request.user, initiative, limit=3),
            today=timezone.localdate(),
            charter=self._charter_to_sign(),
            **kwargs,
        )

    def _charter_to_sign(self):
        """The adopted agenda version, when the person may sign for a partner that has not
        signed it (their own partner's lead), else None."""
        partnership = self.access.partnership
        if partnership is None or not self.access.can_edit_partner(partnership):
            return None
        adopted = adopted_version(self.initiative)
        if adopted is None or partner_charter(partnership, adopted).state == "signed":
            return None
        return adopted


class PartnerListView(InitiativeViewMixin, TemplateView):
    nav = "partners"
    template_name = "initiatives/partner_list.html"

    def get_context_data(self, **kwargs):
        partnerships = (
            self.initiative.partnerships.select_related("organization")
            .annotate(
                people=Count("memberships", filter=Q(memberships__is_active=True), distinct=True),
                indicators=Count("assignments", distinct=True),
            )
            .order_by("organization__name")
        )
        sector = self.request.GET.get("sector", "")
        if sector:
            partnerships = partnerships.filter(organization__sector=sector)
        return super().get_context_data(
            partnerships=partnerships,
            sector=sector,
            sectors=partnerships.model._meta.get_field("organization").related_model.Sector.choices,
            **kwargs,
        )


class PartnerMixin(InitiativeViewMixin):
    nav = "partners"

    def get_partnership(self):
        return get_object_or_404(
            self.initiative.partnerships.select_related("organization"), code=self.kwargs["code"]
        )


class PartnerDetailView(PartnerMixin, TemplateView):
    template_name = "initiatives/partner_detail.html"

    def get_context_data(self, **kwargs):
        partnership = self.get_partnership()
        return super().get_context_data(
            partnership=partnership,
            organization=partnership.organization,
            members=partnership.memberships.filter(is_active=True).select_related("user"),
            working_groups=partnership.working_groups.all(),
            assignments=partnership.assignments.select_related("indicator").order_by(
                "indicator__sort_order", "indicator__name"
            ),
            other_initiatives=partnership.organization.partnerships.exclude(
                pk=partnership.pk
            ).count(),
            can_edit=self.access.can_edit_partner(partnership),
            **kwargs,
        )


class PartnerEditView(PartnerMixin, View):
    template_name = "initiatives/partner_edit.html"

    def dispatch_partner(self):
        partnership = self.get_partnership()
        if not self.access.can_edit_partner(partnership):
            raise Http404
        return partnership

    def render_form(self, form, partnership):
        context = {"form": form, "partnership": partnership, "initiative": self.initiative}
        return render(self.request, self.template_name, context)

    def get(self, request, slug, code):
        partnership = self.dispatch_partner()
        return self.render_form(PartnerProfileForm(instance=partnership.organization), partnership)

    def post(self, request, slug, code):
        partnership = self.dispatch_partner()
        form = PartnerProfileForm(request.POST, instance=partnership.organization)
        if form.is_valid():
            services.update_partner_profile(
                actor=request.user, partnership=partnership, changes=form.cleaned_data
            )
            messages.success(request, _("The profile was saved."))
            return redirect("partner_detail", slug=slug, code=code)
        return self.render_form(form, partnership)


class PeopleView(InitiativeViewMixin, TemplateView):
    nav = "people"
    template_name = "initiatives/people.html"

    def get_context_data(self, **kwargs):
        members = self.initiative.memberships.select_related(
            "user", "partnership__organization"
        ).order_by("-is_active", "role", "user__last_name", "user__first_name")
        if not self.access.has(Perm.MANAGE_MEMBERS):
            members = members.filter(is_active=True)
        context = {"members": members, "can_manage": self.access.has(Perm.MANAGE_MEMBERS)}
        if context["can_manage"]:
            context["invitations"] = [
                i
                for i in self.initiative.invitations.select_related("partnership__organization")
                if i.is_open
            ]
            context["invite_form"] = kwargs.pop("invite_form", None) or InvitationForm(
                initiative=self.initiative
            )
            context["role_form"] = MembershipForm(initiative=self.initiative)
        return super().get_context_data(**context, **kwargs)


class InviteView(InitiativeViewMixin, View):
    permission = Perm.MANAGE_MEMBERS

    def post(self, request, slug):
        form = InvitationForm(request.POST, initiative=self.initiative)
        if form.is_valid():
            try:
                services.invite_person(
                    actor=request.user,
                    initiative=self.initiative,
                    email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"],
                    partnership=form.cleaned_data["partnership"],
                    base_url=request.build_absolute_uri("/"),
                )
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Invitation sent to %(email)s.") % form.cleaned_data)
                return redirect("people", slug=slug)
        view = PeopleView.as_view()
        request.method = "GET"
        return view(request, slug=slug, invite_form=form)


class MembershipChangeView(InitiativeViewMixin, View):
    permission = Perm.MANAGE_MEMBERS

    def post(self, request, slug, pk):
        membership = get_object_or_404(Membership, pk=pk, initiative=self.initiative)
        form = MembershipForm(request.POST, initiative=self.initiative)
        if not form.is_valid():
            messages.error(request, _("Choose a role (and a partner for partner roles)."))
            return redirect("people", slug=slug)
        try:
            services.change_membership(
                actor=request.user,
                membership=membership,
                role=form.cleaned_data["role"],
                partnership=form.cleaned_data["partnership"],
                is_active=request.POST.get("is_active", "1") == "1",
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("%(person)s was updated.") % {"person": membership.user})
        return redirect("people", slug=slug)


class RevokeInvitationView(InitiativeViewMixin, View):
    permission = Perm.MANAGE_MEMBERS

    def post(self, request, slug, pk):
        invitation = get_object_or_404(self.initiative.invitations, pk=pk)
        try:
            services.revoke_invitation(actor=request.user, invitation=invitation)
        except DomainError as error:
            messages.error(request, error.message)
        return redirect("people", slug=slug)


def accept_invitation(request, token):
    """Join an initiative from an e-mailed link: signed in, or by creating an account."""
    invitation = services.find_open_invitation(token)
    if invitation is None:
        return render(request, "initiatives/invitation_invalid.html", status=404)
    # An account may carry the address as its e-mail or as its username.
    existing = User.objects.filter(
        Q(email__iexact=invitation.email) | Q(username__iexact=invitation.email)
    ).first()
    if request.user.is_authenticated:
        if request.user.email.lower() != invitation.email:
            return render(
                request,
                "initiatives/invitation_other_account.html",
                {"invitation": invitation},
                status=403,
            )
        if request.method == "POST":
            try:
                services.accept_invitation(invitation=invitation, user=request.user)
            except DomainError:  # closed between opening the page and accepting it
                return render(request, "initiatives/invitation_invalid.html", status=404)
            return redirect("initiative_home", slug=invitation.initiative.slug)
        return render(request, "initiatives/invitation_accept.html", {"invitation": invitation})
    if existing is not None:
        messages.info(request, _("Sign in as %(email)s to accept.") % {"email": invitation.email})
        return redirect(f"{reverse('login')}?next={request.path}")
    form = AcceptInvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.sign_up_with_invitation(
                invitation=invitation,
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                password=form.cleaned_data["password1"],
            )
        except ValidationError as error:
            form.add_error("password1", error)
        except DomainError:
            return render(request, "initiatives/invitation_invalid.html", status=404)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect("initiative_home", slug=invitation.initiative.slug)
    return render(
        request, "initiatives/invitation_signup.html", {"invitation": invitation, "form": form}
    )
