"""Reporting: what is due, partners' reports (submissions) and their values, and review.

Reading needs the right to see the partner's raw data (every partner's, or one's own);
writing values and submitting need the right to enter the partner's data; approving,
returning and reopening need the right to review. Every change goes through the services of
``measurement.services`` — the same validation, state machine, audit events and e-mails as
the pages.
"""

from datetime import date, datetime
from typing import Annotated

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import Field as PydanticField
from pydantic import StrictInt

from commonground.api import scope
from commonground.api.errors import NotFound
from commonground.api.lists import Filters, Page, PageParams, paginate
from commonground.api.schemas import Id, Slug, Text, choice, exact, example, read, written
from commonground.api.writes import write
from commonground.core.errors import DomainError
from commonground.core.permissions import Perm
from commonground.measurement import services
from commonground.measurement.models import DataValue, ReviewState, Submission
from commonground.measurement.periods import Frequency, PeriodError, parse_period_for
from commonground.measurement.services.values import InvalidValue
from commonground.measurement.todo import todo_for

router = Router(tags=["Reporting and review"])

# --- answers ------------------------------------------------------------------------------------


class Flag(Schema):
    code: str
    message: str


class ValueOut(Schema):
    id: int
    submission: int
    indicator: str
    partner: str
    period: str
    cell: str = Field(description="Canonical cell key (`race=black;sex=f`); empty: the total.")
    value: str | None
    numerator: str | None
    denominator: str | None
    censor: str = Field(description="'<' or '>' for a censored value (its bound is given), or ''.")
    text: str
    comment: str
    flags: list[Flag] = Field(description="Validation warnings kept with the value.")
    review_state: choice(ReviewState)
    review_comment: str
    updated_at: datetime


class SubmissionOut(Schema):
    id: int
    partner: str
    period: str
    status: choice(Submission.Status)
    revision: int
    submitted_at: datetime | None
    submitted_by: str | None
    reviewed_at: datetime | None
    reviewed_by: str | None
    review_comment: str
    reopen_reason: str
    value_count: int
    url: str = Field(description="This report in the API.")


class SubmissionDetail(SubmissionOut):
    values: list[ValueOut]


class DueIndicatorOut(Schema):
    code: str
    name: str
    due: date
    values: int = Field(description="How many values (total and cells) are saved.")


class DueReportOut(Schema):
    period: str
    frequency: choice(Frequency)
    start: date
    end: date
    due: date
    late: bool
    status: str = Field(description="not_started, or the report's status.")
    submission: int | None = Field(description="The report's id, once started.")
    indicators: list[DueIndicatorOut]


class PeriodsOut(Schema):
    partner: str
    reports: list[DueReportOut]


# --- requests -----------------------------------------------------------------------------------


class SubmissionFilters(Filters):
    LOOKUPS = {"period": "period", "partner": "partnership__code", "status": "status"}

    period: Text | None = None
    partner: Text | None = Field(None, description="Partner code.")
    status: choice(Submission.Status) | None = None


class ValueFilters(Filters):
    LOOKUPS = {
        "period": "period",
        "indicator": "indicator__code",
        "partner": "partnership__code",
        "review_state": "review_state",
    }

    period: Text | None = None
    indicator: Text | None = Field(None, description="Indicator code.")
    partner: Text | None = Field(None, description="Partner code.")
    review_state: choice(ReviewState) | None = None


class PartnerParam(Schema):
    partner: Text | None = Field(
        None, description="Partner code; one's own partner when left out (partner roles)."
    )


class SubmissionIn(Schema):
    period: Text = Field(description="A period code: 2024, 2024Q1, 2024-03, SY2024-25, FY2024.")
    partner: Text | None = Field(
        None, description="Partner code; one's own partner when left out (partner roles)."
    )


Number = Annotated[
    Text | StrictInt | Annotated[float, PydanticField(strict=True)] | None,
    Field(description="A number, or text such as '47.7', '<10' or '>95' (censored)."),
]


