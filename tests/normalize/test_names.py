"""Name normalisation against real-world spellings.

Each table row is a pair of ways lists and users write one name; both must
reach the same matching form. The tables cover every script the pipeline
transliterates and every YAML table beside compliance/normalize/names.py.
"""

from __future__ import annotations

import time

import pytest
import yaml

from compliance.normalize import names
from compliance.normalize.names import (
    MAX_NAME_CHARS,
    compact_key,
    latin_lookalike_variant,
    normalize_name,
    phonetic_key,
    script_of,
    skeleton,
)

ORG = "organization"
PERSON = "person"

# (a, b, entity type): both spellings give the same tokens and legal-form classes.
SAME = [
    # legal forms in several positions and scripts
    ("Gazprom Neft PJSC", "ПАО «Газпром нефть»", ORG),
    ("ООО «Ромашка»", "Romashka LLC", ORG),
    ("OOO Romashka", "Romashka, Limited Liability Company", ORG),
    ("AO Almaz-Antey", "Almaz Antey JSC", ORG),
    ("ТОВ Нафтогаз", "Naftogaz TOV", ORG),
    ("ТОО Казмунайгаз", "Kazmunaygaz TOO", ORG),
    ("Siemens AG", "SIEMENS A.G.", ORG),
    ("Daimler GmbH & Co. KG", "DAIMLER GMBH AND CO KG", ORG),
    ("Banco Nacional S.A.", "BANCO NACIONAL SA", ORG),
    ("Cemex S.A. de C.V.", "CEMEX SA DE CV", ORG),
    ("Petroleos Ltda.", "PETROLEOS LIMITADA", ORG),
    ("Orbita EIRL", "ORBITA E.I.R.L.", ORG),
    ("Polimex Sp. z o.o.", "POLIMEX SP Z O O", ORG),
    ("Skoda s.r.o.", "SKODA S R O", ORG),
    ("Türkiye Petrolleri A.Ş.", "TURKIYE PETROLLERI AS", ORG),
    ("Yapı Kredi Ltd. Şti.", "YAPI KREDI LTD STI", ORG),
    ("Toyota K.K.", "株式会社トヨタ", ORG),
    ("Samsung Jusik Hoesa", "Samsung 주식회사", ORG),
    ("ZTE Co., Ltd.", "ZTE COMPANY LIMITED", ORG),
    ("Bank Melli Iran PJS", "Bank Melli Iran Sherkat Sahami Khass", ORG),
    ("Al Rashid Trust Est.", "AL-RASHID TRUST ESTABLISHMENT", ORG),
    ("Hesco FZE", "HESCO F.Z.E.", ORG),
    ("ФГУП Атомфлот", "FSUE Atomflot", ORG),
    ("Wagner Group", "GROUP WAGNER", ORG),
    ("PT Bank Mandiri (Persero) Tbk", "PT. BANK MANDIRI (PERSERO), TBK", ORG),
    # look-alikes, invisible and bidi characters, width
    ("GАZPRОM", "GAZPROM", ORG),  # Cyrillic А and О
    ("ΒAΝK MELLI", "BANK MELLI", ORG),  # Greek Β, Ν with Latin A, K
    ("Gаzprom Nеft", "Gazprom Neft", ORG),
    ("НEФTЬ", "нефть", ORG),  # Cyrillic word typed with Latin H, T
    ("G\u200bAZ\u200dPROM", "GAZPROM", ORG),
    ("\u202eGAZPROM\u202c", "GAZPROM", ORG),
    ("\u2067Bank Melli\u2069", "Bank Melli", ORG),
    ("GAZ\u00adPROM", "GAZPROM", ORG),
    ("ＧＡＺＰＲＯＭ", "GAZPROM", ORG),
    ("𝐆𝐀𝐙𝐏𝐑𝐎𝐌", "GAZPROM", ORG),
    ("Ⓖⓐⓩⓟⓡⓞⓜ", "GAZPROM", ORG),
    ("ɢᴀᴢᴘʀᴏᴍ", "GAZPROM", ORG),  # small capitals
    ("GAZ\x00PROM", "GAZPROM", ORG),
    # people: order, titles, particles, case, punctuation, diacritics
    ("PUTIN, Vladimir Vladimirovich", "Vladimir Vladimirovich Putin", PERSON),
    ("Путин Владимир Владимирович", "Putin Vladimir Vladimirovich", PERSON),
    ("Dr. Ayman al-Zawahiri", "AL-ZAWAHIRI, Ayman", PERSON),
    ("Sheikh Ahmed Yassin", "YASSIN, Ahmed", PERSON),
    ("H.E. Mohammad Javad Zarif", "Mohammad Javad ZARIF", PERSON),
    ("Osama bin Laden", "Osama Laden", PERSON),
    ("Juan de la Cruz", "DE LA CRUZ, Juan", PERSON),
    ("Ludwig van Beethoven", "VAN BEETHOVEN, Ludwig", PERSON),
    ("John Smith Jr.", "SMITH, John, Jr.", PERSON),
    ("José Müller-Lüdenscheidt", "JOSE MULLER LUDENSCHEIDT", PERSON),
    ("Seán O'Brien", "Sean OBrien", PERSON),
    ("Łukasz Żółć", "Lukasz Zolc", PERSON),
    ("Ilham Heydar oglu Aliyev", "Ilham Heydar Aliyev", PERSON),
    ("Abou Mohammed", "Abu Mohammed", PERSON),
    ("Mohd Najib", "Muhammad Najib", PERSON),
    # "Abd al-X" compounds
    ("Abd al-Rahman", "Abdul Rahman", PERSON),
    ("Abdulrahman", "Abdurrahman", PERSON),
    ("Abdel Rahman", "Abd-ar-Rahman", PERSON),
    ("Abdelaziz Bouteflika", "Abdul Aziz Bouteflika", PERSON),
    ("Abdullah", "Abd Allah", PERSON),
    ("Abdallah", "ABDULLAH", PERSON),
    ("Abdolreza", "Abdul Reza", PERSON),
    ("عبد الرحمن", "عبدالرحمن", PERSON),
    # Chinese, Korean, Greek, Arabic scripts against themselves in other forms
    ("中兴通讯股份有限公司", "中兴通讯 股份有限公司", ORG),
    ("習近平", "习近平", PERSON),
    ("Αλέξης Τσίπρας", "ΑΛΕΞΗΣ ΤΣΙΠΡΑΣ", PERSON),
    ("محمد بن سلمان", "محمد سلمان", PERSON),
]


