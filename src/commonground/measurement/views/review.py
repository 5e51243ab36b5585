"""Review pages for the data manager: the queue of submitted reports and one report's review.

Every action is a POST to its own URL that calls one service of ``measurement.services.review``
(which checks the permission and the state machine again) and redirects with a message.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import TemplateView

from commonground.core.access import InitiativeViewMixin
from commonground.core.errors import DomainError
from commonground.core.permissions import Perm
from commonground.measurement import services
from commonground.measurement.forms_reporting import CellNames, rate_of, shown_number
from commonground.measurement.models import DataValue, ReviewState, Submission
from commonground.measurement.reporting_periods import period_start, previous_period

Status = Submission.Status
QUEUE_PAGE_SIZE = 100


class ReviewMixin(InitiativeViewMixin):
    permission = Perm.REVIEW_DATA
    nav = "review"

    def get_submission(self) -> Submission:
        """The report, in this initiative only (404 for a missing one and another's alike)."""
        return get_object_or_404(
            Submission.objects.select_related(
                "partnership__organization", "submitted_by", "reviewed_by", "reopened_by"
            ),
            pk=self.kwargs["pk"],
            partnership__initiative=self.initiative,
        )


def queue_filters(data) -> dict[str, str]:
    """The queue's filters as given (unknown values are kept: they simply match nothing)."""
    return {
        "period": str(data.get("period", "")).strip(),
        "partner": str(data.get("partner", "")).strip(),
    }


def queue_url(slug: str, filters: dict[str, str]) -> str:
    query = urlencode({k: v for k, v in filters.items() if v})
    url = reverse("review_queue", args=[slug])
    return f"{url}?{query}" if query else url


class ReviewQueueView(ReviewMixin, TemplateView):
    """Submitted reports, oldest first, to approve one by one or together."""

    template_name = "measurement/review/queue.html"

    def get_context_data(self, **kwargs):
        filters = queue_filters(self.request.GET)
        submitted = Submission.objects.filter(
            partnership__initiative=self.initiative, status=Status.SUBMITTED
        )
        periods = sorted(
            set(submitted.values_list("period", flat=True)),
            key=lambda code: (period_start(self.initiative, code), code),
            reverse=True,
        )
        reports = submitted
        if filters["period"]:
            reports = reports.filter(period=filters["period"])
        if filters["partner"]:
            reports = reports.filter(partnership__code=filters["partner"])
        reports = (
            reports.select_related("partnership__organization", "submitted_by")
            .annotate(
                value_count=Count("values"),
                warning_count=Count("values", filter=~Q(values__flags=[])),
            )
            .order_by("submitted_at", "pk")
        )
        page = Paginator(reports, QUEUE_PAGE_SIZE).get_page(self.request.GET.get("page"))
        return super().get_context_data(
            page=page,
            reports=page.object_list,
            filters=filters,
            filtered=any(filters.values()),
            periods=periods,
            partnerships=self.initiative.partnerships.select_related("organization").order_by(
                "organization__name"
            ),
            total=submitted.count(),
            **kwargs,
        )


class BulkApproveView(ReviewMixin, View):
    """Approve the selected reports, each through ``approve_submission``."""

    def post(self, request, slug):
        filters = queue_filters(request.POST)
        ids = [int(v) for v in request.POST.getlist("submission") if v.isdigit()]
        if not ids:
            messages.error(request, _("Select the reports to approve."))
            return redirect(queue_url(slug, filters))
        submissions = list(
            Submission.objects.filter(
                pk__in=ids, partnership__initiative=self.initiative
            ).select_related("partnership__organization")
        )
        approved, refused = services.bulk_approve(actor=request.user, submissions=submissions)
        if approved:
            messages.success(
                request,
                ngettext(
                    "%(n)d report was approved.", "%(n)d reports were approved.", len(approved)
                )
                % {"n": len(approved)},
            )
        for submission in submissions:
            if submission.pk in refused:
                messages.error(
                    request,
                    _("Not approved: %(partner)s, %(period)s — %(reason)s")
                    % {
                        "partner": submission.partnership,
                        "period": submission.period,
                        "reason": refused[submission.pk].message,
                    },
                )
        missing = len(set(ids)) - len(submissions)
        if missing:
            messages.error(
                request,
                ngettext(
                    "%(n)d selected report no longer exists.",
                    "%(n)d selected reports no longer exist.",
                    missing,
                )
                % {"n": missing},
            )
        return redirect(queue_url(slug, filters))


class ReviewLine:
    """One value of the report as the reviewer reads it, with the previous period's beside it."""

    def __init__(self, value: DataValue, previous: DataValue | None, cell_label: str):
        self.value = value
        self.indicator = value.indicator
        self.previous = previous
        self.cell_label = cell_label

    @staticmethod
    def _shown(value: DataValue | None) -> str:
        if value is None:
            return "—"
        indicator = value.indicator
        kind = indicator.value_type
        if kind == "rate":
            return (
                f"{shown_number(value.numerator, value.censor)} ÷ {shown_number(value.denominator)}"
            )
        if kind == "narrative":
            return value.text
        if kind == "yes_no" and value.value is not None:
            return _("Yes") if value.value else _("No")
        number = shown_number(value.value, value.censor)
        unit = indicator.unit
        if not unit or value.value is None:
            return number
        return f"{number}{unit}" if unit == "%" else f"{number} {unit}"

    @property
    def shown(self) -> str:
        return self._shown(self.value)

    @property
    def is_narrative(self) -> bool:
        return self.indicator.value_type == "narrative"

    @property
    def rate(self) -> str:
        v = self.value
        return rate_of(self.indicator, v.numerator, v.denominator, v.censor)

    @property
    def previous_shown(self) -> str:
        if self.previous is None:
            return ""
        p = self.previous
        rate = rate_of(self.indicator, p.numerator, p.denominator, p.censor)
        return rate or self._shown(p)

    @property
    def warnings(self) -> list[dict]:
        return [f for f in (self.value.flags or []) if isinstance(f, dict)]

    @property
    def approved(self) -> bool:
        return self.value.review_state == ReviewState.APPROVED


class ReviewSubmissionView(ReviewMixin, TemplateView):
    """Every value of one report, with what the reviewer can do at its status."""

    template_name = "measurement/review/submission.html"

    def get_context_data(self, **kwargs):
        submission = self.get_submission()
        values = list(
            submission.values.select_related("indicator").order_by(
                "indicator__sort_order", "indicator__name", "cell"
            )
        )
        before = previous_period(self.initiative, submission.period)
        previous = {}
        if before:
            previous = {
                (v.indicator_id, v.cell): v
                for v in DataValue.objects.filter(
                    partnership=submission.partnership,
                    period=before,
                    indicator__in={v.indicator_id for v in values},
                ).select_related("indicator")
            }
        names = CellNames.of_initiative(self.initiative)
        lines = [
            ReviewLine(v, previous.get((v.indicator_id, v.cell)), names(v.cell)) for v in values
        ]
        is_submitted = submission.status == Status.SUBMITTED
        return super().get_context_data(
            submission=submission,
            partnership=submission.partnership,
            lines=lines,
            previous_code=before,
            warning_count=sum(1 for line in lines if line.warnings),
            can_decide=is_submitted,
            can_reopen=submission.status == Status.APPROVED,
            **kwargs,
        )


class ReviewActionView(ReviewMixin, View):
    """A POST that calls one review service and comes back with what happened."""

    success_message = ""

    def act(self, request, submission):  # pragma: no cover - each action defines it
        raise NotImplementedError

    def done_url(self, submission):
        return reverse("review_submission", args=[self.initiative.slug, submission.pk])

    def post(self, request, slug, pk):
        submission = self.get_submission()
        try:
            message = self.act(request, submission)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("review_submission", slug=slug, pk=pk)
        messages.success(request, message)
        return redirect(self.done_url(submission))


class ApproveView(ReviewActionView):
    def act(self, request, submission):
        services.approve_submission(
            actor=request.user,
            submission=submission,
            comment=request.POST.get("comment", "").strip(),
        )
        return _("The %(period)s report of %(partner)s was approved.") % _names(submission)

    def done_url(self, submission):
        return reverse("review_queue", args=[self.initiative.slug])


class ReturnView(ReviewActionView):
    def act(self, request, submission):
        value_comments = {}
        for value_id in submission.values.values_list("pk", flat=True):
            comment = request.POST.get(f"value-comment-{value_id}", "").strip()
            if comment:
                value_comments[value_id] = comment
        services.return_submission(
            actor=request.user,
            submission=submission,
            comment=request.POST.get("comment", "").strip(),
            value_comments=value_comments,
        )
        return _("The %(period)s report of %(partner)s was returned with your comments.") % _names(
            submission
        )

    def done_url(self, submission):
        return reverse("review_queue", args=[self.initiative.slug])


class ApproveValuesView(ReviewActionView):
    def act(self, request, submission):
        ids = [int(v) for v in request.POST.getlist("value") if v.isdigit()]
        if not ids:
            raise DomainError(_("Select the values to approve."), code="nothing_selected")
        submission = services.approve_values(
            actor=request.user, submission=submission, value_ids=ids
        )
        if submission.status == Status.APPROVED:
            return _("Every value is approved: the report is approved.")
        return ngettext(
            "%(n)d value was approved.", "%(n)d values were approved.", len(set(ids))
        ) % {"n": len(set(ids))}


class ReopenView(ReviewActionView):
    def act(self, request, submission):
        services.reopen_submission(
            actor=request.user,
            submission=submission,
            reason=request.POST.get("reason", "").strip(),
        )
        return _(
            "The %(period)s report of %(partner)s was reopened: its values leave the approved "
            "data until it is approved again."
        ) % _names(submission)


def _names(submission):
    return {"partner": submission.partnership, "period": submission.period}
