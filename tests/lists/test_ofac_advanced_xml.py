"""OFAC Advanced XML parser: the real sample, side tables, and bad input."""

from __future__ import annotations

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
from compliance.lists.formats import ofac_advanced_xml as fmt

SAMPLE = "ofac_advanced/sdn_advanced_2026-09-09_sample.xml"

SDN = "Specially Designated Nationals and Blocked Persons List (SDN)"


def parse_all(path: Path) -> tuple[list[ListRecord], ParseReport]:
    report = ParseReport()
    return list(fmt.parse(path, report)), report


def by_ref(records: list[ListRecord]) -> dict[str, ListRecord]:
    return {record.ref: record for record in records}


@pytest.fixture
def sample_text(shared_lists: Path) -> str:
    return (shared_lists / SAMPLE).read_text(encoding="utf-8")


@pytest.fixture
def parsed(shared_lists: Path) -> tuple[list[ListRecord], ParseReport]:
    return parse_all(shared_lists / SAMPLE)


# ---------------------------------------------------------------------------
# The real sample (SOURCES.md: 4 parties, DateOfIssue 2026-09-09)
# ---------------------------------------------------------------------------


@pytest.mark.shared
def test_counts_and_publication(parsed: tuple[list[ListRecord], ParseReport], shared_lists: Path) -> None:
    records, report = parsed
    assert [r.ref for r in records] == ["36", "2677", "4238", "15432"]
    assert Counter(r.entity_type for r in records) == {
        "organization": 1,
        "person": 1,
        "vessel": 1,
        "aircraft": 1,
    }
    assert report.published == date(2026, 9, 9)
    assert report.problems == [] and report.notes == []
    assert {r.sublist for r in records} == {SDN}
    assert get_format("ofac_advanced_xml") is fmt
    assert fmt.input_files(shared_lists / "ofac_advanced") == [shared_lists / SAMPLE]
    assert fmt.sniff(shared_lists / SAMPLE)
    assert not fmt.sniff(shared_lists / "ofac_consolidated" / "CONS_ENHANCED.XML")
    for record in records:
        json.dumps(record.original)


@pytest.mark.shared
def test_entity_field_by_field(parsed: tuple[list[ListRecord], ParseReport]) -> None:
    airline = by_ref(parsed[0])["36"]
    assert airline.entity_type == "organization"
    assert airline.names == [
        Name("AEROCARIBBEAN AIRLINES", "primary", script="Latn"),
        Name("AERO-CARIBBEAN", "aka", script="Latn", quality="strong"),
    ]
    assert airline.programs == ["CUBA"]
    assert (airline.sublist, airline.listed_on) == (SDN, date(1986, 12, 10))
    assert airline.addresses == [Address(full="Havana, Cuba", city="Havana", country="CU")]
    assert airline.countries == [CountryLink("CU", "location")]
    assert airline.identifiers == [] and airline.dates == [] and airline.relations == []
    assert airline.properties == {"sanctions_lists": "SDN List (1986-12-10)", "sanctions_type": "Block"}
    assert 'FixedRef="36"' in airline.original["xml"]
    assert ['ProfileID="36"' in xml for xml in airline.original["sanctions_entries"]] == [True]
    assert "<Value>Havana</Value>" in airline.original["locations"][0]


@pytest.mark.shared
def test_individual_field_by_field(parsed: tuple[list[ListRecord], ParseReport]) -> None:
    person = by_ref(parsed[0])["2677"]
    assert person.entity_type == "person"
    assert person.names == [
        Name("Al-Zomor, Abboud Abdul Latif Hassan", "primary", script="Latn"),
        Name("الزمر, عبود عبداللطيف حسن", "primary", script="Arab"),
        Name("ZUMAR, Abbud", "aka", script="Latn", quality="strong"),
        Name("AL-Zumar, Abbud", "aka", script="Latn", quality="strong"),
        Name("El-Zomor, Aboud Abdul Latif Hasan", "aka", script="Latn", quality="strong"),
        Name("Al-Zumur, Abood Abdul Latif Hassan", "aka", script="Latn", quality="strong"),
        Name("Al-Zamur, Abboud Abdul Latif Hassan", "aka", script="Latn", quality="strong"),
    ]
    assert person.programs == ["SDGT"]
    assert (person.sublist, person.listed_on) == (SDN, date(1995, 1, 23))
    assert person.dates == [EventDate("1947-04-19", "birth")]
    assert person.places_of_birth == ["Nahia, Giza, Egypt"]
    assert person.countries == [
        CountryLink("EG", "birth"),
        CountryLink("EG", "nationality"),
        CountryLink("EG", "location"),
    ]
    assert person.addresses == [Address(full="Egypt", country="EG")]
    assert person.properties["gender"] == "Male"  # DetailReference 91526
    assert person.properties["secondary_sanctions_risk"] == (
        "section 1(b) of Executive Order 13224, as amended by Executive Order 13886"
    )  # DetailReference 92084
    assert person.properties["legal_authority"] == "Executive Order 13224 (Terrorism)"
    # The nationality location lists every feature that uses it; those back-links are dropped.
    assert all("FeatureVersionReference" not in xml for xml in person.original["locations"])


