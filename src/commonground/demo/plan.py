"""The demo's action plan (SPEC §3.3.3–4), through the real services.

Each partner's lead adds its activities (the backbone lead adds the funder's), linked to the
strategies of ``cradle-to-career.yaml``. The plan is made to show what the alignment views find:

* **blocked**: Rivanna Reads' classroom tutoring waits on its own tutor recruitment, which has
  stalled; Bluebird's school nurse visits wait on the city schools' attendance-data sharing,
  which is past its end date;
* **an overlap**: Rivanna Reads' tutors and the city schools' reading intervention blocks serve
  the same children (kindergarten to grade 3, Charlottesville) under the same strategy;
* **gaps**: nobody works yet on "benefits and housing help at school", and the residents'
  leadership course serves no goal of the agenda.

The networks get the demo facilitator. Dates are set relative to the day the demo is first
built. Running it again adds nothing: activities are found by partner and title, dependencies
and milestones by what they link. Every activity and person is invented.
"""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from commonground.action.models import Activity, ActivityDependency, Strategy
from commonground.action.plan import services
from commonground.initiatives.working_groups.services import update_working_group
from commonground.measurement.models import Indicator

Status = Activity.Status


@dataclass(frozen=True)
class DemoActivity:
    key: str
    partner: str
    title: str
    description: str
    strategy: str | None  # a strategy code of the YAML, or None
    population: str
    geography: str
    starts: int  # days from the day the demo is built (negative: in the past)
    ends: int | None
    status: str
    group: str | None = None
    indicators: tuple[str, ...] = ()
    budget: int | None = None
    staff_hours: int | None = None
    resources: str = ""
    needs: tuple[str, ...] = ()  # keys of the activities it depends on
    milestones: tuple[tuple[str, int, bool], ...] = ()  # title, due (days), done


CITY, COUNTY, REGION = "Charlottesville", "Albemarle County", "Charlottesville and Albemarle County"
K3 = "Students in kindergarten to grade 3"

