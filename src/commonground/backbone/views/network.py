"""Pages of the partner network survey: the rounds, a partner's answer, the results and the
comparison of two rounds.

Every member sees the list of rounds and, once a round is closed, what the suppression rule lets
them see of it (``results.partner_view``). The backbone (``Perm.VIEW_CONSOLE``) sees everything:
each partner's scores, the picture with names, who has answered, and the comparison. The lead
(``Perm.MANAGE_ASSESSMENTS``) creates, opens and closes rounds. A partner's answer is given by
whoever may act for it (``can_edit_partner``); anyone else asking for it gets 404.
"""

from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from commonground.backbone.models import NetworkResponse, Round
from commonground.backbone.network import services
from commonground.backbone.network.comparison import compare
from commonground.backbone.network.forms import (
    QUESTIONS,
    ROUND_ERROR_FIELDS,
    RoundForm,
    read_answer,
    rows_from_answer,
    show_problems,
)
from commonground.backbone.network.picture import draw
from commonground.backbone.network.results import partner_view, round_results
from commonground.core.access import InitiativeViewMixin
from commonground.core.errors import DomainError
from commonground.core.permissions import Perm
from commonground.initiatives.models import Partnership

NAV = "network"
Status = Round.Status


def network_rounds(initiative):
    return Round.objects.filter(initiative=initiative, instrument=Round.Instrument.NETWORK)


class NetworkMixin(InitiativeViewMixin):
    nav = NAV

    @property
    def is_backbone(self) -> bool:
        return self.access.has(Perm.VIEW_CONSOLE)

    def visible_rounds(self):
        """Draft rounds are the backbone's business until they open."""
        rounds = network_rounds(self.initiative)
        return rounds if self.is_backbone else rounds.exclude(status=Status.DRAFT)

    def get_round(self) -> Round:
        survey = get_object_or_404(self.visible_rounds(), pk=self.kwargs["pk"])
        survey.initiative = self.initiative
        return survey

    def render_page(self, template: str, context: dict, status: int = 200):
        context = {"initiative": self.initiative, "nav": self.nav, **context}
        return render(self.request, template, context, status=status)


class RoundListView(NetworkMixin, TemplateView):
    """The network rounds, newest first, with what the person can do in each."""

    template_name = "backbone/network/round_list.html"

    def get_context_data(self, **kwargs):
        rounds = list(
            self.visible_rounds().annotate(
                partner_count=Count("network_responses"),
                answered=Count(
                    "network_responses", filter=Q(network_responses__submitted_at__isnull=False)
                ),
            )
        )
        own = self.access.partnership
        mine = {}
        if own is not None:
            mine = {
                r.round_id: r
                for r in NetworkResponse.objects.filter(round__in=rounds, partnership=own)
            }
        for survey in rounds:
            survey.own_response = mine.get(survey.pk)
        return super().get_context_data(
            rounds=rounds,
            own_partner=own,
            answers_for_own=own is not None and self.access.can_edit_partner(own),
            is_backbone=self.is_backbone,
            can_manage=self.access.has(Perm.MANAGE_ASSESSMENTS),
            **kwargs,
        )


class RoundCreateView(NetworkMixin, View):
    permission = Perm.MANAGE_ASSESSMENTS
    template = "backbone/network/round_form.html"

    def get(self, request, slug):
        return self.render_page(self.template, {"form": RoundForm()})

    def post(self, request, slug):
        form = RoundForm(request.POST)
        if form.is_valid():
            try:
                survey = services.create_round(
                    actor=request.user, initiative=self.initiative, **form.cleaned_data
                )
            except DomainError as error:
                form.add_error(ROUND_ERROR_FIELDS.get(error.code), error.message)
            else:
                messages.success(request, _("The round was created. Open it when you are ready."))
                return redirect("network_results", slug=slug, pk=survey.pk)
        return self.render_page(self.template, {"form": form}, status=400)


class RoundMoveView(NetworkMixin, View):
    """Open or close a round (a button on the round's page)."""

    permission = Perm.MANAGE_ASSESSMENTS
    move = None  # the service
    done = ""

    def post(self, request, slug, pk):
        survey = self.get_round()
        try:
            self.move(actor=request.user, survey=survey)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, self.done)
        return redirect("network_results", slug=slug, pk=pk)


class RoundOpenView(RoundMoveView):
    move = staticmethod(services.open_round)
    done = gettext_lazy("The round is open: partner leads were told.")


class RoundCloseView(RoundMoveView):
    move = staticmethod(services.close_round)
    done = gettext_lazy("The round is closed: the results below are final.")


def previous_round(survey: Round):
    """The network round before ``survey`` that has opened, if any."""
    return (
        network_rounds(survey.initiative)
        .exclude(status=Status.DRAFT)
        .filter(Q(opens_on__lt=survey.opens_on) | Q(opens_on=survey.opens_on, pk__lt=survey.pk))
        .first()
    )