@pytest.mark.shared
def test_vessel_field_by_field(parsed: tuple[list[ListRecord], ParseReport]) -> None:
    vessel = by_ref(parsed[0])["4238"]
    assert vessel.entity_type == "vessel"
    assert vessel.names == [Name("MAR AZUL", "primary", script="Latn")]
    assert vessel.programs == ["CUBA"]
    assert (vessel.sublist, vessel.listed_on) == (SDN, date(1989, 1, 5))
    assert vessel.properties["call_sign"] == "CL2192"
    assert vessel.properties["vessel_flag"] == "Cuba"
    assert vessel.properties["vessel_owner"] == "Samir de Navegacion S.A."
    assert vessel.properties["gross_registered_tonnage"] == "212"
    assert vessel.properties["vessel_type"] == "Tug"
    assert vessel.countries == [CountryLink("CU", "flag")]
    assert vessel.addresses == []  # its only location is "undetermined"


@pytest.mark.shared
def test_aircraft_field_by_field(parsed: tuple[list[ListRecord], ParseReport]) -> None:
    plane = by_ref(parsed[0])["15432"]
    assert plane.entity_type == "aircraft"
    assert plane.names == [Name("EP-GOL", "primary", script="Latn")]
    assert plane.programs == ["SDGT"]
    assert (plane.sublist, plane.listed_on) == (SDN, date(2012, 9, 19))
    assert plane.identifiers == [
        Identifier("aircraft_construction_number", "8305"),
        Identifier("aircraft_serial", "1013409297"),
    ]
    # Manufacture date stored as the range 1991-01-01 .. 1991-12-31.
    assert plane.dates == [EventDate("1991", "build")]
    assert plane.properties["aircraft_model"] == "IL-76TD"
    assert plane.properties["aircraft_operator"] == "YAS AIR"


# ---------------------------------------------------------------------------
# Side tables the sample leaves empty: documents, relationships, several lists
# ---------------------------------------------------------------------------

_DATE = (
    '<DatePeriod CalendarTypeID="1"><Start Approximate="false"><From><Year>{y}</Year><Month>{m}</Month>'
    "<Day>{d}</Day></From><To><Year>{y}</Year><Month>{m}</Month><Day>{d}</Day></To></Start>"
    '<End Approximate="false"><From><Year>{y}</Year><Month>{m}</Month><Day>{d}</Day></From><To>'
    "<Year>{y}</Year><Month>{m}</Month><Day>{d}</Day></To></End></DatePeriod>"
)
_DOCUMENTS = (
    "<IDRegDocuments>"
    '<IDRegDocument ID="900" IDRegDocTypeID="1571" IdentityID="4423" IssuedBy-CountryID="11082" '
    'ValidityID="1">'
    "<Comment /><IDRegistrationNo>A1234567</IDRegistrationNo><IssuingAuthority>Cairo</IssuingAuthority>"
    '<DocumentDate IDRegDocDateTypeID="1480">' + _DATE.format(y=2001, m=2, d=3) + "</DocumentDate>"
    "</IDRegDocument>"
    '<IDRegDocument ID="901" IDRegDocTypeID="1626" IdentityID="1663" ValidityID="1">'
    "<Comment /><IDRegistrationNo>IMO 1234567</IDRegistrationNo></IDRegDocument>"
    "</IDRegDocuments>"
)
_RELATIONS = (
    "<ProfileRelationships>"
    '<ProfileRelationship ID="77" From-ProfileID="15432" To-ProfileID="36" RelationTypeID="15003" '
    'RelationQualityID="1" Former="false"><Comment /></ProfileRelationship>'
    "</ProfileRelationships>"
)
_EXTRA_ENTRY = (
    '<SanctionsEntry ID="9036" ProfileID="36" ListID="91512"><EntryEvent ID="9036" EntryEventTypeID="1" '
    'LegalBasisID="1"><Comment /><Date CalendarTypeID="1"><Year>2014</Year><Month>10</Month>'
    "<Day>10</Day></Date>"
    "</EntryEvent></SanctionsEntry>"
)


