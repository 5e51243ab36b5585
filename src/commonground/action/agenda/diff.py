"""The difference between two versions of the common agenda, section by section, for people.

Texts are compared line by line (``difflib``); a line that was reworded is shown once with the
words taken out and put in, rather than as one line removed and another added. Goals and
strategies are matched by code: added, removed, or changed (title, horizon, the goal a strategy
sits under, description, indicators). Either side may be a draft, which says what the live goals
say (``content.document_of``).
"""

import difflib
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from commonground.action.agenda.content import TEXT_FIELDS, AgendaDocument
from commonground.action.models import Goal

# Below this similarity two lines are unrelated: shown as one removed and one added.
REWORDED = 0.4
WORDS = re.compile(r"(\s+)")


@dataclass
class Line:
    """One line of a text: ``same``, ``added``, ``removed`` or ``changed`` (then ``words``)."""

    kind: str
    text: str = ""
    words: list[tuple[str, str]] = field(default_factory=list)  # (same|added|removed, text)


@dataclass
class TextDiff:
    label: str
    lines: list[Line]

    @property
    def changed(self) -> bool:
        return any(line.kind != "same" for line in self.lines)


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class ItemDiff:
    """A goal or strategy present on both sides, and what changed in it."""

    code: str
    title: str
    changes: list[FieldChange]
    description: TextDiff | None
    indicators_added: list[str]
    indicators_removed: list[str]


@dataclass
class ItemsDiff:
    added: list[dict] = field(default_factory=list)
    removed: list[dict] = field(default_factory=list)
    changed: list[ItemDiff] = field(default_factory=list)
    unchanged: int = 0

    @property
    def any(self) -> bool:
        return bool(self.added or self.removed or self.changed)


@dataclass
class AgendaDiff:
    old: AgendaDocument
    new: AgendaDocument
    texts: list[TextDiff]
    goals: ItemsDiff
    strategies: ItemsDiff

    @property
    def changed(self) -> bool:
        return self.goals.any or self.strategies.any or any(t.changed for t in self.texts)

    def summary(self) -> list[str]:
        """What changed in a few phrases: "Vision changed", "1 goal added", …"""
        parts = [_("%(section)s changed") % {"section": t.label} for t in self.texts if t.changed]
        for items, noun in ((self.goals, "goal"), (self.strategies, "strategy")):
            for count, verb in (
                (len(items.added), "added"),
                (len(items.removed), "removed"),
                (len(items.changed), "changed"),
            ):
                if count:
                    parts.append(_describe(count, noun, verb))
        return parts


def _describe(count: int, noun: str, verb: str) -> str:
    phrases = {
        ("goal", "added"): ngettext("%(n)d goal added", "%(n)d goals added", count),
        ("goal", "removed"): ngettext("%(n)d goal removed", "%(n)d goals removed", count),
        ("goal", "changed"): ngettext("%(n)d goal changed", "%(n)d goals changed", count),
        ("strategy", "added"): ngettext("%(n)d strategy added", "%(n)d strategies added", count),
        ("strategy", "removed"): ngettext(
            "%(n)d strategy removed", "%(n)d strategies removed", count
        ),
        ("strategy", "changed"): ngettext(
            "%(n)d strategy changed", "%(n)d strategies changed", count
        ),
    }
    return phrases[noun, verb] % {"n": count}


def compare(
    old: AgendaDocument, new: AgendaDocument, indicator_names: dict[str, str]
) -> AgendaDiff:
    """The difference from ``old`` to ``new``; indicators are shown by their names."""
    texts = [
        TextDiff(str(label), diff_text(old.texts[name], new.texts[name]))
        for name, label in TEXT_FIELDS.items()
    ]
    goals = _diff_items(
        {g["code"]: g for g in old.goals},
        {g["code"]: g for g in new.goals},
        indicator_names,
        _goal_changes,
    )
    strategies = _diff_items(
        _strategies(old.goals),
        _strategies(new.goals),
        indicator_names,
        _strategy_changes,
    )
    return AgendaDiff(old, new, texts, goals, strategies)


def _strategies(goals: list[dict]) -> dict[str, dict]:
    """Every strategy by code, with the goal it sits under."""
    return {
        s["code"]: {**s, "goal": g["code"], "goal_title": g["title"]}
        for g in goals
        for s in g["strategies"]
    }


def _diff_items(old: dict, new: dict, names: dict, changes_of) -> ItemsDiff:
    result = ItemsDiff()
    for code, item in new.items():
        if code not in old:
            result.added.append(item)
            continue
        before = old[code]
        changes = changes_of(before, item)
        description = None
        if before["description"] != item["description"]:
            description = TextDiff(
                _("Description"), diff_text(before["description"], item["description"])
            )
        added = [names.get(c, c) for c in item["indicators"] if c not in before["indicators"]]
        removed = [names.get(c, c) for c in before["indicators"] if c not in item["indicators"]]
        if changes or description or added or removed:
            result.changed.append(
                ItemDiff(code, item["title"], changes, description, added, removed)
            )
        else:
            result.unchanged += 1
    result.removed = [item for code, item in old.items() if code not in new]
    return result


def _goal_changes(old: dict, new: dict) -> list[FieldChange]:
    changes = []
    if old["title"] != new["title"]:
        changes.append(FieldChange(_("Title"), old["title"], new["title"]))
    if old["horizon"] != new["horizon"]:
        changes.append(
            FieldChange(
                _("Horizon"),
                str(Goal.Horizon(old["horizon"]).label),
                str(Goal.Horizon(new["horizon"]).label),
            )
        )
    return changes


def _strategy_changes(old: dict, new: dict) -> list[FieldChange]:
    changes = []
    if old["title"] != new["title"]:
        changes.append(FieldChange(_("Title"), old["title"], new["title"]))
    if old["goal"] != new["goal"]:
        changes.append(FieldChange(_("Under the goal"), old["goal_title"], new["goal_title"]))
    return changes


def diff_text(old: str, new: str) -> list[Line]:
    """``new`` line by line against ``old``; blank lines are left out (paragraph breaks)."""
    before = [line.rstrip() for line in old.splitlines() if line.strip()]
    after = [line.rstrip() for line in new.splitlines() if line.strip()]
    lines = []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            lines += [Line("same", text) for text in before[i1:i2]]
            continue
        removed, added = before[i1:i2], after[j1:j2]
        paired = min(len(removed), len(added))
        for a, b in zip(removed[:paired], added[:paired], strict=True):
            if difflib.SequenceMatcher(None, a, b, autojunk=False).ratio() >= REWORDED:
                lines.append(Line("changed", b, _word_diff(a, b)))
            else:
                lines += [Line("removed", a), Line("added", b)]
        lines += [Line("removed", text) for text in removed[paired:]]
        lines += [Line("added", text) for text in added[paired:]]
    return lines


def _word_diff(old: str, new: str) -> list[tuple[str, str]]:
    a, b = WORDS.split(old), WORDS.split(new)
    words = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            words.append(("same", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            words.append(("removed", "".join(a[i1:i2])))
        if j2 > j1:
            words.append(("added", "".join(b[j1:j2])))
    return words
