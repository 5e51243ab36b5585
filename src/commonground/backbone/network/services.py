"""Running the partner network survey: rounds and partners' answers.

The backbone lead (``Perm.MANAGE_ASSESSMENTS``) creates a round, opens it and closes it; one
network round is open at a time. Opening fixes who is in the survey: every active partner gets
an (empty) ``NetworkResponse``, so the network of a round stays the same after partners join or
leave. A partner's answer is given by someone who may act for it (``can_edit_partner``: its
partner lead, or the backbone lead): the partners it works with, each rated on seven 1–4 items.
Each answer replaces the partner's previous one; a draft is kept but not counted until it is
submitted. Every function checks the actor's permission itself, refuses bad input with a
``DomainError`` before anything is written, runs in one transaction and writes an audit event.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from commonground.backbone import rounds
from commonground.backbone.models import NetworkResponse, Relationship, Round
from commonground.convening.notify import notify
from commonground.core import audit
from commonground.core.authorization import authorize
from commonground.core.errors import DomainError, InvalidTransition
from commonground.core.permissions import Perm
from commonground.initiatives.models import Initiative, Membership, Partnership
from commonground.initiatives.roles import Role

# The seven ratings of a relationship, in the order the answer page shows them.
RATING_FIELDS = (
    "intensity",
    "trust_openness",
    "trust_reliability",
    "trust_mission",
    "value_influence",
    "value_involvement",
    "value_resources",
)
TRUST_FIELDS = RATING_FIELDS[1:4]
VALUE_FIELDS = RATING_FIELDS[4:]
TITLE_LENGTH = Round._meta.get_field("title").max_length
Status = Round.Status


@dataclass(frozen=True)
class TieAnswer:
    """One relationship as a partner rated it: ``partner`` is the partner it works with;
    each rating is 1–4 (anything else is refused, naming the partner and the item)."""

    partner: Partnership
    intensity: object = None
    trust_openness: object = None
    trust_reliability: object = None
    trust_mission: object = None
    value_influence: object = None
    value_involvement: object = None
    value_resources: object = None

    def ratings(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in RATING_FIELDS}


def field_label(name: str) -> str:
    """The item as the answer page names it."""
    return {
        "intensity": _("how closely you work together"),
        "trust_openness": _("open to discussion"),
        "trust_reliability": _("reliable"),
        "trust_mission": _("committed to the shared mission"),
        "value_influence": _("influence"),
        "value_involvement": _("involvement"),
        "value_resources": _("resources it brings"),
    }[name]


def _may_manage(access) -> bool:
    return access.has(Perm.MANAGE_ASSESSMENTS)


def _locked_round(survey: Round) -> Round:
    return Round.objects.select_for_update().select_related("initiative").get(pk=survey.pk)


def _round_url(survey: Round, name: str = "network_results", *extra) -> str:
    return reverse(name, args=[survey.initiative.slug, survey.pk, *extra])


# Rounds -----------------------------------------------------------------------------------------


@transaction.atomic
def create_round(
    *, actor, initiative: Initiative, title: str, opens_on: date, closes_on: date
) -> Round:
    """A new network round, not yet open."""
    authorize(actor, initiative, _may_manage)
    return rounds.create_round(
        actor=actor,
        initiative=initiative,
        instrument=Round.Instrument.NETWORK,
        title=title,
        opens_on=opens_on,
        closes_on=closes_on,
        action="network_round.created",
    )


@transaction.atomic
def open_round(*, actor, survey: Round) -> Round:
    """Open a draft round for answers: every active partner is in it, and partner leads are
    told. Refused while another network round is open."""
    survey = _locked_round(survey)
    initiative = survey.initiative
    authorize(actor, initiative, _may_manage)
    _check_network(survey)
    if survey.status != Status.DRAFT:
        raise InvalidTransition(
            _("Only a round that is not yet open can be opened."), code="round_not_draft"
        )
    already = (
        Round.objects.select_for_update()
        .filter(initiative=initiative, instrument=Round.Instrument.NETWORK, status=Status.OPEN)
        .first()
    )
    if already is not None:
        raise DomainError(
            _("“%(title)s” is still open: close it before opening another network round.")
            % {"title": already.title},
            code="round_already_open",
        )
    survey.status, survey.opened_at = Status.OPEN, timezone.now()
    survey.save(update_fields=["status", "opened_at"])
    partners = list(initiative.partnerships.filter(status=Partnership.Status.ACTIVE))
    NetworkResponse.objects.bulk_create(
        [NetworkResponse(round=survey, partnership=p) for p in partners], ignore_conflicts=True
    )
    audit.record(
        actor=actor,
        action="network_round.opened",
        obj=survey,
        initiative=initiative,
        before={"status": Status.DRAFT},
        after={"status": Status.OPEN, "partners": sorted(p.code for p in partners)},
    )
    _tell_partner_leads(
        survey,
        actor,
        kind="network_round_opened",
        text=_(
            "The partner network survey “%(title)s” is open until %(date)s: say which partners "
            "%(partner)s works with, and how."
        ),
        answer_link=True,
    )
    return survey


@transaction.atomic
def close_round(*, actor, survey: Round) -> Round:
    """Close an open round: answers stop, and the results are shared."""
    survey = _locked_round(survey)
    authorize(actor, survey.initiative, _may_manage)
    _check_network(survey)
    if survey.status != Status.OPEN:
        raise InvalidTransition(_("Only an open round can be closed."), code="round_not_open")
    survey.status, survey.closed_at = Status.CLOSED, timezone.now()
    survey.save(update_fields=["status", "closed_at"])
    submitted = survey.network_responses.exclude(submitted_at=None).count()
    audit.record(
        actor=actor,
        action="network_round.closed",
        obj=survey,
        initiative=survey.initiative,
        before={"status": Status.OPEN},
        after={"status": Status.CLOSED, "responses": submitted},
    )
    _tell_partner_leads(
        survey,
        actor,
        kind="network_round_closed",
        text=_("The partner network survey “%(title)s” has closed: the results are ready."),
        answer_link=False,
    )
    return survey


def _check_network(survey: Round) -> None:
    if survey.instrument != Round.Instrument.NETWORK:
        raise DomainError(_("This round is not a network survey."), code="not_network_round")


def _tell_partner_leads(survey: Round, actor, *, kind: str, text: str, answer_link: bool):
    leads = (
        Membership.objects.filter(
            initiative=survey.initiative,
            role=Role.PARTNER_LEAD,
            is_active=True,
            partnership__in=survey.network_responses.values("partnership"),
        )
        .select_related("user", "partnership__organization")
        .order_by("partnership__code", "pk")
    )
    by_partner: dict[Partnership, list] = {}
    for membership in leads:
        by_partner.setdefault(membership.partnership, []).append(membership.user)
    for partnership, people in by_partner.items():
        url = (
            _round_url(survey, "network_answer", partnership.code)
            if answer_link
            else _round_url(survey)
        )
        notify(
            people,
            initiative=survey.initiative,
            kind=kind,
            text=text
            % {
                "title": survey.title,
                "date": survey.closes_on.isoformat(),
                "partner": partnership.organization.name,
            },
            url=url,
            exclude=actor,
        )


# Answers ----------------------------------------------------------------------------------------


@transaction.atomic
def save_response(
    *, actor, survey: Round, partnership: Partnership, ties: Sequence[TieAnswer]
) -> NetworkResponse:
    """Keep a partner's answer as a draft (not counted until submitted). A submitted answer
    is changed by submitting again."""
    return _store(actor, survey, partnership, ties, submit=False)


@transaction.atomic
def submit_response(
    *, actor, survey: Round, partnership: Partnership, ties: Sequence[TieAnswer]
) -> NetworkResponse:
    """Send a partner's answer: it replaces any earlier one and counts in the results. It can
    be changed until the round closes."""
    return _store(actor, survey, partnership, ties, submit=True)


def _store(actor, survey, partnership, ties, *, submit: bool) -> NetworkResponse:
    survey = _locked_round(survey)
    initiative = survey.initiative
    authorize(actor, initiative, lambda access: access.can_edit_partner(partnership))
    _check_network(survey)
    if partnership.initiative_id != initiative.pk:
        raise DomainError(_("That partner is not in this initiative."), code="wrong_initiative")
    if survey.status != Status.OPEN:
        raise DomainError(_("This round is not open for answers."), code="round_not_open")
    response = (
        NetworkResponse.objects.select_for_update()
        .filter(round=survey, partnership=partnership)
        .first()
    )
    if response is None and partnership.status != Partnership.Status.ACTIVE:
        raise DomainError(
            _("%(partner)s is not an active partner.") % {"partner": partnership},
            code="partner_not_active",
        )
    if response is not None and response.submitted_at and not submit:
        raise DomainError(
            _("These answers were sent already: send your changes instead of a draft."),
            code="already_submitted",
        )
    named = _check_ties(survey, partnership, ties)
    before = _answer_snapshot(response) if response is not None else None
    if response is None:
        response = NetworkResponse.objects.create(round=survey, partnership=partnership)
    # Partners named for the first time in this round join it (a partner that became active
    # after the round opened).
    NetworkResponse.objects.bulk_create(
        [NetworkResponse(round=survey, partnership=p) for p in named], ignore_conflicts=True
    )
    response.relationships.all().delete()
    Relationship.objects.bulk_create(
        [Relationship(response=response, partner=t.partner, **t.ratings()) for t in ties]
    )
    response.respondent = actor
    if submit:
        response.submitted_at = timezone.now()
    response.save(update_fields=["respondent", "submitted_at"])
    audit.record(
        actor=actor,
        action="network_response.submitted" if submit else "network_response.saved",
        obj=response,
        initiative=initiative,
        before=before,
        after=_answer_snapshot(response),
    )
    return response


def _check_ties(survey: Round, partnership: Partnership, ties: Sequence[TieAnswer]) -> list:
    """Refuse the first problem in ``ties``, naming the partner and the item; return the
    partners named. Every problem found is in the error's ``details["problems"]`` so a page
    can show each next to its field."""
    in_round = set(survey.network_responses.values_list("partnership_id", flat=True))
    problems = []
    seen = set()
    for tie in ties:
        partner = tie.partner
        problem = _partner_problem(survey, partnership, partner, in_round, seen)
        if problem:
            problems.append(answer_problem(partner, "partner", *problem))
            continue
        seen.add(partner.pk)
        for name in RATING_FIELDS:
            value = getattr(tie, name)
            if not _is_rating(value):
                problems.append(
                    answer_problem(
                        partner,
                        name,
                        "rating_missing" if value in (None, "") else "rating_out_of_range",
                        _("%(partner)s: choose 1 to 4 for “%(item)s”.")
                        % {"partner": partner, "item": field_label(name)},
                    )
                )
    if problems:
        first = problems[0]
        raise DomainError(first["message"], code=first["code"], details={"problems": problems})
    return [t.partner for t in ties]


def answer_problem(partner, field: str, code: str, message: str) -> dict:
    """One problem of an answer: the partner's row, the field (``"partner"``: the row as a
    whole), a stable code and the message."""
    return {"partner": partner.pk, "field": field, "code": code, "message": message}


def _partner_problem(survey, partnership, partner, in_round, seen) -> tuple[str, str] | None:
    if partner.initiative_id != survey.initiative_id:
        return "wrong_initiative", _("%(partner)s is not a partner of this initiative.") % {
            "partner": partner
        }
    if partner.pk == partnership.pk:
        return "names_itself", _("A partner cannot name itself.")
    if partner.pk not in in_round and partner.status != Partnership.Status.ACTIVE:
        return "partner_not_active", _("%(partner)s is not an active partner.") % {
            "partner": partner
        }
    if partner.pk in seen:
        return "named_twice", _("%(partner)s is named twice.") % {"partner": partner}
    return None


def _is_rating(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 4


def _answer_snapshot(response: NetworkResponse) -> dict:
    """The answer as partner code → the seven ratings, for the audit log."""
    ties = response.relationships.select_related("partner").order_by("partner__code")
    return {
        "submitted_at": response.submitted_at.isoformat() if response.submitted_at else None,
        "ties": {t.partner.code: [getattr(t, name) for name in RATING_FIELDS] for t in ties},
    }
