"""Pages of improvement projects: the list, one project with its measures, run charts and PDSA
cycles, and the forms that start and change them.

Every member sees the projects; the run charts show the initiative's combined results, so only
to those who see results (``Perm.VIEW_RESULTS``). Those who run improvement work
(``Perm.MANAGE_IMPROVEMENT``) start projects and change any; a project's owner changes their
own (``services.may_run``). Anyone else asking for a form gets 404, like a missing page.
"""

from django.contrib import messages
from django.db.models import Count, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from commonground.action.improvement import services
from commonground.action.improvement.chart import build_measure_chart
from commonground.action.improvement.forms import (
    CYCLE_ERROR_FIELDS,
    MEASURE_ERROR_FIELDS,
    PROJECT_ERROR_FIELDS,
    CycleForm,
    MeasureForm,
    ProjectForm,
)
from commonground.action.models import ImprovementProject, PDSACycle, ProjectMeasure
from commonground.core.access import InitiativeViewMixin
from commonground.core.errors import DomainError
from commonground.core.permissions import Perm
from commonground.measurement.models import SeriesBreak

NAV = "improvement"
# Outcome first: what the aim is about; then how the work is done, then what it may harm.
MEASURE_ORDER = list(ProjectMeasure.Kind.values)


def _measure_order(measure: ProjectMeasure) -> tuple[int, int]:
    return (MEASURE_ORDER.index(measure.kind), measure.pk)


def show_error(form, error: DomainError, fields: dict[str, str]) -> None:
    """A service's refusal next to the field it concerns, or above the form."""
    form.add_error(fields.get(error.code), error.message)


def _projects(initiative):
    return ImprovementProject.objects.filter(initiative=initiative).select_related(
        "owner", "working_group", "partnership__organization"
    )


class ProjectMixin(InitiativeViewMixin):
    nav = NAV

    def get_project(self) -> ImprovementProject:
        if not hasattr(self, "_project"):
            self._project = get_object_or_404(_projects(self.initiative), pk=self.kwargs["pk"])
            self._project.initiative = self.initiative
        return self._project

    def get_project_to_run(self) -> ImprovementProject:
        """The project, if the person may change it; 404 otherwise."""
        project = self.get_project()
        if not services.may_run(self.access, project):
            raise Http404
        return project

    def render_page(self, template: str, context: dict, status: int = 200):
        context = {"initiative": self.initiative, "nav": self.nav, **context}
        return render(self.request, template, context, status=status)


class ProjectListView(InitiativeViewMixin, TemplateView):
    """Every improvement project, active ones first, with their measures and latest cycle."""

    nav = NAV
    template_name = "action/improvement/project_list.html"
    STATUSES = ImprovementProject.Status

    def get_context_data(self, **kwargs):
        status = self.request.GET.get("status", "")
        projects = _projects(self.initiative).annotate(cycle_count=Count("cycles"))
        if status in self.STATUSES.values:
            projects = projects.filter(status=status)
        projects = projects.prefetch_related(
            Prefetch("measures", queryset=ProjectMeasure.objects.select_related("indicator")),
            Prefetch("cycles", queryset=PDSACycle.objects.order_by("number")),
        )
        rows = sorted(projects, key=lambda p: (p.status != self.STATUSES.ACTIVE, -p.pk))
        for project in rows:
            cycles = list(project.cycles.all())
            project.last_cycle = cycles[-1] if cycles else None
            project.measure_list = sorted(project.measures.all(), key=_measure_order)
        return super().get_context_data(
            projects=rows,
            status=status,
            statuses=self.STATUSES.choices,
            can_start=self.access.has(Perm.MANAGE_IMPROVEMENT),
            **kwargs,
        )


class ProjectDetailView(ProjectMixin, TemplateView):
    """One project: its aim, measures, the run chart of each indicator measure, its cycles."""

    template_name = "action/improvement/project_detail.html"

    def get_context_data(self, **kwargs):
        project = self.get_project()
        measures = sorted(
            project.measures.select_related("indicator").prefetch_related(
                Prefetch("indicator__breaks", queryset=SeriesBreak.objects.order_by("period"))
            ),
            key=_measure_order,
        )
        cycles = list(project.cycles.select_related("measure__indicator"))
        can_run = services.may_run(self.access, project)
        sees_results = self.access.has(Perm.VIEW_RESULTS)
        charts = []
        if sees_results:
            for measure in measures:
                if measure.indicator is not None:
                    measure.indicator.initiative = self.initiative
                    charts.append(build_measure_chart(measure, cycles))
        return super().get_context_data(
            project=project,
            measures=measures,
            cycles=cycles,
            charts=charts,
            sees_results=sees_results,
            has_indicator_measure=any(m.indicator_id for m in measures),
            can_run=can_run,
            measure_form=MeasureForm(initiative=self.initiative) if can_run else None,
            **kwargs,
        )


