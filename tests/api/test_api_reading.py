"""What the read operations answer: the right rows for each role, the filters, the figures."""

from decimal import Decimal

from commonground.measurement import services
from tests.api import objects


def results(response):
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_me_names_the_role_partner_and_initiative(api):
    me = api.call("reporter_a", "get", "/me").json()
    assert me["initiative"] == "alpha"
    assert me["role"] == "partner_reporter"
    assert me["partner"] == "a"
    assert "enter_own_data" in me["permissions"]
    assert me["token"]["name"] == "reporter_a script"
    assert me["token"]["last_used_at"] is not None


def test_the_outsider_sees_only_their_own_initiative(api):
    initiatives = results(api.call("outsider", "get", "/initiatives"))
    assert [i["slug"] for i in initiatives] == ["beta"]


def test_partners_and_indicators(api):
    partners = results(api.call("viewer", "get", "/initiatives/alpha/partners"))
    assert [p["code"] for p in partners] == ["a", "b"]
    assert partners[0]["annual_budget"] == "1000000"
    indicators = results(api.call("viewer", "get", "/initiatives/alpha/indicators"))
    assert [i["code"] for i in indicators] == ["grad_rate", "kids_served", "story"]
    grad = api.call("viewer", "get", "/initiatives/alpha/indicators/grad_rate").json()
    assert grad["dimensions"] == ["sex"]
    assert grad["scale_factor"] == "100"
    published = results(api.call("viewer", "get", "/initiatives/alpha/indicators", published=True))
    assert [i["code"] for i in published] == ["grad_rate"]


def test_a_reporter_sees_only_their_own_partners_reports_and_values(api):
    r = api.reporting
    r.submitted("a")
    r.fill("b")
    for persona, partners in [
        ("reporter_b", {"b"}),
        ("reporter_a", {"a"}),
        ("steering", {"a", "b"}),
    ]:
        submissions = results(api.call(persona, "get", "/initiatives/alpha/submissions"))
        assert {s["partner"] for s in submissions} == partners, persona
        values = results(api.call(persona, "get", "/initiatives/alpha/values"))
        assert {v["partner"] for v in values} == partners, persona
    # Asking for another partner by name finds nothing rather than leaking.
    assert results(api.call("reporter_b", "get", "/initiatives/alpha/values", partner="a")) == []
    assert (
        api.call("reporter_b", "get", "/initiatives/alpha/periods", partner="a").status_code == 404
    )


def test_filters_of_reports_and_values(api):
    r = api.reporting
    r.submitted("a")
    r.fill("b")
    r.fill("a", period="2019")
    submitted = results(
        api.call("lead", "get", "/initiatives/alpha/submissions", status="submitted")
    )
    assert [(s["partner"], s["period"]) for s in submitted] == [("a", r.period)]
    by_period = results(api.call("lead", "get", "/initiatives/alpha/submissions", period="2019"))
    assert [s["partner"] for s in by_period] == ["a"]
    assert by_period[0]["value_count"] == 4
    grad_a = results(
        api.call(
            "lead",
            "get",
            "/initiatives/alpha/values",
            indicator="grad_rate",
            partner="a",
            period=r.period,
        )
    )
    assert {(v["cell"], v["numerator"], v["denominator"]) for v in grad_a} == {
        ("", "945", "1056"),
        ("sex=f", "480", "520"),
    }


def test_a_report_with_its_values(api):
    submission = api.reporting.report()
    services.save_values(
        actor=None,
        submission=submission,
        entries=[services.Entry("kids_served", {}, value=Decimal(9), censor="<")],
    )
    detail = api.call("reporter_a", "get", f"/initiatives/alpha/submissions/{submission.pk}").json()
    assert detail["status"] == "draft"
    assert detail["url"].endswith(f"/api/v1/initiatives/alpha/submissions/{submission.pk}")
    [value] = detail["values"]
    assert (value["indicator"], value["value"], value["censor"]) == ("kids_served", "9", "<")


def test_periods_list_what_is_due(api):
    api.reporting.fill("a")
    periods = api.call("reporter_a", "get", "/initiatives/alpha/periods").json()
    assert periods["partner"] == "a"
    current = next(p for p in periods["reports"] if p["period"] == api.reporting.period)
    assert current["status"] == "draft"
    assert {i["code"]: i["values"] for i in current["indicators"]} == {
        "grad_rate": 2,
        "kids_served": 1,
        "story": 1,
    }


