"""Meeting pages: the list, scheduling and changing a series, one meeting with its agenda,
attendance and minutes, moving or cancelling it; and the public pages of open meetings.

Every member sees the initiative's meetings, their agendas, attendance and published minutes.
Scheduling and running them needs ``RUN_MEETINGS``, or being the body's named facilitator
(``services.meetings.may_run``); others get 404 on those pages. The public sees open meetings of
public initiatives only: agendas and published minutes, never attendance.
"""

from datetime import timedelta

from django.contrib import messages
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from commonground.action.models import Activity
from commonground.convening.meetings import (
    Instance,
    describe_rule,
    expected_people,
    instance_at,
    instances_between,
    meetings_of,
    parse_key,
    person_sort_key,
    zone_of,
)
from commonground.convening.models import Decision, Occurrence
from commonground.convening.services import meetings as services
from commonground.convening.views.meeting_forms import (
    AgendaFormSet,
    AttendanceFormSet,
    MeetingForm,
    MinutesForm,
    MoveForm,
)
from commonground.core.access import InitiativeViewMixin
from commonground.core.errors import DomainError
from commonground.core.permissions import Perm
from commonground.initiatives.models import Initiative, Membership, WorkingGroup
from commonground.insight.document import build_report_card
from commonground.insight.markdown import render_story
from commonground.insight.views.present import build_tile
from commonground.measurement.models import Indicator

LIST_AHEAD = timedelta(days=62)
LIST_BEHIND = timedelta(days=92)
DETAIL_AHEAD = timedelta(days=366)
DETAIL_BEHIND = timedelta(days=366)


def _with_counts(rows):
    return rows.annotate(
        item_count=Count("items", distinct=True),
        attendance_count=Count("attendance", distinct=True),
    )


class MeetingsMixin(InitiativeViewMixin):
    nav = "meetings"

    def get_meeting(self):
        return get_object_or_404(meetings_of(self.initiative), pk=self.kwargs["pk"])

    def get_instance(self, meeting) -> Instance:
        moment = parse_key(self.kwargs["key"])
        found = instance_at(meeting, moment) if moment else None
        if found is None:
            raise Http404
        return found

    def can_run(self, body) -> bool:
        return services.may_run(self.access, body)

    def require_run(self, body) -> None:
        if not self.can_run(body):
            raise Http404

    def schedulable_bodies(self) -> list:
        groups = WorkingGroup.objects.filter(initiative=self.initiative).order_by("name")
        if not self.access.has(Perm.RUN_MEETINGS):
            groups = groups.filter(facilitator=self.request.user)
        return list(groups)

    def render_page(self, template, context, status=200):
        context = {"initiative": self.initiative, "nav": self.nav, **context}
        return render(self.request, template, context, status=status)


class MeetingListView(MeetingsMixin, TemplateView):
    """The initiative's meetings: the next two months, the last three, and every series."""

    template_name = "convening/meetings/list.html"

    def get_context_data(self, **kwargs):
        bodies = list(WorkingGroup.objects.filter(initiative=self.initiative).order_by("name"))
        chosen = self.request.GET.get("body", "")
        meetings = meetings_of(self.initiative)
        if chosen == "whole":
            meetings = meetings.filter(body=None)
        elif chosen:
            meetings = meetings.filter(body__code=chosen)
        meetings = list(meetings)
        now = timezone.now()
        found = instances_between(
            meetings, now - LIST_BEHIND, now + LIST_AHEAD, rows=_with_counts(Occurrence.objects)
        )
        series = [(m, describe_rule(m)) for m in meetings]
        return super().get_context_data(
            bodies=bodies,
            chosen=chosen,
            upcoming=[i for i in found if i.ends_at > now],
            recent=[i for i in reversed(found) if i.ends_at <= now],
            series=series,
            can_schedule=self.access.has(Perm.RUN_MEETINGS)
            or any(b.facilitator_id == self.request.user.pk for b in bodies),
            **kwargs,
        )


