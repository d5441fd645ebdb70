"""The index's table of what each listed word reaches agrees with the engine's own lookup.

``Index.build`` works out, for every real word of the vocabulary, what it reaches as a
query token (``features.TokenFacts`` on arrays); ``Matcher`` computes the same
live for words it has not seen (``Index.lookup`` and ``Matcher._reach``, one pair at a
time with ``features.similarity``). Screening with the table must give exactly what the
live computation gives, so both are compared word by word.
"""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

from compliance.matching import features as F
from compliance.matching.engine import Matcher, _Reach
from compliance.matching.types import IndexEntry
from tests.matching.fixture_index import ENTRIES


def _live(m: Matcher, tok: str) -> _Reach:
    groups, vocab_ids = m.index.lookup([(tok, False)], {tok})
    assert set(groups) <= {0}
    return m._reach(tok, False, vocab_ids)


def _table(m: Matcher, tok: str) -> _Reach:
    return _Reach.of(*m.index.reach(m.index.vocab.index(tok)), m.index.vocab_df_list)


def _assert_table_matches_live(m: Matcher, tokens: list[str]) -> int:
    """Compare every token; returns how many tokens reached something."""
    reached = 0
    for tok in tokens:
        live, table = _live(m, tok), _table(m, tok)
        assert table.hits == live.hits, tok
        assert table.qweight == live.qweight, tok
        assert (table.min_df, table.max_df) == (live.min_df, live.max_df), tok
        reached += bool(live.hits)
    return reached


def _real_tokens(m: Matcher) -> list[str]:
    idx = m.index
    return [t for v, t in enumerate(idx.vocab) if not idx.vocab_joined[v]]


def _entry(k: int, name: str, etype: str = "person") -> IndexEntry:
    return IndexEntry(k, k, "test", str(k), name, "primary", False, etype)


# Words chosen to take every branch of token_similarity: initials, two-letter
# words, an article joined ("alkhuri" / "khuri"), vowels dropped ("mhmmd"),
# respellings, phonetic keys, truncation ("intern" / "international") and
# words written together ("zhongxing" / "zhong xing").
TRICKY = [
    "A JABIR",
    "AL KHURI",
    "ALKHURI, Said",
    "KHURI, Said",
    "MHMMD ALI",
    "MOHAMMED ALI",
    "MUHAMMAD ALY",
    "EL SAYED",
    "ELSAYED, Ahmed",
    "ZHONG XING TELECOM",
    "ZHONGXING TELECOM",
    "INTERN TRADING",
    "INTERNATIONAL TRADING",
    "PRIGOJINE, Evgueni",
    "PRIGOZHIN, Yevgeniy",
    "SCHMIDT, Hans",
    "SHMIDT, Hans",
    "CLMB SHIPPING",
    "COLOMBIA SHIPPING",
    "UL HAQ, Zia",
    "ULHAQ, Zia",
    "J DOE",
    "JO DOE",
    "JA DOE",
]


def test_table_matches_live_on_tricky_words() -> None:
    m = Matcher.build([_entry(k + 1, n) for k, n in enumerate(TRICKY)])
    assert _assert_table_matches_live(m, _real_tokens(m)) > 20


def test_table_matches_live_on_the_fixture_index() -> None:
    m = Matcher.build(ENTRIES)
    assert _assert_table_matches_live(m, _real_tokens(m)) > 50


def test_token_facts_equal_pairwise_similarity() -> None:
    rng = random.Random(5)
    words = sorted({w.lower().strip(",") for n in TRICKY for w in n.split()} | {"a", "j", "jo", "ja", "al"})
    joined = np.zeros(len(words), dtype=bool)
    a, b = [], []
    for i in range(len(words)):
        for j in range(len(words)):
            a.append(i)
            b.append(j)
    got = F.TokenFacts(words, joined).similarities(a, b)
    for i, j, s in zip(a, b, got.tolist(), strict=True):
        assert s == F.similarity(words[i], words[j])[0], (words[i], words[j])
    # against a word written together, what compound_similarity gives
    joined[:] = True
    pick = rng.sample(range(len(a)), 200)
    got = F.TokenFacts(words, joined).similarities([a[p] for p in pick], [b[p] for p in pick])
    for p, s in zip(pick, got.tolist(), strict=True):
        assert s == F.compound_similarity(words[a[p]], words[b[p]])


def test_screening_reads_the_table() -> None:
    """A query made of listed words is answered from the table, and the same as live."""
    m = Matcher.build(ENTRIES)
    from compliance.matching.types import Query

    q = Query(ENTRIES[0].name)
    with_table = [(h.entry.designation_id, h.score, h.explanation) for h in m.screen(q)]
    assert with_table
    fresh = Matcher.build(ENTRIES)
    fresh.index.reach_start = None  # an index without the table: everything live
    live = [(h.entry.designation_id, h.score, h.explanation) for h in fresh.screen(q)]
    assert with_table == live


@pytest.mark.shared
@pytest.mark.slow
def test_table_matches_live_on_the_real_sdn(shared_lists: Path) -> None:
    from tests.benchmarks.entries import sdn_entries

    m = Matcher.build(sdn_entries(shared_lists / "ofac_sdn"))
    tokens = _real_tokens(m)
    sample = random.Random(9).sample(tokens, min(len(tokens), 4000))
    assert _assert_table_matches_live(m, sample) > 3000
