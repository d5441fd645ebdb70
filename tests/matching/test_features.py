"""Unit tests of the scoring features, one small function at a time."""

from __future__ import annotations

import pytest

from compliance.matching import features as F


def side(*tokens: str, weights: tuple[float, ...] | None = None) -> F.Side:
    return F.Side(tokens, tuple(F.phonetic_key(t) for t in tokens), weights or tuple(1.0 for _ in tokens))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("prigozhin", "prigojine"),
        ("yevgeniy", "evgueni"),
        ("mohammed", "mhmmd"),
        ("kadhafi", "gaddafi"),
        ("qadhafi", "kadhafi"),
    ],
)
def test_phonetic_key_agrees_on_spelling_variants(a: str, b: str) -> None:
    assert F.phonetic_key(a) == F.phonetic_key(b)


def test_phonetic_key_keeps_different_names_apart() -> None:
    assert F.phonetic_key("prigozhin") != F.phonetic_key("putin")


def test_token_similarity_kinds() -> None:
    assert F.similarity("putin", "putin") == (1.0, F.EXACT, 0)
    sim, how, edits = F.similarity("prigozhni", "prigozhin")
    assert how == F.TYPO and edits == 1 and sim == pytest.approx(1 - 1 / (9 + F.TYPO_SLACK))
    assert F.similarity("prigojine", "prigozhin")[1] == F.PHONETIC
    assert F.similarity("rosoboron", "rosoboronexport")[:2] == (F.TRUNCATION_SIM, F.TRUNCATED)
    assert F.similarity("a", "alan")[:2] == (F.INITIAL_SIM, F.INITIAL)
    assert F.similarity("b", "alan")[0] == 0.0
    # same phonetic key but spelt too differently: no phonetic credit
    assert F.similarity("kadhafi", "chataev")[0] < F.TOKEN_MATCH_MIN


def test_typo_similarity_forgives_one_typo_not_several() -> None:
    assert F.typo_similarity(1, 5) > 0.85
    assert F.typo_similarity(2, 8) < 0.75
    assert F.typo_similarity(3, 10) < F.TOKEN_MATCH_MIN


def test_token_weight_rarity() -> None:
    assert F.token_weight(1, 80000) == 1.0
    assert F.token_weight(5000, 80000) == F.MIN_TOKEN_WEIGHT
    mid = F.token_weight(100, 80000)
    assert F.MIN_TOKEN_WEIGHT < mid < 1.0
    assert F.token_weight(50, 80000) > mid


def test_align_order_insensitive_and_exact() -> None:
    al = F.align(side("vladimir", "putin"), side("putin", "vladimir"), person=True)
    assert al.score == pytest.approx(1.0) and not al.unmatched_q and not al.unmatched_c


def test_align_tolerates_a_dropped_middle_name_for_people_only() -> None:
    q, c = side("yevgeniy", "prigozhin"), side("yevgeniy", "viktorovich", "prigozhin")
    person = F.align(q, c, person=True)
    org = F.align(q, c, person=False)
    assert person.unmatched_c == [1]
    assert person.score > 0.85 and person.score > org.score


def test_align_initials() -> None:
    al = F.align(side("a", "b", "smith"), side("alan", "bernard", "smith"), person=True)
    assert [p.how for p in al.pairs].count(F.INITIAL) == 2
    assert al.score > 0.85


def test_align_compound_tokens() -> None:
    al = F.align(side("zhong", "xing", "shipping"), side("zhongxing", "shipping"), person=False)
    assert any(p.how == F.COMPOUND for p in al.pairs)
    assert al.score > 0.95
    al = F.align(side("zhongxing", "shipping"), side("zhong", "xing", "shipping"), person=False)
    assert al.score > 0.95


def test_align_rarity_weights_common_words_little() -> None:
    cand = side("global", "international", "trading", weights=(1.0, 0.1, 0.1))
    al = F.align(side("international", "trading"), cand, person=False)
    assert al.score < 0.3
    assert F.informativeness(al).score < 0


def test_entity_type_feature() -> None:
    assert F.entity_type("person", "vessel").score == -1.0
    assert F.entity_type("company", "organization").score == 0.0
    assert F.entity_type(None, "vessel").score == 0.0
    assert F.entity_type("person", "unknown").score == 0.0


def test_legal_form_feature() -> None:
    assert F.legal_form(frozenset({"llc"}), frozenset({"llc"})).score == 1.0
    assert F.legal_form(frozenset({"llc"}), frozenset({"jsc"})).score == -1.0
    assert F.legal_form(frozenset(), frozenset({"jsc"})).score == 0.0


def test_country_feature() -> None:
    assert F.country("ru", frozenset({"RU"})).score == 1.0
    assert F.country("CN", frozenset({"RU"})).score == -1.0
    assert F.country(None, frozenset({"RU"})).score == 0.0
    assert F.country("RU", frozenset()).score == 0.0


@pytest.mark.parametrize(
    ("query", "listed", "expected"),
    [
        ("1961-06-01", ("1961-06-01",), 1.0),
        ("1961", ("1961-06-01",), 0.5),
        ("1961-06", ("1961-06-01",), 1.0),
        ("1961", ("1960/1962",), 0.5),
        ("1962", ("1961",), 0.0),
        ("1975", ("1961",), -1.0),
        (None, ("1961",), 0.0),
        ("1961", (), 0.0),
        ("garbage", ("1961",), 0.0),
    ],
)
def test_birth_date_feature(query: str | None, listed: tuple[str, ...], expected: float) -> None:
    assert F.birth_date(query, listed).score == expected


def test_identifier_feature() -> None:
    assert F.identifier("IMO9123456", ("IMO9123456",)).score == 1.0
    assert F.identifier("IMO1", ("IMO9123456",)).score == 0.0
    assert F.identifier(None, ("IMO9123456",)).score == 0.0
