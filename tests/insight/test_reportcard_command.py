"""``commonground reportcard --format json``: the document on standard output or in a file."""

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from commonground.initiatives.models import WorkingGroup
from commonground.insight.management.commands.reportcard import FORMATS
from tests.insight.test_rollups import (
    make_indicator,
    report,
)


@pytest.fixture
def alpha(world):
    actor = world.users["data_manager"]
    served = make_indicator(world.alpha, "served")
    make_indicator(world.alpha, "internal_only", is_published=False)
    group = WorkingGroup.objects.create(initiative=world.alpha, code="early", name="Early")
    group.partnerships.add(world.partners["a"])
    served.shared_by_groups.add(group)
    report(actor, world.partners["a"], "2024", {served: {"": {"value": Decimal(30)}}})
    report(actor, world.partners["b"], "2024", {served: {"": {"value": Decimal(12)}}})
    return world.alpha


def run(*args):
    out = StringIO()
    call_command("reportcard", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_json_to_standard_output(alpha):
    document = json.loads(run("--initiative", "alpha", "--format", "json"))
    assert document["public"] is False
    assert [i["code"] for i in document["indicators"]] == ["internal_only", "served"]
    served = document["indicators"][1]
    assert served["total"]["points"] == [
        {
            "period": "2024",
            "value": "42.0000",
            "numerator": None,
            "denominator": None,
            "reporters": 2,
            "censored": 0,
            "suppressed": False,
        }
    ]
    assert served["classification"] == "not_enough_data"


def test_public_and_working_group_cards(alpha):
    public = json.loads(run("--initiative", "alpha", "--format", "json", "--public"))
    assert public["public"] is True
    assert [i["code"] for i in public["indicators"]] == ["served"]
    group = json.loads(run("--initiative", "alpha", "--format", "json", "--working-group", "early"))
    assert group["working_group"] == "early"
    (served,) = group["indicators"]
    assert served["total"]["points"][0]["value"] == "30.0000"


def test_output_file(alpha, tmp_path):
    target = tmp_path / "card.json"
    assert run("--initiative", "alpha", "--format", "json", "--output", str(target)) == ""
    assert json.loads(target.read_text())["initiative"]["slug"] == "alpha"
    assert [p.name for p in tmp_path.iterdir()] == ["card.json"]  # no temporary file left


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--initiative", "nope", "--format", "json"], "no initiative with the slug 'nope'"),
        (
            ["--initiative", "alpha", "--format", "json", "--working-group", "x"],
            "has no working group 'x'",
        ),
    ],
)
def test_bad_input_is_a_one_line_error(alpha, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)


def test_formats_are_a_dispatch_of_renderers():
    assert "json" in FORMATS and callable(FORMATS["json"])
