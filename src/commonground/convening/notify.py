"""Telling people in the app. Every area calls ``notify``; the digest e-mails gather what was
not yet e-mailed (``convening.digests``)."""

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
