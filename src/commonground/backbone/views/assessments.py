"""Pages of the self-assessments: the rounds of each instrument, answering a rating round, a
round's results (with the comparison across rounds) and the stage benchmarks' evidence.

Every member sees the rounds that have opened and, once a round is closed, the figures the
disclosure rule lets them see (``assessments.pages``); the backbone (``Perm.VIEW_CONSOLE``)
also sees draft rounds, every figure made from two answers or more, and who has answered.
People with ``Perm.ANSWER_ASSESSMENTS`` answer rating rounds; the lead
(``Perm.MANAGE_ASSESSMENTS``) creates, opens and closes rounds and records the benchmarks.
"""

from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from commonground.backbone.assessments import services
from commonground.backbone.assessments.forms import (
    AnswerForm,
    BenchmarkForm,
    RoundForm,
    show_error,
)
from commonground.backbone.assessments.pages import (
    answer_progress,
    benchmark_page,
    rating_results,
)
from commonground.backbone.instruments import (
    BENCHMARKS,
    SCALE,
    SELF_ASSESSMENTS,
    STAGES,
    rating_instrument,
)
from commonground.backbone.models import AssessmentResponse, BenchmarkEvidence, Round
from commonground.core.access import InitiativeViewMixin
from commonground.core.errors import DomainError
from commonground.core.permissions import Perm

NAV = "assessments"
Status = Round.Status
Instrument = Round.Instrument
ABOUT = {
    Instrument.FIVE_CONDITIONS: gettext_lazy(
        "Everyone who takes part rates how far each of the five conditions of collective impact "
        "is in place: results by condition and by sector."
    ),
    Instrument.STAGE_BENCHMARKS: gettext_lazy(
        "The backbone records which benchmarks of each stage — exploring, emerging, sustaining, "
        "systems change, proof point — are met, with the evidence."
    ),
    Instrument.BACKBONE_EFFECTIVENESS: gettext_lazy(
        "Everyone who takes part rates how well the backbone carries out its six activities."
    ),
}


def self_assessment_rounds(initiative):
    return Round.objects.filter(initiative=initiative, instrument__in=SELF_ASSESSMENTS)


class AssessmentMixin(InitiativeViewMixin):
    nav = NAV

    @property
    def is_backbone(self) -> bool:
        return self.access.has(Perm.VIEW_CONSOLE)

    def visible_rounds(self):
        """Draft rounds are the backbone's business until they open."""
        rounds = self_assessment_rounds(self.initiative)
        return rounds if self.is_backbone else rounds.exclude(status=Status.DRAFT)

    def get_round(self) -> Round:
        if not hasattr(self, "_round"):
            self._round = get_object_or_404(self.visible_rounds(), pk=self.kwargs["pk"])
            self._round.initiative = self.initiative
        return self._round

    def render_page(self, template: str, context: dict, status: int = 200):
        context = {"initiative": self.initiative, "nav": self.nav, **context}
        return render(self.request, template, context, status=status)


class AssessmentListView(AssessmentMixin, TemplateView):
    """The three self-assessments, each with its rounds, newest first."""

    template_name = "backbone/assessments/list.html"

    def get_context_data(self, **kwargs):
        rounds = list(
            self.visible_rounds()
            .annotate(answered=Count("responses", filter=Q(responses__submitted_at__isnull=False)))
            .order_by("-opens_on", "-pk")
        )
        mine = {
            r.round_id: r
            for r in AssessmentResponse.objects.filter(
                round__in=rounds, respondent=self.request.user
            )
        }
        for assessment in rounds:
            assessment.own_response = mine.get(assessment.pk)
            assessment.is_rated = rating_instrument(assessment.instrument) is not None
        sections = [
            {
                "code": code,
                "name": Instrument(code).label,
                "about": ABOUT[code],
                "rounds": [r for r in rounds if r.instrument == code],
            }
            for code in (
                Instrument.FIVE_CONDITIONS,
                Instrument.STAGE_BENCHMARKS,
                Instrument.BACKBONE_EFFECTIVENESS,
            )
        ]
        return super().get_context_data(
            sections=sections,
            can_manage=self.access.has(Perm.MANAGE_ASSESSMENTS),
            can_answer=self.access.has(Perm.ANSWER_ASSESSMENTS),
            is_backbone=self.is_backbone,
            k=self.initiative.suppression_threshold,
            **kwargs,
        )


