"""Random dependency edits never make a cycle (hypothesis).

Whatever sequence of additions and removals people try among a handful of activities, the
stored dependencies stay acyclic, an addition is refused exactly when it would close a cycle
(or repeat an edge, or point at itself), and a refused edit changes nothing.
"""

import networkx as nx
import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commonground.action.models import Activity, ActivityDependency
from commonground.action.plan import services
from commonground.core.errors import DomainError

SIZE = 6
EDITS = st.lists(
    st.tuples(
        st.sampled_from(["add", "remove"]),
        st.integers(0, SIZE - 1),
        st.integers(0, SIZE - 1),
    ),
    max_size=40,
)


def stored_graph() -> nx.DiGraph:
    graph = nx.DiGraph()
    graph.add_edges_from(ActivityDependency.objects.values_list("activity_id", "depends_on_id"))
    return graph


@pytest.fixture
def activities(world):
    return [
        Activity.objects.create(
            initiative=world.alpha, partnership=world.partners["a"], title=f"Activity {n}"
        )
        for n in range(SIZE)
    ]


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(edits=EDITS)
def test_random_dependency_edits_never_create_a_cycle(world, activities, edits):
    lead = world.users["lead"]
    with transaction.atomic():  # each example starts from no dependency at all
        for action, i, j in edits:
            activity, depends_on = activities[i], activities[j]
            before = set(stored_graph().edges)
            if action == "add":
                would_cycle = i == j or (
                    depends_on.pk in stored_graph()
                    and activity.pk in stored_graph()
                    and nx.has_path(stored_graph(), depends_on.pk, activity.pk)
                )
                repeated = (activity.pk, depends_on.pk) in before
                try:
                    services.add_dependency(actor=lead, activity=activity, depends_on=depends_on)
                except DomainError as error:
                    assert would_cycle or repeated, error.message
                    assert set(stored_graph().edges) == before
                else:
                    assert not would_cycle and not repeated
            else:
                try:
                    services.remove_dependency(actor=lead, activity=activity, depends_on=depends_on)
                except DomainError:
                    assert (activity.pk, depends_on.pk) not in before
            assert nx.is_directed_acyclic_graph(stored_graph())
        transaction.set_rollback(True)