@pytest.mark.parametrize(("a", "b", "kind"), SAME)
def test_spellings_meet(a: str, b: str, kind: str) -> None:
    fa, fb = normalize_name(a, kind), normalize_name(b, kind)
    assert fa.tokens == fb.tokens, (fa, fb)
    assert fa.legal_forms == fb.legal_forms, (fa, fb)
    assert fa.tokens


# (name, entity type, tokens, legal-form classes)
EXPECTED = [
    ("ООО «Газпром нефть»", ORG, ("gazprom", "neft"), {"llc"}),
    ("Gazprom Neft PJSC", ORG, ("gazprom", "neft"), {"jsc"}),
    ("OOO Romashka LLC", ORG, ("romashka",), {"llc"}),  # both ends
    ("Transneft Company Limited", ORG, ("transneft",), {"llc"}),
    ("Shenzhen Zhongxing Co Ltd Branch", ORG, ("shenzhen", "zhongxing", "branch"), {"llc"}),  # middle
    ("中兴通讯股份有限公司", ORG, ("zhong", "xing", "tong", "xun"), {"jsc"}),
    ("華為技術有限公司", ORG, ("hua", "wei", "ji", "shu"), {"llc"}),
    (
        "中国石油天然气集团有限公司",
        ORG,
        ("zhong", "guo", "shi", "you", "tian", "ran", "qi"),
        {"group", "llc"},
    ),
    ("삼성전자 주식회사", ORG, ("sam", "seong", "jeon", "ja"), {"jsc"}),
    ("㈜삼성", ORG, ("sam", "seong"), {"jsc"}),
    ("شركة النفط ذ.م.م", ORG, ("nft",), {"co", "llc"}),
    ("شركة الاتصالات ش.م.ع", ORG, ("tslt",), {"co", "jsc"}),
    ("بانک ملی ایران سهامی عام", ORG, ("bnk", "mly", "yrn"), {"jsc"}),
    ("ΑΛΦΑ Α.Ε.", ORG, ("alfa",), {"jsc"}),
    ("Bank Hapoalim בע״מ", ORG, ("bank", "hapoalim"), {"llc"}),
    ("Cong ty TNHH Minh Phat", ORG, ("minh", "phat"), {"llc"}),
    ("Grupo Carso S.A.B. de C.V.", ORG, ("carso",), {"group", "jsc"}),
    ("NINTH OCEAN GMBH AND CO. KG", ORG, ("ninth", "ocean"), {"lp"}),
    ("ИП Иванов", ORG, ("ivanov",), {"sole"}),
    ("Company", ORG, ("company",), set()),  # never the whole name
    ("Limited", ORG, ("limited",), set()),
    ("Al-Qaida", ORG, ("qaida",), set()),
    ("Kim Jong Un", PERSON, ("kim", "jong", "un"), set()),
    ("김정은", PERSON, ("gim", "jeong", "eun"), set()),
    ("Пригожин Евгений Викторович", PERSON, ("prigozhin", "evgeniy", "viktorovich"), set()),
    ("ATLANTIC STAR CO", "vessel", ("atlantic", "star", "co"), set()),  # vessels keep every word
]


