"""Pages of the common agenda and the partner charter (SPEC §3.3.1–2).

Every member reads the agenda, its versions and the difference between any two, and who signed
which version; the backbone lead (``MANAGE_AGENDA``) drafts, edits goals and strategies and
proposes a version to the steering committee; a partner's lead signs for that partner
(``access.can_edit_partner``). The public page shows the adopted version of a public initiative.
Views parse, check, call ``action.agenda.services`` and render.
"""

from django.contrib import messages
from django.db.models import Count, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from commonground.action.agenda import services
from commonground.action.agenda.charter import charter_overview, partner_charter
from commonground.action.agenda.content import TEXT_FIELDS, document_of, live_content
from commonground.action.agenda.diff import compare
from commonground.action.agenda.forms import (
    DraftTextForm,
    GoalForm,
    ProposeForm,
    SignForm,
    StrategyForm,
)
from commonground.action.agenda.present import indicator_names, present
from commonground.action.agenda.rules import goals_locked_reason
from commonground.action.models import AgendaVersion, Goal, Strategy
from commonground.convening.models import Decision
from commonground.convening.services.decisions import steering_committee_voters
from commonground.core.access import InitiativeViewMixin
from commonground.core.errors import DomainError
from commonground.core.permissions import Perm
from commonground.initiatives.models import Initiative, Partnership
from commonground.measurement.framework.schema import plain_number

Status = AgendaVersion.Status


def versions_of(initiative):
    return AgendaVersion.objects.filter(initiative=initiative)


def open_decision_of(version: AgendaVersion | None) -> Decision | None:
    """The decision a proposed version is before (the newest, if it was put more than once)."""
    if version is None or version.status != Status.PROPOSED:
        return None
    return version.decisions.order_by("-opened_at", "-pk").first()


class AgendaMixin(InitiativeViewMixin):
    nav = "agenda"

    def get_context_data(self, **kwargs):
        kwargs.setdefault("can_manage", self.access.has(Perm.MANAGE_AGENDA))
        return super().get_context_data(**kwargs)

    def render_page(self, template, context, status=200):
        context = {
            "initiative": self.initiative,
            "nav": self.nav,
            "can_manage": self.access.has(Perm.MANAGE_AGENDA),
            **context,
        }
        return render(self.request, template, context, status=status)


# Reading ------------------------------------------------------------------------------------------


class AgendaView(AgendaMixin, TemplateView):
    """The adopted common agenda on one page, with the open draft or proposal, and the charter."""

    template_name = "action/agenda/agenda.html"

    def get_context_data(self, **kwargs):
        adopted = services.adopted_version(self.initiative)
        pending = services.open_version(self.initiative)
        context = {
            "adopted": adopted,
            "pending": pending,
            "decision": open_decision_of(pending),
            "has_versions": versions_of(self.initiative).exists(),
        }
        if adopted is not None:
            context["agenda"] = present(document_of(adopted))
            context["previous"] = (
                versions_of(self.initiative).filter(number__lt=adopted.number).first()
            )
        own = self.access.partnership
        if own is not None and self.access.can_edit_partner(own):
            context["my_charter"] = partner_charter(own, adopted)
        if self.access.has(Perm.MANAGE_AGENDA) and adopted is not None:
            context["overview"] = charter_overview(self.initiative, adopted)
        return super().get_context_data(**context, **kwargs)


class VersionListView(AgendaMixin, TemplateView):
    """Every version: its status, dates, the decision about it and how many partners signed it."""

    template_name = "action/agenda/versions.html"

    def get_context_data(self, **kwargs):
        decisions = Decision.objects.order_by("-opened_at", "-pk")
        versions = list(
            versions_of(self.initiative)
            .select_related("created_by")
            .annotate(signature_count=Count("signatures"))
            .prefetch_related(Prefetch("decisions", queryset=decisions))
        )
        numbers = {v.number for v in versions}
        for version in versions:
            version.previous_number = max((n for n in numbers if n < version.number), default=None)
        return super().get_context_data(versions=versions, **kwargs)


class VersionDetailView(AgendaMixin, TemplateView):
    """One version as it reads (a draft: with the live goals and strategies)."""

    template_name = "action/agenda/version.html"

    def get_context_data(self, **kwargs):
        version = get_object_or_404(versions_of(self.initiative), number=self.kwargs["number"])
        previous = versions_of(self.initiative).filter(number__lt=version.number).first()
        return super().get_context_data(
            version=version,
            agenda=present(document_of(version)),
            previous=previous,
            decisions=version.decisions.order_by("-opened_at", "-pk"),
            signature_count=version.signatures.count(),
            **kwargs,
        )


