"""iCalendar feeds: what calendar programs read back (parsed with ``icalendar``, the rule
expanded with dateutil), the private feeds behind a revocable token, and the public feed."""

from datetime import UTC, datetime, timedelta

import pytest
from dateutil.rrule import rrulestr
from django.urls import reverse
from icalendar import Calendar

from commonground.convening.calendar import build_calendar, meeting_uid, person_feed_meetings
from commonground.convening.models import CalendarFeed, Meeting
from commonground.convening.services import meetings as services
from commonground.core.models import AuditEvent
from commonground.initiatives.models import WorkingGroup
from tests.convening.meetings.helpers import NEW_YORK, schedule, weeks_from_now

SPRING = datetime(2025, 2, 25, 18, 0, tzinfo=NEW_YORK)  # a Tuesday; DST starts 9 March


def parse(content: bytes) -> Calendar:
    return Calendar.from_ical(content)


def expand(calendar: Calendar, uid: str, until: datetime) -> list[datetime]:
    """The instances a calendar program shows for ``uid``: the rule from DTSTART, less the
    EXDATEs, with RECURRENCE-ID overrides in place of the instances they name."""
    events = [e for e in calendar.walk("VEVENT") if str(e["UID"]) == uid]
    (master,) = [e for e in events if "RECURRENCE-ID" not in e]
    start = master.decoded("DTSTART")
    rule = rrulestr(master["RRULE"].to_ical().decode(), dtstart=start)
    excluded = set()
    exdates = master.get("EXDATE", [])
    for group in exdates if isinstance(exdates, list) else [exdates]:
        excluded |= {d.dt for d in group.dts}
    overrides = {
        e.decoded("RECURRENCE-ID"): e.decoded("DTSTART") for e in events if e is not master
    }
    return [overrides.get(s, s) for s in rule.between(start, until, inc=True) if s not in excluded]


@pytest.fixture
def spring_series(world):
    """Weekly on Tuesday at 18:00 New York from 25 February 2025; 18 March cancelled, 25 March
    moved to Wednesday 26 March at 19:00."""
    meeting = schedule(world, starts_at=SPRING, weekly=True, title="Steering")
    actor = world.users["facilitator"]
    services.cancel_occurrence(
        actor=actor, meeting=meeting, original_start=SPRING + timedelta(weeks=3)
    )
    services.move_occurrence(
        actor=actor,
        meeting=meeting,
        original_start=SPRING + timedelta(weeks=4),
        starts_at=SPRING + timedelta(weeks=4, days=1, hours=1),
    )
    meeting.refresh_from_db()
    return meeting


def test_feed_carries_time_zone_rule_exceptions_and_overrides(spring_series):
    meeting = spring_series
    content = build_calendar(Meeting.objects.all(), name="Test").to_ical()
    calendar = parse(content)
    (zone,) = calendar.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "America/New_York"
    assert b"DTSTART;TZID=America/New_York:20250225T180000" in content
    assert b"EXDATE;TZID=America/New_York:20250318T180000" in content
    assert b"RECURRENCE-ID;TZID=America/New_York:20250325T180000" in content
    events = calendar.walk("VEVENT")
    assert len(events) == 2
    uid = meeting_uid(meeting)
    assert {str(e["UID"]) for e in events} == {uid}
    assert all(int(e["SEQUENCE"]) == meeting.sequence == 2 for e in events)
    assert all("DTSTAMP" in e for e in events)
    shown = expand(calendar, uid, datetime(2025, 4, 2, tzinfo=UTC))
    local = [s.astimezone(NEW_YORK).strftime("%a %m-%d %H:%M") for s in shown]
    assert local == [
        "Tue 02-25 18:00",
        "Tue 03-04 18:00",
        "Tue 03-11 18:00",  # after the change to daylight time: still 18:00
        "Wed 03-26 19:00",  # moved; 18 March is cancelled
        "Tue 04-01 18:00",
    ]
    # The same local time is another UTC time once daylight saving starts.
    assert [s.astimezone(UTC).hour for s in shown[:3]] == [23, 23, 22]
    # The UID does not change from one feed to the next.
    again = parse(build_calendar(Meeting.objects.all(), name="Again").to_ical())
    assert {str(e["UID"]) for e in again.walk("VEVENT")} == {uid}