@pytest.mark.parametrize(("name", "kind", "tokens", "forms"), EXPECTED)
def test_expected_forms(name: str, kind: str, tokens: tuple[str, ...], forms: set[str]) -> None:
    form = normalize_name(name, kind)
    assert form.tokens == tokens
    assert form.legal_forms == frozenset(forms)


# Pairs that must NOT reach the same form: a company and a person with the same
# words, and words that are name words in one place and titles in another.
APART = [
    (("Ivanov LLC", ORG), ("Ivanov", PERSON)),
    (("Smith & Co", ORG), ("Smith", PERSON)),
    (("Ao Li", PERSON), ("Li", PERSON)),
    (("John Major", PERSON), ("John", PERSON)),  # a surname, not a title, at the end
    (("Wang Bin", PERSON), ("Wang", PERSON)),  # "bin" as a Chinese given name stays
    (("Bin Wang", PERSON), ("Wang", PERSON)),
    (("Du Ming", PERSON), ("Ming", PERSON)),
    (("Abu Bakr", PERSON), ("Bakr", PERSON)),  # "abu" is part of the name
    (("Abdi Ali", PERSON), ("Ali", PERSON)),
    (("General Motors", ORG), ("Motors", ORG)),  # titles only for people
    (("奥迪", ORG), ("迪", ORG)),  # a pinyin "ao" is not the Russian legal form
]


@pytest.mark.parametrize(("a", "b"), APART)
def test_forms_stay_apart(a: tuple[str, str], b: tuple[str, str]) -> None:
    fa, fb = normalize_name(*a), normalize_name(*b)
    assert (fa.tokens, fa.legal_forms) != (fb.tokens, fb.legal_forms)


def test_company_and_person_with_the_same_words_differ_in_legal_forms() -> None:
    company = normalize_name("Ivanov LLC", ORG)
    person = normalize_name("Ivanov", PERSON)
    assert company.tokens == person.tokens == ("ivanov",)
    assert company.legal_forms == {"llc"} and not person.legal_forms
    # A person's name is never stripped of legal-form words.
    assert normalize_name("Ao Sa", PERSON).tokens == ("ao", "sa")


def test_untyped_names_keep_short_ambiguous_forms() -> None:
    assert normalize_name("Siemens AG", None).tokens == ("siemens", "ag")
    assert normalize_name("Siemens GmbH", None).tokens == ("siemens",)
    assert normalize_name("Siemens AG", ORG).tokens == ("siemens",)
    assert normalize_name("Dr John Smith", None).tokens == ("dr", "john", "smith")


