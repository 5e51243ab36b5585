"""The demo's improvement project: the Early Grade Success Network's attendance work, with two
PDSA cycles, tied to the real count of chronically absent students (``chronic_absent_students``).

The project, its pilot schools, people and pilot figures are INVENTED for the demo; the
divisions' counts it quotes (3,304 in 2022-23, 2,800 in 2023-24, 2,520 in 2024-25) are the real
VDOE figures the demo loads. Everything goes through ``action.improvement.services``: the
facilitator starts the project, its owner (Bluebird's lead) adds the measures and writes the
cycles. Running it again adds only what is missing.
"""

from datetime import date

from commonground.action.improvement import services
from commonground.action.models import ImprovementProject
from commonground.measurement.models import Indicator

TITLE = "Every Day Counts: fewer chronically absent students"
OWNER = "bluebird-health.lead"
OUTCOME_INDICATOR = "chronic_absent_students"

# (kind, indicator code or None, name when not an indicator)
MEASURES = [
    ("outcome", OUTCOME_INDICATOR, ""),
    (
        "process",
        None,
        "Families of students with a third absence reached within five school days "
        "(percent, pilot schools)",
    ),
    (
        "balancing",
        None,
        "Counselor and nurse hours a month taken from other students (pilot schools)",
    ),
]

CYCLES = [
    {
        "title": "A text to the family after a second absence",
        "plan": (
            "In two pilot elementary schools, the attendance clerk texts the family after a "
            "student's second absence in a month: a friendly note, the school nurse's number and "
            "an offer of help. Bluebird's outreach workers log who replies and why the child was "
            "out."
        ),
        "prediction": (
            "At least 70% of families reached within five school days; absences in the month "
            "after the text down 10% among the students texted."
        ),
        "started_on": date(2023, 9, 11),
        "ended_on": date(2023, 12, 15),
        "do_notes": (
            "Texts went out from the third week. One school sent them in English only for the "
            "first month, and fewer Spanish-speaking families replied there."
        ),
        "study": (
            "62% of families reached within five days (predicted 70%); absences in the following "
            "month down 6% (predicted 10%). Families who replied had fewer repeat absences than "
            "those who did not; illness and transport were the most common reasons."
        ),
        "act": "adapt",
        "act_notes": (
            "Keep the texts, send them in the family's language from the first day, and add a "
            "call from an outreach worker after the third absence."
        ),
    },
    {
        "title": "Texts in the family's language, and a call after the third absence",
        "plan": (
            "Four pilot schools: texts in the family's language after the second absence, and a "
            "call from a Bluebird outreach worker after the third, offering transport help, a "
            "health visit or a meeting with the teacher. Continued into the fall."
        ),
        "prediction": (
            "80% of families reached within five school days; chronically absent students in the "
            "pilot schools down 15% on the same months a year earlier; no more than 10 counselor "
            "hours a month taken from other students."
        ),
        "started_on": date(2024, 2, 5),
        "ended_on": date(2024, 11, 22),
        "do_notes": (
            "Calls began in February; two outreach workers shared the four schools. Bus passes "
            "were the help asked for most often."
        ),
        "study": (
            "84% of families reached within five days; chronically absent students in the pilot "
            "schools down 17% on a year earlier; 6 counselor hours a month taken. The two "
            "divisions' count fell from 3,304 (2022-23) to 2,800 (2023-24) and 2,520 (2024-25); "
            "the pilot schools are a small part of that fall, so the project does not claim it."
        ),
        "act": "adopt",
        "act_notes": (
            "Adopted in the pilot schools. The network asks both divisions to bring it to every "
            "elementary school in 2025-26."
        ),
    },
]


def build(initiative, users, out) -> None:
    """Create the project, its measures and its cycles, if missing."""
    project = ImprovementProject.objects.filter(initiative=initiative, title=TITLE).first()
    if project is None:
        project = services.create_project(
            actor=users["facilitator"],
            initiative=initiative,
            data=services.ProjectData(
                title=TITLE,
                aim=(
                    "Cut the number of chronically absent students in the two divisions from "
                    "3,304 (school year 2022-23) to under 2,650 — a fifth fewer — by the end of "
                    "school year 2024-25, starting with the early grades."
                ),
                owner=users[OWNER],
                working_group=initiative.working_groups.get(code="early-grades"),
                partnership=initiative.partnerships.get(code="bluebird-health"),
                started_on=date(2023, 8, 28),
            ),
        )
    owner = users[OWNER]
    indicators = {i.code: i for i in Indicator.objects.filter(initiative=initiative)}
    have = {(m.kind, m.indicator_id, m.name) for m in project.measures.all()}
    for kind, code, name in MEASURES:
        indicator = indicators[code] if code else None
        if (kind, indicator.pk if indicator else None, name) not in have:
            services.add_measure(
                actor=owner, project=project, kind=kind, indicator=indicator, name=name
            )
    outcome = project.measures.get(kind="outcome", indicator=indicators[OUTCOME_INDICATOR])
    written = set(project.cycles.values_list("number", flat=True))
    for number, cycle in enumerate(CYCLES, start=1):
        if number not in written:
            services.add_cycle(
                actor=owner,
                project=project,
                data=services.CycleData(measure=outcome, **cycle),
            )
    out.line(
        f"Improvement: “{project.title}”, {project.measures.count()} measures, "
        f"{project.cycles.count()} PDSA cycles"
    )
