"""The outcome rules, exactly (docs/decisions.md): quorum first, then consent or vote."""

import pytest

from commonground.convening.services.decisions import Tally, compute_outcome

# method, quorum %, eligible, agree, abstain, disagree, block → outcome
TABLE = [
    # Quorum: every vote cast counts, abstentions and blocks included; needed = ⌈eligible × q⌉.
    ("consent", 50, 10, 5, 0, 0, 0, "adopted"),
    ("consent", 50, 10, 4, 0, 0, 0, "no_quorum"),
    ("consent", 50, 10, 3, 2, 0, 0, "adopted"),
    ("consent", 50, 3, 1, 0, 0, 0, "no_quorum"),  # 1.5 rounds up to 2 votes
    ("consent", 50, 3, 2, 0, 0, 0, "adopted"),
    ("consent", 34, 7, 2, 0, 0, 0, "no_quorum"),  # 2.38 → 3 votes
    ("consent", 34, 7, 3, 0, 0, 0, "adopted"),
    ("consent", 100, 4, 3, 0, 0, 0, "no_quorum"),
    ("consent", 100, 4, 4, 0, 0, 0, "adopted"),
    ("consent", 50, 10, 0, 0, 0, 4, "no_quorum"),  # without quorum even a block decides nothing
    # Consent: adopted unless someone blocks; disagreeing does not stop it.
    ("consent", 50, 10, 4, 0, 0, 1, "blocked"),
    ("consent", 50, 10, 1, 0, 4, 0, "adopted"),
    ("consent", 50, 10, 0, 5, 0, 0, "adopted"),
    ("consent", 50, 10, 9, 0, 0, 1, "blocked"),
    # Vote: agree must outnumber disagree + block; abstentions count for the quorum only.
    ("vote", 50, 10, 3, 0, 2, 0, "adopted"),
    ("vote", 50, 10, 3, 0, 3, 0, "rejected"),  # a tie is not a majority
    ("vote", 50, 10, 3, 0, 2, 1, "rejected"),  # the block counts against: 3 vs 3
    ("vote", 50, 10, 4, 0, 2, 1, "adopted"),
    ("vote", 50, 10, 2, 5, 1, 0, "adopted"),
    ("vote", 50, 10, 0, 5, 0, 0, "rejected"),
    ("vote", 50, 10, 2, 2, 0, 0, "no_quorum"),
    ("vote", 50, 10, 1, 0, 0, 9, "rejected"),  # blocks never make "blocked" under a vote
]


@pytest.mark.parametrize(
    ("method", "quorum", "eligible", "agree", "abstain", "disagree", "block", "expected"), TABLE
)
def test_outcome_table(method, quorum, eligible, agree, abstain, disagree, block, expected):
    tally = Tally(eligible, agree=agree, abstain=abstain, disagree=disagree, block=block)
    assert compute_outcome(method, quorum, tally) == expected


@pytest.mark.parametrize(
    ("eligible", "quorum", "needed"),
    [(10, 50, 5), (3, 50, 2), (7, 34, 3), (4, 100, 4), (1, 1, 1), (200, 1, 2), (201, 1, 3)],
)
def test_votes_needed_for_quorum(eligible, quorum, needed):
    assert Tally(eligible).needed_for_quorum(quorum) == needed
