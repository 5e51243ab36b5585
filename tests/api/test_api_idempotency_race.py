"""Two requests with the same Idempotency-Key at the same moment: one runs, the other waits on
the key and gets its answer. PostgreSQL only, where two transactions run side by side (SQLite
queues writers at BEGIN IMMEDIATE, so there the second simply finds the stored answer)."""

import threading

import pytest
from django.db import connection

from commonground.core.models import AuditEvent
from commonground.measurement.models import DataValue

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="PostgreSQL runs two writers side by side"
    ),
]


def at_once(*calls):
    barrier = threading.Barrier(len(calls))
    answers = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            answers[index] = call()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


@pytest.mark.parametrize("round_", range(4))
def test_the_same_key_at_once_runs_once(api, round_):
    submission = api.reporting.report()

    def send():
        return api.call(
            "reporter_a",
            "post",
            f"/initiatives/alpha/submissions/{submission.pk}/values",
            {"values": [{"indicator": "kids_served", "value": 40 + round_}]},
            headers={"Idempotency-Key": f"race-{round_}"},
        )

    first, second = at_once(send, send)
    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    assert sorted(r.get("Idempotent-Replayed", "") for r in (first, second)) == ["", "true"]
    assert DataValue.objects.filter(submission=submission).count() == 1
    assert AuditEvent.objects.filter(action="value.saved").count() == 1
    assert AuditEvent.objects.filter(action="api.request").count() == 1
