"""The country table: every ISO code, the spellings real lists use, and what stays unknown."""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
import yaml
from lxml import etree

from compliance.normalize import countries
from compliance.normalize.countries import country_code, country_name


def _table() -> dict[str, dict[str, Any]]:
    data = yaml.safe_load(countries._TABLE.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return {str(code): entry for code, entry in data.items()}


TABLE = _table()

# Values official lists print in a country field that are not one current country,
# left unresolved on purpose (see the header of countries.yml).
NOT_COUNTRIES = {
    "undetermined",
    "UNKNOWN",
    "None Identified",
    "Region: Crimea",
    "Crimea",
    "Region: Kafia Kingi",
    "Region: Commonwealth of Independent States",
    "Netherlands Antilles",
    "USSR",
    "former Soviet Union",
    "Former German Democratic Republic",
}


def test_table_has_every_iso_code_plus_kosovo() -> None:
    assert len(TABLE) == 250  # 249 ISO 3166-1 alpha-2 codes + XK
    assert list(TABLE) == sorted(TABLE), "keep entries sorted by code"
    assert "XK" in TABLE
    assert "NO" in TABLE, "Norway's key must be quoted or YAML reads it as false"
    for code, entry in TABLE.items():
        assert len(code) == 2 and code.isalpha() and code.isupper(), code
        assert isinstance(entry["name"], str) and entry["name"], code
        assert isinstance(entry["variants"], list), code


@pytest.mark.parametrize("code", sorted(TABLE))
def test_every_code_resolves_to_itself(code: str) -> None:
    assert country_code(code) == code
    assert country_code(f" {code} ") == code
    assert country_name(code) == TABLE[code]["name"]
    assert country_code(TABLE[code]["name"]) == code


def test_every_variant_resolves_to_its_own_code() -> None:
    wrong = {
        variant: (code, country_code(str(variant)))
        for code, entry in TABLE.items()
        for variant in entry["variants"]
        if country_code(str(variant)) != code
    }
    assert not wrong, f"variants resolving elsewhere (variant: (expected, got)): {wrong}"


def test_no_spelling_points_at_two_countries() -> None:
    owners: dict[str, set[str]] = defaultdict(set)
    for code, entry in TABLE.items():
        for text in [entry["name"], *entry["variants"]]:
            owners[countries._key(str(text))].add(code)
    clashes = {key: sorted(codes) for key, codes in owners.items() if len(codes) > 1}
    assert not clashes, f"ambiguous spellings: {clashes}"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        # OFAC (add.csv, remarks, vessel flags)
        ("Korea, North", "KP"),
        ("Korea, South", "KR"),
        ("Burma", "MM"),
        ("Russia", "RU"),
        ("Iran", "IR"),
        ("Syria", "SY"),
        ("Cote d Ivoire", "CI"),
        ("Congo, Democratic Republic of the", "CD"),
        ("Congo, Republic of the", "CG"),
        ("Bahamas, The", "BS"),
        ("The Gambia", "GM"),
        ("Man, Isle of", "IM"),
        ("Virgin Islands, British", "VG"),
        ("North Macedonia, The Republic of", "MK"),
        ("Macau", "MO"),
        ("Laos", "LA"),
        ("Brunei", "BN"),
        ("Cabo Verde", "CV"),
        ("St. Kitts & Nevis", "KN"),
        ("St. Vincent and the Grenadines", "VC"),
        ("Palestinian", "PS"),
        ("West Bank", "PS"),
        ("Region: Gaza", "PS"),
        ("Region: West Bank", "PS"),
        ("Region: Northern Mali", "ML"),
        ("Kosovo", "XK"),
        ("United States", "US"),
        ("Turkey", "TR"),
        # UN, EU and UK spellings
        ("Korea, Democratic People's Republic of", "KP"),
        ("Democratic People’s Republic of Korea", "KP"),
        ("DPRK", "KP"),
        ("North Korea", "KP"),
        ("Russian Federation", "RU"),
        ("Iran (Islamic Republic of)", "IR"),
        ("Iran (Islamic Republic of.)", "IR"),
        ("IRAN (ISLAMIC REPUBLIC OF)", "IR"),
        ("Syrian Arab Republic", "SY"),
        ("Cote d'Ivoire", "CI"),
        ("Ivory Coast", "CI"),
        ("Venezuela (Bolivarian Republic of)", "VE"),
        ("Bolivia (Plurinational State of)", "BO"),
        ("United Republic of Tanzania", "TZ"),
        ("Lao People's Democratic Republic", "LA"),
        ("Viet Nam", "VN"),
        ("CONGO, Democratic Republic of (was Zaire)", "CD"),
        ("Congo (Democratic Republic)", "CD"),
        ("DRC", "CD"),
        ("Zaire", "CD"),
        ("Congo", "CG"),
        ("China, Hong Kong Special Administrative Region", "HK"),
        ("Libyan Arab Jamahiriya", "LY"),
        ("State of Palestine", "PS"),
        ("Occupied Palestinian Territories", "PS"),
        ("Gaza", "PS"),
        ("Gaza Strip", "PS"),
        ("United Kingdom", "GB"),
        ("United Kingdom of Great Britain and Northern Ireland", "GB"),
        ("UK", "GB"),
        ("Great Britain", "GB"),
        ("USA", "US"),
        ("United States of America", "US"),
        ("Türkiye", "TR"),
        ("Czechia", "CZ"),
        ("Czech Republic", "CZ"),
        ("Macedonia", "MK"),
        ("North Macedonia", "MK"),
        ("Swaziland", "SZ"),
        ("Eswatini", "SZ"),
        ("Republic of Moldova", "MD"),
        ("Bosnia-Herzegovina", "BA"),
        ("Guinea Bissau", "GW"),
        ("The Netherlands", "NL"),
        ("Sultanate of Oman", "OM"),
        ("Union of the Comoros", "KM"),
        ("St Kitts and Nevis", "KN"),
        ("Ukrainian SSR", "UA"),
        ("Kazakh Soviet Socialist Republic", "KZ"),
        ("RSFSR", "RU"),
        # EU v1.0 CSV uses ISO alpha-3 codes
        ("AFG", "AF"),
        ("IRQ", "IQ"),
        ("GBR", "GB"),
        ("PRK", "KP"),
        # demonyms in nationality fields
        ("Iranian", "IR"),
        ("Syrian", "SY"),
        ("Russian", "RU"),
        ("Chinese", "CN"),
        ("North Korean", "KP"),
        ("Afghan", "AF"),
        ("Iraqi", "IQ"),
        ("British", "GB"),
        ("American", "US"),
        ("Filipino", "PH"),
        ("Saudi Arabian", "SA"),
        # misspellings printed in official files
        ("Afganistan", "AF"),
        ("Belrus", "BY"),
        ("Uzbekhistan", "UZ"),
        ("Trinadad and Tobago", "TT"),
    ],
)
def test_tricky_variants(text: str, code: str) -> None:
    assert country_code(text) == code


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("CÔTE D’IVOIRE", "CI"),
        ("côte d'ivoire", "CI"),
        ("cote-d'ivoire", "CI"),
        ("TURKIYE", "TR"),
        ("türkiye", "TR"),
        ("São Tomé and Príncipe", "ST"),
        ("sao tome & principe", "ST"),
        ("Curaçao", "CW"),
        ("CURACAO", "CW"),
        ("Réunion", "RE"),
        ("åland islands", "AX"),
        ("  Russian   Federation  ", "RU"),
        ("SYRIAN ARAB REPUBLIC", "SY"),
        ("korea, north", "KP"),
        ("Syria.", "SY"),
        ("u.s.a.", "US"),
    ],
)
def test_case_accent_and_punctuation_are_ignored(text: str, code: str) -> None:
    assert country_code(text) == code


