"""The meeting pages through the client: scheduling with the builder, the agenda with an
indicator's chart, attendance with a delegate, minutes, moving and cancelling, the public pages
and flat query counts."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from commonground.convening.meetings import key_of
from commonground.convening.models import Attendance, Meeting, Occurrence
from commonground.convening.services import meetings as services
from commonground.convening.services.meetings import AgendaEntry, AttendanceEntry
from commonground.initiatives.models import WorkingGroup
from tests.convening.meetings.helpers import schedule, weeks_from_now
from tests.insight.reportcard_world import make_indicator, report

Status = Attendance.Status


def instance_url(meeting, start, name="occurrence_detail"):
    return reverse(name, args=["alpha", meeting.pk, key_of(start)])


@pytest.fixture
def served(world):
    """A published indicator with three approved years, and an unpublished one."""
    published = make_indicator(world.alpha, "served", name="Children served", unit="children")
    hidden = make_indicator(world.alpha, "hidden", name="Draft measure", is_published=False)
    for year, value in (("2022", 40), ("2023", 47), ("2024", 52)):
        report(
            world.users["data_manager"],
            world.partners["a"],
            year,
            {published: {"value": Decimal(value)}, hidden: {"value": Decimal(value)}},
        )
    return published, hidden


def meeting_form(start, **fields):
    return {
        "body": "",
        "title": "Partner assembly",
        "date": start.date().isoformat(),
        "start_time": "18:00",
        "duration_minutes": "90",
        "timezone": "America/New_York",
        "repeat": "once",
        "ends": "never",
        **fields,
    }


def test_schedule_with_the_builder(world):
    start = weeks_from_now(1)
    client = world.client("facilitator")
    response = client.post(
        reverse("meeting_create", args=["alpha"]),
        meeting_form(start, repeat="biweekly", ends="after", count="6"),
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{meeting.pk}/")
    day = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"][start.weekday()]
    assert meeting.recurrence == f"FREQ=WEEKLY;INTERVAL=2;BYDAY={day};COUNT=6"
    assert meeting.starts_at == start and meeting.duration_minutes == 90
    page = client.get(response["Location"]).content.decode()
    assert "Every other week on" in page and "6 meetings" in page


def test_a_bad_rule_is_shown_next_to_its_field(world):
    client = world.client("lead")
    response = client.post(
        reverse("meeting_create", args=["alpha"]),
        meeting_form(weeks_from_now(1), advanced_rule="FREQ=MINUTELY"),
    )
    assert response.status_code == 400
    assert response.context["form"].errors["advanced_rule"] == ["Meetings repeat at most daily."]
    response = client.post(
        reverse("meeting_create", args=["alpha"]),
        meeting_form(weeks_from_now(1), repeat="weekly", ends="on"),
    )
    assert response.context["form"].errors["until"] == ["Give the date of the last meeting."]
    assert not Meeting.objects.exists()


def test_a_body_facilitator_schedules_for_their_body_only(world, network):
    WorkingGroup.objects.create(initiative=world.alpha, code="jobs", name="Jobs")
    client = world.client("partner_lead_a")
    url = reverse("meeting_create", args=["alpha"])
    form = client.get(url).context["form"]
    assert [code for code, _name in form.fields["body"].choices] == ["literacy"]
    assert client.post(url, meeting_form(weeks_from_now(1))).status_code == 400  # whole: no
    assert client.post(url, meeting_form(weeks_from_now(1), body="jobs")).status_code == 400
    assert client.post(url, meeting_form(weeks_from_now(1), body="literacy")).status_code == 302
    assert Meeting.objects.get().body == network


def test_the_edit_form_gives_the_builder_back(world):
    start = weeks_from_now(2)
    meeting = schedule(world, starts_at=start, weekly=True, location="Library")
    client = world.client("lead")
    url = reverse("meeting_edit", args=["alpha", meeting.pk])
    initial = client.get(url).context["form"].initial
    assert initial["repeat"] == "weekly" and initial["location"] == "Library"
    response = client.post(
        url, meeting_form(start, title="Network meeting", repeat="weekly", location="City hall")
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.location == "City hall" and meeting.sequence == 1


def agenda_post(rows):
    data = {
        "items-TOTAL_FORMS": str(len(rows)),
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "50",
    }
    for n, row in enumerate(rows):
        data.update({f"items-{n}-{name}": value for name, value in row.items()})
    return data


def test_agenda_with_an_indicator_shows_its_latest_chart(world, served):
    published, hidden = served
    meeting = schedule(world, starts_at=weeks_from_now(1))
    client = world.client("facilitator")
    url = instance_url(meeting, meeting.starts_at, "occurrence_agenda")
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        agenda_post(
            [
                {"title": "Welcome", "minutes_allotted": "5", "ORDER": "1"},
                {
                    "title": "How many children we serve",
                    "minutes_allotted": "20",
                    "indicator": str(published.pk),
                    "presenter": str(world.users["data_manager"].pk),
                    "ORDER": "2",
                },
                {
                    "title": "The draft measure",
                    "minutes_allotted": "10",
                    "indicator": str(hidden.pk),
                    "ORDER": "3",
                },
                {"title": "", "minutes_allotted": "", "ORDER": ""},
            ]
        ),
    )
    assert response.status_code == 302
    items = Occurrence.objects.get().items.all()
    assert [(i.title, i.minutes_allotted) for i in items] == [
        ("Welcome", 5),
        ("How many children we serve", 20),
        ("The draft measure", 10),
    ]
    page = client.get(instance_url(meeting, meeting.starts_at)).content.decode()
    assert "Total: 35 minutes of 60" in page
    for item in items[1:]:
        assert f'id="agenda-chart-{item.pk}"' in page  # both charts, for internal results
    assert '"$schema": "https://vega.github.io/schema/vega-lite/v6.json"' in page
    assert "52 children" in page  # the latest figure
    # A reporter does not see internal results: the published indicator's chart only.
    page = world.client("reporter_a").get(instance_url(meeting, meeting.starts_at)).content
    assert f'id="agenda-chart-{items[1].pk}"'.encode() in page
    assert f'id="agenda-chart-{items[2].pk}"'.encode() not in page
    assert b"its chart is shown to those who see internal results" in page


def attendance_post(rows):
    data = {
        "people-TOTAL_FORMS": str(len(rows)),
        "people-INITIAL_FORMS": str(len(rows)),
        "people-MIN_NUM_FORMS": "0",
        "people-MAX_NUM_FORMS": "1000",
    }
    for n, (person, status, delegate, name) in enumerate(rows):
        data.update(
            {
                f"people-{n}-person": str(person.pk),
                f"people-{n}-status": status,
                f"people-{n}-delegate": str(delegate.pk) if delegate else "",
                f"people-{n}-delegate_name": name,
            }
        )
    return data


def test_attendance_with_a_delegate_is_flagged(world, network):
    meeting = schedule(world, body=network)
    users = world.users
    client = world.client("partner_lead_a")  # the network's facilitator
    url = instance_url(meeting, meeting.starts_at, "occurrence_attendance")
    form = client.get(url).context["formset"]
    assert [f.person_label for f in form.forms] == [
        "Partner Lead A",
        "Reporter A",
        "Reporter B",
        "Steering",
    ]
    rows = [
        (users["partner_lead_a"], "present", None, ""),
        (users["reporter_a"], "delegate", users["data_manager"], ""),
        (users["reporter_b"], "excused", None, ""),
        (users["steering"], "absent", None, ""),
    ]
    assert client.post(url, attendance_post(rows)).status_code == 302
    page = client.get(instance_url(meeting, meeting.starts_at)).content.decode()
    assert "1 present · 1 sent a delegate · 1 absent · 1 excused" in page
    assert "Data Manager stood in" in page and 'class="delegated"' in page
    # A delegate without a name is refused next to nothing saved.
    rows[3] = (users["steering"], "delegate", None, "")
    response = client.post(url, attendance_post(rows))
    assert response.status_code == 400 and "say who stood in" in response.content.decode()
    assert Attendance.objects.get(person=users["steering"]).status == Status.ABSENT


def test_draft_minutes_are_seen_only_by_those_who_run_the_meeting(world, network):
    meeting = schedule(world, body=network)
    client = world.client("facilitator")
    url = instance_url(meeting, meeting.starts_at, "occurrence_minutes")
    client.post(url, {"minutes": "**Agreed** to meet in the library."})
    page = instance_url(meeting, meeting.starts_at)
    assert b"<strong>Agreed</strong>" in client.get(page).content
    assert b"Agreed" not in world.client("viewer").get(page).content
    client.post(url, {"minutes": "**Agreed** to meet in the library.", "publish": "1"})
    assert b"<strong>Agreed</strong>" in world.client("viewer").get(page).content


def test_move_cancel_and_restore_through_the_page(world):
    start = weeks_from_now(1)
    meeting = schedule(world, starts_at=start, weekly=True)
    client = world.client("lead")
    url = instance_url(meeting, start, "occurrence_reschedule")
    later = start + timedelta(days=1)
    response = client.post(
        url,
        {
            "action": "move",
            "date": later.date().isoformat(),
            "start_time": "17:30",
            "duration_minutes": "45",
        },
    )
    assert response.status_code == 302
    row = Occurrence.objects.get()
    assert row.starts_at == later.replace(hour=17, minute=30) and row.duration_minutes == 45
    assert client.post(url, {"action": "cancel"}).status_code == 302
    assert b"cancelled" in client.get(instance_url(meeting, start)).content
    assert client.post(url, {"action": "restore"}).status_code == 302
    response = client.post(url, {"action": "move", "date": "", "start_time": ""})
    assert response.status_code == 400


def test_an_unknown_instance_is_not_found(world):
    meeting = schedule(world, weekly=True)
    client = world.client("lead")
    assert (
        client.get(instance_url(meeting, meeting.starts_at + timedelta(hours=1))).status_code == 404
    )
    bad_key = reverse("occurrence_detail", args=["alpha", meeting.pk, "yesterday"])
    assert client.get(bad_key).status_code == 404


def test_public_pages_show_open_meetings_without_attendance(world, network, client):
    open_meeting = schedule(world, body=network, title="Open forum", is_open=True)
    closed = schedule(world, body=network, title="Closed session")
    lead = world.users["lead"]
    for meeting in (open_meeting, closed):
        common = {"actor": lead, "meeting": meeting, "original_start": meeting.starts_at}
        services.save_agenda(**common, entries=[AgendaEntry("Budget review", 15)])
        services.record_attendance(
            **common,
            entries=[
                AttendanceEntry(world.users["steering"], Status.DELEGATE, delegate_name="Kim Doe")
            ],
        )
        services.save_minutes(**common, text="We reviewed the budget.")
        services.publish_minutes(**common)
    listing = client.get(reverse("public_meeting_list", args=["alpha"])).content.decode()
    assert "Open forum" in listing and "Closed session" not in listing
    page = client.get(
        reverse(
            "public_occurrence", args=["alpha", open_meeting.pk, key_of(open_meeting.starts_at)]
        )
    ).content.decode()
    assert "Budget review" in page and "We reviewed the budget." in page
    assert "Kim Doe" not in page and "Steering" not in page and "Attendance" not in page
    closed_url = reverse("public_occurrence", args=["alpha", closed.pk, key_of(closed.starts_at)])
    assert client.get(closed_url).status_code == 404
    assert client.get(reverse("public_meeting_list", args=["beta"])).status_code == 404


def test_meeting_list_queries_stay_flat(world, network, django_assert_max_num_queries):
    client = world.client("viewer")
    url = reverse("meeting_list", args=["alpha"])

    def add(n):
        for k in range(n):
            meeting = schedule(world, body=network, title=f"M{k}", weekly=True)
            services.save_agenda(
                actor=world.users["lead"],
                meeting=meeting,
                original_start=meeting.starts_at,
                entries=[AgendaEntry("Item", 10)],
            )

    add(1)
    with django_assert_max_num_queries(12) as few:
        assert client.get(url).status_code == 200
    add(5)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200
