"""State changes of the common agenda and the partner charter (SPEC §3.3.1–2).

A version moves draft → proposed → adopted (→ superseded by the next adopted one), or proposed →
rejected when the steering committee does not adopt it; at most one version is open (draft or
proposed) and one adopted. Goals and strategies change with a draft (``rules``) and are frozen
into the version when it is proposed, so an adopted version never changes. The proposal is a
steering-committee decision (``convening.services.decisions``); closing it calls
``record_adoption_outcome`` in the same transaction. Partners sign the adopted version with their
commitments; a newly adopted version asks them to sign again.

Every function checks the actor's permission (``actor=None`` is the system), runs in one
transaction, raises ``DomainError`` with a stable code for bad input (nothing is changed then)
and writes the audit event.
"""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from commonground.action.agenda.content import TEXT_FIELDS, live_content
from commonground.action.agenda.rules import goals_locked_reason
from commonground.action.models import AgendaVersion, CharterSignature, Goal, Strategy
from commonground.convening.models import Decision
from commonground.convening.notify import notify
from commonground.core import audit
from commonground.core.authorization import authorize
from commonground.core.errors import DomainError
from commonground.core.permissions import Perm
from commonground.initiatives.models import Initiative, Membership, Partnership, WorkingGroup
from commonground.initiatives.roles import Role

Status = AgendaVersion.Status
VERSION_FIELDS = [*TEXT_FIELDS, "change_summary", "status", "number"]
GOAL_FIELDS = ["code", "title", "horizon", "description", "sort_order", "is_retired"]
STRATEGY_FIELDS = ["code", "title", "description", "goal", "sort_order", "is_retired"]
SIGNATURE_FIELDS = ["money", "staff_hours", "in_kind", "statement", "signed_at", "signed_by"]


def _may_manage(access) -> bool:
    return access.has(Perm.MANAGE_AGENDA)


def adopted_version(initiative) -> AgendaVersion | None:
    return AgendaVersion.objects.filter(initiative=initiative, status=Status.ADOPTED).first()


def open_version(initiative) -> AgendaVersion | None:
    """The draft or the version before the steering committee, if there is one."""
    return AgendaVersion.objects.filter(
        initiative=initiative, status__in=[Status.DRAFT, Status.PROPOSED]
    ).first()


def _locked_version(version: AgendaVersion) -> AgendaVersion:
    return AgendaVersion.objects.select_for_update().select_related("initiative").get(pk=version.pk)


def _require_draft(version: AgendaVersion) -> None:
    if version.status != Status.DRAFT:
        raise DomainError(
            _(
                "Version %(number)s is %(status)s and can no longer change; start a draft of a "
                "new version to change the agenda."
            )
            % {"number": version.number, "status": version.get_status_display().lower()},
            code="version_frozen",
        )


# Drafts -------------------------------------------------------------------------------------------


@transaction.atomic
def start_draft(*, actor, initiative: Initiative) -> AgendaVersion:
    """Open the next version as a draft, its texts copied from the latest version.

    After a rejection the latest version is the rejected proposal, so its texts and change
    summary carry on (the goals stayed as proposed); otherwise the adopted version's texts.
    """
    authorize(actor, initiative, _may_manage)
    Initiative.objects.select_for_update().get(pk=initiative.pk)  # one new number at a time
    _settle_withdrawn_proposal(actor, initiative)
    current = open_version(initiative)
    if current is not None:
        raise DomainError(
            _("Version %(number)s is still %(status)s: finish it before starting another draft.")
            % {"number": current.number, "status": current.get_status_display().lower()},
            code="draft_already_open",
        )
    latest = AgendaVersion.objects.filter(initiative=initiative).order_by("-number").first()
    version = AgendaVersion(
        initiative=initiative, number=(latest.number + 1) if latest else 1, created_by=actor
    )
    if latest is not None:
        for name in TEXT_FIELDS:
            setattr(version, name, getattr(latest, name))
        if latest.status == Status.REJECTED:
            version.change_summary = latest.change_summary
    version.save()
    audit.record(
        actor=actor,
        action="agenda.draft_started",
        obj=version,
        initiative=initiative,
        after=audit.snapshot(version, VERSION_FIELDS),
    )
    return version


