"""Recurrence: checking and building RFC 5545 rules, and expanding a series into its instances
(wall-clock time in the meeting's zone, moved and cancelled instances, the horizon)."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from commonground.convening import meetings
from commonground.convening.meetings import (
    HORIZON,
    Ends,
    Repeat,
    build_rule,
    builder_fields,
    describe_rule,
    instances_between,
    normalize_rule,
    occurrence_for,
    rule_starts,
    upcoming_for_body,
    upcoming_for_person,
)
from commonground.convening.models import Meeting, Occurrence
from commonground.convening.services import meetings as services
from commonground.core.errors import DomainError
from commonground.initiatives.models import WorkingGroup
from tests.convening.meetings.helpers import NEW_YORK, schedule, weeks_from_now

TUESDAY = datetime(2025, 1, 7, 18, 0, tzinfo=NEW_YORK)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", ""),
        ("FREQ=WEEKLY;BYDAY=TU", "FREQ=WEEKLY;BYDAY=TU"),
        ("RRULE:byday=tu;interval=2;freq=weekly", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU"),
        ("FREQ=MONTHLY;BYDAY=1TU;COUNT=6", "FREQ=MONTHLY;BYDAY=1TU;COUNT=6"),
        # A bare UNTIL date means the end of that day in the meeting's zone, written in UTC.
        ("FREQ=WEEKLY;BYDAY=TU;UNTIL=20250630", "FREQ=WEEKLY;BYDAY=TU;UNTIL=20250701T035959Z"),
        ("FREQ=WEEKLY;BYDAY=TU;UNTIL=20250701T035959Z", None),
        ("FREQ=DAILY", "FREQ=DAILY"),
    ],
)
def test_rules_are_accepted_in_canonical_form(text, expected):
    assert normalize_rule(text, TUESDAY) == (text if expected is None else expected)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("FREQ=SECONDLY", "rule_too_frequent"),
        ("FREQ=MINUTELY;INTERVAL=5", "rule_too_frequent"),
        ("FREQ=HOURLY", "rule_too_frequent"),
        ("FREQ=WEEKLY;BYDAY=TU;BYHOUR=9,10", "rule_unsupported"),
        ("FREQ=MONTHLY;BYDAY=TU;BYSETPOS=1", "rule_unsupported"),
        ("FREQ=FORTNIGHTLY", "rule_invalid"),
        ("BYDAY=TU", "rule_invalid"),
        ("FREQ=WEEKLY;BYDAY=TU;COUNT=3;UNTIL=20250630", "rule_invalid"),
        ("FREQ=WEEKLY;BYDAY=XX", "rule_invalid"),
        ("FREQ=WEEKLY;BYDAY=2TU", "rule_invalid"),
        ("FREQ=WEEKLY;INTERVAL=0;BYDAY=TU", "rule_invalid"),
        ("FREQ=WEEKLY;COUNT=0;BYDAY=TU", "rule_invalid"),
        ("FREQ=WEEKLY;BYDAY=TU\nEXDATE:20250114T180000", "rule_invalid"),
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "rule_no_instance"),
        ("FREQ=WEEKLY;BYDAY=TU;UNTIL=20241231", "rule_no_instance"),
        # The first Monday of a month is never the 15th: no meeting at all.
        ("FREQ=MONTHLY;BYDAY=1MO;BYMONTHDAY=15", "rule_no_instance"),
        # 7 January 2025 is a Tuesday: a Wednesday rule does not start there.
        ("FREQ=WEEKLY;BYDAY=WE", "rule_not_synchronized"),
    ],
)
def test_bad_rules_are_refused_with_a_code(text, code):
    with pytest.raises(DomainError) as refused:
        normalize_rule(text, TUESDAY)
    assert refused.value.code == code


def test_builder_makes_the_rules_people_ask_for():
    assert build_rule(Repeat.ONCE, TUESDAY) == ""
    assert build_rule(Repeat.WEEKLY, TUESDAY) == "FREQ=WEEKLY;BYDAY=TU"
    assert build_rule(Repeat.BIWEEKLY, TUESDAY) == "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU"
    assert build_rule(Repeat.MONTHLY, TUESDAY) == "FREQ=MONTHLY;BYDAY=1TU"
    # The fifth Thursday of a month is its last one.
    fifth = datetime(2025, 1, 30, 9, 0, tzinfo=NEW_YORK)
    assert build_rule(Repeat.MONTHLY, fifth) == "FREQ=MONTHLY;BYDAY=-1TH"
    assert (
        build_rule(Repeat.WEEKLY, TUESDAY, ends=Ends.AFTER, count=10)
        == "FREQ=WEEKLY;BYDAY=TU;COUNT=10"
    )
    # Ending on 30 June (New York): until the end of that day, in UTC (EDT is UTC-4).
    until = build_rule(Repeat.BIWEEKLY, TUESDAY, ends=Ends.ON, until=date(2025, 6, 30))
    assert until == "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;UNTIL=20250701T035959Z"
    for rule in (until, "FREQ=MONTHLY;BYDAY=1TU", build_rule(Repeat.MONTHLY, fifth)):
        start = fifth if "-1TH" in rule else TUESDAY
        assert normalize_rule(rule, start) == rule


def test_builder_fields_give_the_rule_back():
    rule = build_rule(Repeat.BIWEEKLY, TUESDAY, ends=Ends.ON, until=date(2025, 6, 30))
    assert builder_fields(rule, TUESDAY) == {
        "repeat": Repeat.BIWEEKLY,
        "ends": Ends.ON,
        "until": date(2025, 6, 30),
    }
    assert builder_fields("", TUESDAY) == {"repeat": Repeat.ONCE, "ends": Ends.NEVER}
    assert builder_fields("FREQ=DAILY", TUESDAY) is None  # a custom rule


def test_rhythm_in_words():
    meeting = Meeting(starts_at=TUESDAY, timezone="America/New_York")
    meeting.recurrence = "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;UNTIL=20250701T035959Z"
    assert describe_rule(meeting) == "Every other week on Tuesday, until 30 June 2025"
    meeting.recurrence = "FREQ=MONTHLY;BYDAY=1TU;COUNT=6"
    assert describe_rule(meeting) == "Monthly on the first Tuesday, 6 meetings"
    meeting.recurrence = "FREQ=DAILY"
    assert describe_rule(meeting) == "Custom rule: FREQ=DAILY"
    meeting.recurrence = ""
    assert describe_rule(meeting) == "Once"


def test_weekly_meeting_keeps_its_local_time_across_daylight_saving(world):
    """New York springs forward on 9 March 2025: 18:00 EST is 23:00 UTC, 18:00 EDT 22:00."""
    start = datetime(2025, 2, 25, 18, 0, tzinfo=NEW_YORK)
    meeting = schedule(world, starts_at=start, weekly=True)
    found = instances_between(
        [meeting], datetime(2025, 2, 1, tzinfo=UTC), datetime(2025, 4, 1, tzinfo=UTC)
    )
    assert [i.local_start.strftime("%m-%d %H:%M") for i in found] == [
        "02-25 18:00",
        "03-04 18:00",
        "03-11 18:00",
        "03-18 18:00",
        "03-25 18:00",
    ]
    assert [i.starts_at.astimezone(UTC).hour for i in found] == [23, 23, 22, 22, 22]
    assert found[1].when == "Tue 4 Mar 2025, 18:00–19:00 EST"
    assert found[2].when == "Tue 11 Mar 2025, 18:00–19:00 EDT"


def test_moved_and_cancelled_instances(world):
    meeting = schedule(world, weekly=True)
    actor = world.users["facilitator"]
    second = meeting.starts_at + timedelta(weeks=1)
    third = meeting.starts_at + timedelta(weeks=2)
    services.cancel_occurrence(actor=actor, meeting=meeting, original_start=second)
    # The third meeting moves a day later.
    services.move_occurrence(
        actor=actor, meeting=meeting, original_start=third, starts_at=third + timedelta(days=1)
    )
    window = (meeting.starts_at, meeting.starts_at + timedelta(weeks=3))
    found = instances_between([meeting], *window)
    assert [(i.is_cancelled, i.is_moved) for i in found] == [
        (False, False),
        (True, False),
        (False, True),
    ]
    assert found[2].starts_at == third + timedelta(days=1)
    assert found[2].original_start == third
    assert len(instances_between([meeting], *window, cancelled=False)) == 2
    # A window holding only the moved instance's new time still finds it.
    day_after = instances_between([meeting], third + timedelta(hours=12), third + timedelta(days=2))
    assert [i.original_start for i in day_after] == [third]
    # ... and the window of its original time does not.
    assert (
        instances_between([meeting], third - timedelta(hours=1), third + timedelta(hours=1)) == []
    )


def test_expansion_stops_at_the_horizon(world):
    meeting = schedule(world, weekly=True)
    far = timezone.now() + timedelta(days=3650)
    starts = rule_starts(meeting, timezone.now(), far)
    assert starts[-1] <= timezone.now() + HORIZON
    assert 100 <= len(starts) <= 105  # two years of Tuesdays


def test_occurrence_for_creates_once_and_refuses_other_times(world):
    meeting = schedule(world, weekly=True)
    second = meeting.starts_at + timedelta(weeks=1)
    first_row = occurrence_for(meeting, second)
    assert occurrence_for(meeting, second).pk == first_row.pk
    assert first_row.starts_at == second and first_row.duration_minutes == 60
    with pytest.raises(DomainError) as refused:
        occurrence_for(meeting, second + timedelta(hours=1))
    assert refused.value.code == "not_an_instance"
    assert Occurrence.objects.count() == 1


def test_upcoming_for_body_and_person(world, network):
    actor = world.users["facilitator"]
    ours = schedule(world, body=network, weekly=True, starts_at=weeks_from_now(-2))
    everyone = schedule(world, title="Partner assembly", starts_at=weeks_from_now(3))
    other_body = WorkingGroup.objects.create(initiative=world.alpha, code="jobs", name="Jobs")
    schedule(world, body=other_body, title="Jobs network", starts_at=weeks_from_now(1))
    coming = upcoming_for_body(network, limit=3)
    assert len(coming) == 3
    assert all(i.meeting == ours and i.starts_at > timezone.now() for i in coming)
    assert coming[0].url == f"/i/alpha/meetings/{ours.pk}/{meetings.key_of(coming[0].starts_at)}/"
    # A cancelled meeting is not "coming up".
    services.cancel_occurrence(actor=actor, meeting=ours, original_start=coming[0].starts_at)
    assert upcoming_for_body(network, limit=3)[0].starts_at == coming[1].starts_at
    member = world.users["reporter_a"]  # sits in the network, not in the jobs network
    titles = {i.meeting.title for i in upcoming_for_person(member, world.alpha, limit=10)}
    assert titles == {"Network meeting", "Partner assembly"}
    assert everyone.body is None


def test_a_whole_initiative_meeting_expects_every_active_member(world, network):
    meeting = schedule(world)
    assert len(meetings.expected_people(meeting)) == 9
    body_meeting = schedule(world, body=network)
    assert {p.username for p in meetings.expected_people(body_meeting)} == {
        "partner_lead_a",
        "reporter_a",
        "reporter_b",
        "steering",
    }