class ValueIn(Schema):
    indicator: Text = Field(description="Indicator code.")
    cell: dict[Text, Text] | Text = Field(
        default_factory=dict,
        description="{dimension code: value code}, or a key such as 'sex=f'; {} for the total.",
    )
    value: Number = None
    numerator: Number = None
    denominator: Number = None
    text: Text = Field("", description="For narrative indicators.")
    comment: Text = ""


class ValuesIn(Schema):
    values: list[ValueIn] = Field(min_length=1, max_length=5000)


class ApproveIn(Schema):
    comment: Text = ""
    values: list[Id] | None = Field(
        None, description="Approve only these values (ids); the report once none is left."
    )


class ValueComment(Schema):
    id: Id
    comment: Text


class ReturnIn(Schema):
    comment: Text = Field("", description="What needs to change (this or a value's comment).")
    values: list[ValueComment] = Field([], description="The values to fix, each with why.")


class ReopenIn(Schema):
    reason: Text


# --- reading ------------------------------------------------------------------------------------


def _name(user) -> str | None:
    return (user.get_full_name() or user.get_username()) if user else None


def _value(value: DataValue) -> dict:
    return {
        "id": value.pk,
        "submission": value.submission_id,
        "indicator": value.indicator.code,
        "partner": value.partnership.code,
        "period": value.period,
        "cell": value.cell,
        "value": exact(value.value),
        "numerator": exact(value.numerator),
        "denominator": exact(value.denominator),
        "censor": value.censor,
        "text": value.text,
        "comment": value.comment,
        "flags": [f for f in value.flags or [] if isinstance(f, dict)],
        "review_state": value.review_state,
        "review_comment": value.review_comment,
        "updated_at": value.updated_at,
    }


def _submission(request, submission: Submission, value_count: int) -> dict:
    slug = submission.partnership.initiative.slug
    path = reverse("api:get_submission", args=[slug, submission.pk])
    return {
        "id": submission.pk,
        "partner": submission.partnership.code,
        "period": submission.period,
        "status": submission.status,
        "revision": submission.revision,
        "submitted_at": submission.submitted_at,
        "submitted_by": _name(submission.submitted_by),
        "reviewed_at": submission.reviewed_at,
        "reviewed_by": _name(submission.reviewed_by),
        "review_comment": submission.review_comment,
        "reopen_reason": submission.reopen_reason,
        "value_count": value_count,
        "url": request.build_absolute_uri(path),
    }


def _submissions(access):
    return Submission.objects.filter(
        partnership__in=scope.visible_partnerships(access)
    ).select_related("partnership__initiative", "submitted_by", "reviewed_by")


def _values_of(submission: Submission) -> list[DataValue]:
    return list(
        submission.values.select_related("indicator", "partnership").order_by(
            "indicator__sort_order", "indicator__name", "cell", "pk"
        )
    )


def _detail(request, submission: Submission) -> dict:
    values = _values_of(submission)
    return {
        **_submission(request, submission, len(values)),
        "values": [_value(v) for v in values],
    }


def _get_submission(access, submission_id: int) -> Submission:
    found = _submissions(access).filter(pk=submission_id).first()
    if found is None:
        raise NotFound
    return found


@router.get(
    "/initiatives/{slug}/periods",
    response=read(PeriodsOut),
    summary="What a partner has to report",
)
def list_periods(request, slug: Slug, params: Query[PartnerParam]):
    """A partner's reports, newest first: periods ended in the last two years and every older
    report not approved yet, each with its indicators, due date and status (the to-do page)."""
    access = scope.partner_data_access(request, slug)
    partnership = scope.partner(access, params.partner)
    reports = todo_for(access.initiative, partnership, timezone.localdate())
    return {
        "partner": partnership.code,
        "reports": [
            {
                "period": r.period.code,
                "frequency": r.period.frequency,
                "start": r.period.start,
                "end": r.period.end,
                "due": r.due,
                "late": r.late,
                "status": r.status,
                "submission": r.submission.pk if r.submission else None,
                "indicators": [
                    {
                        "code": d.indicator.code,
                        "name": d.indicator.name,
                        "due": d.due,
                        "values": d.values,
                    }
                    for d in r.indicators
                ],
            }
            for r in reports
        ],
    }


