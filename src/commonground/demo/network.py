"""The demo's partner network survey: two closed rounds, spring 2025 and autumn 2026, so the
results and the comparison have something to show.

The answers are INVENTED for the demo. The story they tell: in 2025 the two school divisions,
Rivanna Reads and the Cardinal Futures Fund form the core; Bluebird reaches the others only
through the fund and Neighbors at the Table only through Rivanna Reads, so both are brokers that
hold a partner to the network. By autumn 2026 the attendance work (the improvement project)
has tied Bluebird to both divisions and to the residents' group, Hilltop's mentoring has moved
from the county to the city schools, and nobody is any longer a single point of contact.

Everything goes through ``backbone.network.services``: the backbone lead creates, opens and
closes each round; each partner lead answers for its partner, and the backbone lead for the
Cardinal Futures Fund, which has no partner lead. Running it again adds nothing.
"""

from datetime import date

from commonground.backbone.models import NetworkResponse, Round
from commonground.backbone.network import services

# Each rating string gives, in order: intensity (1 awareness … 4 integration), trust in
# openness, reliability and mission, value in influence, involvement and resources (1–4).
ROUNDS = [
    (
        "Partner network survey, spring 2025",
        date(2025, 3, 3),
        date(2025, 3, 28),
        {
            "acps": {
                "ccs": "3334443",
                "rivanna-reads": "2333222",
                "cardinal-fund": "2333443",
                "hilltop-mentors": "1223212",
            },
            "ccs": {"acps": "3343443", "rivanna-reads": "3444332", "cardinal-fund": "2333443"},
            "rivanna-reads": {
                "acps": "2323432",
                "ccs": "3444433",
                "neighbors-table": "3444232",
                "cardinal-fund": "3444444",
            },
            "bluebird-health": {"cardinal-fund": "2333443"},
            "hilltop-mentors": {"cardinal-fund": "2333443"},
            "cardinal-fund": {
                "acps": "2333432",
                "ccs": "2333432",
                "rivanna-reads": "3444333",
                "bluebird-health": "2333322",
                "hilltop-mentors": "2333322",
            },
            "neighbors-table": {"rivanna-reads": "3444222"},
        },
    ),
    (
        "Partner network survey, autumn 2026",
        date(2026, 9, 14),
        date(2026, 10, 9),
        {
            "acps": {
                "ccs": "4444443",
                "rivanna-reads": "3334332",
                "cardinal-fund": "2344443",
                "bluebird-health": "3444333",
            },
            "ccs": {
                "acps": "4443443",
                "rivanna-reads": "3444332",
                "cardinal-fund": "2333443",
                "bluebird-health": "2333332",
                "hilltop-mentors": "3333322",
            },
            "rivanna-reads": {
                "acps": "3333432",
                "ccs": "3444433",
                "neighbors-table": "4444232",
                "cardinal-fund": "3444444",
                "bluebird-health": "2333322",
            },
            "bluebird-health": {
                "acps": "3444433",
                "ccs": "2333332",
                "cardinal-fund": "3444444",
                "neighbors-table": "2444222",
            },
            "hilltop-mentors": {"ccs": "3333332", "cardinal-fund": "2333443"},
            "cardinal-fund": {
                "acps": "2333432",
                "ccs": "2333432",
                "rivanna-reads": "3444333",
                "bluebird-health": "3444433",
                "hilltop-mentors": "2233322",
            },
            "neighbors-table": {
                "rivanna-reads": "4444232",
                "bluebird-health": "3444222",
                "ccs": "1233211",
            },
        },
    ),
]
# Partners without a partner lead of their own are answered for by the backbone lead.
ANSWERED_BY_LEAD = {"cardinal-fund"}


def build(initiative, users, out) -> None:
    """Create, answer and close each round that is not closed yet."""
    lead = users["lead"]
    partners = {p.code: p for p in initiative.partnerships.select_related("organization")}
    for title, opens_on, closes_on, answers in ROUNDS:
        survey = Round.objects.filter(
            initiative=initiative, instrument=Round.Instrument.NETWORK, title=title
        ).first()
        if survey is not None and survey.status == Round.Status.CLOSED:
            continue
        if survey is None:
            survey = services.create_round(
                actor=lead,
                initiative=initiative,
                title=title,
                opens_on=opens_on,
                closes_on=closes_on,
            )
        if survey.status == Round.Status.DRAFT:
            services.open_round(actor=lead, survey=survey)
        sent = set(
            NetworkResponse.objects.filter(round=survey)
            .exclude(submitted_at=None)
            .values_list("partnership__code", flat=True)
        )
        for code, named in answers.items():
            if code in sent:
                continue
            actor = lead if code in ANSWERED_BY_LEAD else users[f"{code}.lead"]
            services.submit_response(
                actor=actor,
                survey=survey,
                partnership=partners[code],
                ties=[_tie(partners[other], ratings) for other, ratings in named.items()],
            )
        services.close_round(actor=lead, survey=survey)
        ties = sum(len(named) for named in answers.values())
        out.line(f"Network survey: {title} ({len(answers)} answers, {ties} namings)")


def _tie(partner, ratings: str) -> services.TieAnswer:
    return services.TieAnswer(
        partner, **dict(zip(services.RATING_FIELDS, map(int, ratings), strict=True))
    )