def _settle_withdrawn_proposal(actor, initiative) -> None:
    """A proposal whose decision was withdrawn is not adopted: close it so work can go on."""
    proposed = AgendaVersion.objects.filter(initiative=initiative, status=Status.PROPOSED).first()
    if proposed is None or proposed.decisions.exclude(status=Decision.Status.WITHDRAWN).exists():
        return
    proposed.status = Status.REJECTED
    proposed.save(update_fields=["status"])
    audit.record(
        actor=actor,
        action="agenda.rejected",
        obj=proposed,
        initiative=initiative,
        before={"status": Status.PROPOSED},
        after={"status": Status.REJECTED, "reason": "decision withdrawn"},
    )


@transaction.atomic
def update_draft(
    *,
    actor,
    version: AgendaVersion,
    problem_statement: str,
    vision: str,
    principles: str,
    evaluation_approach: str,
    change_summary: str = "",
) -> AgendaVersion:
    """Change the texts of a draft (Markdown); a proposed or adopted version never changes."""
    authorize(actor, version.initiative, _may_manage)
    version = _locked_version(version)
    _require_draft(version)
    before = audit.snapshot(version, VERSION_FIELDS)
    version.problem_statement = problem_statement.strip()
    version.vision = vision.strip()
    version.principles = principles.strip()
    version.evaluation_approach = evaluation_approach.strip()
    version.change_summary = change_summary.strip()
    version.save()
    after = audit.snapshot(version, VERSION_FIELDS)
    if after != before:
        audit.record(
            actor=actor,
            action="agenda.draft_updated",
            obj=version,
            initiative=version.initiative,
            before=before,
            after=after,
        )
    return version


# Goals and strategies -----------------------------------------------------------------------------


def _require_goals_editable(initiative) -> None:
    reason = goals_locked_reason(initiative)
    if reason is not None:
        raise DomainError(
            _("Goals and strategies cannot change now: %(reason)s.") % {"reason": reason},
            code="goals_locked",
        )


def _check_code(code: str, model, initiative) -> str:
    code = code.strip()
    try:
        validate_slug(code)
    except ValidationError:
        raise DomainError(
            _("A code is letters, digits, '-' and '_' only (for example 'read-by-grade-3')."),
            code="invalid_code",
        ) from None
    if len(code) > model._meta.get_field("code").max_length:
        raise DomainError(_("A code is at most 60 characters."), code="invalid_code")
    if model.objects.filter(initiative=initiative, code=code).exists():
        raise DomainError(
            _("The code '%(code)s' is already used in this initiative.") % {"code": code},
            code="duplicate_code",
        )
    return code


def _check_title(title: str) -> str:
    title = title.strip()
    if not title:
        raise DomainError(_("Give it a title."), code="title_required")
    if len(title) > Goal._meta.get_field("title").max_length:
        raise DomainError(_("A title is at most 300 characters."), code="title_too_long")
    return title


def _check_indicators(initiative, indicators) -> list:
    indicators = list(indicators)
    if any(indicator.initiative_id != initiative.pk for indicator in indicators):
        raise DomainError(
            _("Only this initiative's indicators can measure its goals."), code="wrong_initiative"
        )
    return indicators


def _check_goal(initiative, goal: Goal) -> None:
    if goal.initiative_id != initiative.pk:
        raise DomainError(_("That goal is not a goal of this initiative."), code="wrong_initiative")
    if goal.is_retired:
        raise DomainError(
            _("The goal '%(title)s' is retired: put it back first.") % {"title": goal.title},
            code="goal_retired",
        )


def _item_state(obj, fields) -> dict:
    data = audit.snapshot(obj, fields)
    data["indicators"] = sorted(obj.indicators.values_list("code", flat=True))
    return data


def _save_item(actor, item, indicators, action: str, fields, before=None) -> None:
    """Save a goal or strategy and its indicators; audit it if it is new or changed."""
    item.save()
    item.indicators.set(indicators)
    after = _item_state(item, fields)
    if after != before:
        audit.record(
            actor=actor,
            action=action,
            obj=item,
            initiative=item.initiative,
            before=before,
            after=after,
        )


def _next_sort_order(queryset) -> int:
    highest = queryset.aggregate(highest=Max("sort_order"))["highest"]
    return 0 if highest is None else highest + 1


