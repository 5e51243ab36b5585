"""Pages of the indicator registry: the list, one indicator, adding and changing indicators,
the framework file (download and upload), and who reports what (reporting assignments).

Views parse, authorize (``permission``), call a service of ``services.registry`` and render.
"""

from collections import defaultdict
from pathlib import PurePath

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from commonground.core.access import InitiativeViewMixin
from commonground.core.errors import DomainError
from commonground.core.permissions import Perm
from commonground.initiatives.models import Partnership, WorkingGroup
from commonground.measurement.cells import parse_cell_key
from commonground.measurement.forms.registry import (
    CHOICES_EXPLAINED,
    AssignmentsForm,
    BreakFormSet,
    FrameworkUploadForm,
    IndicatorForm,
    TargetFormSet,
    break_initial,
    describe_indicator,
    indicator_data,
    target_initial,
)
from commonground.measurement.framework import FrameworkError, export_framework
from commonground.measurement.framework.schema import plain_number
from commonground.measurement.models import Dimension, Indicator, ReportingAssignment
from commonground.measurement.periods import Frequency
from commonground.measurement.services.registry import (
    InvalidIndicator,
    create_indicator,
    import_framework,
    set_assignments,
    update_indicator,
)

PARTNERS_PER_PAGE = 50


def _indicators(initiative):
    return Indicator.objects.filter(initiative=initiative).order_by("sort_order", "name", "code")


def reporters_by_indicator(initiative) -> dict[int, set[int]]:
    """Partnership ids reporting each indicator, directly or through groups, in three queries.

    Lighter than ``assignments_for`` when only who (not by when) matters: no object per pair.
    """
    found = defaultdict(set)
    for indicator_id, partnership_id in ReportingAssignment.objects.filter(
        indicator__initiative=initiative
    ).values_list("indicator_id", "partnership_id"):
        found[indicator_id].add(partnership_id)
    members = defaultdict(set)
    for group_id, partnership_id in WorkingGroup.partnerships.through.objects.filter(
        workinggroup__initiative=initiative
    ).values_list("workinggroup_id", "partnership_id"):
        members[group_id].add(partnership_id)
    for indicator_id, group_id in Indicator.shared_by_groups.through.objects.filter(
        indicator__initiative=initiative
    ).values_list("indicator_id", "workinggroup_id"):
        found[indicator_id] |= members[group_id]
    return found


def _get_indicator(initiative, code):
    return get_object_or_404(
        _indicators(initiative).select_related("predicts", "owner_group"), code=code
    )


class IndicatorListView(InitiativeViewMixin, TemplateView):
    """Every indicator of the initiative, for every member, with filters."""

    nav = "indicators"
    template_name = "measurement/registry/indicator_list.html"

    def get_context_data(self, **kwargs):
        params = self.request.GET
        filters = {
            name: params.get(name, "").strip()
            for name in ("q", "frequency", "value_type", "level", "published", "group")
        }
        indicators = _indicators(self.initiative).select_related("owner_group")
        if filters["q"]:
            indicators = indicators.filter(
                Q(code__icontains=filters["q"]) | Q(name__icontains=filters["q"])
            )
        for name in ("frequency", "value_type", "level"):
            if filters[name]:
                indicators = indicators.filter(**{name: filters[name]})
        if filters["published"] in ("yes", "no"):
            indicators = indicators.filter(is_published=filters["published"] == "yes")
        if filters["group"]:
            indicators = indicators.filter(
                Q(owner_group__code=filters["group"]) | Q(shared_by_groups__code=filters["group"])
            ).distinct()
        reporters = reporters_by_indicator(self.initiative)
        rows = list(indicators)
        for indicator in rows:
            indicator.partner_count = len(reporters.get(indicator.pk, ()))
        return super().get_context_data(
            indicators=rows,
            filters=filters,
            filtered=any(filters.values()),
            total=Indicator.objects.filter(initiative=self.initiative).count(),
            frequencies=Frequency.choices,
            value_types=Indicator.ValueType.choices,
            levels=Indicator.Level.choices,
            groups=self.initiative.working_groups.order_by("name"),
            can_manage=self.access.has(Perm.MANAGE_INDICATORS),
            **kwargs,
        )


