"""Something for every figure of the console in ``world.alpha``, relative to today.

- Reporting (last year, yearly indicators from ``tests.measurement.reporting_world``): partner
  A's report is submitted (waiting for approval), its children-served value above the
  indicator's expected maximum (a data-quality warning); partner B's report was returned.
- Partner B's approved history of children served, five years falling: the indicator worsens.
- Two action items past due (one done, so one overdue) and one not yet due.
- Meetings of the last months with attendance: partner A's lead present twice, partner B's
  reporter absent twice and once sent a delegate.
- The agenda's version 2 is adopted; A signed it, B signed version 1 only.
- A runs an activity under way; B's only activity is stalled.
- The backbone's budget is known, so the leverage is 2 000 000 ÷ 500 000 = 4×.
"""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from commonground.action.models import Activity, AgendaVersion, CharterSignature
from commonground.convening.models import ActionItem, Attendance
from commonground.measurement import services
from tests.convening.decisions.helpers import add_item, occurrence
from tests.measurement import reporting_world


@dataclass
class ConsoleWorld:
    world: object
    reporting: object


def _history(r) -> None:
    """Partner B's approved reports of five earlier years, children served falling."""
    this_year = timezone.localdate().year
    for offset, kids in zip(range(7, 2, -1), (30, 28, 26, 24, 22), strict=True):
        r.approved("b", period=str(this_year - offset), kids=kids)


def _reports(r) -> None:
    r.kids.max_value = Decimal(40)
    r.kids.save(update_fields=["max_value"])
    r.submitted("a")  # 47 children: above the maximum
    returned = r.submitted("b", kids=12)
    services.return_submission(actor=None, submission=returned, comment="Check the counts.")


def _meetings(world) -> None:
    now = timezone.now()
    for weeks, lead, reporter in [
        (3, "present", "absent"),
        (6, "present", "absent"),
        (9, "absent", "delegate"),
    ]:
        occ = occurrence(world.alpha, now - timedelta(weeks=weeks))
        Attendance.objects.create(occurrence=occ, person=world.users["partner_lead_a"], status=lead)
        Attendance.objects.create(occurrence=occ, person=world.users["reporter_b"], status=reporter)
    today = timezone.localdate()
    meeting = occ
    add_item(world, meeting, "Send the data brief", today - timedelta(days=5))
    done = add_item(world, meeting, "Book the room", today - timedelta(days=9))
    ActionItem.objects.filter(pk=done.pk).update(status=ActionItem.Status.DONE)
    add_item(world, meeting, "Draft the survey", today + timedelta(days=10))


def _agenda(world) -> None:
    alpha, lead = world.alpha, world.users["lead"]
    v1 = AgendaVersion.objects.create(initiative=alpha, number=1, status="superseded")
    v2 = AgendaVersion.objects.create(initiative=alpha, number=2, status="adopted")
    now = timezone.now()
    CharterSignature.objects.create(
        partnership=world.partners["a"], agenda_version=v2, signed_by=lead, signed_at=now
    )
    CharterSignature.objects.create(
        partnership=world.partners["b"], agenda_version=v1, signed_by=lead, signed_at=now
    )


def _plan(world) -> None:
    for code, status in [("a", Activity.Status.ACTIVE), ("b", Activity.Status.STALLED)]:
        Activity.objects.create(
            initiative=world.alpha,
            partnership=world.partners[code],
            title=f"Work of {code}",
            status=status,
        )


def build(world) -> ConsoleWorld:
    r = reporting_world.build(world)
    _history(r)
    _reports(r)
    _meetings(world)
    _agenda(world)
    _plan(world)
    world.alpha.backbone_budget = Decimal(500_000)
    world.alpha.save(update_fields=["backbone_budget"])
    return ConsoleWorld(world=world, reporting=r)
