"""The benchmark's initiative and values file: made up, shaped like a real collective impact.

One partner reports ``ROWS_PER_PARTNER`` (1,000) values, so a million rows are 1,000 partners:

* 10 indicators disaggregated by race (4 groups and the total), yearly 2015–2024 — 5 counts
  and 5 rates (numerator and denominator): 500 rows;
* 25 yearly indicators without breakdown, 2015–2024 — counts, rates, amounts and scores: 250;
* 10 quarterly counts, 2021Q1–2024Q4: 160;
* 5 monthly counts, July 2023 – December 2024: 90.

Groups add up to less than their total (a breakdown is never complete in real data), one group
count in fifty is small and censored (``<10``), and one report in fifty has a comment on its
total — some with commas and quotes, so the CSV needs quoting, and one that looks like a
formula. The file is written partner by partner, the order
in which a backbone collects partners' reports, and never held in memory. Everything is drawn
from a seeded generator, so two runs write the same file.

Every partner belongs to one of five working groups whose shared measures are all 50 indicators
(SPEC §2: assignments "because they belong to a working group"), and the first 50 partners are
also assigned the first indicator directly, with their own deadline.
"""

import csv
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

ROWS_PER_PARTNER = 1000
RACES = ("black", "white", "hispanic", "asian")
YEARS = [str(y) for y in range(2015, 2025)]
QUARTERS = [f"{y}Q{q}" for y in range(2021, 2025) for q in range(1, 5)]
MONTHS = [f"2023-{m:02d}" for m in range(7, 13)] + [f"2024-{m:02d}" for m in range(1, 13)]
GROUPS = 5
SLUG = "bench"
HEADER = ("indicator", "partner", "period", "race", "value", "numerator", "denominator", "comment")
COMMENTS = (
    "estimated",
    "revised after audit",
    'counted "enrolled" on 1 October',
    "includes summer session, per district policy",
    "=not a formula",
)


@dataclass(frozen=True)
class BenchIndicator:
    code: str
    value_type: str  # count | rate | amount | score
    frequency: str
    periods: tuple[str, ...]
    by_race: bool = False

    @property
    def rows_per_partner(self) -> int:
        return len(self.periods) * (1 + len(RACES) if self.by_race else 1)


def indicators() -> list[BenchIndicator]:
    found = []
    for n in range(10):
        kind = "count" if n < 5 else "rate"
        found.append(BenchIndicator(f"ind{n + 1:02d}", kind, "annual", tuple(YEARS), True))
    kinds = ["count"] * 10 + ["rate"] * 5 + ["amount"] * 5 + ["score"] * 5
    for n, kind in enumerate(kinds, start=11):
        found.append(BenchIndicator(f"ind{n:02d}", kind, "annual", tuple(YEARS)))
    for n in range(36, 46):
        found.append(BenchIndicator(f"ind{n:02d}", "count", "quarterly", tuple(QUARTERS)))
    for n in range(46, 51):
        found.append(BenchIndicator(f"ind{n:02d}", "count", "monthly", tuple(MONTHS)))
    assert sum(i.rows_per_partner for i in found) == ROWS_PER_PARTNER
    return found


def partner_count(rows: int) -> int:
    return max(1, -(-rows // ROWS_PER_PARTNER))


def partner_code(n: int) -> str:
    return f"p{n:05d}"


def framework(rows: int) -> dict:
    """The framework file (as data) of an initiative that can take ``rows`` rows."""
    partners = [partner_code(n) for n in range(partner_count(rows))]
    codes = [i.code for i in indicators()]
    aggregation = {"count": "sum", "rate": "ratio_of_sums", "amount": "sum", "score": "latest"}
    return {
        "version": 1,
        "initiative": {"slug": SLUG, "name": "Benchmark initiative"},
        "dimensions": [
            {
                "code": "race",
                "name": "Race / ethnicity",
                "values": [{"code": r, "name": r.title()} for r in RACES],
            }
        ],
        "partners": [
            {"code": code, "name": f"Benchmark partner {code}", "sector": "nonprofit"}
            for code in partners
        ],
        "working_groups": [
            {
                "code": f"group{g + 1}",
                "name": f"Network {g + 1}",
                "members": partners[g::GROUPS],
                "shared_measures": codes,
            }
            for g in range(min(GROUPS, len(partners)))
        ],
        "indicators": [
            {
                "code": i.code,
                "name": f"Indicator {i.code[3:]}",
                "value_type": i.value_type,
                "aggregation": aggregation[i.value_type],
                "frequency": i.frequency,
                **({"scale_factor": 100, "unit": "%"} if i.value_type == "rate" else {}),
                **({"dimensions": ["race"]} if i.by_race else {}),
            }
            for i in indicators()
        ],
        "assignments": [
            {"indicator": codes[0], "partner": code, "deadline_days": 60} for code in partners[:50]
        ],
    }


class _NoAliases(yaml.SafeDumper):
    """Framework files take no YAML aliases: write a repeated list out each time."""

    def ignore_aliases(self, data):
        return True


def write_framework(path: Path, rows: int) -> Path:
    text = yaml.dump(framework(rows), Dumper=_NoAliases, sort_keys=False)
    path.write_text(text, encoding="utf-8")
    return path


def values(rows: int, seed: int = 2024) -> Iterator[tuple]:
    """The file's rows (``HEADER``'s columns), ``rows`` of them."""
    rng = random.Random(seed)  # noqa: S311 — made-up data, the same on every run
    produced = 0
    for n in range(partner_count(rows)):
        partner = partner_code(n)
        for indicator in indicators():
            for period in indicator.periods:
                for row in _report(rng, indicator, partner, period):
                    yield row
                    produced += 1
                    if produced == rows:
                        return


def _report(rng, indicator: BenchIndicator, partner: str, period: str) -> list[tuple]:
    comment = rng.choice(COMMENTS) if rng.random() < 0.02 else ""
    code = indicator.code
    if indicator.value_type == "rate":
        groups = [(rng.randint(20, 400), rng.random()) for _ in RACES] if indicator.by_race else []
        parts = [(round(d * share), d) for d, share in groups]
        denominator = sum(d for _n, d in parts) + rng.randint(20, 400)
        numerator = sum(n for n, _d in parts) + round(
            rng.random() * (denominator - sum(d for _n, d in parts))
        )
        rows = [(code, partner, period, "", "", numerator, denominator, comment)]
        rows += [
            (code, partner, period, r, "", n, d, "")
            for r, (n, d) in zip(RACES, parts, strict=False)
        ]
        return rows
    if indicator.value_type == "count":
        cells = [_count(rng) for _ in RACES] if indicator.by_race else []
        total = sum(cells) + rng.randint(0, 3000)
        rows = [(code, partner, period, "", total, "", "", comment)]
        for race, count in zip(RACES, cells, strict=False):
            shown = "<10" if count < 10 else count
            rows.append((code, partner, period, race, shown, "", "", ""))
        return rows
    if indicator.value_type == "amount":
        value = f"{rng.randint(1000, 5_000_000)}.{rng.randint(0, 99):02d}"
    else:
        value = f"{rng.uniform(0, 100):.1f}"
    return [(code, partner, period, "", value, "", "", comment)]


def _count(rng) -> int:
    """A group's count: one in fifty is small, and half of those are censored (``<10``)."""
    return rng.randint(0, 9) if rng.random() < 0.02 else rng.randint(10, 3000)


def write_values(path: Path, rows: int) -> Path:
    """Write the values file of ``rows`` rows at ``path`` (CSV, UTF-8), streaming."""
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows(values(rows))
    return path
