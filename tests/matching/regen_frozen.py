"""Regenerate tests/matching/frozen_run.csv: every case of cases.csv against the in-house index.

    python -m tests.matching.regen_frozen

Review the diff: it shows every score and band the change moved.
"""

from __future__ import annotations

import csv
from pathlib import Path

from compliance.matching.engine import Matcher
from compliance.matching.types import Query
from tests.matching.fixture_index import ENTRIES

HERE = Path(__file__).resolve().parent
CASES = HERE / "cases.csv"
FROZEN = HERE / "frozen_run.csv"
FIELDS = ["query", "type", "top_ref", "score", "band"]
# The frozen run screens at this threshold, low enough that near-misses show too.
FROZEN_THRESHOLD = 0.5


def read_cases() -> list[dict[str, str]]:
    with CASES.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def frozen_rows(matcher: Matcher) -> list[dict[str, str]]:
    rows = []
    for case in read_cases():
        hits = matcher.screen(
            Query(case["query"], entity_type=case["type"] or None), threshold=FROZEN_THRESHOLD
        )
        top = hits[0] if hits else None
        rows.append(
            {
                "query": case["query"],
                "type": case["type"],
                "top_ref": top.entry.ref if top else "none",
                "score": f"{top.score:.2f}" if top else "",
                "band": top.band if top else "",
            }
        )
    return rows


def main() -> None:
    rows = frozen_rows(Matcher.build(ENTRIES))
    with FROZEN.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} rows to {FROZEN}")


if __name__ == "__main__":
    main()