class CompareView(AgendaMixin, TemplateView):
    """The difference between two versions: ``?from=1&to=3`` (any order of numbers)."""

    template_name = "action/agenda/compare.html"

    def chosen(self, versions: list[AgendaVersion]) -> tuple:
        by_number = {v.number: v for v in versions}
        try:
            numbers = [
                int(self.request.GET[name]) if self.request.GET.get(name) else None
                for name in ("from", "to")
            ]
        except ValueError:
            raise Http404 from None
        if any(n is not None and n not in by_number for n in numbers):
            raise Http404
        new = by_number.get(numbers[1]) or versions[0]
        old = by_number.get(numbers[0]) or _default_base(versions, new)
        return old, new

    def get_context_data(self, **kwargs):
        versions = list(versions_of(self.initiative).order_by("-number"))
        context = {"versions": versions}
        if len(versions) >= 2:
            old, new = self.chosen(versions)
            old_document, new_document = document_of(old), document_of(new)
            codes = old_document.indicator_codes | new_document.indicator_codes
            context.update(
                old=old,
                new=new,
                diff=compare(old_document, new_document, indicator_names(self.initiative, codes)),
            )
        return super().get_context_data(**context, **kwargs)


def _default_base(versions: list[AgendaVersion], new: AgendaVersion) -> AgendaVersion:
    """What ``new`` is compared with by default: the adopted version, or the one before it."""
    adopted = next((v for v in versions if v.status == Status.ADOPTED), None)
    if adopted is not None and adopted != new:
        return adopted
    older = [v for v in versions if v.number < new.number]
    return older[0] if older else next(v for v in versions if v != new)


# Drafting -----------------------------------------------------------------------------------------


class DraftMixin(AgendaMixin):
    permission = Perm.MANAGE_AGENDA

    def draft(self) -> AgendaVersion | None:
        return versions_of(self.initiative).filter(status=Status.DRAFT).first()

    def goals(self):
        return Goal.objects.filter(initiative=self.initiative)

    def strategies(self):
        return Strategy.objects.filter(initiative=self.initiative).select_related("goal")

    def common(self) -> dict:
        draft = self.draft()
        return {"draft": draft, "locked": goals_locked_reason(self.initiative)}


class DraftView(DraftMixin, View):
    """The draft: its texts, and its goals and strategies with links to change them."""

    template_name = "action/agenda/draft.html"

    def text_form(self, draft, data=None) -> DraftTextForm:
        """The draft's texts; the change summary only when there is a version it changes."""
        initial = {name: getattr(draft, name) for name in [*TEXT_FIELDS, "change_summary"]}
        first = services.adopted_version(self.initiative) is None
        return DraftTextForm(data, initial=initial, first_version=first)

    def page(self, form=None, status=200):
        common = self.common()
        draft = common["draft"]
        if draft is not None and form is None:
            form = self.text_form(draft)
        goals = list(
            self.goals().prefetch_related(
                "indicators",
                Prefetch(
                    "strategies",
                    queryset=Strategy.objects.order_by("sort_order", "code").prefetch_related(
                        "indicators"
                    ),
                ),
            )
        )
        adopted = services.adopted_version(self.initiative)
        context = {
            **common,
            "form": form,
            "goals": [g for g in goals if not g.is_retired],
            "retired_goals": [g for g in goals if g.is_retired],
            "adopted": adopted,
            "pending": services.open_version(self.initiative),
        }
        if draft is not None:
            context["missing"] = services.missing_for_proposal(draft, live_content(self.initiative))
        return self.render_page(self.template_name, context, status)

    def get(self, request, slug):
        return self.page()

    def post(self, request, slug):
        draft = self.draft()
        if draft is None:
            raise Http404
        form = self.text_form(draft, request.POST)
        if form.is_valid():
            texts = {"change_summary": draft.change_summary, **form.cleaned_data}
            try:
                services.update_draft(actor=request.user, version=draft, **texts)
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("The draft was saved."))
                return redirect("agenda_draft", slug=slug)
        return self.page(form, status=400)


class DraftStartView(DraftMixin, View):
    def post(self, request, slug):
        try:
            version = services.start_draft(actor=request.user, initiative=self.initiative)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("agenda", slug=slug)
        messages.success(
            request, _("Version %(number)s was started as a draft.") % {"number": version.number}
        )
        return redirect("agenda_draft", slug=slug)