def _horizon(horizon: str) -> str:
    if horizon not in Goal.Horizon.values:
        raise DomainError(
            _("Choose whether the goal is a short-term win or a long-term goal."),
            code="invalid_horizon",
        )
    return horizon


@transaction.atomic
def add_goal(
    *,
    actor,
    initiative: Initiative,
    code: str,
    title: str,
    horizon: str = Goal.Horizon.LONG_TERM,
    description: str = "",
    indicators=(),
) -> Goal:
    """Add a goal to the agenda being drafted, with the indicators that measure it."""
    authorize(actor, initiative, _may_manage)
    _require_goals_editable(initiative)
    goal = Goal(
        initiative=initiative,
        code=_check_code(code, Goal, initiative),
        title=_check_title(title),
        horizon=_horizon(horizon),
        description=description.strip(),
        sort_order=_next_sort_order(Goal.objects.filter(initiative=initiative)),
    )
    indicators = _check_indicators(initiative, indicators)
    _save_item(actor, goal, indicators, "agenda.goal_added", GOAL_FIELDS)
    return goal


@transaction.atomic
def update_goal(
    *, actor, goal: Goal, title: str, horizon: str, description: str, indicators
) -> Goal:
    """Change a goal's title, horizon, description and indicators (its code stays)."""
    initiative = goal.initiative
    authorize(actor, initiative, _may_manage)
    _require_goals_editable(initiative)
    goal = Goal.objects.select_for_update().get(pk=goal.pk)
    before = _item_state(goal, GOAL_FIELDS)
    goal.title = _check_title(title)
    goal.horizon = _horizon(horizon)
    goal.description = description.strip()
    indicators = _check_indicators(initiative, indicators)
    _save_item(actor, goal, indicators, "agenda.goal_updated", GOAL_FIELDS, before)
    return goal


@transaction.atomic
def retire_goal(*, actor, goal: Goal, retired: bool = True) -> Goal:
    """Take a goal out of the agenda (kept for history), with its strategies; or put it back.

    Putting a goal back does not bring its strategies back: each comes back on its own.
    """
    initiative = goal.initiative
    authorize(actor, initiative, _may_manage)
    _require_goals_editable(initiative)
    goal = Goal.objects.select_for_update().get(pk=goal.pk)
    if goal.is_retired == retired:
        return goal
    goal.is_retired = retired
    goal.save(update_fields=["is_retired"])
    strategies = []
    if retired:
        strategies = list(goal.strategies.filter(is_retired=False).order_by("code"))
        for strategy in strategies:
            strategy.is_retired = True
            strategy.save(update_fields=["is_retired"])
    audit.record(
        actor=actor,
        action="agenda.goal_retired" if retired else "agenda.goal_restored",
        obj=goal,
        initiative=initiative,
        before={"is_retired": not retired},
        after={"is_retired": retired, "strategies_retired": [s.code for s in strategies]},
    )
    return goal


@transaction.atomic
def add_strategy(
    *,
    actor,
    initiative: Initiative,
    goal: Goal,
    code: str,
    title: str,
    description: str = "",
    indicators=(),
) -> Strategy:
    """Add a strategy (a leverage point) under one of the initiative's goals."""
    authorize(actor, initiative, _may_manage)
    _check_goal(initiative, goal)
    _require_goals_editable(initiative)
    strategy = Strategy(
        initiative=initiative,
        goal=goal,
        code=_check_code(code, Strategy, initiative),
        title=_check_title(title),
        description=description.strip(),
        sort_order=_next_sort_order(goal.strategies.all()),
    )
    indicators = _check_indicators(initiative, indicators)
    _save_item(actor, strategy, indicators, "agenda.strategy_added", STRATEGY_FIELDS)
    return strategy


@transaction.atomic
def update_strategy(
    *, actor, strategy: Strategy, goal: Goal, title: str, description: str, indicators
) -> Strategy:
    """Change a strategy, or move it under another goal of the initiative."""
    initiative = strategy.initiative
    authorize(actor, initiative, _may_manage)
    _check_goal(initiative, goal)
    _require_goals_editable(initiative)
    strategy = Strategy.objects.select_for_update().get(pk=strategy.pk)
    before = _item_state(strategy, STRATEGY_FIELDS)
    if strategy.goal_id != goal.pk:
        strategy.sort_order = _next_sort_order(goal.strategies.all())
    strategy.goal = goal
    strategy.title = _check_title(title)
    strategy.description = description.strip()
    indicators = _check_indicators(initiative, indicators)
    _save_item(actor, strategy, indicators, "agenda.strategy_updated", STRATEGY_FIELDS, before)
    return strategy


