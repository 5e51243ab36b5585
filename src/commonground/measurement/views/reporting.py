"""Reporting pages: a partner's to-do, the data-entry grid and its inline check.

Views parse, authorize, call a service and render; the services check the permission again and
own every change (``open_submission``, ``save_values``, ``submit_submission``).
"""

from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from commonground.core.access import InitiativeViewMixin
from commonground.core.errors import DomainError
from commonground.core.permissions import Perm
from commonground.measurement import services, validation
from commonground.measurement.assignments import assignments_for, due_date
from commonground.measurement.forms_reporting import (
    ERROR,
    GridForm,
    as_finding,
    build_rows,
    measure_note,
    parse_row,
)
from commonground.measurement.models import DataValue, Indicator, Submission
from commonground.measurement.periods import PeriodError, parse_period_for
from commonground.measurement.services.values import validate_entries
from commonground.measurement.todo import (
    STATUS_LABELS,
    UNAPPROVED,
    open_reports_by_partner,
    todo_for,
)


def sees_every_partner(access) -> bool:
    """Who picks a partner on the to-do page instead of seeing their own."""
    return any(
        access.has(p) for p in (Perm.ENTER_ANY_DATA, Perm.REVIEW_DATA, Perm.VIEW_ALL_PARTNER_DATA)
    )


def reports_own_partner(access) -> bool:
    return access.partnership is not None and (
        access.has(Perm.ENTER_OWN_DATA) or access.has(Perm.VIEW_OWN_PARTNER_DATA)
    )


# Findings the inline check keeps to itself: a half-typed row is not a mistake yet.
STILL_TYPING = {"value_missing", "rate_parts_missing"}


class TodoView(InitiativeViewMixin, TemplateView):
    """What is due: one's own partner's reports, or for the backbone, any partner's."""

    nav = "reporting"
    template_name = "measurement/reporting/todo.html"

    def get_context_data(self, **kwargs):
        access = self.access
        today = timezone.localdate()
        context = {"today": today, "mode": "none"}
        partnership = None
        if sees_every_partner(access):
            context["mode"] = "all"
            context["partnerships"] = self.initiative.partnerships.select_related(
                "organization"
            ).order_by("organization__name")
            context["open_reports"] = open_reports_by_partner(self.initiative)
            context["statuses"] = [STATUS_LABELS[s] for s in UNAPPROVED]
            code = self.request.GET.get("partner", "")
            if code:
                partnership = get_object_or_404(
                    self.initiative.partnerships.select_related("organization"), code=code
                )
        elif reports_own_partner(access):
            context["mode"] = "own"
            partnership = access.partnership
        if partnership is not None:
            context["partnership"] = partnership
            context["reports"] = todo_for(self.initiative, partnership, today)
            context["can_enter"] = access.can_enter_data(partnership)
        return super().get_context_data(**context, **kwargs)


class GridMixin(InitiativeViewMixin):
    """One partner's report for one period; 404 unless the person may enter or see its data."""

    nav = "reporting"
    template_name = "measurement/reporting/grid.html"

    def load_report(self):
        access = self.access
        self.partnership = get_object_or_404(
            self.initiative.partnerships.select_related("organization"),
            code=self.kwargs["partner"],
        )
        self.can_enter = access.can_enter_data(self.partnership)
        if not (self.can_enter or access.can_see_partner_data(self.partnership)):
            raise Http404
        try:
            self.period = parse_period_for(self.initiative, self.kwargs["period"])
        except PeriodError:
            raise Http404 from None
        self.submission = (
            Submission.objects.filter(partnership=self.partnership, period=self.period.code)
            .select_related("submitted_by", "reviewed_by", "reopened_by")
            .first()
        )
        assigned = assignments_for(self.initiative, [self.partnership])
        deadlines = {a.indicator_id: a.deadline_days for a in assigned.values()}
        self.indicators = list(
            Indicator.objects.filter(
                initiative=self.initiative, pk__in=deadlines, frequency=self.period.frequency
            )
            .prefetch_related("dimensions__values")
            .order_by("sort_order", "name")
        )
        self.due = min(
            (due_date(self.period, deadlines[i.pk]) for i in self.indicators), default=None
        )
        saved = DataValue.objects.filter(
            partnership=self.partnership, period=self.period.code, indicator__in=self.indicators
        )
        self.rows = build_rows(self.indicators, {(v.indicator_id, v.cell): v for v in saved})

    @property
    def report_editable(self) -> bool:
        status = self.submission.status if self.submission else None
        return self.can_enter and (status is None or status in services.EDITABLE)

    def render_grid(self, form: GridForm | None = None, status=200):
        groups = []
        for row in self.rows:
            if row.first_of_indicator:
                groups.append(
                    {"indicator": row.indicator, "note": measure_note(row.indicator), "rows": []}
                )
            groups[-1]["rows"].append(row)
        submission = self.submission
        context = {
            "initiative": self.initiative,
            "nav": self.nav,
            "partnership": self.partnership,
            "period": self.period,
            "submission": submission,
            "status_label": STATUS_LABELS[submission.status if submission else "not_started"],
            "groups": groups,
            "rows": self.rows,
            "show_review": any(row.approved or row.returned for row in self.rows),
            "form": form,
            "editable": self.report_editable,
            "can_enter": self.can_enter,
            "can_review": self.access.has(Perm.REVIEW_DATA),
            "due": self.due,
            "late": (
                self.due is not None
                and timezone.localdate() > self.due
                and (submission is None or submission.status == Submission.Status.DRAFT)
            ),
            "error_links": error_links(self.rows) if form else [],
        }
        return render(self.request, self.template_name, context, status=status)


