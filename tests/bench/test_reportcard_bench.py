"""The report card benchmark runs end to end on a small SQLite initiative (no timing asserted)."""

import json

from commonground.bench.reportcard import (
    JSON_FIELDS,
    json_line,
    partners_for,
    run_reportcard_bench,
    table,
)


def test_partners_scale_with_values():
    assert partners_for(10_000_000) == 1000
    assert partners_for(20_000) == 2
    assert partners_for(10) == 1


def test_small_run_reports_every_field():
    lines = []
    result = run_reportcard_bench(20_000, "sqlite", log=lines.append)
    assert result["values"] == 20_000 and result["partners"] == 2
    assert result["rollups"] == 50 * 20 * (10 + 1)  # every cell and the coverage row
    for name in ("reportcard_ms", "raw_sql_ms", "duckdb_ms", "public_reportcard_ms"):
        assert result[name] > 0
    line = json.loads(json_line(result))
    assert tuple(line) == JSON_FIELDS
    assert line["bench"] == "reportcard" and line["backend"] == "sqlite"
    assert "raw SQL ÷ card" in table([result])
    assert any("rollups computed" in text for text in lines)