class RoundResultsView(NetworkMixin, TemplateView):
    """A round's page: for the backbone, the whole picture; for others, what they may see."""

    def get_template_names(self):
        if self.is_backbone:
            return ["backbone/network/results.html"]
        return ["backbone/network/results_partner.html"]

    def get_context_data(self, **kwargs):
        survey = self.get_round()
        results = round_results(survey)
        context = {"round": survey, "results": results}
        own = self.access.partnership
        if self.is_backbone:
            context |= {
                "picture": draw(results) if results.partners else None,
                "previous": previous_round(survey),
                "can_manage": self.access.has(Perm.MANAGE_ASSESSMENTS),
                "can_answer_any": self.access.has(Perm.EDIT_ANY_PARTNER),
            }
        else:
            context["view"] = partner_view(results, own, self.initiative.suppression_threshold)
        context["answer_for"] = (
            own
            if own is not None
            and self.access.can_edit_partner(own)
            and own.pk in results.by_pk
            and survey.status != Status.DRAFT
            else None
        )
        return super().get_context_data(**context, **kwargs)


def answer_partners(survey: Round, partnership: Partnership):
    """The partners ``partnership`` may name: everyone in the round and, while it is open, every
    active partner (one that joined after it opened), but not itself."""
    in_round = Q(pk__in=survey.network_responses.values("partnership"))
    if survey.status == Status.OPEN:
        in_round |= Q(status=Partnership.Status.ACTIVE)
    return list(
        Partnership.objects.filter(in_round, initiative=survey.initiative)
        .exclude(pk=partnership.pk)
        .select_related("organization")
    )


class AnswerView(NetworkMixin, View):
    """A partner's answer: the partners it works with and the seven ratings of each."""

    template = "backbone/network/answer.html"

    def setup_answer(self):
        survey = self.get_round()
        if survey.status == Status.DRAFT:  # nothing to answer yet
            raise Http404
        partnership = get_object_or_404(
            Partnership.objects.select_related("organization"),
            initiative=self.initiative,
            code=self.kwargs["code"],
        )
        if not self.access.can_edit_partner(partnership):
            raise Http404
        response = NetworkResponse.objects.filter(round=survey, partnership=partnership).first()
        return survey, partnership, response

    def page(self, survey, partnership, response, rows, status=200, error=None):
        return self.render_page(
            self.template,
            {
                "round": survey,
                "partner": partnership,
                "response": response,
                "rows": rows,
                "questions": [(name, *QUESTIONS[name]) for name in services.RATING_FIELDS],
                "error": error,
                "is_open": survey.status == Status.OPEN,
            },
            status=status,
        )

    def get(self, request, slug, pk, code):
        survey, partnership, response = self.setup_answer()
        saved = {}
        if response is not None:
            saved = {r.partner_id: r for r in response.relationships.all()}
        rows = rows_from_answer(answer_partners(survey, partnership), saved)
        return self.page(survey, partnership, response, rows)

    def post(self, request, slug, pk, code):
        survey, partnership, response = self.setup_answer()
        submit = request.POST.get("action") == "submit"
        rows, ties, problems = read_answer(request.POST, answer_partners(survey, partnership))
        try:
            if problems:
                first = problems[0]
                raise DomainError(
                    first["message"], code=first["code"], details={"problems": problems}
                )
            store = services.submit_response if submit else services.save_response
            store(actor=request.user, survey=survey, partnership=partnership, ties=ties)
        except DomainError as error:
            show_problems(rows, error.details.get("problems", []))
            return self.page(survey, partnership, response, rows, status=400, error=error)
        if submit:
            messages.success(
                request,
                _(
                    "Your answers for %(partner)s were sent. You can change them until the round "
                    "closes."
                )
                % {"partner": partnership},
            )
            return redirect("network_rounds", slug=slug)
        messages.success(request, _("Your draft was saved; it counts once you send it."))
        return redirect("network_answer", slug=slug, pk=pk, code=code)


class CompareView(NetworkMixin, TemplateView):
    """Two rounds side by side: ties made and lost, each partner's scores, the density."""

    permission = Perm.VIEW_CONSOLE
    template_name = "backbone/network/compare.html"

    def get_context_data(self, **kwargs):
        rounds = list(network_rounds(self.initiative).exclude(status=Status.DRAFT))
        by_pk = {str(r.pk): r for r in rounds}
        after = by_pk.get(self.request.GET.get("after", ""), rounds[0] if rounds else None)
        before = by_pk.get(self.request.GET.get("before", ""))
        if before is None and after is not None:
            before = next((r for r in rounds if r.pk != after.pk and _earlier(r, after)), None)
        comparison = None
        if before is not None and after is not None and before.pk != after.pk:
            before.initiative = after.initiative = self.initiative
            comparison = compare(round_results(before), round_results(after))
        return super().get_context_data(
            rounds=rounds, before=before, after=after, comparison=comparison, **kwargs
        )


def _earlier(one: Round, other: Round) -> bool:
    return (one.opens_on, one.pk) < (other.opens_on, other.pk)
