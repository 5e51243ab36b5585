"""Backup and restore give back the same report card (SPEC §6 Reliability), on either backend.

The demo initiative (real data: trends, equity gaps, suppression) plus a webhook with its log and
a published edition is backed up, the database flushed (left as ``migrate`` leaves it), the backup
restored, and ``commonground reportcard --format json`` compared byte for byte, internal and public
— all but the line saying when the card was computed.
"""

import gzip
import json
import re
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError

from commonground.core.backup import tables
from commonground.core.models import AuditEvent
from commonground.demo.build import build_demo
from commonground.insight.publishing import publish_report_card
from commonground.webhooks import services
from commonground.webhooks.events import EVENTS, emit
from tests.measurement.reporting_world import build

pytestmark = pytest.mark.django_db(transaction=True)
GENERATED_AT = re.compile(rb'\n  "generated_at": "[^"]+",')


def report_card(slug: str, *extra) -> bytes:
    out = StringIO()
    call_command("reportcard", "--initiative", slug, "--format", "json", *extra, stdout=out)
    return GENERATED_AT.sub(b"", out.getvalue().encode())


def everything() -> dict[str, list]:
    """Every row of every table, by primary key."""
    return {
        model._meta.label_lower: list(model._base_manager.order_by("pk").values_list())
        for model in tables()
    }


def with_webhook_and_edition(initiative, lead):
    services.create_webhook(
        actor=lead, initiative=initiative, url="http://127.0.0.1:9/hook", events=list(EVENTS)
    )
    emit(initiative, "meeting.scheduled", {"meeting": {"id": 1, "title": "Réunion — été"}})
    publish_report_card(actor=lead, initiative=initiative)
    return initiative


@pytest.fixture
def demo():
    initiative = build_demo().initiative
    lead = initiative.memberships.get(role="backbone_lead").user
    return with_webhook_and_edition(initiative, lead)


@pytest.fixture
def small(world):
    """The test world with two approved reports: enough for the file's own checks."""
    reporting = build(world)
    reporting.approved("a")
    reporting.approved("b")
    return with_webhook_and_edition(world.alpha, world.users["lead"])


def backup(path) -> str:
    err = StringIO()
    call_command("backup", "--output", str(path), stderr=err)
    return err.getvalue()


def test_backup_then_restore_into_an_empty_database_gives_the_same_report_card(demo, tmp_path):
    cards = {extra: report_card(demo.slug, *extra) for extra in [(), ("--public",)]}
    assert b'"code"' in cards[()] and len(json.loads(cards[("--public",)])["indicators"]) > 0
    before = everything()
    events = AuditEvent.objects.count()
    path = tmp_path / "commonground.backup.jsonl.gz"
    assert "rows written to" in backup(path)

    call_command("flush", "--no-input", verbosity=0)
    assert not AuditEvent.objects.exists()
    err = StringIO()
    call_command("restore", str(path), stderr=err)
    assert f"Restored {len(tables())} tables" in err.getvalue()

    for extra, card in cards.items():
        assert report_card(demo.slug, *extra) == card
    assert AuditEvent.objects.count() == events > 100
    assert everything() == before
    # New rows continue after the restored ids (PostgreSQL sequences moved past them).
    emit(demo, "meeting.scheduled", {"meeting": {"id": 2}})
    # A second restore finds the database full and changes nothing.
    before = everything()
    with pytest.raises(CommandError, match=r"the database is not empty .* nothing was restored"):
        call_command("restore", str(path))
    assert everything() == before


def test_the_file_is_gzipped_json_lines_with_a_header_and_an_end(small, tmp_path):
    path = tmp_path / "b.jsonl.gz"
    backup(path)
    with gzip.open(path, "rt") as lines:
        header = json.loads(next(lines))
        rest = [json.loads(line) for line in lines]
    assert header["format"] == "commonground-backup" and header["version"] == 1
    assert "0001_initial" in header["migrations"]["webhooks"]
    assert rest[-1]["end"] is True
    labels = [item["table"] for item in rest if isinstance(item, dict) and "table" in item]
    assert {"core.auditevent", "webhooks.delivery", "insight.reportcardedition"} <= set(labels)
    assert rest[-1]["rows"] == sum(1 for item in rest if isinstance(item, list))


def test_an_incomplete_or_foreign_file_restores_nothing(small, tmp_path):
    path = tmp_path / "b.jsonl.gz"
    backup(path)
    with gzip.open(path, "rt") as source:
        lines = source.readlines()
    call_command("flush", "--no-input", verbosity=0)
    empty = everything()

    cut = tmp_path / "cut.jsonl.gz"
    with gzip.open(cut, "wt") as out:
        out.writelines(lines[: len(lines) // 2])
    with pytest.raises(CommandError, match="incomplete; nothing was restored"):
        call_command("restore", str(cut))
    assert everything() == empty

    header = json.loads(lines[0])
    header["migrations"]["webhooks"].append("0099_future")
    newer = tmp_path / "newer.jsonl.gz"
    with gzip.open(newer, "wt") as out:
        out.writelines([json.dumps(header) + "\n", *lines[1:]])
    with pytest.raises(
        CommandError, match="app webhooks: database at 0001_initial, backup at 0099"
    ):
        call_command("restore", str(newer))

    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(CommandError, match="not a readable backup file"):
        call_command("restore", str(tmp_path / "notes.txt"))
    with pytest.raises(CommandError, match="no such file"):
        call_command("restore", str(tmp_path / "missing.gz"))
    assert everything() == empty
    assert apps.get_model("contenttypes.contenttype").objects.exists()  # as migrate left them


def test_an_unmigrated_database_is_told_to_migrate_first(small, tmp_path, monkeypatch):
    path = tmp_path / "b.jsonl.gz"
    backup(path)
    monkeypatch.setattr("commonground.core.backup.applied_migrations", dict)
    with pytest.raises(CommandError, match="no tables yet: run 'commonground migrate' first"):
        call_command("restore", str(path))
