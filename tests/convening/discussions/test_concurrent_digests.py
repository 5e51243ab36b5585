"""Two digest runs at the same moment send each person's digest once (SPEC §6).

Each run is a thread with its own database connection, released together by a barrier, so both
reach the person's preference row at once; its row lock lets one claim the notifications. On
SQLite writers queue at BEGIN IMMEDIATE, so the race is run on PostgreSQL only.
"""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from commonground.convening.digests import send_digests
from commonground.convening.models import Notification
from commonground.convening.notify import notify

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="PostgreSQL runs two writers side by side"
    ),
]
ROUNDS = 5


def race(count, move):
    barrier = threading.Barrier(count)
    outcomes = [None] * count

    def run(index):
        try:
            barrier.wait()
            outcomes[index] = move()
        except Exception as error:  # the outcome under test, whatever it is
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_two_runs_at_once_send_each_digest_once(world, mailoutbox):
    people = [world.users[p] for p in ("reporter_a", "reporter_b", "steering")]
    moment = timezone.now()
    for number in range(ROUNDS):
        moment += timedelta(days=8)  # every weekly digest is due again
        notify(people, initiative=world.alpha, kind="t", text=f"Round {number}")
        Notification.objects.filter(digested_at=None).update(created_at=moment - timedelta(hours=1))
        outcomes = race(2, lambda at=moment: send_digests(now=at, base_url="https://cg.test"))
        assert sum(o.sent for o in outcomes) == len(people), outcomes
        assert sum(o.failed for o in outcomes) == 0
    assert len(mailoutbox) == ROUNDS * len(people)
    assert not Notification.objects.filter(digested_at=None).exists()
