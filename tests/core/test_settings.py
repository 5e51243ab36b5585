"""Settings come from the environment; production refuses to start without a secret key."""

import os
import subprocess
import sys


def import_settings(**env):
    environment = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DATABASE_URL"}}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import commonground.settings as s; print(s.DATABASES)"],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = import_settings(COMMONGROUND_ENV="production")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_starts_with_a_secret_key_and_postgres_url(tmp_path):
    result = import_settings(
        COMMONGROUND_ENV="production",
        SECRET_KEY="x" * 50,
        DATABASE_URL="postgres://user:pw@db.example:5432/cg",
        COMMONGROUND_VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    assert "django.db.backends.postgresql" in result.stdout
    assert "db.example" in result.stdout


def test_development_defaults_to_sqlite_in_wal_mode(tmp_path):
    result = import_settings(COMMONGROUND_VAR_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert str(tmp_path / "commonground.sqlite3") in result.stdout
    assert "journal_mode=WAL" in result.stdout
