"""E-mail digests of in-app notifications (SPEC §3.4.5), daily or weekly as each person chooses.

Meant to run once a day (``commonground send-digests`` from cron or a systemd timer, or the
``send_digests_task`` task through ``commonground worker``). For each active person with an
e-mail address and notifications not yet e-mailed:

* **When.** A digest is due when the person's choice (``DigestPreference``, weekly unless they
  chose otherwise) says so: daily once ``DUE_AFTER["daily"]`` has passed since the last one,
  weekly once ``DUE_AFTER["weekly"]`` has — an hour short of a day or a week, so that a daily
  run starting a few minutes earlier than yesterday's does not skip a day. "Never" sends nothing.
* **What.** Everything not yet e-mailed (``digested_at`` empty) from the last
  ``LOOKBACK`` days, grouped by initiative, newest first, at most ``MAX_ITEMS`` listed (the rest
  counted, with a link to the notifications page). Notifications already read in the app are
  listed too, marked as seen, so the digest is a complete record of what happened — but a digest
  is only sent when at least one of them is still unread: someone who keeps up in the app gets
  no e-mail. Only initiatives the person is still an active member of are included.
* **Once.** The person's preference row is locked, the digest's notifications are marked
  e-mailed and the time recorded before the e-mail is sent, in one transaction, so two runs at
  the same time cannot both send it; if sending fails, the marks are taken back for the next run.
* **Leaving.** Every digest carries a signed unsubscribe link that works without logging in, and
  the ``List-Unsubscribe`` / ``List-Unsubscribe-Post`` headers for one-click unsubscription
  (RFC 8058). The link's page asks for one click to confirm: mail scanners fetch links, and a
  plain visit must not unsubscribe anyone (RFC 8058 §1).
"""

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_tasks import task

from commonground.convening.models import DigestPreference, Notification
from commonground.core import audit
from commonground.core.errors import DomainError
from commonground.measurement.reminders import default_base_url

logger = logging.getLogger(__name__)
User = get_user_model()
Frequency = DigestPreference.Frequency

DUE_AFTER = {
    Frequency.DAILY: timedelta(days=1) - timedelta(hours=1),
    Frequency.WEEKLY: timedelta(days=7) - timedelta(hours=1),
}
LOOKBACK = timedelta(days=30)
MAX_ITEMS = 50
UNSUBSCRIBE_SALT = "commonground.digest-unsubscribe"


# The person's choice ------------------------------------------------------------------------


def preference_for(user) -> DigestPreference:
    """The person's digest choice (weekly until they choose; not saved until then)."""
    found = DigestPreference.objects.filter(user=user).first()
    return found or DigestPreference(user=user)


@transaction.atomic
def set_digest_frequency(*, actor, user, frequency: str, how: str = "changed") -> DigestPreference:
    """Change how often ``user`` gets digests; only they may (``actor`` is them, or ``None`` for
    a command). ``how`` names the way it was done in the audit log (the settings page, or the
    unsubscribe link, which proves who it is by its signature instead of a login)."""
    if actor is not None and actor.pk != user.pk:
        raise DomainError(_("Only the person can change their e-mail digests."), code="not_yours")
    if frequency not in Frequency.values:
        raise DomainError(_("Choose daily, weekly or never."), code="unknown_frequency")
    preference, _created = DigestPreference.objects.get_or_create(user=user)
    preference = DigestPreference.objects.select_for_update().get(pk=preference.pk)
    before = {"frequency": preference.frequency}
    if preference.frequency != frequency:
        preference.frequency = frequency
        preference.save(update_fields=["frequency"])
        audit.record(
            actor=actor,
            action=f"digest.{how}",
            obj=preference,
            before=before,
            after={"frequency": frequency},
        )
    return preference


def unsubscribe_token(user) -> str:
    return signing.dumps(user.pk, salt=UNSUBSCRIBE_SALT)


def user_for_token(token: str):
    """The active person an unsubscribe token was made for, or ``None`` if it is not genuine."""
    try:
        pk = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return User.objects.filter(pk=pk, is_active=True).first()


# Who is due, and what they get --------------------------------------------------------------


def is_due(preference: DigestPreference, now: datetime) -> bool:
    if preference.frequency == Frequency.NEVER:
        return False
    last = preference.last_sent_at
    return last is None or now - last >= DUE_AFTER[preference.frequency]


def pending(user, now: datetime):
    """The person's notifications not yet e-mailed, in initiatives they still belong to."""
    return Notification.objects.filter(
        recipient=user,
        digested_at=None,
        created_at__lte=now,
        created_at__gt=now - LOOKBACK,
        initiative__memberships__user=user,
        initiative__memberships__is_active=True,
    )


def candidates(now: datetime):
    """Active people with an address and something not yet e-mailed (one query)."""
    recent = {
        "notifications__digested_at": None,
        "notifications__created_at__gt": now - LOOKBACK,
        "notifications__created_at__lte": now,
    }
    return (
        User.objects.filter(is_active=True, **recent)
        .exclude(email="")
        .select_related("digest_preference")
        .distinct()
        .order_by("pk")
    )


@dataclass
class Group:
    initiative: object
    items: list
    notifications_url: str


@dataclass
class Digest:
    """One person's digest: its notifications grouped by initiative, and the links it needs."""

    user: object
    frequency: str
    groups: list[Group]
    total: int
    unread: int
    more: int  # not listed (past MAX_ITEMS), still on the notifications pages
    base_url: str
    settings_url: str
    unsubscribe_url: str

    @property
    def seen(self) -> int:
        return self.total - self.unread

    @property
    def subject(self) -> str:
        where = self.groups[0].initiative.name if len(self.groups) == 1 else _("your initiatives")
        return ngettext(
            "%(n)s unread notification in %(where)s",
            "%(n)s unread notifications in %(where)s",
            self.unread,
        ) % {"n": self.unread, "where": where}


