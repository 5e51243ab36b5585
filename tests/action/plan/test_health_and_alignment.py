"""Blocked, stalled and late activities; the matrix, gaps and overlaps; the dependency layout."""

from datetime import date, timedelta

import pytest

from commonground.action.models import Activity, ActivityDependency, Milestone
from commonground.action.plan.alignment import (
    alignment_matrix,
    find_gaps,
    find_overlaps,
    normalised,
)
from commonground.action.plan.graph import dependency_path, edges_of, layers
from commonground.action.plan.health import Problem, plan_health
from commonground.action.plan.picture import dependency_picture
from commonground.action.plan.queries import activities_of
from commonground.initiatives.models import WorkingGroup
from commonground.measurement.models import ReportingAssignment
from tests.action.plan.plan_world import activity, build, indicator

Status = Activity.Status
TODAY = date(2026, 3, 10)


@pytest.fixture
def plan(world):
    return build(world)


# --- health -------------------------------------------------------------------------------------


def test_an_activity_needing_a_stalled_one_is_blocked_and_says_why(world, plan):
    health = plan_health(world.alpha, today=TODAY)
    tutors, training = plan.activities["tutors"], plan.activities["training"]
    assert health[training.pk].problem == Problem("stalled")
    assert not health[training.pk].is_blocked
    [blocker] = health[tutors.pk].blocked_by
    assert (blocker.activity_id, blocker.title, blocker.problem) == (
        training.pk,
        "Tutor training",
        Problem("stalled"),
    )
    assert not health[plan.activities["clubs"].pk].is_blocked


def test_late_means_past_its_end_or_a_milestone_past_due_and_not_done(world, plan):
    training, clubs = plan.activities["training"], plan.activities["clubs"]
    Activity.objects.filter(pk=training.pk).update(status=Status.ACTIVE, ends_on=TODAY)
    assert plan_health(world.alpha, today=TODAY)[training.pk].problem is None  # due today: fine
    after = TODAY + timedelta(days=1)
    assert plan_health(world.alpha, today=after)[training.pk].problem == Problem(
        "late", due_on=TODAY
    )
    assert plan_health(world.alpha, today=after)[plan.activities["tutors"].pk].is_blocked

    Activity.objects.filter(pk=training.pk).update(ends_on=None)
    Milestone.objects.create(activity=training, title="Later", due_on=date(2026, 3, 1))
    Milestone.objects.create(activity=training, title="Earliest", due_on=date(2026, 2, 1))
    Milestone.objects.create(
        activity=training, title="Done", due_on=date(2026, 1, 1), done_on=date(2026, 1, 2)
    )
    assert plan_health(world.alpha, today=TODAY)[training.pk].problem == Problem(
        "milestone", due_on=date(2026, 2, 1), milestone="Earliest"
    )
    # A completed activity is late for nobody, and a finished one is never blocked.
    Activity.objects.filter(pk=training.pk).update(status=Status.COMPLETED)
    assert plan_health(world.alpha, today=TODAY)[training.pk].problem is None
    Activity.objects.filter(pk=clubs.pk).update(status=Status.STALLED)
    ActivityDependency.objects.create(activity=training, depends_on=clubs)
    assert not plan_health(world.alpha, today=TODAY)[training.pk].is_blocked


def test_health_takes_three_queries_whatever_the_size(world, plan, django_assert_num_queries):
    for n in range(20):
        extra = activity(world.alpha, world.partners["a"], f"Extra {n}", status=Status.STALLED)
        ActivityDependency.objects.create(activity=plan.activities["clubs"], depends_on=extra)
    with django_assert_num_queries(3):
        health = plan_health(world.alpha, today=TODAY)
    assert len(health[plan.activities["clubs"].pk].blocked_by) == 20


# --- the matrix ---------------------------------------------------------------------------------


