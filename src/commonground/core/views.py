"""The audit log page and account pages."""

from datetime import datetime, time

from django.contrib.auth import views as auth_views
from django.core.paginator import Paginator
from django.utils import timezone
from django.views.generic import TemplateView

from commonground.core.access import InitiativeViewMixin
from commonground.core.models import AuditEvent
from commonground.core.permissions import Perm


def _day(value: str, end: bool = False):
    try:
        day = datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        return None
    return timezone.make_aware(datetime.combine(day, time.max if end else time.min))


class AuditLogView(InitiativeViewMixin, TemplateView):
    """The backbone reads and filters the initiative's audit events, newest first."""

    permission = Perm.VIEW_AUDIT_LOG
    nav = "audit"
    template_name = "core/audit_log.html"
    page_size = 50

    def get_context_data(self, **kwargs):
        params = self.request.GET
        events = AuditEvent.objects.filter(initiative=self.initiative).select_related("actor")
        filters = {
            "action": params.get("action", ""),
            "object_type": params.get("object_type", ""),
            "actor": params.get("actor", ""),
            "since": params.get("since", ""),
            "until": params.get("until", ""),
        }
        if filters["action"]:
            events = events.filter(action=filters["action"])
        if filters["object_type"]:
            events = events.filter(object_type=filters["object_type"])
        if filters["actor"]:
            events = events.filter(actor_label__icontains=filters["actor"])
        if since := _day(filters["since"]):
            events = events.filter(created_at__gte=since)
        if until := _day(filters["until"], end=True):
            events = events.filter(created_at__lte=until)
        scope = AuditEvent.objects.filter(initiative=self.initiative)
        page = Paginator(events, self.page_size).get_page(params.get("page"))
        query = params.copy()
        query.pop("page", None)
        return super().get_context_data(
            page=page,
            filters=filters,
            query=query.urlencode(),
            actions=scope.order_by("action").values_list("action", flat=True).distinct(),
            object_types=scope.order_by("object_type")
            .values_list("object_type", flat=True)
            .distinct(),
            **kwargs,
        )


class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True
