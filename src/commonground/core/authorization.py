"""Services check the actor's permission themselves, so no path can skip it.

Views check first and answer 404; this is the second lock, for every other caller (imports,
commands, bulk actions, the API). ``actor=None`` is the system: a command run by the operator.
"""

from collections.abc import Callable

from commonground.core.access import InitiativeAccess, access_for
from commonground.core.errors import PermissionDenied


def authorize(actor, initiative, allowed: Callable[[InitiativeAccess], bool]) -> None:
    if actor is None:
        return
    if not allowed(access_for(actor, initiative)):
        raise PermissionDenied("You may not do this in this initiative.")
