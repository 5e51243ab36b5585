"""Two reviewers acting on the same report at the same moment (SPEC §6: no lost update).

Each reviewer is a thread with its own database connection; a barrier releases both into the
service at once, so they really collide on the report's row lock. After every race the report's
state is the one its audit trail describes, exactly one of two identical moves went through, the
rollups have no drift and the webhook log holds one announcement per approval.

PostgreSQL only: that is where two transactions run truly side by side (SQLite queues writers at
BEGIN IMMEDIATE; tests/insight/test_rollups.py has the rollup-level race).
"""

import threading
from functools import partial

import pytest
from django.db import connection

from commonground.core.errors import InvalidTransition
from commonground.core.models import AuditEvent
from commonground.insight.rollups import verify_rollups
from commonground.measurement import services
from commonground.measurement.models import ReviewState, Submission
from commonground.webhooks import services as webhooks
from commonground.webhooks.events import EVENTS
from commonground.webhooks.models import Delivery
from tests.measurement.reporting_world import build

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="PostgreSQL runs two writers side by side"
    ),
]
ROUNDS = 8
Status = Submission.Status


def race(*moves):
    """Run the moves (callables) in threads released together; each one's result or error."""
    barrier = threading.Barrier(len(moves))
    outcomes = [None] * len(moves)

    def run(index, move):
        try:
            barrier.wait()
            outcomes[index] = move()
        except Exception as error:  # the outcome under test, whatever it is
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, m)) for i, m in enumerate(moves)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def one_won(outcomes) -> Submission:
    won = [o for o in outcomes if isinstance(o, Submission)]
    lost = [o for o in outcomes if not isinstance(o, Submission)]
    assert len(won) == 1, outcomes
    assert all(isinstance(o, InvalidTransition) for o in lost), outcomes
    return won[0]


def events_of(submission, action) -> int:
    return AuditEvent.objects.filter(
        object_type="measurement.submission", object_id=str(submission.pk), action=action
    ).count()


@pytest.fixture
def reviewers(world):
    webhooks.create_webhook(
        actor=world.users["lead"],
        initiative=world.alpha,
        url="http://127.0.0.1:9/hook",
        events=list(EVENTS),
    )
    return world.users["data_manager"], world.users["lead"]


def test_approving_and_reopening_the_same_report_at_once(world, reviewers):
    first, second = reviewers
    reporting = build(world)
    report = reporting.submitted("a")
    for number in range(1, ROUNDS + 1):
        one_won(
            race(
                partial(services.approve_submission, actor=first, submission=report),
                partial(services.approve_submission, actor=second, submission=report),
            )
        )
        report.refresh_from_db()
        assert report.status == Status.APPROVED
        assert not report.values.exclude(review_state=ReviewState.APPROVED).exists()
        one_won(
            race(
                partial(services.reopen_submission, actor=first, submission=report, reason="one"),
                partial(services.reopen_submission, actor=second, submission=report, reason="two"),
            )
        )
        report.refresh_from_db()
        assert (report.status, report.revision) == (Status.REOPENED, number)
        report = services.submit_submission(actor=None, submission=report)
    # The audit trail holds every move that happened, and only those.
    assert events_of(report, "submission.approved") == ROUNDS
    assert events_of(report, "submission.reopened") == ROUNDS
    assert events_of(report, "submission.submitted") == ROUNDS + 1
    assert Delivery.objects.filter(event="submission.approved").count() == ROUNDS
    assert verify_rollups().drift == 0


def test_approve_against_reopen_leaves_the_state_its_audit_trail_describes(world, reviewers):
    first, second = reviewers
    reporting = build(world)
    report = reporting.submitted("a")
    for _ in range(ROUNDS):
        outcomes = race(
            partial(services.approve_submission, actor=first, submission=report),
            partial(services.reopen_submission, actor=second, submission=report, reason="check"),
        )
        approved, reopened = (isinstance(o, Submission) for o in outcomes)
        assert approved  # the report was submitted: approving it always succeeds
        report.refresh_from_db()
        # Reopening succeeds only when it ran after the approval had committed.
        assert report.status == (Status.REOPENED if reopened else Status.APPROVED)
        last = (
            AuditEvent.objects.filter(object_type="measurement.submission").order_by("-pk").first()
        )
        assert last.after["status"] == report.status
        if report.status == Status.APPROVED:
            report = services.reopen_submission(actor=first, submission=report, reason="again")
        report = services.submit_submission(actor=None, submission=report)
    assert events_of(report, "submission.approved") == ROUNDS
    assert Delivery.objects.filter(event="submission.approved").count() == ROUNDS
    assert report.revision == events_of(report, "submission.reopened") == ROUNDS
    assert verify_rollups().drift == 0


def test_two_reviewers_approving_different_values_lose_neither(world, reviewers):
    """Each approves half the values; whoever runs second sees none left and approves the
    report. Without the lock on the report both would see the other's half still pending."""
    first, second = reviewers
    report = build(world).submitted("b")
    ids = sorted(report.values.values_list("pk", flat=True))
    half = len(ids) // 2
    for _ in range(ROUNDS):
        race(
            partial(services.approve_values, actor=first, submission=report, value_ids=ids[:half]),
            partial(services.approve_values, actor=second, submission=report, value_ids=ids[half:]),
        )
        report.refresh_from_db()
        assert report.status == Status.APPROVED
        assert set(report.values.values_list("review_state", flat=True)) == {ReviewState.APPROVED}
        report = services.reopen_submission(actor=first, submission=report, reason="next round")
        report = services.submit_submission(actor=None, submission=report)
    for value_id in ids:  # every value's approval of every round is in the log
        assert (
            AuditEvent.objects.filter(
                object_type="measurement.datavalue",
                object_id=str(value_id),
                action="value.approved",
            ).count()
            == ROUNDS
        )
    assert events_of(report, "submission.approved") == ROUNDS
    assert Delivery.objects.filter(event="submission.approved").count() == ROUNDS
    assert verify_rollups().drift == 0
