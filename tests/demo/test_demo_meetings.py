"""The demo's meetings: three bodies on a rhythm, past meetings with agendas on real indicators,
attendance (delegates, a partner often absent) and minutes, coming ones; built again, nothing
is added."""

import pytest
from django.contrib.auth import get_user_model
from django.db.models import F
from django.test import Client
from django.urls import reverse

from commonground.convening.meetings import describe_rule, key_of, upcoming_for_body
from commonground.convening.models import AgendaItem, Attendance, Meeting, Occurrence
from commonground.core.models import AuditEvent
from commonground.demo import meetings
from commonground.demo.build import _Output
from commonground.initiatives.models import WorkingGroup
from tests.demo.demo_accounts import demo_users

pytestmark = pytest.mark.django_db


def build_meetings(initiative):
    users = demo_users()
    meetings.build(initiative, users, _Output(None))


def counts():
    return (
        Meeting.objects.count(),
        Occurrence.objects.count(),
        AgendaItem.objects.count(),
        Attendance.objects.count(),
        AuditEvent.objects.count(),
    )


def test_demo_meetings(built_demo):
    initiative = built_demo.initiative
    build_meetings(initiative)
    series = {m.body.code: m for m in Meeting.objects.select_related("body")}
    assert set(series) == {"steering", "early-grades", "pathways"}
    assert describe_rule(series["steering"]).startswith("Monthly on the second Tuesday")
    assert describe_rule(series["early-grades"]) == "Every other week on Wednesday"
    assert describe_rule(series["pathways"]) == "Every other week on Thursday"
    assert series["steering"].is_open and not series["pathways"].is_open

    past = Occurrence.objects.filter(minutes_published=True)
    assert past.count() >= 12
    linked = AgendaItem.objects.exclude(indicator=None).select_related("indicator")
    assert {i.indicator.code for i in linked} >= {"kinder_ready", "grad_rate"}
    delegates = Attendance.objects.filter(status=Attendance.Status.DELEGATE)
    assert delegates.exclude(delegate=None).exists() and delegates.exclude(delegate_name="")
    absent = Attendance.objects.filter(
        status=Attendance.Status.ABSENT, person__username__startswith="neighbors-table.lead"
    )
    assert absent.count() >= 4

    for body in WorkingGroup.objects.filter(initiative=initiative):
        coming = upcoming_for_body(body)
        assert coming and coming[0].occurrence is not None  # the next agenda is ready
    assert Occurrence.objects.filter(status=Occurrence.Status.CANCELLED).count() == 1
    assert Occurrence.objects.exclude(starts_at=F("original_start")).count() == 1

    # The steering committee's first meeting, as a member and as the public see it.
    first = Occurrence.objects.filter(meeting=series["steering"]).order_by("starts_at").first()
    client = Client()
    client.force_login(get_user_model().objects.get(username__startswith="viewer@"))
    page = client.get(
        reverse(
            "occurrence_detail",
            args=[initiative.slug, first.meeting_id, key_of(first.original_start)],
        )
    )
    assert page.status_code == 200 and b'class="vega chart-box' in page.content
    assert b"stood in" in page.content
    public = Client().get(reverse("public_meeting_list", args=[initiative.slug]))
    assert series["steering"].title.encode() in public.content
    assert series["pathways"].title.encode() not in public.content

    before = counts()
    build_meetings(initiative)
    assert counts() == before
