"""Recording funders' grants and funding commitments, mapped to the agenda's strategies.

A funder records its own grants — those of the partnership its membership acts for
(``Perm.RECORD_OWN_GRANTS``); the backbone lead records and corrects any
(``Perm.MANAGE_FUNDING``). Each function checks the actor's permission itself, runs in one
transaction, refuses bad input with a ``DomainError`` before anything is written, and writes an
audit event with the state before and after.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from commonground.action.models import Grant, Strategy
from commonground.convening.notify import notify
from commonground.core import audit
from commonground.core.authorization import authorize
from commonground.core.errors import DomainError
from commonground.core.permissions import ROLE_PERMISSIONS, Perm
from commonground.initiatives.models import Initiative, Membership, Partnership

CENT = Decimal("0.01")
# Grant.amount has 14 digits, 2 of them after the point.
MAX_AMOUNT = Decimal("1e12")
TITLE_LENGTH = Grant._meta.get_field("title").max_length
GRANT_FIELDS = [
    "funder",
    "recipient",
    "title",
    "kind",
    "amount",
    "starts_on",
    "ends_on",
    "notes",
]


@dataclass
class GrantData:
    """What a person entered for one grant."""

    funder: Partnership | None
    title: str
    amount: Decimal | None
    starts_on: date | None
    ends_on: date | None
    kind: str = Grant.Kind.GRANT
    recipient: Partnership | None = None
    strategies: list[Strategy] = field(default_factory=list)
    notes: str = ""


def may_record_for(access, funder: Partnership | None) -> bool:
    """The lead records any funder's grants; a funder only those of the partner it acts for."""
    if access.has(Perm.MANAGE_FUNDING):
        return True
    return (
        access.has(Perm.RECORD_OWN_GRANTS)
        and funder is not None
        and access.partnership is not None
        and access.partnership.pk == funder.pk
    )


def _check(initiative: Initiative, data: GrantData, grant: Grant | None = None) -> None:
    """Refuse what cannot be saved, naming the first problem."""
    if data.funder is None:
        raise DomainError(_("Choose the funder."), code="funder_missing")
    if data.funder.initiative_id != initiative.pk:
        raise DomainError(_("That funder is not in this initiative."), code="wrong_initiative")
    if data.recipient is not None and data.recipient.initiative_id != initiative.pk:
        raise DomainError(_("That recipient is not in this initiative."), code="wrong_initiative")
    title = (data.title or "").strip()
    if not title:
        raise DomainError(_("Give the grant a title."), code="title_missing")
    if len(title) > TITLE_LENGTH:
        raise DomainError(
            _("The title is longer than %(n)d characters.") % {"n": TITLE_LENGTH},
            code="title_too_long",
        )
    if data.kind not in Grant.Kind.values:
        raise DomainError(_("Choose a grant or a funding commitment."), code="unknown_kind")
    _check_amount(data.amount)
    if data.starts_on is None or data.ends_on is None:
        raise DomainError(_("Give the first and the last day of the grant."), code="dates_missing")
    if data.ends_on < data.starts_on:
        raise DomainError(
            _("The grant ends (%(end)s) before it starts (%(start)s).")
            % {"end": data.ends_on.isoformat(), "start": data.starts_on.isoformat()},
            code="dates_reversed",
        )
    _check_strategies(initiative, data.strategies, grant)


def _check_amount(amount: Decimal | None) -> None:
    if amount is None:
        raise DomainError(_("Give the amount in dollars."), code="amount_missing")
    if not amount.is_finite() or amount <= 0:
        raise DomainError(
            _("The amount must be more than zero dollars."), code="amount_not_positive"
        )
    if amount >= MAX_AMOUNT:
        raise DomainError(_("The amount is too large."), code="amount_too_large")
    if amount != amount.quantize(CENT):
        raise DomainError(_("Give the amount in whole cents."), code="amount_precision")