@transaction.atomic
def retire_strategy(*, actor, strategy: Strategy, retired: bool = True) -> Strategy:
    """Take a strategy out of the agenda (kept for history), or put it back."""
    initiative = strategy.initiative
    authorize(actor, initiative, _may_manage)
    _require_goals_editable(initiative)
    strategy = Strategy.objects.select_for_update().select_related("goal").get(pk=strategy.pk)
    if strategy.is_retired == retired:
        return strategy
    if not retired and strategy.goal.is_retired:
        raise DomainError(
            _("Its goal '%(title)s' is retired: put the goal back first.")
            % {"title": strategy.goal.title},
            code="goal_retired",
        )
    strategy.is_retired = retired
    strategy.save(update_fields=["is_retired"])
    audit.record(
        actor=actor,
        action="agenda.strategy_retired" if retired else "agenda.strategy_restored",
        obj=strategy,
        initiative=initiative,
        before={"is_retired": not retired},
        after={"is_retired": retired},
    )
    return strategy


# Proposal and adoption ----------------------------------------------------------------------------


def missing_for_proposal(version: AgendaVersion, content: dict) -> list[str]:
    """What a draft still needs before it can be proposed (empty when it is ready)."""
    missing = []
    if not version.problem_statement.strip():
        missing.append(_("a problem statement"))
    if not version.vision.strip():
        missing.append(_("a vision"))
    if not content["goals"]:
        missing.append(_("at least one goal"))
    has_adopted = AgendaVersion.objects.filter(
        initiative=version.initiative, status=Status.ADOPTED
    ).exists()
    if has_adopted and not version.change_summary.strip():
        missing.append(_("a summary of what changed"))
    return missing


def steering_committee(initiative) -> WorkingGroup | None:
    return (
        WorkingGroup.objects.filter(
            initiative=initiative, kind=WorkingGroup.Kind.STEERING_COMMITTEE
        )
        .order_by("name")
        .first()
    )


@transaction.atomic
def propose_version(
    *,
    actor,
    version: AgendaVersion,
    closes_at,
    method: str = Decision.Method.CONSENT,
    quorum_percent: int = 50,
) -> Decision:
    """Freeze a draft's goals and strategies and put it to the steering committee.

    Opens a decision (``convening.services.decisions.open_decision``) for the people of the
    steering committee; its closing adopts or rejects the version (``record_adoption_outcome``).
    """
    # Imported here: the decisions service calls back into this module when it closes.
    from commonground.convening.services import decisions as decision_services

    initiative = version.initiative
    authorize(actor, initiative, _may_manage)
    version = _locked_version(version)
    _require_draft(version)
    content = live_content(initiative)
    missing = missing_for_proposal(version, content)
    if missing:
        raise DomainError(
            _("Before proposing it, the draft needs %(what)s.") % {"what": ", ".join(missing)},
            code="incomplete_agenda",
        )
    voters = decision_services.steering_committee_voters(initiative)
    if not voters:
        raise DomainError(
            _(
                "Nobody sits on the steering committee to decide: add people to it (or give "
                "someone the steering committee role) first."
            ),
            code="no_steering_committee",
        )
    version.content = content
    version.status = Status.PROPOSED
    version.proposed_at = timezone.now()
    version.save()
    decision = decision_services.open_decision(
        actor=actor,
        initiative=initiative,
        title=_("Adopt version %(number)s of the common agenda") % {"number": version.number},
        proposal=_proposal_text(version),
        method=method,
        closes_at=closes_at,
        eligible_voters=voters,
        quorum_percent=quorum_percent,
        body=steering_committee(initiative),
        agenda_version=version,
    )
    audit.record(
        actor=actor,
        action="agenda.proposed",
        obj=version,
        initiative=initiative,
        before={"status": Status.DRAFT},
        after={"status": Status.PROPOSED, "decision": decision.pk, "content": content},
    )
    return decision


