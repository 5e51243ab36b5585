"""The ``commonground`` console script: Django's management commands under friendlier names.

``commonground load-framework FILE`` runs the ``load_framework`` command, and so on; any other
Django command works too (``commonground migrate``).
"""

import os
import sys

USAGE = """usage: commonground COMMAND [options]

Commands:
  serve               serve the web application (gunicorn)
  worker              run background tasks (imports, e-mails, reminders)
  demo                build the demo initiative from the real data; --serve to serve it
  load-framework      create or update an initiative from a framework YAML file
  export-framework    write an initiative's registry as a framework YAML file
  import              import a values file (CSV, XLSX) or DHIS2 dataValueSet (JSON, CSV)
  export              export approved data as CSV, XLSX or DHIS2 JSON
  send-reminders      e-mail reminders: reports due or overdue, action items due or overdue,
                      decisions to review (run daily)
  send-digests        e-mail each person a digest of their notifications, daily or weekly
                      (run daily)
  send-console-summary
                      e-mail each backbone lead the backbone console's figures (run weekly)
  reportcard          the report card as JSON, HTML or PDF
  verify-rollups      recompute the rollups from raw values and report any drift
  backup              write the whole database to one file (consistent snapshot, gzipped JSON lines)
  restore             load a backup into a new, migrated database (all or nothing)
  bench               measure import and report-card speed against the raw database
  migrate             create or update the database tables

Run "commonground COMMAND --help" for a command's options.
"""


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "commonground.settings")
    if len(argv) < 2 or argv[1] in {"-h", "--help", "help"}:
        sys.stdout.write(USAGE)
        return
    command = argv[1].replace("-", "_")
    from django.core.management import execute_from_command_line

    execute_from_command_line([argv[0], command, *argv[2:]])


if __name__ == "__main__":
    main()
