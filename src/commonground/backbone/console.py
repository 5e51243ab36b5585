"""The backbone console's figures (SPEC §3.5.1): what the backbone runs the initiative from.

It stores nothing: each figure group below is a pure read of what another area keeps, through
that area's own function, so the console and the list behind each figure cannot disagree:

- reporting completeness and timeliness of the latest ended period of each frequency
  (``measurement.completeness``; the list: the completeness page for that period);
- the approval queue (reports submitted and waiting; the list: the review queue);
- data-quality alerts: values with a validation warning (``DataValue.flags``, except the
  ``late`` warning, which timeliness already counts) in reports waiting for approval, and
  reports returned to their partner (the list: the console's data-quality page);
- indicators worsening (the internal report card document, ``insight.document``);
- overdue action items (the list: the action items, overdue);
- attendance and delegate rates over the last months (``convening.engagement``; the list: the
  engagement page for the same dates);
- partner engagement scores (``backbone.engagement_score``);
- charter signatures outstanding on the adopted agenda version (``action.agenda.charter``);
- leverage (``action.funding.alignment.leverage_for``; the list: the funding page).

``build_console`` puts them together as tiles (a big number with its unit, details, each with the
address of its list) and a short "what to do next" list, keeping only what the person may open.
The whole console takes a fixed number of queries, whatever the number of partners.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from commonground.action.agenda.charter import CharterOverview, PartnerCharter
from commonground.action.funding.alignment import Leverage, leverage_for
from commonground.backbone import engagement_score
from commonground.backbone.community_voice import CommunityVoice, community_voice
from commonground.backbone.engagement_score import PartnerScore
from commonground.convening.engagement import EngagementFigures
from commonground.convening.models import ActionItem
from commonground.convening.services.action_items import ACTIVE
from commonground.core.permissions import Perm
from commonground.insight.document import IndicatorReport, build_report_card
from commonground.insight.trends import TrendClass
from commonground.measurement.assignments import assignments_for
from commonground.measurement.completeness import PeriodCompleteness, State
from commonground.measurement.models import DataValue, ReviewState, Submission
from commonground.measurement.periods import Frequency

# A warning about timing, not about the value: timeliness counts it already.
NOT_A_QUALITY_WARNING = {"late"}


# The figure groups ------------------------------------------------------------------------------


def current_reporting(periods: dict[str, list[PeriodCompleteness]]) -> list[PeriodCompleteness]:
    """The latest ended period of each frequency (``engagement_score.reporting_periods`` lists
    them newest first): the periods the completeness page shows first."""
    return [results[0] for results in periods.values() if results]


def approval_queue(initiative):
    """Reports submitted and waiting for approval, oldest first (the review queue's reports)."""
    return Submission.objects.filter(
        partnership__initiative=initiative, status=Submission.Status.SUBMITTED
    ).order_by("submitted_at", "pk")


@dataclass
class FlaggedValue:
    value: DataValue
    warnings: list[dict]  # [{code, message}]


@dataclass
class DataQualityAlerts:
    flagged: list[FlaggedValue]  # values with warnings in reports waiting for approval
    returned: list[Submission]  # reports back with their partner for correction

    @property
    def count(self) -> int:
        return len(self.flagged) + len(self.returned)


def quality_warnings(flags) -> list[dict]:
    return [f for f in flags or [] if f.get("code") not in NOT_A_QUALITY_WARNING]


def data_quality_alerts(initiative) -> DataQualityAlerts:
    """Warnings on values not yet approved in reports waiting for approval, and returned
    reports: two queries."""
    rows = (
        DataValue.objects.filter(
            partnership__initiative=initiative, submission__status=Submission.Status.SUBMITTED
        )
        .exclude(review_state=ReviewState.APPROVED)
        .exclude(flags=[])
        .select_related("indicator", "partnership__organization", "submission")
        .order_by("submission__submitted_at", "submission_id", "indicator__sort_order", "cell")
    )
    flagged = [FlaggedValue(v, w) for v in rows if (w := quality_warnings(v.flags))]
    returned = list(
        Submission.objects.filter(
            partnership__initiative=initiative, status=Submission.Status.RETURNED
        )
        .select_related("partnership__organization", "reviewed_by")
        .order_by("reviewed_at", "pk")
    )
    return DataQualityAlerts(flagged, returned)


def worsening_indicators(card) -> list[IndicatorReport]:
    """The indicators of the internal report card whose trend is worsening (polarity applied)."""
    return [r for r in card.indicators if r.classification == TrendClass.WORSENING]


def overdue_action_items(initiative, *, today: date):
    """Action items still to do whose due date has passed (the action items page, overdue)."""
    return ActionItem.objects.filter(initiative=initiative, status__in=ACTIVE, due_on__lt=today)


def charters_outstanding(overview: CharterOverview) -> list[PartnerCharter]:
    """Partners that have not signed the adopted version (none when nothing is adopted)."""
    if overview.adopted is None:
        return []
    return [p for p in overview.partners if p.state != "signed"]


# Links ------------------------------------------------------------------------------------------


def with_query(url: str, **params) -> str:
    query = urlencode({k: v for k, v in params.items() if v not in ("", None)})
    return f"{url}?{query}" if query else url


def completeness_url(initiative, period_code: str) -> str:
    return with_query(reverse("completeness", args=[initiative.slug]), period=period_code)


def engagement_url(initiative, figures: EngagementFigures) -> str:
    return with_query(
        reverse("engagement", args=[initiative.slug]),
        start=figures.start.isoformat(),
        end=figures.end.isoformat(),
    )


def overdue_url(initiative) -> str:
    return with_query(reverse("action_item_list", args=[initiative.slug]), show="overdue")


def console_url(initiative, name: str, **params) -> str:
    return with_query(reverse(name, args=[initiative.slug]), **params)


# Tiles ------------------------------------------------------------------------------------------


@dataclass
class Figure:
    """A number as the console prints it: ``text`` (the number) and ``unit``, then ``label``;
    ``value`` is the number itself, ``url`` the list behind it."""

    value: object
    text: str
    unit: str
    label: str
    url: str


@dataclass
class Tile:
    kind: str  # which figure group (``TILE_PERMISSIONS``)
    title: str
    figure: Figure | None  # the big number; None: nothing to count (see ``empty``)
    details: list[Figure] = field(default_factory=list)
    empty: str = ""  # what the empty state says
    attention: bool = False  # something here needs acting on
    period: str = ""  # the reporting tiles' period

    @property
    def key(self) -> str:
        """Unique on the page (one reporting tile per period)."""
        return f"{self.kind}-{self.period}" if self.period else self.kind


@dataclass
class Step:
    """One line of "what to do next"."""

    count: int
    text: str
    url: str


@dataclass
class Console:
    initiative: object
    today: date
    tiles: list[Tile]
    steps: list[Step]
    leverage: Leverage | None  # None when the person may not see it


def number(n) -> str:
    return f"{n:,}"


def percent_text(value) -> str:
    """A share in percent as a whole number, halves up (``62``); an em dash for none."""
    if value is None:
        return "—"
    return number(Decimal(str(value)).quantize(Decimal(1), ROUND_HALF_UP))


# Units that agree with their number ("1 report", "2 reports").
def reports(n: int) -> str:
    return ngettext("report", "reports", n)


def values(n: int) -> str:
    return ngettext("value", "values", n)


def indicators(n: int) -> str:
    return ngettext("indicator", "indicators", n)


def action_items(n: int) -> str:
    return ngettext("action item", "action items", n)


def meetings(n: int) -> str:
    return ngettext("meeting", "meetings", n)


def partners(n: int) -> str:
    return ngettext("partner", "partners", n)


def days(n: int) -> str:
    return ngettext("day", "days", n)


def _count(value: int, unit, label: str, url: str) -> Figure:
    """A count; ``unit`` is one of the functions above."""
    return Figure(value, number(value), unit(value), label, url)


def _reporting_tile(initiative, result: PeriodCompleteness) -> Tile:
    tally, period = result.tally, result.period
    url = completeness_url(initiative, period.code)
    title = _("Reporting, %(period)s (%(frequency)s)") % {
        "period": period.code,
        "frequency": Frequency(period.frequency).label.lower(),
    }
    if not tally.expected:
        return Tile(
            "reporting",
            title,
            None,
            empty=_("No report is expected for this period."),
            period=period.code,
        )
    details = [
        _count(tally.count(State.LATE), reports, _("late"), url),
        _count(tally.count(State.MISSING), reports, _("missing"), url),
        _count(tally.count(State.NOT_DUE), reports, _("not yet due"), url),
        _count(tally.expected, reports, _("expected in all"), url),
    ]
    on_time = tally.percent(State.ON_TIME)
    return Tile(
        "reporting",
        title,
        Figure(on_time, percent_text(on_time), "%", _("of the expected reports came on time"), url),
        details,
        attention=tally.count(State.MISSING) > 0,
        period=period.code,
    )


def _approval_tile(initiative, waiting: int, oldest: Submission | None, today: date) -> Tile:
    url = reverse("review_queue", args=[initiative.slug])
    tile = Tile(
        "approvals",
        _("Approval queue"),
        _count(waiting, reports, _("waiting for approval"), url),
        attention=waiting > 0,
    )
    if not waiting:
        tile.empty = _("Nothing is waiting for approval.")
    elif oldest is not None and oldest.submitted_at:
        waited = max((today - timezone.localdate(oldest.submitted_at)).days, 0)
        tile.details.append(_count(waited, days, _("the oldest one has waited"), url))
    return tile


def _quality_tile(initiative, alerts: DataQualityAlerts) -> Tile:
    url = console_url(initiative, "console_data_quality")
    tile = Tile(
        "data-quality",
        _("Data-quality alerts"),
        _count(len(alerts.flagged), values, _("with warnings, waiting for review"), url),
        [
            _count(
                len(alerts.returned),
                reports,
                ngettext(
                    "returned to its partner, not sent again yet",
                    "returned to their partners, not sent again yet",
                    len(alerts.returned),
                ),
                url + "#returned",
            )
        ],
        attention=alerts.count > 0,
    )
    if not alerts.count:
        tile.empty = _("No warnings on reports waiting for approval, and no returned report.")
    return tile


def _worsening_tile(initiative, worsening: list, total: int) -> Tile:
    tile = Tile(
        "worsening",
        _("Indicators worsening"),
        _count(
            len(worsening),
            indicators,
            _("trending the wrong way"),
            console_url(initiative, "console_worsening"),
        ),
        [
            _count(
                total,
                indicators,
                _("on the report card"),
                reverse("report_card", args=[initiative.slug]),
            )
        ],
        attention=bool(worsening),
    )
    if not worsening:
        tile.empty = _("No indicator has a worsening trend.")
    return tile


def _action_items_tile(initiative, overdue: int) -> Tile:
    tile = Tile(
        "action-items",
        _("Overdue action items"),
        _count(overdue, action_items, _("past their due date"), overdue_url(initiative)),
        attention=overdue > 0,
    )
    if not overdue:
        tile.empty = _("No action item is overdue.")
    return tile


def _attendance_tile(initiative, figures: EngagementFigures) -> Tile:
    url = engagement_url(initiative, figures)
    counts = figures.overall
    title = _("Attendance, last %(n)d months") % {"n": engagement_score.ATTENDANCE_MONTHS}
    if not counts.expected:
        return Tile("attendance", title, None, empty=_("No attendance was taken in these months."))
    return Tile(
        "attendance",
        title,
        Figure(
            counts.attendance_rate,
            percent_text(counts.attendance_rate),
            "%",
            _("of expected seats filled (in person or by a delegate)"),
            url,
        ),
        [
            Figure(
                counts.delegate_rate,
                percent_text(counts.delegate_rate),
                "%",
                _("sent a delegate"),
                url,
            ),
            _count(figures.meetings, meetings, _("held"), url),
        ],
    )


def _engagement_tile(initiative, scores: list[PartnerScore]) -> Tile:
    scored = [s.score for s in scores if s.score is not None]
    low = engagement_score.low_engagement(scores)
    url = console_url(initiative, "console_engagement")
    title = _("Partner engagement")
    if not scored:
        return Tile("engagement", title, None, empty=_("No active partner has a score yet."))
    average = round(sum(scored) / len(scored))
    return Tile(
        "engagement",
        title,
        _count(
            len(low),
            partners,
            _("scored below %(n)d of 100") % {"n": engagement_score.LOW_SCORE},
            console_url(initiative, "console_engagement", below=engagement_score.LOW_SCORE),
        ),
        [
            Figure(average, number(average), _("of 100"), _("average score"), url),
            _count(len(scored), partners, _("scored"), url),
        ],
        attention=bool(low),
    )


def _charter_tile(initiative, overview: CharterOverview, outstanding: list) -> Tile:
    title = _("Charter signatures")
    if overview.adopted is None:
        return Tile(
            "charters",
            title,
            None,
            empty=_("No version of the common agenda is adopted yet: nothing to sign."),
        )
    url = console_url(initiative, "console_charters")
    tile = Tile(
        "charters",
        title,
        _count(
            len(outstanding),
            partners,
            ngettext(
                "has not signed version %(n)d",
                "have not signed version %(n)d",
                len(outstanding),
            )
            % {"n": overview.adopted.number},
            url,
        ),
        [
            _count(overview.not_resigned, partners, _("signed an older version only"), url),
            _count(overview.never, partners, _("never signed"), url),
        ],
        attention=bool(outstanding),
    )
    if not outstanding:
        tile.empty = _("Every partner signed the adopted version.")
    return tile


def _voice_tile(initiative, voice: CommunityVoice) -> Tile:
    """Residents and people with lived experience in the bodies (SPEC §3.5.4)."""
    title = _("Community voice")
    url = reverse("community_voice", args=[initiative.slug])
    if not voice.whole.members:
        return Tile("community-voice", title, None, empty=_("No member yet."))
    bodies = [row for row in voice.bodies if row.members]
    return Tile(
        "community-voice",
        title,
        Figure(
            voice.whole.percent,
            percent_text(voice.whole.percent),
            "%",
            _("of members are residents or have lived experience"),
            url,
        ),
        [
            Figure(
                row.percent,
                percent_text(row.percent),
                "%",
                _("in %(body)s") % {"body": row.name},
                url,
            )
            for row in bodies
        ],
        empty="" if bodies else _("No body lists its people yet."),
    )


def _steps(initiative, shown: set[str], figures: dict) -> list[Step]:
    """The "what to do next" lines: one per figure that asks for action, for the kinds of tiles
    shown."""
    steps = []

    def add(kind, count, text, url):
        if kind in shown and count:
            steps.append(Step(count, text, url))

    waiting = figures["waiting"]
    add(
        "approvals",
        waiting,
        ngettext("%(n)s report waiting for approval", "%(n)s reports waiting for approval", waiting)
        % {"n": number(waiting)},
        reverse("review_queue", args=[initiative.slug]),
    )
    alerts = figures["alerts"]
    add(
        "data-quality",
        len(alerts.flagged),
        ngettext(
            "%(n)s value with a data-quality warning to check",
            "%(n)s values with data-quality warnings to check",
            len(alerts.flagged),
        )
        % {"n": number(len(alerts.flagged))},
        console_url(initiative, "console_data_quality"),
    )
    for result in figures["reporting"]:
        missing = result.tally.count(State.MISSING)
        add(
            "reporting",
            missing,
            ngettext(
                "%(n)s report missing for %(period)s",
                "%(n)s reports missing for %(period)s",
                missing,
            )
            % {"n": number(missing), "period": result.period.code},
            completeness_url(initiative, result.period.code),
        )
    overdue = figures["overdue"]
    add(
        "action-items",
        overdue,
        ngettext("%(n)s action item overdue", "%(n)s action items overdue", overdue)
        % {"n": number(overdue)},
        overdue_url(initiative),
    )
    outstanding = figures["outstanding"]
    if figures["adopted"] is not None:
        add(
            "charters",
            len(outstanding),
            ngettext(
                "%(n)s partner has not signed agenda version %(v)d",
                "%(n)s partners have not signed agenda version %(v)d",
                len(outstanding),
            )
            % {"n": number(len(outstanding)), "v": figures["adopted"].number},
            console_url(initiative, "console_charters"),
        )
    worsening = figures["worsening"]
    add(
        "worsening",
        len(worsening),
        ngettext("%(n)s indicator worsening", "%(n)s indicators worsening", len(worsening))
        % {"n": number(len(worsening))},
        console_url(initiative, "console_worsening"),
    )
    low = figures["low"]
    add(
        "engagement",
        len(low),
        ngettext(
            "%(n)s partner with low engagement (below %(score)d of 100)",
            "%(n)s partners with low engagement (below %(score)d of 100)",
            len(low),
        )
        % {"n": number(len(low)), "score": engagement_score.LOW_SCORE},
        console_url(initiative, "console_engagement", below=engagement_score.LOW_SCORE),
    )
    return steps


# What each tile's list needs: a tile is shown only to those who may open the list behind it.
TILE_PERMISSIONS = {
    "community-voice": Perm.VIEW_CONSOLE,
    "reporting": Perm.VIEW_COMPLETENESS,
    "approvals": Perm.REVIEW_DATA,
    "data-quality": Perm.REVIEW_DATA,
    "worsening": Perm.VIEW_RESULTS,
    "action-items": Perm.VIEW_INITIATIVE,
    "attendance": Perm.VIEW_ENGAGEMENT,
    "engagement": Perm.VIEW_CONSOLE,
    "charters": Perm.VIEW_CONSOLE,
    "leverage": Perm.VIEW_INITIATIVE,
}


def may_see(access, kind: str) -> bool:
    return access.has(TILE_PERMISSIONS[kind])


def build_console(initiative, *, today: date, access) -> Console:
    """Every figure of the console for ``access`` (tiles and next steps), in a fixed number of
    queries."""
    assignments = assignments_for(initiative)
    periods = engagement_score.reporting_periods(initiative, today=today, assignments=assignments)
    attendance = engagement_score.attendance_figures(initiative, today=today)
    overview = engagement_score.charters(initiative)
    scores = engagement_score.engagement_scores(
        initiative, today=today, reporting=periods, attendance=attendance, charter=overview
    )
    reporting = current_reporting(periods)
    queue = approval_queue(initiative)
    waiting = queue.count()
    alerts = data_quality_alerts(initiative)
    card = build_report_card(initiative, public=False)
    worsening = worsening_indicators(card)
    overdue = overdue_action_items(initiative, today=today).count()
    outstanding = charters_outstanding(overview)
    leverage = leverage_for(initiative)

    tiles = [_reporting_tile(initiative, result) for result in reporting]
    tiles += [
        _approval_tile(initiative, waiting, queue.first() if waiting else None, today),
        _quality_tile(initiative, alerts),
        _worsening_tile(initiative, worsening, len(card.indicators)),
        _action_items_tile(initiative, overdue),
        _attendance_tile(initiative, attendance),
        _engagement_tile(initiative, scores),
        _charter_tile(initiative, overview, outstanding),
        _voice_tile(initiative, community_voice(initiative)),
    ]
    tiles = [t for t in tiles if may_see(access, t.kind)]
    figures = {
        "waiting": waiting,
        "alerts": alerts,
        "reporting": reporting,
        "overdue": overdue,
        "outstanding": outstanding,
        "adopted": overview.adopted,
        "worsening": worsening,
        "low": engagement_score.low_engagement(scores),
    }
    return Console(
        initiative=initiative,
        today=today,
        tiles=tiles,
        steps=_steps(initiative, {t.kind for t in tiles}, figures),
        leverage=leverage if may_see(access, "leverage") else None,
    )
