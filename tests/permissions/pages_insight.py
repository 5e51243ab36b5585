"""The report card pages beyond the initiative's card (in pages_foundation), and benchmarks.

Internal pages: roles that see internal results. Public pages: everyone, for a public
initiative. Benchmarks: a partner's own reporters and lead, and those who see every partner's
data (the lead, the data manager, the steering committee), who choose a partner.
"""

from commonground.initiatives.models import WorkingGroup
from commonground.measurement.models import Indicator
from tests.conftest import ALL_PERSONAS
from tests.permissions import INTERNAL_RESULTS, Page

EVERYONE = frozenset(ALL_PERSONAS)
BENCHMARKS = frozenset(
    {"lead", "data_manager", "steering", "partner_lead_a", "reporter_a", "reporter_b"}
)


def indicator(world):
    """A published indicator owned by a working group of partners A and B."""
    group = group_code(world)
    found = Indicator.objects.filter(initiative=world.alpha, code="served").first()
    if found is None:
        found = Indicator.objects.create(
            initiative=world.alpha,
            code="served",
            name="Children served",
            value_type="count",
            aggregation="sum",
            frequency="annual",
            is_published=True,
            owner_group=WorkingGroup.objects.get(initiative=world.alpha, code=group),
        )
    return found.code


def hidden_indicator(world):
    found, _ = Indicator.objects.get_or_create(
        initiative=world.alpha,
        code="draft",
        defaults={
            "name": "Draft indicator",
            "value_type": "count",
            "aggregation": "sum",
            "frequency": "annual",
            "is_published": False,
        },
    )
    return found.code


def group_code(world):
    group, created = WorkingGroup.objects.get_or_create(
        initiative=world.alpha, code="readers", defaults={"name": "Early readers network"}
    )
    if created:
        group.partnerships.set(world.partners.values())
    return group.code


PAGES = [
    Page("indicator_report", ("alpha", indicator), INTERNAL_RESULTS),
    Page("indicator_report", ("alpha", hidden_indicator), INTERNAL_RESULTS),
    Page("public_indicator_report", ("alpha", indicator), EVERYONE, public=True),
    # An unpublished indicator does not exist publicly, for anyone.
    Page("public_indicator_report", ("alpha", hidden_indicator), frozenset(), public=True),
    Page("group_report_card", ("alpha", group_code), INTERNAL_RESULTS),
    Page("group_indicator_report", ("alpha", group_code, indicator), INTERNAL_RESULTS),
    Page("public_group_report_card", ("alpha", group_code), EVERYONE, public=True),
    Page("public_group_indicator_report", ("alpha", group_code, indicator), EVERYONE, public=True),
    Page("partner_benchmark", ("alpha",), BENCHMARKS),
]
