"""The benchmark's child processes, each on the benchmark's own database.

    python -m commonground.bench.child setup FRAMEWORK_FILE
    python -m commonground.bench.child import VALUES_FILE

``setup`` creates the tables and loads the framework; ``import`` runs the values file through
the import command's path (``imports.jobs.import_file``, a real import, not a dry run) and
prints one JSON line: seconds, the job's status and counts, and the process's peak resident
memory (``VmHWM``) — the import's own, not the generator's or the baselines'. The database is
the one ``DATABASE_URL`` names; the parent sets it.
"""

import json
import os
import sys
import time
from pathlib import Path


def peak_rss_mb() -> float:
    """The process's peak resident set size, in MiB (Linux ``VmHWM``; else ``ru_maxrss``)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "commonground.settings")
    import django

    django.setup()
    step, path = argv[1], Path(argv[2])
    if step == "setup":
        from django.core.management import call_command

        from commonground.measurement.framework import load_framework_file

        call_command("migrate", verbosity=0, interactive=False)
        load_framework_file(path)
        return
    from commonground.bench.data import SLUG
    from commonground.initiatives.models import Initiative
    from commonground.measurement.imports.jobs import import_file

    initiative = Initiative.objects.get(slug=SLUG)
    start = time.perf_counter()
    job = import_file(actor=None, initiative=initiative, path=path, dry_run=False)
    seconds = time.perf_counter() - start
    result = {
        "seconds": seconds,
        "status": job.status,
        "message": job.message,
        "counts": job.counts,
        "peak_rss_mb": peak_rss_mb(),
    }
    sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main(sys.argv)
