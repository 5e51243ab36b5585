"""Rollups kept in step with approved data, and ``verify-rollups`` (SPEC §3.2.2).

The review service calls ``refresh_for_submission`` / ``refresh_for_values`` inside its own
transactions: the state change and the refresh commit together or not at all.
"""

import contextlib
import random
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from commonground.initiatives.models import Organization, Partnership, WorkingGroup
from commonground.insight.models import Rollup
from commonground.insight.rollups import COVERAGE, refresh_rollups, verify_rollups
from commonground.measurement import services
from commonground.measurement.models import (
    DataValue,
    Dimension,
    DimensionValue,
    Indicator,
    ReportingAssignment,
    ReviewState,
    Submission,
)

D = Decimal
Status = Submission.Status


def make_indicator(initiative, code, **fields):
    defaults = {
        "name": code,
        "value_type": "count",
        "aggregation": "sum",
        "frequency": "annual",
        "is_published": True,
        "decimals": 0,
    }
    return Indicator.objects.create(initiative=initiative, code=code, **{**defaults, **fields})


def add_dimension(initiative, code, values, parents=None):
    dimension = Dimension.objects.create(initiative=initiative, code=code, name=code.title())
    made = {}
    for order, value in enumerate(values):
        made[value] = DimensionValue.objects.create(
            dimension=dimension, code=value, name=value.title(), sort_order=order
        )
    for child, parent in (parents or {}).items():
        made[child].parent = made[parent]
        made[child].save()
    return dimension


def add_partners(initiative, count, start=0):
    partnerships = []
    for n in range(start, start + count):
        org = Organization.objects.create(name=f"Partner {n}", sector="nonprofit")
        partnerships.append(
            Partnership.objects.create(initiative=initiative, organization=org, code=f"p{n}")
        )
    return partnerships


def entries_for(partnership, values):
    """values: {indicator: {cell key: fields}} → entries, assigning the indicators."""
    entries = []
    for indicator, by_cell in values.items():
        ReportingAssignment.objects.get_or_create(indicator=indicator, partnership=partnership)
        for cell, fields in by_cell.items():
            entries.append(services.Entry(indicator=indicator, cell=cell, **fields))
    return entries


def report(actor, partnership, period, values, *, approve=True):
    submission = services.open_submission(actor=actor, partnership=partnership, period=period)
    services.save_values(
        actor=actor, submission=submission, entries=entries_for(partnership, values)
    )
    services.submit_submission(actor=actor, submission=submission)
    if approve:
        services.approve_submission(actor=actor, submission=submission)
    return submission


def stored(indicator, cell="", group=None):
    return {
        r.period: r
        for r in Rollup.objects.filter(indicator=indicator, cell=cell, working_group=group)
    }


def assert_no_drift():
    found = verify_rollups()
    assert found.drift == 0, (found.missing, found.extra, found.different)
    return found


# --- in step with the review service ----------------------------------------------------------


def test_approval_writes_rollups_and_reopening_takes_them_back(world):
    actor = world.users["data_manager"]
    served = make_indicator(world.alpha, "served")
    a = report(actor, world.partners["a"], "2024", {served: {"": {"value": D(30)}}})
    report(actor, world.partners["b"], "2024", {served: {"": {"value": D(12)}}})
    total = stored(served)["2024"]
    assert (total.value, total.reporters, total.censored) == (D(42), 2, 0)
    coverage = stored(served, COVERAGE)["2024"]
    assert coverage.reporters == 2

    services.reopen_submission(actor=actor, submission=a, reason="Typo in the count")
    total = stored(served)["2024"]
    assert (total.value, total.reporters) == (D(12), 1)
    assert stored(served, COVERAGE)["2024"].reporters == 1
    assert_no_drift()


def test_approving_single_values_rolls_up_only_those(world):
    actor = world.users["data_manager"]
    served = make_indicator(world.alpha, "served")
    other = make_indicator(world.alpha, "other")
    submission = report(
        actor,
        world.partners["a"],
        "2024",
        {served: {"": {"value": D(30)}}, other: {"": {"value": D(5)}}},
        approve=False,
    )
    value = DataValue.objects.get(indicator=served)
    services.approve_values(actor=actor, submission=submission, value_ids=[value.pk])
    assert stored(served)["2024"].value == D(30)
    assert stored(other) == {}
    assert_no_drift()


