"""Report card outputs: PDF and CSV downloads (public and internal, per working group), embeds."""

from tests.conftest import ALL_PERSONAS
from tests.permissions import INTERNAL_RESULTS, Page

EVERYONE = frozenset(ALL_PERSONAS)


def published_indicator(world):
    from commonground.measurement.models import Indicator

    indicator, _ = Indicator.objects.get_or_create(
        initiative=world.alpha,
        code="grad_rate",
        defaults={
            "name": "On-time graduation rate",
            "value_type": "count",
            "aggregation": "sum",
            "frequency": "annual",
            "is_published": True,
        },
    )
    return indicator.code


def working_group(world):
    from commonground.initiatives.models import WorkingGroup

    group, _ = WorkingGroup.objects.get_or_create(
        initiative=world.alpha, code="early-years", defaults={"name": "Early years"}
    )
    return group.code


PAGES = [
    Page("public_report_card_pdf", ("alpha",), EVERYONE, public=True),
    Page("public_report_card_csv", ("alpha",), EVERYONE, public=True),
    Page("public_group_report_card_pdf", ("alpha", working_group), EVERYONE, public=True),
    Page("public_group_report_card_csv", ("alpha", working_group), EVERYONE, public=True),
    Page("report_card_embed", ("alpha",), EVERYONE, public=True),
    Page("report_card_indicator_embed", ("alpha", published_indicator), EVERYONE, public=True),
    Page("report_card_embed_code", ("alpha",), EVERYONE, public=True),
    Page("report_card_pdf", ("alpha",), INTERNAL_RESULTS),
    Page("report_card_csv", ("alpha",), INTERNAL_RESULTS),
    Page("group_report_card_pdf", ("alpha", working_group), INTERNAL_RESULTS),
    Page("group_report_card_csv", ("alpha", working_group), INTERNAL_RESULTS),
]