class ProjectCreateView(ProjectMixin, View):
    permission = Perm.MANAGE_IMPROVEMENT
    template = "action/improvement/project_form.html"

    def get(self, request, slug):
        form = ProjectForm(initiative=self.initiative, initial={"owner": request.user.pk})
        return self.render_page(self.template, {"form": form})

    def post(self, request, slug):
        form = ProjectForm(request.POST, initiative=self.initiative)
        if form.is_valid():
            try:
                project = services.create_project(
                    actor=request.user, initiative=self.initiative, data=form.data_object()
                )
            except DomainError as error:
                show_error(form, error, PROJECT_ERROR_FIELDS)
            else:
                messages.success(request, _("The project was started."))
                return redirect("improvement_detail", slug=slug, pk=project.pk)
        return self.render_page(self.template, {"form": form}, status=400)


class ProjectEditView(ProjectMixin, View):
    template = "action/improvement/project_form.html"

    def get(self, request, slug, pk):
        project = self.get_project_to_run()
        form = ProjectForm(initiative=self.initiative, initial=ProjectForm.initial_for(project))
        return self.render_page(self.template, {"form": form, "project": project})

    def post(self, request, slug, pk):
        project = self.get_project_to_run()
        form = ProjectForm(request.POST, initiative=self.initiative)
        if form.is_valid():
            try:
                services.update_project(
                    actor=request.user, project=project, data=form.data_object()
                )
            except DomainError as error:
                show_error(form, error, PROJECT_ERROR_FIELDS)
            else:
                messages.success(request, _("The project was saved."))
                return redirect("improvement_detail", slug=slug, pk=project.pk)
        return self.render_page(self.template, {"form": form, "project": project}, status=400)


class MeasureAddView(ProjectMixin, View):
    """Add a measure (the form is on the project's page; errors come back on a page of their
    own with the form)."""

    template = "action/improvement/measure_form.html"

    def post(self, request, slug, pk):
        project = self.get_project_to_run()
        form = MeasureForm(request.POST, initiative=self.initiative)
        if form.is_valid():
            try:
                services.add_measure(
                    actor=request.user,
                    project=project,
                    kind=form.cleaned_data["kind"],
                    indicator=form.cleaned_data["indicator"],
                    name=form.cleaned_data["name"],
                )
            except DomainError as error:
                show_error(form, error, MEASURE_ERROR_FIELDS)
            else:
                messages.success(request, _("The measure was added."))
                return redirect("improvement_detail", slug=slug, pk=project.pk)
        return self.render_page(self.template, {"form": form, "project": project}, status=400)


class MeasureRemoveView(ProjectMixin, View):
    def post(self, request, slug, pk, measure):
        project = self.get_project_to_run()
        found = get_object_or_404(project.measures, pk=measure)
        services.remove_measure(actor=request.user, measure=found)
        messages.success(request, _("The measure was removed."))
        return redirect("improvement_detail", slug=slug, pk=project.pk)


class CycleFormView(ProjectMixin, View):
    """Planning a cycle, or writing its next steps."""

    template = "action/improvement/cycle_form.html"

    def get_cycle(self, project) -> PDSACycle | None:
        return None

    def save(self, project, cycle, data) -> PDSACycle:
        return services.add_cycle(actor=self.request.user, project=project, data=data)

    def get(self, request, slug, pk, **kwargs):
        project = self.get_project_to_run()
        cycle = self.get_cycle(project)
        initial = CycleForm.initial_for(cycle) if cycle else {}
        form = CycleForm(initial=initial, project=project)
        return self.render_page(self.template, {"form": form, "project": project, "cycle": cycle})

    def post(self, request, slug, pk, **kwargs):
        project = self.get_project_to_run()
        cycle = self.get_cycle(project)
        form = CycleForm(request.POST, project=project)
        if form.is_valid():
            try:
                saved = self.save(project, cycle, form.data_object())
            except DomainError as error:
                show_error(form, error, CYCLE_ERROR_FIELDS)
            else:
                messages.success(request, _("PDSA %(n)d was saved.") % {"n": saved.number})
                return redirect("improvement_detail", slug=slug, pk=project.pk)
        context = {"form": form, "project": project, "cycle": cycle}
        return self.render_page(self.template, context, status=400)


class CycleCreateView(CycleFormView):
    pass


class CycleEditView(CycleFormView):
    def get_cycle(self, project):
        return get_object_or_404(project.cycles, number=self.kwargs["number"])

    def save(self, project, cycle, data):
        return services.update_cycle(actor=self.request.user, cycle=cycle, data=data)
