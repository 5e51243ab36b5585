"""Indicators and reports for the reporting and review tests, on top of the ``world`` fixture.

Partners A and B of alpha report three yearly indicators: a graduation rate broken down by sex
(numerator ÷ denominator × 100, in %), a count of children served, and a narrative. The period
used is last calendar year, which has ended whatever day the tests run.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from commonground.measurement import services
from commonground.measurement.models import Dimension, Indicator, ReportingAssignment, Submission


def last_year() -> str:
    return str(timezone.localdate().year - 1)


def year_before() -> str:
    return str(timezone.localdate().year - 2)


@dataclass
class Reporting:
    world: object
    grad: Indicator
    kids: Indicator
    story: Indicator
    period: str

    def partner(self, code="a"):
        return self.world.partners[code]

    def user(self, persona):
        return self.world.users[persona]

    def report(self, code="a", period=None) -> Submission:
        return services.open_submission(
            actor=None, partnership=self.partner(code), period=period or self.period
        )

    def fill(self, code="a", period=None, kids=47, grad=(945, 1056)) -> Submission:
        """A draft with a total for every indicator and one cell of the rate."""
        submission = self.report(code, period)
        services.save_values(
            actor=None,
            submission=submission,
            entries=[
                services.Entry(self.kids, {}, value=Decimal(kids)),
                services.Entry(
                    self.grad, {}, numerator=Decimal(grad[0]), denominator=Decimal(grad[1])
                ),
                services.Entry(
                    self.grad, {"sex": "f"}, numerator=Decimal(480), denominator=Decimal(520)
                ),
                services.Entry(self.story, {}, text="The bus route changed."),
            ],
        )
        return submission

    def submitted(self, code="a", period=None, **kw) -> Submission:
        submission = self.fill(code, period, **kw)
        return services.submit_submission(actor=None, submission=submission)

    def approved(self, code="a", period=None, **kw) -> Submission:
        submission = self.submitted(code, period, **kw)
        return services.approve_submission(actor=None, submission=submission)


def build(world) -> Reporting:
    alpha = world.alpha
    sex = Dimension.objects.create(initiative=alpha, code="sex", name="Sex")
    sex.values.create(code="f", name="Female", sort_order=1)
    sex.values.create(code="m", name="Male", sort_order=2)
    grad = Indicator.objects.create(
        initiative=alpha,
        code="grad_rate",
        name="On-time graduation rate",
        unit="%",
        value_type="rate",
        scale_factor=100,
        aggregation="ratio_of_sums",
        frequency="annual",
        is_published=True,
        sort_order=1,
    )
    grad.dimensions.add(sex)
    kids = Indicator.objects.create(
        initiative=alpha,
        code="kids_served",
        name="Children served",
        unit="children",
        value_type="count",
        aggregation="sum",
        frequency="annual",
        decimals=0,
        sort_order=2,
    )
    story = Indicator.objects.create(
        initiative=alpha,
        code="story",
        name="Story behind the data",
        value_type="narrative",
        aggregation="none",
        frequency="annual",
        sort_order=3,
    )
    for partner in world.partners.values():
        for indicator in (grad, kids, story):
            ReportingAssignment.objects.create(indicator=indicator, partnership=partner)
    return Reporting(world=world, grad=grad, kids=kids, story=story, period=last_year())
