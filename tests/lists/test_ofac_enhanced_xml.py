"""OFAC Enhanced XML parser: real files, the shipped sample, and bad input."""

from __future__ import annotations

import functools
import json
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from compliance.domain import (
    Address,
    CountryLink,
    EventDate,
    Identifier,
    ListRecord,
    Name,
    ParseReport,
    RelationRef,
)
from compliance.errors import ListDataError
from compliance.lists.formats import get_format
from compliance.lists.formats import ofac_enhanced_xml as fmt
from compliance.lists.formats._common import date_span

NS = "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/ENHANCED_XML"

SDN = "Specially Designated Nationals and Blocked Persons List (SDN)"


def parse_all(path: Path) -> tuple[list[ListRecord], ParseReport]:
    report = ParseReport()
    return list(fmt.parse(path, report)), report


def by_ref(records: list[ListRecord]) -> dict[str, ListRecord]:
    return {record.ref: record for record in records}


# ---------------------------------------------------------------------------
# Real files
# ---------------------------------------------------------------------------


@functools.cache
def _parsed(path: Path) -> tuple[list[ListRecord], ParseReport]:
    return parse_all(path)


@pytest.fixture
def cons(shared_lists: Path) -> tuple[list[ListRecord], ParseReport]:
    return _parsed(shared_lists / "ofac_consolidated" / "CONS_ENHANCED.XML")


@pytest.fixture
def irgc(shared_lists: Path) -> tuple[list[ListRecord], ParseReport]:
    return _parsed(shared_lists / "ofac_consolidated" / "IRGC_sanctions_enhanced.xml")


@pytest.mark.shared
def test_cons_counts_and_publication(cons: tuple[list[ListRecord], ParseReport]) -> None:
    records, report = cons
    assert len(records) == 443
    assert len({r.ref for r in records}) == 443
    assert Counter(r.entity_type for r in records) == {"organization": 363, "person": 80}
    assert report.published == date(2025, 1, 10)
    assert report.problems == []
    assert all(r.names and r.names[0].kind == "primary" for r in records)
    # The generic "Consolidated List" is never shown when a specific list is given.
    assert Counter(r.sublist for r in records) == {
        "Sectoral Sanctions Identifications List (SSI)": 286,
        "Non-SDN Palestinian Legislative Council List (NS-PLC)": 78,
        "Non-SDN Chinese Military-Industrial Complex Companies List (NS-CMIC)": 68,
        "Non-SDN Menu-Based Sanctions List (NS-MBS)": 9,
        "Correspondent Account or Payable-Through Account Sanctions List (CAPTA)": 1,
        "Foreign Sanctions Evaders List (FSE)": 1,
    }
    assert all(r.listed_on is not None for r in records)


@pytest.mark.shared
def test_cons_huawei_field_by_field(cons: tuple[list[ListRecord], ParseReport]) -> None:
    huawei = by_ref(cons[0])["30947"]
    assert huawei.entity_type == "organization"
    assert huawei.names == [
        Name("HUAWEI TECHNOLOGIES CO., LTD.", "primary", script="Latn"),
        Name("HUAWEI INVESTMENT & HOLDING CO LTD", "aka", script="Latn", quality="strong"),
    ]
    assert huawei.programs == ["CMIC-EO13959"]
    # Consolidated List 2020-11-12 vs Non-SDN CMIC List 2021-06-03: the specific list wins.
    assert huawei.sublist == "Non-SDN Chinese Military-Industrial Complex Companies List (NS-CMIC)"
    assert huawei.listed_on == date(2021, 6, 3)
    assert huawei.identifiers == [
        Identifier(
            "registration", "914403001922038216", country="CN", note="Unified Social Credit Code (USCC)"
        )
    ]
    # The source has city and province the other way round; kept as written.
    assert huawei.addresses == [
        Address(
            full="Huawei Headquarter Office Building, Bantian, Longgang District, Guangdong, Shenzhen, "
            "518129, China",
            street="Huawei Headquarter Office Building, Bantian, Longgang District",
            city="Guangdong",
            region="Shenzhen",
            postal_code="518129",
            country="CN",
        )
    ]
    assert huawei.countries == [CountryLink("CN", "location")]
    assert huawei.dates == []
    assert huawei.relations == []
    assert huawei.properties["listing_date_cmic"] == "2021-06-03"
    assert huawei.properties["effective_date_cmic"] == "2021-08-02"
    assert huawei.properties["purchase_sales_for_divestment_date_cmic"] == "2022-06-03"
    assert huawei.properties["legal_authority"] == "Executive Order 14032 (CMIC)"
    assert huawei.properties["sanctions_type"] == "CMIC Executive Order"
    assert huawei.properties["target_type"] == "Private Company"
    assert huawei.properties["sanctions_lists"] == [
        "Consolidated List (2020-11-12)",
        "Non-SDN CMIC List (2021-06-03)",
    ]
    assert '<entity xmlns="' in huawei.original["xml"] and 'id="30947"' in huawei.original["xml"]
    json.dumps(huawei.original)


