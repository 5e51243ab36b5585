"""Meetings and calendar feeds. One meeting (an instance of a series) is named by the series id
and its original start in UTC (``20250107T230000Z``), which a move does not change."""

from django.urls import path

from commonground.convening.views import calendar, meetings

MEETING = "i/<slug:slug>/meetings/<int:pk>/"
INSTANCE = MEETING + "<str:key>/"

urlpatterns = [
    path("i/<slug:slug>/meetings/", meetings.MeetingListView.as_view(), name="meeting_list"),
    path(
        "i/<slug:slug>/meetings/new/",
        meetings.MeetingCreateView.as_view(),
        name="meeting_create",
    ),
    path(MEETING, meetings.MeetingDetailView.as_view(), name="meeting_detail"),
    path(MEETING + "edit/", meetings.MeetingEditView.as_view(), name="meeting_edit"),
    path(INSTANCE, meetings.OccurrenceDetailView.as_view(), name="occurrence_detail"),
    path(INSTANCE + "agenda/", meetings.OccurrenceAgendaView.as_view(), name="occurrence_agenda"),
    path(
        INSTANCE + "attendance/",
        meetings.OccurrenceAttendanceView.as_view(),
        name="occurrence_attendance",
    ),
    path(
        INSTANCE + "minutes/", meetings.OccurrenceMinutesView.as_view(), name="occurrence_minutes"
    ),
    path(
        INSTANCE + "reschedule/",
        meetings.OccurrenceRescheduleView.as_view(),
        name="occurrence_reschedule",
    ),
    path("i/<slug:slug>/calendar/", calendar.CalendarFeedsView.as_view(), name="calendar_feeds"),
    # Private feeds: the token in the address is the only credential.
    path(
        "calendar/<str:token>/person.ics",
        calendar.PersonFeedView.as_view(),
        name="calendar_person_feed",
    ),
    path(
        "calendar/<str:token>/body/<slug:slug>/<slug:code>.ics",
        calendar.BodyFeedView.as_view(),
        name="calendar_body_feed",
    ),
    # Public: open meetings of public initiatives.
    path(
        "public/<slug:slug>/meetings/",
        meetings.PublicMeetingListView.as_view(),
        name="public_meeting_list",
    ),
    path(
        "public/<slug:slug>/meetings/<int:pk>/<str:key>/",
        meetings.PublicOccurrenceView.as_view(),
        name="public_occurrence",
    ),
    path(
        "public/<slug:slug>/meetings.ics",
        calendar.PublicFeedView.as_view(),
        name="public_meetings_feed",
    ),
]
