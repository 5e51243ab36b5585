"""A version of the common agenda as the pages show it: Markdown rendered, indicators by name,
goals grouped into long-term goals and short-term wins. The public page keeps published
indicators only, like the public report card."""

from commonground.action.agenda.content import TEXT_FIELDS, AgendaDocument
from commonground.action.models import Goal
from commonground.insight.markdown import render_story
from commonground.measurement.models import Indicator


def indicator_names(initiative, codes) -> dict[str, str]:
    return dict(
        Indicator.objects.filter(initiative=initiative, code__in=list(codes)).values_list(
            "code", "name"
        )
    )


def present(document: AgendaDocument, *, public: bool = False) -> dict:
    """The texts and goals of ``document`` for a template, in two queries at most."""
    initiative = document.version.initiative
    indicators = Indicator.objects.filter(
        initiative=initiative, code__in=list(document.indicator_codes)
    ).order_by("sort_order", "name", "code")
    if public:
        indicators = indicators.filter(is_published=True)
    order = {indicator.code: indicator for indicator in indicators}

    def measured(codes) -> list[Indicator]:
        return [indicator for code, indicator in order.items() if code in codes]

    goals = [
        {
            **goal,
            "description_html": render_story(goal["description"]),
            "indicators": measured(goal["indicators"]),
            "strategies": [
                {
                    **strategy,
                    "description_html": render_story(strategy["description"]),
                    "indicators": measured(strategy["indicators"]),
                }
                for strategy in goal["strategies"]
            ],
        }
        for goal in document.goals
    ]
    return {
        "texts": [
            {"name": name, "label": label, "html": render_story(document.texts[name])}
            for name, label in TEXT_FIELDS.items()
            if document.texts[name].strip()
        ],
        "long_term": [g for g in goals if g["horizon"] == Goal.Horizon.LONG_TERM],
        "short_term": [g for g in goals if g["horizon"] == Goal.Horizon.SHORT_TERM],
        "goal_count": len(goals),
        "strategy_count": sum(len(g["strategies"]) for g in goals),
    }