def test_rollups_per_working_group_cover_its_members_only(world):
    actor = world.users["data_manager"]
    served = make_indicator(world.alpha, "served")
    group = WorkingGroup.objects.create(initiative=world.alpha, code="early", name="Early")
    group.partnerships.add(world.partners["a"])
    report(actor, world.partners["a"], "2024", {served: {"": {"value": D(30)}}})
    report(actor, world.partners["b"], "2024", {served: {"": {"value": D(12)}}})
    assert stored(served)["2024"].value == D(42)
    assert stored(served, group=group)["2024"].value == D(30)
    assert stored(served, group=group)["2024"].reporters == 1
    assert_no_drift()


def test_a_cumulative_change_reaches_every_later_period(world):
    actor = world.users["data_manager"]
    enrolled = make_indicator(world.alpha, "enrolled", cumulative=True)
    a = world.partners["a"]
    first = report(actor, a, "2022", {enrolled: {"": {"value": D(10)}}})
    report(actor, world.partners["b"], "2023", {enrolled: {"": {"value": D(5)}}})
    report(actor, world.partners["b"], "2024", {enrolled: {"": {"value": D(7)}}})
    # a's 10 carries into 2023 and 2024.
    assert {p: r.value for p, r in stored(enrolled).items()} == {
        "2022": D(10),
        "2023": D(15),
        "2024": D(17),
    }
    services.reopen_submission(actor=actor, submission=first, reason="Recount")
    assert {p: r.value for p, r in stored(enrolled).items()} == {"2023": D(5), "2024": D(7)}
    services.save_values(
        actor=actor, submission=first, entries=entries_for(a, {enrolled: {"": {"value": D(11)}}})
    )
    services.submit_submission(actor=actor, submission=first)
    services.approve_submission(actor=actor, submission=first)
    assert {p: r.value for p, r in stored(enrolled).items()} == {
        "2022": D(11),
        "2023": D(16),
        "2024": D(18),
    }
    assert_no_drift()


def test_geography_parents_are_rolled_up_from_their_children(world):
    actor = world.users["data_manager"]
    place = add_dimension(
        world.alpha,
        "place",
        ["va", "albemarle", "cville", "crozet", "scott"],
        {"albemarle": "va", "cville": "va", "crozet": "albemarle", "scott": "albemarle"},
    )
    served = make_indicator(world.alpha, "served")
    served.dimensions.add(place)
    report(
        actor,
        world.partners["a"],
        "2024",
        {served: {"place=crozet": {"value": D(30)}, "place=scott": {"value": D(20)}}},
    )
    report(actor, world.partners["b"], "2024", {served: {"place=cville": {"value": D(12)}}})
    assert stored(served, "place=albemarle")["2024"].value == D(50)
    virginia = stored(served, "place=va")["2024"]
    assert (virginia.value, virginia.reporters) == (D(62), 2)
    assert stored(served) == {}  # nobody reported the total: it is not made up
    assert_no_drift()


def test_refresh_deletes_rows_left_without_data_and_leaves_others_alone(world):
    served = make_indicator(world.alpha, "served")
    Rollup.objects.create(indicator=served, period="2024", cell="", value=D(99), reporters=1)
    untouched = Rollup.objects.create(
        indicator=served, period="2023", cell="", value=D(7), reporters=1
    )
    changes = refresh_rollups([served.pk], ["2024"])
    assert changes.extra == [(served.pk, "2024", "", None)]
    assert list(Rollup.objects.all()) == [untouched]