@pytest.mark.shared
def test_cons_individual_on_plc_list(cons: tuple[list[ListRecord], ParseReport]) -> None:
    person = by_ref(cons[0])["9640"]
    assert person.entity_type == "person"
    assert person.names[0] == Name("ABU TEIR, Mohammed", "primary", script="Latn")
    assert [n.value for n in person.names[1:]] == ["ABU TAIR, Mohammed Mahmud", "ABOU TAYR, Mohammad Mahmoud"]
    # SOURCES.md: Consolidated List 2014-10-10 is the umbrella list's date; PLC 2006-04-12 is the listing.
    assert person.sublist == "Non-SDN Palestinian Legislative Council List (NS-PLC)"
    assert person.listed_on == date(2006, 4, 12)
    assert person.programs == ["NS-PLC"]
    # Year-only birth date stored as 1951-01-01..1951-12-31.
    assert person.dates == [EventDate("1951", "birth")]
    assert person.places_of_birth == ["Umm Tuba"]
    assert person.addresses == []  # an address element with no parts and no country


@pytest.mark.shared
def test_cons_sdn_list_wins_and_cyrillic_names(cons: tuple[list[ListRecord], ParseReport]) -> None:
    records = by_ref(cons[0])
    vtb = records["17013"]
    # SSI 2014-07-29, Consolidated 2014-10-10, SDN 2022-02-24: the entry is in the
    # consolidated file for its SSI listing; its SDN listing is on the SDN list itself.
    assert (vtb.sublist, vtb.listed_on) == (
        "Sectoral Sanctions Identifications List (SSI)",
        date(2014, 7, 29),
    )
    assert "SDN List (2022-02-24)" in vtb.properties["sanctions_lists"]
    assert vtb.programs == ["UKRAINE-EO13662", "RUSSIA-EO14024"]
    assert vtb.names[0] == Name("VTB BANK PUBLIC JOINT STOCK COMPANY", "primary", script="Latn")
    assert Name("БАНК ВТБ ПУБЛИЧНОЕ АКЦИОНЕРНОЕ ОБЩЕСТВО", "primary", script="Cyrl") in vtb.names
    assert Identifier("swift_bic", "VTBRRUMM") in vtb.identifiers
    assert Identifier("bik", "044525187") in vtb.identifiers
    assert EventDate("1990-10-17", "incorporation") in vtb.dates
    assert vtb.remarks is not None and vtb.remarks.startswith("For more information on directives")

    zahhar = records["9647"]
    assert zahhar.sublist == "Non-SDN Palestinian Legislative Council List (NS-PLC)"
    assert Name("ZAHAR, Mahmoud", "aka", script="Latn", quality="weak") in zahhar.names
    assert zahhar.relations == [
        RelationRef("linked_to", other_ref="4695", other_name="HAMAS", note="Acting for or on behalf of")
    ]
    assert CountryLink("PS", "nationality") in zahhar.countries


@pytest.mark.shared
def test_irgc_counts(irgc: tuple[list[ListRecord], ParseReport]) -> None:
    records, report = irgc
    assert len(records) == 293
    assert Counter(r.entity_type for r in records) == {"person": 165, "organization": 84, "aircraft": 44}
    assert report.published == date(2024, 8, 28)
    assert report.problems == []
    assert {r.sublist for r in records} == {SDN}
    assert all("IRGC" in r.programs for r in records)


@pytest.mark.shared
def test_irgc_individual_field_by_field(irgc: tuple[list[ListRecord], ParseReport]) -> None:
    person = by_ref(irgc[0])["26126"]
    assert person.entity_type == "person"
    assert person.names[0] == Name("YAGHOUBI MIAB, Hossein", "primary", script="Latn")
    assert len(person.names) == 5 and {n.kind for n in person.names[1:]} == {"aka"}
    assert person.programs == ["IFSR", "IRGC", "SDGT"]
    assert (person.sublist, person.listed_on) == (SDN, date(2018, 11, 20))
    assert person.identifiers == [
        Identifier(
            "passport",
            "G9342868",
            country="IR",
            note="Passport; issued 2016-03-16; expires 2021-03-16; Gender: Male",
        )
    ]
    assert person.dates == [EventDate("1961-07-23", "birth")]
    assert person.places_of_birth == ["Tehran, Iran"]
    assert CountryLink("IR", "birth") in person.countries
    assert person.addresses == [Address(full="Iran", country="IR")]
    assert person.properties["gender"] == "Male"
    assert person.properties["additional_sanctions_information"] == "Subject to Secondary Sanctions"
    assert person.relations == [
        RelationRef(
            "linked_to",
            other_ref="10465",
            other_name="ISLAMIC REVOLUTIONARY GUARD CORPS (IRGC)-QODS FORCE",
            note="Acting for or on behalf of",
        )
    ]