def _check_strategies(initiative, strategies, grant: Grant | None) -> None:
    """Strategies of this initiative; a retired one only if the grant already supported it."""
    kept = set(grant.strategies.values_list("pk", flat=True)) if grant else set()
    for strategy in strategies:
        if strategy.initiative_id != initiative.pk:
            raise DomainError(
                _("The strategy “%(name)s” is not part of this initiative's agenda.")
                % {"name": strategy.title},
                code="strategy_wrong_initiative",
            )
        if strategy.is_retired and strategy.pk not in kept:
            raise DomainError(
                _("The strategy “%(name)s” is retired: link the grant to a current one.")
                % {"name": strategy.title},
                code="strategy_retired",
            )


def grant_state(grant: Grant) -> dict:
    """What the audit log keeps of a grant: its fields and the codes of its strategies."""
    state = audit.snapshot(grant, GRANT_FIELDS)
    state["strategies"] = sorted(grant.strategies.values_list("code", flat=True))
    return state


def _write(grant: Grant, data: GrantData) -> Grant:
    grant.funder = data.funder
    grant.recipient = data.recipient
    grant.title = data.title.strip()
    grant.kind = data.kind
    grant.amount = data.amount.quantize(CENT)
    grant.starts_on = data.starts_on
    grant.ends_on = data.ends_on
    grant.notes = (data.notes or "").strip()
    grant.save()
    grant.strategies.set(data.strategies)
    return grant


def _tell_the_backbone(actor, grant: Grant, verb: str, kind: str) -> None:
    """Those who manage funding hear of every grant recorded or changed, unless they did it."""
    roles = [role for role, perms in ROLE_PERMISSIONS.items() if Perm.MANAGE_FUNDING in perms]
    managers = [
        m.user
        for m in Membership.objects.filter(
            initiative=grant.initiative, role__in=roles, is_active=True
        ).select_related("user")
    ]
    text = _("%(funder)s %(verb)s a grant: %(title)s ($%(amount)s).") % {
        "funder": grant.funder.organization.name,
        "verb": verb,
        "title": grant.title,
        "amount": f"{grant.amount:,.2f}",
    }
    notify(
        managers,
        initiative=grant.initiative,
        kind=kind,
        text=text,
        url=reverse("funding", args=[grant.initiative.slug]),
        exclude=actor,
    )


def _locked(grant: Grant) -> Grant:
    """The grant read afresh and locked (a bound form may have written into the caller's copy)."""
    return Grant.objects.select_for_update().select_related("initiative").get(pk=grant.pk)


@transaction.atomic
def record_grant(*, actor, initiative: Initiative, data: GrantData) -> Grant:
    """Record a grant or funding commitment and the strategies it supports."""
    authorize(actor, initiative, lambda access: may_record_for(access, data.funder))
    _check(initiative, data)
    grant = _write(Grant(initiative=initiative, recorded_by=actor), data)
    audit.record(
        actor=actor,
        action="grant.recorded",
        obj=grant,
        initiative=initiative,
        after=grant_state(grant),
    )
    _tell_the_backbone(actor, grant, _("recorded"), "grant_recorded")
    return grant


@transaction.atomic
def update_grant(*, actor, grant: Grant, data: GrantData) -> Grant:
    """Change a grant. A funder may neither touch another funder's grant nor give its own away."""
    grant = _locked(grant)
    initiative = grant.initiative
    authorize(
        actor,
        initiative,
        lambda access: may_record_for(access, grant.funder) and may_record_for(access, data.funder),
    )
    _check(initiative, data, grant)
    before = grant_state(grant)
    _write(grant, data)
    audit.record(
        actor=actor,
        action="grant.updated",
        obj=grant,
        initiative=initiative,
        before=before,
        after=grant_state(grant),
    )
    _tell_the_backbone(actor, grant, _("changed"), "grant_changed")
    return grant


@transaction.atomic
def delete_grant(*, actor, grant: Grant) -> None:
    """Remove a grant recorded by mistake (the audit log keeps what it was)."""
    grant = _locked(grant)
    initiative = grant.initiative
    authorize(actor, initiative, lambda access: may_record_for(access, grant.funder))
    before = grant_state(grant)
    audit.record(
        actor=actor, action="grant.deleted", obj=grant, initiative=initiative, before=before
    )
    grant.delete()