class MeetingFormView(MeetingsMixin, View):
    template_name = "convening/meetings/meeting_form.html"
    meeting = None

    def form(self, data=None, initial=None):
        bodies = self.schedulable_bodies()
        whole = self.access.has(Perm.RUN_MEETINGS)
        if not bodies and not whole:
            raise Http404
        return MeetingForm(data, initial=initial, bodies=bodies, whole=whole)

    def show(self, form, status=200):
        return self.render_page(
            self.template_name, {"form": form, "meeting": self.meeting}, status=status
        )

    def post(self, request, slug, **kwargs):
        form = self.form(request.POST)
        if form.is_valid():
            try:
                saved = self.save(form.meeting_data())
            except DomainError as error:
                form.show_error(error)
            else:
                return redirect("meeting_detail", slug=slug, pk=saved.pk)
        return self.show(form, status=400)


class MeetingCreateView(MeetingFormView):
    def get(self, request, slug):
        return self.show(self.form(initial={"body": request.GET.get("body", "")}))

    def save(self, data):
        meeting = services.schedule_meeting(
            actor=self.request.user, initiative=self.initiative, data=data
        )
        messages.success(self.request, _("The meeting was scheduled."))
        return meeting


class MeetingEditView(MeetingFormView):
    def setup_meeting(self):
        self.meeting = self.get_meeting()
        self.require_run(self.meeting.body)

    def get(self, request, slug, pk):
        self.setup_meeting()
        return self.show(self.form(initial=MeetingForm.initial_for(self.meeting)))

    def post(self, request, slug, pk):
        self.setup_meeting()
        return super().post(request, slug)

    def save(self, data):
        saved = services.update_meeting(actor=self.request.user, meeting=self.meeting, data=data)
        if saved.pk != self.meeting.pk:
            messages.success(
                self.request,
                _(
                    "The new times apply from %(date)s on, as a new series; the meetings "
                    "already held keep their record."
                )
                % {"date": Instance(saved, saved.starts_at).when},
            )
        else:
            messages.success(self.request, _("The meeting was changed."))
        return saved


class MeetingDetailView(MeetingsMixin, TemplateView):
    """One series: its rhythm, its coming meetings and the past ones."""

    template_name = "convening/meetings/meeting_detail.html"

    def get_context_data(self, **kwargs):
        meeting = self.get_meeting()
        now = timezone.now()
        found = instances_between(
            [meeting],
            now - DETAIL_BEHIND,
            now + DETAIL_AHEAD,
            rows=_with_counts(Occurrence.objects),
        )
        return super().get_context_data(
            meeting=meeting,
            rhythm=describe_rule(meeting),
            first=Instance(meeting, meeting.starts_at),
            upcoming=[i for i in found if i.ends_at > now][:12],
            past=[i for i in reversed(found) if i.ends_at <= now],
            expected=len(expected_people(meeting)),
            can_run=self.can_run(meeting.body),
            **kwargs,
        )


# --- one meeting ---------------------------------------------------------------------------------


def agenda_items(instance: Instance) -> list:
    if instance.occurrence is None:
        return []
    return list(
        instance.occurrence.items.select_related("presenter", "indicator", "decision", "activity")
    )


def agenda_charts(initiative, items, *, public: bool, internal_links: bool) -> dict:
    """The latest chart of each indicator the agenda links: the report card's own tile (the
    public card's when ``public``: published indicators, small cells withheld)."""
    codes = {item.indicator.code for item in items if item.indicator_id}
    if not codes:
        return {}
    card = build_report_card(initiative, public=public)
    tiles = {}
    for report in card.indicators:
        code = report.indicator.code
        if code not in codes:
            continue
        if public:
            url = reverse("public_indicator_report", args=[initiative.slug, code])
        elif internal_links:
            url = reverse("indicator_report", args=[initiative.slug, code])
        else:
            url = reverse("indicator_detail", args=[initiative.slug, code])
        tiles[report.indicator.pk] = build_tile(report, initiative=initiative, url=url)
    return tiles


def agenda_context(initiative, instance: Instance, *, public: bool, sees_results: bool) -> dict:
    """The agenda as shown: each item with its clock times, and its indicator's tile."""
    items = agenda_items(instance)
    charts = agenda_charts(
        initiative, items, public=public or not sees_results, internal_links=sees_results
    )
    rows, offset = [], 0
    for item in items:
        begins = instance.local_start + timedelta(minutes=offset)
        offset += item.minutes_allotted
        ends = instance.local_start + timedelta(minutes=offset)
        clock = f"{begins:%H:%M}–{ends:%H:%M}"
        item.chart_id = f"agenda-chart-{item.pk}"
        rows.append((item, charts.get(item.indicator_id), clock))
    return {
        "items": rows,
        "agenda_total": offset,
        "agenda_over": offset > instance.duration_minutes,
    }


