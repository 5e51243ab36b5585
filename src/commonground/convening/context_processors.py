"""Template context for the header: how many notifications the person has not read."""

from functools import cached_property

from django.urls import reverse

from commonground.convening.notify import unread


class UnreadNotifications:
    """Counted only if a template asks (one query), so pages that do not show it pay nothing."""

    def __init__(self, user, initiative):
        self.user, self.initiative = user, initiative

    @cached_property
    def count(self) -> int:
        return unread(self.user, self.initiative).count()

    @property
    def url(self) -> str:
        return reverse("notification_list", args=[self.initiative.slug])


def unread_notifications(request):
    """``unread_notifications`` (``.count``, ``.url``) on pages inside an initiative."""
    access = getattr(request, "access", None)
    user = getattr(request, "user", None)
    if access is None or user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": UnreadNotifications(user, access.initiative)}
