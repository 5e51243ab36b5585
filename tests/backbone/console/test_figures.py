"""Every figure of the console matches the list it links to: follow each link and count what the
list shows (the list pages call the same function as the figure)."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from commonground.backbone import console
from commonground.core.access import access_for
from commonground.measurement.completeness import State
from commonground.measurement.models import DataValue
from tests.backbone.console.console_world import build

CONSOLE_PERSONAS = ["lead", "data_manager", "facilitator"]


@pytest.fixture
def lively(world):
    build(world)
    return world


def shown(world, persona="lead") -> console.Console:
    response = world.client(persona).get(reverse("console", args=["alpha"]))
    assert response.status_code == 200
    return response.context["console"]


def tile(board, kind) -> console.Tile:
    return next(t for t in board.tiles if t.kind == kind)


def follow(world, url, persona="lead"):
    response = world.client(persona).get(url)
    assert response.status_code == 200, url
    return response.context


def test_reporting_matches_the_completeness_page(lively):
    board = shown(lively)
    reporting = [t for t in board.tiles if t.kind == "reporting"]
    assert [t.period for t in reporting] == [str(timezone.localdate().year - 1)]
    for t in reporting:
        section = follow(lively, t.figure.url)["sections"]
        assert len(section) == 1
        tally = section[0]["result"].tally
        assert section[0]["result"].period.code == t.period
        assert t.figure.value == tally.percent(State.ON_TIME)
        late, missing, not_due, expected = (f.value for f in t.details)
        assert (late, missing, not_due, expected) == (
            tally.count(State.LATE),
            tally.count(State.MISSING),
            tally.count(State.NOT_DUE),
            tally.expected,
        )
        # Both partners were asked for 3 indicators; every detail links to the same page.
        assert expected == 6
        assert {f.url for f in t.details} == {t.figure.url}


def test_approval_queue_matches_the_review_queue(lively):
    figure = tile(shown(lively), "approvals").figure
    context = follow(lively, figure.url)
    assert figure.value == context["total"] == len(context["reports"]) == 1
    assert context["reports"][0].partnership == lively.partners["a"]


def test_data_quality_matches_its_list(lively):
    t = tile(shown(lively), "data-quality")
    alerts = follow(lively, t.figure.url)["alerts"]
    assert t.figure.value == len(alerts.flagged) == 1
    flagged = alerts.flagged[0]
    assert flagged.value.indicator.code == "kids_served"
    assert [w["code"] for w in flagged.warnings] == ["above_max"]
    returned = t.details[0]
    assert returned.url.endswith("#returned")
    assert returned.value == len(follow(lively, returned.url)["alerts"].returned) == 1


def test_lateness_is_not_a_data_quality_alert(lively):
    """A ``late`` flag (should a value carry one) is timeliness, counted under reporting."""
    values = DataValue.objects.filter(partnership=lively.partners["a"], cell="")
    late = {"code": "late", "message": "The report was due earlier."}
    for value in values:
        value.flags = [*value.flags, late]
        value.save(update_fields=["flags"])
    alerts = console.data_quality_alerts(lively.alpha)
    assert [(f.value.indicator.code, [w["code"] for w in f.warnings]) for f in alerts.flagged] == [
        ("kids_served", ["above_max"])
    ]


def test_data_quality_page_lists_rows(lively):
    response = lively.client("data_manager").get(reverse("console_data_quality", args=["alpha"]))
    html = response.content.decode()
    assert "above the indicator" in html or "above_max" in html
    assert "Check the counts." in html
    assert html.count('<th scope="row">') == 2  # one flagged value, one returned report


def test_worsening_matches_its_list(lively):
    t = tile(shown(lively), "worsening")
    rows = follow(lively, t.figure.url)["rows"]
    assert t.figure.value == len(rows) == 1
    assert rows[0]["report"].indicator.code == "kids_served"
    total = t.details[0]
    assert total.url == reverse("report_card", args=["alpha"])
    assert total.value == len(follow(lively, total.url)["tiles"]) == 3


def test_overdue_action_items_match_the_action_items_page(lively):
    figure = tile(shown(lively), "action-items").figure
    context = follow(lively, figure.url)
    assert context["show"] == "overdue"
    assert figure.value == context["overdue_count"] == context["page"].paginator.count == 1
    assert context["items"][0].title == "Send the data brief"


def test_attendance_matches_the_engagement_page(lively):
    t = tile(shown(lively), "attendance")
    figures = follow(lively, t.figure.url)["figures"]
    # 6 expected seats: A's lead present twice, absent once; B's reporter absent twice and
    # sent a delegate once: 3 of 6 filled, 1 of 6 by a delegate.
    assert figures.overall.expected == 6
    assert t.figure.value == figures.overall.attendance_rate == Decimal("50.0")
    delegate, held = t.details
    assert delegate.value == figures.overall.delegate_rate == Decimal("16.7")
    assert held.value == figures.meetings == 3


def test_engagement_matches_the_scores_page(lively):
    t = tile(shown(lively), "engagement")
    low = follow(lively, t.figure.url)
    assert low["below"] == 50
    assert t.figure.value == low["page"].paginator.count
    everyone = follow(lively, t.details[0].url)["scores"]
    scored = [s.score for s in everyone if s.score is not None]
    assert t.details[0].value == round(sum(scored) / len(scored))
    assert t.details[1].value == len(scored) == 2


def test_charters_match_their_list(lively):
    t = tile(shown(lively), "charters")
    context = follow(lively, t.figure.url)
    assert t.figure.value == len(context["outstanding"]) == 1
    assert context["outstanding"][0].partnership == lively.partners["b"]
    older, never = t.details
    assert older.value == context["overview"].not_resigned == 1
    assert never.value == context["overview"].never == 0


def test_leverage_matches_the_funding_page(lively):
    board = shown(lively)
    assert board.leverage.ratio == Decimal(4)
    assert follow(lively, reverse("funding", args=["alpha"]))["leverage"] == board.leverage
    html = lively.client("lead").get(reverse("console", args=["alpha"])).content.decode()
    assert "4.0×" in html


def test_next_steps_repeat_the_figures(lively):
    steps = {step.url: step for step in shown(lively).steps}
    board = shown(lively)
    figures = {t.figure.url: t.figure.value for t in board.tiles if t.figure}
    texts = [s.text for s in board.steps]
    assert "1 report waiting for approval" in texts
    assert "1 value with a data-quality warning to check" in texts
    assert "1 action item overdue" in texts
    assert "1 partner has not signed agenda version 2" in texts
    assert "1 indicator worsening" in texts
    for url, step in steps.items():
        assert step.count == figures[url], url


@pytest.mark.parametrize("persona", CONSOLE_PERSONAS)
def test_every_link_opens_for_the_person_who_sees_it(lively, persona):
    board = shown(lively, persona)
    urls = {s.url for s in board.steps}
    for t in board.tiles:
        urls |= {f.url for f in [t.figure, *t.details] if f is not None}
    for url in urls:
        assert lively.client(persona).get(url).status_code == 200, (persona, url)


def test_tiles_follow_what_each_role_may_open(lively):
    kinds = {p: {t.kind for t in shown(lively, p).tiles} for p in CONSOLE_PERSONAS}
    assert kinds["lead"] == set(console.TILE_PERMISSIONS) - {"leverage"}
    # The facilitator does not review data; the data manager does not see engagement pages.
    assert {"approvals", "data-quality"}.isdisjoint(kinds["facilitator"])
    assert "attendance" in kinds["facilitator"]
    assert "attendance" not in kinds["data_manager"]
    assert {"approvals", "data-quality"} <= kinds["data_manager"]


def test_page_reads_at_a_glance(lively):
    html = lively.client("lead").get(reverse("console", args=["alpha"])).content.decode()
    assert html.index("What to do next") < html.index('class="console-tiles"')
    assert '<span class="value">1</span> <span class="unit">report</span>' in html
    assert '<span class="value">50</span><span class="unit">%</span>' in html


def test_empty_initiative_shows_empty_states(world):
    html = world.client("lead").get(reverse("console", args=["alpha"])).content.decode()
    assert "Nothing needs you right now" in html
    assert "Nothing is waiting for approval." in html
    assert "No action item is overdue." in html
    assert "No attendance was taken in these months." in html
    assert "No version of the common agenda is adopted yet" in html
    assert "No indicator has a worsening trend." in html
    assert "No active partner has a score yet." in html
    for name in ["console_worsening", "console_charters"]:
        page = world.client("lead").get(reverse(name, args=["alpha"])).content.decode()
        assert 'class="empty"' in page, name
    low = world.client("lead").get(reverse("console_engagement", args=["alpha"]), {"below": 50})
    assert "No partner scored below 50." in low.content.decode()
    page = world.client("lead").get(reverse("console_data_quality", args=["alpha"]))
    assert page.content.decode().count('class="empty"') == 2


def test_scores_page_links_each_partner_and_ignores_a_bad_filter(lively):
    response = lively.client("facilitator").get(
        reverse("console_engagement", args=["alpha"]), {"below": "lots"}
    )
    assert response.context["below"] is None
    html = response.content.decode()
    for partner in lively.partners.values():
        assert reverse("partner_detail", args=["alpha", partner.code]) in html


def test_console_is_built_for_another_initiative_separately(lively):
    """Beta's console shows none of alpha's figures."""
    beta = lively.beta
    board = console.build_console(
        beta, today=timezone.localdate(), access=access_for(lively.users["outsider"], beta)
    )
    assert board.steps == []
    assert tile(board, "approvals").figure.value == 0


def test_community_voice_tile_matches_the_community_voice_page(world):
    """Two of the steering committee's three people are residents: 67% there; the initiative's
    figure counts every active member, and both link to the community-voice page."""
    from commonground.initiatives.models import Membership, WorkingGroup

    group = WorkingGroup.objects.create(
        initiative=world.alpha, code="steering", name="Steering", kind="steering_committee"
    )
    group.members.set([world.users[p] for p in ("lead", "steering", "partner_lead_a")])
    Membership.objects.filter(
        initiative=world.alpha, user__in=[world.users["steering"], world.users["partner_lead_a"]]
    ).update(is_resident=True)

    voice = tile(shown(world), "community-voice")
    page = follow(world, voice.figure.url)["voice"]
    assert voice.figure.text == "22"  # 2 of the 9 members
    assert page.whole.percent == Decimal(22)
    assert [d.text for d in voice.details] == ["67"]
    assert [row.percent for row in page.bodies] == [Decimal(67)]
