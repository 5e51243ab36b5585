"""Review of reports: submit, approve, return, reopen — for whole reports or single values.

The state machine (SPEC §3.1.6) is ``TRANSITIONS``; every path — the pages, bulk approval,
imports, commands — goes through these functions, which check the actor's permission, lock the
report row, write the audit event and notify the partner, all in one transaction.
"""

from django.db import transaction
from django.utils import timezone

from commonground.core import audit
from commonground.core.authorization import authorize
from commonground.core.errors import DomainError, InvalidTransition
from commonground.core.permissions import Perm
from commonground.insight.rollups import refresh_for_submission, refresh_for_values
from commonground.measurement.models import DataValue, ReviewState, Submission
from commonground.measurement.services.notify import notify_partner
from commonground.webhooks import events
from commonground.webhooks.events import emit
from commonground.webhooks.payloads import submission_payload

Status = Submission.Status

# (from status, action) → to status.
TRANSITIONS = {
    (Status.DRAFT, "submit"): Status.SUBMITTED,
    (Status.RETURNED, "submit"): Status.SUBMITTED,
    (Status.REOPENED, "submit"): Status.SUBMITTED,
    (Status.SUBMITTED, "approve"): Status.APPROVED,
    (Status.SUBMITTED, "return"): Status.RETURNED,
    (Status.APPROVED, "reopen"): Status.REOPENED,
}
DONE = {"submit": "submitted", "approve": "approved", "return": "returned", "reopen": "reopened"}


def _may_review(access) -> bool:
    return access.has(Perm.REVIEW_DATA)


def _locked(submission: Submission) -> Submission:
    return (
        Submission.objects.select_for_update()
        .select_related("partnership__initiative")
        .get(pk=submission.pk)
    )


def _transition(*, actor, submission: Submission, action: str, comment: str = "") -> Submission:
    """Move a locked submission along ``TRANSITIONS`` and audit it."""
    target = TRANSITIONS.get((submission.status, action))
    if target is None:
        raise InvalidTransition(
            f"A {submission.get_status_display().lower()} report cannot be {DONE[action]}.",
        )
    before = {"status": submission.status}
    submission.status = target
    now = timezone.now()
    if action == "submit":
        submission.submitted_at, submission.submitted_by = now, actor
    elif action == "reopen":
        submission.reopened_at, submission.reopened_by = now, actor
        submission.reopen_reason = comment
        submission.revision += 1
    else:
        submission.reviewed_at, submission.reviewed_by = now, actor
        submission.review_comment = comment
    submission.save()
    audit.record(
        actor=actor,
        action=f"submission.{target}",
        obj=submission,
        initiative=submission.partnership.initiative,
        before=before,
        after={"status": target, "comment": comment},
    )
    return submission


def _set_values_state(actor, submission, values, state, comment=""):
    """Change the review state of ``values``, one audit event each."""
    for value in values:
        before = {"review_state": value.review_state, "review_comment": value.review_comment}
        value.review_state, value.review_comment = state, comment
        value.save(update_fields=["review_state", "review_comment", "updated_at"])
        audit.record(
            actor=actor,
            action=f"value.{state}",
            obj=value,
            initiative=submission.partnership.initiative,
            before=before,
            after={"review_state": state, "review_comment": comment},
        )


@transaction.atomic
def submit_submission(*, actor, submission: Submission) -> Submission:
    """Send a report for review; values returned before go back to review."""
    submission = _locked(submission)
    partnership = submission.partnership
    authorize(actor, partnership.initiative, lambda a: a.can_enter_data(partnership))
    if not submission.values.exists():
        raise InvalidTransition("There are no values to submit.", code="empty_submission")
    submission = _transition(actor=actor, submission=submission, action="submit")
    returned = submission.values.filter(review_state=ReviewState.RETURNED)
    _set_values_state(actor, submission, list(returned), ReviewState.PENDING)
    return submission