def _proposal_text(version: AgendaVersion) -> str:
    slug = version.initiative.slug
    read = reverse("agenda_version", args=[slug, version.number])
    lines = [
        _(
            "The backbone proposes that the steering committee adopt version %(number)s of the "
            "common agenda."
        )
        % {"number": version.number},
        "",
        f"- [{_('Read version %(number)s') % {'number': version.number}}]({read})",
    ]
    previous = adopted_version(version.initiative)
    if previous is not None:
        compare = reverse("agenda_compare", args=[slug])
        lines.append(
            f"- [{_('What changed since version %(number)s') % {'number': previous.number}}]"
            f"({compare}?from={previous.number}&to={version.number})"
        )
    if version.change_summary:
        lines += ["", _("What changed:"), "", version.change_summary]
    return "\n".join(lines)


@transaction.atomic
def record_adoption_outcome(decision: Decision) -> AgendaVersion:
    """Adopt or reject the proposed version a closed (or withdrawn) decision was about.

    Called by the decisions service inside the transaction that closes the decision. Adopted:
    the previous adopted version is superseded and the leads of active partners are asked to
    sign the charter again. Otherwise the version is rejected and a new draft can start.
    """
    version = _locked_version(decision.agenda_version)
    initiative = version.initiative
    if version.status != Status.PROPOSED:
        raise DomainError(
            _("Version %(number)s is not before the steering committee.")
            % {"number": version.number},
            code="not_proposed",
        )
    adopted = (
        decision.status == Decision.Status.CLOSED and decision.outcome == Decision.Outcome.ADOPTED
    )
    actor = decision.closed_by
    if adopted:
        previous = adopted_version(initiative)
        if previous is not None:
            previous.status = Status.SUPERSEDED
            previous.save(update_fields=["status"])
            audit.record(
                actor=actor,
                action="agenda.superseded",
                obj=previous,
                initiative=initiative,
                before={"status": Status.ADOPTED},
                after={"status": Status.SUPERSEDED, "by_version": version.number},
            )
        version.status = Status.ADOPTED
        version.adopted_at = decision.closed_at or timezone.now()
        version.save(update_fields=["status", "adopted_at"])
        _ask_partners_to_sign(version, resign=previous is not None)
    else:
        version.status = Status.REJECTED
        version.save(update_fields=["status"])
        _tell_backbone_not_adopted(version, decision)
    audit.record(
        actor=actor,
        action=f"agenda.{version.status}",
        obj=version,
        initiative=initiative,
        before={"status": Status.PROPOSED},
        after={
            "status": version.status,
            "decision": decision.pk,
            "outcome": decision.outcome or decision.status,
        },
    )
    return version


def _ask_partners_to_sign(version: AgendaVersion, *, resign: bool) -> None:
    initiative = version.initiative
    leads = (
        Membership.objects.filter(
            initiative=initiative,
            role=Role.PARTNER_LEAD,
            is_active=True,
            partnership__status=Partnership.Status.ACTIVE,
        )
        .select_related("user", "partnership__organization")
        .order_by("partnership__code")
    )
    by_partner: dict[Partnership, list] = {}
    for membership in leads:
        by_partner.setdefault(membership.partnership, []).append(membership.user)
    for partnership, people in by_partner.items():
        if resign:
            text = _(
                "Version %(number)s of the common agenda was adopted: please read what changed "
                "and sign the charter again for %(partner)s."
            )
        else:
            text = _(
                "Version %(number)s of the common agenda was adopted: please sign the charter "
                "for %(partner)s."
            )
        notify(
            people,
            initiative=initiative,
            kind="agenda_adopted",
            text=text % {"number": version.number, "partner": partnership.organization.name},
            url=reverse("agenda_charter", args=[initiative.slug, partnership.code]),
        )


def _tell_backbone_not_adopted(version: AgendaVersion, decision: Decision) -> None:
    initiative = version.initiative
    leads = [
        m.user
        for m in Membership.objects.filter(
            initiative=initiative, role=Role.BACKBONE_LEAD, is_active=True
        ).select_related("user")
    ]
    notify(
        leads,
        initiative=initiative,
        kind="agenda_not_adopted",
        text=_(
            "Version %(number)s of the common agenda was not adopted (%(outcome)s). Start a new "
            "draft to revise it."
        )
        % {
            "number": version.number,
            "outcome": (
                decision.get_outcome_display()
                if decision.outcome
                else decision.get_status_display()
            ).lower(),
        },
        url=reverse("agenda_version", args=[initiative.slug, version.number]),
        exclude=decision.closed_by,
    )