@router.get(
    "/initiatives/{slug}/submissions",
    response=read(Page[SubmissionOut]),
    summary="Partners' reports",
)
def list_submissions(
    request, slug: Slug, filters: Query[SubmissionFilters], paging: Query[PageParams]
):
    """Reports of the partners whose data the caller sees, newest period first."""
    access = scope.partner_data_access(request, slug)
    submissions = (
        filters.narrow(_submissions(access))
        .annotate(value_count=Count("values"))
        .order_by("-period", "partnership__code", "pk")
    )
    return paginate(request, submissions, paging, lambda s: _submission(request, s, s.value_count))


@router.get(
    "/initiatives/{slug}/submissions/{submission_id}",
    response=read(SubmissionDetail),
    summary="One report, with its values",
    url_name="get_submission",
)
def get_submission(request, slug: Slug, submission_id: Id):
    access = scope.partner_data_access(request, slug)
    return _detail(request, _get_submission(access, submission_id))


@router.get("/initiatives/{slug}/values", response=read(Page[ValueOut]), summary="Reported values")
def list_values(request, slug: Slug, filters: Query[ValueFilters], paging: Query[PageParams]):
    """Values of the partners whose data the caller sees, in any state of review."""
    access = scope.partner_data_access(request, slug)
    values = DataValue.objects.filter(partnership__in=scope.visible_partnerships(access))
    values = filters.narrow(values.select_related("indicator", "partnership")).order_by(
        "-period", "partnership__code", "indicator__sort_order", "cell", "pk"
    )
    return paginate(request, values, paging, _value)


# --- writing ------------------------------------------------------------------------------------


def _enterable(access, submission: Submission) -> Submission:
    if not access.can_enter_data(submission.partnership):
        raise NotFound
    return submission


@router.post(
    "/initiatives/{slug}/submissions",
    response=written(SubmissionOut, 201, also=(200,)),
    summary="Start a report",
    openapi_extra=example({"partner": "acps", "period": "2024"}),
)
@write
def create_submission(request, slug: Slug, body: SubmissionIn):
    """Open a partner's report for a period as a draft (201), or give the one already started
    (200). Partner roles may leave `partner` out."""
    access = scope.partner_data_access(request, slug)
    partnership = scope.partner(access, body.partner)
    if not access.can_enter_data(partnership):
        raise NotFound
    try:
        period = parse_period_for(access.initiative, body.period)
    except PeriodError as error:
        raise DomainError(str(error), code="bad_period") from None
    existing = _submissions(access).filter(partnership=partnership, period=period.code).first()
    if existing is not None:
        return Status(200, _submission(request, existing, existing.values.count()))
    submission = services.open_submission(
        actor=request.user, partnership=partnership, period=period.code
    )
    return Status(201, _submission(request, _get_submission(access, submission.pk), 0))


def _split_mark(raw) -> tuple:
    """'<10' → ('10', '<'); numbers and plain text are left as they are."""
    if isinstance(raw, str):
        text = raw.strip()
        if text[:1] in ("<", ">"):
            return text[1:].strip(), text[0]
        return text or None, ""
    return raw, ""


def _entry(index: int, item: ValueIn) -> services.Entry:
    numbers, censor = {}, ""
    for name in ("value", "numerator", "denominator"):
        numbers[name], mark = _split_mark(getattr(item, name))
        if mark and name == "denominator":
            message = _("The denominator must be an exact number; censor the numerator (<10).")
            finding = {
                "code": "bad_censor",
                "message": message,
                "severity": "error",
                "field": name,
                "index": index,
            }
            raise InvalidValue(message, code="bad_censor", details={"findings": [finding]})
        censor = censor or mark
    return services.Entry(
        indicator=item.indicator,
        cell=item.cell,
        censor=censor,
        text=item.text,
        comment=item.comment,
        **numbers,
    )