def test_refresh_takes_a_bounded_number_of_queries(world):
    """Many partners, cells and groups: the same queries as one of each."""
    race = add_dimension(world.alpha, "race", ["a", "b", "c"])
    indicator = make_indicator(world.alpha, "served")
    indicator.dimensions.add(race)

    def seed(partners, groups):
        for n, partnership in enumerate(list(world.alpha.partnerships.all())[:partners]):
            submission = Submission.objects.create(
                partnership=partnership, period="2024", status=Status.APPROVED
            )
            for cell in ["", "race=a", "race=b", "race=c"]:
                DataValue.objects.update_or_create(
                    indicator=indicator,
                    partnership=partnership,
                    period="2024",
                    cell=cell,
                    defaults={
                        "submission": submission,
                        "value": D(n + 1),
                        "review_state": ReviewState.APPROVED,
                    },
                )
        for g in range(groups):
            group, _ = WorkingGroup.objects.get_or_create(
                initiative=world.alpha, code=f"g{g}", defaults={"name": f"G{g}"}
            )
            group.partnerships.set(world.alpha.partnerships.all())

    def measure():
        refresh_rollups([indicator.pk], ["2024"])  # creates the rows
        DataValue.objects.filter(indicator=indicator).update(value=D(1000))
        with CaptureQueriesContext(connection) as queries:
            refresh_rollups([indicator.pk], ["2024"])  # reads, updates every row
        return len(queries)

    seed(1, 1)
    small = measure()
    add_partners(world.alpha, 30)
    Submission.objects.filter(partnership__initiative=world.alpha).delete()
    seed(32, 4)
    assert measure() == small
    assert Rollup.objects.filter(indicator=indicator).count() == 5 * (4 + 1)
    assert_no_drift()


# --- random sequences of review operations ------------------------------------------------------


class Scenario:
    """A small initiative and a random walk through the review state machine."""

    PERIODS = ["2020", "2021", "2022", "2023"]

    def __init__(self, world, seed):
        self.world = world
        self.random = random.Random(seed)
        self.actor = world.users["data_manager"]
        alpha = world.alpha
        sex = add_dimension(alpha, "sex", ["f", "m"])
        place = add_dimension(
            alpha, "place", ["county", "north", "south"], {"north": "county", "south": "county"}
        )
        self.count = make_indicator(alpha, "served", breakdown_complete=False)
        self.count.dimensions.add(sex)
        self.rate = make_indicator(
            alpha,
            "passing",
            value_type="rate",
            aggregation="ratio_of_sums",
            scale_factor=100,
            decimals=1,
        )
        self.cumulative = make_indicator(alpha, "enrolled", cumulative=True)
        self.highest = make_indicator(alpha, "highest", aggregation="max")
        self.places = make_indicator(alpha, "by_place")
        self.places.dimensions.add(place)
        group = WorkingGroup.objects.create(initiative=alpha, code="net", name="Network")
        group.partnerships.add(world.partners["a"])

    def values(self):
        r = self.random
        f, m = r.randint(0, 40), r.randint(0, 40)
        denominator = r.randint(1, 300)
        count = {"": {"value": D(f + m + r.randint(0, 5))}, "sex=f": {"value": D(f)}}
        if r.random() < 0.7:
            count["sex=m"] = {"value": D(m)}
        if r.random() < 0.2:
            count["sex=f"] = {"value": D(5), "censor": "<"}
        places = {"place=north": {"value": D(r.randint(0, 50))}}
        if r.random() < 0.5:
            places["place=south"] = {"value": D(r.randint(0, 50))}
        if r.random() < 0.2:
            places["place=county"] = {"value": D(r.randint(50, 120))}
        return {
            self.count: count,
            self.rate: {
                "": {"numerator": D(r.randint(0, denominator)), "denominator": D(denominator)}
            },
            self.cumulative: {"": {"value": D(r.randint(0, 500))}},
            self.highest: {"": {"value": D(r.randint(0, 50))}},
            self.places: places,
        }

    def step(self):
        partnership = self.random.choice(list(self.world.partners.values()))
        period = self.random.choice(self.PERIODS)
        submission = services.open_submission(
            actor=self.actor, partnership=partnership, period=period
        )
        status = submission.status
        if status in (Status.DRAFT, Status.RETURNED, Status.REOPENED):
            entries = entries_for(partnership, self.values())
            # A returned report may hold values approved one by one: those stay locked.
            locked = {
                (v.indicator_id, v.cell)
                for v in submission.values.filter(review_state=ReviewState.APPROVED)
            }
            entries = [e for e in entries if (e.indicator.pk, _key(e.cell)) not in locked]
            # A random figure the validation refuses saves nothing: fine for the walk.
            with contextlib.suppress(services.InvalidValue):
                services.save_values(actor=self.actor, submission=submission, entries=entries)
            if submission.values.exists():
                services.submit_submission(actor=self.actor, submission=submission)
            return "submit"
        if status == Status.SUBMITTED:
            action = self.random.choice(["approve", "approve_values", "return"])
            pending = list(submission.values.exclude(review_state=ReviewState.APPROVED))
            if action == "approve":
                services.approve_submission(actor=self.actor, submission=submission)
            elif action == "approve_values" and pending:
                chosen = self.random.sample(pending, self.random.randint(1, len(pending)))
                services.approve_values(
                    actor=self.actor, submission=submission, value_ids=[v.pk for v in chosen]
                )
            elif pending:
                services.return_submission(
                    actor=self.actor,
                    submission=submission,
                    comment="Please check",
                    value_comments={pending[0].pk: "This one"},
                )
            return action
        services.reopen_submission(actor=self.actor, submission=submission, reason="Revision")
        return "reopen"