def cell_label(key: str, names: dict) -> str:
    """``race=black;sex=f`` → ``Race / ethnicity: Black, Sex: Female``; the total is “Everyone”."""
    if not key:
        return _("Everyone")
    parts = []
    for dimension, value in parse_cell_key(key).items():
        dim_name, values = names.get(dimension, (dimension, {}))
        parts.append(f"{dim_name}: {values.get(value, value)}")
    return ", ".join(parts)


def _dimension_names(dimensions) -> dict:
    return {d.code: (d.name, {v.code: v.name for v in d.values.all()}) for d in dimensions}


class IndicatorDetailView(InitiativeViewMixin, TemplateView):
    """One indicator with every field explained in plain words."""

    nav = "indicators"
    template_name = "measurement/registry/indicator_detail.html"

    def get_context_data(self, **kwargs):
        indicator = _get_indicator(self.initiative, self.kwargs["code"])
        dimensions = list(indicator.dimensions.prefetch_related("values").order_by("name"))
        names = _dimension_names(
            Dimension.objects.filter(initiative=self.initiative).prefetch_related("values")
        )
        targets = [
            {"period": t.period, "cell": cell_label(t.cell, names), "value": plain_number(t.value)}
            for t in sorted(indicator.targets.all(), key=lambda t: (t.period, t.cell))
        ]
        reporters = reporters_by_indicator(self.initiative).get(indicator.pk, set())
        return super().get_context_data(
            indicator=indicator,
            baseline=plain_number(indicator.baseline_value)
            if indicator.baseline_value is not None
            else "",
            facts=describe_indicator(indicator),
            dimensions=dimensions,
            targets=targets,
            breaks=indicator.breaks.all(),
            shared_by=indicator.shared_by_groups.order_by("name"),
            contributing=indicator.contributing.order_by("sort_order", "name"),
            partner_count=len(reporters),
            can_manage=self.access.has(Perm.MANAGE_INDICATORS),
            can_see_assignments=self.access.has(Perm.VIEW_COMPLETENESS),
            **kwargs,
        )


class IndicatorFormView(InitiativeViewMixin, View):
    """Adding or changing an indicator, its targets and series breaks, in one form."""

    permission = Perm.MANAGE_INDICATORS
    nav = "indicators"
    template_name = "measurement/registry/indicator_form.html"

    def get_indicator(self):
        return None

    def build(self, data=None):
        indicator = self.get_indicator()
        dimensions = list(
            Dimension.objects.filter(initiative=self.initiative)
            .prefetch_related("values")
            .order_by("name")
        )
        instance = indicator or Indicator(initiative=self.initiative)
        form = IndicatorForm(data, instance=instance, initiative=self.initiative)
        targets = TargetFormSet(
            data,
            prefix="targets",
            initial=target_initial(indicator) if indicator else None,
            form_kwargs={"dimensions": dimensions},
        )
        targets.dimensions = dimensions  # the columns of the targets table
        breaks = BreakFormSet(
            data, prefix="breaks", initial=break_initial(indicator) if indicator else None
        )
        return indicator, form, targets, breaks

    def render_forms(self, indicator, form, targets, breaks, status=200):
        context = {
            "initiative": self.initiative,
            "nav": self.nav,
            "indicator": indicator,
            "form": form,
            "targets": targets,
            "breaks": breaks,
            "choices_explained": CHOICES_EXPLAINED,
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, slug, **kwargs):
        return self.render_forms(*self.build())

    def post(self, request, slug, **kwargs):
        indicator, form, targets, breaks = self.build(request.POST)
        if form.is_valid() and targets.is_valid() and breaks.is_valid():
            data = indicator_data(form, targets, breaks)
            try:
                if indicator is None:
                    saved = create_indicator(
                        actor=request.user, initiative=self.initiative, data=data
                    )
                else:
                    saved = update_indicator(actor=request.user, indicator=indicator, data=data)
            except InvalidIndicator as error:
                show_problems(error, form, targets, breaks)
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("%(name)s was saved.") % {"name": saved.name})
                return redirect("indicator_detail", slug=slug, code=saved.code)
        return self.render_forms(indicator, form, targets, breaks, status=400)


