"""Action item pages: everyone's list (with the overdue ones a filter away), a person's "My work",
and the forms to create and change an item or move it along."""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from commonground.convening.models import ActionItem, Decision, Occurrence, Vote
from commonground.convening.services import action_items as services
from commonground.convening.services.decisions import decisions_awaiting_vote
from commonground.convening.views.decisions import (
    PersonChoiceField,
    active_people,
    form_error,
    occurrence_url,
)
from commonground.core.access import InitiativeViewMixin
from commonground.core.errors import DomainError
from commonground.core.permissions import Perm

Status = ActionItem.Status
LIST_PAGE_SIZE = 100
# What the list can show, by the ``show`` query parameter.
SHOW = {
    "open": gettext_lazy("Still to do"),
    "overdue": gettext_lazy("Overdue"),
    "done": gettext_lazy("Done"),
    "all": gettext_lazy("All"),
}


class SourceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        if isinstance(obj, Occurrence):
            return f"{obj.meeting.title} — {timezone.localtime(obj.starts_at):%Y-%m-%d}"
        return obj.title


class ActionItemForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("What is to be done"), max_length=300)
    description = forms.CharField(
        label=gettext_lazy("Details"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    owner = PersonChoiceField(label=gettext_lazy("Owner"), queryset=None)
    due_on = forms.DateField(
        label=gettext_lazy("Due on"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, initiative, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = active_people(initiative)


class NewActionItemForm(ActionItemForm):
    occurrence = SourceChoiceField(
        label=gettext_lazy("From the meeting"),
        queryset=None,
        required=False,
        empty_label=gettext_lazy("— none —"),
    )
    decision = SourceChoiceField(
        label=gettext_lazy("From the decision"),
        queryset=None,
        required=False,
        empty_label=gettext_lazy("— none —"),
        help_text=gettext_lazy("An action item comes out of a meeting, a decision, or both."),
    )

    def __init__(self, *args, initiative, **kwargs):
        super().__init__(*args, initiative=initiative, **kwargs)
        self.fields["occurrence"].queryset = (
            Occurrence.objects.filter(meeting__initiative=initiative)
            .exclude(status=Occurrence.Status.CANCELLED)
            .select_related("meeting")
            .order_by("-starts_at")
        )
        self.fields["decision"].queryset = Decision.objects.filter(initiative=initiative).order_by(
            "-opened_at"
        )


ITEM_ERRORS = {
    "title_required": "title",
    "owner_not_member": "owner",
    "due_required": "due_on",
    "source_required": "decision",
}


def with_links(items) -> list[ActionItem]:
    """The items, each with the address of the meeting it came out of (``occurrence_url``)."""
    items = list(items)
    for item in items:
        item.occurrence_url = occurrence_url(item.occurrence)
    return items


def back_to(request, fallback: str) -> str:
    """The page the form was posted from, if it is one of ours; else ``fallback``."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


class ActionItemMixin(InitiativeViewMixin):
    nav = "action_items"

    def get_item(self) -> ActionItem:
        return get_object_or_404(
            ActionItem.objects.select_related("owner", "occurrence__meeting", "decision"),
            pk=self.kwargs["pk"],
            initiative=self.initiative,
        )


class ActionItemListView(ActionItemMixin, TemplateView):
    """Every action item of the initiative; by default those still to do, earliest due first."""

    template_name = "convening/action_items/list.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        show = self.request.GET.get("show", "open")
        if show not in SHOW:
            show = "open"
        items = ActionItem.objects.filter(initiative=self.initiative)
        if show == "open":
            items = items.filter(status__in=services.ACTIVE)
        elif show == "overdue":
            items = items.filter(status__in=services.ACTIVE, due_on__lt=today)
        elif show == "done":
            items = items.filter(status=Status.DONE)
        items = items.select_related(
            "owner", "occurrence__meeting__initiative", "decision"
        ).order_by("-completed_at" if show == "done" else "due_on", "due_on", "pk")
        page = Paginator(items, LIST_PAGE_SIZE).get_page(self.request.GET.get("page"))
        return super().get_context_data(
            page=page,
            items=with_links(page.object_list),
            show=show,
            shows=SHOW.items(),
            overdue_count=ActionItem.objects.filter(
                initiative=self.initiative, status__in=services.ACTIVE, due_on__lt=today
            ).count(),
            can_run=self.access.has(Perm.RUN_MEETINGS),
            today=today,
            statuses=Status.choices,
            **kwargs,
        )


class ActionItemFormView(ActionItemMixin, View):
    permission = Perm.RUN_MEETINGS
    template_name = "convening/action_items/form.html"

    def render_form(self, form, item=None):
        context = {"form": form, "item": item, "initiative": self.initiative, "nav": self.nav}
        return render(self.request, self.template_name, context)


class ActionItemCreateView(ActionItemFormView):
    def get(self, request, slug):
        initial = {
            name: request.GET[name]
            for name in ("occurrence", "decision")
            if request.GET.get(name, "").isdigit()
        }
        return self.render_form(NewActionItemForm(initial=initial, initiative=self.initiative))

    def post(self, request, slug):
        form = NewActionItemForm(request.POST, initiative=self.initiative)
        if form.is_valid():
            data = form.cleaned_data
            try:
                item = services.create_action_item(
                    actor=request.user, initiative=self.initiative, **data
                )
            except DomainError as error:
                form_error(form, error, ITEM_ERRORS)
            else:
                messages.success(
                    request,
                    _("“%(title)s” is on %(owner)s's list.")
                    % {
                        "title": item.title,
                        "owner": form.fields["owner"].label_from_instance(item.owner),
                    },
                )
                if item.decision_id:
                    return redirect("decision_detail", slug=slug, pk=item.decision_id)
                return redirect("action_item_list", slug=slug)
        return self.render_form(form)


class ActionItemEditView(ActionItemFormView):
    def get(self, request, slug, pk):
        item = self.get_item()
        initial = {name: getattr(item, name) for name in services.EDITABLE_FIELDS}
        return self.render_form(ActionItemForm(initial=initial, initiative=self.initiative), item)

    def post(self, request, slug, pk):
        item = self.get_item()
        form = ActionItemForm(request.POST, initiative=self.initiative)
        if form.is_valid():
            try:
                services.update_action_item(
                    actor=request.user, item=item, changes=form.cleaned_data
                )
            except DomainError as error:
                form_error(form, error, ITEM_ERRORS)
            else:
                messages.success(request, _("The action item was saved."))
                return redirect("action_item_list", slug=slug)
        return self.render_form(form, item)


class ActionItemStatusView(ActionItemMixin, View):
    """Move an item along; for its owner and for those who run meetings."""

    def post(self, request, slug, pk):
        item = self.get_item()
        if item.owner_id != request.user.pk and not self.access.has(Perm.RUN_MEETINGS):
            raise Http404
        try:
            services.set_action_item_status(
                actor=request.user, item=item, status=request.POST.get("status", "")
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            item.refresh_from_db(fields=["status"])
            messages.success(
                request,
                _("“%(title)s”: %(status)s.")
                % {"title": item.title, "status": item.get_status_display().lower()},
            )
        return redirect(back_to(request, fallback=reverse("my_work", args=[slug])))


class MyWorkView(InitiativeViewMixin, TemplateView):
    """What the person is asked to do: their open action items and the votes waiting for them."""

    nav = "my_work"
    template_name = "convening/action_items/my_work.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        now = timezone.now()
        voted_open = (
            Vote.objects.filter(
                voter=user,
                decision__initiative=self.initiative,
                decision__status=Decision.Status.OPEN,
                decision__closes_at__gt=now,
            )
            .select_related("decision")
            .order_by("decision__closes_at")
        )
        return super().get_context_data(
            items=with_links(services.open_items_of(user, self.initiative)),
            awaiting=decisions_awaiting_vote(user, self.initiative).select_related("body"),
            voted_open=voted_open,
            today=timezone.localdate(),
            statuses=Status.choices,
            **kwargs,
        )
