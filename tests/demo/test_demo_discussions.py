"""The demo's discussions and stories: built through the services, idempotent, and quoting only
figures the demo carries (each checked against the stored data here)."""

from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.test import Client
from django.urls import reverse

from commonground.convening.models import Notification, Post, Story, Thread
from commonground.demo import discussions
from commonground.demo.build import ACCOUNTS
from commonground.measurement.models import DataValue
from tests.demo.demo_accounts import Lines, demo_users

pytestmark = pytest.mark.django_db


def value(initiative, code, partner, period):
    stored = DataValue.objects.get(
        indicator__initiative=initiative,
        indicator__code=code,
        partnership__code=partner,
        period=period,
        cell="",
    )
    return stored


def percent(numerator, denominator) -> str:
    share = Decimal(numerator) / Decimal(denominator) * 100
    return f"{share.quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"


def counts():
    return (
        Thread.objects.count(),
        Post.objects.count(),
        Story.objects.count(),
        Notification.objects.count(),
    )


def test_demo_discussions_and_stories(built_demo):
    """One build of the demo (it takes a while) for every check."""
    initiative = built_demo.initiative
    out = Lines()
    discussions.build(initiative, demo_users(), out)
    assert out.lines[-1].startswith("Discussions: 4 threads with the announcement")

    threads = {t.title: t for t in Thread.objects.filter(initiative=initiative)}
    assert len(threads) == 4
    kinds = sorted(
        (t.kind, t.working_group.code if t.working_group else "") for t in threads.values()
    )
    assert kinds == [
        ("announcement", ""),
        ("discussion", ""),
        ("discussion", "early-grades"),
        ("discussion", "pathways"),
    ]
    assert all(t.posts.count() >= 3 for t in threads.values() if t.kind == "discussion")
    # Mentions resolved to the demo's people, and they were told.
    mentioned = set(
        Post.objects.filter(thread__initiative=initiative).values_list(
            "mentions__username", flat=True
        )
    )
    assert {"data@demo.commonground.local", "ccs.lead@demo.commonground.local"} <= mentioned
    assert Notification.objects.filter(kind="mention").count() >= 8
    assert Notification.objects.filter(kind="announcement").count() == len(ACCOUNTS) - 1

    stories = Story.objects.filter(initiative=initiative)
    published = stories.filter(status="published")
    assert published.count() == 3 and stories.filter(status="draft").count() == 1
    assert sorted(s.indicator.code for s in published) == [
        "chronic_absence",
        "grad_rate",
        "kinder_ready",
    ]
    page = Client().get(reverse("public_story_list", args=[initiative.slug])).content.decode()
    assert all(s.title in page for s in published)
    assert "Reading tutors in the early grades" not in page  # the draft

    # Running it again adds nothing.
    before = counts()
    discussions.build(initiative, demo_users(), Lines())
    assert counts() == before
    check_every_quoted_figure_is_in_the_data(initiative)


def check_every_quoted_figure_is_in_the_data(initiative):
    text = "\n".join(
        [s.body for s in Story.objects.filter(initiative=initiative)]
        + [p.body for p in Post.objects.filter(thread__initiative=initiative)]
    )

    def rate(code, partner, period):
        v = value(initiative, code, partner, period)
        return percent(v.numerator, v.denominator)

    def pct(code, partner, period):
        return f"{value(initiative, code, partner, period).value.normalize()}%"

    def count(code, partner, period):
        return int(value(initiative, code, partner, period).value)

    def combined(code, period):
        acps, ccs = (value(initiative, code, p, period) for p in ("acps", "ccs"))
        return acps.numerator + ccs.numerator, acps.denominator + ccs.denominator

    # Chronic absence (percent as published, and counts).
    for partner, period in [
        ("acps", "SY2024-25"),
        ("ccs", "SY2024-25"),
        ("acps", "SY2022-23"),
        ("ccs", "SY2023-24"),
        ("acps", "SY2018-19"),
        ("ccs", "SY2018-19"),
    ]:
        assert pct("chronic_absence", partner, period) in text, (partner, period)
    acps, ccs = (count("chronic_absent_students", p, "SY2024-25") for p in ("acps", "ccs"))
    assert f"{acps + ccs:,} children" in text and f"({acps:,} and {ccs:,})" in text
    earlier = sum(count("chronic_absent_students", p, "SY2022-23") for p in ("acps", "ccs"))
    assert f"{earlier:,} in 2022-23" in text

    # Graduation: each division and the two together, from the counts.
    for partner in ("acps", "ccs"):
        v = value(initiative, "grad_rate", partner, "2025")
        assert f"{int(v.numerator):,} of {int(v.denominator):,}" in text
        assert f"({rate('grad_rate', partner, '2025')})" in text
    graduates, cohort = combined("grad_rate", "2025")
    assert f"{int(graduates):,} of {int(cohort):,}" in text.replace("**", "")
    assert percent(graduates, cohort) in text
    assert percent(*combined("grad_rate", "2024")) in text
    assert percent(*combined("grad_rate", "2008")) in text
    assert f"{rate('grad_rate', 'acps', '2024')} and {rate('grad_rate', 'ccs', '2024')}" in text

    # Kindergarten readiness, as published.
    for partner in ("acps", "ccs"):
        for period in ("2024", "2025"):
            assert pct("kinder_ready", partner, period) in text

    # Grade 3 reading, the two divisions together.
    passed, tested = combined("grade3_reading", "SY2024-25")
    assert f"{int(passed):,} of {int(tested):,} students tested" in text
    assert percent(passed, tested) in text
    assert percent(*combined("grade3_reading", "SY2023-24")) in text
