"""The meeting services: each change checked, audited and told; each refusal changes nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from commonground.convening.meetings import (
    WEEKDAYS,
    describe_rule,
    instances_between,
    rule_starts,
)
from commonground.convening.models import AgendaItem, Attendance, Meeting, Notification, Occurrence
from commonground.convening.services import meetings as services
from commonground.convening.services.meetings import AgendaEntry, AttendanceEntry, MeetingData
from commonground.core.errors import DomainError, PermissionDenied
from commonground.core.models import AuditEvent
from commonground.initiatives.models import WorkingGroup
from commonground.measurement.models import Indicator
from tests.convening.meetings.helpers import NEW_YORK, schedule, weekly_rule, weeks_from_now

Status = Attendance.Status


def indicator(initiative, code="grad"):
    return Indicator.objects.create(
        initiative=initiative,
        code=code,
        name="Graduation",
        value_type="count",
        aggregation="sum",
        frequency="annual",
    )


def state():
    """Everything the services write, to compare before and after a refusal."""
    return (
        list(Meeting.objects.values()),
        list(Occurrence.objects.values()),
        list(AgendaItem.objects.values()),
        list(Attendance.objects.values()),
        AuditEvent.objects.count(),
        Notification.objects.count(),
    )


# --- scheduling ----------------------------------------------------------------------------------


def test_schedule_a_recurring_meeting(world, network):
    meeting = schedule(world, body=network, weekly=True, actor="facilitator")
    assert meeting.recurrence.startswith("FREQ=WEEKLY;BYDAY=")
    assert meeting.starts_at.tzinfo is not None
    event = AuditEvent.objects.get(action="meeting.scheduled")
    assert event.after["title"] == "Network meeting" and event.actor == world.users["facilitator"]
    told = set(Notification.objects.values_list("recipient__username", flat=True))
    assert told == {"partner_lead_a", "reporter_a", "reporter_b", "steering"}


START = weeks_from_now(1)


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"title": "  "}, "title_required"),
        ({"timezone": "Mars/Olympus"}, "unknown_timezone"),
        ({"starts_at": START.replace(tzinfo=None)}, "naive_start"),
        ({"duration_minutes": 2}, "bad_duration"),
        ({"online_url": "javascript:alert(1)"}, "bad_link"),
        ({"recurrence": "FREQ=MINUTELY"}, "rule_too_frequent"),
        (
            {"recurrence": f"FREQ=WEEKLY;BYDAY={WEEKDAYS[(START.weekday() + 1) % 7]}"},
            "rule_not_synchronized",
        ),
    ],
)
def test_bad_meetings_are_refused_and_nothing_is_written(world, change, code):
    before = state()
    data = MeetingData(**{"title": "Assembly", "starts_at": START, **change})
    with pytest.raises(DomainError) as refused:
        services.schedule_meeting(actor=world.users["lead"], initiative=world.alpha, data=data)
    assert refused.value.code == code
    assert state() == before


def test_a_body_of_another_initiative_is_refused(world):
    theirs = WorkingGroup.objects.create(initiative=world.beta, code="c", name="Beta group")
    with pytest.raises(DomainError) as refused:
        schedule(world, body=theirs, actor="lead")
    assert refused.value.code == "unknown_body"
    assert not Meeting.objects.exists()


def test_who_may_schedule(world, network):
    other = WorkingGroup.objects.create(initiative=world.alpha, code="jobs", name="Jobs")
    for persona in ("reporter_a", "steering", "viewer", "outsider"):
        with pytest.raises(PermissionDenied):
            schedule(world, body=network, actor=persona)
    # The network's facilitator runs its meetings, but not the others' nor the initiative's.
    assert schedule(world, body=network, actor="partner_lead_a").body == network
    for body in (other, None):
        with pytest.raises(PermissionDenied):
            schedule(world, body=body, actor="partner_lead_a")
    assert schedule(world, body=None, actor=None).created_by is None  # the system may


# --- changing the series -------------------------------------------------------------------------


def data_of(meeting, **changes) -> MeetingData:
    fields = {
        name: getattr(meeting, name)
        for name in (
            "title",
            "starts_at",
            "timezone",
            "duration_minutes",
            "recurrence",
            "body",
            "description",
            "location",
            "online_url",
            "is_open",
        )
    }
    return MeetingData(**{**fields, **changes})


def test_update_without_new_times_bumps_the_sequence(world):
    meeting = schedule(world, weekly=True)
    changed = services.update_meeting(
        actor=world.users["lead"], meeting=meeting, data=data_of(meeting, location="Library")
    )
    assert changed.pk == meeting.pk and changed.sequence == 1 and changed.location == "Library"
    event = AuditEvent.objects.get(action="meeting.updated")
    assert event.before["location"] == "" and event.after["location"] == "Library"


def test_new_times_of_a_series_not_yet_met_carry_its_agendas(world):
    start = weeks_from_now(2)
    meeting = schedule(world, starts_at=start, weekly=True)
    actor = world.users["facilitator"]
    second = start + timedelta(weeks=1)
    services.save_agenda(
        actor=actor, meeting=meeting, original_start=second, entries=[AgendaEntry("Welcome", 5)]
    )
    later = start.replace(hour=19)
    changed = services.update_meeting(
        actor=actor,
        meeting=meeting,
        data=data_of(meeting, starts_at=later, recurrence=weekly_rule(later)),
    )
    assert changed.pk == meeting.pk
    row = Occurrence.objects.get()
    assert row.original_start == row.starts_at == second.replace(hour=19)
    assert row.items.get().title == "Welcome"


def test_new_times_of_a_series_that_has_met_start_a_new_series(world):
    start = weeks_from_now(-3)
    meeting = schedule(world, starts_at=start, weekly=True)
    actor = world.users["facilitator"]
    past = start + timedelta(weeks=1)
    future = start + timedelta(weeks=5)
    for moment in (past, future):
        services.save_agenda(
            actor=actor, meeting=meeting, original_start=moment, entries=[AgendaEntry("Data", 20)]
        )
    # From next week on, the meeting is on the following day at 17:00.
    new_start = (start + timedelta(weeks=4, days=1)).replace(hour=17)
    successor = services.update_meeting(
        actor=actor,
        meeting=meeting,
        data=data_of(meeting, starts_at=new_start, recurrence=weekly_rule(new_start)),
    )
    meeting.refresh_from_db()
    assert successor.pk != meeting.pk
    last_past = rule_starts(meeting, start, timezone.now())[-1]
    assert meeting.recurrence.endswith(f"UNTIL={last_past:%Y%m%dT%H%M%SZ}")
    last_day = last_past.astimezone(NEW_YORK)
    assert (
        describe_rule(meeting)
        == f"Every week on {last_day:%A}, until {last_day.day} {last_day:%B %Y}"
    )
    assert meeting.sequence == 1
    # The past meeting keeps its agenda in the old series...
    assert Occurrence.objects.get(meeting=meeting).original_start == past
    # ... and the future one follows to the new series: the next day, at 17:00.
    moved = Occurrence.objects.get(meeting=successor)
    assert moved.original_start == (future + timedelta(days=1)).replace(hour=17)
    assert {e.action for e in AuditEvent.objects.filter(action__startswith="meeting.")} >= {
        "meeting.ended",
        "meeting.scheduled",
    }


def test_new_times_in_the_past_of_a_series_that_has_met_are_refused(world):
    meeting = schedule(world, weekly=True)
    before = state()
    with pytest.raises(DomainError) as refused:
        services.update_meeting(
            actor=world.users["lead"],
            meeting=meeting,
            data=data_of(meeting, starts_at=meeting.starts_at.replace(hour=9)),
        )
    assert refused.value.code == "start_in_past"
    assert state() == before


def test_new_times_that_drop_a_meeting_with_a_record_are_refused(world):
    start = weeks_from_now(1)
    meeting = schedule(world, starts_at=start, weekly=True)
    actor = world.users["lead"]
    services.save_agenda(
        actor=actor, meeting=meeting, original_start=start, entries=[AgendaEntry("Kick-off", 30)]
    )
    before = state()
    # Every other week from a week later: the first meeting's day is dropped.
    later = start + timedelta(weeks=1)
    with pytest.raises(DomainError) as refused:
        services.update_meeting(
            actor=actor,
            meeting=meeting,
            data=data_of(meeting, starts_at=later, recurrence=weekly_rule(later, 2)),
        )
    assert refused.value.code == "instances_stranded"
    assert state() == before


# --- one instance --------------------------------------------------------------------------------


def test_cancel_restore_and_move(world, network):
    meeting = schedule(world, body=network, weekly=True, starts_at=weeks_from_now(1))
    actor = world.users["partner_lead_a"]
    first = meeting.starts_at
    services.cancel_occurrence(actor=actor, meeting=meeting, original_start=first)
    with pytest.raises(DomainError) as refused:
        services.cancel_occurrence(actor=actor, meeting=meeting, original_start=first)
    assert refused.value.code == "cancelled"
    services.restore_occurrence(actor=actor, meeting=meeting, original_start=first)
    services.move_occurrence(
        actor=actor, meeting=meeting, original_start=first, starts_at=first + timedelta(hours=2)
    )
    meeting.refresh_from_db()
    assert meeting.sequence == 3
    actions = list(
        AuditEvent.objects.filter(action__startswith="meeting.occurrence")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "meeting.occurrence_cancelled",
        "meeting.occurrence_restored",
        "meeting.occurrence_moved",
    ]
    assert Notification.objects.filter(kind="meeting_cancelled").count() == 3  # not the actor


def test_a_move_onto_another_meeting_of_the_series_is_refused(world):
    meeting = schedule(world, weekly=True, starts_at=weeks_from_now(1))
    before = state()
    with pytest.raises(DomainError) as refused:
        services.move_occurrence(
            actor=world.users["lead"],
            meeting=meeting,
            original_start=meeting.starts_at,
            starts_at=meeting.starts_at + timedelta(weeks=1),
        )
    assert refused.value.code == "clash"
    assert state() == before


def test_a_meeting_that_took_place_cannot_be_cancelled(world, network):
    meeting = schedule(world, body=network)
    actor = world.users["lead"]
    services.record_attendance(
        actor=actor,
        meeting=meeting,
        original_start=meeting.starts_at,
        entries=[AttendanceEntry(world.users["steering"], Status.PRESENT)],
    )
    with pytest.raises(DomainError) as refused:
        services.cancel_occurrence(actor=actor, meeting=meeting, original_start=meeting.starts_at)
    assert refused.value.code == "took_place"


# --- agenda --------------------------------------------------------------------------------------


def test_save_agenda_replaces_the_items_in_order(world):
    meeting = schedule(world, starts_at=weeks_from_now(1))
    grad = indicator(world.alpha)
    actor = world.users["facilitator"]
    entries = [
        AgendaEntry("Welcome", 5),
        AgendaEntry("Graduation data", 25, presenter=world.users["data_manager"], indicator=grad),
    ]
    row = services.save_agenda(
        actor=actor, meeting=meeting, original_start=meeting.starts_at, entries=entries
    )
    assert [(i.position, i.title, i.indicator) for i in row.items.all()] == [
        (1, "Welcome", None),
        (2, "Graduation data", grad),
    ]
    services.save_agenda(
        actor=actor,
        meeting=meeting,
        original_start=meeting.starts_at,
        entries=[AgendaEntry("Only item", 60)],
    )
    assert list(row.items.values_list("title", flat=True)) == ["Only item"]
    event = AuditEvent.objects.filter(action="meeting.agenda_saved").order_by("pk").last()
    assert [i["title"] for i in event.before["items"]] == ["Welcome", "Graduation data"]


@pytest.mark.parametrize(
    ("entry", "code"),
    [
        (lambda w: AgendaEntry(" ", 5), "item_title_required"),
        (lambda w: AgendaEntry("Long", 0), "item_bad_minutes"),
        (lambda w: AgendaEntry("Talk", 5, presenter=w.users["outsider"]), "item_unknown_presenter"),
        (lambda w: AgendaEntry("Theirs", 5, indicator=indicator(w.beta, "x")), "item_unknown_link"),
    ],
)
def test_bad_agenda_items_are_refused(world, entry, code):
    meeting = schedule(world, starts_at=weeks_from_now(1))
    entry = entry(world)
    before = state()
    with pytest.raises(DomainError) as refused:
        services.save_agenda(
            actor=world.users["lead"],
            meeting=meeting,
            original_start=meeting.starts_at,
            entries=[AgendaEntry("Fine", 5), entry],
        )
    assert refused.value.code == code
    assert state() == before


def test_agenda_of_a_cancelled_meeting_is_refused(world):
    meeting = schedule(world, starts_at=weeks_from_now(1))
    actor = world.users["lead"]
    services.cancel_occurrence(actor=actor, meeting=meeting, original_start=meeting.starts_at)
    with pytest.raises(DomainError) as refused:
        services.save_agenda(
            actor=actor,
            meeting=meeting,
            original_start=meeting.starts_at,
            entries=[AgendaEntry("x", 5)],
        )
    assert refused.value.code == "cancelled"


# --- attendance ----------------------------------------------------------------------------------


def test_record_attendance_with_delegates(world, network):
    meeting = schedule(world, body=network)
    users = world.users
    row = services.record_attendance(
        actor=users["partner_lead_a"],
        meeting=meeting,
        original_start=meeting.starts_at,
        entries=[
            AttendanceEntry(users["partner_lead_a"], Status.PRESENT),
            AttendanceEntry(users["reporter_a"], Status.DELEGATE, delegate=users["data_manager"]),
            AttendanceEntry(users["reporter_b"], Status.DELEGATE, delegate_name="Kim Doe"),
            AttendanceEntry(users["steering"], Status.ABSENT),
        ],
    )
    records = {a.person.username: a for a in row.attendance.select_related("person")}
    assert records["reporter_a"].delegate == users["data_manager"]
    assert records["reporter_b"].delegate_name == "Kim Doe"
    assert records["steering"].status == Status.ABSENT
    event = AuditEvent.objects.get(action="meeting.attendance_recorded")
    assert event.after[str(users["reporter_b"].pk)]["delegate_name"] == "Kim Doe"
    # An empty status removes a record; the rest stay.
    services.record_attendance(
        actor=users["lead"],
        meeting=meeting,
        original_start=meeting.starts_at,
        entries=[AttendanceEntry(users["steering"], "")],
    )
    assert row.attendance.count() == 3


@pytest.mark.parametrize(
    ("entry", "code"),
    [
        (lambda u: AttendanceEntry(u["viewer"], Status.PRESENT), "not_expected"),
        (lambda u: AttendanceEntry(u["steering"], "late"), "bad_status"),
        (lambda u: AttendanceEntry(u["steering"], Status.DELEGATE), "delegate_required"),
        (
            lambda u: AttendanceEntry(u["steering"], Status.DELEGATE, delegate=u["steering"]),
            "delegate_is_principal",
        ),
        (
            lambda u: AttendanceEntry(u["steering"], Status.DELEGATE, delegate=u["reporter_a"]),
            "delegate_expected",
        ),
        (
            lambda u: AttendanceEntry(u["steering"], Status.DELEGATE, delegate=u["outsider"]),
            "delegate_not_member",
        ),
        (
            lambda u: AttendanceEntry(u["steering"], Status.PRESENT, delegate_name="Kim"),
            "delegate_without_status",
        ),
    ],
)
def test_bad_attendance_is_refused(world, network, entry, code):
    meeting = schedule(world, body=network)
    before = state()
    with pytest.raises(DomainError) as refused:
        services.record_attendance(
            actor=world.users["lead"],
            meeting=meeting,
            original_start=meeting.starts_at,
            entries=[
                AttendanceEntry(world.users["reporter_a"], Status.PRESENT),
                entry(world.users),
            ],
        )
    assert refused.value.code == code
    assert state() == before


def test_before_a_meeting_only_excuses_are_taken(world, network):
    meeting = schedule(world, body=network, starts_at=weeks_from_now(1))
    steering = world.users["steering"]
    common = {"actor": world.users["lead"], "meeting": meeting, "original_start": meeting.starts_at}
    services.record_attendance(**common, entries=[AttendanceEntry(steering, Status.EXCUSED)])
    with pytest.raises(DomainError) as refused:
        services.record_attendance(**common, entries=[AttendanceEntry(steering, Status.PRESENT)])
    assert refused.value.code == "not_started"


# --- minutes -------------------------------------------------------------------------------------


def test_minutes_are_drafted_then_published(world, network):
    meeting = schedule(world, body=network)
    common = {"actor": world.users["lead"], "meeting": meeting, "original_start": meeting.starts_at}
    with pytest.raises(DomainError) as refused:
        services.publish_minutes(**common)
    assert refused.value.code == "minutes_empty"
    services.save_minutes(**common, text="## Decisions\n\n- Adopted the charter.")
    assert not Notification.objects.filter(kind="minutes_published").exists()
    row = services.publish_minutes(**common)
    assert row.minutes_published
    assert Notification.objects.filter(kind="minutes_published").count() == 4
    with pytest.raises(DomainError) as refused:
        services.publish_minutes(**common)
    assert refused.value.code == "already_published"
    with pytest.raises(DomainError) as refused:
        services.save_minutes(**common, text=" ")
    assert refused.value.code == "minutes_empty"
    assert [
        e.action
        for e in AuditEvent.objects.filter(action__startswith="meeting.minutes").order_by("pk")
    ] == [
        "meeting.minutes_saved",
        "meeting.minutes_published",
    ]


def test_minutes_are_published_only_after_the_meeting_starts(world):
    meeting = schedule(world, starts_at=weeks_from_now(1))
    common = {"actor": world.users["lead"], "meeting": meeting, "original_start": meeting.starts_at}
    services.save_minutes(**common, text="Prepared notes")
    with pytest.raises(DomainError) as refused:
        services.publish_minutes(**common)
    assert refused.value.code == "not_started"


def test_another_initiatives_lead_runs_nothing_here(world, network):
    meeting = schedule(world, body=network)
    outsider = world.users["outsider"]
    common = {"actor": outsider, "meeting": meeting, "original_start": meeting.starts_at}
    for call, extra in [
        (services.cancel_occurrence, {}),
        (services.save_agenda, {"entries": []}),
        (services.record_attendance, {"entries": []}),
        (services.save_minutes, {"text": "x"}),
    ]:
        with pytest.raises(PermissionDenied):
            call(**common, **extra)
    assert not Occurrence.objects.exists()


def test_instances_of_the_world_meeting_are_local(world):
    meeting = schedule(world, weekly=True)
    found = instances_between([meeting], meeting.starts_at, meeting.starts_at + timedelta(days=1))
    assert found[0].local_start.tzinfo.key == NEW_YORK.key
