"""``reportcard --initiative SLUG --format FORMAT [--public] [--working-group CODE] [--output F]``.

Builds the report card document (``insight.document.build_report_card``) and renders it in one of
``FORMATS``: each format is a function taking the ``ReportCard`` and returning the file's bytes
(``json`` here; ``pdf`` and ``html`` from ``insight.outputs.pdf``). Writes to standard output,
or to ``--output FILE`` (under a temporary name, renamed when complete, so a failure never
leaves half a file).
"""

import json
import os
import sys
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from commonground.initiatives.models import Initiative
from commonground.insight.document import ReportCard, build_report_card, report_card_json


def render_json(card: ReportCard) -> bytes:
    """Every figure of the card (``report_card_json``), UTF-8, indented, keys in a fixed order."""
    return (json.dumps(report_card_json(card), indent=2, ensure_ascii=False) + "\n").encode()


def render_pdf(card: ReportCard) -> bytes:
    """The printable card (WeasyPrint; ``insight.outputs.pdf``)."""
    from commonground.insight.outputs.pdf import render_report_card_pdf

    return render_report_card_pdf(card)


def render_html(card: ReportCard) -> bytes:
    """The same card as one self-contained HTML file (``insight.outputs.pdf``)."""
    from commonground.insight.outputs.pdf import render_report_card_html

    return render_report_card_html(card).encode()


# format name → render(card) -> bytes. A new format is one more entry. The renderers import
# their libraries when called, so JSON works without WeasyPrint.
FORMATS = {"json": render_json, "pdf": render_pdf, "html": render_html}


class Command(BaseCommand):
    help = (
        "Write an initiative's community report card: every indicator's aggregated series "
        "(total and cells), trend figures, classification, equity gaps and scorecard columns. "
        "--public gives the published indicators with small-cell suppression, as the public "
        "sees them; otherwise the internal card with every indicator."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--initiative", required=True, metavar="SLUG", help="the initiative's slug"
        )
        parser.add_argument("--format", required=True, choices=sorted(FORMATS), help="output")
        parser.add_argument(
            "--public", action="store_true", help="the public card (published, suppressed)"
        )
        parser.add_argument("--working-group", metavar="CODE", help="the card of one working group")
        parser.add_argument("--output", metavar="FILE", help="write to FILE, not standard output")

    def handle(self, *args, initiative, format, public, working_group, output, **options):
        found = Initiative.objects.filter(slug=initiative).first()
        if found is None:
            raise CommandError(f"There is no initiative with the slug '{initiative}'.")
        group = None
        if working_group:
            group = found.working_groups.filter(code=working_group).first()
            if group is None:
                raise CommandError(
                    f"The initiative '{initiative}' has no working group '{working_group}'."
                )
        card = build_report_card(found, public=public, working_group=group)
        content = FORMATS[format](card)
        if output:
            _write_file(Path(output), content)
            self.stderr.write(
                f"Report card of {found.name}: {len(card.indicators)} indicators, "
                f"{format} written to {output}"
            )
        else:
            stream = getattr(self.stdout, "_out", sys.stdout)
            buffer = getattr(stream, "buffer", None)
            if buffer is not None:
                buffer.write(content)
                buffer.flush()
            else:  # a text stream (tests' StringIO)
                stream.write(content.decode())


def _write_file(path: Path, content: bytes) -> None:
    directory = path.parent if str(path.parent) else Path(".")
    try:
        handle, temporary = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.")
    except OSError as exc:
        raise CommandError(f"{path}: cannot write the file ({exc.strerror or exc})") from None
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
