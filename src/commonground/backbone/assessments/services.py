"""State changes of the self-assessments, the evaluation plan and community voice.

* Rounds (``Perm.MANAGE_ASSESSMENTS``, the backbone lead): created as drafts, opened (one open
  round per instrument at a time), closed. Opening a rating round tells everyone who answers.
* Answers (``Perm.ANSWER_ASSESSMENTS``): one response per person per round, a score per
  statement on the 1–5 scale or "don't know" (``None``); saved as a draft, then submitted —
  only submitted responses count. Answers are anonymous: their audit events record how many
  statements were answered, never the scores (the audit log is readable by the backbone).
* Stage benchmarks (``MANAGE_ASSESSMENTS``): the lead's judgement on each benchmark in an open
  benchmarks round, with evidence (required for "met"); a round opens with the last closed
  round's judgements, to be updated.
* The evaluation plan (``MANAGE_ASSESSMENTS``): questions adopted from the library (or written
  by the backbone), then their method, status and findings.
* Community voice (``Perm.MANAGE_MEMBERS``): who is a resident or has lived experience, the
  population served and whether the public page shows the residents' share.

Every function checks the actor's permission itself (``actor=None`` is the system), refuses
bad input with a ``DomainError`` before anything is written, runs in one transaction and
records an audit event.
"""

from collections.abc import Mapping
from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from commonground.backbone import rounds
from commonground.backbone.evaluation_library import (
    CONDITION_NAMES,
    QUESTIONS,
    suggested_indicators,
)
from commonground.backbone.instruments import (
    BENCHMARKS,
    SCALE_MAX,
    SCALE_MIN,
    SELF_ASSESSMENTS,
    rating_instrument,
)
from commonground.backbone.models import (
    AssessmentResponse,
    BenchmarkEvidence,
    EvaluationPlanItem,
    Rating,
    Round,
)
from commonground.convening.notify import notify
from commonground.core import audit
from commonground.core.authorization import authorize
from commonground.core.errors import DomainError, InvalidTransition
from commonground.core.permissions import ROLE_PERMISSIONS, Perm
from commonground.initiatives.models import Initiative, Membership
from commonground.measurement.models import Indicator

Status = Round.Status
EVIDENCE_FIELDS = ["benchmark", "status", "evidence", "evidence_url"]
PLAN_FIELDS = ["question", "condition", "approach", "method", "status", "findings"]


def _may_manage(access) -> bool:
    return access.has(Perm.MANAGE_ASSESSMENTS)


def _may_answer(access) -> bool:
    return access.has(Perm.ANSWER_ASSESSMENTS)


def _may_manage_members(access) -> bool:
    return access.has(Perm.MANAGE_MEMBERS)


def answering_roles() -> list[str]:
    """The roles whose members answer rating rounds."""
    return sorted(
        role for role, perms in ROLE_PERMISSIONS.items() if Perm.ANSWER_ASSESSMENTS in perms
    )


def _locked(assessment: Round) -> Round:
    return Round.objects.select_for_update().select_related("initiative").get(pk=assessment.pk)


# Rounds -----------------------------------------------------------------------------------------


@transaction.atomic
def create_round(
    *, actor, initiative: Initiative, instrument: str, title: str, opens_on: date, closes_on: date
) -> Round:
    """A new self-assessment round, not yet open."""
    authorize(actor, initiative, _may_manage)
    if instrument not in SELF_ASSESSMENTS:
        raise DomainError(
            _("Choose one of the self-assessments: five conditions, stage benchmarks or backbone."),
            code="unknown_instrument",
            details={"field": "instrument"},
        )
    return rounds.create_round(
        actor=actor,
        initiative=initiative,
        instrument=instrument,
        title=title,
        opens_on=opens_on,
        closes_on=closes_on,
        action="assessment_round.created",
    )


def _check_self_assessment(assessment: Round) -> None:
    if assessment.instrument not in SELF_ASSESSMENTS:
        raise DomainError(
            _("Network survey rounds are run from the network survey's pages."),
            code="not_a_self_assessment",
        )


