"""The demo's discussions, announcement and stories of progress, written through the services.

Every figure quoted here is one the demo carries from the real Stepping Stones data (VDOE and
Census figures for Albemarle County Public Schools and Charlottesville City Schools); combined
figures are sums of the two divisions' published counts. The people, the other partners and
what those partners do are invented, and the stories say so. ``tests/demo/test_demo_discussions``
checks each quoted figure against the stored data.

Running it again adds nothing: a thread or story whose title exists is left as it is.
"""

from dataclasses import dataclass

from commonground.convening.models import Story, Thread
from commonground.convening.services import discussions as services
from commonground.measurement.models import Indicator

SOURCE_NOTE = (
    "*Figures: Virginia Department of Education{extra}, via the UVA Equity Center's Stepping "
    "Stones report. The people and the partner organizations marked fictional are invented "
    "for this demonstration.*"
)


@dataclass(frozen=True)
class DemoThread:
    group: str | None  # working-group code, None for the whole initiative
    title: str
    posts: tuple[tuple[str, str], ...]  # (author's local part, Markdown), the first opens it


THREADS = (
    DemoThread(
        None,
        "What stands out to you in the 2024-25 figures?",
        (
            (
                "lead",
                "The data team has approved both divisions' reports for school year 2024-25. "
                "Before the steering committee meets, what stands out to you?\n\n"
                "Two things I noticed:\n\n"
                "- chronic absence is down in both divisions from its peak after the pandemic;\n"
                "- the grade 3 reading pass rate across the two divisions was **68.4%** "
                "(946 of 1,384 students tested), about the same as the year before (68.5%).\n\n"
                "@dana.okafor, could you say a word about which years we can fairly compare?",
            ),
            (
                "data",
                "Nothing changed in how these two indicators were measured in 2024-25. The "
                "breaks marked on the report card are the new, harder reading tests in "
                "2012-13, and 2020-21, when many students learning remotely were not tested "
                "and attendance was taken differently. For reading and attendance I would "
                "compare 2024-25 with 2021-22 onward rather than with the years before the "
                "pandemic. @avery.marsh",
            ),
            (
                "steering",
                "The absence numbers are the ones I keep coming back to: **2,520 students** in "
                "the two divisions (1,623 in Albemarle, 897 in Charlottesville) were "
                "chronically absent in 2024-25. That is fewer than the 3,304 of 2022-23, but "
                "still a lot of children. Could the Early Grade Success Network bring a "
                "proposal to the steering committee?",
            ),
            (
                "neighbors-table.lead",
                "Parents in our group keep naming the same reasons: getting to school when "
                "the bus is missed, and sick days with nobody to watch younger brothers and "
                "sisters. We are happy to bring a few families to the network's next meeting, "
                "@felix.romero.",
            ),
        ),
    ),
    DemoThread(
        "early-grades",
        "Chronic absence in Charlottesville: 21.4% last year",
        (
            (
                "bluebird-health.lead",
                "Charlottesville's chronic absence rate fell from **26.1%** in 2023-24 to "
                "**21.4%** in 2024-25, but it is still close to double Albemarle's 11.8%. Our "
                "outreach workers see many of the same families year after year.\n\n"
                "@marcus.lee, does CCS have attendance by grade band that the network could "
                "look at — counts only, no names?",
            ),
            (
                "ccs.lead",
                "We can share counts by grade band, with no group under ten students shown. "
                "@rosa.bennett, could you pull the 2024-25 counts?",
            ),
            (
                "ccs.reporter",
                "Yes, I will have them before the network meets. They will be counts of "
                "students, so we can add them up across schools without averaging "
                "percentages.",
            ),
            (
                "facilitator",
                "Thank you all. I will put attendance by grade band on the agenda of the "
                "network's next meeting, with time for the families @luis.ortega is bringing.",
            ),
        ),
    ),
    DemoThread(
        "pathways",
        "Financial aid nights for the class of 2026",
        (
            (
                "hilltop-mentors.lead",
                "In the class of 2025, **1,382 of 1,497** students in the two divisions "
                "graduated on time. We want more of the next class to go on to college or "
                "training, and filling in the financial aid forms is where many get stuck.\n\n"
                "We would like to run financial aid evenings for families in both divisions "
                "this autumn. Who wants to co-host? @priya.anand @marcus.lee",
            ),
            (
                "acps.lead",
                "ACPS is in: our counselors can host an evening at each high school. "
                "@grace.kim, let's compare calendars this week.",
            ),
            (
                "funder",
                "The Cardinal Futures Fund can cover interpreters and childcare for the "
                "evenings. Send a short budget when you have one.",
            ),
        ),
    ),
)

