"""Pages of the action plan: the activities, one activity (milestones, dependencies), adding and
changing activities, and the alignment views (matrix, gaps, overlaps, dependency picture).

Every member sees the plan; a partner changes only its own activities and the backbone lead any
(``access.can_edit_partner``). Views parse, check, call ``action.plan.services`` and render.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from commonground.action.models import Activity, ActivityDependency, Milestone, Strategy
from commonground.action.plan import services
from commonground.action.plan.alignment import alignment_matrix, find_gaps, find_overlaps
from commonground.action.plan.forms import (
    ActivityForm,
    DependencyForm,
    MilestoneForm,
    activity_initial,
    show_error,
)
from commonground.action.plan.graph import edges_of
from commonground.action.plan.health import plan_health
from commonground.action.plan.picture import dependency_picture
from commonground.action.plan.queries import activities_of, with_health
from commonground.core.access import InitiativeViewMixin
from commonground.core.errors import DomainError
from commonground.core.permissions import Perm

ACTIVITIES_PER_PAGE = 50
PARTNERS_PER_PAGE = 20  # matrix columns
FILTERS = ("q", "partner", "strategy", "group", "status", "problem")


class PlanMixin(InitiativeViewMixin):
    nav = "plan"
    tab = ""

    def get_context_data(self, **kwargs):
        kwargs.setdefault("tab", self.tab)
        kwargs.setdefault("can_add", self.access.has(Perm.EDIT_OWN_PARTNER))
        return super().get_context_data(**kwargs)

    def editable_partnerships(self):
        partnerships = self.initiative.partnerships.select_related("organization").order_by(
            "organization__name"
        )
        if self.access.has(Perm.EDIT_ANY_PARTNER):
            return partnerships
        if self.access.has(Perm.EDIT_OWN_PARTNER) and self.access.partnership:
            return partnerships.filter(pk=self.access.partnership.pk)
        return partnerships.none()

    def get_activity(self, *, edit: bool = False) -> Activity:
        activity = get_object_or_404(activities_of(self.initiative), pk=self.kwargs["pk"])
        if edit and not self.access.can_edit_partner(activity.partnership):
            raise Http404
        return activity


# The activities ----------------------------------------------------------------------------------


class ActionPlanView(PlanMixin, TemplateView):
    """Every activity of the plan, with filters and its flags (blocked, stalled, late)."""

    tab = "activities"
    template_name = "action/plan/plan.html"

    def filtered(self, filters, health):
        activities = activities_of(self.initiative).order_by(
            "partnership__organization__name", "title"
        )
        if filters["q"]:
            activities = activities.filter(
                Q(title__icontains=filters["q"]) | Q(description__icontains=filters["q"])
            )
        if filters["partner"]:
            activities = activities.filter(partnership__code=filters["partner"])
        if filters["strategy"] == "none":  # no current strategy, as in the matrix's last row
            activities = activities.filter(
                Q(strategy__isnull=True)
                | Q(strategy__is_retired=True)
                | Q(strategy__goal__is_retired=True)
            )
        elif filters["strategy"]:
            activities = activities.filter(strategy__code=filters["strategy"])
        if filters["group"]:
            activities = activities.filter(working_group__code=filters["group"])
        if filters["status"]:
            activities = activities.filter(status=filters["status"])
        if filters["problem"] == "blocked":
            activities = activities.filter(pk__in=[pk for pk, h in health.items() if h.is_blocked])
        elif filters["problem"] == "holding":
            activities = activities.filter(pk__in=[pk for pk, h in health.items() if h.problem])
        return activities

    def get_context_data(self, **kwargs):
        filters = {name: self.request.GET.get(name, "").strip() for name in FILTERS}
        health = plan_health(self.initiative)
        page = Paginator(self.filtered(filters, health), ACTIVITIES_PER_PAGE).get_page(
            self.request.GET.get("page")
        )
        query = urlencode({k: v for k, v in filters.items() if v})
        return super().get_context_data(
            page=page,
            activities=with_health(list(page.object_list), health),
            filters=filters,
            filtered=any(filters.values()),
            query=query,
            total=len(health),
            blocked=sum(h.is_blocked for h in health.values()),
            holding=sum(h.problem is not None for h in health.values()),
            partners=self.initiative.partnerships.select_related("organization").order_by(
                "organization__name"
            ),
            strategies=Strategy.objects.filter(initiative=self.initiative).order_by(
                "goal__sort_order", "sort_order", "code"
            ),
            groups=self.initiative.working_groups.order_by("name"),
            statuses=Activity.Status.choices,
            **kwargs,
        )


def detail_context(view, activity: Activity, **forms) -> dict:
    health = plan_health(view.initiative)
    activity.health = health[activity.pk]
    can_edit = view.access.can_edit_partner(activity.partnership)
    needs = list(
        ActivityDependency.objects.filter(activity=activity)
        .select_related("depends_on__partnership__organization")
        .order_by("depends_on__title")
    )
    for dependency in needs:
        dependency.depends_on.health = health[dependency.depends_on_id]
    needed_by = with_health(
        list(
            activities_of(view.initiative)
            .filter(
                pk__in=ActivityDependency.objects.filter(depends_on=activity).values("activity")
            )
            .order_by("title")
        ),
        health,
    )
    goals = list(activity.goals.all())
    if activity.strategy and activity.strategy.goal not in goals:
        goals.insert(0, activity.strategy.goal)
    context = {
        "initiative": view.initiative,
        "nav": view.nav,
        "tab": "activities",
        "activity": activity,
        "goals": goals,
        "indicators": activity.indicators.order_by("sort_order", "name"),
        "milestones": activity.milestones.all(),
        "today": timezone.localdate(),
        "needs": needs,
        "needed_by": needed_by,
        "can_edit": can_edit,
    }
    if can_edit:
        context["dependency_form"] = forms.get("dependency_form") or DependencyForm(
            activity=activity
        )
        context["milestone_form"] = forms.get("milestone_form") or MilestoneForm()
    return context


class ActivityDetailView(PlanMixin, View):
    tab = "activities"
    template_name = "action/plan/activity_detail.html"

    def get(self, request, slug, pk):
        activity = self.get_activity()
        return render(request, self.template_name, detail_context(self, activity))


class ActivityFormView(PlanMixin, View):
    """Adding or changing an activity (the partner's own, or any for the lead)."""

    permission = Perm.EDIT_OWN_PARTNER
    template_name = "action/plan/activity_form.html"

    def get_activity_or_none(self):
        return None

    def form(self, data=None):
        activity = self.get_activity_or_none()
        initial = activity_initial(activity) if activity else self.initial()
        partnerships = self.editable_partnerships()
        if activity is not None:  # its own partner stays a choice, even if no longer editable
            partnerships = partnerships | self.initiative.partnerships.filter(
                pk=activity.partnership_id
            )
        form = ActivityForm(
            data, initial=initial, initiative=self.initiative, partnerships=partnerships
        )
        return activity, form

    def initial(self) -> dict:
        """A new activity may start from a gap: ``?strategy=<code>`` preselects the strategy."""
        initial = {"status": Activity.Status.PLANNED}
        code = self.request.GET.get("strategy")
        if code:
            initial["strategy"] = Strategy.objects.filter(
                initiative=self.initiative, code=code, is_retired=False
            ).first()
        return initial

    def render_form(self, activity, form, status=200):
        context = {
            "initiative": self.initiative,
            "nav": self.nav,
            "activity": activity,
            "form": form,
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, slug, **kwargs):
        return self.render_form(*self.form())

    def post(self, request, slug, **kwargs):
        activity, form = self.form(request.POST)
        if form.is_valid():
            try:
                if activity is None:
                    activity = services.create_activity(
                        actor=request.user, initiative=self.initiative, data=form.cleaned_data
                    )
                    messages.success(request, _("The activity was added to the plan."))
                else:
                    services.update_activity(
                        actor=request.user, activity=activity, data=form.cleaned_data
                    )
                    messages.success(request, _("The activity was saved."))
            except DomainError as error:
                show_error(form, error)
            else:
                return redirect("activity_detail", slug=slug, pk=activity.pk)
        return self.render_form(activity, form, status=400)


class ActivityCreateView(ActivityFormView):
    pass


class ActivityEditView(ActivityFormView):
    def get_activity_or_none(self):
        if not hasattr(self, "_activity"):
            self._activity = self.get_activity(edit=True)
        return self._activity


class ActivityDeleteView(PlanMixin, View):
    permission = Perm.EDIT_OWN_PARTNER

    def post(self, request, slug, pk):
        activity = self.get_activity(edit=True)
        services.delete_activity(actor=request.user, activity=activity)
        messages.success(request, _("“%(title)s” was removed from the plan.") % {"title": activity})
        return redirect("activity_list", slug=slug)


class ActivityPartView(PlanMixin, View):
    """A change to one part of an activity, posted from its page; errors show on that page."""

    permission = Perm.EDIT_OWN_PARTNER

    def back(self, activity):
        return redirect("activity_detail", slug=self.initiative.slug, pk=activity.pk)

    def render_detail(self, activity, **forms):
        context = detail_context(self, activity, **forms)
        return render(self.request, ActivityDetailView.template_name, context, status=400)


class DependencyAddView(ActivityPartView):
    def post(self, request, slug, pk):
        activity = self.get_activity(edit=True)
        form = DependencyForm(request.POST, activity=activity)
        if form.is_valid():
            try:
                services.add_dependency(
                    actor=request.user,
                    activity=activity,
                    depends_on=form.cleaned_data["depends_on"],
                    note=form.cleaned_data["note"],
                )
            except DomainError as error:
                show_error(form, error)
            else:
                messages.success(request, _("The dependency was added."))
                return self.back(activity)
        return self.render_detail(activity, dependency_form=form)


class DependencyRemoveView(ActivityPartView):
    def post(self, request, slug, pk, needed):
        activity = self.get_activity(edit=True)
        depends_on = get_object_or_404(Activity, initiative=self.initiative, pk=needed)
        try:
            services.remove_dependency(actor=request.user, activity=activity, depends_on=depends_on)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The dependency was removed."))
        return self.back(activity)


class MilestoneAddView(ActivityPartView):
    def post(self, request, slug, pk):
        activity = self.get_activity(edit=True)
        form = MilestoneForm(request.POST)
        if form.is_valid():
            try:
                services.add_milestone(actor=request.user, activity=activity, **form.cleaned_data)
            except DomainError as error:
                show_error(form, error)
            else:
                messages.success(request, _("The milestone was added."))
                return self.back(activity)
        return self.render_detail(activity, milestone_form=form)


class MilestoneMixin(ActivityPartView):
    def get_milestone(self):
        activity = self.get_activity(edit=True)
        return get_object_or_404(Milestone, activity=activity, pk=self.kwargs["milestone"])


class MilestoneDoneView(MilestoneMixin):
    """Mark a milestone done today, or (``done=0``) not done after all."""

    def post(self, request, slug, pk, milestone):
        milestone = self.get_milestone()
        done_on = timezone.localdate() if request.POST.get("done", "1") == "1" else None
        services.set_milestone_done(actor=request.user, milestone=milestone, done_on=done_on)
        return self.back(milestone.activity)


class MilestoneDeleteView(MilestoneMixin):
    def post(self, request, slug, pk, milestone):
        milestone = self.get_milestone()
        services.delete_milestone(actor=request.user, milestone=milestone)
        messages.success(request, _("The milestone was removed."))
        return self.back(milestone.activity)


# Alignment views ---------------------------------------------------------------------------------


class AlignmentMixin(PlanMixin):
    nav = "alignment"


class AlignmentView(AlignmentMixin, TemplateView):
    """Strategies × partners: how many activities each partner runs under each strategy."""

    tab = "alignment"
    template_name = "action/plan/alignment.html"

    def get_context_data(self, **kwargs):
        group = self.request.GET.get("group", "").strip()
        partnerships = self.initiative.partnerships.select_related("organization").order_by(
            "organization__name", "code"
        )
        if group:
            partnerships = partnerships.filter(working_groups__code=group)
        page = Paginator(partnerships, PARTNERS_PER_PAGE).get_page(self.request.GET.get("page"))
        return super().get_context_data(
            matrix=alignment_matrix(self.initiative, page.object_list),
            page=page,
            group=group,
            groups=self.initiative.working_groups.order_by("name"),
            query=urlencode({"group": group} if group else {}),
            **kwargs,
        )


class GapsView(AlignmentMixin, TemplateView):
    tab = "gaps"
    template_name = "action/plan/gaps.html"

    def get_context_data(self, **kwargs):
        gaps = find_gaps(self.initiative)
        for activity in gaps.activities_without_goal:
            activity.can_edit = self.access.can_edit_partner(activity.partnership)
        return super().get_context_data(gaps=gaps, **kwargs)


class OverlapsView(AlignmentMixin, TemplateView):
    tab = "overlaps"
    template_name = "action/plan/overlaps.html"

    def get_context_data(self, **kwargs):
        overlaps = find_overlaps(self.initiative)
        health = plan_health(self.initiative)
        for overlap in overlaps:
            with_health(overlap.activities, health)
        return super().get_context_data(overlaps=overlaps, **kwargs)


class DependenciesView(AlignmentMixin, TemplateView):
    """The dependency picture (SVG drawn on the server) and the same as a table."""

    tab = "dependencies"
    template_name = "action/plan/dependencies.html"

    def get_context_data(self, **kwargs):
        pairs = list(
            ActivityDependency.objects.filter(activity__initiative=self.initiative).values_list(
                "activity_id", "depends_on_id"
            )
        )
        edges = edges_of(pairs)
        involved = {pk for pair in pairs for pk in pair}
        activities = {a.pk: a for a in activities_of(self.initiative).filter(pk__in=involved)}
        health = plan_health(self.initiative)
        with_health(activities.values(), health)
        rows = sorted(
            (activities[pk] for pk in edges),
            key=lambda a: (not a.health.is_blocked, a.partnership.organization.name, a.title),
        )
        for activity in rows:
            activity.needs = sorted(
                (activities[pk] for pk in edges[activity.pk]), key=lambda a: a.title
            )
        return super().get_context_data(
            picture=dependency_picture(activities, edges, health),
            rows=rows,
            blocked=sum(a.health.is_blocked for a in rows),
            unlinked=len(health) - len(involved),
            **kwargs,
        )