@transaction.atomic
def open_round(*, actor, assessment: Round) -> Round:
    """Open a draft round; refused while another round of the same instrument is open.
    Everyone who answers rating rounds is told in the app."""
    assessment = _locked(assessment)
    initiative = assessment.initiative
    authorize(actor, initiative, _may_manage)
    _check_self_assessment(assessment)
    if assessment.status != Status.DRAFT:
        raise InvalidTransition(
            _("Only a round that is not yet open can be opened."), code="round_not_draft"
        )
    already = (
        Round.objects.select_for_update()
        .filter(initiative=initiative, instrument=assessment.instrument, status=Status.OPEN)
        .first()
    )
    if already is not None:
        raise DomainError(
            _("“%(title)s” is still open: close it before opening another round of it.")
            % {"title": already.title},
            code="round_already_open",
        )
    assessment.status = Status.OPEN
    assessment.opened_at = timezone.now()
    assessment.save(update_fields=["status", "opened_at"])
    after = {"status": Status.OPEN}
    if assessment.instrument == Round.Instrument.STAGE_BENCHMARKS:
        after["carried_forward"] = _carry_benchmarks_forward(actor, assessment)
    audit.record(
        actor=actor,
        action="assessment_round.opened",
        obj=assessment,
        initiative=initiative,
        before={"status": Status.DRAFT},
        after=after,
    )
    if rating_instrument(assessment.instrument) is not None:
        people = [
            m.user
            for m in Membership.objects.filter(
                initiative=initiative, is_active=True, role__in=answering_roles()
            ).select_related("user")
        ]
        notify(
            people,
            initiative=initiative,
            kind="assessment_opened",
            text=_("%(title)s is open for your answers until %(date)s.")
            % {"title": assessment.title, "date": assessment.closes_on.isoformat()},
            url=reverse("assessment_answer", args=[initiative.slug, assessment.pk]),
            exclude=actor,
        )
    return assessment


def _carry_benchmarks_forward(actor, assessment: Round) -> int:
    """Start a benchmarks round from the last closed one's judgements and evidence, so the lead
    updates what changed instead of recording everything again."""
    previous = (
        Round.objects.filter(
            initiative=assessment.initiative,
            instrument=Round.Instrument.STAGE_BENCHMARKS,
            status=Status.CLOSED,
        )
        .order_by("-opens_on", "-pk")
        .first()
    )
    if previous is None:
        return 0
    copies = [
        BenchmarkEvidence(
            round=assessment,
            benchmark=record.benchmark,
            status=record.status,
            evidence=record.evidence,
            evidence_url=record.evidence_url,
            recorded_by=actor,
        )
        for record in previous.benchmarks.all()
        if record.benchmark in BENCHMARKS
    ]
    BenchmarkEvidence.objects.bulk_create(copies)
    return len(copies)


@transaction.atomic
def close_round(*, actor, assessment: Round) -> Round:
    """Close an open round: answers stop, results are read from the submitted responses."""
    assessment = _locked(assessment)
    initiative = assessment.initiative
    authorize(actor, initiative, _may_manage)
    _check_self_assessment(assessment)
    if assessment.status != Status.OPEN:
        raise InvalidTransition(_("Only an open round can be closed."), code="round_not_open")
    assessment.status = Status.CLOSED
    assessment.closed_at = timezone.now()
    assessment.save(update_fields=["status", "closed_at"])
    audit.record(
        actor=actor,
        action="assessment_round.closed",
        obj=assessment,
        initiative=initiative,
        before={"status": Status.OPEN},
        after={"status": Status.CLOSED},
    )
    respondents = [
        r.respondent
        for r in assessment.responses.exclude(submitted_at=None).select_related("respondent")
    ]
    notify(
        respondents,
        initiative=initiative,
        kind="assessment_closed",
        text=_("%(title)s has closed; its results are ready.") % {"title": assessment.title},
        url=reverse("assessment_round", args=[initiative.slug, assessment.pk]),
        exclude=actor,
    )
    return assessment