def test_one_off_and_cancelled_one_off(world):
    start = weeks_from_now(2)
    meeting = schedule(world, starts_at=start, title="Assembly", location="Library")
    calendar = parse(build_calendar([meeting], name="x").to_ical())
    (event,) = calendar.walk("VEVENT")
    assert "RRULE" not in event
    assert event.decoded("DTSTART") == start
    assert event.decoded("DTEND") == start + timedelta(hours=1)
    assert str(event["LOCATION"]) == "Library" and str(event["STATUS"]) == "CONFIRMED"
    services.cancel_occurrence(actor=world.users["lead"], meeting=meeting, original_start=start)
    meeting.refresh_from_db()
    (event,) = parse(build_calendar([meeting], name="x").to_ical()).walk("VEVENT")
    assert str(event["STATUS"]) == "CANCELLED" and int(event["SEQUENCE"]) == 1


def test_person_feed_holds_their_bodies_and_whole_initiative_meetings(world, network):
    other = WorkingGroup.objects.create(initiative=world.alpha, code="jobs", name="Jobs")
    schedule(world, body=network, title="Literacy", weekly=True)
    schedule(world, title="Assembly")
    schedule(world, body=other, title="Jobs network")
    titles = {m.title for m in person_feed_meetings(world.users["reporter_a"])}
    assert titles == {"Literacy", "Assembly"}
    assert {m.title for m in person_feed_meetings(world.users["outsider"])} == set()


def test_private_feeds_answer_to_the_token_only(world, network, client):
    schedule(world, body=network, title="Literacy", weekly=True)
    user = world.users["reporter_a"]
    token = services.create_calendar_feed(user=user)
    person = reverse("calendar_person_feed", args=[token])
    response = client.get(person)  # no login: the token is the credential
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = parse(response.content)
    assert [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")] == [
        "Literacy (Early literacy network)"
    ]
    body = reverse("calendar_body_feed", args=[token, "alpha", "literacy"])
    assert client.get(body).status_code == 200
    assert (
        client.get(reverse("calendar_body_feed", args=[token, "alpha", "nope"])).status_code == 404
    )
    assert client.get(reverse("calendar_body_feed", args=[token, "beta", "c"])).status_code == 404
    assert client.get(reverse("calendar_person_feed", args=["not-a-token"])).status_code == 404
    # The token is stored hashed, never as given.
    assert not CalendarFeed.objects.filter(token_hash=token).exists()
    # A new address stops the old one; revoking stops every one.
    new_token = services.create_calendar_feed(user=user)
    assert client.get(person).status_code == 404
    assert client.get(reverse("calendar_person_feed", args=[new_token])).status_code == 200
    assert services.revoke_calendar_feeds(user=user) == 1
    assert client.get(reverse("calendar_person_feed", args=[new_token])).status_code == 404
    actions = AuditEvent.objects.filter(action__startswith="calendar_feed").order_by("pk")
    assert [e.action for e in actions] == [
        "calendar_feed.created",
        "calendar_feed.revoked",
        "calendar_feed.created",
        "calendar_feed.revoked",
    ]


def test_a_member_who_left_loses_the_body_feed(world, network, client):
    user = world.users["reporter_a"]
    token = services.create_calendar_feed(user=user)
    user.memberships.update(is_active=False)
    assert (
        client.get(reverse("calendar_body_feed", args=[token, "alpha", "literacy"])).status_code
        == 404
    )
    user.is_active = False
    user.save()
    assert client.get(reverse("calendar_person_feed", args=[token])).status_code == 404


def test_public_feed_holds_open_meetings_only(world, client):
    schedule(world, title="Open forum", is_open=True, weekly=True)
    schedule(world, title="Closed session")
    response = client.get(reverse("public_meetings_feed", args=["alpha"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    summaries = [str(e["SUMMARY"]) for e in parse(response.content).walk("VEVENT")]
    assert summaries == ["Open forum"]
    assert client.get(reverse("public_meetings_feed", args=["beta"])).status_code == 404


def test_person_feed_queries_stay_flat(world, network, client, django_assert_max_num_queries):
    token = services.create_calendar_feed(user=world.users["reporter_a"])
    url = reverse("calendar_person_feed", args=[token])
    for n in range(6):
        meeting = schedule(world, body=network, title=f"Meeting {n}", weekly=True)
        services.cancel_occurrence(
            actor=world.users["lead"], meeting=meeting, original_start=meeting.starts_at
        )
    with django_assert_max_num_queries(4):
        assert client.get(url).status_code == 200


def test_feed_page_shows_the_address_once(world, network):
    client = world.client("reporter_a")
    page = reverse("calendar_feeds", args=["alpha"])
    assert b"Make my feed address" in client.get(page).content
    response = client.post(page, {"action": "create"}, follow=True)
    assert response.status_code == 200
    assert b"/person.ics" in response.content
    assert b"/body/alpha/literacy.ics" in response.content
    again = client.get(page)
    assert b"/person.ics" not in again.content
    assert b"Stop my feed" in again.content
    client.post(page, {"action": "revoke"})
    assert not CalendarFeed.objects.filter(revoked_at=None).exists()
