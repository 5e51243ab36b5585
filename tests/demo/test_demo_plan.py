"""The demo's action plan: realistic activities whose blocks, overlap and gaps the alignment
views find, built through the services, and nothing added when built again."""

import pytest

from commonground.action.models import Activity, ActivityDependency, Milestone
from commonground.action.plan.alignment import find_gaps, find_overlaps
from commonground.action.plan.health import plan_health
from commonground.core.models import AuditEvent
from commonground.demo import plan
from tests.demo.demo_accounts import Lines, demo_users

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(built_demo):
    """The whole demo with its action plan (``build_demo`` may already build the plan: then
    this second build adds nothing)."""
    initiative = built_demo.initiative
    users = demo_users()
    plan.build(initiative, users, Lines())
    return initiative, users


def by_title(initiative, title):
    return Activity.objects.get(initiative=initiative, title=title)


def test_the_demo_plan_shows_blocks_an_overlap_and_gaps(demo):
    """One build (the demo loads years of real data) for every check of what it contains."""
    initiative, users = demo
    check_partners_add_their_own_activities(initiative, users)
    check_blocked(initiative)
    check_overlap_and_gaps(initiative)


def check_partners_add_their_own_activities(initiative, users):
    tutors = by_title(initiative, "Reading tutors in K–3 classrooms")
    assert tutors.strategy.code == "k3-reading-tutors"
    assert tutors.working_group.code == "early-grades"
    event = AuditEvent.objects.get(action="activity.created", object_id=str(tutors.pk))
    assert event.actor == users["rivanna-reads.lead"]
    scholarships = by_title(initiative, "Last-dollar scholarships for first-year students")
    assert (
        AuditEvent.objects.get(action="activity.created", object_id=str(scholarships.pk)).actor
        == users["lead"]
    )
    assert Activity.objects.filter(initiative=initiative).count() == len(plan.ACTIVITIES)
    assert initiative.working_groups.get(code="early-grades").facilitator == users["facilitator"]


def check_blocked(initiative):
    """Two activities are blocked: one by a stalled activity, one by a late one."""
    health = plan_health(initiative)
    blocked = {
        Activity.objects.get(pk=pk).title: [(b.title, b.problem.kind) for b in h.blocked_by]
        for pk, h in health.items()
        if h.is_blocked
    }
    assert blocked == {
        "Reading tutors in K–3 classrooms": [
            ("Recruit and train 120 volunteer reading tutors", "stalled")
        ],
        "Nurse practitioner visits in elementary schools": [
            ("Monthly attendance data for health partners", "late")
        ],
    }


def check_overlap_and_gaps(initiative):
    [overlap] = find_overlaps(initiative)
    assert {a.title for a in overlap.activities} == {
        "Reading tutors in K–3 classrooms",
        "Reading intervention blocks, grades K–3",
    }
    assert [g.code for g in overlap.shared_groups] == ["early-grades"]
    gaps = find_gaps(initiative)
    assert [s.code for s in gaps.strategies_without_activity] == ["benefits-at-school"]
    assert [a.title for a in gaps.activities_without_goal] == ["Resident leadership course"]


def test_building_again_adds_nothing(demo):
    initiative, users = demo
    counts = (
        Activity.objects.count(),
        ActivityDependency.objects.count(),
        Milestone.objects.count(),
        AuditEvent.objects.count(),
    )
    out = Lines()
    plan.build(initiative, users, out)
    assert out.lines == [f"Action plan: {len(plan.ACTIVITIES)} activities (0 new)"]
    assert (
        Activity.objects.count(),
        ActivityDependency.objects.count(),
        Milestone.objects.count(),
        AuditEvent.objects.count(),
    ) == counts