def show_problems(error: InvalidIndicator, form, targets, breaks) -> None:
    """Put each problem the service found next to the field (or row) it concerns."""
    lists = {"targets": targets.kept_forms(), "series_breaks": breaks.kept_forms()}
    for problem in error.details.get("problems", []):
        name, message = problem["field"], problem["message"]
        head, _sep, rest = name.partition(".")
        if head in lists and rest:
            index, _sep, row_field = rest.partition(".")
            row = lists[head][int(index)]
            row.add_error(row_field if row_field in row.fields else None, message)
        elif name in form.fields:
            form.add_error(name, message)
        else:
            form.add_error(None, message)


class IndicatorCreateView(IndicatorFormView):
    pass


class IndicatorEditView(IndicatorFormView):
    def get_indicator(self):
        indicator = getattr(self, "_indicator", None)
        if indicator is None:
            indicator = self._indicator = _get_indicator(self.initiative, self.kwargs["code"])
        return indicator


class FrameworkExportView(InitiativeViewMixin, View):
    """The registry as a framework file, to keep, share as a template, or edit and load."""

    permission = Perm.MANAGE_INDICATORS

    def get(self, request, slug):
        response = HttpResponse(
            export_framework(self.initiative), content_type="application/yaml; charset=utf-8"
        )
        filename = f"{self.initiative.slug}-framework.yaml"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


class FrameworkImportView(InitiativeViewMixin, View):
    """Upload a framework file: the whole file is checked; the summary or the first problem."""

    permission = Perm.MANAGE_INDICATORS
    nav = "indicators"
    template_name = "measurement/registry/framework_import.html"

    def render_page(self, form, result=None, status=200):
        context = {"initiative": self.initiative, "nav": self.nav, "form": form, "result": result}
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, slug):
        return self.render_page(FrameworkUploadForm())

    def post(self, request, slug):
        form = FrameworkUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_page(form, status=400)
        name, text = form.cleaned_data["file"]
        source = PurePath(name).name[:100] or "framework.yaml"
        try:
            result = import_framework(
                actor=request.user, initiative=self.initiative, text=text, source=source
            )
        except (FrameworkError, DomainError) as error:
            form.add_error("file", error.message)
            return self.render_page(form, status=400)
        return self.render_page(FrameworkUploadForm(), result=result)