@pytest.mark.shared
def test_irgc_aircraft_field_by_field(irgc: tuple[list[ListRecord], ParseReport]) -> None:
    plane = by_ref(irgc[0])["48727"]
    assert plane.entity_type == "aircraft"
    assert plane.names == [Name("EP-PUS", "primary", script="Latn")]
    assert plane.programs == ["IFSR", "IRGC", "NPWMD", "SDGT"]
    assert (plane.sublist, plane.listed_on) == (SDN, date(2024, 4, 25))
    assert plane.identifiers == [
        Identifier("aircraft_serial", "1023409321"),
        Identifier("aircraft_mode_s", "7342B3"),
    ]
    assert plane.dates == [EventDate("1992", "build")]  # manufacture date given as a whole year
    assert plane.properties["aircraft_model"] == "Ilyushin IL-76TD"
    assert plane.relations[0].other_ref == "13109" and plane.relations[0].other_name == "POUYA AIR"


@pytest.mark.shared
def test_irgc_dates_scripts_and_wallets(irgc: tuple[list[ListRecord], ParseReport]) -> None:
    records = by_ref(irgc[0])
    # Arabic names lose the bidi embedding marks OFAC wraps them in.
    assert Name("لواء فاطميون", "primary", script="Arab") in records["26347"].names
    assert all("\u202b" not in n.value and "\u202c" not in n.value for r in records.values() for n in r.names)
    # "1951 to 1953", "1960 to 1962", "Apr 1961" (1961-04-01..1961-04-30), "1953".
    assert records["12057"].dates == [
        EventDate("1951/1953", "birth"),
        EventDate("1960/1962", "birth"),
        EventDate("1961-04", "birth"),
        EventDate("1953", "birth"),
    ]
    assert EventDate("1955-03/1956-03", "birth") in records["39438"].dates
    assert EventDate("1965-03-21/1966-03-20", "birth") in records["42538"].dates
    assert records["11177"].dates == [EventDate("1957", "birth", approximate=True)]
    wallets = [i for i in records["38420"].identifiers if i.type == "digital_currency"]
    assert len(wallets) == 4 and {w.note for w in wallets} == {"XBT"}


@pytest.mark.shared
def test_folder_input_picks_cons_file(shared_lists: Path) -> None:
    folder = shared_lists / "ofac_consolidated"
    assert fmt.input_files(folder) == [folder / "CONS_ENHANCED.XML"]
    assert fmt.sniff(folder / "CONS_ENHANCED.XML")
    assert fmt.sniff(folder / "IRGC_sanctions_enhanced.xml")
    assert not fmt.sniff(folder / "consolidated.xml")
    assert not fmt.sniff(folder / "cons_prim.csv")


# ---------------------------------------------------------------------------
# The shipped sample
# ---------------------------------------------------------------------------


def test_sample(samples: Path) -> None:
    folder = samples / "ofac_cons_enhanced"
    assert get_format("ofac_enhanced_xml") is fmt
    assert fmt.input_files(folder) == [folder / "cons_enhanced.xml"]
    assert fmt.sniff(folder / "cons_enhanced.xml")
    records, report = parse_all(folder)
    assert report.published == date(2025, 1, 10)
    assert report.problems == []
    assert [r.ref for r in records] == ["30947", "9640", "17013"]
    huawei, person, bank = records
    assert huawei.primary_name == "HUAWEI TECHNOLOGIES CO., LTD."
    assert (huawei.sublist, huawei.listed_on, huawei.programs) == (
        "Non-SDN Chinese Military-Industrial Complex Companies List (NS-CMIC)",
        date(2021, 6, 3),
        ["CMIC-EO13959"],
    )
    assert huawei.identifiers[0].value == "914403001922038216"
    assert (person.entity_type, person.sublist, person.listed_on) == (
        "person",
        "Non-SDN Palestinian Legislative Council List (NS-PLC)",
        date(2006, 4, 12),
    )
    assert person.dates == [EventDate("1951", "birth")]
    assert (bank.sublist, bank.listed_on) == (
        "Sectoral Sanctions Identifications List (SSI)",
        date(2014, 7, 29),
    )
    assert [n.script for n in bank.names] == ["Latn", "Cyrl", "Latn"]


# ---------------------------------------------------------------------------
# Bad input
# ---------------------------------------------------------------------------


