"""The demo's common agenda: two adopted versions that differ, signatures on both, and nothing
added by a second run."""

import pytest

from commonground.action.agenda.charter import charter_overview
from commonground.action.agenda.content import document_of
from commonground.action.agenda.diff import compare
from commonground.action.models import AgendaVersion, CharterSignature, Goal, Strategy
from commonground.core.models import AuditEvent
from commonground.demo import agenda
from commonground.measurement.framework import load_framework_file
from tests.demo.demo_accounts import Lines, demo_users

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(built_demo):
    result = built_demo
    users = demo_users()
    agenda.build(result.initiative, users, Lines())  # a no-op if build_demo already built it
    return result.initiative, users


def test_two_versions_adopted_one_after_the_other_with_a_readable_difference(demo):
    initiative, _users = demo
    v1, v2 = AgendaVersion.objects.filter(initiative=initiative).order_by("number")
    assert (v1.status, v2.status) == ("superseded", "adopted")
    assert all(v.decisions.get().outcome == "adopted" for v in (v1, v2))
    diff = compare(document_of(v1), document_of(v2), {})
    assert [g["code"] for g in diff.goals.added] == ["attend-every-day"]
    assert {s.code for s in diff.strategies.changed} == {"summer-learning"}
    assert [t.label for t in diff.texts if t.changed] == [
        "Our vision",
        "Principles",
        "How we evaluate",
    ]
    assert len(v2.content["goals"]) == Goal.objects.filter(initiative=initiative).count() == 6
    assert Strategy.objects.filter(initiative=initiative, is_retired=False).count() == 10


def test_most_partners_signed_again_and_two_have_not(demo):
    initiative, users = demo
    adopted = AgendaVersion.objects.get(initiative=initiative, status="adopted")
    overview = charter_overview(initiative, adopted)
    states = {p.partnership.code: p.state for p in overview.partners}
    assert states == {
        "acps": "signed",
        "ccs": "signed",
        "rivanna-reads": "signed",
        "bluebird-health": "signed",
        "cardinal-fund": "signed",
        "hilltop-mentors": "not_resigned",
        "neighbors-table": "not_resigned",
    }
    acps = CharterSignature.objects.get(partnership__code="acps", agenda_version=adopted)
    assert acps.signed_by == users["acps.lead"]
    assert acps.data_indicators.count() == 10  # every indicator it reports


def test_a_second_run_adds_nothing(demo):
    initiative, users = demo
    events = AuditEvent.objects.count()
    assert not load_framework_file(agenda.FRAMEWORK_FILE).changed  # goals as in version 2
    out = Lines()
    agenda.build(initiative, users, out)
    assert AuditEvent.objects.count() == events
    assert out.lines == [
        "  charter: 0 new signatures on version 2",
    ]
