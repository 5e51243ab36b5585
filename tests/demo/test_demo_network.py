"""The demo's network survey: two closed rounds whose comparison shows the network growing and
its brokers no longer holding single partners to it; building again adds nothing."""

import pytest

from commonground.backbone.models import Round
from commonground.backbone.network.comparison import compare
from commonground.backbone.network.results import round_results
from commonground.core.models import AuditEvent
from commonground.demo import network
from tests.demo.demo_accounts import Lines, demo_users

pytestmark = pytest.mark.django_db


def pairs(ties):
    return {tuple(sorted((t.first.code, t.second.code))) for t in ties}


def test_the_demo_network_rounds_and_their_comparison(built_demo):
    initiative = built_demo.initiative
    rounds = Round.objects.filter(initiative=initiative, instrument="network").count()
    network.build(initiative, demo_users(), Lines())  # the demo built them: nothing more
    assert Round.objects.filter(initiative=initiative, instrument="network").count() == rounds == 2
    spring, autumn = Round.objects.filter(initiative=initiative, instrument="network").order_by(
        "opens_on"
    )
    assert spring.status == autumn.status == "closed"

    before, after = round_results(spring), round_results(autumn)
    assert before.respondents == after.respondents == before.size == 7
    # 10 and 15 ties of 7 × 6 ÷ 2 = 21 possible.
    assert len(before.ties) == 10 and len(after.ties) == 15
    assert before.density == pytest.approx(10 / 21)
    assert {
        b.partner.partnership.code: [[p.code for p in g] for g in b.cut_off]
        for b in before.brokers
        if b.cut_off
    } == {
        "cardinal-fund": [["bluebird-health"]],
        "rivanna-reads": [["neighbors-table"]],
    }
    assert not any(b.cut_off for b in after.brokers)
    # The lead answered for the fund; the partner leads for their partners.
    fund = spring.network_responses.get(partnership__code="cardinal-fund")
    assert fund.respondent.username.startswith("lead@")

    comparison = compare(before, after)
    assert pairs(comparison.new_ties) == {
        ("acps", "bluebird-health"),
        ("bluebird-health", "ccs"),
        ("ccs", "hilltop-mentors"),
        ("bluebird-health", "rivanna-reads"),
        ("bluebird-health", "neighbors-table"),
        ("ccs", "neighbors-table"),
    }
    assert [pairs([lost.tie]) for lost in comparison.lost_ties] == [{("acps", "hilltop-mentors")}]
    assert not comparison.lost_ties[0].unconfirmed
    bluebird = next(p for p in comparison.partners if p.partnership.code == "bluebird-health")
    assert (bluebird.before.raters, bluebird.after.raters) == (1, 5)

    events = AuditEvent.objects.count()
    network.build(initiative, demo_users(), Lines())
    assert AuditEvent.objects.count() == events
    assert Round.objects.filter(initiative=initiative, instrument="network").count() == 2