def test_the_matrix_counts_activities_per_strategy_and_partner(world, plan):
    a, b = world.partners["a"], world.partners["b"]
    matrix = alignment_matrix(world.alpha, [a, b])
    [ready, no_strategy] = matrix.blocks
    assert ready.goal == plan.goals["ready"]
    tutoring, attendance = ready.rows
    assert tutoring.strategy == plan.strategies["tutoring"]
    assert [n for _p, n in tutoring.cells] == [2, 1]
    assert (tutoring.activities, tutoring.partners) == (3, 2)
    assert [n for _p, n in attendance.cells] == [0, 0]
    assert no_strategy.goal is None
    assert [n for _p, n in no_strategy.rows[0].cells] == [0, 1]  # Family nights
    assert matrix.partner_totals == [2, 2]


def test_cancelled_activities_and_retired_strategies_do_not_count(world, plan):
    Activity.objects.filter(pk=plan.activities["clubs"].pk).update(status=Status.CANCELLED)
    attendance = plan.strategies["attendance"]
    attendance.is_retired = True
    attendance.save()
    activity(world.alpha, world.partners["a"], "Old attendance work", strategy=attendance)
    matrix = alignment_matrix(world.alpha, [world.partners["a"], world.partners["b"]])
    [ready, elsewhere] = matrix.blocks
    assert [r.strategy.code for r in ready.rows] == ["tutoring"]
    assert [n for _p, n in ready.rows[0].cells] == [2, 0]
    assert [n for _p, n in elsewhere.rows[0].cells] == [1, 1]
    assert (elsewhere.rows[0].activities, elsewhere.rows[0].partners) == (2, 2)


@pytest.mark.parametrize("partners", [1, 30])
def test_the_matrix_takes_the_same_queries_for_1_or_30_partners(
    world, plan, partners, django_assert_num_queries
):
    from commonground.initiatives.models import Organization, Partnership

    columns = [world.partners["a"]]
    for n in range(partners - 1):
        org = Organization.objects.create(name=f"Partner {n:02}", sector="nonprofit")
        p = Partnership.objects.create(initiative=world.alpha, organization=org, code=f"p{n}")
        activity(world.alpha, p, f"Work {n}", strategy=plan.strategies["attendance"])
        columns.append(p)
    with django_assert_num_queries(4):
        matrix = alignment_matrix(world.alpha, columns)
    assert len(matrix.partners) == partners


# --- gaps and overlaps --------------------------------------------------------------------------


def test_gaps_find_each_kind(world, plan):
    gaps = find_gaps(world.alpha)
    assert [g.code for g in gaps.goals_without_strategy] == ["grad"]
    assert [s.code for s in gaps.strategies_without_activity] == ["attendance"]
    assert [i.code for i in gaps.indicators_unreported] == ["unreported"]
    assert [a.title for a in gaps.activities_without_goal] == ["Family nights"]
    assert gaps.count == 4


def test_gaps_close_when_fixed(world, plan):
    nights = plan.activities["nights"]
    nights.goals.add(plan.goals["grad"])  # a goal without a strategy is served all the same
    activity(
        world.alpha, world.partners["b"], "Attendance calls", strategy=plan.strategies["attendance"]
    )
    # Reported through a working group's shared measures counts; a group without members not.
    empty = WorkingGroup.objects.create(initiative=world.alpha, code="empty", name="Empty")
    plan.indicators["unreported"].shared_by_groups.add(empty)
    assert [i.code for i in find_gaps(world.alpha).indicators_unreported] == ["unreported"]
    plan.indicators["unreported"].shared_by_groups.add(plan.group)
    gaps = find_gaps(world.alpha)
    assert gaps.count == 1  # the goal without a strategy remains
    ReportingAssignment.objects.create(
        indicator=indicator(world.alpha, "direct", "Direct"), partnership=world.partners["b"]
    )
    assert find_gaps(world.alpha).indicators_unreported == []


def test_a_cancelled_activity_leaves_its_strategy_a_gap(world, plan):
    work = activity(
        world.alpha,
        world.partners["b"],
        "Attendance calls",
        strategy=plan.strategies["attendance"],
        status=Status.CANCELLED,
    )
    assert [s.code for s in find_gaps(world.alpha).strategies_without_activity] == ["attendance"]
    work.delete()


