"""The initiative's navigation: areas in a top row, the current area's pages in a second row.

Each page names its entry with ``nav = "<key>"`` on its view; an entry is shown to people who
hold any of its permissions (none listed: every member). Keeping the menu here rather than in
``base.html`` keeps the template readable as areas grow.
"""

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from commonground.core.permissions import Perm


@dataclass(frozen=True)
class Entry:
    key: str
    label: str
    url_name: str
    needs: tuple[Perm, ...] = ()


@dataclass(frozen=True)
class Area:
    label: str
    entries: tuple[Entry, ...]


@dataclass
class VisibleArea:
    label: str
    links: list[dict] = field(default_factory=list)

    @property
    def keys(self) -> set[str]:
        return {link["key"] for link in self.links}

    @property
    def url(self) -> str:
        return self.links[0]["url"]


P = Perm
AREAS = (
    Area(
        _("Home"),
        (
            Entry("home", _("Home"), "initiative_home"),
            Entry("my_work", _("My work"), "my_work"),
            Entry("notifications", _("Notifications"), "notification_list"),
        ),
    ),
    Area(
        _("Agenda and plan"),
        (
            Entry("agenda", _("Common agenda"), "agenda"),
            Entry("plan", _("Action plan"), "activity_list"),
            Entry("alignment", _("Alignment"), "alignment"),
            Entry("groups", _("Working groups"), "working_group_list"),
            Entry("improvement", _("Improvement"), "improvement_list"),
            Entry("funding", _("Funding"), "funding"),
        ),
    ),
    Area(
        _("Measurement"),
        (
            Entry("report_card", _("Report card"), "report_card", (P.VIEW_RESULTS,)),
            Entry("indicators", _("Indicators"), "indicator_list"),
            Entry(
                "reporting",
                _("Reporting"),
                "reporting_todo",
                (P.ENTER_OWN_DATA, P.ENTER_ANY_DATA, P.VIEW_ALL_PARTNER_DATA, P.REVIEW_DATA),
            ),
            Entry(
                "benchmark",
                _("Benchmarks"),
                "partner_benchmark",
                (P.VIEW_OWN_PARTNER_DATA, P.VIEW_ALL_PARTNER_DATA),
            ),
            Entry("review", _("Review"), "review_queue", (P.REVIEW_DATA,)),
            Entry("imports", _("Imports"), "imports", (P.RUN_IMPORTS,)),
            Entry("export", _("Export"), "export_data", (P.EXPORT_DATA,)),
            Entry("completeness", _("Completeness"), "completeness", (P.VIEW_COMPLETENESS,)),
        ),
    ),
    Area(
        _("Convening"),
        (
            Entry("meetings", _("Meetings"), "meeting_list"),
            Entry("decisions", _("Decisions"), "decision_list"),
            Entry("action_items", _("Action items"), "action_item_list"),
            Entry("discussions", _("Discussions"), "thread_list"),
            Entry("stories", _("Stories"), "story_list"),
            Entry("engagement", _("Engagement"), "engagement", (P.VIEW_ENGAGEMENT,)),
        ),
    ),
    Area(
        _("Backbone"),
        (
            Entry("console", _("Console"), "console", (P.VIEW_CONSOLE,)),
            Entry("assessments", _("Assessments"), "assessment_list"),
            Entry("network", _("Network survey"), "network_rounds"),
            Entry("evaluation", _("Evaluation plan"), "evaluation_plan", (P.VIEW_RESULTS,)),
            Entry("community_voice", _("Community voice"), "community_voice", (P.VIEW_CONSOLE,)),
        ),
    ),
    Area(
        _("Partners and people"),
        (
            Entry("partners", _("Partners"), "partner_list"),
            Entry("people", _("People and roles"), "people"),
            Entry("audit", _("Audit log"), "audit_log", (P.VIEW_AUDIT_LOG,)),
            Entry("webhooks", _("Webhooks"), "webhooks", (P.MANAGE_WEBHOOKS,)),
        ),
    ),
)


def menu(access) -> list[VisibleArea]:
    """The areas and pages ``access`` may see, with their URLs (areas with none are left out)."""
    slug = access.initiative.slug
    areas = []
    for area in AREAS:
        visible = VisibleArea(str(area.label))
        for entry in area.entries:
            if entry.needs and not any(access.has(perm) for perm in entry.needs):
                continue
            visible.links.append(
                {
                    "key": entry.key,
                    "label": entry.label,
                    "url": reverse(entry.url_name, args=[slug]),
                }
            )
        if visible.links:
            areas.append(visible)
    return areas
