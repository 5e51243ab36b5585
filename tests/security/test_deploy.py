"""Production settings: ``check --deploy`` is clean, cookies and headers are hardened."""

import json
import os
import subprocess
import sys

PRODUCTION = {
    "COMMONGROUND_ENV": "production",
    "SECRET_KEY": "x7#Lq9!vR2@mW5$zT8^nB3&kD6*hJ1(pF4)sG0-yC-uE_aI=oU+eY~rN<tM>wQ",
    "ALLOWED_HOSTS": "commonground.example.org",
    "DJANGO_SETTINGS_MODULE": "commonground.settings",
}


def run(args, tmp_path, **extra):
    # A clean production environment: not the test run's secret or database, nor the flag the
    # browser tests set so Playwright's event loop may use the database (tests/browser).
    unset = {"SECRET_KEY", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in unset}
    env.update(PRODUCTION, COMMONGROUND_VAR_DIR=str(tmp_path), **extra)
    return subprocess.run(  # noqa: S603
        [sys.executable, *args], env=env, capture_output=True, text=True, check=False
    )


def settings_in_production(tmp_path, **extra) -> dict:
    names = [
        "DEBUG",
        "SESSION_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "SESSION_COOKIE_SAMESITE",
        "SESSION_COOKIE_NAME",
        "CSRF_COOKIE_SECURE",
        "CSRF_COOKIE_HTTPONLY",
        "CSRF_COOKIE_NAME",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_PROXY_SSL_HEADER",
        "WEBHOOK_ALLOW_PRIVATE_ADDRESSES",
    ]
    code = (
        "import json, django; from django.conf import settings; django.setup(); "
        f"print(json.dumps({{n: getattr(settings, n, None) for n in {names!r}}}))"
    )
    done = run(["-c", code], tmp_path, **extra)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    done = run(["-m", "django", "check", "--deploy", "--fail-level", "WARNING"], tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues (0 silenced)." in done.stdout


def test_production_cookies_and_transport(tmp_path):
    found = settings_in_production(tmp_path)
    assert found["DEBUG"] is False
    assert found["SESSION_COOKIE_SECURE"] and found["CSRF_COOKIE_SECURE"]
    assert found["SESSION_COOKIE_HTTPONLY"] and found["CSRF_COOKIE_HTTPONLY"]
    assert found["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert found["SESSION_COOKIE_NAME"] == "__Host-sessionid"
    assert found["CSRF_COOKIE_NAME"] == "__Host-csrftoken"
    assert found["SECURE_SSL_REDIRECT"] is True
    assert found["SECURE_HSTS_SECONDS"] >= 31536000 and found["SECURE_HSTS_INCLUDE_SUBDOMAINS"]
    # No proxy header is trusted unless one is named; webhooks go to public addresses only.
    assert found["SECURE_PROXY_SSL_HEADER"] is None
    assert found["WEBHOOK_ALLOW_PRIVATE_ADDRESSES"] is False


def test_the_proxy_header_is_trusted_only_when_named(tmp_path):
    found = settings_in_production(tmp_path, PROXY_SSL_HEADER="X-Forwarded-Proto")
    assert found["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_cookies_are_http_only_and_same_site(world, client):
    from tests.conftest import PASSWORD

    response = client.post("/accounts/login/", {"username": "lead", "password": PASSWORD})
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["httponly"] and session["samesite"] == "Lax"
    page = client.get("/accounts/login/")
    csrf = client.cookies.get("csrftoken") or page.cookies.get("csrftoken")
    assert csrf is None or (csrf["httponly"] and csrf["samesite"] == "Lax")


def test_security_headers_on_every_answer(world, client):
    response = client.get("/accounts/login/")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
