"""Two requests of the same voter at the same moment (PostgreSQL only: SQLite queues writers
itself with BEGIN IMMEDIATE). The decision's row lock makes the second wait for the first and
then see its vote: one vote row, and one audit event per accepted change."""

import threading

import pytest
from django.db import connection, connections, transaction

from commonground.convening.models import Vote
from commonground.convening.services import decisions as services
from commonground.core.models import AuditEvent
from tests.convening.decisions.helpers import open_decision


def wait_until_someone_waits_for_a_lock():
    probe = connections.create_connection("default")
    try:
        while True:
            with probe.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE wait_event_type = 'Lock' AND datname = current_database()"
                )
                if cursor.fetchone()[0]:
                    return
    finally:
        probe.close()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("first", "second", "actions"),
    [
        ("agree", "block", ["decision.vote_cast", "decision.vote_changed"]),
        ("agree", "agree", ["decision.vote_cast"]),
    ],
)
def test_two_votes_of_one_voter_at_once(world, first, second, actions):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serializes writers itself (BEGIN IMMEDIATE)")
    decision = open_decision(world)
    voter = world.users["steering"]
    first_holds_the_lock, errors = threading.Event(), []

    def vote(choice, before_commit=None):
        try:
            with transaction.atomic():
                services.cast_vote(
                    actor=voter, decision=decision, choice=choice, reason="Said at once."
                )
                if before_commit:
                    before_commit()
        except Exception as error:  # reported by the assertion below
            errors.append(error)
        finally:
            first_holds_the_lock.set()  # never leave the test waiting, even after an error
            connection.close()

    def hold_until_the_second_waits():
        first_holds_the_lock.set()
        wait_until_someone_waits_for_a_lock()

    a = threading.Thread(target=vote, args=(first, hold_until_the_second_waits))
    a.start()
    first_holds_the_lock.wait()
    b = threading.Thread(target=vote, args=(second,))
    b.start()
    a.join()
    b.join()
    assert errors == []
    vote_row = Vote.objects.get(decision=decision)
    assert (vote_row.voter, vote_row.choice) == (voter, second)
    events = AuditEvent.objects.filter(
        object_type="convening.decision",
        object_id=str(decision.pk),
        action__startswith="decision.vote",
    ).order_by("pk")
    assert [e.action for e in events] == actions
    assert events.last().after["choice"] == second
