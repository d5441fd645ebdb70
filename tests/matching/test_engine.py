"""The screening engine against a small in-house index (tests/matching/fixture_index.py).

cases.csv is the table of match cases (query, type, expected ref or "none",
why); frozen_run.csv is the committed run of those cases (top ref, score to
2 decimals, band), so that every score change shows in review. Regenerate it
with ``python -m tests.matching.regen_frozen`` (or COMPLIANCE_REGEN_FROZEN=1
when running this file) and read the diff.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compliance.matching.engine import STRONG_CUTOFF, Matcher
from compliance.matching.types import Hit, Query
from tests.matching import regen_frozen
from tests.matching.fixture_index import ENTRIES


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher.build(ENTRIES)


def refs(hits: list[Hit]) -> list[str]:
    return [h.entry.ref for h in hits]


CASES = regen_frozen.read_cases()


@pytest.mark.parametrize("case", CASES, ids=[f"{c['query']}|{c['type']}" for c in CASES])
def test_match_cases(matcher: Matcher, case: dict[str, str]) -> None:
    hits = matcher.screen(Query(case["query"], entity_type=case["type"] or None))
    if case["expected"] == "none":
        strong = [h for h in hits if h.score >= STRONG_CUTOFF]
        assert not strong, f"{case['why']}: {[(h.entry.name, h.score, h.explanation) for h in strong]}"
    else:
        assert hits, f"{case['why']}: no hit"
        assert case["expected"] in refs(hits), f"{case['why']}: {[(h.entry.name, h.score) for h in hits]}"


def test_frozen_run(matcher: Matcher) -> None:
    rows = regen_frozen.frozen_rows(matcher)
    if os.environ.get("COMPLIANCE_REGEN_FROZEN"):
        regen_frozen.main()
    with regen_frozen.FROZEN.open(encoding="utf-8", newline="") as fh:
        frozen = list(csv.DictReader(fh))
    changed = [(old, new) for old, new in zip(frozen, rows, strict=False) if old != new]
    assert len(frozen) == len(rows) and not changed, (
        "scores moved; review and run `python -m tests.matching.regen_frozen`:\n"
        + "\n".join(f"{o} -> {n}" for o, n in changed)
    )


def test_hit_shape(matcher: Matcher) -> None:
    hits = matcher.screen(Query("Zhongxing Telecomunication Equipment Corp", country="CN"))
    top = hits[0]
    assert top.entry.ref == "9001"
    assert 0.0 <= top.score <= 1.0 and top.band in ("exact", "strong", "possible")
    names = [f.name for f in top.features]
    assert names[:2] == ["token_alignment", "phonetic"]
    assert {"entity_type", "legal_form", "country", "birth_date", "identifier", "informativeness"} <= set(
        names
    )
    assert "ZHONGXING TELECOMMUNICATION EQUIPMENT CORPORATION" in top.explanation
    assert "1 typo" in top.explanation and "country CN agrees" in top.explanation


def test_one_hit_per_designation_best_first(matcher: Matcher) -> None:
    hits = matcher.screen(Query("Prigozhin Yevgeniy"), threshold=0.3)
    designations = [h.entry.designation_id for h in hits]
    assert len(designations) == len(set(designations))
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert {"21171", "1717"} <= set(refs(hits))


def test_exact_band(matcher: Matcher) -> None:
    hit = matcher.screen(Query("Vladimir Vladimirovich PUTIN"))[0]
    assert hit.band == "exact" and hit.score == 1.0


def test_identifier_is_decisive(matcher: Matcher) -> None:
    hits = matcher.screen(Query("Completely Different Name", identifier="IMO 9123456"))
    assert refs(hits)[:1] == ["4242"]
    assert hits[0].score == 1.0 and hits[0].band == "exact"
    assert "identifier" in hits[0].explanation


def test_qualifiers_move_the_score(matcher: Matcher) -> None:
    base = matcher.screen(Query("Evgueni Prigojine"))[0].score
    agree = matcher.screen(Query("Evgueni Prigojine", country="RU", dob="1961"))[0].score
    differ = matcher.screen(Query("Evgueni Prigojine", country="FR", dob="1990"), threshold=0.0)[0].score
    assert differ < base < agree


def test_person_never_strongly_matches_a_vessel(matcher: Matcher) -> None:
    hits = matcher.screen(Query("Ocean Mariner", entity_type="person"), threshold=0.0)
    assert all(h.score < STRONG_CUTOFF for h in hits if h.entry.entity_type == "vessel")


def test_lists_restriction(matcher: Matcher) -> None:
    hits = matcher.screen(Query("Yevgeniy Prigozhin", lists=frozenset({"uk_ofsi"})))
    assert refs(hits) == ["1717"]
    assert matcher.exhaustive(Query("Yevgeniy Prigozhin", lists=frozenset({"nope"}))) == []


def test_explain_below_threshold(matcher: Matcher) -> None:
    hit = matcher.explain(Query("Vladimir Petrov"), designation_id=2)
    assert hit is not None and hit.score < Matcher.DEFAULT_THRESHOLD
    assert "putin: listed, not in the query" in hit.features[0].detail
    assert matcher.explain(Query("Vladimir Petrov"), designation_id=99999) is None


def test_exhaustive_finds_what_screen_finds(matcher: Matcher) -> None:
    for case in CASES:
        q = Query(case["query"], entity_type=case["type"] or None)
        fast = {h.entry.designation_id for h in matcher.screen(q, limit=50)}
        full = {h.entry.designation_id for h in matcher.exhaustive(q, limit=50)}
        assert fast == full, case["query"]


def test_save_and_load(matcher: Matcher, tmp_path: Path) -> None:
    path = tmp_path / "index.pkl"
    matcher.save(path)
    loaded = Matcher.load(path)
    assert len(loaded) == len(matcher) == len(ENTRIES)
    q = Query("Evgueni Prigojine")
    assert loaded.screen(q) == matcher.screen(q)


def test_screen_many_with_workers(matcher: Matcher) -> None:
    queries = [Query(c["query"], entity_type=c["type"] or None) for c in CASES] * 3
    assert matcher.screen_many(queries, workers=2) == [matcher.screen(q) for q in queries]


@pytest.mark.parametrize("name", ["", "   ", "\t\n", "\x00\x01\x1f", "\u200b\u200d\ufeff", "...", "-- ,, --"])
def test_empty_like_names_give_no_hits(matcher: Matcher, name: str) -> None:
    assert matcher.screen(Query(name)) == []
    assert matcher.exhaustive(Query(name)) == []
    assert matcher.explain(Query(name), 1) is None


def test_very_long_name_is_cheap(matcher: Matcher) -> None:
    import time

    t = time.perf_counter()
    matcher.screen(Query("Prigozhin " * 1000))
    matcher.screen(Query("x" * 10_000))
    assert time.perf_counter() - t < 2.0


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_screen_never_raises(name: str) -> None:
    m = _shared_matcher()
    for hit in m.screen(Query(name), threshold=0.0):
        assert 0.0 <= hit.score <= 1.0


_MATCHER: list[Matcher] = []


def _shared_matcher() -> Matcher:
    if not _MATCHER:
        _MATCHER.append(Matcher.build(ENTRIES))
    return _MATCHER[0]


def test_a_full_memo_is_emptied_without_losing_the_query_at_hand(monkeypatch: pytest.MonkeyPatch) -> None:
    """When the memo of query words fills up mid-query, the words already remembered for
    that query still answer it (a long monitoring run fills the memo)."""
    from compliance.matching import engine

    want = {c["query"]: refs(Matcher.build(ENTRIES).screen(Query(c["query"]))) for c in CASES[:40]}
    monkeypatch.setattr(engine, "REACH_MEMO", 3)
    small = Matcher.build(ENTRIES)
    for _ in range(2):
        for query, expected in want.items():
            assert refs(small.screen(Query(query))) == expected, query
    # bounded: what one query adds on top of the limit
    assert len(small._reach_memo) <= 3 + 2 * engine.MAX_QUERY_TOKENS


# Names and queries where the estimate once fell below the real score: initials
# standing for light words, and two-letter words left over (not a name's word,
# so the lenient factor applies however rare they are).
_BOUND_NAMES = [
    "TRINIDAD, Abu Khalil",
    "SWE, Khin Maung",
    "SOE, Khin Maung",
    "HSAI, U Sai Lone",
    "CONSTRUCTORA F.R. DE VENEZUELA, C.A.",
    "MOHAMMED, Shariff Omar",
    "ALI, Fadel Abdallah Mohammed",
    "ABU AL-HASAN AL MADANI",
]
_BOUND_QUERIES = [
    "Khaleel S.A. Du OF",
    "YE, Khin Maung",
    "L.GR. o.U.",
    "FELIXTAPIA, S.C. DE R.L. DE C.V.",
    "Hanan S.A. MOHAMMED",
    "MAHAMED S.A. Andreevich AFRICA",
    "A. K. Maung",
    "U Sai",
]


def test_no_candidate_scores_above_its_estimate() -> None:
    """Candidates are scored best estimate first and the search stops below the
    threshold, so a name that scores more than its estimate could be missed."""
    import math

    from compliance.matching.types import IndexEntry

    extra = [
        IndexEntry(900 + i, 900 + i, "test", f"B{i}", name, "primary", False, kind)
        for i, name in enumerate(_BOUND_NAMES)
        for kind in ["person" if "," in name else "company"]
    ]
    m = Matcher.build([*ENTRIES, *extra])
    checked = 0
    for text in _BOUND_QUERIES + [c["query"] for c in CASES]:
        prep = m._prepare(Query(text))
        if prep is None:
            continue
        ks = m._candidates(prep, -10.0)
        assert prep.bounds is not None
        for k, bound in zip(ks, prep.bounds, strict=True):
            if math.isinf(bound):
                continue
            score = m._score(prep, k).score
            checked += 1
            assert score <= bound + 1e-9 or score <= 0.02, (text, m.index.entry(k).name, score, bound)
    assert checked > 100