def _check_open(assessment: Round) -> None:
    if assessment.status == Status.DRAFT:
        raise DomainError(_("This round is not open yet."), code="round_not_open")
    if assessment.status == Status.CLOSED:
        raise DomainError(_("This round is closed: it takes no more answers."), code="round_closed")


# Answers ----------------------------------------------------------------------------------------


def _check_scores(instrument, answers: Mapping[str, object]) -> dict[str, int | None]:
    unknown = sorted(set(answers) - instrument.item_codes)
    if unknown:
        raise DomainError(
            _("Not a statement of this assessment: %(codes)s.") % {"codes": ", ".join(unknown)},
            code="unknown_item",
        )
    scores = {}
    for item, score in answers.items():
        if score is not None and (
            isinstance(score, bool)
            or not isinstance(score, int)
            or not SCALE_MIN <= score <= SCALE_MAX
        ):
            raise DomainError(
                _("“%(score)s” is not on the scale: give %(low)d to %(high)d, or “don't know”.")
                % {"score": score, "low": SCALE_MIN, "high": SCALE_MAX},
                code="score_out_of_scale",
                details={"item": item},
            )
        scores[item] = score
    return scores


@transaction.atomic
def save_answers(
    *, actor, assessment: Round, answers: Mapping[str, int | None], submit: bool = False
) -> AssessmentResponse:
    """Save the actor's answers to an open rating round (replacing what they saved before).

    ``answers`` maps statement codes to a score (1–5) or ``None`` ("don't know"); statements
    left out are not answered yet. ``submit`` counts the response in the results, and needs
    every statement answered; a response once submitted stays submitted (saving it again
    needs every statement answered too).
    """
    assessment = _locked(assessment)
    initiative = assessment.initiative
    authorize(actor, initiative, _may_answer)
    instrument = rating_instrument(assessment.instrument)
    if instrument is None:
        raise DomainError(_("This round is not answered with ratings."), code="not_a_rating_round")
    _check_open(assessment)
    scores = _check_scores(instrument, answers)
    response = AssessmentResponse.objects.filter(round=assessment, respondent=actor).first()
    submit = submit or (response is not None and response.submitted_at is not None)
    missing = len(instrument.item_codes - set(scores))
    if submit and missing:
        raise DomainError(
            _(
                "%(n)d statements have no answer yet: choose a score or “don't know” for each "
                "before you submit."
            )
            % {"n": missing},
            code="answers_missing",
        )
    membership = Membership.objects.filter(user=actor, initiative=initiative).first()
    if response is None:
        response = AssessmentResponse(round=assessment, respondent=actor)
    response.partnership = membership.partnership if membership else None
    if submit:
        response.submitted_at = timezone.now()
    response.save()
    response.ratings.all().delete()
    Rating.objects.bulk_create(
        Rating(response=response, item=item, score=score) for item, score in scores.items()
    )
    # The scores stay out of the audit log: the backbone reads it, and answers are anonymous.
    audit.record(
        actor=actor,
        action="assessment.submitted" if submit else "assessment.saved",
        obj=response,
        initiative=initiative,
        after={"round": assessment.pk, "answered": len(scores), "submitted": submit},
    )
    return response


# Stage benchmarks -------------------------------------------------------------------------------


