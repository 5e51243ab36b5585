"""Engagement figures on a hand-built example, worked out by hand (see each comment)."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from commonground.convening.engagement import engagement_figures
from commonground.convening.models import ActionItem, Attendance, Decision, Occurrence
from commonground.initiatives.models import Membership, Organization, Partnership, WorkingGroup
from tests.conftest import make_user
from tests.convening.decisions.helpers import local, occurrence, open_decision

pytestmark = pytest.mark.django_db
START, END, AS_OF = date(2031, 1, 1), date(2031, 3, 31), date(2031, 3, 20)


def attend(occ, world, **statuses):
    for persona, status in statuses.items():
        Attendance.objects.create(occurrence=occ, person=world.users[persona], status=status)


@pytest.fixture
def example(world):
    """Meetings of three bodies and of the whole initiative, with attendance.

    early grades (partner A's lead and reporter, partner B's reporter):
      E0 2030-12-10 (before the range)  reporter_b absent
      E1 2031-01-10  partner_lead_a present, reporter_a delegate, reporter_b absent
      E2 2031-02-10  partner_lead_a present, reporter_a excused,  reporter_b absent
      E3 2031-03-10  partner_lead_a absent,  reporter_a present,  reporter_b absent
    steering committee:
      S1 2031-01-20  steering present, partner_lead_a delegate
      S2 2031-02-20  cancelled (steering absent: not counted)
    pathways (no partner people):
      P1–P4 2031-01-05, 01-15, 01-25, 02-05  viewer A A A P; data_manager P A A A
    whole initiative:
      W1 2031-03-01  reporter_b excused, steering absent, lead present
    """
    early = WorkingGroup.objects.create(initiative=world.alpha, code="early", name="Early grades")
    steering = WorkingGroup.objects.create(
        initiative=world.alpha,
        code="steering",
        name="Steering committee",
        kind=WorkingGroup.Kind.STEERING_COMMITTEE,
    )
    pathways = WorkingGroup.objects.create(initiative=world.alpha, code="paths", name="Pathways")
    attend(occurrence(world.alpha, local(2030, 12, 10), body=early), world, reporter_b="absent")
    attend(
        occurrence(world.alpha, local(2031, 1, 10), body=early),
        world,
        partner_lead_a="present",
        reporter_a="delegate",
        reporter_b="absent",
    )
    attend(
        occurrence(world.alpha, local(2031, 2, 10), body=early),
        world,
        partner_lead_a="present",
        reporter_a="excused",
        reporter_b="absent",
    )
    attend(
        occurrence(world.alpha, local(2031, 3, 10), body=early),
        world,
        partner_lead_a="absent",
        reporter_a="present",
        reporter_b="absent",
    )
    attend(
        occurrence(world.alpha, local(2031, 1, 20), body=steering),
        world,
        steering="present",
        partner_lead_a="delegate",
    )
    attend(
        occurrence(
            world.alpha, local(2031, 2, 20), body=steering, status=Occurrence.Status.CANCELLED
        ),
        world,
        steering="absent",
    )
    for day, viewer, data_manager in [
        ((2031, 1, 5), "absent", "present"),
        ((2031, 1, 15), "absent", "absent"),
        ((2031, 1, 25), "absent", "absent"),
        ((2031, 2, 5), "present", "absent"),
    ]:
        attend(
            occurrence(world.alpha, local(*day), body=pathways),
            world,
            viewer=viewer,
            data_manager=data_manager,
        )
    attend(
        occurrence(world.alpha, local(2031, 3, 1)),
        world,
        reporter_b="excused",
        steering="absent",
        lead="present",
    )
    # Another initiative's meeting in the range changes nothing.
    attend(occurrence(world.beta, local(2031, 1, 10)), world, outsider="absent")
    return {"early": early, "steering": steering, "pathways": pathways}


def test_attendance_overall(world, example):
    figures = engagement_figures(world.alpha, START, END, as_of=AS_OF)
    # 9 meetings in the range (E1–E3, S1, P1–P4, W1; S2 cancelled, E0 before).
    assert figures.meetings == 9
    o = figures.overall
    # 22 rows: present 7, delegate 2, excused 2, absent 11.
    assert (o.expected, o.present, o.delegate, o.excused, o.absent) == (22, 7, 2, 2, 11)
    assert o.attendance_rate == Decimal("40.9")  # 9 / 22 = 40.909…
    assert o.delegate_rate == Decimal("9.1")  # 2 / 22 = 9.0909…


def test_attendance_per_partner(world, example):
    figures = engagement_figures(world.alpha, START, END, as_of=AS_OF)
    lines = {line.partnership.code: line.counts for line in figures.by_partner}
    assert [line.partnership.code for line in figures.by_partner] == ["a", "b"]
    # Partner A: its lead (E1 P, E2 P, E3 A, S1 D) and reporter (E1 D, E2 E, E3 P).
    a = lines["a"]
    assert (a.expected, a.present, a.delegate, a.excused, a.absent) == (7, 3, 2, 1, 1)
    assert a.attendance_rate == Decimal("71.4")  # 5 / 7 = 71.428…
    assert a.delegate_rate == Decimal("28.6")  # 2 / 7 = 28.571…
    # Partner B: its reporter (E1 A, E2 A, E3 A, W1 E).
    b = lines["b"]
    assert (b.expected, b.absent, b.excused) == (4, 3, 1)
    assert (b.attendance_rate, b.delegate_rate) == (Decimal("0.0"), Decimal("0.0"))


def test_attendance_per_body(world, example):
    figures = engagement_figures(world.alpha, START, END, as_of=AS_OF)
    lines = [
        (
            line.body.name if line.body else None,
            line.counts.expected,
            line.counts.attendance_rate,
            line.counts.delegate_rate,
        )
        for line in figures.by_body
    ]
    assert lines == [
        ("Early grades", 9, Decimal("44.4"), Decimal("11.1")),  # 4/9, 1/9
        ("Pathways", 8, Decimal("25.0"), Decimal("0.0")),  # 2/8
        ("Steering committee", 2, Decimal("100.0"), Decimal("50.0")),  # 2/2, 1/2
        (None, 3, Decimal("33.3"), Decimal("0.0")),  # 1/3
    ]


def test_repeated_absences(world, example):
    figures = engagement_figures(world.alpha, START, END, as_of=AS_OF)
    runs = [
        (r.person.username, r.current, r.longest, r.last_absent_on)
        for r in figures.repeated_absences
    ]
    assert runs == [
        # P1 present, then absent at P2–P4: still absent at their latest meeting.
        ("data_manager", 3, 3, date(2031, 2, 5)),
        # E1, E2 absent, W1 excused (passed over), E3 absent: three in a row.
        ("reporter_b", 3, 3, date(2031, 3, 10)),
        # Absent at P1–P3, then present at P4: the run is over.
        ("viewer", 0, 3, date(2031, 1, 25)),
    ]


def test_the_range_bounds_what_is_counted(world, example):
    # From December on, E0 adds a fourth absence in a row for reporter B.
    figures = engagement_figures(world.alpha, date(2030, 12, 1), END, as_of=AS_OF)
    run = next(r for r in figures.repeated_absences if r.person.username == "reporter_b")
    assert (run.current, run.longest) == (4, 4)
    # Only January: nobody misses three meetings of theirs in a row but the viewer.
    january = engagement_figures(world.alpha, START, date(2031, 1, 31), as_of=AS_OF)
    assert [r.person.username for r in january.repeated_absences] == ["viewer"]
    assert january.meetings == 5  # E1, S1, P1–P3


def test_decisions_taken_per_month(world):
    def decided(title, status, outcome, closed):
        decision = open_decision(world, title=title)
        Decision.objects.filter(pk=decision.pk).update(
            status=status, outcome=outcome, closed_at=closed
        )

    decided("Adopted in January", "closed", "adopted", local(2031, 1, 5))
    decided("No quorum in January", "closed", "no_quorum", local(2031, 1, 28))
    decided("Adopted in March", "closed", "adopted", local(2031, 3, 31, 23))
    decided("Withdrawn in February", "withdrawn", "", local(2031, 2, 3))
    decided("Adopted in December", "closed", "adopted", local(2030, 12, 31, 23))
    open_decision(world, title="Still open")
    figures = engagement_figures(world.alpha, START, END, as_of=AS_OF)
    assert [(m.month, m.closed, m.adopted) for m in figures.decisions_by_month] == [
        ("2031-01", 2, 1),
        ("2031-02", 0, 0),
        ("2031-03", 1, 1),
    ]
    assert (figures.decisions_closed, figures.decisions_adopted) == (3, 2)


def test_action_items_closed_on_time(world):
    meeting = occurrence(world.alpha, local(2031, 1, 2))
    zone = timezone.get_current_timezone()

    def item(due, status="open", completed=None):
        made = ActionItem.objects.create(
            initiative=world.alpha,
            title=f"Due {due}",
            owner=world.users["reporter_a"],
            due_on=due,
            occurrence=meeting,
            status=status,
            completed_at=datetime(*completed, tzinfo=zone) if completed else None,
        )
        return made

    item(date(2031, 1, 15), "done", (2031, 1, 14, 9))  # on time
    item(date(2031, 1, 15), "done", (2031, 1, 15, 23))  # on time: the same local day
    item(date(2031, 2, 1), "done", (2031, 2, 3, 9))  # late
    item(date(2031, 2, 20))  # open after its due date
    item(date(2031, 3, 19), "in_progress")  # in progress after its due date
    item(date(2031, 3, 25))  # open, not yet due on 2031-03-20
    item(date(2031, 3, 1), "cancelled")
    item(date(2031, 4, 5), "done", (2031, 3, 1, 9))  # due after the range
    figures = engagement_figures(world.alpha, START, END, as_of=AS_OF).action_items
    assert (
        figures.on_time,
        figures.late,
        figures.overdue_open,
        figures.not_yet_due,
        figures.cancelled,
    ) == (2, 1, 2, 1, 1)
    assert figures.on_time_rate == Decimal("40.0")  # 2 / (2 + 1 + 2)


def test_nothing_to_count_gives_no_rates(world):
    figures = engagement_figures(world.alpha, START, END, as_of=AS_OF)
    assert figures.meetings == 0
    assert figures.overall.attendance_rate is None
    assert figures.action_items.on_time_rate is None
    assert all(line.counts.attendance_rate is None for line in figures.by_partner)


def add_partner_with_people(world, code, body):
    org = Organization.objects.create(name=f"Partner {code}", sector="education")
    partnership = Partnership.objects.create(initiative=world.alpha, organization=org, code=code)
    meeting = occurrence(world.alpha, local(2031, 2, 1), body=body)
    for n in range(3):
        user = make_user(f"{code}-{n}", first_name=f"{code} {n}")
        Membership.objects.create(
            user=user, initiative=world.alpha, role="partner_lead", partnership=partnership
        )
        Attendance.objects.create(occurrence=meeting, person=user, status="absent")


def test_query_count_is_flat_with_more_partners(world, example):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            engagement_figures(world.alpha, START, END, as_of=AS_OF)
        return len(captured)

    before = queries()
    for code in ("c", "d", "e", "f", "g"):
        add_partner_with_people(world, code, example["early"])
    assert queries() == before
