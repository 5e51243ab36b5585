"""The ``data`` of each event: what happened, with ids, names and links, never raw partner values.

Receivers that need the figures follow the links (signed in) or read the published report card.
"""

from django.conf import settings
from django.urls import reverse


def absolute(path: str) -> str:
    return getattr(settings, "SITE_URL", "").rstrip("/") + path


def submission_payload(submission) -> dict:
    """``submission.approved``: which partner's report for which period, and its revision."""
    partnership = submission.partnership
    slug = partnership.initiative.slug
    return {
        "submission": {
            "id": submission.pk,
            "period": submission.period,
            "revision": submission.revision,
            "status": submission.status,
            "approved_at": submission.reviewed_at.isoformat() if submission.reviewed_at else None,
            "url": absolute(reverse("review_submission", args=[slug, submission.pk])),
        },
        "partner": {"code": partnership.code, "name": str(partnership.organization)},
    }


def meeting_payload(meeting) -> dict:
    """``meeting.scheduled``: when and where, for which body (``None``: the whole initiative)."""
    body = meeting.body
    return {
        "meeting": {
            "id": meeting.pk,
            "title": meeting.title,
            "starts_at": meeting.starts_at.isoformat(),
            "duration_minutes": meeting.duration_minutes,
            "timezone": meeting.timezone,
            "recurrence": meeting.recurrence,
            "location": meeting.location,
            "online_url": meeting.online_url,
            "is_open": meeting.is_open,
            "url": absolute(reverse("meeting_detail", args=[meeting.initiative.slug, meeting.pk])),
        },
        "body": {"code": body.code, "name": body.name} if body else None,
    }


def report_card_payload(edition) -> dict:
    """``report_card.published``: the edition, its headline and where the public reads it."""
    initiative = edition.initiative
    headline = edition.document.get("headline", {})
    return {
        "edition": {
            "id": edition.pk,
            "published_at": edition.published_at.isoformat(),
            "indicators": len(edition.document.get("indicators", [])),
            "improving": headline.get("improving"),
            "gaps_closing": headline.get("gaps_closing"),
        },
        "public_url": absolute(reverse("public_report_card", args=[initiative.slug]))
        if initiative.is_public
        else None,
    }
