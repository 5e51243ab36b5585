"""Loading a framework file (docs/framework-file.md): check it all, then write it all or nothing.

1. compose the YAML into nodes that remember their lines (``reader``);
2. check every section and reference, collecting every problem (``validate``);
3. check the result against the stored initiative (``conflicts``);
4. write it inside one transaction, auditing each created or changed object (``apply``).

Any problem stops the load before step 4 with a ``FrameworkError`` whose one-line message names
the file, line and field; the database is then left exactly as it was.
"""

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from commonground.initiatives.models import Initiative
from commonground.insight.rollups import refresh_indicators
from commonground.measurement.framework.apply import KINDS, apply_framework
from commonground.measurement.framework.conflicts import find_conflicts
from commonground.measurement.framework.errors import FrameworkError
from commonground.measurement.framework.reader import Reader, compose
from commonground.measurement.framework.validate import read_framework

OUTCOMES = ("created", "updated", "unchanged")


@dataclass
class LoadResult:
    """The loaded initiative and what happened to each kind of object."""

    initiative: Initiative
    counts: dict[str, Counter] = field(default_factory=dict)  # kind → {outcome: n}

    def total(self, outcome: str) -> int:
        return sum(counter[outcome] for counter in self.counts.values())

    @property
    def created(self) -> int:
        return self.total("created")

    @property
    def updated(self) -> int:
        return self.total("updated")

    @property
    def unchanged(self) -> int:
        return self.total("unchanged")

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)

    def summary(self) -> str:
        """``Loaded cradle-to-career: 12 created, 3 updated, 40 unchanged``."""
        parts = ", ".join(f"{self.total(outcome)} {outcome}" for outcome in OUTCOMES)
        return f"Loaded {self.initiative.slug}: {parts}"

    def details(self) -> str:
        """One line per kind of object that the file mentions."""
        lines = []
        for kind in KINDS:
            counter = self.counts.get(kind)
            if counter and sum(counter.values()):
                numbers = ", ".join(f"{counter[outcome]} {outcome}" for outcome in OUTCOMES)
                lines.append(f"  {kind.replace('_', ' ')}: {numbers}")
        return "\n".join(lines)


def load_framework_text(text: str, *, source: str = "framework.yaml", actor=None) -> LoadResult:
    """Create or update an initiative from framework YAML ``text``; idempotent, all or nothing.

    ``source`` names the file in error messages; ``actor`` (a user, or ``None`` for the system)
    is recorded on the audit events. Raises ``FrameworkError`` for any problem in the file.
    """
    reader = Reader()
    spec = read_framework(compose(text, source), reader)
    if reader.problems:
        raise FrameworkError.from_problems(source, reader.problems)
    with transaction.atomic():
        conflicts = find_conflicts(spec)
        if conflicts:
            raise FrameworkError.from_problems(source, conflicts)
        initiative, counts = apply_framework(spec, actor=actor)
        result = LoadResult(initiative, counts)
        if result.changed:
            # Rules, places and group members decide the aggregates: recompute them with the
            # change, in the same transaction.
            refresh_indicators(initiative.indicators.values_list("pk", flat=True))
    return result


def load_framework_file(path, *, actor=None) -> LoadResult:
    """Load the framework file at ``path`` (UTF-8, with or without a byte-order mark).

    A missing, unreadable or non-UTF-8 file raises ``FrameworkError`` like a wrong one.
    """
    source = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise FrameworkError(f"{source}: cannot read the file ({exc.strerror or exc})") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise FrameworkError.at(source, line, "the file is not UTF-8 text") from None
    return load_framework_text(text, source=source, actor=actor)
