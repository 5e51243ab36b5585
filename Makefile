# Every target calls a script in scripts/; read those for the details.
.PHONY: demo test bench lint lock vendor clean

demo:
	scripts/system-deps --runtime
	scripts/bootstrap
	.venv/bin/commonground demo --serve

test:
	scripts/system-deps
	scripts/bootstrap --test
	scripts/test

# Import and report-card speed against the raw database, on SQLite and PostgreSQL, then the load
# drill: 50 simulated users for 60 s on the report card, the approval queue and the values API of
# the demo served by gunicorn on loopback (SQLite); requests, errors, p50 and p95 per target.
# BENCH_ROWS (import, default 1,000,000), BENCH_VALUES (report card), BENCH_USERS and
# BENCH_SECONDS (load drill) run it smaller.
bench:
	scripts/system-deps
	scripts/bootstrap --test
	scripts/with-postgres env BENCH_ROWS=$${BENCH_ROWS:-1000000} .venv/bin/commonground bench --backend both

lint:
	scripts/bootstrap --test
	.venv/bin/ruff check src tests
	.venv/bin/ruff format --check src tests

# Regenerate requirements.lock and requirements-test.lock from pyproject.toml
# (UPGRADE=1 make lock moves every pin to its newest allowed version).
lock:
	scripts/lock

vendor:
	scripts/vendor-static

clean:
	rm -rf .venv var .pytest_cache .ruff_cache .hypothesis test-artifacts build frontend/node_modules src/*.egg-info
	find src tests -name __pycache__ -type d -prune -exec rm -rf {} +
