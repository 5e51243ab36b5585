"""The permission matrix of the API: every operation, every persona (CONVENTIONS habit 5).

Each persona calls each operation with their own token: those allowed get the success status;
anonymous callers get 401; everyone else 404, in the error shape — the same answer as for a
missing object. Operations that change state get a fresh object for every persona.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from tests.api import objects
from tests.conftest import ALL_PERSONAS, PERSONAS
from tests.permissions import ALPHA_MEMBERS, BACKBONE_DATA, INTERNAL_RESULTS

EVERY_TOKEN = frozenset(PERSONAS) | {"outsider"}
ENTER_A = frozenset({"lead", "data_manager", "partner_lead_a", "reporter_a"})
SEE_A = ENTER_A | {"steering"}
SEE_SOME = SEE_A | {"reporter_b"}


def year(persona: str) -> str:
    """A period of its own for each persona, so state-changing calls never meet."""
    return str(2001 + ALL_PERSONAS.index(persona))


@dataclass(frozen=True)
class Op:
    id: str
    method: str
    path: Callable  # (api, persona) -> path under /api/v1
    allowed: frozenset
    ok: int = 200
    body: Callable | None = None  # (api, persona) -> JSON body

    def __repr__(self) -> str:
        return self.id


def fixed(path: str) -> Callable:
    return lambda api, persona: path


def report(state: str, partner="a") -> Callable:
    """The path of a fresh report of ``partner`` in ``state``, for the persona."""

    def path(api, persona):
        r = api.reporting
        make = {
            "draft": r.report,
            "filled": r.fill,
            "submitted": r.submitted,
            "approved": r.approved,
        }[state]
        return f"/initiatives/alpha/submissions/{make(partner, year(persona)).pk}"

    return path


def then(path: Callable, suffix: str) -> Callable:
    return lambda api, persona: path(api, persona) + suffix


def shared_object(kind: str, collection: str) -> Callable:
    def path(api, persona):
        made = getattr(objects, kind)(api.world)
        return f"/initiatives/alpha/{collection}/{made.pk}"

    return path


VALUES = {"values": [{"indicator": "kids_served", "value": 12}]}

OPERATIONS = [
    Op("me", "get", fixed("/me"), EVERY_TOKEN),
    Op("list_initiatives", "get", fixed("/initiatives"), EVERY_TOKEN),
    Op("get_initiative", "get", fixed("/initiatives/alpha"), ALPHA_MEMBERS),
    Op("list_partners", "get", fixed("/initiatives/alpha/partners"), ALPHA_MEMBERS),
    Op("get_partner", "get", fixed("/initiatives/alpha/partners/b"), ALPHA_MEMBERS),
    Op("list_indicators", "get", fixed("/initiatives/alpha/indicators"), ALPHA_MEMBERS),
    Op("get_indicator", "get", fixed("/initiatives/alpha/indicators/grad_rate"), ALPHA_MEMBERS),
    Op(
        "create_indicator",
        "post",
        fixed("/initiatives/alpha/indicators"),
        BACKBONE_DATA,
        ok=201,
        body=lambda api, persona: {
            "code": f"new_{persona}",
            "name": "Volunteers",
            "value_type": "count",
            "aggregation": "sum",
            "frequency": "annual",
        },
    ),
    Op("list_periods", "get", fixed("/initiatives/alpha/periods?partner=a"), SEE_A),
    Op("list_submissions", "get", fixed("/initiatives/alpha/submissions"), SEE_SOME),
    Op("get_submission", "get", report("filled"), SEE_A),
    Op("list_values", "get", fixed("/initiatives/alpha/values"), SEE_SOME),
    Op(
        "create_submission",
        "post",
        fixed("/initiatives/alpha/submissions"),
        ENTER_A,
        ok=201,
        body=lambda api, persona: {"partner": "a", "period": year(persona)},
    ),
    Op(
        "save_values",
        "post",
        then(report("draft"), "/values"),
        ENTER_A,
        body=lambda api, persona: VALUES,
    ),
    Op("submit_submission", "post", then(report("filled"), "/submit"), ENTER_A),
    Op(
        "approve_submission",
        "post",
        then(report("submitted"), "/approve"),
        BACKBONE_DATA,
        body=lambda api, persona: {"comment": "Thank you."},
    ),
    Op(
        "return_submission",
        "post",
        then(report("submitted"), "/return"),
        BACKBONE_DATA,
        body=lambda api, persona: {"comment": "Please check the count."},
    ),
    Op(
        "reopen_submission",
        "post",
        then(report("approved"), "/reopen"),
        BACKBONE_DATA,
        body=lambda api, persona: {"reason": "The count was revised."},
    ),
    Op("list_rollups", "get", fixed("/initiatives/alpha/rollups"), INTERNAL_RESULTS),
    Op("report_card", "get", fixed("/initiatives/alpha/report-card"), ALPHA_MEMBERS),
    Op("list_activities", "get", fixed("/initiatives/alpha/activities"), ALPHA_MEMBERS),
    Op("get_activity", "get", shared_object("activity", "activities"), ALPHA_MEMBERS),
    Op("list_meetings", "get", fixed("/initiatives/alpha/meetings"), ALPHA_MEMBERS),
    Op("get_meeting", "get", shared_object("meeting", "meetings"), ALPHA_MEMBERS),
    Op("list_decisions", "get", fixed("/initiatives/alpha/decisions"), ALPHA_MEMBERS),
    Op("get_decision", "get", shared_object("decision", "decisions"), ALPHA_MEMBERS),
]


def expected(op: Op, persona: str) -> int:
    if persona in op.allowed:
        return op.ok
    return 401 if persona == "anonymous" else 404


@pytest.mark.parametrize("op", OPERATIONS, ids=lambda op: op.id)
def test_every_persona(api, op):
    for persona in ALL_PERSONAS:
        body = op.body(api, persona) if op.body else None
        response = api.call(persona, op.method, op.path(api, persona), body)
        assert response.status_code == expected(op, persona), (persona, response.content)
        if response.status_code >= 400:
            assert set(response.json()) == {"code", "message", "details"}


def test_every_operation_is_in_the_matrix(client):
    """A new operation must join the matrix above."""
    schema = client.get("/api/v1/openapi.json").json()
    documented = {
        details["operationId"]
        for methods in schema["paths"].values()
        for details in methods.values()
    }
    assert documented == {op.id for op in OPERATIONS}
