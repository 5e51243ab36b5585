"""The daily convening run (part of ``commonground send-reminders``; docs/decisions.md).

For each initiative, on ``today``:

- decisions whose closing time has passed are closed by the system, their outcome computed;
- an action item still to be done and due within ``DUE_SOON_DAYS`` days (today included) is
  reminded to its owner, once (``reminded_at``);
- an action item still to be done after its due date is reported to its owner and to the
  backbone lead(s), once (``overdue_notified_at``);
- a decision whose review date has come is brought back to its body's facilitator and the
  person who opened it, once (``review_reminded_at``).

Each reminder is a notification in the app and an e-mail (so the notification is marked as
e-mailed: the digest does not send it again). "Once" is guaranteed by a
conditional update that claims the reminder (``… WHERE reminded_at IS NULL``): of two runs at
the same time only one claims it. Claim, notification and e-mail share one transaction, so an
e-mail that cannot be sent leaves the reminder unclaimed for the next run.
"""

import logging
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.mail import send_mass_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from commonground.convening.models import ActionItem, Decision, Notification
from commonground.convening.notify import notify
from commonground.convening.services.action_items import ACTIVE
from commonground.convening.services.decisions import close_due_decisions
from commonground.initiatives.models import Initiative, Membership
from commonground.initiatives.roles import Role
from commonground.measurement.reminders import default_base_url

logger = logging.getLogger(__name__)

DUE_SOON_DAYS = 2


@dataclass
class ConveningOutcome:
    """What a run did."""

    decisions_closed: int = 0
    due_soon: int = 0
    overdue: int = 0
    reviews: int = 0
    emails: int = 0
    failed: int = 0

    def summary(self) -> str:
        return (
            f"{self.decisions_closed} decisions closed at their closing time; "
            f"{self.due_soon} action items due soon and {self.overdue} overdue reminded, "
            f"{self.reviews} decision reviews ({self.emails} e-mails), {self.failed} failed"
        )


@dataclass
class Message:
    """One reminder: who is told, in the app and by e-mail, what, and where to look."""

    recipients: list
    kind: str
    text: str
    path: str
    template: str
    context: dict


def _claim_and_send(model, pk: int, field: str, messages: list[Message], initiative, base_url):
    """Claim the reminder on ``model`` row ``pk`` and send ``messages``; the number of e-mails
    sent, or None when another run claimed it first."""
    now = timezone.now()
    with transaction.atomic():
        claimed = model.objects.filter(pk=pk, **{f"{field}__isnull": True}).update(**{field: now})
        if not claimed:
            return None
        emails = []
        for message in messages:
            notify(
                message.recipients,
                initiative=initiative,
                kind=message.kind,
                text=message.text,
                url=message.path,
            )
            emailed = [p for p in message.recipients if p is not None and p.email and p.is_active]
            # E-mailed now: the digest need not send the same notice again.
            Notification.objects.filter(
                recipient__in=emailed,
                initiative=initiative,
                kind=message.kind,
                url=message.path,
                created_at__gte=now,
                digested_at=None,
            ).update(digested_at=now)
            context = message.context | {
                "initiative": initiative,
                "link": base_url.rstrip("/") + message.path,
            }
            subject = " ".join(message.text.split())
            body = render_to_string(message.template, context)
            emails += [(subject, body, None, [person.email]) for person in emailed]
        # Sent inside the transaction: if the mail server refuses, the claim is undone too.
        return send_mass_mail(emails) if emails else 0


def _backbone_leads(initiative) -> list:
    return [
        m.user
        for m in Membership.objects.filter(
            initiative=initiative, role=Role.BACKBONE_LEAD, is_active=True
        ).select_related("user")
    ]


