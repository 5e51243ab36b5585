"""Common agenda and partner charter pages: everyone in the initiative reads the agenda, its
versions and signatures; the backbone lead drafts and proposes; a partner's lead signs for it;
the public reads the adopted agenda of a public initiative."""

from tests.action.agenda.agenda_world import TEXTS, adopt, agenda
from tests.permissions import ALPHA_MEMBERS, Page

LEAD = frozenset({"lead"})
PUBLIC = ALPHA_MEMBERS | {"outsider", "anonymous"}


def drafted(world):
    """A draft of version 1 with goals ``read`` and ``attend`` and the strategy ``tutors``."""
    agenda(world)
    return "alpha"


def adopted(world):
    """Version 1 adopted by the steering committee."""
    adopt(world, agenda(world))
    return "alpha"


def two_versions(world):
    """Version 1 adopted and a draft of version 2."""
    from commonground.action.agenda.services import start_draft

    adopt(world, agenda(world))
    start_draft(actor=world.users["lead"], initiative=world.alpha)
    return "alpha"


COMMITMENTS = {"money": "1000", "staff_hours": "10"}

PAGES = [
    Page("agenda", ("alpha",), ALPHA_MEMBERS),
    Page("agenda", (adopted,), ALPHA_MEMBERS),
    Page("agenda_versions", (adopted,), ALPHA_MEMBERS),
    Page("agenda_version", (adopted, "1"), ALPHA_MEMBERS),
    Page("agenda_compare", (two_versions,), ALPHA_MEMBERS),
    Page("agenda_signatures", (adopted,), ALPHA_MEMBERS),
    Page("agenda_charter", (adopted, "a"), ALPHA_MEMBERS),
    Page(
        "agenda_charter",
        (adopted, "a"),
        frozenset({"lead", "partner_lead_a"}),
        method="post",
        data=COMMITMENTS,
        ok=302,
    ),
    Page("agenda_charter", (adopted, "b"), LEAD, method="post", data=COMMITMENTS, ok=302),
    Page("agenda_draft", (drafted,), LEAD),
    Page("agenda_draft", (drafted,), LEAD, method="post", data=TEXTS, ok=302),
    Page("agenda_draft_start", ("alpha",), LEAD, method="post", ok=302),
    Page("agenda_goal_add", (drafted,), LEAD),
    Page(
        "agenda_goal_add",
        (drafted,),
        LEAD,
        method="post",
        data={"code": "graduate", "title": "Graduate on time", "horizon": "long_term"},
        ok=302,
    ),
    Page("agenda_goal", (drafted, "read"), LEAD),
    Page(
        "agenda_goal",
        (drafted, "read"),
        LEAD,
        method="post",
        data={"title": "Read well", "horizon": "long_term", "indicators": ["reading"]},
        ok=302,
    ),
    Page("agenda_goal_retire", (drafted, "attend"), LEAD, method="post", ok=302),
    Page("agenda_strategy_add", (drafted, "read"), LEAD),
    Page(
        "agenda_strategy_add",
        (drafted, "read"),
        LEAD,
        method="post",
        data={"code": "summer", "title": "Summer reading"},
        ok=302,
    ),
    Page("agenda_strategy", (drafted, "tutors"), LEAD),
    Page(
        "agenda_strategy",
        (drafted, "tutors"),
        LEAD,
        method="post",
        data={"title": "Tutors", "goal": "attend"},
        ok=302,
    ),
    Page("agenda_strategy_retire", (drafted, "tutors"), LEAD, method="post", ok=302),
    Page("agenda_propose", (drafted,), LEAD),
    Page(
        "agenda_propose",
        (drafted,),
        LEAD,
        method="post",
        data={"closes_at": "2099-01-01T17:00", "method": "consent", "quorum_percent": "50"},
        ok=302,
    ),
    Page("public_agenda", (adopted,), PUBLIC, public=True),
    Page("public_agenda", ("beta",), frozenset(), public=True),
]
