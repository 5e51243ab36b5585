"""Each token may send API_RATE_LIMIT requests every API_RATE_LIMIT_WINDOW seconds."""

from datetime import timedelta

from commonground.api.auth import DEFAULT_RATE_LIMIT, DEFAULT_RATE_WINDOW, rate_limit
from commonground.api.models import ApiToken


def test_beyond_the_limit_the_answer_is_429_with_retry_after(api, settings):
    settings.API_RATE_LIMIT = 3
    settings.API_RATE_LIMIT_WINDOW = 60
    for _ in range(3):
        assert api.call("viewer", "get", "/me").status_code == 200
    response = api.call("viewer", "get", "/me")
    assert response.status_code == 429
    body = response.json()
    assert body["code"] == "rate_limited"
    assert body["details"]["limit"] == 3
    assert 1 <= int(response["Retry-After"]) <= 60
    # Other tokens have their own count.
    assert api.call("lead", "get", "/me").status_code == 200


def test_a_new_window_starts_the_count_again(api, settings):
    settings.API_RATE_LIMIT = 1
    assert api.call("viewer", "get", "/me").status_code == 200
    assert api.call("viewer", "get", "/me").status_code == 429
    token = ApiToken.objects.get(user=api.world.users["viewer"])
    ApiToken.objects.filter(pk=token.pk).update(
        window_start=token.window_start - timedelta(hours=1)
    )
    assert api.call("viewer", "get", "/me").status_code == 200


def test_requests_stamp_the_tokens_last_use(api):
    token = ApiToken.objects.get(user=api.world.users["viewer"])
    assert token.last_used_at is None
    api.call("viewer", "get", "/me")
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_the_defaults(settings):
    del settings.API_RATE_LIMIT
    assert rate_limit() == (DEFAULT_RATE_LIMIT, DEFAULT_RATE_WINDOW)
