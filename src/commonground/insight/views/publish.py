"""Publishing the report card from its internal page (the data manager, the lead)."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views import View

from commonground.core.access import InitiativeViewMixin
from commonground.core.errors import DomainError
from commonground.core.permissions import Perm
from commonground.insight.publishing import publish_report_card


class PublishReportCardView(InitiativeViewMixin, View):
    permission = Perm.REVIEW_DATA

    def post(self, request, slug):
        try:
            edition = publish_report_card(actor=request.user, initiative=self.initiative)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("The report card was published on %(date)s.")
                % {"date": formats.date_format(timezone.localtime(edition.published_at))},
            )
        return redirect("report_card", slug=slug)