def _key(cell):
    return cell if isinstance(cell, str) else ";".join(f"{d}={v}" for d, v in sorted(cell.items()))


@pytest.mark.parametrize("seed", range(4))
def test_random_review_sequences_leave_no_drift(world, seed):
    scenario = Scenario(world, seed)
    actions = set()
    for step in range(45):
        actions.add(scenario.step())
        if step % 9 == 8:
            assert_no_drift()
    found = assert_no_drift()
    assert found.checked > 0
    assert {"submit", "approve", "reopen"} <= actions


# --- verify-rollups ---------------------------------------------------------------------------


def test_verify_reports_missing_extra_and_different_rows_and_fixes_them(world):
    actor = world.users["data_manager"]
    served = make_indicator(world.alpha, "served")
    report(actor, world.partners["a"], "2023", {served: {"": {"value": D(30)}}})
    report(actor, world.partners["a"], "2024", {served: {"": {"value": D(31)}}})
    out = StringIO()
    call_command("verify_rollups", stdout=out)
    assert out.getvalue().strip() == "No drift: 4 rollups checked"

    Rollup.objects.filter(period="2023", cell="").update(value=D(29))
    Rollup.objects.filter(period="2024", cell="").delete()
    Rollup.objects.create(indicator=served, period="2025", cell="", value=D(1), reporters=1)
    with pytest.raises(CommandError) as error:
        call_command("verify_rollups", "--initiative", "alpha", stdout=StringIO(), stderr=out)
    assert str(error.value) == (
        "Drift: 1 missing, 1 extra, 1 different of 5 rollups checked; "
        "run with --fix to rewrite them"
    )
    assert error.value.returncode == 1
    with pytest.raises(CommandError, match=r"\(fixed\)"):
        call_command("verify_rollups", "--fix", stdout=StringIO(), stderr=StringIO())
    out = StringIO()
    call_command("verify_rollups", stdout=out)
    assert out.getvalue().strip() == "No drift: 4 rollups checked"


def test_verify_refuses_an_unknown_initiative(world):
    with pytest.raises(CommandError, match="no initiative with the slug 'nope'"):
        call_command("verify_rollups", "--initiative", "nope")


# --- concurrency --------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_concurrent_approvals_of_one_indicator_refresh_one_after_the_other(world):
    """The second refresh waits for the first one's lock and reads its committed values."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serializes writers itself (BEGIN IMMEDIATE)")
    import threading

    served = make_indicator(world.alpha, "served")
    values = {}
    for code, number in (("a", 30), ("b", 12)):
        submission = Submission.objects.create(
            partnership=world.partners[code], period="2024", status=Status.SUBMITTED
        )
        values[code] = DataValue.objects.create(
            submission=submission,
            indicator=served,
            partnership=world.partners[code],
            period="2024",
            value=D(number),
        )
    first_done, errors = threading.Event(), []

    def approve(code, before_commit=None):
        try:
            with transaction.atomic():
                DataValue.objects.filter(pk=values[code].pk).update(
                    review_state=ReviewState.APPROVED
                )
                refresh_rollups([served.pk], ["2024"])
                if before_commit:
                    before_commit()
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    def wait_until_b_waits_for_the_lock():
        first_done.set()
        from django.db import connections

        probe = connections.create_connection("default")
        try:
            while True:
                with probe.cursor() as cursor:
                    cursor.execute(
                        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                    )
                    if cursor.fetchone()[0]:
                        return
        finally:
            probe.close()

    a = threading.Thread(target=approve, args=("a", wait_until_b_waits_for_the_lock))
    a.start()
    first_done.wait()
    b = threading.Thread(target=approve, args=("b",))
    b.start()
    a.join()
    b.join()
    assert errors == []
    total = stored(served)["2024"]
    assert (total.value, total.reporters) == (D(42), 2)
    assert_no_drift()
