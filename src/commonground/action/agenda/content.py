"""What one version of the common agenda says: its texts and its goals with their strategies.

A version's goals and strategies are frozen in ``AgendaVersion.content`` when it is proposed, in
this form (codes only: indicators keep their codes, so names are looked up when shown)::

    {"goals": [{"code", "title", "horizon", "description", "indicators": [codes],
                "strategies": [{"code", "title", "description", "indicators": [codes]}]}]}

Goals and strategies come in display order, retired ones left out. A draft has no frozen content
yet: it says what the live goals and strategies say (``live_content``).
"""

from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from commonground.action.models import AgendaVersion, Goal, Strategy

# The statement's texts, in the order the agenda page shows them.
TEXT_FIELDS = {
    "problem_statement": _("The problem"),
    "vision": _("Our vision"),
    "principles": _("Principles"),
    "evaluation_approach": _("How we evaluate"),
}


def live_goals(initiative):
    """The goals in force (not retired), their indicators and strategies: four queries."""
    strategies = Strategy.objects.filter(is_retired=False).prefetch_related("indicators")
    return (
        Goal.objects.filter(initiative=initiative, is_retired=False)
        .prefetch_related("indicators", Prefetch("strategies", queryset=strategies))
        .order_by("sort_order", "code")
    )


def live_content(initiative) -> dict:
    """The goals and strategies as they stand now, in the frozen-content form."""
    return {
        "goals": [
            {
                "code": goal.code,
                "title": goal.title,
                "horizon": goal.horizon,
                "description": goal.description,
                "indicators": sorted(i.code for i in goal.indicators.all()),
                "strategies": [
                    {
                        "code": strategy.code,
                        "title": strategy.title,
                        "description": strategy.description,
                        "indicators": sorted(i.code for i in strategy.indicators.all()),
                    }
                    for strategy in goal.strategies.all()
                ],
            }
            for goal in live_goals(initiative)
        ]
    }


@dataclass
class AgendaDocument:
    """A version's texts and goals (frozen, or live for a draft), ready to show or compare."""

    version: AgendaVersion
    texts: dict[str, str]
    goals: list[dict]

    @property
    def indicator_codes(self) -> set[str]:
        codes = set()
        for goal in self.goals:
            codes.update(goal["indicators"])
            for strategy in goal["strategies"]:
                codes.update(strategy["indicators"])
        return codes


def document_of(version: AgendaVersion) -> AgendaDocument:
    if version.status == AgendaVersion.Status.DRAFT:
        goals = live_content(version.initiative)["goals"]
    else:
        goals = version.content.get("goals", [])
    texts = {name: getattr(version, name) for name in TEXT_FIELDS}
    return AgendaDocument(version=version, texts=texts, goals=goals)
