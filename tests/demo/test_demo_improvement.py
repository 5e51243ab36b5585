"""The demo's improvement project: two PDSA cycles on the real count of chronically absent
students, drawn on its run chart; building again adds nothing."""

import pytest

from commonground.action.improvement.chart import build_measure_chart
from commonground.action.models import ImprovementProject
from commonground.core.models import AuditEvent
from commonground.demo import improvement
from tests.demo.demo_accounts import Lines, demo_users

pytestmark = pytest.mark.django_db


def test_the_demo_project_and_its_cycles(built_demo):
    initiative = built_demo.initiative
    improvement.build(initiative, demo_users(), Lines())
    project = ImprovementProject.objects.get(initiative=initiative, title=improvement.TITLE)
    assert project.owner.username.startswith("bluebird-health.lead@")
    assert project.working_group.code == "early-grades"
    assert [
        (m.kind, m.indicator.code if m.indicator else None) for m in project.measures.all()
    ] == [
        ("balancing", None),
        ("outcome", "chronic_absent_students"),
        ("process", None),
    ]
    cycles = list(project.cycles.all())
    assert [(c.number, c.act) for c in cycles] == [(1, "adapt"), (2, "adopt")]
    assert all(c.study and c.measure.indicator.code == "chronic_absent_students" for c in cycles)

    outcome = project.measures.get(kind="outcome")
    outcome.indicator.initiative = initiative
    chart = build_measure_chart(outcome, cycles)
    # The real regional counts (VDOE): 735 + 513 in 2015-16 … 1,623 + 897 in 2024-25.
    values = {p.period: p.value for p in chart.points}
    assert values["SY2015-16"] == 1248 and values["SY2024-25"] == 2520
    # PDSA 1 ran in the autumn of 2023; PDSA 2 from February 2024 into the next school year.
    assert [(m.start, m.end) for m in chart.marks] == [
        ("SY2023-24", "SY2023-24"),
        ("SY2023-24", "SY2024-25"),
    ]
    # Since the break of 2021-22: 2,882, 3,304, 2,800, 2,520 → median (2,800 + 2,882) ÷ 2.
    assert chart.run.centre == 2841.0
    assert chart.centre_periods == ["SY2021-22", "SY2022-23", "SY2023-24", "SY2024-25"]

    events = AuditEvent.objects.count()
    improvement.build(initiative, demo_users(), Lines())
    assert AuditEvent.objects.count() == events
    assert project.cycles.count() == 2
