"""The API tests' world: the personas of ``tests/conftest.py``, each with a personal token, and
the reporting world (partners A and B report a rate by sex, a count and a narrative)."""

import json
from dataclasses import dataclass

import pytest
from django.test import Client

from commonground.api.tokens import create_token
from tests.conftest import PERSONAS
from tests.measurement.reporting_world import Reporting, build

BASE = "/api/v1"


@dataclass
class Api:
    world: object
    reporting: Reporting
    secrets: dict

    def call(self, persona: str, method: str, path: str, body=None, headers=None, **query):
        """``persona``'s request (``anonymous``: no token); ``path`` is relative to /api/v1."""
        client = Client()
        extra = {}
        if persona != "anonymous":
            extra["HTTP_AUTHORIZATION"] = f"Bearer {self.secrets[persona]}"
        for name, value in (headers or {}).items():
            extra["HTTP_" + name.upper().replace("-", "_")] = value
        url = BASE + path
        if method == "get":
            return client.get(url, query, **extra)
        data = json.dumps(body) if body is not None else ""
        return getattr(client, method)(url, data, content_type="application/json", **extra)


def tokens_for(world) -> dict:
    secrets = {}
    for persona in PERSONAS:
        secrets[persona] = create_token(
            actor=world.users[persona], initiative=world.alpha, name=f"{persona} script"
        )[1]
    secrets["outsider"] = create_token(
        actor=world.users["outsider"], initiative=world.beta, name="outsider script"
    )[1]
    return secrets


@pytest.fixture
def api(world) -> Api:
    return Api(world=world, reporting=build(world), secrets=tokens_for(world))
