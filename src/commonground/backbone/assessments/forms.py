"""Forms of the self-assessment, evaluation-plan and community-voice pages. They parse what was
typed; the services decide what is allowed."""

from django import forms
from django.utils.translation import gettext_lazy as _

from commonground.backbone.evaluation_library import CONDITION_NAMES
from commonground.backbone.instruments import DONT_KNOW, SCALE, RatingInstrument
from commonground.backbone.models import BenchmarkEvidence, EvaluationPlanItem, Round
from commonground.core.errors import DomainError
from commonground.measurement.models import Indicator

DONT_KNOW_VALUE = "dk"


def show_error(form: forms.Form, error: DomainError) -> None:
    """A service's refusal next to the field it names, or above the form."""
    field = error.details.get("field")
    form.add_error(field if field in form.fields else None, error.message)


class DateInput(forms.DateInput):
    input_type = "date"


class RoundForm(forms.Form):
    instrument = forms.ChoiceField(
        label=_("Assessment"),
        choices=[
            (Round.Instrument.FIVE_CONDITIONS, _("The five conditions (everyone who answers)")),
            (Round.Instrument.BACKBONE_EFFECTIVENESS, _("Backbone effectiveness (everyone)")),
            (Round.Instrument.STAGE_BENCHMARKS, _("Stage benchmarks (the backbone records)")),
        ],
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        help_text=_("People see it in their notifications, e.g. “Five conditions, spring 2026”."),
    )
    opens_on = forms.DateField(label=_("Opens on"), widget=DateInput)
    closes_on = forms.DateField(
        label=_("Closes on"),
        widget=DateInput,
        help_text=_("Told to the people who answer; you close the round yourself."),
    )


def field_name(item_code: str) -> str:
    """A statement's form field (codes hold dots, which do not belong in HTML ids)."""
    return item_code.replace(".", "__")


class AnswerForm(forms.Form):
    """One radio group per statement: a score on the scale, or "don't know"; every group may
    be left empty in a draft."""

    def __init__(self, *args, instrument: RatingInstrument, **kwargs):
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        # Built per request, so the words follow the reader's language.
        choices = [(str(p.score), f"{p.score} · {p.words}") for p in SCALE]
        choices.append((DONT_KNOW_VALUE, DONT_KNOW))
        for statement in instrument.statements:
            self.fields[field_name(statement.code)] = forms.ChoiceField(
                label=statement.text,
                choices=choices,
                required=False,
                widget=forms.RadioSelect,
            )

    @classmethod
    def initial_from(cls, response) -> dict:
        if response is None:
            return {}
        return {
            field_name(r.item): DONT_KNOW_VALUE if r.score is None else str(r.score)
            for r in response.ratings.all()
        }

    def answers(self) -> dict[str, int | None]:
        """Statement code → score, ``None`` for "don't know"; unanswered ones left out."""
        answers = {}
        for statement in self.instrument.statements:
            value = self.cleaned_data.get(field_name(statement.code))
            if value == DONT_KNOW_VALUE:
                answers[statement.code] = None
            elif value:
                answers[statement.code] = int(value)
        return answers

    def mark_unanswered(self) -> None:
        for statement in self.instrument.statements:
            name = field_name(statement.code)
            if not self.cleaned_data.get(name):
                self.add_error(name, _("Choose a score, or “don't know”."))

    def areas(self):
        """(area, its bound fields) in the instrument's order, for the template."""
        return [
            (area, [self[field_name(s.code)] for s in area.statements])
            for area in self.instrument.areas
        ]


class BenchmarkForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Where it stands"),
        choices=BenchmarkEvidence.Status.choices,
        widget=forms.RadioSelect,
    )
    evidence = forms.CharField(
        label=_("Evidence"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What shows it: a decision, a document, a figure. Needed for “met”."),
    )
    evidence_url = forms.URLField(
        label=_("Link to the evidence"),
        required=False,
        assume_scheme="https",
        help_text=_("A web address where the evidence can be read."),
    )


class PlanItemForm(forms.Form):
    question = forms.CharField(label=_("Question"), widget=forms.Textarea(attrs={"rows": 3}))
    condition = forms.ChoiceField(
        label=_("Condition"), choices=[(code, name) for code, name in CONDITION_NAMES.items()]
    )
    approach = forms.ChoiceField(label=_("Approach"), choices=EvaluationPlanItem.Approach.choices)
    method = forms.CharField(
        label=_("How it will be answered"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Who collects what, when: a survey, interviews, the shared data."),
    )
    status = forms.ChoiceField(label=_("Status"), choices=EvaluationPlanItem.Status.choices)
    findings = forms.CharField(
        label=_("Findings"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What was learned, once the question is answered."),
    )
    indicators = forms.ModelMultipleChoiceField(
        label=_("Indicators that help answer it"),
        queryset=Indicator.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, initiative, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicators"].queryset = Indicator.objects.filter(initiative=initiative)

    @classmethod
    def initial_for(cls, item: EvaluationPlanItem) -> dict:
        return {
            "question": item.question,
            "condition": item.condition,
            "approach": item.approach,
            "method": item.method,
            "status": item.status,
            "findings": item.findings,
            "indicators": list(item.indicators.all()),
        }


class VoiceSettingsForm(forms.Form):
    population_served = forms.CharField(
        label=_("The population the initiative serves"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Who the initiative serves, in a sentence or two, e.g. “the 24,000 children and "
            "youth of the city, a third of them from low-income families”."
        ),
    )
    show_community_voice = forms.BooleanField(
        label=_("Show community voice on the public page"),
        required=False,
        help_text=_(
            "The public report card then shows, for each body, how many of its people are "
            "residents or people with lived experience (counts only, never names)."
        ),
    )