ACTIVITIES = [
    DemoActivity(
        "books",
        "bluebird-health",
        "Reach Out and Read at every well-child visit",
        "Pediatric providers give a new book and a reading tip sheet at each checkup from six "
        "months to five years.",
        "books-at-checkups",
        "Children from birth to five",
        REGION,
        -420,
        400,
        Status.ACTIVE,
        group="early-grades",
        indicators=("kinder_ready",),
        budget=38000,
        resources="Books donated by the public library's friends group.",
    ),
    DemoActivity(
        "circles",
        "neighbors-table",
        "Parent-led learning circles at neighborhood centers",
        "Parents of young children meet monthly over dinner, led by parents who have been "
        "through kindergarten entry, to share games and routines that build school readiness.",
        "family-learning-circles",
        "Parents of children under five",
        CITY,
        -200,
        530,
        Status.ACTIVE,
        group="early-grades",
        indicators=("kinder_ready",),
        budget=9000,
        needs=("books",),
        milestones=(("First four circles meeting", -120, True), ("Eight circles", 90, False)),
    ),
    DemoActivity(
        "recruit",
        "rivanna-reads",
        "Recruit and train 120 volunteer reading tutors",
        "Recruiting volunteers from the university and congregations and training them in the "
        "structured-literacy tutoring routine. Recruitment slowed after the spring: fewer "
        "student volunteers signed up.",
        "k3-reading-tutors",
        "Volunteer tutors",
        REGION,
        -300,
        120,
        Status.STALLED,
        group="early-grades",
        staff_hours=900,
        milestones=(("60 tutors trained", -210, True), ("120 tutors trained", -40, False)),
    ),
    DemoActivity(
        "tutors",
        "rivanna-reads",
        "Reading tutors in K–3 classrooms",
        "Trained volunteers read three times a week with small groups of children who are "
        "behind in reading.",
        "k3-reading-tutors",
        K3,
        CITY,
        -150,
        580,
        Status.ACTIVE,
        group="early-grades",
        indicators=("grade3_reading",),
        budget=120000,
        staff_hours=2400,
        needs=("recruit",),
    ),
    DemoActivity(
        "intervention",
        "ccs",
        "Reading intervention blocks, grades K–3",
        "A daily 30-minute intervention block with reading specialists for children below the "
        "fall benchmark.",
        "k3-reading-tutors",
        "students in kindergarten to grade 3",  # written differently: still the same children
        "charlottesville",
        -90,
        640,
        Status.ACTIVE,
        group="early-grades",
        indicators=("grade3_reading",),
        staff_hours=3000,
    ),
    DemoActivity(
        "summer",
        "acps",
        "Summer Learning Academy",
        "Five weeks of free morning reading and math for children finishing kindergarten to "
        "grade 3, with lunch and afternoon enrichment from community partners.",
        "summer-learning",
        "Students finishing kindergarten to grade 3",
        COUNTY,
        200,
        240,
        Status.PLANNED,
        group="early-grades",
        indicators=("grade3_reading", "grade3_math"),
        budget=450000,
        milestones=(("Teachers hired", 120, False), ("Families enrolled", 170, False)),
    ),
    DemoActivity(
        "data",
        "ccs",
        "Monthly attendance data for health partners",
        "A data-sharing agreement and a monthly list of chronically absent students (with "
        "parents' consent) for the school health team.",
        "health-barriers",
        "The school health team",
        CITY,
        -240,
        -45,
        Status.ACTIVE,
        group="early-grades",
        indicators=("chronic_absence",),
        milestones=(("Data-sharing agreement signed", -60, False),),
    ),
    DemoActivity(
        "nurses",
        "bluebird-health",
        "Nurse practitioner visits in elementary schools",
        "A nurse practitioner visits each elementary school weekly for asthma, dental pain and "
        "anxiety, the health reasons families name most for missing school.",
        "health-barriers",
        "Chronically absent elementary students",
        CITY,
        -60,
        670,
        Status.ACTIVE,
        group="early-grades",
        indicators=("chronic_absence", "chronic_absent_students"),
        budget=310000,
        needs=("data",),
    ),
    DemoActivity(
        "check-ins",
        "acps",
        "Attendance check-ins after the third absence",
        "Each elementary school names an adult who calls the family after a child's third "
        "absence and meets them after the fifth.",
        "attendance-check-ins",
        "Elementary students with three or more absences",
        COUNTY,
        -100,
        630,
        Status.ACTIVE,
        group="early-grades",
        indicators=("chronic_absent_students",),
        staff_hours=1500,
    ),
    DemoActivity(
        "ninth-acps",
        "acps",
        "Ninth-grade success teams",
        "Teachers, a counselor and a mentor meet every two weeks about each ninth grader who "
        "fails a course or misses more than a week.",
        "ninth-grade-on-track",
        "Ninth graders",
        COUNTY,
        -400,
        330,
        Status.ACTIVE,
        group="pathways",
        indicators=("grad_rate",),
        staff_hours=2200,
    ),
    DemoActivity(
        "ninth-ccs",
        "ccs",
        "Ninth-grade academy at Charlottesville High School",
        "Ninth graders share a small team of teachers and a counselor who follows them closely.",
        "ninth-grade-on-track",
        "Ninth graders",
        CITY,
        -700,
        30,
        Status.COMPLETED,
        group="pathways",
        indicators=("grad_rate",),
    ),
    DemoActivity(
        "fafsa",
        "hilltop-mentors",
        "Financial aid completion nights",
        "Evening sessions in both high schools where mentors and financial aid officers help "
        "seniors and their families complete the federal and state aid applications.",
        "financial-aid-nights",
        "High-school seniors and their families",
        REGION,
        20,
        150,
        Status.PLANNED,
        group="pathways",
        indicators=("postsec_enroll",),
        budget=25000,
        milestones=(("Dates agreed with both high schools", 10, False),),
    ),
    DemoActivity(
        "mentors",
        "hilltop-mentors",
        "College mentors from junior year through the first year after school",
        "Each mentor follows four students from the spring of junior year through the first "
        "year of college or training.",
        "mentors-to-first-year",
        "High-school juniors and seniors",
        REGION,
        -380,
        350,
        Status.ACTIVE,
        group="pathways",
        indicators=("postsec_enroll",),
        budget=180000,
        staff_hours=1800,
    ),
    DemoActivity(
        "scholarships",
        "cardinal-fund",
        "Last-dollar scholarships for first-year students",
        "Covers what financial aid leaves unpaid for graduates who complete their aid "
        "application and enroll.",
        "mentors-to-first-year",
        "First-generation college students",
        REGION,
        30,
        400,
        Status.PLANNED,
        group="pathways",
        indicators=("postsec_enroll",),
        budget=500000,
        needs=("fafsa",),
    ),
    DemoActivity(
        "leaders",
        "neighbors-table",
        "Resident leadership course",
        "Eight evenings on how local government, schools and nonprofits decide, for residents "
        "who want to sit on boards and committees.",
        None,  # serves no goal of the agenda yet: a gap the plan shows
        "Residents",
        CITY,
        -30,
        60,
        Status.ACTIVE,
        budget=4000,
    ),
]