def error_links(rows):
    """Each error of the grid, for the summary on top: where it is and what it says."""
    links = []
    for row in rows:
        for finding in row.findings:
            if finding["severity"] != ERROR:
                continue
            target = row.ids.get(finding["field"]) or row.ids[row.fields[0]]
            links.append({"target": target, "row": row, "message": finding["message"]})
    return links


class GridView(GridMixin, View):
    """The grid: read it, save it as a draft, or save and submit it (plain POST, no JS needed)."""

    def get(self, request, slug, partner, period):
        self.load_report()
        return self.render_grid()

    def post(self, request, slug, partner, period):
        self.load_report()
        if not self.can_enter:
            raise Http404
        action = request.POST.get("action", "save")
        form = GridForm(self.rows, request.POST)
        if not form.is_valid():
            return self.render_grid(form)
        if action != "submit" and not form.entries:
            messages.info(request, _("Nothing to save: no value was entered."))
            return redirect("reporting_grid", slug=slug, partner=partner, period=period)
        try:
            with transaction.atomic():  # a refused save leaves no empty draft behind
                submission = self.submission or services.open_submission(
                    actor=request.user, partnership=self.partnership, period=self.period.code
                )
                if form.entries:
                    services.save_values(
                        actor=request.user, submission=submission, entries=form.entries
                    )
                if action == "submit":
                    services.submit_submission(actor=request.user, submission=submission)
        except DomainError as error:
            form.add_domain_error(error)
            return self.render_grid(form)
        if action == "submit":
            messages.success(
                request,
                _("The %(period)s report was submitted for review.") % {"period": self.period.code},
            )
        else:
            messages.success(request, _("The draft was saved."))
        return redirect("reporting_grid", slug=slug, partner=partner, period=period)


class ValidateView(GridMixin, View):
    """The inline check of one row as it is typed (htmx): the row's findings, nothing saved."""

    template_name = "measurement/reporting/_findings.html"

    def post(self, request, slug, partner, period):
        self.load_report()
        if not self.can_enter:
            raise Http404
        prefix = request.POST.get("row", "")
        row = next((r for r in self.rows if r.prefix == prefix), None)
        if row is None or row.approved:
            raise Http404
        row.data = {f: str(request.POST.get(n, "")) for f, n in row.names.items()}
        entry = parse_row(row)
        if entry is not None:
            submission = self.submission or Submission(
                partnership=self.partnership, period=self.period.code
            )
            for finding in check_entries(request.user, submission, [entry]):
                if finding["index"] is None and finding["severity"] != ERROR:
                    continue  # about the whole report (``late``), not this row
                if finding["code"] in STILL_TYPING:
                    continue  # said when saving; while typing it would nag at every key
                row.add_finding(
                    finding["code"], finding["message"], finding["severity"], finding["field"]
                )
        context = {"row": row, "checked": True}
        return render(request, self.template_name, context)


def check_entries(actor, submission, entries) -> list[dict]:
    """What validation says about ``entries``, without writing anything.

    A report not started yet has no row to read; it is checked as the empty draft it would be,
    through the same pipeline (the view has already checked that the person may enter data).
    """
    if submission.pk is not None:
        findings = validate_entries(actor=actor, submission=submission, entries=entries)
    else:
        registry = validation.Registry.load(
            submission.partnership.initiative, [submission.partnership_id]
        )
        validator = validation.Validator(registry, today=validation.today())
        findings = validator.check_submission(submission, entries)
    return [as_finding(f) for f in findings]
