"""Indicator registry pages: indicators, the framework file, reporting assignments."""

from commonground.measurement.models import Indicator
from tests.permissions import ALPHA_MEMBERS, BACKBONE_DATA, INTERNAL_RESULTS, Page


def grad(world):
    """An indicator of alpha; the page's slug argument."""
    Indicator.objects.get_or_create(
        initiative=world.alpha,
        code="grad",
        defaults={
            "name": "Graduation",
            "value_type": "count",
            "aggregation": "sum",
            "frequency": "annual",
        },
    )
    return "alpha"


# A complete, valid indicator form with empty target and break lists.
NEW_INDICATOR = {
    "code": "kinder",
    "name": "Kindergarten readiness",
    "level": "population",
    "role": "core",
    "value_type": "count",
    "scale_factor": "1",
    "polarity": "higher_better",
    "aggregation": "sum",
    "frequency": "annual",
    "decimals": "1",
    "deadline_days": "30",
    "targets-TOTAL_FORMS": "0",
    "targets-INITIAL_FORMS": "0",
    "breaks-TOTAL_FORMS": "0",
    "breaks-INITIAL_FORMS": "0",
}

PAGES = [
    Page("indicator_list", ("alpha",), ALPHA_MEMBERS),
    Page("indicator_detail", (grad, "grad"), ALPHA_MEMBERS),
    Page("indicator_create", ("alpha",), BACKBONE_DATA),
    Page("indicator_create", ("alpha",), BACKBONE_DATA, method="post", data=NEW_INDICATOR, ok=302),
    Page("indicator_edit", (grad, "grad"), BACKBONE_DATA),
    Page(
        "indicator_edit",
        (grad, "grad"),
        BACKBONE_DATA,
        method="post",
        data={**NEW_INDICATOR, "code": "grad"},
        ok=302,
    ),
    Page("framework_export", ("alpha",), BACKBONE_DATA),
    Page("framework_import", ("alpha",), BACKBONE_DATA),
    # No file: the form is refused (400) — only for those who may load files at all.
    Page("framework_import", ("alpha",), BACKBONE_DATA, method="post", ok=400),
    Page("assignments", ("alpha",), INTERNAL_RESULTS),
    Page(
        "assignments",
        (grad,),
        BACKBONE_DATA,
        method="post",
        data={"indicator": "grad"},
        ok=302,
    ),
]
