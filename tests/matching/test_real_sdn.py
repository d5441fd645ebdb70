"""The engine on the real OFAC SDN list (../shared/lists-data; skipped when absent)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from compliance.matching.engine import STRONG_CUTOFF, Matcher
from compliance.matching.types import Query

pytestmark = [pytest.mark.shared, pytest.mark.slow]

_CACHE: dict[str, Matcher] = {}


@pytest.fixture
def sdn(shared_lists: Path) -> Matcher:
    if "sdn" not in _CACHE:
        from tests.benchmarks.entries import sdn_entries

        _CACHE["sdn"] = Matcher.build(sdn_entries(shared_lists / "ofac_sdn"))
    return _CACHE["sdn"]


def _names(m: Matcher, q: Query) -> list[str]:
    return [h.entry.name for h in m.screen(q)]


def test_french_transliteration_finds_prigozhin(sdn: Matcher) -> None:
    assert any("PRIGOZHIN" in n for n in _names(sdn, Query("Evgueni Prigojine")))


def test_cyrillic_spelling_finds_prigozhin(sdn: Matcher) -> None:
    assert any(
        "PRIGOZHIN" in n for n in _names(sdn, Query("Евгений Викторович Пригожин", entity_type="person"))
    )


def test_common_words_alone_are_no_strong_hit(sdn: Matcher) -> None:
    for name in ("INTERNATIONAL TRADING CO", "Global Trading LLC", "General Trading Company"):
        hits = sdn.screen(Query(name, entity_type="company"))
        assert all(h.score < STRONG_CUTOFF for h in hits), [(h.entry.name, h.score) for h in hits]


def test_candidate_recall_against_exhaustive(sdn: Matcher) -> None:
    """screen() finds >= 99.5 % of what the exhaustive scan finds at the default threshold."""
    rng = random.Random(3)
    idx = sdn.index
    queries = []
    for k in rng.sample(range(len(idx)), 25):
        name = idx.entry(k).name
        i = rng.randrange(1, max(2, len(name) - 1))
        queries.append(Query(name[:i] + name[i + 1 :]))  # one letter dropped
        queries.append(Query(name))
    want = got = 0
    for q in queries:
        full = {h.entry.designation_id for h in sdn.exhaustive(q, limit=50)}
        fast = {h.entry.designation_id for h in sdn.screen(q, limit=50)}
        want += len(full)
        got += len(full & fast)
    assert want and got / want >= 0.995, (got, want)