@pytest.mark.parametrize(
    "text",
    [
        None,
        "",
        "   ",
        "Atlantis",
        "XX",
        "ZZ",
        "Korea",  # north or south: ambiguous
        "Congolese",  # CD or CG: ambiguous
        "Dominican",  # DM or DO: ambiguous
        "Virgin Islands",  # British or U.S.: ambiguous
        "Moscow",  # a city, not a country
        "Iran Iraq",
        *sorted(NOT_COUNTRIES),
    ],
)
def test_unknown_or_deliberately_unresolved_text_gives_none(text: str | None) -> None:
    assert country_code(text) is None


def test_country_name_of_unknown_code_is_none() -> None:
    assert country_name(None) is None
    assert country_name("QQ") is None
    assert country_name("kp") == "North Korea"


def _share_resolved(values: set[str]) -> tuple[float, list[str]]:
    unresolved = sorted(v for v in values if country_code(v) is None)
    return (len(values) - len(unresolved)) / len(values), unresolved


@pytest.mark.shared
def test_real_ofac_address_countries_resolve(shared_lists: Path) -> None:
    values: set[str] = set()
    with open(shared_lists / "ofac_sdn" / "add.csv", encoding="ascii", newline="") as fh:
        for row in csv.reader(fh):
            if len(row) < 5:
                continue  # the trailing DOS end-of-file byte
            value = row[4].strip()
            if value and value != "-0-":
                values.add(value)
    assert len(values) > 150, "the country column should hold many distinct values"
    # The deliberate exceptions (Crimea, Kafia Kingi, "undetermined"...) must stay unresolved...
    present = values & NOT_COUNTRIES
    assert {"Region: Crimea", "undetermined"} <= present
    assert all(country_code(v) is None for v in present)
    # ...and everything else, each a real country or territory, must resolve.
    share, unresolved = _share_resolved(values - NOT_COUNTRIES)
    assert share >= 0.99, f"{share:.1%} resolved; unresolved: {unresolved}"


@pytest.mark.shared
def test_real_un_nationalities_and_countries_resolve(shared_lists: Path) -> None:
    tree = etree.parse(str(shared_lists / "un_sc" / "consolidated.xml"))
    values = {
        (el.text or "").strip()
        for el in tree.iter("VALUE", "COUNTRY", "COUNTRY_OF_ISSUE", "ISSUING_COUNTRY")
        if el.tag != "VALUE" or el.getparent().tag == "NATIONALITY"
    }
    # "na" is the UN's "not available"; as a bare two letters it would read as Namibia,
    # so parsers must drop it before calling country_code.
    values -= {"", "na"}
    share, unresolved = _share_resolved(values - NOT_COUNTRIES)
    assert share >= 0.99, f"{share:.1%} resolved; unresolved: {unresolved}"


def test_lower_case_two_letters_are_not_codes() -> None:
    # The UN file writes "na" for "not available": it is not Namibia.
    assert country_code("na") is None
    assert country_code("NA") == "NA"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Pakistan (at time of listing)", "PK"),
        ("Ukrainian SSR (now Ukraine)", "UA"),
        ("Former USSR Currently Belarus", "BY"),
    ],
)
def test_notes_after_the_country(text: str, code: str) -> None:
    assert country_code(text) == code
