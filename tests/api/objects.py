"""Objects of the other areas for the API tests: an activity, a meeting, a decision of alpha
and one of beta (which alpha's tokens must never reach)."""

from datetime import timedelta

from django.utils import timezone

from commonground.action.models import Activity, Goal, Strategy
from commonground.convening.models import AgendaItem, Decision, Meeting, Occurrence, Vote


def activity(world, initiative=None, partner=None, title="Summer reading camps") -> Activity:
    initiative = initiative or world.alpha
    partnership = partner or world.partners["a"]
    goal, _ = Goal.objects.get_or_create(
        initiative=initiative, code="ready", defaults={"title": "Ready for school"}
    )
    strategy, _ = Strategy.objects.get_or_create(
        initiative=initiative, code="reading", defaults={"goal": goal, "title": "Reading"}
    )
    return Activity.objects.create(
        initiative=initiative,
        partnership=partnership,
        title=title,
        strategy=strategy,
        budget=12500,
        status=Activity.Status.ACTIVE,
    )


def meeting(world, initiative=None, minutes_published=False) -> Meeting:
    start = timezone.now() - timedelta(days=7)
    found = Meeting.objects.create(
        initiative=initiative or world.alpha, title="Steering committee", starts_at=start
    )
    occurrence = Occurrence.objects.create(
        meeting=found,
        original_start=start,
        starts_at=start,
        duration_minutes=60,
        minutes="We agreed on the **targets**.",
        minutes_published=minutes_published,
    )
    AgendaItem.objects.create(occurrence=occurrence, position=1, title="Targets for 2025")
    return found


def decision(world, initiative=None) -> Decision:
    found = Decision.objects.create(
        initiative=initiative or world.alpha,
        title="Adopt the 2025 targets",
        proposal="Adopt them.",
        closes_at=timezone.now() + timedelta(days=3),
    )
    voters = [world.users["steering"], world.users["lead"]]
    found.eligible_voters.set(voters)
    Vote.objects.create(decision=found, voter=world.users["steering"], choice="agree")
    return found
