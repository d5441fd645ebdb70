"""The pure linker on a small gazetteer: one case per rule in docs/news.md."""

from __future__ import annotations

import pytest

from compliance.news.finder import FoundMention, KnownName, build_gazetteer, find_mentions
from compliance.news.tokens import sentences

NAMES = [
    KnownName(1, "ZTE Corporation", "company", countries=frozenset({"CN"})),
    KnownName(1, "ZTE", "company", countries=frozenset({"CN"}), primary=False),
    KnownName(1, "中兴通讯股份有限公司", "company", countries=frozenset({"CN"}), primary=False),
    KnownName(2, "ZTEsoft Technology Co., Ltd.", "company", countries=frozenset({"CN"})),
    KnownName(3, "PRIGOZHIN, Yevgeniy Viktorovich", "person", "ofac_sdn", "1", frozenset({"RU"})),
    KnownName(4, "NOVATEK", "organization", "ofac_cons", "17064", frozenset({"RU"})),
    KnownName(5, "Novatek Microelectronics Corp.", "company", countries=frozenset({"TW"})),
    KnownName(5, "Novatek", "company", countries=frozenset({"TW"}), primary=False),
    KnownName(6, "EMIRATES", "company", countries=frozenset({"AE"})),
    KnownName(7, "Alibaba Cloud", "company", countries=frozenset({"CN"})),
    KnownName(8, "华为", "company", countries=frozenset({"CN"}), primary=False),
    KnownName(9, "TORNADO CASH", "organization", "ofac_sdn", "39796"),
]
GAZ = build_gazetteer(NAMES)


def links(text: str, language: str | None = None) -> list[tuple[str, int | None, str]]:
    found: list[FoundMention] = find_mentions(text, GAZ, language)
    return [(m.surface, m.entity_id, m.status) for m in found if m.entity_id is not None]


def test_exact_with_and_without_legal_form_and_in_chinese() -> None:
    assert links("ZTE Corporation and ZTE's unit ZTEsoft Technology Co., Ltd. signed.") == [
        ("ZTE Corporation", 1, "linked"),
        ("ZTE", 1, "linked"),
        ("ZTEsoft Technology Co., Ltd", 2, "linked"),
    ]
    assert links("中兴通讯表示将加强合规。") == [("中兴通讯", 1, "linked")]


@pytest.mark.parametrize("text", ["Evgueni Prigojine a été sanctionné.", "Jewgeni Prigoschin ist tot."])
def test_transliterations_of_a_person(text: str) -> None:
    (surface, entity, status), *_ = links(text)
    assert entity == 3 and status == "linked" and " " in surface


def test_no_name_runs_across_a_title_and_the_next_line() -> None:
    found = links("Washington vise Prigojine\nEvgueni Prigojine est visé par des sanctions.")
    assert ("Evgueni Prigojine", 3, "linked") in found
    assert all("\n" not in surface for surface, _, _ in found)


def test_a_hard_wrapped_line_break_is_a_space() -> None:
    text = (
        "The buyer is said to have spent several months negotiating the purchase of ZTEsoft\n"
        "Technology, the software unit of the Chinese telecommunications maker ZTE Corporation,\n"
        "for roughly 3 billion yuan, according to people familiar with the talks this week.\n"
    )
    assert ("ZTEsoft\nTechnology", 2, "linked") in links(text)


def test_words_and_places_are_not_parties() -> None:
    text = (
        "Emirates said it would fly to Iran again. Flights to the United Arab Emirates resume. "
        "Its Cloud business grew. A tornado hit Texas. Emirates LLC was named."
    )
    assert links(text) == [("Emirates LLC", 6, "linked")]
    assert links("The Treasury sanctioned Tornado Cash in 2022.") == [("Tornado Cash", 9, "linked")]


def test_context_decides_between_namesakes() -> None:
    assert links("Taiwan's Novatek reported record sales in Hsinchu.") == [("Novatek", 5, "linked")]
    assert links("Russian gas producer Novatek said its shares fell in Moscow.") == [("Novatek", 4, "linked")]
    both = links("Novatek reported results on Thursday.")
    assert sorted(e for _, e, _ in both) == [4, 5] and {s for _, _, s in both} == {"review"}


def test_chinese_name_inside_a_longer_company_name_is_not_linked() -> None:
    found = find_mentions("美国财政部将华为投资控股有限公司列入清单。华为表示反对。", GAZ, "zh")
    assert [(m.surface, m.entity_id) for m in found if m.entity_id] == [("华为", 8)]
    assert ("华为投资控股有限公司", None) in [(m.surface, m.entity_id) for m in found]


def test_categories_and_amounts_follow_the_next_sentence_without_another_party() -> None:
    text = (
        "Du côté de ZTE, une telle opération pourrait être bénéfique. Une partie de l'argent "
        "servira à payer l'amende de 892 millions de dollars infligée pour avoir violé les "
        "sanctions américaines. Alibaba Cloud a annoncé 443 millions de dollars."
    )
    zte, cloud = find_mentions(text, GAZ, "fr")
    assert zte.categories == ("sanctions", "fines")
    assert zte.amounts == ({"amount": 892_000_000, "currency": "USD", "text": "892 millions de dollars"},)
    assert cloud.categories == () and cloud.amounts == ()


def test_candidates_are_names_with_a_legal_form_or_company_word() -> None:
    found = find_mentions("Suppliers such as Lakeside Components Inc. and SiliconAngle reported it.", GAZ)
    assert [(m.surface, m.status) for m in found] == [
        ("Lakeside Components Inc", "candidate"),
        ("SiliconAngle", "candidate"),
    ]


def test_sentences_keep_abbreviations_together() -> None:
    text = "Huawei Technologies Co., Ltd. was listed. It objected.\n\n中兴通讯表示反对。它将上诉。"
    parts = [text[a:b].strip() for a, b in sentences(text)]
    assert parts == [
        "Huawei Technologies Co., Ltd. was listed.",
        "It objected.",
        "中兴通讯表示反对。",
        "它将上诉。",
    ]


def test_co_mentioned_parties_settle_namesakes() -> None:
    # The article names the chip maker in full: the bare "Novatek" is that one.
    full = links("Novatek Microelectronics reported results. Novatek shares rose on Thursday.")
    assert [(s, e) for s, e, _ in full] == [("Novatek Microelectronics", 5), ("Novatek", 5)]
    # An ownership tie to a party the article names settles it too.
    tied = build_gazetteer(NAMES, ties=[(1, 4)])
    found = find_mentions("ZTE Corporation said Novatek would supply it.", tied)
    assert [(m.surface, m.entity_id, m.status) for m in found] == [
        ("ZTE Corporation", 1, "linked"),
        ("Novatek", 4, "linked"),
    ]