def attendance_rows(instance: Instance) -> list[tuple]:
    """(person, attendance or None) for everyone expected and anyone recorded."""
    recorded = {}
    if instance.occurrence is not None:
        recorded = {
            a.person_id: a
            for a in instance.occurrence.attendance.select_related("person", "delegate")
        }
    people = {p.pk: p for p in expected_people(instance.meeting)}
    people.update({a.person_id: a.person for a in recorded.values()})
    ordered = sorted(people.values(), key=person_sort_key)
    return [(person, recorded.get(person.pk)) for person in ordered]


def attendance_summary(rows) -> dict:
    counts = {"present": 0, "delegate": 0, "absent": 0, "excused": 0, "unrecorded": 0}
    for _person, record in rows:
        counts[record.status if record else "unrecorded"] += 1
    return counts


class OccurrenceDetailView(MeetingsMixin, TemplateView):
    """One meeting: when and where, the agenda (with the linked indicators' charts), who came
    and the minutes."""

    template_name = "convening/meetings/occurrence_detail.html"

    def get_context_data(self, **kwargs):
        meeting = self.get_meeting()
        instance = self.get_instance(meeting)
        can_run = self.can_run(meeting.body)
        row = instance.occurrence
        rows = attendance_rows(instance)
        show_minutes = row is not None and bool(row.minutes) and (row.minutes_published or can_run)
        return super().get_context_data(
            meeting=meeting,
            instance=instance,
            can_run=can_run,
            attendance=rows,
            summary=attendance_summary(rows),
            minutes=render_story(row.minutes) if show_minutes else "",
            decisions=list(row.decisions.all()) if row else [],
            action_items=list(row.action_items.select_related("owner")) if row else [],
            **agenda_context(
                self.initiative,
                instance,
                public=False,
                sees_results=self.access.has(Perm.VIEW_RESULTS),
            ),
            **kwargs,
        )


class RunOccurrenceMixin(MeetingsMixin):
    """Pages that change one meeting: for those who run the body's meetings."""

    def load(self):
        self.meeting = self.get_meeting()
        self.require_run(self.meeting.body)
        self.instance = self.get_instance(self.meeting)

    def back(self, anchor=""):
        return redirect(self.instance.url + anchor)

    def page(self, template, context, status=200):
        return self.render_page(
            template, {"meeting": self.meeting, "instance": self.instance, **context}, status
        )


def _choices(objects, label=str) -> list[tuple[str, str]]:
    return [(str(o.pk), label(o)) for o in objects]


def _person_label(user) -> str:
    return user.get_full_name() or user.get_username()


