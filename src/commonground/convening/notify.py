"""Telling people in the app. Every area calls ``notify``; the digest e-mails gather what was
not yet e-mailed (``convening.digests``)."""

from django.utils import timezone

from commonground.convening.models import Notification


def notify(recipients, *, initiative, kind: str, text: str, url: str = "", exclude=None) -> int:
    """Create one notification per distinct recipient (but not for ``exclude``, usually the
    person who acted); call it inside the service's transaction. Returns how many were made."""
    seen = set()
    rows = []
    for person in recipients:
        if person is None or person.pk in seen or (exclude is not None and person.pk == exclude.pk):
            continue
        seen.add(person.pk)
        rows.append(
            Notification(
                recipient=person, initiative=initiative, kind=kind, text=text[:500], url=url
            )
        )
    Notification.objects.bulk_create(rows)
    return len(rows)


def unread(user, initiative):
    """The person's notifications in ``initiative`` not yet read in the app."""
    return Notification.objects.filter(recipient=user, initiative=initiative, read_at=None)


def mark_read(user, initiative, pks=None) -> int:
    """Mark the person's unread notifications in ``initiative`` read: all, or those ``pks``.

    Not audited: whether someone has read their own notices is their business, not a change to
    the initiative's record.
    """
    notifications = unread(user, initiative)
    if pks is not None:
        notifications = notifications.filter(pk__in=list(pks))
    return notifications.update(read_at=timezone.now())
