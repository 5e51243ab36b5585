"""Import pages: upload a values file, follow its progress, read its errors, import for real.

Views parse, authorize, call a service (``imports.jobs``) and render; the import itself runs in
the worker (``imports.tasks.run_import``) and the job page polls a fragment for its progress.
"""

from django import forms
from django.contrib import messages
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.generic import TemplateView

from commonground.core.access import InitiativeViewMixin
from commonground.core.errors import DomainError
from commonground.core.permissions import Perm
from commonground.measurement.imports import jobs
from commonground.measurement.imports.report import read_report
from commonground.measurement.models import ImportJob

Status = ImportJob.Status
SHOWN_ERRORS = 100
JOBS_LISTED = 50


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy(
            "A values file (CSV or Excel .xlsx: indicator, partner, period, a column per "
            "dimension, value, numerator, denominator, comment) or a DHIS2 data value set "
            "(JSON or CSV)."
        ),
    )
    format = forms.ChoiceField(
        label=gettext_lazy("Format"),
        required=False,
        choices=[("", gettext_lazy("Recognise it from the file")), *ImportJob.Format.choices],
    )
    dry_run = forms.BooleanField(
        label=gettext_lazy("Dry run: check the file and show what would change, write nothing"),
        required=False,
        initial=True,
    )
    approve = forms.BooleanField(
        label=gettext_lazy("Approve the imported reports at once"),
        required=False,
        help_text=gettext_lazy(
            "Otherwise they wait in the review queue as submitted reports, like reports "
            "entered by partners."
        ),
    )

    def __init__(self, *args, may_approve: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not may_approve:
            del self.fields["approve"]


class _SizeLimit(FileUploadHandler):
    """Stops reading an upload as soon as it is larger than ``IMPORT_MAX_BYTES``."""

    def __init__(self, request, limit: int):
        super().__init__(request)
        self.limit = limit
        self.received = 0
        self.too_large = False

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self.too_large = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None


class ImportMixin(InitiativeViewMixin):
    permission = Perm.RUN_IMPORTS
    nav = "imports"

    def get_job(self) -> ImportJob:
        return get_object_or_404(
            ImportJob.objects.select_related("created_by"),
            initiative=self.initiative,
            pk=self.kwargs["pk"],
        )

    @property
    def may_approve(self) -> bool:
        return self.access.has(Perm.REVIEW_DATA)


@method_decorator(csrf_exempt, name="dispatch")  # checked in ``post``, after the size limit
class ImportListView(ImportMixin, View):
    """The initiative's past imports and the upload form."""

    template_name = "measurement/imports/list.html"

    def get(self, request, slug):
        return self.render(UploadForm(may_approve=self.may_approve))

    def post(self, request, slug):
        limit = jobs.max_bytes()
        try:
            announced = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            announced = 0
        if announced > limit + 64 * 1024:  # the form's other fields take a few bytes
            return self.too_large(limit, announced)
        handler = _SizeLimit(request, limit)
        request.upload_handlers.insert(0, handler)
        return csrf_protect(lambda request: self.upload(request, handler, limit))(request)

    def upload(self, request, handler, limit):
        files = request.FILES  # reading the body, through the size limit
        if handler.too_large:
            return self.too_large(limit, handler.received)
        form = UploadForm(request.POST, files, may_approve=self.may_approve)
        if not form.is_valid():
            return self.render(form, status=400)
        data = form.cleaned_data
        try:
            job = jobs.start_import(
                actor=request.user,
                initiative=self.initiative,
                upload=data["file"],
                dry_run=data["dry_run"],
                approve=data.get("approve", False),
                file_format=data["format"],
            )
        except DomainError as problem:
            form.add_error("file", problem.message)
            return self.render(form, status=400)
        return redirect("import_detail", slug=self.initiative.slug, pk=job.pk)

    def too_large(self, limit, size):
        problem = _(
            "This file is too large to import (the largest is %(limit)s). Split it into smaller "
            "files, by partner or by period."
        ) % {"limit": jobs.megabytes(limit)}
        return self.render(UploadForm(may_approve=self.may_approve), status=413, problem=problem)

    def render(self, form, status=200, problem=""):
        context = {
            "problem": problem,
            "initiative": self.initiative,
            "nav": self.nav,
            "form": form,
            "jobs": ImportJob.objects.filter(initiative=self.initiative).select_related(
                "created_by"
            )[:JOBS_LISTED],
            "max_size": jobs.megabytes(jobs.max_bytes()),
        }
        return render(self.request, self.template_name, context, status=status)


def status_context(job: ImportJob) -> dict:
    """What the job page and its polled fragment show."""
    running = job.status in (Status.QUEUED, Status.RUNNING)
    report = jobs.error_report_file(job)
    return {
        "job": job,
        "running": running,
        "writing": running and job.rows_total and job.rows_done >= job.rows_total,
        "counts": job.counts or {},
        "errors": read_report(report, SHOWN_ERRORS) if report and not running else [],
        "more_errors": max(job.error_count - SHOWN_ERRORS, 0),
        "can_import": job.dry_run and job.status == Status.SUCCEEDED,
    }


class ImportDetailView(ImportMixin, TemplateView):
    template_name = "measurement/imports/detail.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**status_context(self.get_job()), **kwargs)


class ImportProgressView(ImportMixin, TemplateView):
    """The job's status panel alone, for the page to poll while the job runs."""

    template_name = "measurement/imports/_status.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**status_context(self.get_job()), **kwargs)


class ImportCommitView(ImportMixin, View):
    """Import for real the file of a dry run that found nothing wrong."""

    def post(self, request, slug, pk):
        job = self.get_job()
        try:
            real = jobs.import_for_real(actor=request.user, job=job)
        except DomainError as problem:
            messages.error(request, problem.message)
            return redirect("import_detail", slug=slug, pk=job.pk)
        return redirect("import_detail", slug=slug, pk=real.pk)


class ImportErrorsView(ImportMixin, View):
    """The job's error report, as the CSV file it is (row, column, code, message)."""

    def get(self, request, slug, pk):
        job = self.get_job()
        report = jobs.error_report_file(job)
        if report is None or not report.is_file():
            raise Http404
        stem = job.original_name.rsplit(".", 1)[0] or "import"
        return FileResponse(
            open(report, "rb"),
            as_attachment=True,
            filename=f"{stem}-errors.csv",
            content_type="text/csv; charset=utf-8",
        )