class OccurrenceAgendaView(RunOccurrenceMixin, View):
    """Build one meeting's agenda: time-boxed items, each optionally about an indicator, a
    decision or an activity."""

    template_name = "convening/meetings/agenda_form.html"

    def options(self):
        initiative = self.initiative
        people = sorted(
            (
                m.user
                for m in Membership.objects.filter(
                    initiative=initiative, is_active=True
                ).select_related("user")
            ),
            key=person_sort_key,
        )
        self.objects = {
            "presenter": {p.pk: p for p in people},
            "indicator": {
                i.pk: i for i in Indicator.objects.filter(initiative=initiative).order_by("name")
            },
            "decision": {d.pk: d for d in Decision.objects.filter(initiative=initiative)},
            "activity": {
                a.pk: a for a in Activity.objects.filter(initiative=initiative).order_by("title")
            },
        }
        choices = {name: _choices(found.values()) for name, found in self.objects.items()}
        choices["presenter"] = _choices(people, _person_label)
        return choices

    def formset(self, data=None):
        initial = [
            {
                "title": item.title,
                "minutes_allotted": item.minutes_allotted,
                "presenter": str(item.presenter_id or ""),
                "indicator": str(item.indicator_id or ""),
                "decision": str(item.decision_id or ""),
                "activity": str(item.activity_id or ""),
                "notes": item.notes,
                "ORDER": number,
            }
            for number, item in enumerate(agenda_items(self.instance), start=1)
        ]
        return AgendaFormSet(
            data, initial=initial, prefix="items", form_kwargs={"choices": self.options()}
        )

    def show(self, formset, error="", status=200):
        return self.page(self.template_name, {"formset": formset, "error": error}, status)

    def get(self, request, slug, pk, key):
        self.load()
        return self.show(self.formset())

    def entries(self, formset) -> list[services.AgendaEntry]:
        kept = [
            f
            for f in formset.ordered_forms
            if f.cleaned_data.get("title") and not f.cleaned_data.get("DELETE")
        ]
        entries = []
        for form in kept:
            data = form.cleaned_data
            linked = {
                name: self.objects[name].get(int(data[name])) if data.get(name) else None
                for name in self.objects
            }
            entries.append(
                services.AgendaEntry(
                    title=data["title"],
                    minutes_allotted=data["minutes_allotted"],
                    notes=data.get("notes", ""),
                    **linked,
                )
            )
        return entries

    def post(self, request, slug, pk, key):
        self.load()
        formset = self.formset(request.POST)
        if formset.is_valid():
            try:
                services.save_agenda(
                    actor=request.user,
                    meeting=self.meeting,
                    original_start=self.instance.original_start,
                    entries=self.entries(formset),
                )
            except DomainError as error:
                return self.show(formset, error.message, status=400)
            messages.success(request, _("The agenda was saved."))
            return self.back("#agenda")
        return self.show(formset, status=400)


class OccurrenceAttendanceView(RunOccurrenceMixin, View):
    """Record who came; a delegate standing in names who it was (a member, or a name)."""

    template_name = "convening/meetings/attendance_form.html"

    def formset(self, data=None):
        rows = attendance_rows(self.instance)
        self.people = {person.pk: person for person, _record in rows}
        members = [
            m.user
            for m in Membership.objects.filter(
                initiative=self.initiative, is_active=True
            ).select_related("user")
            if m.user_id not in self.people
        ]
        self.delegates = {u.pk: u for u in members}
        initial = [
            {
                "person": person.pk,
                "status": record.status if record else "",
                "delegate": str(record.delegate_id or "") if record else "",
                "delegate_name": record.delegate_name if record else "",
            }
            for person, record in rows
        ]
        formset = AttendanceFormSet(
            data,
            initial=initial,
            prefix="people",
            form_kwargs={
                "delegates": _choices(sorted(members, key=person_sort_key), _person_label)
            },
        )
        for form, (person, _record) in zip(formset.forms, rows, strict=False):
            form.person_label = _person_label(person)
        return formset

    def show(self, formset, error="", status=200):
        return self.page(
            self.template_name,
            {"formset": formset, "error": error, "started": self.instance.is_past},
            status,
        )

    def get(self, request, slug, pk, key):
        self.load()
        return self.show(self.formset())

    def post(self, request, slug, pk, key):
        self.load()
        formset = self.formset(request.POST)
        if not formset.is_valid():
            return self.show(formset, status=400)
        entries = []
        for form in formset.forms:
            data = form.cleaned_data
            person = self.people.get(data["person"])
            if person is None:
                raise Http404
            delegate = self.delegates.get(int(data["delegate"])) if data["delegate"] else None
            entries.append(
                services.AttendanceEntry(
                    person=person,
                    status=data["status"],
                    delegate=delegate,
                    delegate_name=data["delegate_name"],
                )
            )
        try:
            services.record_attendance(
                actor=request.user,
                meeting=self.meeting,
                original_start=self.instance.original_start,
                entries=entries,
            )
        except DomainError as error:
            return self.show(formset, error.message, status=400)
        messages.success(request, _("Attendance was recorded."))
        return self.back("#attendance")