def test_rollups_follow_approval(api):
    api.reporting.approved("a")
    api.reporting.approved("b", grad=(600, 800))
    totals = results(
        api.call("funder", "get", "/initiatives/alpha/rollups", indicator="grad_rate", cell="")
    )
    [total] = totals
    assert (total["numerator"], total["denominator"], total["reporters"]) == ("1545", "1856", 2)
    assert Decimal(total["value"]).quantize(Decimal("0.01")) == Decimal("83.24")


def test_the_report_card_is_internal_or_public_by_role(api):
    api.reporting.approved("a")
    internal = api.call("viewer", "get", "/initiatives/alpha/report-card").json()
    assert internal["public"] is False
    assert {i["code"] for i in internal["indicators"]} == {"grad_rate", "kids_served", "story"}
    public = api.call("reporter_a", "get", "/initiatives/alpha/report-card").json()
    assert public["public"] is True
    assert {i["code"] for i in public["indicators"]} == {"grad_rate"}
    asked = api.call("viewer", "get", "/initiatives/alpha/report-card", public=True).json()
    assert asked["public"] is True


def test_a_private_initiatives_card_is_internal_only(api):
    api.world.alpha.is_public = False
    api.world.alpha.save()
    assert api.call("reporter_a", "get", "/initiatives/alpha/report-card").status_code == 404
    assert api.call("viewer", "get", "/initiatives/alpha/report-card").status_code == 200


def test_activities_meetings_and_decisions(api):
    world = api.world
    mine = objects.activity(world)
    objects.activity(world, partner=world.partners["b"], title="Family nights")
    objects.activity(world, initiative=world.beta, partner=world.beta_partner, title="Clinic")
    activities = results(api.call("funder", "get", "/initiatives/alpha/activities"))
    assert [a["title"] for a in activities] == ["Family nights", "Summer reading camps"]
    filtered = results(api.call("funder", "get", "/initiatives/alpha/activities", partner="a"))
    assert [a["id"] for a in filtered] == [mine.pk]
    assert filtered[0]["budget"] == "12500"
    assert filtered[0]["strategy"] == "reading"

    meeting = objects.meeting(world)
    objects.meeting(world, initiative=world.beta)
    [listed] = results(api.call("viewer", "get", "/initiatives/alpha/meetings"))
    assert listed["id"] == meeting.pk
    # Minutes not yet published: only those who run meetings read them.
    assert listed["occurrences"][0]["minutes"] is None
    assert listed["occurrences"][0]["agenda"][0]["title"] == "Targets for 2025"
    led = api.call("facilitator", "get", f"/initiatives/alpha/meetings/{meeting.pk}").json()
    assert led["occurrences"][0]["minutes"] == "We agreed on the **targets**."

    decision = objects.decision(world)
    got = api.call("steering", "get", f"/initiatives/alpha/decisions/{decision.pk}").json()
    assert got["votes"] == {"agree": 1, "abstain": 0, "disagree": 0, "block": 0}
    assert got["eligible_voters"] == 2
    assert got["your_vote"] == "agree"
    other = api.call("lead", "get", f"/initiatives/alpha/decisions/{decision.pk}").json()
    assert other["your_vote"] is None


def test_objects_of_another_initiative_are_not_found(api):
    world = api.world
    theirs = [
        ("activities", objects.activity(world, initiative=world.beta, partner=world.beta_partner)),
        ("meetings", objects.meeting(world, initiative=world.beta)),
        ("decisions", objects.decision(world, initiative=world.beta)),
    ]
    for collection, made in theirs:
        assert (
            api.call("lead", "get", f"/initiatives/alpha/{collection}/{made.pk}").status_code == 404
        )
    beta_report = services.open_submission(
        actor=None, partnership=world.beta_partner, period="2020"
    )
    assert (
        api.call("lead", "get", f"/initiatives/alpha/submissions/{beta_report.pk}").status_code
        == 404
    )
    assert (
        api.call("outsider", "get", f"/initiatives/beta/submissions/{beta_report.pk}").status_code
        == 200
    )