@transaction.atomic
def approve_submission(*, actor, submission: Submission, comment: str = "") -> Submission:
    """Approve a submitted report and every value in it; approved data is then locked."""
    submission = _locked(submission)
    authorize(actor, submission.partnership.initiative, _may_review)
    submission = _transition(actor=actor, submission=submission, action="approve", comment=comment)
    pending = submission.values.exclude(review_state=ReviewState.APPROVED)
    # One statement for the values (a report can hold thousands); the report's event above
    # records the approval, and each value's history stays in its own save events.
    pending.update(review_state=ReviewState.APPROVED, review_comment="", updated_at=timezone.now())
    refresh_for_submission(submission)  # rollups change in the same transaction as the data
    notify_partner(submission, "approved", comment)
    _emit_approved(submission)
    return submission


@transaction.atomic
def return_submission(
    *, actor, submission: Submission, comment: str, value_comments: dict[int, str] | None = None
) -> Submission:
    """Send a submitted report back to the partner, optionally naming the values to fix.

    ``value_comments`` maps value ids to what is wrong with each; those values are returned.
    Values approved one by one before stay approved.
    """
    value_comments = value_comments or {}
    if not comment.strip() and not any(c.strip() for c in value_comments.values()):
        raise DomainError("Say what needs to change.", code="comment_required")
    submission = _locked(submission)
    authorize(actor, submission.partnership.initiative, _may_review)
    values = _values_of(submission, value_comments)
    if any(v.review_state == ReviewState.APPROVED for v in values):
        raise InvalidTransition("An approved value cannot be returned.", code="value_locked")
    submission = _transition(actor=actor, submission=submission, action="return", comment=comment)
    for value in values:
        _set_values_state(
            actor, submission, [value], ReviewState.RETURNED, value_comments[value.pk]
        )
    notify_partner(submission, "returned", comment, values=values)
    return submission


@transaction.atomic
def approve_values(*, actor, submission: Submission, value_ids: list[int]) -> Submission:
    """Approve some values of a submitted report; when none is left, the report is approved."""
    submission = _locked(submission)
    authorize(actor, submission.partnership.initiative, _may_review)
    if submission.status != Status.SUBMITTED:
        raise InvalidTransition(
            f"Values of a {submission.get_status_display().lower()} report cannot be approved."
        )
    values = _values_of(submission, value_ids)
    to_approve = [v for v in values if v.review_state != ReviewState.APPROVED]
    _set_values_state(actor, submission, to_approve, ReviewState.APPROVED)
    refresh_for_values(to_approve)
    if not submission.values.exclude(review_state=ReviewState.APPROVED).exists():
        submission = _transition(actor=actor, submission=submission, action="approve")
        notify_partner(submission, "approved", "")
        _emit_approved(submission)
    return submission


@transaction.atomic
def reopen_submission(*, actor, submission: Submission, reason: str) -> Submission:
    """Reopen an approved report for a revision; its values leave the approved data."""
    if not reason.strip():
        raise DomainError("Give the reason for reopening.", code="reason_required")
    submission = _locked(submission)
    authorize(actor, submission.partnership.initiative, _may_review)
    submission = _transition(actor=actor, submission=submission, action="reopen", comment=reason)
    submission.values.update(review_state=ReviewState.PENDING, updated_at=timezone.now())
    refresh_for_submission(submission)
    notify_partner(submission, "reopened", reason)
    return submission


def _emit_approved(submission: Submission) -> None:
    """The initiative's webhooks hear of the approval (queued with it, sent after commit)."""
    emit(
        submission.partnership.initiative,
        events.SUBMISSION_APPROVED,
        submission_payload(submission),
    )


def bulk_approve(*, actor, submissions) -> tuple[list[Submission], dict[int, DomainError]]:
    """Approve many reports, each through ``approve_submission`` in its own transaction.

    Returns the approved reports and, per report id, the error that stopped one (a report that
    is not submitted, or an actor without the right), so one bad report does not block the rest.
    """
    approved, refused = [], {}
    for submission in submissions:
        try:
            approved.append(approve_submission(actor=actor, submission=submission))
        except DomainError as error:
            refused[submission.pk] = error
    return approved, refused


def _values_of(submission: Submission, ids) -> list[DataValue]:
    ids = list(ids)
    values = list(submission.values.filter(pk__in=ids).select_related("indicator"))
    if len(values) != len(set(ids)):
        raise DomainError("Some of these values are not in this report.", code="unknown_value")
    return values