def test_dropped_words_are_kept_aside() -> None:
    form = normalize_name("Sheikh Dr. Abdullah bin Zayed Al Nahyan", PERSON)
    assert form.tokens == ("abdallah", "zayed", "nahyan")
    assert form.dropped == ("al", "sheikh", "dr", "bin")


def test_last_first_order() -> None:
    assert normalize_name("PUTIN, Vladimir", PERSON).tokens == ("vladimir", "putin")
    assert normalize_name("BIN LADEN, Usama", PERSON).tokens == ("usama", "laden")
    assert normalize_name("AL-ASSAD, Bashar", PERSON).tokens == ("bashar", "assad")
    # Arabic comma; a suffix after a second comma stays out of the way.
    assert normalize_name("الأسد، بشار", PERSON).tokens == normalize_name("بشار الأسد", PERSON).tokens
    assert normalize_name("SMITH, Jr.", PERSON).tokens == ("smith",)
    # Companies are never reordered.
    assert normalize_name("Acme, Inc.", ORG).tokens == ("acme",)
    assert normalize_name("Bank, of Iran", ORG).tokens == ("bank", "of", "iran")


def test_invisible_control_and_empty_input() -> None:
    for text in [
        "",
        "   ",
        "\u200b\u200c\u200d\u2060\ufeff",
        "\x00\x01\x1f\x7f",
        "\u202e\u202c",
        "...,,,",
        "\n\t",
    ]:
        for kind in (None, PERSON, ORG):
            assert normalize_name(text, kind).tokens == ()


def test_long_input_is_cut_and_fast() -> None:
    text = "Gazprom Neft " * 800  # 10,400 characters
    start = time.perf_counter()
    form = normalize_name(text, ORG)
    assert time.perf_counter() - start < 0.5
    assert 0 < len(" ".join(form.tokens)) <= MAX_NAME_CHARS
    hostile = "\u0627\u0644" * 5000 + "\u200b" * 5000
    assert isinstance(normalize_name(hostile, PERSON).tokens, tuple)


def test_scripts_are_reported() -> None:
    assert normalize_name("GАZPRОM", ORG).scripts == {"Latn", "Cyrl"}
    assert normalize_name("中兴 ZTE", ORG).scripts == {"Hani", "Latn"}
    assert normalize_name("محمد", PERSON).scripts == {"Arab"}
    assert normalize_name("123", ORG).scripts == frozenset()
    assert script_of("ɑ") == "Latn"  # IPA letters are Latin
    assert script_of("Ꭺ") == "Cher"
    assert script_of("1") is None


def test_latin_lookalike_variant() -> None:
    # A whole word in Cyrillic letters that all look Latin: both readings.
    assert normalize_name("ВАНК", ORG).tokens == ("vank",)
    variant = latin_lookalike_variant("ВАНК МЕЛЛИ")
    assert variant == "BAHK МЕЛЛИ"
    assert normalize_name(variant, ORG).tokens == ("bahk", "melli")
    assert latin_lookalike_variant("РАУРА") == "PAYPA"
    # "РАУРАL" mixes scripts: the main form already reads it as Latin.
    assert normalize_name("РАУРАL", ORG).tokens == ("paypal",)
    assert latin_lookalike_variant("РАУРАL") is None
    # No variant when the reading is the same or a letter has no look-alike.
    assert latin_lookalike_variant("ООО") is None
    assert latin_lookalike_variant("Газпром") is None
    assert latin_lookalike_variant("GAZPROM") is None
    assert latin_lookalike_variant("") is None


def test_prigozhin_and_prigojine_are_close() -> None:
    a = normalize_name("Пригожин Евгений Викторович", PERSON).tokens
    b = normalize_name("PRIGOJINE, Evgueni", PERSON).tokens
    c = normalize_name("Yevgeniy PRIGOZHIN", PERSON).tokens
    assert phonetic_key(a[0]) == phonetic_key(b[1]) == phonetic_key(c[1])
    assert phonetic_key(a[1]) == phonetic_key(c[0])
    # Skeletons differ in one letter only (z/j), close enough for edit distance.
    assert skeleton("prigozhin") == "prgzhn" and skeleton("prigojine") == "prgjn"


