"""The weekly console summary: the backbone console's figures by e-mail to each backbone lead.

Meant to run once a week (``commonground send-console-summary`` from cron, e.g. Monday 7:00:
``0 7 * * 1 commonground send-console-summary``; see ``docs/console.md``). For each initiative
(or the one given), the console is built once (``backbone.console.build_console``, the same
figures and the same "what to do next" lines as the page) and sent as plain text and HTML to
every active backbone lead with an e-mail address, every figure with the address of its list.
It changes nothing, so running it twice sends the summary twice; a lead who should not get it
is one who is not a backbone lead.
"""

import logging
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from commonground.backbone.console import Console, build_console
from commonground.core.access import InitiativeAccess
from commonground.initiatives.models import Initiative, Membership
from commonground.initiatives.roles import Role
from commonground.measurement.reminders import default_base_url

logger = logging.getLogger(__name__)


def backbone_leads(initiative) -> list[Membership]:
    """The active backbone leads of ``initiative`` with an e-mail address."""
    return list(
        Membership.objects.filter(
            initiative=initiative,
            role=Role.BACKBONE_LEAD,
            is_active=True,
            user__is_active=True,
        )
        .exclude(user__email="")
        .select_related("user", "partnership")
        .order_by("user__email")
    )


@dataclass
class Summary:
    """One initiative's console as the e-mail shows it (links made absolute)."""

    console: Console
    base_url: str
    console_url: str

    @property
    def initiative(self):
        return self.console.initiative

    @property
    def subject(self) -> str:
        return _("Backbone console, week of %(day)s: %(initiative)s") % {
            "day": self.console.today.isoformat(),
            "initiative": self.initiative.name,
        }

    def absolute(self, url: str) -> str:
        return self.base_url + url


def build_summary(membership: Membership, *, today: date, base_url: str) -> Summary:
    """The console of the lead's initiative, as that lead may see it, for the e-mail."""
    initiative = membership.initiative
    console = build_console(
        initiative, today=today, access=InitiativeAccess(initiative, membership)
    )
    base_url = base_url.rstrip("/")
    for tile in console.tiles:
        for figure in [tile.figure, *tile.details]:
            if figure is not None:
                figure.url = base_url + figure.url
    for step in console.steps:
        step.url = base_url + step.url
    return Summary(
        console=console,
        base_url=base_url,
        console_url=base_url + reverse("console", args=[initiative.slug]),
    )


def summary_message(summary: Summary, recipient) -> EmailMultiAlternatives:
    """The e-mail to one lead: plain text and HTML with the same figures."""
    context = {
        "summary": summary,
        "console": summary.console,
        "initiative": summary.initiative,
        "user": recipient,
        "funding_url": summary.absolute(reverse("funding", args=[summary.initiative.slug])),
    }
    message = EmailMultiAlternatives(
        subject=summary.subject,
        body=render_to_string("backbone/console/email/summary.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[recipient.email],
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(
        render_to_string("backbone/console/email/summary.html", context), "text/html"
    )
    return message


@dataclass
class Outcome:
    sent: int = 0
    failed: int = 0
    initiatives: int = 0
    planned: list = field(default_factory=list)  # (initiative, e-mail address) sent or to send

    def summary(self) -> str:
        return (
            f"{self.sent} console summaries sent for {self.initiatives} initiatives, "
            f"{self.failed} failed"
        )


def send_console_summaries(
    *,
    initiatives=None,
    today: date | None = None,
    base_url: str | None = None,
    dry_run: bool = False,
) -> Outcome:
    """E-mail each backbone lead the console of their initiative (all initiatives, or
    ``initiatives``). With ``dry_run``, only list who would get one."""
    today = today or timezone.localdate()
    base_url = base_url or default_base_url()
    if initiatives is None:
        initiatives = Initiative.objects.order_by("slug")
    outcome = Outcome()
    for initiative in initiatives:
        leads = backbone_leads(initiative)
        if not leads:
            continue
        outcome.initiatives += 1
        outcome.planned += [(initiative, m.user.email) for m in leads]
        if dry_run:
            continue
        # Every lead has the same role, so one console serves them all.
        summary = build_summary(leads[0], today=today, base_url=base_url)
        for membership in leads:
            try:
                summary_message(summary, membership.user).send()
            except OSError:  # SMTP errors are OSErrors
                logger.exception("Console summary to %s failed", membership.user.email)
                outcome.failed += 1
            else:
                outcome.sent += 1
    return outcome
