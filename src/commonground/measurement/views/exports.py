"""Export pages: choose a format and filters, download approved data, check a DHIS2 export.

A DHIS2 download first shows the check page — what the file will hold and every value left out,
with the reason — whose button downloads the file (``checked=1``).

Downloads stream: CSV and DHIS2 JSON are written while they are sent; the XLSX workbook is
written to a temporary file first (a zip cannot be sent before it is finished) and then sent
from there. Only approved values are exported (``measurement.exports``).
"""

import tempfile

from django.db.models import Count
from django.http import FileResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.views import View
from django.views.generic import TemplateView

from commonground.core.access import InitiativeViewMixin
from commonground.core.permissions import Perm
from commonground.measurement import dhis2
from commonground.measurement.exports import (
    FORMATS,
    ExportError,
    ExportFilters,
    ExportReport,
    check_filters,
    count_approved,
    csv_chunks,
    dhis2_data_values,
    dhis2_json_chunks,
    write_xlsx,
)
from commonground.measurement.exports.forms import ExportForm
from commonground.measurement.models import ExternalCode

TEMPLATE = "measurement/exports/export.html"


class ExportMixin(InitiativeViewMixin):
    permission = Perm.EXPORT_DATA
    nav = "export"

    def form(self) -> ExportForm:
        data = self.request.GET if "format" in self.request.GET else None
        return ExportForm(data, initiative=self.initiative)

    def page(self, form, status=200):
        context = {
            "initiative": self.initiative,
            "nav": self.nav,
            "form": form,
            "approved": count_approved(self.initiative),
            "dhis2_codes": _dhis2_code_counts(self.initiative),
        }
        return render(self.request, TEMPLATE, context, status=status)

    def checked(self, form) -> ExportFilters | None:
        """The form's filters; ``None`` when they are wrong (the form then says why)."""
        if not form.is_valid():
            return None
        try:
            return check_filters(self.initiative, form.filters())
        except ExportError as error:
            form.add_error(None, error.message)
            return None


def _dhis2_code_counts(initiative) -> list[tuple[str, int]]:
    """(label, how many DHIS2 codes) per kind of mapping."""
    counts = dict(
        ExternalCode.objects.filter(initiative=initiative, system=dhis2.SYSTEM)
        .values("kind")
        .annotate(n=Count("pk"))
        .values_list("kind", "n")
    )
    return [(label, counts.get(kind, 0)) for kind, label in ExternalCode.Kind.choices]


class ExportView(ExportMixin, View):
    """The form; it sends its choices to the download (and to the DHIS2 check)."""

    def get(self, request, slug):
        return self.page(self.form())


class ExportDownloadView(ExportMixin, View):
    def get(self, request, slug):
        form = ExportForm(request.GET, initiative=self.initiative)
        filters = self.checked(form)
        if filters is None:
            return self.page(form, status=400)
        export = FORMATS[form.cleaned_data["format"]]
        if export.code == "dhis2-json" and not request.GET.get("checked"):
            # Values DHIS2 cannot take are left out: show which before the file is taken.
            query = request.GET.urlencode()
            return redirect(f"{reverse('export_dhis2_check', args=[slug])}?{query}")
        name = _filename(self.initiative.slug, filters, export.extension)
        if export.code == "xlsx":
            workbook = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
            try:
                write_xlsx(self.initiative, workbook, filters)
            except BaseException:
                workbook.close()
                raise
            workbook.seek(0)
            response = FileResponse(
                workbook, as_attachment=True, filename=name, content_type=export.content_type
            )
        else:
            chunks = csv_chunks if export.code == "csv" else dhis2_json_chunks
            response = StreamingHttpResponse(
                (chunk.encode() for chunk in chunks(self.initiative, filters)),
                content_type=export.content_type,
            )
            response["Content-Disposition"] = content_disposition_header(True, name)
        patch_cache_control(response, private=True, no_store=True)
        return response


class Dhis2CheckView(ExportMixin, TemplateView):
    """What a DHIS2 export of these filters would write, and which values it would skip, why."""

    template_name = "measurement/exports/dhis2_check.html"

    def get(self, request, slug):
        data = request.GET.copy()
        data["format"] = "dhis2-json"
        form = ExportForm(data, initiative=self.initiative)
        filters = self.checked(form)
        if filters is None:
            return self.page(form, status=400)
        report = ExportReport()
        data_values = sum(1 for _item in dhis2_data_values(self.initiative, filters, report))
        return self.render_to_response(
            self.get_context_data(
                form=form,
                filters=filters,
                report=report,
                data_values=data_values,
                download_query=_with(data, checked="1"),
            )
        )


def _with(query, **extra) -> str:
    query = query.copy()
    for key, value in extra.items():
        query[key] = value
    return query.urlencode()


def _filename(slug: str, filters, extension: str) -> str:
    parts = [slug, "approved"]
    parts += [value for value in (filters.indicator, filters.partner, filters.period) if value]
    parts.append(timezone.localdate().isoformat())
    return "-".join(parts) + "." + extension
