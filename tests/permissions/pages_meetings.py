"""Meetings and calendar feeds.

Every member sees the meetings, one meeting's agenda, attendance and published minutes, and
makes their own calendar feed. Scheduling and running meetings (the agenda, attendance, minutes,
moving and cancelling) is for those with RUN_MEETINGS — the lead and the facilitator — and for
the facilitator named on a body, for that body: here partner A's lead facilitates the network.
Anyone may read the public pages and feed of a public initiative's open meetings (never a closed
one), and a private feed answers to whoever holds its token.
"""

from commonground.convening.meetings import key_of
from commonground.convening.models import Meeting
from commonground.convening.services import meetings as services
from commonground.initiatives.models import WorkingGroup
from tests.conftest import ALL_PERSONAS
from tests.convening.meetings.helpers import schedule, weeks_from_now
from tests.permissions import ALPHA_MEMBERS, Page

EVERYONE = frozenset(ALL_PERSONAS)
RUNNERS = frozenset({"lead", "facilitator", "partner_lead_a"})


def network(world) -> WorkingGroup:
    group, created = WorkingGroup.objects.get_or_create(
        initiative=world.alpha,
        code="meeting-net",
        defaults={"name": "Meeting network", "facilitator": world.users["partner_lead_a"]},
    )
    if created:
        group.members.set([world.users["reporter_a"], world.users["steering"]])
    return group


def alpha_with_network(world) -> str:
    network(world)
    return "alpha"


def _meeting(world, title: str, is_open: bool) -> Meeting:
    found = Meeting.objects.filter(initiative=world.alpha, title=title).first()
    if found is None:
        found = schedule(
            world, body=network(world), title=title, is_open=is_open, weekly=True, actor=None
        )
    return found


def meeting(world) -> int:
    """A weekly meeting of the network that started four weeks ago (closed to the public)."""
    return _meeting(world, "Network meeting", False).pk


def instance(world) -> str:
    return key_of(_meeting(world, "Network meeting", False).starts_at)


def open_meeting(world) -> int:
    return _meeting(world, "Open forum", True).pk


def open_instance(world) -> str:
    return key_of(_meeting(world, "Open forum", True).starts_at)


def token(world) -> str:
    return services.create_calendar_feed(user=world.users["viewer"])


NEW_MEETING = {
    "body": "meeting-net",
    "title": "Kick-off",
    "date": weeks_from_now(2).date().isoformat(),
    "start_time": "18:00",
    "duration_minutes": "60",
    "timezone": "America/New_York",
    "repeat": "weekly",
    "ends": "after",
    "count": "4",
}
EMPTY_AGENDA = {"items-TOTAL_FORMS": "0", "items-INITIAL_FORMS": "0"}
ONE = (alpha_with_network, meeting, instance)

PAGES = [
    Page("meeting_list", ("alpha",), ALPHA_MEMBERS),
    Page("meeting_create", (alpha_with_network,), RUNNERS),
    Page(
        "meeting_create",
        (alpha_with_network,),
        RUNNERS,
        method="post",
        data=NEW_MEETING,
        ok=302,
    ),
    Page("meeting_detail", (alpha_with_network, meeting), ALPHA_MEMBERS),
    Page("meeting_edit", (alpha_with_network, meeting), RUNNERS),
    Page("occurrence_detail", ONE, ALPHA_MEMBERS),
    Page("occurrence_agenda", ONE, RUNNERS),
    Page("occurrence_agenda", ONE, RUNNERS, method="post", data=EMPTY_AGENDA, ok=302),
    Page("occurrence_attendance", ONE, RUNNERS),
    Page("occurrence_minutes", ONE, RUNNERS),
    Page("occurrence_minutes", ONE, RUNNERS, method="post", data={"minutes": "Met."}, ok=302),
    Page("occurrence_reschedule", ONE, RUNNERS),
    Page("occurrence_reschedule", ONE, RUNNERS, method="post", data={"action": "cancel"}, ok=302),
    Page("calendar_feeds", ("alpha",), ALPHA_MEMBERS),
    Page(
        "calendar_feeds",
        ("alpha",),
        ALPHA_MEMBERS,
        method="post",
        data={"action": "create"},
        ok=302,
    ),
    # The token is the credential: whoever holds it reads the feed; a wrong one is 404.
    Page("calendar_person_feed", (token,), EVERYONE, public=True),
    Page("calendar_person_feed", ("no-such-token",), frozenset(), public=True),
    Page("calendar_body_feed", (token, alpha_with_network, "meeting-net"), EVERYONE, public=True),
    Page("public_meeting_list", ("alpha",), EVERYONE, public=True),
    Page("public_meeting_list", ("beta",), frozenset(), public=True),
    Page("public_occurrence", ("alpha", open_meeting, open_instance), EVERYONE, public=True),
    # A closed meeting has no public page, for anyone.
    Page("public_occurrence", ("alpha", meeting, instance), frozenset(), public=True),
    Page("public_meetings_feed", ("alpha",), EVERYONE, public=True),
]