PHONETIC_SAME = [
    ("khodorkovsky", "hodorkovskiy"),
    ("mohammed", "muhammad"),
    ("shchukin", "chtchoukine"),
    ("vladimir", "wladimir"),
    ("zhukov", "joukov"),
    ("sergey", "sergei"),
    ("aleksandr", "alexander"),
    ("osama", "usama"),
    ("qaddafi", "gaddafi"),
    ("evgeny", "yevgeniy"),
]


@pytest.mark.parametrize(("a", "b"), PHONETIC_SAME)
def test_phonetic_key(a: str, b: str) -> None:
    assert phonetic_key(a) == phonetic_key(b)


def test_phonetic_key_of_digits_and_distinct_names() -> None:
    assert phonetic_key("1234") == "1234"
    assert phonetic_key("ivanov") != phonetic_key("petrov")


def test_arabic_script_meets_latin_through_skeletons() -> None:
    pairs = [
        ("محمد", "Mohammed"),
        ("عبد الرحمن", "Abd al-Rahman"),
        ("عبد الله", "Abdullah"),
        ("القاعدة", "Al-Qaida"),
        ("صدام حسين", "Saddam Hussein"),
    ]
    for arabic, latin in pairs:
        a = [skeleton(t) for t in normalize_name(arabic, PERSON).tokens]
        b = [skeleton(t) for t in normalize_name(latin, PERSON).tokens]
        assert a == b, (arabic, a, latin, b)


def test_chinese_compact_key() -> None:
    listed = normalize_name("ZHONGXING TELECOM", ORG).tokens
    chinese = normalize_name("中兴 Telecom", ORG).tokens
    assert chinese == ("zhong", "xing", "telecom")
    assert compact_key(chinese) == compact_key(listed) == "zhongxingtelecom"


def test_tokens_are_ascii_lowercase() -> None:
    for text in ["Ærøskøbing", "Straße", "Ḩāfiẓ", "Ωμέγα", "ابن سينا", "東京", "ᏣᎳᎩ", "Ꭺ", "ß"]:
        for token in normalize_name(text, PERSON).tokens:
            assert token.isascii() and token.isalnum() and token == token.lower()


# ------------------------------------------------------------------ the tables


def _yaml(name: str) -> dict[str, object]:
    data = yaml.safe_load((names._HERE / name).read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_legal_form_table_is_serious_and_consistent() -> None:
    table = _yaml("legal_forms.yml")
    assert set(table) == {"llc", "jsc", "lp", "coop", "state", "sole", "fze", "co", "group"}
    variants = [v for vs in table.values() if isinstance(vs, list) for v in vs]
    assert len(variants) >= 150
    # Loading checks that no normalised variant belongs to two classes.
    words = names._words()
    assert len(words.legal) >= 150
    for variant in variants:
        assert names._table_tokens(str(variant)) is not None, variant


def test_person_word_tables_load() -> None:
    words = names._words()
    assert ("h", "e") in words.honorifics
    assert ("sheikh",) in words.honorifics
    assert {"jr", "bey"} <= words.suffixes
    assert {"bin", "von", "oglu", "bn"} <= words.particles
    # "abu" and "abd" are name words, never dropped.
    assert not {"abu", "abd", "abdul"} & (words.particles | words.articles | words.suffixes)


def test_confusables_cover_cyrillic_greek_and_latin_extended() -> None:
    table = _yaml("confusables.yml")
    assert len(table) >= 100
    for ch in "АВЕКМНОРСТХаеорсхΑΒΕΗΙΚΜΝΟΡΤΧΥοɑıᴀ":
        assert ch in table, ch
    assert all(isinstance(v, str) and len(v) == 1 and v.isascii() and v.isalpha() for v in table.values())


def test_fullwidth_and_mathematical_letters_need_no_table() -> None:
    # NFKC already folds them; the table keeps only true look-alikes.
    for text in ["ＧＡＺ", "𝐆𝐀𝐙", "𝔊𝔄ℨ", "𝙶𝙰𝚉", "ⒼⒶⓏ"]:
        assert normalize_name(text, ORG).tokens == ("gaz",)
