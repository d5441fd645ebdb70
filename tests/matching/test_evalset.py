"""The accuracy benchmark's evaluation-set generator (tests/benchmarks/evalset.py).

Transformations are checked on hand-written names; the generated set itself on
the real OFAC SDN list (skipped when ../shared/lists-data is absent): it is
deterministic for a seed, every positive really differs from its source, no
negative is a listed name, and every class meets its quota.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass

import pytest

from compliance.normalize.text import basic_key, strip_invisible
from tests.benchmarks import evalset as E

SAMPLE_NAMES = [
    ("BLOTSKY, Vladimir Nikolayevich", "person"),
    ("AL-BAGHDADI, Abu Bakr", "person"),
    ("MUNOZ HOYOS, German", "person"),
    ("KHODORKOVSKIY, Mikhail Borisovich", "person"),
    ("BASIR, Haji Abdul", "person"),
    ("LIMITED LIABILITY COMPANY PROMRESHENIE", "organization"),
    ("DALIAN GOLDEN SUN IMPORT AND EXPORT CO., LTD.", "organization"),
    ("BANK TORGOVOY KAPITAL ZAO", "organization"),
    ("FREGAT OOO", "organization"),
    ("EVER BRIGHT 88", "vessel"),
    ("KAZAN", "vessel"),
    ("EP-MNM", "aircraft"),
]


@pytest.mark.parametrize("class_", sorted(E.TRANSFORMS))
def test_every_transformation_changes_the_name_or_declines(class_: str) -> None:
    transform = E.TRANSFORMS[class_]
    applied = 0
    for seed in range(25):
        for name, etype in SAMPLE_NAMES:
            made = transform(name, etype, random.Random(seed))
            if made is None:
                continue
            query, how = made
            assert query != name, (class_, name, how)
            assert query.strip() and how
            applied += 1
    assert applied, f"{class_} never applied to the sample names"


def test_transformations_do_what_they_say() -> None:
    rng = random.Random(1)
    query, _ = E.t_homoglyphs("BLOTSKY, Vladimir", "person", rng) or ("", "")
    assert any(E.fold(ch) != ch or ord(ch) > 0x24F for ch in query)
    assert len(query) == len("BLOTSKY, Vladimir")

    query, _ = E.t_zero_width("BLOTSKY, Vladimir", "person", rng) or ("", "")
    assert query != "BLOTSKY, Vladimir" and strip_invisible(query) == "BLOTSKY, Vladimir"

    query, how = E.t_truncation("GOLDEN SUN INTERNATIONAL", "organization", rng) or ("", "")
    kept = query.split()[-1]
    assert "INTERNATIONAL".startswith(kept) and 0.6 <= len(kept) / 13 <= 0.8 + 1 / 13, how

    query, _ = E.t_keyboard_typo("PROMRESHENIE", "organization", rng) or ("", "")
    diff = [(a, b) for a, b in zip("PROMRESHENIE", query, strict=True) if a != b]
    assert len(diff) == 1 and diff[0][1].lower() in E.QWERTY_NEIGHBOURS[diff[0][0].lower()]

    query, _ = E.t_transposition("PROMRESHENIE", "organization", rng) or ("", "")
    assert sorted(query) == sorted("PROMRESHENIE") and query != "PROMRESHENIE"

    assert E.t_name_order("BLOTSKY, Vladimir", "person", rng) in (
        ("Vladimir BLOTSKY", "LAST, First -> First LAST"),
        ("BLOTSKY Vladimir", "LAST, First -> LAST First (comma dropped)"),
    )
    query, _ = E.t_name_order("FREGAT OOO", "organization", rng) or ("", "")
    assert query == "OOO FREGAT"
    query, _ = E.t_dropped_middle("MUNOZ HOYOS, German", "person", rng) or ("", "")
    assert query == "MUNOZ, German"
    # Latin letters only and nothing to transliterate in an aircraft's registration.
    assert E.t_transliteration("EP-MNM", "aircraft", rng) is None


def test_diacritics_and_translit_tables() -> None:
    rng = random.Random(3)
    query, how = E.t_diacritics("PEREZ, Jose", "person", rng) or ("", "")
    assert query in ("PÉREZ, Jose", "PEREZ, José"), how
    assert unicodedata.normalize("NFC", query) == query
    options = {alt for alt, _ in E._translit_options("Mohammed")}
    assert {"muhammad", "mohamed"} <= options


@dataclass(frozen=True)
class _Name:
    ref: str
    name: str
    entity_type: str
    name_kind: str = "primary"
    weak: bool = False


TINY_LIST = [
    _Name("1", "BLOTSKY, Vladimir Nikolayevich", "person"),
    _Name("2", "PETROV, Ivan", "person"),
    _Name("3", "GOLDEN STAR SHIPPING LINES LLC", "organization"),
    _Name("4", "TNK TRADING INTERNATIONAL S.A.", "organization"),
]


def test_negative_guard_on_a_tiny_list() -> None:
    index = E.ListIndex(TINY_LIST)
    assert index.negative_problem("Ivan PETROV", "person")  # listed, other order
    assert index.negative_problem("PETROFF, Yvan", "person")  # same consonant skeletons
    assert index.negative_problem("Vladimir BLOTSKY", "person")  # a listed person, middle name left out
    assert index.negative_problem("Ivan SMITH", "person") is None
    # A company name that lacks the listed one's distinctive word is a fair negative.
    assert index.negative_problem("International Trading Company", "organization") is None
    assert index.negative_problem("Golden Star Shipping Lines", "organization")  # listed, legal form off


# ---------------------------------------------------------------- on the real list


@pytest.fixture(scope="module")
def sdn() -> list[object]:
    from tests.benchmarks.entries import SDN_PATH, sdn_entries

    if not SDN_PATH.is_dir():
        pytest.skip(f"real list files not available: {SDN_PATH} is absent")
    return list(sdn_entries())


@pytest.fixture(scope="module")
def index(sdn: list[E.NameVariant]) -> E.ListIndex:
    return E.ListIndex(sdn)


@pytest.fixture(scope="module")
def cases(sdn: list[E.NameVariant], index: E.ListIndex) -> list[E.Case]:
    return E.generate(sdn, E.DEFAULT_SEED, index=index)


@pytest.mark.shared
@pytest.mark.slow
def test_deterministic_for_a_seed(sdn: list[E.NameVariant], index: E.ListIndex) -> None:
    small = dict.fromkeys(E.QUOTAS, 6)
    first = E.generate(sdn, 7, small, index)
    assert first == E.generate(sdn, 7, small, index)
    assert first != E.generate(sdn, 8, small, index)


@pytest.mark.shared
@pytest.mark.slow
def test_class_counts_meet_the_minimums(cases: list[E.Case]) -> None:
    families, classes = E.counts(cases)
    for family, minimum in E.MIN_PER_FAMILY.items():
        assert families[family] >= minimum, (family, families[family])
    for class_, quota in E.QUOTAS.items():
        assert classes[class_] == quota, (class_, classes[class_])
    assert len({c.case_id for c in cases}) == len(cases)


@pytest.mark.shared
@pytest.mark.slow
def test_positives_really_differ_from_their_source(cases: list[E.Case], sdn: list[E.NameVariant]) -> None:
    refs = {v.ref for v in sdn}
    source_types: set[str] = set()
    by_name = {(v.ref, v.name): v.entity_type for v in sdn}
    for case in cases:
        if not case.positive:
            continue
        assert case.expected_ref in refs
        # The transformation changed the name as it was written before (the list's form, or
        # "First LAST" where the case says so).
        written = (
            E.natural_order(case.source_name) if "[written First LAST]" in case.how else case.source_name
        )
        assert case.query != written, case
        assert case.family == E.FAMILY_OF[case.class_]
        source_types.add(by_name[(case.expected_ref or "", case.source_name)])
    assert source_types == {"person", "organization", "vessel", "aircraft"}


@pytest.mark.shared
@pytest.mark.slow
def test_negatives_are_not_listed_names(
    cases: list[E.Case], sdn: list[E.NameVariant], index: E.ListIndex
) -> None:
    listed = {basic_key(v.name) for v in sdn}
    negatives = [c for c in cases if not c.positive]
    assert len(negatives) >= 600
    assert len({c.query for c in negatives}) == len(negatives)
    for case in negatives:
        assert basic_key(case.query) not in listed, case
        for etype in (case.entity_type, "person", "organization"):
            assert not index.exact_refs(case.query, etype), (case, etype)
    assert sum(c.class_ == "common_company" for c in negatives) >= 50
