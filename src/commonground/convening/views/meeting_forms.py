"""The meeting pages' forms: a series (with the simple recurrence builder and the raw rule),
moving one meeting, its agenda and its attendance. They parse; the services check."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from commonground.convening.meetings import (
    Ends,
    Repeat,
    build_rule,
    builder_fields,
    local_start,
    timezone_choices,
)
from commonground.convening.models import Attendance
from commonground.convening.services.meetings import MAX_DURATION, MAX_ITEM_MINUTES, MeetingData

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")

REPEAT_CHOICES = [
    (Repeat.ONCE, _("Once")),
    (Repeat.WEEKLY, _("Every week, on the same weekday")),
    (Repeat.BIWEEKLY, _("Every other week, on the same weekday")),
    (Repeat.MONTHLY, _("Every month, on the same weekday (e.g. the second Tuesday)")),
]
ENDS_CHOICES = [
    (Ends.NEVER, _("No end date")),
    (Ends.ON, _("On a date")),
    (Ends.AFTER, _("After a number of meetings")),
]

# A service's refusal, by code, goes next to this field of the series form.
MEETING_ERROR_FIELDS = {
    "title_required": "title",
    "unknown_body": "body",
    "unknown_timezone": "timezone",
    "naive_start": "date",
    "start_in_past": "date",
    "bad_duration": "duration_minutes",
    "bad_link": "online_url",
}


class MeetingForm(forms.Form):
    """A series. ``bodies``: the bodies the person may schedule for; ``whole``: whether they may
    schedule meetings of the whole initiative."""

    body = forms.ChoiceField(label=_("Body"), required=False)
    title = forms.CharField(label=_("Title"), max_length=300)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    date = forms.DateField(label=_("Date of the first meeting"), widget=DATE)
    start_time = forms.TimeField(label=_("Start time"), widget=TIME)
    duration_minutes = forms.IntegerField(
        label=_("Length (minutes)"), min_value=5, max_value=MAX_DURATION, initial=60
    )
    timezone = forms.ChoiceField(
        label=_("Time zone"),
        choices=timezone_choices,
        help_text=_("The meeting keeps its local time in this zone across daylight saving."),
    )
    repeat = forms.ChoiceField(
        label=_("How often"), choices=REPEAT_CHOICES, initial=Repeat.ONCE, widget=forms.RadioSelect
    )
    ends = forms.ChoiceField(
        label=_("Ends"), choices=ENDS_CHOICES, initial=Ends.NEVER, widget=forms.RadioSelect
    )
    until = forms.DateField(
        label=_("Last date"),
        required=False,
        widget=DATE,
        help_text=_("When it ends on a date."),
    )
    count = forms.IntegerField(
        label=_("Number of meetings"),
        required=False,
        min_value=1,
        max_value=500,
        help_text=_("When it ends after a number of meetings."),
    )
    advanced_rule = forms.CharField(
        label=_("Advanced: recurrence rule"),
        required=False,
        max_length=300,
        help_text=_(
            "An RFC 5545 RRULE such as FREQ=WEEKLY;INTERVAL=2;BYDAY=TU. When given, it "
            "replaces the choices above; its first meeting must be the date above."
        ),
    )
    location = forms.CharField(label=_("Location"), required=False, max_length=300)
    online_url = forms.URLField(
        label=_("Online meeting link"), required=False, assume_scheme="https"
    )
    is_open = forms.BooleanField(
        label=_("Open meeting: list it on the public page (never its attendance)"),
        required=False,
    )

    def __init__(self, *args, bodies, whole: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.bodies = {b.code: b for b in bodies}
        choices = [(code, body.name) for code, body in self.bodies.items()]
        if whole:
            choices.insert(0, ("", _("The whole initiative")))
        self.fields["body"].choices = choices
        self.fields["body"].required = not whole
        self.fields["timezone"].initial = settings.TIME_ZONE

    @classmethod
    def initial_for(cls, meeting) -> dict:
        start = local_start(meeting)
        initial = {
            "body": meeting.body.code if meeting.body_id else "",
            "title": meeting.title,
            "description": meeting.description,
            "date": start.date(),
            "start_time": start.time(),
            "duration_minutes": meeting.duration_minutes,
            "timezone": meeting.timezone,
            "location": meeting.location,
            "online_url": meeting.online_url,
            "is_open": meeting.is_open,
        }
        fields = builder_fields(meeting.recurrence, start)
        if fields is None:
            initial["advanced_rule"] = meeting.recurrence
        else:
            initial.update(fields)
        return initial

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        if not data.get("advanced_rule"):
            if data["repeat"] != Repeat.ONCE and data["ends"] == Ends.ON:
                if not data.get("until"):
                    self.add_error("until", _("Give the date of the last meeting."))
                elif data["until"] < data["date"]:
                    self.add_error("until", _("The last date comes after the first."))
            if (
                data["repeat"] != Repeat.ONCE
                and data["ends"] == Ends.AFTER
                and not data.get("count")
            ):
                self.add_error("count", _("Say how many meetings."))
        return data

    def meeting_data(self) -> MeetingData:
        data = self.cleaned_data
        start = datetime.combine(data["date"], data["start_time"], ZoneInfo(data["timezone"]))
        rule = data["advanced_rule"].strip() or build_rule(
            data["repeat"], start, ends=data["ends"], until=data["until"], count=data["count"]
        )
        return MeetingData(
            title=data["title"],
            starts_at=start,
            timezone=data["timezone"],
            duration_minutes=data["duration_minutes"],
            recurrence=rule,
            body=self.bodies.get(data["body"]),
            description=data["description"],
            location=data["location"],
            online_url=data["online_url"],
            is_open=data["is_open"],
        )

    def show_error(self, error) -> None:
        name = MEETING_ERROR_FIELDS.get(error.code)
        if name is None and error.code.startswith("rule_"):
            name = "advanced_rule" if self.cleaned_data.get("advanced_rule") else "repeat"
        self.add_error(name, error.message)


class MoveForm(forms.Form):
    date = forms.DateField(label=_("New date"), widget=DATE)
    start_time = forms.TimeField(label=_("New start time"), widget=TIME)
    duration_minutes = forms.IntegerField(
        label=_("Length (minutes)"), min_value=5, max_value=MAX_DURATION
    )

    def starts_at(self, zone: ZoneInfo) -> datetime:
        data = self.cleaned_data
        return datetime.combine(data["date"], data["start_time"], zone)


class AgendaItemForm(forms.Form):
    """One row of the agenda. The choices come from the view, built once for every row."""

    # Required only in rows that are used: an untouched extra row of the formset is skipped.
    title = forms.CharField(
        label=_("Item"),
        max_length=300,
        error_messages={"required": _("Give the item a title, or clear the row.")},
    )
    minutes_allotted = forms.IntegerField(
        label=_("Minutes"),
        min_value=1,
        max_value=MAX_ITEM_MINUTES,
        error_messages={"required": _("How many minutes?")},
    )
    presenter = forms.ChoiceField(label=_("Presenter"), required=False)
    indicator = forms.ChoiceField(label=_("Indicator"), required=False)
    decision = forms.ChoiceField(label=_("Decision"), required=False)
    activity = forms.ChoiceField(label=_("Activity"), required=False)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, choices: dict, **kwargs):
        super().__init__(*args, **kwargs)
        for name, options in choices.items():
            self.fields[name].choices = [("", "—"), *options]


class BaseAgendaFormSet(forms.BaseFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        form.fields["ORDER"].label = _("Position")
        form.fields["DELETE"].label = _("Remove this item")


AgendaFormSet = forms.formset_factory(
    AgendaItemForm,
    formset=BaseAgendaFormSet,
    extra=3,
    can_delete=True,
    can_order=True,
    max_num=50,
    absolute_max=60,
)


class AttendanceRowForm(forms.Form):
    """One expected person: their status and, for a delegate, who stood in."""

    person = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(
        label=_("Attendance"),
        required=False,
        choices=[("", _("Not recorded")), *Attendance.Status.choices],
    )
    delegate = forms.ChoiceField(label=_("Delegate (member)"), required=False)
    delegate_name = forms.CharField(
        label=_("Delegate (name, no account)"), required=False, max_length=200
    )

    def __init__(self, *args, delegates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["delegate"].choices = [("", "—"), *delegates]


AttendanceFormSet = forms.formset_factory(AttendanceRowForm, extra=0)


class MinutesForm(forms.Form):
    minutes = forms.CharField(
        label=_("Minutes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_("Markdown: **bold**, lists with -, links. Saved as a draft until published."),
    )
