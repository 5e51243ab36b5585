"""The import benchmark runs end to end on a small file (no timing is asserted: SPEC §6)."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from commonground.bench import data, runner

KEYS = ["bench", "backend", "rows", "values_per_s", "raw_values_per_s", "ratio", "peak_rss_mb"]


def test_bench_prints_a_table_and_one_json_line_per_backend():
    out = io.StringIO()
    call_command("bench", rows=2000, backend="sqlite", only="import", stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert lines[0].split()[:2] == ["backend", "rows"]
    result = json.loads(lines[-1])
    assert list(result) == KEYS
    assert (result["bench"], result["backend"], result["rows"]) == ("import", "sqlite", 2000)
    for key in ("values_per_s", "raw_values_per_s", "ratio", "peak_rss_mb"):
        assert isinstance(result[key], int | float)
        assert result[key] > 0


def test_postgres_needs_a_server(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with pytest.raises(CommandError, match="PostgreSQL"):
        call_command("bench", rows=10, backend="postgres", only="import", stdout=io.StringIO())


def test_generated_file_shape(tmp_path):
    path = data.write_values(tmp_path / "values.csv", 2500)
    lines = path.read_text().splitlines()
    assert lines[0] == ",".join(data.HEADER)
    assert len(lines) == 2501
    partners = {line.split(",")[1] for line in lines[1:]}
    assert partners == {"p00000", "p00001", "p00002"}
    assert any(",<10," in line for line in lines)
    assert data.write_values(tmp_path / "again.csv", 2500).read_bytes() == path.read_bytes()
    framework = data.framework(2500)
    assert len(framework["partners"]) == 3
    assert len(framework["indicators"]) == 50
    assert sum(i.rows_per_partner for i in data.indicators()) == data.ROWS_PER_PARTNER


def test_measurement_json_line():
    measurement = runner.Measurement(
        backend="sqlite",
        rows=1000,
        import_seconds=2.0,
        raw_seconds={"same table": 1.0, "unique key only": 0.5},
        peak_rss_mb=80.25,
    )
    assert json.loads(measurement.json_line()) == {
        "bench": "import",
        "backend": "sqlite",
        "rows": 1000,
        "values_per_s": 500,
        "raw_values_per_s": 1000,
        "ratio": 0.5,
        "peak_rss_mb": 80.2,
    }


def test_the_command_runs_the_report_card_benchmark_too(monkeypatch):
    from commonground.bench import reportcard

    calls = []
    monkeypatch.setattr(
        reportcard,
        "run_reportcard_bench",
        lambda values, backend, log=None: calls.append((values, backend)) or {"b": backend},
    )
    monkeypatch.setattr(reportcard, "table", lambda results: "TABLE")
    monkeypatch.setattr(reportcard, "json_line", lambda result: json.dumps(result))
    out = io.StringIO()
    call_command("bench", only="reportcard", values=1234, backend="sqlite", stdout=out)
    assert calls == [(1234, "sqlite")]
    assert out.getvalue().splitlines() == ["TABLE", '{"b": "sqlite"}']