# The charter --------------------------------------------------------------------------------------


def _amount(value, field_name: str, label: str) -> Decimal:
    field = CharterSignature._meta.get_field(field_name)
    try:
        amount = Decimal(str(value if value not in (None, "") else 0))
    except InvalidOperation:
        raise DomainError(
            _("%(label)s must be a number.") % {"label": label}, code="invalid_amount"
        ) from None
    if not amount.is_finite() or amount < 0:
        raise DomainError(
            _("%(label)s must be zero or more.") % {"label": label}, code="invalid_amount"
        )
    step = Decimal(1).scaleb(-field.decimal_places)
    too_large = amount >= Decimal(10) ** (field.max_digits - field.decimal_places)
    if too_large or amount != amount.quantize(step):
        raise DomainError(
            _("%(label)s is too large or has too many decimal places.") % {"label": label},
            code="invalid_amount",
        )
    return amount.quantize(step)


@transaction.atomic
def sign_charter(
    *,
    actor,
    partnership: Partnership,
    version: AgendaVersion,
    money=0,
    staff_hours=0,
    in_kind: str = "",
    data_indicators=(),
    activities=(),
    statement: str = "",
) -> CharterSignature:
    """Sign the adopted version for a partner, with what it commits; who, when and which version
    are recorded. Signing the same version again replaces the partner's commitments.

    Only the partner's own lead (or the backbone lead) signs for it; the activities must be the
    partner's own and the indicators this initiative's.
    """
    initiative = partnership.initiative
    authorize(actor, initiative, lambda access: access.can_edit_partner(partnership))
    version = _locked_version(version)
    if version.initiative_id != initiative.pk:
        raise DomainError(
            _("That version is not this initiative's agenda."), code="wrong_initiative"
        )
    if version.status != Status.ADOPTED:
        current = adopted_version(initiative)
        if version.status == Status.SUPERSEDED and current is not None:
            message = _(
                "Version %(old)s has been replaced by version %(new)s: sign version %(new)s."
            ) % {"old": version.number, "new": current.number}
            raise DomainError(message, code="version_superseded")
        raise DomainError(
            _("Only the adopted version of the common agenda can be signed."),
            code="version_not_adopted",
        )
    if partnership.status == Partnership.Status.LEFT:
        raise DomainError(
            _("%(partner)s has left the initiative.") % {"partner": partnership},
            code="partner_left",
        )
    money = _amount(money, "money", _("Money"))
    staff_hours = _amount(staff_hours, "staff_hours", _("Staff hours"))
    data_indicators = _check_indicators(initiative, data_indicators)
    activities = list(activities)
    if any(activity.partnership_id != partnership.pk for activity in activities):
        raise DomainError(
            _("Only %(partner)s's own activities can be part of its commitments.")
            % {"partner": partnership},
            code="not_partner_activity",
        )
    signature = (
        CharterSignature.objects.select_for_update()
        .filter(partnership=partnership, agenda_version=version)
        .first()
    )
    before = None if signature is None else _signature_state(signature)
    if signature is None:
        signature = CharterSignature(partnership=partnership, agenda_version=version)
    signature.signed_by = actor
    signature.signed_at = timezone.now()
    signature.money = money
    signature.staff_hours = staff_hours
    signature.in_kind = in_kind.strip()
    signature.statement = statement.strip()
    signature.save()
    signature.data_indicators.set(data_indicators)
    signature.activities.set(activities)
    audit.record(
        actor=actor,
        action="charter.signed" if before is None else "charter.amended",
        obj=signature,
        initiative=initiative,
        before=before,
        after=_signature_state(signature),
    )
    return signature


def _signature_state(signature: CharterSignature) -> dict:
    data = audit.snapshot(signature, SIGNATURE_FIELDS)
    data["version"] = signature.agenda_version.number
    data["data_indicators"] = sorted(signature.data_indicators.values_list("code", flat=True))
    data["activities"] = sorted(signature.activities.values_list("pk", flat=True))
    return data
