"""The load drill runs end to end, briefly and with few users: no request may fail.

(No time is asserted: ``make bench`` runs it for real, 50 users for 60 seconds, and prints the
figures.)
"""

import io
import json

import pytest
from django.core.management import call_command
from django.db import connection

from commonground.bench import load


@pytest.mark.skipif(
    connection.vendor == "postgresql",
    reason="the drill serves its own SQLite database: the SQLite stage runs it",
)
def test_a_short_drill_answers_every_request():
    out = io.StringIO()
    call_command("bench", only="load", users=5, seconds=3, stdout=out, stderr=io.StringIO())
    lines = out.getvalue().strip().splitlines()
    result = json.loads(lines[-1])
    assert result["bench"] == "load" and result["users"] == 5
    assert result["errors"] == 0, result
    for name in load.TARGETS:
        figures = result["targets"][name]
        assert figures["requests"] > 0 and figures["errors"] == 0, (name, figures)
        assert 0 < figures["p50_ms"] <= figures["p95_ms"] <= figures["max_ms"]
    assert "review_queue" in "\n".join(lines[:-1]) and "0 errors" in lines[-2]


def test_percentiles_are_nearest_rank():
    target = load.Target(latencies_ms=[float(n) for n in range(1, 101)])
    assert (target.percentile(50), target.percentile(95)) == (50.0, 95.0)
    assert load.Target().percentile(50) is None
    assert load.Target(latencies_ms=[7.0]).percentile(95) == 7.0
