"""Decision pages: the list (open first), one decision with its votes and history, and the forms
to open, vote on, close and withdraw a decision. Each form posts to its own URL, which calls one
service of ``convening.services.decisions``; a refused change comes back as form errors."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db.models import Case, Count, Exists, F, OuterRef, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from commonground.convening.meetings import key_of
from commonground.convening.models import Decision, Occurrence, Vote
from commonground.convening.services import decisions as services
from commonground.core.access import InitiativeViewMixin
from commonground.core.errors import DomainError
from commonground.core.models import AuditEvent
from commonground.core.permissions import Perm
from commonground.initiatives.models import WorkingGroup
from commonground.insight.markdown import render_story

User = get_user_model()
Status = Decision.Status
LIST_PAGE_SIZE = 50


def person_label(user) -> str:
    return user.get_full_name() or user.get_username()


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return person_label(obj)


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return person_label(obj)


def active_people(initiative):
    """The active members of ``initiative`` as users, by name."""
    return User.objects.filter(
        memberships__initiative=initiative, memberships__is_active=True
    ).order_by("last_name", "first_name", "username")


def occurrence_url(occurrence: Occurrence | None) -> str:
    """The page of the meeting an item or a decision came out of ("" for none)."""
    if occurrence is None:
        return ""
    meeting = occurrence.meeting
    return reverse(
        "occurrence_detail",
        args=[meeting.initiative.slug, meeting.pk, key_of(occurrence.original_start)],
    )


def form_error(form: forms.Form, error: DomainError, fields: dict[str, str]) -> None:
    """Put a service's refusal next to the field it is about (``fields``: code → field)."""
    form.add_error(fields.get(error.code), error.message)