def _absolute(base_url: str, url: str, fallback: str) -> str:
    """A notification's link as an address (its initiative's notifications page if it has none)."""
    if url.startswith(("http://", "https://")):
        return url
    return base_url + (url if url.startswith("/") else fallback)


def build_digest(user, frequency: str, notifications: list, base_url: str) -> Digest:
    """Arrange ``notifications`` (newest first) for the e-mail; adds no query."""
    base_url = base_url.rstrip("/")
    listed = notifications[:MAX_ITEMS]
    by_initiative = defaultdict(list)
    for notification in listed:
        by_initiative[notification.initiative_id].append(notification)
    groups = []
    for items in by_initiative.values():
        initiative = items[0].initiative
        page = reverse("notification_list", args=[initiative.slug])
        for item in items:
            item.link = _absolute(base_url, item.url, page)
        groups.append(Group(initiative=initiative, items=items, notifications_url=base_url + page))
    groups.sort(key=lambda g: g.initiative.name)
    return Digest(
        user=user,
        frequency=frequency,
        groups=groups,
        total=len(notifications),
        unread=sum(1 for n in notifications if n.read_at is None),
        more=len(notifications) - len(listed),
        base_url=base_url,
        settings_url=base_url + reverse("notification_settings"),
        unsubscribe_url=base_url + reverse("digest_unsubscribe", args=[unsubscribe_token(user)]),
    )


def digest_message(digest: Digest) -> EmailMultiAlternatives:
    """The e-mail: plain text and HTML, with the one-click unsubscribe headers (RFC 8058)."""
    context = {"digest": digest, "user": digest.user}
    message = EmailMultiAlternatives(
        subject=" ".join(digest.subject.split()),
        body=render_to_string("convening/email/digest.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[digest.user.email],
        headers={
            "List-Unsubscribe": f"<{digest.unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(
        render_to_string("convening/email/digest.html", context), "text/html"
    )
    return message


# Sending ------------------------------------------------------------------------------------


@dataclass
class Outcome:
    """What a run did, per person: sent, not due yet, nothing unread, failed."""

    sent: int = 0
    notifications: int = 0
    not_due: int = 0
    nothing_unread: int = 0
    failed: int = 0
    planned: list = field(default_factory=list)  # dry run: (person, how many) that would go

    def as_dict(self) -> dict:
        return {
            "sent": self.sent,
            "notifications": self.notifications,
            "not_due": self.not_due,
            "nothing_unread": self.nothing_unread,
            "failed": self.failed,
        }

    def summary(self) -> str:
        return (
            f"{self.sent} digests sent ({self.notifications} notifications), {self.not_due} "
            f"not due yet, {self.nothing_unread} with nothing unread (all seen in the app), "
            f"{self.failed} failed"
        )


def _claim(user, now: datetime):
    """Lock the person's preference and, if a digest is due, mark its notifications e-mailed.

    Returns (preference, notifications, previous last_sent_at), or a reason string."""
    with transaction.atomic():
        preference, _created = DigestPreference.objects.get_or_create(user=user)
        preference = DigestPreference.objects.select_for_update().get(pk=preference.pk)
        if not is_due(preference, now):
            return "not_due"
        notifications = list(
            pending(user, now).select_related("initiative").order_by("-created_at", "-pk")
        )
        if not any(n.read_at is None for n in notifications):
            return "nothing_unread"
        previous = preference.last_sent_at
        Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(digested_at=now)
        preference.last_sent_at = now
        preference.save(update_fields=["last_sent_at"])
    return preference, notifications, previous


def _release(preference, notifications, previous, now) -> None:
    """Sending failed: the next run sends these again."""
    with transaction.atomic():
        Notification.objects.filter(pk__in=[n.pk for n in notifications], digested_at=now).update(
            digested_at=None
        )
        DigestPreference.objects.filter(pk=preference.pk, last_sent_at=now).update(
            last_sent_at=previous
        )


def send_digests(
    *, now: datetime | None = None, base_url: str | None = None, dry_run: bool = False
) -> Outcome:
    """Send every digest due at ``now`` (default: now), each at most once; see the module doc.

    With ``dry_run``, list who would get one (``Outcome.planned``) and change nothing."""
    now = now or timezone.now()
    base_url = base_url or default_base_url()
    outcome = Outcome()
    for user in candidates(now):
        if dry_run:
            preference = getattr(user, "digest_preference", None) or DigestPreference(user=user)
            items = list(pending(user, now).values_list("read_at", flat=True))
            if not is_due(preference, now):
                outcome.not_due += 1
            elif all(read is not None for read in items):
                outcome.nothing_unread += 1
            else:
                outcome.planned.append((user, len(items)))
            continue
        claimed = _claim(user, now)
        if claimed == "not_due":
            outcome.not_due += 1
            continue
        if claimed == "nothing_unread":
            outcome.nothing_unread += 1
            continue
        preference, notifications, previous = claimed
        digest = build_digest(user, preference.frequency, notifications, base_url)
        try:
            digest_message(digest).send()
        except OSError:  # SMTP errors are OSErrors
            logger.exception("Digest to %s not sent", user.email)
            _release(preference, notifications, previous, now)
            outcome.failed += 1
            continue
        outcome.sent += 1
        outcome.notifications += len(notifications)
    return outcome


@task()
def send_digests_task(base_url: str = "") -> dict:
    """The daily digest run, for ``commonground worker``."""
    return send_digests(base_url=base_url or None).as_dict()