class GoalFormView(DraftMixin, View):
    """Adding a goal, or changing one (with its strategies listed)."""

    template_name = "action/agenda/goal_form.html"

    def get_goal(self) -> Goal | None:
        return None

    def form(self, data=None):
        goal = self.get_goal()
        initial = None
        if goal is not None:
            initial = {
                "title": goal.title,
                "horizon": goal.horizon,
                "description": goal.description,
                "indicators": list(goal.indicators.all()),
            }
        return GoalForm(data, initial=initial, initiative=self.initiative, editing=goal is not None)

    def page(self, form, status=200):
        goal = self.get_goal()
        context = {**self.common(), "goal": goal, "form": form}
        if goal is not None:
            context["strategies"] = goal.strategies.order_by("sort_order", "code")
        return self.render_page(self.template_name, context, status)

    def get(self, request, slug, **kwargs):
        return self.page(self.form())

    def post(self, request, slug, **kwargs):
        goal = self.get_goal()
        form = self.form(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if goal is None:
                    goal = services.add_goal(actor=request.user, initiative=self.initiative, **data)
                else:
                    goal = services.update_goal(actor=request.user, goal=goal, **data)
            except DomainError as error:
                form.add_error("code" if error.code == "duplicate_code" else None, error.message)
            else:
                messages.success(
                    request, _("The goal “%(title)s” was saved.") % {"title": goal.title}
                )
                return redirect("agenda_draft", slug=slug)
        return self.page(form, status=400)


class GoalCreateView(GoalFormView):
    pass


class GoalEditView(GoalFormView):
    def get_goal(self) -> Goal:
        if not hasattr(self, "_goal"):
            self._goal = get_object_or_404(self.goals(), code=self.kwargs["code"])
        return self._goal


class GoalRetireView(DraftMixin, View):
    """Retire a goal (with its strategies), or put it back (``retired=0``)."""

    def post(self, request, slug, code):
        goal = get_object_or_404(self.goals(), code=code)
        retired = request.POST.get("retired", "1") != "0"
        try:
            services.retire_goal(actor=request.user, goal=goal, retired=retired)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            text = (
                _("The goal “%(title)s” was retired.")
                if retired
                else _("The goal “%(title)s” is back in the agenda.")
            )
            messages.success(request, text % {"title": goal.title})
        return redirect("agenda_draft", slug=slug)


class StrategyFormView(DraftMixin, View):
    """Adding a strategy under a goal, or changing (or moving) one."""

    template_name = "action/agenda/strategy_form.html"

    def get_strategy(self) -> Strategy | None:
        return None

    def get_goal(self) -> Goal:
        strategy = self.get_strategy()
        if strategy is not None:
            return strategy.goal
        if not hasattr(self, "_goal"):
            self._goal = get_object_or_404(self.goals(), code=self.kwargs["code"])
        return self._goal

    def form(self, data=None):
        strategy = self.get_strategy()
        initial = None
        if strategy is not None:
            initial = {
                "title": strategy.title,
                "description": strategy.description,
                "goal": strategy.goal,
                "indicators": list(strategy.indicators.all()),
            }
        return StrategyForm(
            data, initial=initial, initiative=self.initiative, editing=strategy is not None
        )

    def page(self, form, status=200):
        context = {
            **self.common(),
            "goal": self.get_goal(),
            "strategy": self.get_strategy(),
            "form": form,
        }
        return self.render_page(self.template_name, context, status)

    def get(self, request, slug, **kwargs):
        return self.page(self.form())

    def post(self, request, slug, **kwargs):
        strategy = self.get_strategy()
        form = self.form(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if strategy is None:
                    strategy = services.add_strategy(
                        actor=request.user, initiative=self.initiative, goal=self.get_goal(), **data
                    )
                else:
                    strategy = services.update_strategy(
                        actor=request.user, strategy=strategy, **data
                    )
            except DomainError as error:
                form.add_error("code" if error.code == "duplicate_code" else None, error.message)
            else:
                messages.success(
                    request, _("The strategy “%(title)s” was saved.") % {"title": strategy.title}
                )
                return redirect("agenda_goal", slug=slug, code=strategy.goal.code)
        return self.page(form, status=400)


class StrategyCreateView(StrategyFormView):
    pass


class StrategyEditView(StrategyFormView):
    def get_strategy(self) -> Strategy:
        if not hasattr(self, "_strategy"):
            self._strategy = get_object_or_404(self.strategies(), code=self.kwargs["code"])
        return self._strategy


class StrategyRetireView(DraftMixin, View):
    def post(self, request, slug, code):
        strategy = get_object_or_404(self.strategies(), code=code)
        retired = request.POST.get("retired", "1") != "0"
        try:
            services.retire_strategy(actor=request.user, strategy=strategy, retired=retired)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            text = (
                _("The strategy “%(title)s” was retired.")
                if retired
                else _("The strategy “%(title)s” is back in the agenda.")
            )
            messages.success(request, text % {"title": strategy.title})
        return redirect("agenda_goal", slug=slug, code=strategy.goal.code)


class ProposeView(DraftMixin, View):
    """Put the draft to the steering committee: what it changes, who decides, until when."""

    template_name = "action/agenda/propose.html"

    def page(self, form, status=200):
        draft = self.draft()
        context = {**self.common(), "form": form}
        if draft is not None:
            adopted = services.adopted_version(self.initiative)
            context["adopted"] = adopted
            context["missing"] = services.missing_for_proposal(draft, live_content(self.initiative))
            context["voters"] = steering_committee_voters(self.initiative)
            context["committee"] = services.steering_committee(self.initiative)
            if adopted is not None:
                old, new = document_of(adopted), document_of(draft)
                names = indicator_names(self.initiative, old.indicator_codes | new.indicator_codes)
                context["changes"] = compare(old, new, names).summary()
        return self.render_page(self.template_name, context, status)

    def get(self, request, slug):
        return self.page(ProposeForm())

    def post(self, request, slug):
        draft = self.draft()
        if draft is None:
            raise Http404
        form = ProposeForm(request.POST)
        if form.is_valid():
            try:
                decision = services.propose_version(
                    actor=request.user, version=draft, **form.cleaned_data
                )
            except DomainError as error:
                form.add_error(
                    "closes_at" if error.code == "closes_in_past" else None, error.message
                )
            else:
                messages.success(
                    request,
                    _("Version %(number)s is before the steering committee: “%(title)s”.")
                    % {"number": draft.number, "title": decision.title},
                )
                return redirect("agenda", slug=slug)
        return self.page(form, status=400)


# The charter --------------------------------------------------------------------------------------


class SignaturesView(AgendaMixin, TemplateView):
    """Who signed which version, and who has not signed the adopted one yet."""

    template_name = "action/agenda/signatures.html"

    def get_context_data(self, **kwargs):
        adopted = services.adopted_version(self.initiative)
        return super().get_context_data(
            overview=charter_overview(self.initiative, adopted), adopted=adopted, **kwargs
        )


class CharterView(AgendaMixin, View):
    """One partner's charter: its signatures by version and, for its lead, signing the adopted
    version with its commitments (prefilled from its last signature)."""

    template_name = "action/agenda/charter.html"

    def partnership(self) -> Partnership:
        return get_object_or_404(
            Partnership.objects.filter(initiative=self.initiative).select_related("organization"),
            code=self.kwargs["partner"],
        )

    def initial(self, charter) -> dict:
        latest = charter.latest
        if latest is None:
            assigned = charter.partnership.assignments.values_list("indicator__code", flat=True)
            return {"data_indicators": list(assigned)}
        return {
            "money": plain_number(latest.money),
            "staff_hours": plain_number(latest.staff_hours),
            "in_kind": latest.in_kind,
            "statement": latest.statement,
            "data_indicators": list(latest.data_indicators.all()),
            "activities": list(latest.activities.all()),
        }

    def page(self, partnership, form=None, status=200):
        adopted = services.adopted_version(self.initiative)
        charter = partner_charter(partnership, adopted)
        can_sign = adopted is not None and self.access.can_edit_partner(partnership)
        if can_sign and form is None:
            form = SignForm(initial=self.initial(charter), partnership=partnership)
        context = {
            "partnership": partnership,
            "charter": charter,
            "adopted": adopted,
            "can_sign": can_sign,
            "form": form,
        }
        return self.render_page(self.template_name, context, status)

    def get(self, request, slug, partner):
        return self.page(self.partnership())

    def post(self, request, slug, partner):
        partnership = self.partnership()
        adopted = services.adopted_version(self.initiative)
        if adopted is None or not self.access.can_edit_partner(partnership):
            raise Http404
        form = SignForm(request.POST, partnership=partnership)
        if form.is_valid():
            try:
                services.sign_charter(
                    actor=request.user,
                    partnership=partnership,
                    version=adopted,
                    **form.cleaned_data,
                )
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request,
                    _("%(partner)s signed version %(number)s of the common agenda.")
                    % {"partner": partnership, "number": adopted.number},
                )
                return redirect("agenda_charter", slug=slug, partner=partnership.code)
        return self.page(partnership, form, status=400)


# Public -------------------------------------------------------------------------------------------


class PublicAgendaView(TemplateView):
    """The adopted agenda of a public initiative, for anyone; published indicators only."""

    template_name = "action/agenda/public.html"

    def get_context_data(self, **kwargs):
        initiative = get_object_or_404(Initiative, slug=self.kwargs["slug"], is_public=True)
        adopted = services.adopted_version(initiative)
        context = {"initiative": initiative, "adopted": adopted, "public": True}
        if adopted is not None:
            context["agenda"] = present(document_of(adopted), public=True)
        context["report_card_url"] = reverse("public_report_card", args=[initiative.slug])
        return super().get_context_data(**context, **kwargs)