class AssignmentsView(InitiativeViewMixin, View):
    """Partners × indicators: who reports what, directly (with a deadline) or via a group.

    Partners are shown 50 a page; the queries do not grow with the number of partners. People
    who manage indicators pick one indicator to change which partners of the page report it.
    """

    permission = Perm.VIEW_COMPLETENESS
    nav = "indicators"
    template_name = "measurement/registry/assignments.html"

    def partner_page(self):
        q = self.request.GET.get("q", "").strip()
        partnerships = self.initiative.partnerships.select_related("organization").order_by(
            "organization__name", "code"
        )
        if q:
            partnerships = partnerships.filter(
                Q(organization__name__icontains=q) | Q(code__icontains=q)
            )
        page = Paginator(partnerships, PARTNERS_PER_PAGE).get_page(self.request.GET.get("page"))
        return q, page

    def chosen_indicator(self, indicators):
        code = self.request.POST.get("indicator") or self.request.GET.get("indicator")
        if not code:
            return None
        if not self.access.has(Perm.MANAGE_INDICATORS):
            raise Http404
        for indicator in indicators:
            if indicator.code == code:
                return indicator
        raise Http404

    def get(self, request, slug, form=None):
        indicators = list(_indicators(self.initiative))
        chosen = self.chosen_indicator(indicators)
        q, page = self.partner_page()
        partners = list(page.object_list)
        matrix = self.matrix(partners, indicators)
        if chosen is not None and form is None:
            form = self.assignments_form(chosen, partners)
        query = {"q": q} if q else {}
        context = {
            "initiative": self.initiative,
            "nav": self.nav,
            "indicators": indicators,
            "page": page,
            "rows": [(p, matrix[p.pk]) for p in partners],
            "q": q,
            "query": urlencode(query),
            "chosen": chosen,
            "form": form,
            "can_manage": self.access.has(Perm.MANAGE_INDICATORS),
        }
        return render(
            request, self.template_name, context, status=400 if form and form.errors else 200
        )

    def matrix(self, partners, indicators) -> dict:
        """For each partner of the page, one cell per indicator: direct days, groups."""
        ids = [p.pk for p in partners]
        direct = {
            (p_id, i_id): days
            for p_id, i_id, days in ReportingAssignment.objects.filter(
                partnership_id__in=ids, indicator__initiative=self.initiative
            ).values_list("partnership_id", "indicator_id", "deadline_days")
        }
        groups = {g.pk: g for g in WorkingGroup.objects.filter(initiative=self.initiative)}
        member_of = defaultdict(list)
        for p_id, g_id in WorkingGroup.partnerships.through.objects.filter(
            partnership_id__in=ids, workinggroup__initiative=self.initiative
        ).values_list("partnership_id", "workinggroup_id"):
            member_of[p_id].append(g_id)
        shared_in = defaultdict(set)
        for i_id, g_id in Indicator.shared_by_groups.through.objects.filter(
            indicator__initiative=self.initiative
        ).values_list("indicator_id", "workinggroup_id"):
            shared_in[i_id].add(g_id)
        result = {}
        for p in partners:
            cells = []
            for indicator in indicators:
                via = sorted(
                    groups[g].name for g in member_of[p.pk] if g in shared_in[indicator.pk]
                )
                cells.append(
                    {"indicator": indicator, "days": direct.get((p.pk, indicator.pk)), "via": via}
                )
            result[p.pk] = cells
        return result

    def assignments_form(self, indicator, partners, data=None):
        current = dict(
            ReportingAssignment.objects.filter(
                indicator=indicator, partnership__in=partners
            ).values_list("partnership_id", "deadline_days")
        )
        return AssignmentsForm(
            data, partnerships=partners, current=current, default_days=indicator.deadline_days
        )

    def post(self, request, slug):
        if not self.access.has(Perm.MANAGE_INDICATORS):
            raise Http404
        indicators = list(_indicators(self.initiative))
        chosen = self.chosen_indicator(indicators)
        if chosen is None:
            raise Http404
        # The partners the form showed, even if the list has moved since.
        ids = [int(pk) for pk in request.POST.getlist("partner") if pk.isdigit()]
        partners = list(
            Partnership.objects.filter(initiative=self.initiative, pk__in=ids)
            .select_related("organization")
            .order_by("organization__name", "code")
        )
        form = self.assignments_form(chosen, partners, request.POST)
        if form.is_valid():
            try:
                changed = set_assignments(
                    actor=request.user, indicator=chosen, wanted=form.wanted()
                )
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request,
                    _("%(n)d reporting assignments of %(code)s changed.")
                    % {"n": changed, "code": chosen.code},
                )
                query = {"indicator": chosen.code}
                for name in ("q", "page"):
                    if request.POST.get(name):
                        query[name] = request.POST[name]
                return redirect(f"{reverse('assignments', args=[slug])}?{urlencode(query)}")
        request.GET = request.GET.copy()
        request.GET.update({k: request.POST[k] for k in ("q", "page") if request.POST.get(k)})
        return self.get(request, slug, form=form)