class RoundCreateView(AssessmentMixin, View):
    permission = Perm.MANAGE_ASSESSMENTS
    template = "backbone/assessments/round_form.html"

    def get(self, request, slug):
        form = RoundForm(initial={"instrument": request.GET.get("instrument", "")})
        return self.render_page(self.template, {"form": form})

    def post(self, request, slug):
        form = RoundForm(request.POST)
        if form.is_valid():
            try:
                assessment = services.create_round(
                    actor=request.user, initiative=self.initiative, **form.cleaned_data
                )
            except DomainError as error:
                show_error(form, error)
            else:
                messages.success(request, _("The round was created. Open it when you are ready."))
                return redirect("assessment_round", slug=slug, pk=assessment.pk)
        return self.render_page(self.template, {"form": form}, status=400)


class RoundMoveView(AssessmentMixin, View):
    """Open or close a round (a button on the round's page)."""

    permission = Perm.MANAGE_ASSESSMENTS
    move = None  # the service
    done = ""

    def post(self, request, slug, pk):
        assessment = self.get_round()
        try:
            self.move(actor=request.user, assessment=assessment)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, self.done)
        return redirect("assessment_round", slug=slug, pk=pk)


class RoundOpenView(RoundMoveView):
    move = staticmethod(services.open_round)
    done = gettext_lazy("The round is open.")


class RoundCloseView(RoundMoveView):
    move = staticmethod(services.close_round)
    done = gettext_lazy("The round is closed: its results are final.")


class RoundView(AssessmentMixin, TemplateView):
    """One round: its results once closed (rating rounds) or its benchmarks and evidence."""

    def get_template_names(self):
        if self.get_round().instrument == Instrument.STAGE_BENCHMARKS:
            return ["backbone/assessments/benchmarks.html"]
        return ["backbone/assessments/results.html"]

    def compare_with(self, assessment: Round) -> Round | None:
        """The round chosen to compare with (``?compare=<id>``), a closed one of the same kind."""
        chosen = self.request.GET.get("compare", "")
        if not chosen.isdigit():
            return None
        return (
            self.visible_rounds()
            .filter(instrument=assessment.instrument, status=Status.CLOSED, pk=int(chosen))
            .exclude(pk=assessment.pk)
            .first()
        )

    def get_context_data(self, **kwargs):
        assessment = self.get_round()
        context = {
            "round": assessment,
            "is_backbone": self.is_backbone,
            "can_manage": self.access.has(Perm.MANAGE_ASSESSMENTS),
            "k": self.initiative.suppression_threshold,
        }
        instrument = rating_instrument(assessment.instrument)
        if instrument is None:
            context["page"] = benchmark_page(assessment)
            context["stages_total"] = len(STAGES)
            return super().get_context_data(**context, **kwargs)
        context["instrument"] = instrument
        context["scale"] = SCALE
        context["can_answer"] = (
            self.access.has(Perm.ANSWER_ASSESSMENTS) and assessment.status == Status.OPEN
        )
        if assessment.status == Status.CLOSED:
            context["results"] = rating_results(
                assessment,
                instrument,
                backbone=self.is_backbone,
                compare_with=self.compare_with(assessment),
            )
            context["other_rounds"] = (
                self.visible_rounds()
                .filter(instrument=assessment.instrument, status=Status.CLOSED)
                .exclude(pk=assessment.pk)
                .order_by("-opens_on", "-pk")
            )
        if self.is_backbone and assessment.status != Status.DRAFT:
            context["progress"] = answer_progress(assessment, services.answering_roles())
        return super().get_context_data(**context, **kwargs)