class DecisionForm(forms.Form):
    VOTERS_FROM = [
        ("chosen", gettext_lazy("The people ticked below")),
        ("body", gettext_lazy("The members of the body chosen above")),
        ("steering", gettext_lazy("The steering committee")),
        ("everyone", gettext_lazy("Every active member of the initiative")),
    ]

    title = forms.CharField(label=gettext_lazy("Title"), max_length=300)
    proposal = forms.CharField(
        label=gettext_lazy("Proposal"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=gettext_lazy(
            "What people agree to, in full. Markdown: *emphasis*, lists, links."
        ),
    )
    method = forms.ChoiceField(
        label=gettext_lazy("Method"),
        choices=[
            (Decision.Method.CONSENT, gettext_lazy("Consent: adopted unless someone blocks")),
            (
                Decision.Method.VOTE,
                gettext_lazy("Vote: adopted when agree votes outnumber disagree and block votes"),
            ),
        ],
        initial=Decision.Method.CONSENT,
        widget=forms.RadioSelect,
    )
    closes_at = forms.DateTimeField(
        label=gettext_lazy("Voting closes at"),
        input_formats=["%Y-%m-%dT%H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=gettext_lazy("Local time. The decision closes by itself then, if not before."),
    )
    quorum_percent = forms.IntegerField(
        label=gettext_lazy("Quorum (% of eligible voters)"),
        min_value=1,
        max_value=100,
        initial=50,
        help_text=gettext_lazy(
            "How many of the eligible voters must vote (any choice, abstain included) for the "
            "outcome to count."
        ),
    )
    body = forms.ModelChoiceField(
        label=gettext_lazy("Body"),
        queryset=WorkingGroup.objects.none(),
        required=False,
        empty_label=gettext_lazy("The whole initiative"),
    )
    voters_from = forms.ChoiceField(
        label=gettext_lazy("Who may vote"),
        choices=VOTERS_FROM,
        initial="chosen",
        widget=forms.RadioSelect,
    )
    eligible_voters = PeopleChoiceField(
        label=gettext_lazy("Eligible voters"),
        queryset=User.objects.none(),
        required=False,
        help_text=gettext_lazy("Used when “The people ticked below” is chosen above."),
        widget=forms.CheckboxSelectMultiple,
    )
    occurrence = forms.ModelChoiceField(
        queryset=Occurrence.objects.none(), required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args, initiative, **kwargs):
        super().__init__(*args, **kwargs)
        self.initiative = initiative
        self.fields["body"].queryset = initiative.working_groups.all()
        self.fields["eligible_voters"].queryset = active_people(initiative)
        self.fields["occurrence"].queryset = Occurrence.objects.filter(
            meeting__initiative=initiative
        )

    def clean(self):
        data = super().clean()
        source = data.get("voters_from")
        body = data.get("body")
        if source == "body" and body is None:
            self.add_error("body", _("Choose the body whose members vote."))
            return data
        people = active_people(self.initiative)
        if source == "body":
            data["voters"] = list(people.filter(pk__in=body.members.values("pk")))
        elif source == "steering":
            data["voters"] = services.steering_committee_voters(self.initiative)
        elif source == "everyone":
            data["voters"] = list(people)
        else:
            data["voters"] = list(data.get("eligible_voters") or [])
        if source and not data["voters"]:
            self.add_error("eligible_voters", _("Nobody would vote: choose the voters."))
        return data


class VoteForm(forms.Form):
    choice = forms.ChoiceField(
        label=gettext_lazy("Your choice"), choices=Vote.Choice.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=gettext_lazy("Your reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Shown with your vote. Needed for a block."),
    )


class CloseForm(forms.Form):
    outcome_reason = forms.CharField(
        label=gettext_lazy("Reasons for the outcome"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("What was weighed, for those who read the decision later."),
    )
    review_on = forms.DateField(
        label=gettext_lazy("Review on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy(
            "The day the decision comes back as a reminder to be looked at again."
        ),
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why it is withdrawn"), widget=forms.Textarea(attrs={"rows": 2})
    )


class DecisionMixin(InitiativeViewMixin):
    nav = "decisions"

    def get_decision(self) -> Decision:
        """The decision, in this initiative only (404 for a missing one and another's alike)."""
        return get_object_or_404(
            Decision.objects.select_related(
                "initiative",
                "body__facilitator",
                "occurrence__meeting__initiative",
                "opened_by",
                "closed_by",
                "agenda_version",
            ),
            pk=self.kwargs["pk"],
            initiative=self.initiative,
        )

    def may_run(self, decision: Decision) -> bool:
        if self.access.has(Perm.RUN_MEETINGS):
            return True
        return decision.agenda_version_id is not None and self.access.has(Perm.MANAGE_AGENDA)


class DecisionListView(DecisionMixin, TemplateView):
    """Open decisions first (closing soonest first), then the others, latest first."""

    template_name = "convening/decisions/list.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        decisions = (
            Decision.objects.filter(initiative=self.initiative)
            .select_related("body")
            .annotate(
                vote_count=Count("votes", distinct=True),
                voter_count=Count("eligible_voters", distinct=True),
                may_vote=Exists(
                    Decision.eligible_voters.through.objects.filter(
                        decision=OuterRef("pk"), user=user
                    )
                ),
                has_voted=Exists(Vote.objects.filter(decision=OuterRef("pk"), voter=user)),
            )
            .order_by(
                Case(When(status=Status.OPEN, then=Value(0)), default=Value(1)),
                Case(When(status=Status.OPEN, then=F("closes_at"))).asc(nulls_last=True),
                F("closed_at").desc(nulls_last=True),
                "-pk",
            )
        )
        page = Paginator(decisions, LIST_PAGE_SIZE).get_page(self.request.GET.get("page"))
        return super().get_context_data(
            page=page,
            decisions=page.object_list,
            can_open=self.access.has(Perm.RUN_MEETINGS),
            now=timezone.now(),
            **kwargs,
        )


class DecisionCreateView(InitiativeViewMixin, View):
    permission = Perm.RUN_MEETINGS
    nav = "decisions"
    template_name = "convening/decisions/form.html"

    def render_form(self, form):
        occurrence = form["occurrence"].value()
        return render(
            self.request,
            self.template_name,
            {
                "form": form,
                "initiative": self.initiative,
                "nav": self.nav,
                "occurrence": Occurrence.objects.filter(
                    pk=occurrence, meeting__initiative=self.initiative
                )
                .select_related("meeting")
                .first()
                if str(occurrence or "").isdigit()
                else None,
            },
        )

    def get(self, request, slug):
        in_a_week = timezone.localtime() + timedelta(days=7)
        initial = {"closes_at": in_a_week.replace(hour=17, minute=0, second=0, microsecond=0)}
        occurrence = request.GET.get("occurrence", "")
        if occurrence.isdigit():
            initial["occurrence"] = occurrence
        return self.render_form(DecisionForm(initial=initial, initiative=self.initiative))

    def post(self, request, slug):
        form = DecisionForm(request.POST, initiative=self.initiative)
        if form.is_valid():
            data = form.cleaned_data
            try:
                decision = services.open_decision(
                    actor=request.user,
                    initiative=self.initiative,
                    title=data["title"],
                    proposal=data["proposal"],
                    method=data["method"],
                    closes_at=data["closes_at"],
                    eligible_voters=data["voters"],
                    quorum_percent=data["quorum_percent"],
                    body=data["body"],
                    occurrence=data["occurrence"],
                )
            except DomainError as error:
                form_error(
                    form,
                    error,
                    {
                        "title_required": "title",
                        "proposal_required": "proposal",
                        "unknown_method": "method",
                        "bad_quorum": "quorum_percent",
                        "closes_in_past": "closes_at",
                        "no_voters": "eligible_voters",
                        "voter_not_member": "eligible_voters",
                    },
                )
            else:
                messages.success(request, _("The decision is open; the voters were asked to vote."))
                return redirect("decision_detail", slug=slug, pk=decision.pk)
        return self.render_form(form)


class VoterLine:
    """One eligible voter and their vote (None: not voted yet)."""

    def __init__(self, person, vote):
        self.person, self.vote = person, vote
        self.name = person_label(person)


@dataclass
class HistoryLine:
    when: datetime
    who: str
    what: str
    reason: str = ""


def _choice(value) -> str:
    return Vote.Choice(value).label.lower() if value in Vote.Choice.values else str(value)


def history_lines(events) -> list[HistoryLine]:
    """The decision's audit events as sentences people read."""
    lines = []
    for event in events:
        before, after = event.before or {}, event.after or {}
        reason = after.get("reason") or after.get("outcome_reason") or ""
        if event.action == "decision.opened":
            what = _("opened the decision")
        elif event.action == "decision.vote_cast":
            what = _("voted %(choice)s") % {"choice": _choice(after.get("choice"))}
        elif event.action == "decision.vote_changed":
            what = _("changed their vote from %(old)s to %(new)s") % {
                "old": _choice(before.get("choice")),
                "new": _choice(after.get("choice")),
            }
        elif event.action == "decision.closed":
            outcome = after.get("outcome")
            what = _("closed it: %(outcome)s") % {
                "outcome": Decision.Outcome(outcome).label.lower()
                if outcome in Decision.Outcome.values
                else outcome
            }
        elif event.action == "decision.withdrawn":
            what = _("withdrew the proposal")
        else:
            what = event.action
        lines.append(HistoryLine(event.created_at, event.actor_label, what, reason))
    return lines


class DecisionDetailView(DecisionMixin, TemplateView):
    template_name = "convening/decisions/detail.html"

    def get_context_data(self, **kwargs):
        decision = kwargs.pop("decision", None) or self.get_decision()
        user = self.request.user
        votes = {v.voter_id: v for v in decision.votes.all()}
        voters = [
            VoterLine(person, votes.get(person.pk))
            for person in decision.eligible_voters.order_by("last_name", "first_name", "username")
        ]
        tally = services.Tally(
            eligible=len(voters),
            **{c: sum(1 for v in votes.values() if v.choice == c) for c in Vote.Choice.values},
        )
        is_open = decision.status == Status.OPEN
        may_vote = (
            is_open
            and services.is_open_for_votes(decision)
            and user.pk in {line.person.pk for line in voters}
        )
        may_run = is_open and self.may_run(decision)
        mine = votes.get(user.pk)
        history = history_lines(
            AuditEvent.objects.filter(
                initiative=self.initiative,
                object_type=Decision._meta.label_lower,
                object_id=str(decision.pk),
            ).order_by("created_at", "id")
        )
        return super().get_context_data(
            decision=decision,
            occurrence_url=occurrence_url(decision.occurrence),
            proposal_html=render_story(decision.proposal),
            voters=voters,
            tally=tally,
            needed=tally.needed_for_quorum(decision.quorum_percent),
            has_quorum=tally.has_quorum(decision.quorum_percent),
            outcome_now=Decision.Outcome(
                services.compute_outcome(decision.method, decision.quorum_percent, tally)
            ).label,
            my_vote=mine,
            may_vote=may_vote,
            may_run=may_run,
            may_add_items=self.access.has(Perm.RUN_MEETINGS),
            vote_form=kwargs.pop("vote_form", None)
            or VoteForm(initial={"choice": mine.choice, "reason": mine.reason} if mine else None),
            close_form=kwargs.pop("close_form", None) or CloseForm(),
            withdraw_form=kwargs.pop("withdraw_form", None) or WithdrawForm(),
            history=history,
            action_items=decision.action_items.select_related("owner").order_by("due_on", "pk"),
            today=timezone.localdate(),
            **kwargs,
        )


class DecisionActionView(DecisionMixin, View):
    """A POST that calls one decision service. A refusal about a field shows the page again
    with the error next to it; any other comes back as a message."""

    form_class: type[forms.Form]
    form_name = ""
    error_fields: dict[str, str] = {}

    def allowed(self, decision) -> bool:
        return True

    def act(self, decision, data) -> str:  # pragma: no cover - each action defines it
        raise NotImplementedError

    def post(self, request, slug, pk):
        decision = self.get_decision()
        if not self.allowed(decision):
            raise Http404
        form = self.form_class(request.POST)
        if form.is_valid():
            try:
                message = self.act(decision, form.cleaned_data)
            except DomainError as error:
                if error.code not in self.error_fields:
                    # Not about what was typed (the decision closed meanwhile…): say so on
                    # the page as it is now.
                    messages.error(request, error.message)
                    return redirect("decision_detail", slug=slug, pk=pk)
                form_error(form, error, self.error_fields)
            else:
                messages.success(request, message)
                return redirect("decision_detail", slug=slug, pk=pk)
        detail = DecisionDetailView(request=request, kwargs=self.kwargs, args=())
        detail.access, detail.initiative = self.access, self.initiative
        context = detail.get_context_data(decision=decision, **{self.form_name: form})
        return render(request, DecisionDetailView.template_name, context)


class DecisionVoteView(DecisionActionView):
    form_class = VoteForm
    form_name = "vote_form"
    error_fields = {"reason_required": "reason", "unknown_choice": "choice"}

    def allowed(self, decision):
        return decision.eligible_voters.filter(pk=self.request.user.pk).exists()

    def act(self, decision, data):
        services.cast_vote(
            actor=self.request.user, decision=decision, choice=data["choice"], reason=data["reason"]
        )
        return _("Your vote is recorded. You may change it until the decision closes.")


class DecisionCloseView(DecisionActionView):
    form_class = CloseForm
    form_name = "close_form"
    error_fields = {"review_in_past": "review_on"}

    def allowed(self, decision):
        return self.may_run(decision)

    def act(self, decision, data):
        decision = services.close_decision(
            actor=self.request.user,
            decision=decision,
            outcome_reason=data["outcome_reason"],
            review_on=data["review_on"],
        )
        return _("The decision is closed: %(outcome)s.") % {
            "outcome": decision.get_outcome_display().lower()
        }


class DecisionWithdrawView(DecisionActionView):
    form_class = WithdrawForm
    form_name = "withdraw_form"
    error_fields = {"reason_required": "reason"}

    def allowed(self, decision):
        return self.may_run(decision)

    def act(self, decision, data):
        services.withdraw_decision(
            actor=self.request.user, decision=decision, reason=data["reason"]
        )
        return _("The proposal was withdrawn.")