@transaction.atomic
def record_benchmark(
    *,
    actor,
    assessment: Round,
    benchmark: str,
    status: str,
    evidence: str = "",
    evidence_url: str = "",
) -> BenchmarkEvidence:
    """Record where one stage benchmark stands in an open benchmarks round, with its evidence."""
    assessment = _locked(assessment)
    initiative = assessment.initiative
    authorize(actor, initiative, _may_manage)
    if assessment.instrument != Round.Instrument.STAGE_BENCHMARKS:
        raise DomainError(
            _("Benchmarks are recorded in a stage-benchmarks round."),
            code="not_a_benchmark_round",
        )
    _check_open(assessment)
    if benchmark not in BENCHMARKS:
        raise DomainError(
            _("“%(code)s” is not a stage benchmark.") % {"code": benchmark},
            code="unknown_benchmark",
        )
    if status not in BenchmarkEvidence.Status.values:
        raise DomainError(
            _("Choose not started, in progress or met."),
            code="unknown_status",
            details={"field": "status"},
        )
    evidence, evidence_url = (evidence or "").strip(), (evidence_url or "").strip()
    if evidence_url:
        try:
            URLValidator(schemes=["http", "https"])(evidence_url)
        except ValidationError as error:
            raise DomainError(
                _("Give a full web address, starting with https://."),
                code="invalid_url",
                details={"field": "evidence_url"},
            ) from error
    if status == BenchmarkEvidence.Status.MET and not (evidence or evidence_url):
        raise DomainError(
            _("Say what shows the benchmark is met: a sentence of evidence, a link, or both."),
            code="evidence_required",
            details={"field": "evidence"},
        )
    record = BenchmarkEvidence.objects.filter(round=assessment, benchmark=benchmark).first()
    before = audit.snapshot(record, EVIDENCE_FIELDS) if record else None
    if record is None:
        record = BenchmarkEvidence(round=assessment, benchmark=benchmark)
    record.status, record.evidence, record.evidence_url = status, evidence, evidence_url
    record.recorded_by = actor
    record.save()
    audit.record(
        actor=actor,
        action="assessment.benchmark_recorded",
        obj=record,
        initiative=initiative,
        before=before,
        after=audit.snapshot(record, EVIDENCE_FIELDS),
    )
    return record


# The evaluation plan ----------------------------------------------------------------------------


def _plan_snapshot(item: EvaluationPlanItem) -> dict:
    return {
        **audit.snapshot(item, ["library_code", *PLAN_FIELDS]),
        "indicators": sorted(item.indicators.values_list("code", flat=True)),
    }


@transaction.atomic
def adopt_question(*, actor, initiative: Initiative, code: str) -> EvaluationPlanItem:
    """Put a library question in the plan, linked to the initiative's indicators that fit it."""
    authorize(actor, initiative, _may_manage)
    question = QUESTIONS.get(code)
    if question is None:
        raise DomainError(
            _("“%(code)s” is not a question of the library.") % {"code": code},
            code="unknown_question",
        )
    if EvaluationPlanItem.objects.filter(initiative=initiative, library_code=code).exists():
        raise DomainError(_("This question is already in the plan."), code="already_adopted")
    item = EvaluationPlanItem.objects.create(
        initiative=initiative,
        library_code=code,
        question=str(question.question),
        condition=question.condition,
        approach=question.approach,
        adopted_by=actor,
    )
    item.indicators.set(
        suggested_indicators(question, Indicator.objects.filter(initiative=initiative))
    )
    audit.record(
        actor=actor,
        action="evaluation.adopted",
        obj=item,
        initiative=initiative,
        after=_plan_snapshot(item),
    )
    return item


def _check_plan_data(initiative: Initiative, data: dict) -> None:
    unknown = set(data) - {*PLAN_FIELDS, "indicators"}
    if unknown:
        raise DomainError(
            _("Unknown fields: %(names)s") % {"names": ", ".join(sorted(unknown))},
            code="unknown_field",
        )
    if "question" in data and not (data["question"] or "").strip():
        raise DomainError(
            _("Write the question."), code="question_required", details={"field": "question"}
        )
    choices = {
        "condition": CONDITION_NAMES,
        "approach": EvaluationPlanItem.Approach.values,
        "status": EvaluationPlanItem.Status.values,
    }
    for name, allowed in choices.items():
        if name in data and data[name] not in allowed:
            raise DomainError(
                _("Choose one of the listed values."),
                code=f"unknown_{name}",
                details={"field": name},
            )
    if any(i.initiative_id != initiative.pk for i in data.get("indicators", [])):
        raise DomainError(
            _("That indicator belongs to another initiative."),
            code="other_initiative",
            details={"field": "indicators"},
        )


