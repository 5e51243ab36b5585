"""Two people add opposite dependencies at the same moment (PostgreSQL only: SQLite queues
writers itself with BEGIN IMMEDIATE). The initiative's row lock makes the second wait for the
first and then see its edge: one is added, the other refused as a cycle, never both."""

import threading

import pytest
from django.db import connection, transaction

from commonground.action.models import Activity, ActivityDependency
from commonground.action.plan import services
from commonground.core.errors import DomainError
from tests.convening.decisions.test_concurrent_votes import wait_until_someone_waits_for_a_lock


@pytest.mark.django_db(transaction=True)
def test_opposite_dependencies_at_once_never_make_a_cycle(world):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serializes writers itself (BEGIN IMMEDIATE)")
    a, b = (
        Activity.objects.create(
            initiative=world.alpha, partnership=world.partners[code], title=f"Work of {code}"
        )
        for code in ("a", "b")
    )
    lead = world.users["lead"]
    first_holds_the_lock, refused, errors = threading.Event(), [], []

    def add(activity, depends_on, before_commit=None):
        try:
            with transaction.atomic():
                services.add_dependency(actor=lead, activity=activity, depends_on=depends_on)
                if before_commit:
                    before_commit()
        except DomainError as error:
            refused.append(error.code)
        except Exception as error:  # reported by the assertion below
            errors.append(error)
        finally:
            first_holds_the_lock.set()  # never leave the test waiting, even after an error
            connection.close()

    def hold_until_the_second_waits():
        first_holds_the_lock.set()
        wait_until_someone_waits_for_a_lock()

    first = threading.Thread(target=add, args=(a, b, hold_until_the_second_waits))
    first.start()
    first_holds_the_lock.wait()
    second = threading.Thread(target=add, args=(b, a))
    second.start()
    first.join()
    second.join()
    assert errors == []
    assert refused == ["dependency_cycle"]
    assert list(ActivityDependency.objects.values_list("activity_id", "depends_on_id")) == [
        (a.pk, b.pk)
    ]