def _item_messages(item: ActionItem, overdue: bool, leads: list) -> list[Message]:
    slug = item.initiative.slug
    context = {"item": item, "overdue": overdue}
    values = {"title": item.title, "due": item.due_on.isoformat()}
    if not overdue:
        text = _("Reminder: “%(title)s” is due on %(due)s.") % values
        return [
            Message(
                [item.owner],
                "action_item_due",
                text,
                reverse("my_work", args=[slug]),
                "convening/action_items/email/reminder.txt",
                context,
            )
        ]
    owner_text = _("Overdue: “%(title)s” was due on %(due)s.") % values
    lead_text = _("Overdue: “%(title)s” (%(owner)s) was due on %(due)s.") % (
        values | {"owner": item.owner.get_full_name() or item.owner.get_username()}
    )
    others = [lead for lead in leads if lead.pk != item.owner_id]
    messages = [
        Message(
            [item.owner],
            "action_item_overdue",
            owner_text,
            reverse("my_work", args=[slug]),
            "convening/action_items/email/reminder.txt",
            context,
        )
    ]
    if others:
        messages.append(
            Message(
                others,
                "action_item_overdue",
                lead_text,
                reverse("action_item_list", args=[slug]) + "?show=overdue",
                "convening/action_items/email/reminder.txt",
                context | {"for_lead": True},
            )
        )
    return messages


def _review_messages(decision: Decision) -> list[Message]:
    people = [decision.opened_by, decision.body.facilitator if decision.body else None]
    text = _("Time to review the decision “%(title)s” (review date %(on)s).") % {
        "title": decision.title,
        "on": decision.review_on.isoformat(),
    }
    path = reverse("decision_detail", args=[decision.initiative.slug, decision.pk])
    recipients = list({p.pk: p for p in people if p is not None}.values())
    return [
        Message(
            recipients,
            "decision_review",
            text,
            path,
            "convening/decisions/email/review.txt",
            {"decision": decision},
        )
    ]


def _send(outcome: ConveningOutcome, counter: str, obj, field: str, messages, base_url) -> None:
    try:
        emails = _claim_and_send(type(obj), obj.pk, field, messages, obj.initiative, base_url)
    except OSError:  # SMTP errors are OSErrors; the claim was rolled back with them
        logger.exception("Convening reminder for %s %s not sent", type(obj).__name__, obj.pk)
        outcome.failed += 1
        return
    if emails is None:
        return
    setattr(outcome, counter, getattr(outcome, counter) + 1)
    outcome.emails += emails


def send_convening_reminders(
    *, today: date | None = None, initiatives=None, base_url: str | None = None
) -> ConveningOutcome:
    """Close decisions past their closing time and send the convening reminders due ``today``
    (default: today in the site's time zone), each once."""
    today = today or timezone.localdate()
    base_url = base_url or default_base_url()
    outcome = ConveningOutcome()
    for initiative in Initiative.objects.all() if initiatives is None else initiatives:
        outcome.decisions_closed += len(close_due_decisions(initiative=initiative))
        leads = _backbone_leads(initiative)
        items = ActionItem.objects.filter(
            initiative=initiative, status__in=ACTIVE, due_on__lte=today + timedelta(DUE_SOON_DAYS)
        ).select_related("owner", "initiative")
        for item in items.order_by("due_on", "pk"):
            overdue = item.due_on < today
            field = "overdue_notified_at" if overdue else "reminded_at"
            if getattr(item, field) is None:
                _send(
                    outcome,
                    "overdue" if overdue else "due_soon",
                    item,
                    field,
                    _item_messages(item, overdue, leads),
                    base_url,
                )
        reviews = Decision.objects.filter(
            initiative=initiative,
            status=Decision.Status.CLOSED,
            review_on__lte=today,
            review_reminded_at__isnull=True,
        ).select_related("initiative", "opened_by", "body__facilitator")
        for decision in reviews.order_by("review_on", "pk"):
            _send(
                outcome,
                "reviews",
                decision,
                "review_reminded_at",
                _review_messages(decision),
                base_url,
            )
    return outcome
