"""The forms of the network survey: a new round, and a partner's answer.

The answer is a table of every other partner in the round — a "we work together" box and the
seven ratings as selects — read from the posted fields by ``read_answer``; it works without
JavaScript and keeps what was entered when something must be corrected.
"""

from dataclasses import dataclass, field

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from commonground.backbone.models import Relationship
from commonground.backbone.network.services import RATING_FIELDS, TieAnswer, answer_problem

INTENSITY_CHOICES = [(str(v), f"{v} {label}") for v, label in Relationship.Intensity.choices]
SCALE_WORDS = [
    gettext_lazy("Not at all"),
    gettext_lazy("Somewhat"),
    gettext_lazy("Fairly"),
    gettext_lazy("Very"),
]
SCALE_CHOICES = [(str(v), f"{v} {word}") for v, word in enumerate(SCALE_WORDS, start=1)]

# Column headings of the answer table and the question each stands for.
QUESTIONS = {
    "intensity": (
        gettext_lazy("How we work together"),
        gettext_lazy(
            "Awareness: we know what they do. Cooperation: we share information and help each "
            "other now and then. Coordination: we plan some work together. Integration: we "
            "work as one on shared goals, people and money."
        ),
    ),
    "trust_openness": (
        gettext_lazy("Open"),
        gettext_lazy("How open is this partner to discussion and to other views?"),
    ),
    "trust_reliability": (
        gettext_lazy("Reliable"),
        gettext_lazy("How reliably does this partner do what it said it would?"),
    ),
    "trust_mission": (
        gettext_lazy("Shares the mission"),
        gettext_lazy("How committed is this partner to the initiative's shared mission?"),
    ),
    "value_influence": (
        gettext_lazy("Influence"),
        gettext_lazy("How much influence does this partner have in the community?"),
    ),
    "value_involvement": (
        gettext_lazy("Involvement"),
        gettext_lazy("How involved is this partner in the work you do together?"),
    ),
    "value_resources": (
        gettext_lazy("Resources"),
        gettext_lazy(
            "How much does this partner bring to it: money, staff, data, space, connections?"
        ),
    ),
}


class RoundForm(forms.Form):
    title = forms.CharField(
        label=gettext_lazy("Title"),
        max_length=200,
        help_text=gettext_lazy("For example: Partner network survey, spring 2026."),
    )
    opens_on = forms.DateField(
        label=gettext_lazy("Opens on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    closes_on = forms.DateField(
        label=gettext_lazy("Planned to close on"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("The round stays open until you close it."),
    )


# Which field of the round form a service error is about.
ROUND_ERROR_FIELDS = {
    "title_missing": "title",
    "title_too_long": "title",
    "closes_before_opening": "closes_on",
}


@dataclass
class Cell:
    name: str  # the posted field's name
    field: str  # the rating
    value: str
    choices: list
    error: str = ""


@dataclass
class AnswerRow:
    """One partner in the answer table, with what was entered for it."""

    partner: object  # Partnership
    works_with: bool = False
    cells: list[Cell] = field(default_factory=list)
    error: str = ""  # about the partner as a whole

    @property
    def tie_name(self) -> str:
        return f"p{self.partner.pk}-tie"

    @property
    def has_error(self) -> bool:
        return bool(self.error or any(c.error for c in self.cells))


def _cells(partner, values: dict[str, str]) -> list[Cell]:
    return [
        Cell(
            name=f"p{partner.pk}-{name}",
            field=name,
            value=values.get(name, ""),
            choices=INTENSITY_CHOICES if name == "intensity" else SCALE_CHOICES,
        )
        for name in RATING_FIELDS
    ]


def rows_from_answer(partners, relationships) -> list[AnswerRow]:
    """The table as saved: ``relationships`` of the partner's answer, by partner id."""
    rows = []
    for partner in partners:
        saved = relationships.get(partner.pk)
        values = {n: str(getattr(saved, n)) for n in RATING_FIELDS} if saved else {}
        rows.append(AnswerRow(partner, works_with=saved is not None, cells=_cells(partner, values)))
    return rows


def read_answer(data, partners) -> tuple[list[AnswerRow], list[TieAnswer], list[dict]]:
    """The table as posted, the ties it names (rows whose box is ticked), and its problems.

    A row with ratings but no tick is a problem rather than dropped, so nothing typed is lost
    without the person knowing."""
    rows, ties, problems = [], [], []
    for partner in partners:
        values = {n: data.get(f"p{partner.pk}-{n}", "").strip() for n in RATING_FIELDS}
        row = AnswerRow(
            partner, works_with=bool(data.get(f"p{partner.pk}-tie")), cells=_cells(partner, values)
        )
        rows.append(row)
        if row.works_with:
            ties.append(TieAnswer(partner, **{n: _number(v) for n, v in values.items()}))
        elif any(values.values()):
            problems.append(
                answer_problem(
                    partner,
                    "partner",
                    "ratings_without_tie",
                    _(
                        "%(partner)s has ratings but “we work together” is not ticked: tick it, "
                        "or clear the ratings."
                    )
                    % {"partner": partner},
                )
            )
    return rows, ties, problems


def _number(text: str):
    """A rating as a number when it is one; anything else is passed on for the service to
    refuse by name."""
    return int(text) if text.isdigit() else (text or None)


def show_problems(rows: list[AnswerRow], problems: list[dict]) -> None:
    """Put each problem a service found next to its partner and field."""
    by_partner = {row.partner.pk: row for row in rows}
    for problem in problems:
        row = by_partner.get(problem["partner"])
        if row is None:
            continue
        if problem["field"] == "partner":
            row.error = problem["message"]
            continue
        for cell in row.cells:
            if cell.field == problem["field"]:
                cell.error = problem["message"]