ANNOUNCEMENT = (
    "lead",
    "The 2024-25 figures are approved and on the report card",
    "Both school divisions' reports for school year 2024-25 are approved, and the report card "
    "shows them, with the pandemic years' series breaks marked.\n\n"
    "Three stories behind the data are on the Stories page — chronic absence, the class of "
    "2025, and kindergarten readiness. Please read them before the next steering committee "
    "meeting, and reply here with questions.",
)


@dataclass(frozen=True)
class DemoStory:
    author: str
    publisher: str | None  # None: left as a draft for review
    indicator: str
    group: str
    title: str
    body: str


STORIES = (
    DemoStory(
        "facilitator",
        "lead",
        "chronic_absence",
        "early-grades",
        "Chronic absence is falling from its peak, faster in Albemarle than in Charlottesville",
        "In school year 2024-25, **11.8%** of Albemarle County Public Schools students and "
        "**21.4%** of Charlottesville City Schools students were chronically absent: they "
        "missed at least one in ten of the school days they were enrolled, for any reason.\n\n"
        "Both figures are below their peaks after the pandemic — 17.7% in Albemarle in "
        "2022-23, 26.1% in Charlottesville in 2023-24 — and both are still far above where "
        "they were before it: 8.7% and 8.2% in 2018-19. In numbers of students, 2,520 "
        "children in the two divisions were chronically absent in 2024-25 (1,623 and 897), "
        "down from 3,304 in 2022-23.\n\n"
        "**What the network is doing.** Partners of the Early Grade Success Network are "
        "pairing school attendance teams with family outreach workers from Bluebird Family "
        "Health Collaborative (fictional), and parents from Neighbors at the Table "
        "(fictional) are helping the network understand why children miss school.\n\n"
        "**What the figures cannot tell us.** They do not say why absence fell, and they "
        "cannot separate any one partner's work from everything else that changed in these "
        "years. The two divisions' percentages are not combined into one regional rate: the "
        "published figures do not include how many students each is a percentage of. And "
        "2020-21, when attendance was taken differently during remote learning, is not "
        "compared with other years.\n\n" + SOURCE_NOTE.format(extra=", School Climate Reports"),
    ),
    DemoStory(
        "hilltop-mentors.lead",
        "data",
        "grad_rate",
        "pathways",
        "The class of 2025: 1,382 graduates on time across the two divisions",
        "Of the 1,497 students in the two divisions' class of 2025, **1,382 graduated on "
        "time — 92.3%**. In Albemarle County Public Schools it was 1,090 of 1,161 students "
        "(93.9%); in Charlottesville City Schools, 292 of 336 (86.9%).\n\n"
        "The combined rate is about where it was for the class of 2024 (92.4%) and well "
        "above the 84.7% of the class of 2008, the initiative's baseline. The gap between the "
        "divisions widened, though: 7.0 percentage points for the class of 2025, against 3.9 "
        "for the class of 2024 (93.2% and 89.3%).\n\n"
        "**What partners are doing.** Mentors from Hilltop College Mentors (fictional) meet "
        "juniors and seniors who are behind on credits, and the Pathways Network is planning "
        "financial aid evenings for families, so that graduating leads somewhere.\n\n"
        "**What the figures cannot tell us.** A rate for one class says nothing yet about "
        "why it moved; a class of a few hundred students, as in Charlottesville, can move "
        "by several points from one year to the next. The initiative's 95% goal for 2030 is "
        "illustrative, invented for this demo.\n\n"
        + SOURCE_NOTE.format(extra=", Cohort Graduation Build-A-Table"),
    ),
    DemoStory(
        "data",
        "data",
        "kinder_ready",
        "early-grades",
        "More kindergartners started school ready in fall 2025",
        "In fall 2025, **58.9%** of kindergartners in Albemarle County Public Schools and "
        "**57.7%** in Charlottesville City Schools met the overall readiness benchmark of "
        "Virginia's kindergarten readiness assessment. In fall 2024 the figures were 54.7% "
        "and 47.7%.\n\n"
        "Charlottesville's rise of 10 percentage points nearly closed the gap between the "
        "two divisions, from 7.0 points to 1.2.\n\n"
        "**What the figures cannot tell us.** Two fall assessments are two points, not a "
        "trend. The two divisions' percentages are not combined into one regional figure, "
        "because the published figures do not say how many children were assessed.\n\n"
        "*Figures: Virginia Early Childhood Foundation, via the UVA Equity Center's Stepping "
        "Stones report. The people are invented for this demonstration.*",
    ),
    DemoStory(
        "rivanna-reads.lead",
        None,
        "grade3_reading",
        "early-grades",
        "Reading tutors in the early grades: what we are learning",
        "Rivanna Reads (fictional) volunteers have been reading with small groups of "
        "kindergarten to grade 3 students each week. Teachers tell us the children who "
        "attend most often are the ones who ask for more books to take home.\n\n"
        "We do not yet know whether the tutoring changes grade 3 reading results: our own "
        "records are attendance at sessions, not test scores, and the pass rate the "
        "initiative tracks covers every student tested. We would like the network's help "
        "to look at this honestly before we say more.\n\n"
        "*Rivanna Reads, its volunteers and the people here are invented for this "
        "demonstration.*",
    ),
)


