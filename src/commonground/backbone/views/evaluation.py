"""Pages of the evaluation planner: the plan by approach (the one that fits the initiative's stage
highlighted), the library of questions to adopt, and the forms that change the plan.

Those who see internal results (``Perm.VIEW_RESULTS``) read the plan and the library; the lead
(``Perm.MANAGE_ASSESSMENTS``) adopts questions, writes its own and keeps the plan up to date.
"""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from commonground.backbone.assessments import services
from commonground.backbone.assessments.forms import PlanItemForm, show_error
from commonground.backbone.evaluation_library import (
    APPROACH_PURPOSE,
    CONDITION_NAMES,
    LIBRARY,
    QUESTIONS,
    approach_for_stage,
    suggested_indicators,
)
from commonground.backbone.models import EvaluationPlanItem
from commonground.core.access import InitiativeViewMixin
from commonground.core.errors import DomainError
from commonground.core.permissions import Perm
from commonground.measurement.models import Indicator

NAV = "evaluation"
Approach = EvaluationPlanItem.Approach


class EvaluationMixin(InitiativeViewMixin):
    permission = Perm.VIEW_RESULTS
    nav = NAV

    @property
    def fitting_approach(self) -> str:
        return approach_for_stage(self.initiative.stage)

    def render_page(self, template: str, context: dict, status: int = 200):
        context = {"initiative": self.initiative, "nav": self.nav, **context}
        return render(self.request, template, context, status=status)


class PlanView(EvaluationMixin, TemplateView):
    """The plan: adopted and written questions by approach, then by condition."""

    template_name = "backbone/evaluation/plan.html"

    def get_context_data(self, **kwargs):
        items = list(
            EvaluationPlanItem.objects.filter(initiative=self.initiative).prefetch_related(
                "indicators"
            )
        )
        order = list(CONDITION_NAMES)
        for item in items:
            item.condition_name = CONDITION_NAMES.get(item.condition, item.condition)
        sections = [
            {
                "code": approach,
                "name": label,
                "purpose": APPROACH_PURPOSE[approach],
                "fits": approach == self.fitting_approach,
                "items": sorted(
                    (i for i in items if i.approach == approach),
                    key=lambda i: (order.index(i.condition) if i.condition in order else 99, i.pk),
                ),
            }
            for approach, label in Approach.choices
        ]
        return super().get_context_data(
            sections=sections,
            fitting=Approach(self.fitting_approach).label,
            can_manage=self.access.has(Perm.MANAGE_ASSESSMENTS),
            **kwargs,
        )


class LibraryView(EvaluationMixin, TemplateView):
    """The library's questions for one approach (the one that fits the stage by default),
    grouped by condition, with the initiative's indicators that would help answer each."""

    template_name = "backbone/evaluation/library.html"

    def get_context_data(self, **kwargs):
        approach = self.request.GET.get("approach", "")
        if approach not in Approach.values:
            approach = self.fitting_approach
        indicators = list(Indicator.objects.filter(initiative=self.initiative))
        adopted = set(
            EvaluationPlanItem.objects.filter(initiative=self.initiative)
            .exclude(library_code="")
            .values_list("library_code", flat=True)
        )
        conditions = []
        for code, name in CONDITION_NAMES.items():
            questions = [
                {
                    "question": q,
                    "adopted": q.code in adopted,
                    "indicators": suggested_indicators(q, indicators),
                }
                for q in LIBRARY
                if q.condition == code and q.approach == approach
            ]
            conditions.append({"code": code, "name": name, "questions": questions})
        tabs = [
            {
                "code": value,
                "name": label,
                "fits": value == self.fitting_approach,
                "url": f"{reverse('evaluation_library', args=[self.initiative.slug])}"
                f"?approach={value}",
            }
            for value, label in Approach.choices
        ]
        return super().get_context_data(
            approach=approach,
            approach_name=Approach(approach).label,
            purpose=APPROACH_PURPOSE[approach],
            fits=approach == self.fitting_approach,
            tabs=tabs,
            conditions=conditions,
            can_manage=self.access.has(Perm.MANAGE_ASSESSMENTS),
            **kwargs,
        )


class AdoptView(EvaluationMixin, View):
    permission = Perm.MANAGE_ASSESSMENTS

    def post(self, request, slug):
        code = request.POST.get("code", "")
        anchor = ""
        try:
            item = services.adopt_question(
                actor=request.user, initiative=self.initiative, code=code
            )
        except DomainError as error:
            messages.error(request, error.message)
            approach = self.fitting_approach
        else:
            messages.success(
                request, _("The question is in the plan: say how it will be answered.")
            )
            approach = item.approach
            anchor = f"#{QUESTIONS[code].anchor}"
        url = reverse("evaluation_library", args=[slug])
        return redirect(f"{url}?approach={approach}{anchor}")


class PlanItemFormView(EvaluationMixin, View):
    permission = Perm.MANAGE_ASSESSMENTS
    template = "backbone/evaluation/item_form.html"

    def get_item(self) -> EvaluationPlanItem | None:
        pk = self.kwargs.get("pk")
        if pk is None:
            return None
        return get_object_or_404(EvaluationPlanItem, pk=pk, initiative=self.initiative)

    def get(self, request, slug, pk=None):
        item = self.get_item()
        if item is None:
            initial = {"approach": self.fitting_approach, "status": "planned"}
        else:
            initial = PlanItemForm.initial_for(item)
        form = PlanItemForm(initiative=self.initiative, initial=initial)
        return self.render_page(self.template, {"form": form, "item": item})

    def post(self, request, slug, pk=None):
        item = self.get_item()
        form = PlanItemForm(request.POST, initiative=self.initiative)
        if form.is_valid():
            try:
                if item is None:
                    services.add_plan_question(
                        actor=request.user, initiative=self.initiative, data=form.cleaned_data
                    )
                else:
                    services.update_plan_item(actor=request.user, item=item, data=form.cleaned_data)
            except DomainError as error:
                show_error(form, error)
            else:
                messages.success(request, _("The evaluation plan was saved."))
                return redirect("evaluation_plan", slug=slug)
        return self.render_page(self.template, {"form": form, "item": item}, status=400)


class PlanItemRemoveView(EvaluationMixin, View):
    permission = Perm.MANAGE_ASSESSMENTS

    def post(self, request, slug, pk):
        item = get_object_or_404(EvaluationPlanItem, pk=pk, initiative=self.initiative)
        services.remove_plan_item(actor=request.user, item=item)
        messages.success(request, _("The question was taken out of the plan."))
        return redirect("evaluation_plan", slug=slug)