def _entity(ref: str, name: str, extra: str = "") -> str:
    return f"""
    <entity id="{ref}">
      <generalInfo><identityId>1</identityId><entityType refId="601">Entity</entityType></generalInfo>
      <sanctionsLists><sanctionsList refId="1550" id="1" datePublished="2020-01-02">SDN List</sanctionsList>
      </sanctionsLists>
      <sanctionsPrograms><sanctionsProgram refId="1" id="1">SDGT</sanctionsProgram></sanctionsPrograms>
      <names>{name}</names>{extra}
    </entity>"""


def _name(value: str) -> str:
    return f"""<name id="1"><isPrimary>true</isPrimary><isLowQuality>false</isLowQuality><translations>
      <translation id="1"><isPrimary>true</isPrimary><script refId="20122">Latin</script>
      <formattedFullName>{value}</formattedFullName></translation></translations></name>"""


def _document(entities: str) -> str:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<sanctionsData xmlns="{NS}">
  <publicationInfo><dataAsOf>2025-02-03T00:00:00</dataAsOf></publicationInfo>
  <referenceValues/>
  <entities>{entities}
  </entities>
</sanctionsData>
"""


def test_damaged_entity_is_reported_and_skipped(tmp_path: Path) -> None:
    path = tmp_path / "CONS_ENHANCED.XML"
    path.write_text(
        _document(_entity("1", _name("GOOD ONE")) + _entity("2", "") + _entity("", _name("NO ID"))),
        encoding="utf-8",
    )
    records, report = parse_all(path)
    assert [r.ref for r in records] == ["1"]
    assert records[0].listed_on == date(2020, 1, 2)
    assert report.published == date(2025, 2, 3)
    assert len(report.problems) == 2
    assert "entity 2 has no name" in report.problems[0] and report.problems[0].startswith("line ")
    assert "without an id" in report.problems[1]


def test_truncated_file(tmp_path: Path) -> None:
    text = _document(_entity("1", _name("GOOD ONE")) + _entity("2", _name("CUT OFF")))
    path = tmp_path / "CONS_ENHANCED.XML"
    path.write_text(text[: text.index("CUT OFF")], encoding="utf-8")
    with pytest.raises(ListDataError, match="malformed or cut off"):
        parse_all(path)


def test_entity_declarations_refused(tmp_path: Path) -> None:
    path = tmp_path / "CONS_ENHANCED.XML"
    text = _document(_entity("1", _name("&boom;")))
    text = text.replace("<sanctionsData", '<!DOCTYPE sanctionsData [<!ENTITY boom "x">]>\n<sanctionsData', 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ListDataError, match="declares entities"):
        parse_all(path)


def test_html_page_refused(tmp_path: Path) -> None:
    path = tmp_path / "CONS_ENHANCED.XML"
    path.write_text("<!DOCTYPE html><html><body>Service unavailable</body></html>", encoding="utf-8")
    with pytest.raises(ListDataError, match="web page"):
        parse_all(path)


def test_empty_file_refused(tmp_path: Path) -> None:
    path = tmp_path / "CONS_ENHANCED.XML"
    path.write_bytes(b"")
    with pytest.raises(ListDataError, match="empty"):
        parse_all(path)


def test_wrong_xml_root_refused(tmp_path: Path) -> None:
    path = tmp_path / "CONS_ENHANCED.XML"
    path.write_text('<?xml version="1.0"?>\n<sdnList><sdnEntry><uid>1</uid></sdnEntry></sdnList>\n')
    with pytest.raises(ListDataError, match=r"not an OFAC Enhanced XML file .*<sdnList>"):
        parse_all(path)
    assert not fmt.sniff(path)


def test_folder_without_the_file(tmp_path: Path) -> None:
    (tmp_path / "sdn.csv").write_text("1,X\n")
    with pytest.raises(ListDataError, match="no OFAC Enhanced XML file"):
        fmt.input_files(tmp_path)


@pytest.mark.parametrize(
    ("begin", "end", "expected"),
    [
        (date(1961, 1, 1), date(1961, 12, 31), "1961"),
        (date(1961, 8, 1), date(1961, 8, 31), "1961-08"),
        (date(1961, 8, 23), date(1961, 8, 23), "1961-08-23"),
        (date(1960, 1, 1), date(1962, 12, 31), "1960/1962"),
        (date(1955, 3, 1), date(1956, 3, 31), "1955-03/1956-03"),
        (date(1965, 3, 21), date(1966, 3, 20), "1965-03-21/1966-03-20"),
    ],
)
def test_date_span(begin: date, end: date, expected: str) -> None:
    assert date_span(begin, end) == expected


def test_period_text_range_of_years() -> None:
    assert (
        fmt.period_text(date(1951, 1, 1), date(1951, 12, 31), date(1953, 1, 1), date(1953, 12, 31))
        == "1951/1953"
    )
    assert (
        fmt.period_text(date(1991, 1, 1), date(1991, 1, 1), date(1991, 12, 31), date(1991, 12, 31)) == "1991"
    )
