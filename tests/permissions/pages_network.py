"""The partner network survey: every member sees the rounds and, once one closes, what the
suppression rule lets them see; the backbone (console) sees drafts, full results and the
comparison; the lead runs rounds; a partner's answer is given by its partner lead or the lead."""

from tests.backbone.network.world import (
    ANSWER_FOR_A,
    CONSOLE,
    closed_round_pk,
    draft_round_pk,
    open_round_pk,
)
from tests.permissions import ALPHA_MEMBERS, Page

LEAD = frozenset({"lead"})
NEW_ROUND = {"title": "Network survey 2027", "opens_on": "2027-03-01", "closes_on": "2027-03-26"}

PAGES = [
    Page("network_rounds", ("alpha",), ALPHA_MEMBERS),
    Page("network_round_create", ("alpha",), LEAD),
    Page("network_round_create", ("alpha",), LEAD, method="post", data=NEW_ROUND, ok=302),
    Page("network_round_open", ("alpha", draft_round_pk), LEAD, method="post", ok=302),
    Page("network_round_close", ("alpha", open_round_pk), LEAD, method="post", ok=302),
    Page("network_results", ("alpha", closed_round_pk), ALPHA_MEMBERS),
    Page("network_results", ("alpha", open_round_pk), ALPHA_MEMBERS),
    Page("network_results", ("alpha", draft_round_pk), CONSOLE),
    Page("network_answer", ("alpha", open_round_pk, "a"), ANSWER_FOR_A),
    Page(
        "network_answer",
        ("alpha", open_round_pk, "a"),
        ANSWER_FOR_A,
        method="post",
        data={"action": "submit"},
        ok=302,
    ),
    Page("network_answer", ("alpha", closed_round_pk, "b"), LEAD),
    Page("network_compare", ("alpha",), CONSOLE),
]
