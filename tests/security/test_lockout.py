"""Login lockout (django-axes): 5 failures per username and address lock that pair for 15 min."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD

LOGIN = reverse("login")


def login(client, username, password, address="203.0.113.7"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def fail(client, times, username="lead", address="203.0.113.7"):
    """``times`` failed logins; the 5th is answered with the locked-out page at once."""
    for number in range(1, times + 1):
        response = login(client, username, "wrong-password", address)
        assert response.status_code == (200 if number < 5 else 429)


@pytest.fixture
def client_():
    return Client()


def test_five_failures_lock_the_username_from_that_address(world, client_):
    fail(client_, 4)
    assert login(client_, "lead", PASSWORD).status_code == 302  # the 5th try is still allowed
    client_.logout()
    fail(client_, 5)
    locked = login(client_, "lead", PASSWORD)  # even the right password
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Too many failed logins" in page
    assert "failed 5 times in a row" in page and "Try again in 15 minutes." in page
    assert reverse("password_reset") in page
    assert "_auth_user_id" not in client_.session


def test_the_lock_is_per_username_and_address(world, client_):
    fail(client_, 5)
    assert login(client_, "lead", PASSWORD).status_code == 429
    assert login(Client(), "data_manager", PASSWORD).status_code == 302  # another user
    assert login(Client(), "lead", PASSWORD, address="198.51.100.4").status_code == 302


def test_the_lock_ends_after_fifteen_minutes(world, client_):
    fail(client_, 5)
    assert login(client_, "lead", PASSWORD).status_code == 429
    attempt = AccessAttempt.objects.get(username="lead")
    attempt.attempt_time -= timedelta(minutes=16)
    attempt.save()
    assert login(client_, "lead", PASSWORD).status_code == 302


def test_a_success_clears_the_count(world, client_):
    fail(client_, 4)
    assert login(client_, "lead", PASSWORD).status_code == 302
    client_.logout()
    fail(client_, 4)
    assert login(client_, "lead", PASSWORD).status_code == 302


def test_behind_a_proxy_the_forwarded_address_counts(world, client_, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(5):
        client_.post(
            LOGIN,
            {"username": "lead", "password": "nope"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR="spoofed, 203.0.113.9",
        )
    assert AccessAttempt.objects.get().ip_address == "203.0.113.9"
    other = Client().post(
        LOGIN,
        {"username": "lead", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.10",
    )
    assert other.status_code == 302  # another client behind the same proxy


def test_logging_in_in_code_without_a_request_still_works(world):
    assert Client().login(username="lead", password=PASSWORD)
