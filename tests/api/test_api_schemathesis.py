"""schemathesis against the OpenAPI document: for every operation, requests generated from the
document — data that fits it and data that does not — sent with a backbone lead's token to a
world with reports in every state; no answer may be a server error, and every answer must match
the document (status, headers, body).

Bounded for ``make test``: a fixed number of examples per operation and mode, derandomized
(the same requests every run), no example database, no shrinking.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.api import objects

# Examples per operation: data that fits the document, and data that breaks it.
EXAMPLES = {GenerationMode.POSITIVE: 10, GenerationMode.NEGATIVE: 5}
SETTINGS = {
    "derandomize": True,
    "database": None,
    "deadline": None,
    "phases": [Phase.explicit, Phase.generate],
    "suppress_health_check": list(HealthCheck),
}


@pytest.fixture
def known(api, settings):
    """Ids and codes of objects that exist, for half of the generated paths."""
    settings.API_RATE_LIMIT = 1_000_000  # the run itself must not be rate limited
    r, world = api.reporting, api.world
    r.fill("a", period="2020")
    r.submitted("b", period="2020")
    approved = r.approved("a", period="2021")
    return {
        "slug": "alpha",
        "submission_id": approved.pk,
        "code": "grad_rate",
        "activity_id": objects.activity(world).pk,
        "meeting_id": objects.meeting(world).pk,
        "decision_id": objects.decision(world).pk,
    }


def validation_agrees_with_the_document(ctx, response, case):
    """Data that fits the document passes the API's own parsing: a 400 or a 422 ``invalid``
    for it would mean the two disagree. (Schemathesis's ``positive_data_acceptance`` expects
    more — a success — but a report in the wrong state or values that fail validation are
    refused by the services on purpose, 409 or 422 with their own codes.)"""
    if case.meta is None or not case.meta.generation.mode.is_positive:
        return None
    if response.status_code in (400, 422):
        code = response.json()["code"]
        assert code not in ("invalid", "bad_request"), response.text
    return None


@pytest.fixture
def wsgi_keeps_the_test_connection():
    """Django's WSGI handler closes the database connection after each request, which would
    end the test's transaction on PostgreSQL; its test client avoids that the same way."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


def operations():
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    return [result.ok() for result in schema.get_all_operations()]


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.usefixtures("wsgi_keeps_the_test_connection")
def test_the_api_keeps_to_its_document(api, known, mode):
    headers = {"Authorization": f"Bearer {api.secrets['lead']}"}
    for operation in operations():
        names = {p.name for p in operation.path_parameters}
        fixed = {name: value for name, value in known.items() if name in names}
        if operation.path.endswith("/partners/{code}"):
            fixed["code"] = "a"
        strategy = st.one_of(
            operation.as_strategy(generation_mode=mode, path_parameters=fixed, headers=headers),
            operation.as_strategy(
                generation_mode=mode, path_parameters={"slug": "alpha"}, headers=headers
            ),
        )

        @settings(max_examples=EXAMPLES[mode], **SETTINGS)
        @given(case=strategy)
        def check(case):
            # The token is fixed in the cases (never mutated) and given again here, so that
            # schemathesis knows it is real and probes each operation without it and with a
            # wrong one (``ignored_auth``).
            case.call_and_validate(
                headers=headers,
                excluded_checks=[positive_data_acceptance],
                additional_checks=[validation_agrees_with_the_document],
            )

        try:
            check()
        except Unsatisfiable:
            # Nothing to break: every part of the request is fixed (``GET /me``).
            assert mode == GenerationMode.NEGATIVE, operation.label
