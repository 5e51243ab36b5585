"""The demo, built once for the tests of this package.

Building it loads years of real data through the real services (tens of seconds), so the tests
share one build: it is made inside a transaction that is rolled back when the package's tests
are done, and each test still runs in its own savepoint (the ``db`` fixture), so nothing a test
changes reaches the next one.
"""

import pytest
from django.db import transaction
from django.test import override_settings

from commonground.demo.build import build_demo


@pytest.fixture(scope="package")
def built_demo(django_db_setup, django_db_blocker):
    # The tests' fast hasher (tests/conftest.py), so the accounts' passwords check out.
    fast_hasher = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
    )
    with django_db_blocker.unblock(), fast_hasher:
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield build_demo()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