def _apply_plan_data(item: EvaluationPlanItem, data: dict) -> None:
    for name, value in data.items():
        if name != "indicators":
            setattr(item, name, value.strip() if isinstance(value, str) else value)
    item.save()
    if "indicators" in data:
        item.indicators.set(data["indicators"])


@transaction.atomic
def add_plan_question(*, actor, initiative: Initiative, data: dict) -> EvaluationPlanItem:
    """A question the backbone writes itself (``data``: question, condition, approach and
    optionally method and indicators)."""
    authorize(actor, initiative, _may_manage)
    data = {"question": "", "condition": "", "approach": "", **data}
    _check_plan_data(initiative, data)
    item = EvaluationPlanItem(initiative=initiative, adopted_by=actor)
    _apply_plan_data(item, data)
    audit.record(
        actor=actor,
        action="evaluation.added",
        obj=item,
        initiative=initiative,
        after=_plan_snapshot(item),
    )
    return item


@transaction.atomic
def update_plan_item(*, actor, item: EvaluationPlanItem, data: dict) -> EvaluationPlanItem:
    """Change a plan item: its wording, condition, approach, method, status, findings or
    indicators."""
    item = (
        EvaluationPlanItem.objects.select_for_update().select_related("initiative").get(pk=item.pk)
    )
    initiative = item.initiative
    authorize(actor, initiative, _may_manage)
    _check_plan_data(initiative, data)
    before = _plan_snapshot(item)
    _apply_plan_data(item, data)
    audit.record(
        actor=actor,
        action="evaluation.updated",
        obj=item,
        initiative=initiative,
        before=before,
        after=_plan_snapshot(item),
    )
    return item


@transaction.atomic
def remove_plan_item(*, actor, item: EvaluationPlanItem) -> None:
    """Take a question out of the plan (a library question can be adopted again later)."""
    item = (
        EvaluationPlanItem.objects.select_for_update().select_related("initiative").get(pk=item.pk)
    )
    initiative = item.initiative
    authorize(actor, initiative, _may_manage)
    before = _plan_snapshot(item)
    audit.record(
        actor=actor, action="evaluation.removed", obj=item, initiative=initiative, before=before
    )
    item.delete()


# Community voice --------------------------------------------------------------------------------


@transaction.atomic
def set_resident(*, actor, membership: Membership, is_resident: bool) -> Membership:
    """Mark a member as a resident or person with lived experience, or not."""
    membership = (
        Membership.objects.select_for_update()
        .select_related("initiative", "user")
        .get(pk=membership.pk)
    )
    authorize(actor, membership.initiative, _may_manage_members)
    if membership.is_resident == bool(is_resident):
        return membership
    before = {"is_resident": membership.is_resident}
    membership.is_resident = bool(is_resident)
    membership.save(update_fields=["is_resident"])
    audit.record(
        actor=actor,
        action="membership.resident_changed",
        obj=membership,
        initiative=membership.initiative,
        before=before,
        after={"is_resident": membership.is_resident},
    )
    return membership


VOICE_FIELDS = ["population_served", "show_community_voice"]


@transaction.atomic
def update_voice_settings(
    *, actor, initiative: Initiative, population_served: str, show_community_voice: bool
) -> Initiative:
    """Who the initiative serves, and whether the public page shows the residents' share."""
    initiative = Initiative.objects.select_for_update().get(pk=initiative.pk)
    authorize(actor, initiative, _may_manage_members)
    before = audit.snapshot(initiative, VOICE_FIELDS)
    initiative.population_served = (population_served or "").strip()
    initiative.show_community_voice = bool(show_community_voice)
    initiative.save(update_fields=VOICE_FIELDS)
    after = audit.snapshot(initiative, VOICE_FIELDS)
    if before != after:
        audit.record(
            actor=actor,
            action="initiative.community_voice_changed",
            obj=initiative,
            initiative=initiative,
            before=before,
            after=after,
        )
    return initiative
