"""Funding pages: the alignment of the money around the initiative (every member), and the
forms where funders record their own grants and the backbone lead any.

A funder records the grants of the partner organization its membership acts for
(``Perm.RECORD_OWN_GRANTS``); a funder whose membership names no partner is told to ask the
backbone. The lead records and corrects any grant (``Perm.MANAGE_FUNDING``). Anyone else asking
for a form, or for another funder's grant, gets 404.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from commonground.action.funding import services
from commonground.action.funding.alignment import (
    fiscal_year,
    fiscal_years,
    funding_alignment,
    leverage_for,
)
from commonground.action.funding.forms import GRANT_ERROR_FIELDS, GrantForm
from commonground.action.models import Grant
from commonground.core.access import InitiativeViewMixin
from commonground.core.errors import DomainError
from commonground.core.permissions import Perm

NAV = "funding"


def records_any(access) -> bool:
    return access.has(Perm.MANAGE_FUNDING)


def may_record_some(access) -> bool:
    """Whether the person can record a grant at all (a funder needs its partner named)."""
    return records_any(access) or (
        access.has(Perm.RECORD_OWN_GRANTS) and access.partnership is not None
    )


class FundingView(InitiativeViewMixin, TemplateView):
    """The money of one fiscal year: funders' grants and partners' budgets aligned to the
    agenda, by strategy and by funder, the grants themselves, and the leverage."""

    nav = NAV
    template_name = "action/funding/funding.html"

    def get_context_data(self, **kwargs):
        year = fiscal_year(self.initiative, self.request.GET.get("year", ""))
        alignment = funding_alignment(self.initiative, year)
        editable = {
            row.grant.pk
            for row in alignment.grant_rows
            if services.may_record_for(self.access, row.grant.funder)
        }
        return super().get_context_data(
            year=year,
            years=fiscal_years(self.initiative),
            alignment=alignment,
            leverage=leverage_for(self.initiative),
            editable=editable,
            can_record=may_record_some(self.access),
            **kwargs,
        )


class GrantFormView(InitiativeViewMixin, View):
    """Recording a grant, or changing one."""

    permission = Perm.RECORD_OWN_GRANTS
    nav = NAV
    template_name = "action/funding/grant_form.html"

    def get_grant(self) -> Grant | None:
        return None

    def own_funder(self):
        """The funder a funder records for; ``None`` for those who choose any."""
        return None if records_any(self.access) else self.access.partnership

    def form(self, data=None):
        grant = self.get_grant()
        initial = GrantForm.initial_for(grant) if grant else {}
        return GrantForm(
            data,
            initial=initial,
            initiative=self.initiative,
            own_funder=self.own_funder(),
            grant=grant,
        )

    def render_page(self, form, status=200):
        context = {
            "initiative": self.initiative,
            "nav": self.nav,
            "form": form,
            "grant": self.get_grant(),
            "own_funder": self.own_funder(),
            "can_record": may_record_some(self.access),
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, slug, **kwargs):
        return self.render_page(self.form())

    def post(self, request, slug, **kwargs):
        if not may_record_some(self.access):
            return self.render_page(None, status=400)
        form = self.form(request.POST)
        if form.is_valid():
            try:
                grant = self.save(form.data_object())
            except DomainError as error:
                form.add_error(GRANT_ERROR_FIELDS.get(error.code), error.message)
            else:
                messages.success(request, _("“%(title)s” was saved.") % {"title": grant.title})
                return redirect("funding", slug=slug)
        return self.render_page(form, status=400)

    def save(self, data) -> Grant:
        return services.record_grant(actor=self.request.user, initiative=self.initiative, data=data)


class GrantCreateView(GrantFormView):
    pass


def _grant_to_change(view) -> Grant:
    """The grant of the URL, if the person may change it; 404 otherwise."""
    if not hasattr(view, "_grant"):
        grant = get_object_or_404(
            Grant.objects.filter(initiative=view.initiative).select_related(
                "funder__organization", "recipient"
            ),
            pk=view.kwargs["pk"],
        )
        if not services.may_record_for(view.access, grant.funder):
            raise Http404
        view._grant = grant
    return view._grant


class GrantEditView(GrantFormView):
    def get_grant(self):
        return _grant_to_change(self)

    def save(self, data) -> Grant:
        return services.update_grant(actor=self.request.user, grant=self.get_grant(), data=data)


class GrantDeleteView(InitiativeViewMixin, View):
    permission = Perm.RECORD_OWN_GRANTS

    def post(self, request, slug, pk):
        grant = _grant_to_change(self)
        services.delete_grant(actor=request.user, grant=grant)
        messages.success(request, _("“%(title)s” was removed.") % {"title": grant.title})
        return redirect("funding", slug=slug)