@router.post(
    "/initiatives/{slug}/submissions/{submission_id}/values",
    response=written(SubmissionDetail),
    summary="Save values into a report",
    openapi_extra=example(
        {
            "values": [
                {"indicator": "grad_rate", "numerator": 945, "denominator": 1056},
                {
                    "indicator": "grad_rate",
                    "cell": {"race": "black"},
                    "numerator": "<10",
                    "denominator": 31,
                    "comment": "small cohort",
                },
                {"indicator": "kinder_ready", "value": "47.7"},
            ]
        }
    ),
)
@write
def save_values(request, slug: Slug, submission_id: Id, body: ValuesIn):
    """Create or update values of a draft, returned or reopened report — all of them or none.

    Values are checked as on the data-entry page (docs/validation.md): an error refuses the
    whole request (422, the first error's code, every finding in `details.findings` with the
    `index` of its value); warnings are kept in each value's `flags`."""
    access = scope.partner_data_access(request, slug)
    submission = _enterable(access, _get_submission(access, submission_id))
    entries = [_entry(i, item) for i, item in enumerate(body.values)]
    services.save_values(actor=request.user, submission=submission, entries=entries)
    return _detail(request, _get_submission(access, submission_id))


@router.post(
    "/initiatives/{slug}/submissions/{submission_id}/submit",
    response=written(SubmissionDetail),
    summary="Send a report for review",
)
@write
def submit_submission(request, slug: Slug, submission_id: Id):
    """Send the report to the data manager's approval queue."""
    access = scope.partner_data_access(request, slug)
    submission = _enterable(access, _get_submission(access, submission_id))
    services.submit_submission(actor=request.user, submission=submission)
    return _detail(request, _get_submission(access, submission_id))


def _reviewable(request, slug: Slug, submission_id: int) -> tuple:
    access = scope.access(request, slug, Perm.REVIEW_DATA)
    return access, _get_submission(access, submission_id)


@router.post(
    "/initiatives/{slug}/submissions/{submission_id}/approve",
    response=written(SubmissionDetail),
    summary="Approve a report (or some of its values)",
    openapi_extra=example({"comment": "Thank you."}),
)
@write
def approve_submission(request, slug: Slug, submission_id: Id, body: ApproveIn):
    """Approve a submitted report; its values become approved data, locked until reopened.
    With `values`, approve only those (the report once none is left)."""
    access, submission = _reviewable(request, slug, submission_id)
    if body.values is not None:
        services.approve_values(actor=request.user, submission=submission, value_ids=body.values)
    else:
        services.approve_submission(
            actor=request.user, submission=submission, comment=body.comment.strip()
        )
    return _detail(request, _get_submission(access, submission_id))


@router.post(
    "/initiatives/{slug}/submissions/{submission_id}/return",
    response=written(SubmissionDetail),
    summary="Return a report to the partner",
    openapi_extra=example(
        {
            "comment": "Please check the cohort.",
            "values": [{"id": 5012, "comment": "The denominator looks too small."}],
        }
    ),
)
@write
def return_submission(request, slug: Slug, submission_id: Id, body: ReturnIn):
    """Send a submitted report back with what needs to change (a comment, or a comment on the
    values to fix)."""
    access, submission = _reviewable(request, slug, submission_id)
    services.return_submission(
        actor=request.user,
        submission=submission,
        comment=body.comment.strip(),
        value_comments={v.id: v.comment.strip() for v in body.values},
    )
    return _detail(request, _get_submission(access, submission_id))


@router.post(
    "/initiatives/{slug}/submissions/{submission_id}/reopen",
    response=written(SubmissionDetail),
    summary="Reopen an approved report",
    openapi_extra=example({"reason": "The district revised its count."}),
)
@write
def reopen_submission(request, slug: Slug, submission_id: Id, body: ReopenIn):
    """Reopen an approved report for a revision, with the reason; its values leave the
    approved data until it is approved again."""
    access, submission = _reviewable(request, slug, submission_id)
    services.reopen_submission(actor=request.user, submission=submission, reason=body.reason)
    return _detail(request, _get_submission(access, submission_id))
