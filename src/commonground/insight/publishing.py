"""Publishing the report card: an edition records the public card as it stood, and the
initiative's webhooks hear of it (``report_card.published``)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from commonground.core import audit
from commonground.core.authorization import authorize
from commonground.core.errors import DomainError
from commonground.core.permissions import Perm
from commonground.initiatives.models import Initiative
from commonground.insight.document import build_report_card, report_card_json
from commonground.insight.models import ReportCardEdition
from commonground.webhooks import events
from commonground.webhooks.payloads import report_card_payload


@transaction.atomic
def publish_report_card(*, actor, initiative: Initiative) -> ReportCardEdition:
    """Store the public report card (published indicators, small cells withheld) as an edition.

    Needs ``REVIEW_DATA`` (the data manager, the lead). Refused when no indicator is published:
    the public card would be empty.
    """
    authorize(actor, initiative, lambda access: access.has(Perm.REVIEW_DATA))
    card = build_report_card(initiative, public=True)
    if not card.indicators:
        raise DomainError(
            _("No indicator is published yet: publish indicators before the report card."),
            code="nothing_to_publish",
        )
    edition = ReportCardEdition.objects.create(
        initiative=initiative,
        published_at=timezone.now(),
        published_by=actor,
        document=report_card_json(card),
    )
    audit.record(
        actor=actor,
        action="report_card.published",
        obj=edition,
        initiative=initiative,
        after={
            "indicators": len(card.indicators),
            "published_at": edition.published_at.isoformat(),
        },
    )
    events.emit(initiative, events.REPORT_CARD_PUBLISHED, report_card_payload(edition))
    return edition


def latest_edition(initiative: Initiative) -> ReportCardEdition | None:
    """The newest edition, without its document (one query)."""
    return (
        ReportCardEdition.objects.filter(initiative=initiative)
        .defer("document")
        .select_related("published_by")
        .first()
    )
