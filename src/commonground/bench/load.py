"""The load drill (SPEC §6; the third part of ``commonground bench``): many people at once.

In a temporary folder of its own, a child process builds the demo initiative into a SQLite file,
sends ten of its approved reports back to the review queue (so the queue is not empty), and makes
one browser session and one API token per simulated user (the data manager's: they may read all
three targets). The application is then served by gunicorn on a free loopback port, and
``users`` threads — each its own person, with its own session cookie and token — request the
targets one after the other, with no pause, for ``seconds`` seconds:

* ``report_card`` — the internal report card page, ``/i/<slug>/report-card/``;
* ``review_queue`` — the approval queue, ``/i/<slug>/review/``;
* ``values_api`` — the values API, ``GET /api/v1/initiatives/<slug>/values`` (a page of 50).

Any answer other than 200, and any network error, is an error. It prints a table and one JSON
line ``{"bench": "load", "users": …, "seconds": …, "requests": …, "errors": …,
"requests_per_s": …, "targets": {name: {"requests", "errors", "p50_ms", "p95_ms", "max_ms"}}}``.

    python -m commonground.bench.load [--users 50] [--seconds 60] [--workers N]

The server and its setup are child processes with their own ``DATABASE_URL``; the application's
own database is never touched. gunicorn preloads the application warm (``load_wsgi``: views
imported, the report card's statistics computed, before the workers fork), so the minute measures
a server in its steady state, not its start. Latencies are from the client: they include waiting
for a free gunicorn worker (the machine's cores are shared by the server and the simulated users).
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

TARGETS = ("report_card", "review_queue", "values_api")
REQUEUED_REPORTS = 10
READY_SECONDS = 120


class LoadError(Exception):
    """The drill could not run (setup failed, the server did not start); one line."""


@dataclass
class Target:
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    first_error: str = ""

    @property
    def requests(self) -> int:
        return len(self.latencies_ms) + self.errors

    def percentile(self, p: float) -> float | None:
        """Nearest-rank percentile of the successful requests' latencies."""
        if not self.latencies_ms:
            return None
        ordered = sorted(self.latencies_ms)
        return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


# --- the setup, in a child process on the drill's own database -----------------------------------


def setup(users: int) -> dict:
    """Build the demo and the people; what the simulated users need (run in the child)."""
    import django

    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.urls import reverse

    from commonground.api.tokens import create_token
    from commonground.demo.build import build_demo
    from commonground.initiatives.roles import Role
    from commonground.measurement import services
    from commonground.measurement.models import Submission

    call_command("migrate", verbosity=0, interactive=False)
    initiative = build_demo().initiative
    manager = initiative.memberships.get(role=Role.DATA_MANAGER).user
    approved = Submission.objects.filter(
        partnership__initiative=initiative, status=Submission.Status.APPROVED
    ).order_by("pk")[:REQUEUED_REPORTS]
    for report in approved:
        report = services.reopen_submission(actor=manager, submission=report, reason="Load drill")
        services.submit_submission(actor=None, submission=report)
    sessions, tokens = [], []
    for number in range(users):
        session = SessionStore()  # what logging in stores, without hashing the password 50 times
        session[SESSION_KEY] = str(manager.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = manager.get_session_auth_hash()
        session.create()
        sessions.append(session.session_key)
        tokens.append(create_token(actor=manager, initiative=initiative, name=f"Load {number}")[1])
    slug = initiative.slug
    return {
        "slug": slug,
        "paths": {
            "report_card": reverse("report_card", args=[slug]),
            "review_queue": reverse("review_queue", args=[slug]),
            "values_api": f"/api/v1/initiatives/{slug}/values",
        },
        "sessions": sessions,
        "tokens": tokens,
    }


# --- the drill ----------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _environment(folder: Path) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'load.sqlite3'}",
        "COMMONGROUND_VAR_DIR": str(folder / "var"),
        "COMMONGROUND_ENV": "development",
        "DEBUG": "false",  # as served in production: no query log, no debug pages
        "DJANGO_SETTINGS_MODULE": "commonground.settings",
    }


def _wait_until_ready(port: int, server: subprocess.Popen, log_file: Path) -> None:
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            tail = log_file.read_text(errors="replace").strip().splitlines()[-1:] or ["?"]
            raise LoadError(f"the server stopped at start: {tail[0]}")
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            connection.request("GET", "/accounts/login/")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        finally:
            connection.close()
        time.sleep(0.2)
    raise LoadError(f"the server did not answer within {READY_SECONDS} s")


def _user(number, port, people, deadline, results, lock):
    """One simulated person: the three targets in turn, as fast as the server answers."""
    cookie = f"sessionid={people['sessions'][number]}"
    bearer = f"Bearer {people['tokens'][number]}"
    mine = {name: Target() for name in TARGETS}
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    turn = number  # users start on different targets
    while time.monotonic() < deadline:
        name = TARGETS[turn % len(TARGETS)]
        turn += 1
        headers = {"Authorization": bearer} if name == "values_api" else {"Cookie": cookie}
        start = time.perf_counter()
        try:
            connection.request("GET", people["paths"][name], headers=headers)
            response = connection.getresponse()
            response.read()
            status = response.status
        except (OSError, http.client.HTTPException) as problem:
            connection.close()  # reconnects at the next request
            status, detail = None, f"{type(problem).__name__}: {problem}"
        else:
            detail = f"HTTP {status}"
        elapsed = (time.perf_counter() - start) * 1000
        if status == 200:
            mine[name].latencies_ms.append(elapsed)
        else:
            mine[name].errors += 1
            mine[name].first_error = mine[name].first_error or detail
    connection.close()
    with lock:
        for name, target in mine.items():
            results[name].latencies_ms += target.latencies_ms
            results[name].errors += target.errors
            results[name].first_error = results[name].first_error or target.first_error