def build(initiative, users, out) -> None:
    """Add the demo's threads, announcement and stories that are missing."""
    groups = {g.code: g for g in initiative.working_groups.all()}
    existing = set(Thread.objects.filter(initiative=initiative).values_list("title", flat=True))
    added = 0
    for demo in THREADS:
        if demo.title in existing:
            continue
        (author, opening), *replies = demo.posts
        thread = services.start_thread(
            actor=users[author],
            initiative=initiative,
            title=demo.title,
            body=opening,
            working_group=groups[demo.group] if demo.group else None,
        )
        for author, body in replies:
            services.reply(actor=users[author], thread=thread, body=body)
        added += 1
    _stories(initiative, users, out)
    author, title, body = ANNOUNCEMENT
    if title not in existing:
        services.announce(actor=users[author], initiative=initiative, title=title, body=body)
        added += 1
    out.line(f"Discussions: {len(THREADS) + 1} threads with the announcement ({added} new)")


def _stories(initiative, users, out) -> None:
    groups = {g.code: g for g in initiative.working_groups.all()}
    indicators = {i.code: i for i in Indicator.objects.filter(initiative=initiative)}
    existing = set(Story.objects.filter(initiative=initiative).values_list("title", flat=True))
    added = 0
    for demo in STORIES:
        if demo.title in existing:
            continue
        story = services.draft_story(
            actor=users[demo.author],
            initiative=initiative,
            title=demo.title,
            body=demo.body,
            indicator=indicators[demo.indicator],
            working_group=groups[demo.group],
        )
        if demo.publisher:
            services.publish_story(actor=users[demo.publisher], story=story)
        added += 1
    published = sum(1 for s in STORIES if s.publisher)
    out.line(f"Stories: {published} published, {len(STORIES) - published} draft ({added} new)")
