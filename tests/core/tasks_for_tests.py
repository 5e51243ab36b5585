"""A task that exists only for the tests of the worker."""

from django_tasks import task


@task()
def add(a: int, b: int) -> int:
    return a + b
