"""Telling a partner what happened to its report, by e-mail once the change is committed."""

from django.core.mail import send_mass_mail
from django.db import transaction
from django.template.loader import render_to_string

from commonground.initiatives.models import Membership
from commonground.initiatives.roles import PARTNER_ROLES


def notify_partner(submission, event: str, comment: str, values=()) -> None:
    """E-mail the partner's leads and reporters that their report was ``event``."""
    partnership = submission.partnership
    recipients = list(
        Membership.objects.filter(
            partnership=partnership, role__in=sorted(PARTNER_ROLES), is_active=True
        )
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )
    if not recipients:
        return
    context = {
        "submission": submission,
        "initiative": partnership.initiative,
        "event": event,
        "comment": comment,
        "values": values,
    }
    subject = render_to_string("measurement/email/review_subject.txt", context).strip()
    body = render_to_string("measurement/email/review.txt", context)
    messages = [(subject, body, None, [address]) for address in recipients]
    transaction.on_commit(lambda: send_mass_mail(messages, fail_silently=False))
