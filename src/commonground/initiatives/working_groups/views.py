"""Pages of working groups: the list, one group's page (members, measures, activities,
meetings, threads), and the forms that create and change groups, members and shared measures.

Every member sees the groups; the lead and facilitators manage them
(``MANAGE_WORKING_GROUPS``); the data manager and the lead choose their shared measures.
"""

from django.contrib import messages
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from commonground.action.models import Activity
from commonground.action.plan.forms import show_error
from commonground.action.plan.health import plan_health
from commonground.action.plan.queries import activities_of, with_health
from commonground.convening.discussions import recent_threads_for_body
from commonground.convening.meetings import upcoming_for_body
from commonground.core.access import InitiativeViewMixin
from commonground.core.errors import DomainError
from commonground.core.permissions import Perm
from commonground.initiatives.models import WorkingGroup
from commonground.initiatives.working_groups import services
from commonground.initiatives.working_groups.forms import (
    MembersForm,
    SharedMeasuresForm,
    WorkingGroupForm,
)
from commonground.insight.markdown import render_story
from commonground.measurement.models import Indicator

FORM_TEMPLATE = "initiatives/working_groups/form.html"


class GroupMixin(InitiativeViewMixin):
    nav = "groups"

    def get_group(self):
        return get_object_or_404(
            self.initiative.working_groups.select_related("facilitator"), code=self.kwargs["code"]
        )


def _count(model, link: str = "workinggroup", exclude_status: str = ""):
    """How many rows of ``model`` point at the group, as a subquery."""
    rows = model.objects.filter(**{link: OuterRef("pk")})
    if exclude_status:
        rows = rows.exclude(status=exclude_status)
    counted = rows.order_by().values(link).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted), 0)


class WorkingGroupListView(GroupMixin, TemplateView):
    template_name = "initiatives/working_groups/list.html"

    def get_context_data(self, **kwargs):
        # One count per relation (a subquery each): joining them all at once would multiply
        # rows, partners × people × activities × measures, in a large initiative.
        groups = self.initiative.working_groups.select_related("facilitator").annotate(
            partner_count=_count(WorkingGroup.partnerships.through),
            people_count=_count(WorkingGroup.members.through),
            activity_count=_count(Activity, "working_group", exclude_status="cancelled"),
            measure_count=_count(Indicator.shared_by_groups.through),
        )
        return super().get_context_data(
            groups=groups.order_by("-kind", "name"),
            can_manage=self.access.has(Perm.MANAGE_WORKING_GROUPS),
            **kwargs,
        )


class WorkingGroupDetailView(GroupMixin, TemplateView):
    """One group: charter, facilitator, members, measures, activities, meetings, threads."""

    template_name = "initiatives/working_groups/detail.html"

    def get_context_data(self, **kwargs):
        group = self.get_group()
        health = plan_health(self.initiative)
        activities = with_health(
            list(
                activities_of(self.initiative)
                .filter(working_group=group)
                .order_by("partnership__organization__name", "title")
            ),
            health,
        )
        indicators = Indicator.objects.filter(initiative=self.initiative).order_by(
            "sort_order", "name"
        )
        return super().get_context_data(
            group=group,
            charter=render_story(group.charter),
            partnerships=group.partnerships.select_related("organization").order_by(
                "organization__name"
            ),
            people=group.members.order_by("last_name", "first_name", "email"),
            shared_measures=indicators.filter(shared_by_groups=group),
            owned_indicators=indicators.filter(owner_group=group),
            activities=activities,
            blocked=sum(a.health.is_blocked for a in activities),
            meetings=upcoming_for_body(group, limit=5),
            threads=recent_threads_for_body(group, limit=5),
            can_manage=self.access.has(Perm.MANAGE_WORKING_GROUPS),
            can_choose_measures=self.access.has(Perm.MANAGE_INDICATORS),
            **kwargs,
        )


class GroupFormView(GroupMixin, View):
    """A form about one group (or a new one); ``save`` calls the service."""

    permission = Perm.MANAGE_WORKING_GROUPS
    title = ""

    def group_or_none(self):
        return None

    def make_form(self, data, group):
        raise NotImplementedError

    def save(self, form, group):
        raise NotImplementedError

    def render_form(self, form, group, status=200):
        context = {
            "initiative": self.initiative,
            "nav": self.nav,
            "group": group,
            "form": form,
            "title": self.title,
        }
        return render(self.request, FORM_TEMPLATE, context, status=status)

    def get(self, request, slug, **kwargs):
        group = self.group_or_none()
        return self.render_form(self.make_form(None, group), group)

    def post(self, request, slug, **kwargs):
        group = self.group_or_none()
        form = self.make_form(request.POST, group)
        if form.is_valid():
            try:
                group = self.save(form, group)
            except DomainError as error:
                show_error(form, error)
            else:
                messages.success(request, _("%(name)s was saved.") % {"name": group.name})
                return redirect("working_group_detail", slug=slug, code=group.code)
        return self.render_form(form, group, status=400)


class WorkingGroupCreateView(GroupFormView):
    title = _("Add a working group")

    def make_form(self, data, group):
        return WorkingGroupForm(data, initiative=self.initiative)

    def save(self, form, group):
        return services.create_working_group(
            actor=self.request.user, initiative=self.initiative, data=form.cleaned_data
        )


class WorkingGroupEditView(GroupFormView):
    title = _("Change the group")

    def group_or_none(self):
        return self.get_group()

    def make_form(self, data, group):
        initial = {name: getattr(group, name) for name in services.GROUP_FIELDS}
        return WorkingGroupForm(data, initial=initial, initiative=self.initiative, editing=True)

    def save(self, form, group):
        return services.update_working_group(
            actor=self.request.user, group=group, data=form.cleaned_data
        )


class WorkingGroupMembersView(GroupFormView):
    title = _("Members of the group")

    def group_or_none(self):
        return self.get_group()

    def make_form(self, data, group):
        initial = {"partnerships": group.partnerships.all(), "people": group.members.all()}
        return MembersForm(data, initial=initial, initiative=self.initiative)

    def save(self, form, group):
        return services.set_members(
            actor=self.request.user,
            group=group,
            partnerships=form.cleaned_data["partnerships"],
            people=form.cleaned_data["people"],
        )


class WorkingGroupMeasuresView(GroupFormView):
    permission = Perm.MANAGE_INDICATORS
    title = _("Shared measures of the group")

    def group_or_none(self):
        return self.get_group()

    def make_form(self, data, group):
        initial = {"indicators": group.shared_measures.all()}
        return SharedMeasuresForm(data, initial=initial, initiative=self.initiative)

    def save(self, form, group):
        return services.set_shared_measures(
            actor=self.request.user, group=group, indicators=form.cleaned_data["indicators"]
        )