class OccurrenceMinutesView(RunOccurrenceMixin, View):
    """Write the minutes; publish them when they are ready."""

    template_name = "convening/meetings/minutes_form.html"

    def get(self, request, slug, pk, key):
        self.load()
        row = self.instance.occurrence
        form = MinutesForm(initial={"minutes": row.minutes if row else ""})
        return self.page(self.template_name, {"form": form, "row": row})

    def post(self, request, slug, pk, key):
        self.load()
        form = MinutesForm(request.POST)
        row = self.instance.occurrence
        if form.is_valid():
            original = self.instance.original_start
            try:
                services.save_minutes(
                    actor=request.user,
                    meeting=self.meeting,
                    original_start=original,
                    text=form.cleaned_data["minutes"],
                )
                if "publish" in request.POST:
                    services.publish_minutes(
                        actor=request.user, meeting=self.meeting, original_start=original
                    )
            except DomainError as error:
                form.add_error("minutes", error.message)
            else:
                published = "publish" in request.POST
                messages.success(
                    request,
                    _("The minutes were published.") if published else _("The minutes were saved."),
                )
                return self.back("#minutes")
        return self.page(self.template_name, {"form": form, "row": row}, status=400)


class OccurrenceRescheduleView(RunOccurrenceMixin, View):
    """Move one meeting to another time, cancel it, or undo the cancellation."""

    template_name = "convening/meetings/reschedule.html"

    def form(self, data=None):
        local = self.instance.local_start
        return MoveForm(
            data,
            initial={
                "date": local.date(),
                "start_time": local.time(),
                "duration_minutes": self.instance.duration_minutes,
            },
        )

    def get(self, request, slug, pk, key):
        self.load()
        return self.page(self.template_name, {"form": self.form()})

    def post(self, request, slug, pk, key):
        self.load()
        action = request.POST.get("action")
        common = {
            "actor": request.user,
            "meeting": self.meeting,
            "original_start": self.instance.original_start,
        }
        form = self.form(request.POST if action == "move" else None)
        try:
            if action == "cancel":
                services.cancel_occurrence(**common)
                messages.success(request, _("The meeting was cancelled."))
            elif action == "restore":
                services.restore_occurrence(**common)
                messages.success(request, _("The meeting is back on."))
            elif action == "move" and form.is_valid():
                services.move_occurrence(
                    **common,
                    starts_at=form.starts_at(zone_of(self.meeting)),
                    duration_minutes=form.cleaned_data["duration_minutes"],
                )
                messages.success(request, _("The meeting was moved."))
            else:
                return self.page(self.template_name, {"form": form}, status=400)
        except DomainError as error:
            return self.page(self.template_name, {"form": form, "error": error.message}, status=400)
        return self.back()


# --- public pages --------------------------------------------------------------------------------


class PublicMixin:
    """Open meetings of a public initiative, for anyone; anything else is 404."""

    def get_initiative(self) -> Initiative:
        return get_object_or_404(Initiative, slug=self.kwargs["slug"], is_public=True)

    def open_meetings(self, initiative):
        return meetings_of(initiative).filter(is_open=True)


class PublicMeetingListView(PublicMixin, TemplateView):
    template_name = "convening/meetings/public_list.html"

    def get_context_data(self, **kwargs):
        initiative = self.get_initiative()
        meetings = list(self.open_meetings(initiative))
        now = timezone.now()
        found = instances_between(meetings, now - LIST_BEHIND, now + LIST_AHEAD)
        return super().get_context_data(
            initiative=initiative,
            public=True,
            upcoming=[i for i in found if i.ends_at > now],
            recent=[i for i in reversed(found) if i.ends_at <= now and not i.is_cancelled],
            **kwargs,
        )


class PublicOccurrenceView(PublicMixin, TemplateView):
    template_name = "convening/meetings/public_occurrence.html"

    def get_context_data(self, **kwargs):
        initiative = self.get_initiative()
        meeting = get_object_or_404(self.open_meetings(initiative), pk=self.kwargs["pk"])
        moment = parse_key(self.kwargs["key"])
        instance = instance_at(meeting, moment) if moment else None
        if instance is None:
            raise Http404
        row = instance.occurrence
        published = row is not None and row.minutes_published
        return super().get_context_data(
            initiative=initiative,
            public=True,
            meeting=meeting,
            instance=instance,
            minutes=render_story(row.minutes) if published else "",
            **agenda_context(initiative, instance, public=True, sees_results=False),
            **kwargs,
        )