class AnswerView(AssessmentMixin, View):
    """The person's own answers to an open rating round: save a draft, then submit."""

    permission = Perm.ANSWER_ASSESSMENTS
    template = "backbone/assessments/answer.html"

    def rating_round(self):
        assessment = self.get_round()
        instrument = rating_instrument(assessment.instrument)
        if instrument is None:
            raise Http404
        return assessment, instrument

    def own_response(self, assessment):
        return (
            AssessmentResponse.objects.filter(round=assessment, respondent=self.request.user)
            .prefetch_related("ratings")
            .first()
        )

    def show(self, form, assessment, response, status=200):
        return self.render_page(
            self.template,
            {
                "form": form,
                "round": assessment,
                "response": response,
                "scale": SCALE,
                "k": self.initiative.suppression_threshold,
                "is_open": assessment.status == Status.OPEN,
            },
            status=status,
        )

    def get(self, request, slug, pk):
        assessment, instrument = self.rating_round()
        response = self.own_response(assessment)
        form = AnswerForm(instrument=instrument, initial=AnswerForm.initial_from(response))
        return self.show(form, assessment, response)

    def post(self, request, slug, pk):
        assessment, instrument = self.rating_round()
        form = AnswerForm(request.POST, instrument=instrument)
        submit = request.POST.get("action") == "submit"
        if form.is_valid():
            try:
                services.save_answers(
                    actor=request.user,
                    assessment=assessment,
                    answers=form.answers(),
                    submit=submit,
                )
            except DomainError as error:
                if error.code == "answers_missing":
                    form.mark_unanswered()
                form.add_error(None, error.message)
            else:
                response = self.own_response(assessment)
                if response.submitted_at is not None:
                    messages.success(
                        request,
                        _("Your answers were submitted. Thank you — they count in the results."),
                    )
                    return redirect("assessment_list", slug=slug)
                messages.success(
                    request, _("Your draft was saved. Submit it when every statement is answered.")
                )
                return redirect("assessment_answer", slug=slug, pk=pk)
        return self.show(form, assessment, self.own_response(assessment), status=400)


class BenchmarkView(AssessmentMixin, View):
    """Record where one benchmark stands in an open benchmarks round."""

    permission = Perm.MANAGE_ASSESSMENTS
    template = "backbone/assessments/benchmark_form.html"

    def benchmark(self):
        assessment = self.get_round()
        benchmark = BENCHMARKS.get(self.kwargs["code"])
        if assessment.instrument != Instrument.STAGE_BENCHMARKS or benchmark is None:
            raise Http404
        return assessment, benchmark

    def show(self, form, assessment, benchmark, status=200):
        previous = (
            BenchmarkEvidence.objects.filter(
                round__initiative=self.initiative,
                round__instrument=Instrument.STAGE_BENCHMARKS,
                round__status=Status.CLOSED,
                benchmark=benchmark.code,
            )
            .exclude(round=assessment)
            .select_related("round")
            .order_by("-round__opens_on", "-round__pk")
            .first()
        )
        context = {
            "form": form,
            "round": assessment,
            "benchmark": benchmark,
            "stage": next(s for s in STAGES if s.code == benchmark.stage),
            "previous": previous,
            "is_open": assessment.status == Status.OPEN,
        }
        return self.render_page(self.template, context, status=status)

    def get(self, request, slug, pk, code):
        assessment, benchmark = self.benchmark()
        record = BenchmarkEvidence.objects.filter(round=assessment, benchmark=code).first()
        initial = {"status": BenchmarkEvidence.Status.NOT_STARTED}
        if record is not None:
            initial = {
                "status": record.status,
                "evidence": record.evidence,
                "evidence_url": record.evidence_url,
            }
        return self.show(BenchmarkForm(initial=initial), assessment, benchmark)

    def post(self, request, slug, pk, code):
        assessment, benchmark = self.benchmark()
        form = BenchmarkForm(request.POST)
        if form.is_valid():
            try:
                services.record_benchmark(
                    actor=request.user,
                    assessment=assessment,
                    benchmark=benchmark.code,
                    **form.cleaned_data,
                )
            except DomainError as error:
                show_error(form, error)
            else:
                messages.success(request, _("The benchmark was recorded."))
                url = reverse("assessment_round", args=[slug, pk])
                return redirect(f"{url}#{benchmark.stage}")
        return self.show(form, assessment, benchmark, status=400)