# The facilitator runs the two networks (the steering committee is the lead's).
FACILITATED = {"early-grades": "facilitator", "pathways": "facilitator", "steering": "lead"}


def _actor(users: dict, partner: str):
    """The partner's own lead if it has one; the backbone lead otherwise (the funder)."""
    return users.get(f"{partner}.lead") or users["lead"]


def build(initiative, users: dict, out) -> None:
    """Add the demo's activities, their dependencies and milestones, and group facilitators."""
    today = timezone.localdate()
    partnerships = {p.code: p for p in initiative.partnerships.all()}
    strategies = {s.code: s for s in Strategy.objects.filter(initiative=initiative)}
    indicators = {i.code: i for i in Indicator.objects.filter(initiative=initiative)}
    groups = {g.code: g for g in initiative.working_groups.all()}
    made = {}
    created = 0
    for spec in ACTIVITIES:
        partnership = partnerships[spec.partner]
        actor = _actor(users, spec.partner)
        activity = Activity.objects.filter(partnership=partnership, title=spec.title).first()
        if activity is None:
            data = {
                "partnership": partnership,
                "title": spec.title,
                "description": spec.description,
                "strategy": strategies[spec.strategy] if spec.strategy else None,
                "indicators": [indicators[code] for code in spec.indicators],
                "working_group": groups[spec.group] if spec.group else None,
                "population": spec.population,
                "geography": spec.geography,
                "starts_on": today + timedelta(days=spec.starts),
                "ends_on": today + timedelta(days=spec.ends) if spec.ends is not None else None,
                "status": spec.status,
                "budget": Decimal(spec.budget) if spec.budget is not None else None,
                "staff_hours": Decimal(spec.staff_hours) if spec.staff_hours else None,
                "resources": spec.resources,
            }
            activity = services.create_activity(actor=actor, initiative=initiative, data=data)
            created += 1
        made[spec.key] = activity
        _milestones(spec, activity, actor, today)
    for spec in ACTIVITIES:
        for key in spec.needs:
            if not ActivityDependency.objects.filter(
                activity=made[spec.key], depends_on=made[key]
            ).exists():
                services.add_dependency(
                    actor=_actor(users, spec.partner), activity=made[spec.key], depends_on=made[key]
                )
    for code, person in FACILITATED.items():
        group = groups.get(code)
        if group is not None and group.facilitator_id is None:
            update_working_group(
                actor=users["lead"], group=group, data={"facilitator": users[person]}
            )
    out.line(f"Action plan: {len(ACTIVITIES)} activities ({created} new)")


def _milestones(spec: DemoActivity, activity: Activity, actor, today) -> None:
    existing = set(activity.milestones.values_list("title", flat=True))
    for title, due, done in spec.milestones:
        if title in existing:
            continue
        milestone = services.add_milestone(
            actor=actor, activity=activity, title=title, due_on=today + timedelta(days=due)
        )
        if done:
            services.set_milestone_done(
                actor=actor, milestone=milestone, done_on=today + timedelta(days=due)
            )