def test_overlaps_compare_population_and_place_without_case_or_spacing(world, plan):
    [overlap] = find_overlaps(world.alpha)
    assert overlap.strategy == plan.strategies["tutoring"]
    assert {a.title for a in overlap.activities} == {"Reading tutors", "Book clubs"}
    assert [p.code for p in overlap.partners] == ["a", "b"]
    assert overlap.shared_groups == [plan.group]
    # The steering committee holds them too, but a network is where programs are coordinated.
    steering = WorkingGroup.objects.create(
        initiative=world.alpha, code="steering", name="Steering", kind="steering_committee"
    )
    steering.partnerships.set(world.partners.values())
    assert find_overlaps(world.alpha)[0].shared_groups == [plan.group]
    plan.group.partnerships.remove(world.partners["b"])
    assert find_overlaps(world.alpha)[0].shared_groups == [steering]
    assert normalised("  Kinder\tgartners  in\n X ") == "kinder gartners in x"


def test_no_overlap_within_one_partner_or_for_finished_or_vague_work(world, plan):
    clubs = plan.activities["clubs"]
    for status in (Status.COMPLETED, Status.CANCELLED):
        Activity.objects.filter(pk=clubs.pk).update(status=status)
        assert find_overlaps(world.alpha) == []
    Activity.objects.filter(pk=clubs.pk).update(status=Status.ACTIVE, geography="")
    assert find_overlaps(world.alpha) == []
    Activity.objects.filter(pk=clubs.pk).update(
        geography="Charlottesville", partnership=world.partners["a"]
    )
    assert find_overlaps(world.alpha) == []


# --- graph and picture --------------------------------------------------------------------------


def test_paths_and_layers():
    edges = edges_of([(3, 2), (2, 1), (4, 1), (5, 3), (5, 4)])
    assert dependency_path(edges, 5, 1) == [5, 4, 1]  # the shortest chain
    assert dependency_path(edges, 3, 1) == [3, 2, 1]
    assert dependency_path(edges, 1, 5) is None
    assert layers({1, 2, 3, 4, 5}, edges) == {1: 0, 2: 1, 4: 1, 3: 2, 5: 3}
    # Rows written around the services could hold a cycle: its nodes still get a column.
    looped = edges_of([(1, 2), (2, 1), (3, 1)])
    assert layers({1, 2, 3}, looped) == {1: 0, 2: 0, 3: 0}


def test_the_picture_puts_needs_left_and_marks_what_blocks(world, plan):
    pairs = ActivityDependency.objects.values_list("activity_id", "depends_on_id")
    edges = edges_of(pairs)
    activities = {a.pk: a for a in activities_of(world.alpha)}
    picture = dependency_picture(activities, edges, plan_health(world.alpha, today=TODAY))
    by_title = {n.activity.title: n for n in picture.nodes}
    assert set(by_title) == {"Tutor training", "Reading tutors"}
    assert by_title["Tutor training"].x < by_title["Reading tutors"].x
    assert by_title["Reading tutors"].state == "blocked"
    assert by_title["Tutor training"].state == "problem"
    [edge] = picture.edges
    assert edge.blocking
    assert picture.width >= 2 * picture.node_width


def test_a_picture_of_thirty_activities_stays_compact(world, plan):
    """A 30-activity plan in 5 stages of 6: five columns, six rows, arrows only rightward."""
    ids = []
    for n in range(30):
        ids.append(activity(world.alpha, world.partners["a"], f"Step {n:02}").pk)
    pairs = [(ids[i], ids[i - 6]) for i in range(6, 30)]
    activities = {a.pk: a for a in activities_of(world.alpha).filter(pk__in=ids)}
    picture = dependency_picture(activities, edges_of(pairs), plan_health(world.alpha))
    assert len(picture.nodes) == 30
    assert len({n.x for n in picture.nodes}) == 5
    assert len({n.y for n in picture.nodes}) == 6
    assert picture.height < 600
    for edge in picture.edges:
        start, end = edge.path[1:].split(" C")[0], edge.path.rsplit(" ", 1)[1]
        assert float(start.split(",")[0]) < float(end.split(",")[0])