def run_load(users: int = 50, seconds: float = 60, *, workers: int | None = None, log=None) -> dict:
    """Run the drill; the figures (see the module's docstring)."""
    log = log or (lambda text: None)
    workers = workers or 2 * (os.cpu_count() or 1) + 1
    with tempfile.TemporaryDirectory(prefix="commonground-load-") as folder:
        folder = Path(folder)
        env = _environment(folder)
        start = time.perf_counter()
        built = subprocess.run(  # noqa: S603
            [sys.executable, "-m", "commonground.bench.load", "--setup", str(users)],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if built.returncode != 0:
            last = (built.stderr.strip().splitlines() or ["(no output)"])[-1]
            raise LoadError(f"the setup failed: {last}")
        people = json.loads(built.stdout.strip().splitlines()[-1])
        log(f"load: demo, {users} sessions and tokens ready in {time.perf_counter() - start:.1f} s")
        env["COMMONGROUND_WARM_INITIATIVE"] = people["slug"]
        port = _free_port()
        log_file = folder / "gunicorn.log"
        with log_file.open("w") as server_log:
            server = subprocess.Popen(  # noqa: S603
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "commonground.bench.load_wsgi:application",
                    f"--bind=127.0.0.1:{port}",
                    f"--workers={workers}",
                    "--timeout=120",
                    "--backlog=2048",
                    "--preload",  # import the application once, before the workers fork
                    "--no-control-socket",  # several servers may run side by side
                ],
                env=env,
                stdout=server_log,
                stderr=subprocess.STDOUT,
            )
            try:
                _wait_until_ready(port, server, log_file)
                log(
                    f"load: gunicorn ({workers} workers) on 127.0.0.1:{port}; {users} users for "
                    f"{seconds:g} s"
                )
                results = _drive(users, seconds, port, people)
            finally:
                server.send_signal(signal.SIGINT)  # quick shutdown: the users are done
                try:
                    server.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    server.kill()
                    server.wait()
    return summary(results, users=users, seconds=seconds, workers=workers)


def _drive(users, seconds, port, people) -> dict[str, Target]:
    results = {name: Target() for name in TARGETS}
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    threads = [
        threading.Thread(target=_user, args=(n, port, people, deadline, results, lock))
        for n in range(users)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def summary(results: dict[str, Target], *, users: int, seconds: float, workers: int) -> dict:
    def rounded(value):
        return None if value is None else round(value, 1)

    targets = {
        name: {
            "requests": target.requests,
            "errors": target.errors,
            "p50_ms": rounded(target.percentile(50)),
            "p95_ms": rounded(target.percentile(95)),
            "max_ms": rounded(max(target.latencies_ms, default=None)),
            "first_error": target.first_error,
        }
        for name, target in results.items()
    }
    requests = sum(t["requests"] for t in targets.values())
    return {
        "users": users,
        "seconds": seconds,
        "workers": workers,
        "requests": requests,
        "errors": sum(t["errors"] for t in targets.values()),
        "requests_per_s": round(requests / seconds, 1),
        "targets": targets,
    }


def table(result: dict) -> str:
    header = ("target", "requests", "errors", "p50 ms", "p95 ms", "max ms")
    lines = [
        (
            name,
            f"{t['requests']:,}",
            f"{t['errors']:,}",
            "—" if t["p50_ms"] is None else f"{t['p50_ms']:,.0f}",
            "—" if t["p95_ms"] is None else f"{t['p95_ms']:,.0f}",
            "—" if t["max_ms"] is None else f"{t['max_ms']:,.0f}",
        )
        for name, t in result["targets"].items()
    ]
    widths = [max(len(row[i]) for row in [header, *lines]) for i in range(len(header))]
    rendered = [
        "  ".join(cell.rjust(width) for cell, width in zip(row, widths, strict=True))
        for row in [header, *lines]
    ]
    rendered.insert(1, "  ".join("-" * width for width in widths))
    rendered.append(
        f"{result['users']} users, {result['seconds']:g} s, {result['workers']} gunicorn workers: "
        f"{result['requests']:,} requests ({result['requests_per_s']:,.1f}/s), "
        f"{result['errors']:,} errors"
    )
    return "\n".join(rendered)


def json_line(result: dict) -> str:
    targets = {
        name: {k: v for k, v in figures.items() if k != "first_error"}
        for name, figures in result["targets"].items()
    }
    return json.dumps({"bench": "load", **{**result, "targets": targets}})


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--setup", type=int, metavar="USERS", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.setup is not None:  # the child's part
        sys.stdout.write(json.dumps(setup(args.setup)) + "\n")
        return
    try:
        result = run_load(args.users, args.seconds, workers=args.workers, log=print)
    except LoadError as problem:
        sys.exit(f"load drill: {problem}")
    print(table(result))
    print(json_line(result))


if __name__ == "__main__":
    main()
