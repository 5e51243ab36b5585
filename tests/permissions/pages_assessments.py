"""Self-assessments, the evaluation planner and community voice.

Every member sees the rounds that have opened; the backbone (``VIEW_CONSOLE``) also sees drafts.
Those with ``ANSWER_ASSESSMENTS`` answer rating rounds; the lead runs rounds, records benchmarks
and the evaluation plan, and manages who is a resident.
"""

from commonground.backbone.assessments import services
from commonground.backbone.assessments.forms import field_name
from commonground.backbone.instruments import FIVE_CONDITIONS
from commonground.initiatives.models import Membership
from tests.backbone.assessments.world import ANSWERERS, BENCH, CONSOLE, answer, make_round
from tests.permissions import ALPHA_MEMBERS, INTERNAL_RESULTS, Page

LEAD = frozenset({"lead"})
BENCHMARK = "exploring.convener"


def open_round(world):
    return make_round(world, title="Open", status="open").pk


def draft_round(world):
    return make_round(world, title="Draft", status="draft").pk


def closed_round(world):
    made = make_round(world, title="Closed", status="open")
    if made.status == "open":
        for persona in ("steering", "partner_lead_a", "funder"):
            answer(world, persona, made)
        made = services.close_round(actor=world.users["lead"], assessment=made)
    return made.pk


def benchmark_round(world):
    return make_round(world, instrument=BENCH, title="Benchmarks", status="open").pk


def plan_item(world):
    return services.adopt_question(
        actor=world.users["lead"], initiative=world.alpha, code="common_agenda.developmental.1"
    ).pk


def reporter_membership(world):
    return Membership.objects.get(user=world.users["reporter_a"], initiative=world.alpha).pk


NEW_ROUND = {
    "instrument": "five_conditions",
    "title": "Autumn",
    "opens_on": "2026-09-01",
    "closes_on": "2026-09-30",
}
ALL_ANSWERED = {field_name(s.code): "4" for s in FIVE_CONDITIONS.statements} | {"action": "submit"}
PLAN_ITEM = {
    "question": "Do partners use the agenda?",
    "condition": "common_agenda",
    "approach": "formative",
    "status": "planned",
}

PAGES = [
    Page("assessment_list", ("alpha",), ALPHA_MEMBERS),
    Page("assessment_round_create", ("alpha",), LEAD),
    Page("assessment_round_create", ("alpha",), LEAD, method="post", data=NEW_ROUND, ok=302),
    Page("assessment_round", ("alpha", open_round), ALPHA_MEMBERS),
    Page("assessment_round", ("alpha", draft_round), CONSOLE),
    Page("assessment_round", ("alpha", closed_round), ALPHA_MEMBERS),
    Page("assessment_round", ("alpha", benchmark_round), ALPHA_MEMBERS),
    Page("assessment_round_open", ("alpha", draft_round), LEAD, method="post", ok=302),
    Page("assessment_round_close", ("alpha", open_round), LEAD, method="post", ok=302),
    Page("assessment_answer", ("alpha", open_round), ANSWERERS),
    Page(
        "assessment_answer",
        ("alpha", open_round),
        ANSWERERS,
        method="post",
        data=ALL_ANSWERED,
        ok=302,
    ),
    Page("assessment_benchmark", ("alpha", benchmark_round, BENCHMARK), LEAD),
    Page(
        "assessment_benchmark",
        ("alpha", benchmark_round, BENCHMARK),
        LEAD,
        method="post",
        data={"status": "in_progress", "evidence": "Talks under way."},
        ok=302,
    ),
    Page("evaluation_plan", ("alpha",), INTERNAL_RESULTS),
    Page("evaluation_library", ("alpha",), INTERNAL_RESULTS),
    Page(
        "evaluation_adopt",
        ("alpha",),
        LEAD,
        method="post",
        data={"code": "shared_measurement.formative.1"},
        ok=302,
    ),
    Page("evaluation_item_create", ("alpha",), LEAD),
    Page("evaluation_item_create", ("alpha",), LEAD, method="post", data=PLAN_ITEM, ok=302),
    Page("evaluation_item_edit", ("alpha", plan_item), LEAD),
    Page("evaluation_item_edit", ("alpha", plan_item), LEAD, method="post", data=PLAN_ITEM, ok=302),
    Page("evaluation_item_remove", ("alpha", plan_item), LEAD, method="post", ok=302),
    Page("community_voice", ("alpha",), CONSOLE),
    Page("community_voice_settings", ("alpha",), LEAD),
    Page(
        "community_voice_settings",
        ("alpha",),
        LEAD,
        method="post",
        data={"population_served": "Children of Alpha", "show_community_voice": "on"},
        ok=302,
    ),
    Page("community_voice_residents", ("alpha",), LEAD),
    Page(
        "community_voice_resident_set",
        ("alpha", reporter_membership),
        LEAD,
        method="post",
        data={"is_resident": "1"},
        ok=302,
    ),
]
