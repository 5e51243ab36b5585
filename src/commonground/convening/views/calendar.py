"""Calendar feeds: the page where a person makes (or stops) their private feed address, the
feeds behind that address, and the public feed of an initiative's open meetings.

The private feeds authenticate by the token in the address only (calendar programs send no
cookies); the token is stored hashed, so the page can show it once, right after it is made.
A wrong, revoked or regenerated token answers 404.
"""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from commonground.convening import calendar
from commonground.convening.models import CalendarFeed
from commonground.convening.services import meetings as services
from commonground.core.access import InitiativeViewMixin, get_access
from commonground.initiatives.models import Initiative, WorkingGroup

# The token of a feed just made, kept in the session until the page has shown it once.
SHOWN_ONCE = "calendar_feed_token"


def ics_response(cal, filename: str, *, private: bool) -> HttpResponse:
    response = HttpResponse(cal.to_ical(), content_type=calendar.CONTENT_TYPE)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, max-age=300" if private else "public, max-age=900"
    return response


def _name(user) -> str:
    return user.get_full_name() or user.get_username()


class CalendarFeedsView(InitiativeViewMixin, TemplateView):
    """One's private feed address: made, shown once, regenerated or revoked."""

    nav = "meetings"
    template_name = "convening/meetings/calendar_feeds.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        token = self.request.session.pop(SHOWN_ONCE, None)
        links = []
        if token:
            absolute = self.request.build_absolute_uri
            links.append(
                (_("All my meetings"), absolute(reverse("calendar_person_feed", args=[token])))
            )
            for body in WorkingGroup.objects.filter(initiative=self.initiative).order_by("name"):
                url = reverse("calendar_body_feed", args=[token, self.initiative.slug, body.code])
                links.append((body.name, absolute(url)))
        public_url = ""
        if self.initiative.is_public:
            public_url = self.request.build_absolute_uri(
                reverse("public_meetings_feed", args=[self.initiative.slug])
            )
        return super().get_context_data(
            feed=CalendarFeed.objects.filter(user=user, revoked_at=None).first(),
            links=links,
            public_url=public_url,
            **kwargs,
        )

    def post(self, request, slug):
        if request.POST.get("action") == "revoke":
            if services.revoke_calendar_feeds(user=request.user):
                messages.success(request, _("Your feed address no longer works."))
        else:
            request.session[SHOWN_ONCE] = services.create_calendar_feed(user=request.user)
            messages.success(
                request,
                _("Your new feed address is below. Copy it now: it is shown only once."),
            )
        return redirect("calendar_feeds", slug=slug)


class PersonFeedView(View):
    """Every meeting the token's owner is expected at, in all their initiatives."""

    def get(self, request, token):
        user = services.feed_owner(token)
        if user is None:
            raise Http404
        meetings = calendar.person_feed_meetings(user)
        cal = calendar.build_calendar(
            meetings, name=_("%(name)s: meetings") % {"name": _name(user)}
        )
        return ics_response(cal, "meetings.ics", private=True)


class BodyFeedView(View):
    """One body's meetings, for a member of its initiative."""

    def get(self, request, token, slug, code):
        user = services.feed_owner(token)
        if user is None:
            raise Http404
        initiative = get_access(user, slug).initiative
        body = get_object_or_404(WorkingGroup, initiative=initiative, code=code)
        cal = calendar.build_calendar(
            calendar.body_feed_meetings(body), name=f"{body.name} · {initiative.name}"
        )
        return ics_response(cal, f"{code}.ics", private=True)


class PublicFeedView(View):
    """The open meetings of a public initiative."""

    def get(self, request, slug):
        initiative = get_object_or_404(Initiative, slug=slug, is_public=True)
        cal = calendar.build_calendar(
            calendar.public_feed_meetings(initiative),
            name=_("%(name)s: open meetings") % {"name": initiative.name},
            public=True,
        )
        return ics_response(cal, f"{slug}-meetings.ics", private=False)