@pytest.mark.shared
def test_documents_relations_and_generic_list(sample_text: str, tmp_path: Path) -> None:
    text = sample_text.replace("<IDRegDocuments></IDRegDocuments>", _DOCUMENTS, 1)
    text = text.replace("<ProfileRelationships />", _RELATIONS, 1)
    text = text.replace("<SanctionsEntries>", "<SanctionsEntries>" + _EXTRA_ENTRY, 1)
    path = tmp_path / "SDN_ADVANCED.XML"
    path.write_text(text, encoding="utf-8")
    records, report = parse_all(path)
    assert report.problems == []
    parties = by_ref(records)
    assert parties["2677"].identifiers == [
        Identifier(
            "passport", "A1234567", country="EG", note="Passport; issued by Cairo; issue date 2001-02-03"
        )
    ]
    assert parties["4238"].identifiers == [
        Identifier("imo", "1234567", note="Vessel Registration Identification")
    ]
    assert parties["15432"].relations == [
        RelationRef(
            "owner", other_ref="36", other_name="AEROCARIBBEAN AIRLINES", note="Owned or Controlled By"
        )
    ]
    assert "RelationTypeID" in parties["15432"].original["relationships"][0]
    # The generic Consolidated List (2014-10-10) does not replace the SDN listing (1986-12-10).
    airline = parties["36"]
    assert (airline.sublist, airline.listed_on) == (SDN, date(1986, 12, 10))
    assert airline.properties["sanctions_lists"] == [
        "Consolidated List (2014-10-10)",
        "SDN List (1986-12-10)",
    ]
    assert len(airline.original["sanctions_entries"]) == 2


# ---------------------------------------------------------------------------
# Bad input
# ---------------------------------------------------------------------------


@pytest.mark.shared
def test_damaged_party_is_reported_and_skipped(sample_text: str, tmp_path: Path) -> None:
    # Remove the FixedRef of the first party and the only name of the vessel.
    text = sample_text.replace('FixedRef="36">\n      <Comment />', ">\n      <Comment />", 1)
    assert text != sample_text
    text = text.replace(">MAR AZUL</NamePartValue>", "></NamePartValue>", 1)
    path = tmp_path / "SDN_ADVANCED.XML"
    path.write_text(text, encoding="utf-8")
    records, report = parse_all(path)
    assert [r.ref for r in records] == ["2677", "15432"]
    assert len(report.problems) == 2
    assert "party without a FixedRef" in report.problems[0] and report.problems[0].startswith("line ")
    assert "party 4238 has no name" in report.problems[1]


@pytest.mark.shared
def test_truncated_file_yields_nothing(sample_text: str, tmp_path: Path) -> None:
    path = tmp_path / "SDN_ADVANCED.XML"
    path.write_text(sample_text[: sample_text.index("<SanctionsEntries>") + 200], encoding="utf-8")
    report = ParseReport()
    records = fmt.parse(path, report)
    with pytest.raises(ListDataError, match="malformed or cut off"):
        next(records)  # the first pass reads the whole file before any record


def test_entity_declarations_refused(tmp_path: Path) -> None:
    path = tmp_path / "SDN_ADVANCED.XML"
    path.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE Sanctions [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>\n'
        "<Sanctions><DateOfIssue><Year>2026</Year></DateOfIssue><DistinctParties>"
        '<DistinctParty FixedRef="1">&b;</DistinctParty></DistinctParties></Sanctions>\n',
        encoding="utf-8",
    )
    with pytest.raises(ListDataError, match="declares entities"):
        parse_all(path)


def test_html_page_refused(tmp_path: Path) -> None:
    path = tmp_path / "SDN_ADVANCED.XML"
    path.write_text("<html><head><title>404 Not Found</title></head><body></body></html>")
    with pytest.raises(ListDataError, match="web page"):
        parse_all(path)


def test_empty_file_refused(tmp_path: Path) -> None:
    path = tmp_path / "SDN_ADVANCED.XML"
    path.write_bytes(b"")
    with pytest.raises(ListDataError, match="empty"):
        parse_all(path)


def test_wrong_xml_root_refused(tmp_path: Path, samples: Path) -> None:
    # An Enhanced XML file handed to the Advanced parser.
    path = tmp_path / "SDN_ADVANCED.XML"
    path.write_bytes((samples / "ofac_cons_enhanced" / "cons_enhanced.xml").read_bytes())
    with pytest.raises(ListDataError, match=r"not an OFAC Advanced XML file .*<sanctionsData>"):
        parse_all(path)
    assert not fmt.sniff(path)


def test_folder_without_the_file(tmp_path: Path) -> None:
    (tmp_path / "CONS_ENHANCED.XML").write_text("<sanctionsData/>")
    with pytest.raises(ListDataError, match="no OFAC Advanced XML file"):
        fmt.input_files(tmp_path)
