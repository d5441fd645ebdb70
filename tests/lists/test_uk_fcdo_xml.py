"""The FCDO UK Sanctions List XML parser (format "uk_fcdo_xml")."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from compliance.domain import CountryLink, EventDate, Identifier, ListRecord, Name, ParseReport, RelationRef
from compliance.errors import ListDataError
from compliance.lists.formats import get_format, uk_fcdo_xml
from compliance.normalize.countries import country_code

REAL = Path("uk_sanctions_list") / "UK-Sanctions-List_2026-09-07_sample.xml"


def _code(name: str) -> str:
    return country_code(name) or name


def _parse(path: Path) -> tuple[list[ListRecord], ParseReport]:
    report = ParseReport()
    return list(uk_fcdo_xml.parse(path, report)), report


def _real(shared_lists: Path) -> tuple[dict[str, ListRecord], ParseReport]:
    records, report = _parse(shared_lists / REAL)
    return {r.ref: r for r in records}, report


DESIGNATION = """
  <Designation>
    <LastUpdated>02/02/2024</LastUpdated>
    <DateDesignated>01/02/2024</DateDesignated>
    <UniqueID>{uid}</UniqueID>
    <Names>
      <Name><Name1>Test</Name1><Name6>PERSON</Name6><NameType>Primary name</NameType></Name>
    </Names>
    <RegimeName>The Example (Sanctions) Regulations 2024</RegimeName>
    <IndividualEntityShip>Individual</IndividualEntityShip>
    <SanctionsImposed>Asset freeze</SanctionsImposed>
  </Designation>"""


def _xml(*designations: str) -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<Designations>\n  <DateGenerated>03/02/2024</DateGenerated>'
        + "".join(designations)
        + "\n</Designations>\n"
    )


# ---------------------------------------------------------------- the real sample


def test_real_counts(shared_lists: Path) -> None:
    by_ref, report = _real(shared_lists)
    assert report.published == date(2026, 9, 7)
    assert report.problems == []
    assert len(by_ref) == 21
    types = Counter(r.entity_type for r in by_ref.values())
    assert types["person"] == 14
    assert types["organization"] + types["company"] == 5
    assert types["vessel"] == 2
    assert all(r.names[0].kind == "primary" for r in by_ref.values())
    assert all(sum(n.kind == "primary" for n in r.names) == 1 for r in by_ref.values())
    assert len({p for r in by_ref.values() for p in r.programs}) == 8
    assert sum("ofsi_group_id" in r.properties for r in by_ref.values()) == 18
    assert sum("un_ref" in r.properties for r in by_ref.values()) == 11
    # 95 Name elements: one is empty (BEL0174) and one repeats a name of the
    # same designation once blanks are tidied, so 93 distinct Latin names remain.
    latin = sum(1 for r in by_ref.values() for n in r.names if n.script is None)
    assert latin == 93


def test_real_individual_with_repeated_passport(shared_lists: Path) -> None:
    rec = _real(shared_lists)[0]["AFG0006"]
    assert rec.entity_type == "person"
    assert rec.names[0] == Name("MOHAMMAD HASSAN AKHUND", "primary")
    assert rec.names[1].value == "محمد حسن آخوند"
    assert rec.names[1].script == "Arab"
    passports = [i for i in rec.identifiers if i.type == "passport"]
    assert len(passports) == 1  # published 10 times
    assert passports[0].value == "P04581926"
    assert passports[0].note is not None and "Kandahar" in passports[0].note
    assert sorted(d.value for d in rec.dates) == [
        "1945", "1946", "1947", "1948", "1949", "1950", "1955", "1956", "1957", "1958"
    ]  # fmt: skip
    assert rec.properties["title"] == ["Mullah", "Haji"]
    assert rec.properties["ofsi_group_id"] == "7172"
    assert rec.properties["un_ref"] == "TAi.002"
    assert rec.properties["sanctions_imposed"] == ["Asset freeze", "Travel Ban"]
    assert rec.listed_on == date(2001, 1, 25)
    assert rec.properties["last_updated"] == "2026-04-14"
    assert rec.programs == ["The Afghanistan (Sanctions) (EU Exit) Regulations 2020"]
    assert CountryLink(_code("Afghanistan"), "nationality") in rec.countries
    assert rec.places_of_birth == ["Pashmul village, Panjwai District, Kandahar Province, Afghanistan"]
    assert rec.original["xml"].startswith("<Designation")


def test_real_empty_name_is_skipped(shared_lists: Path) -> None:
    by_ref, report = _real(shared_lists)
    rec = by_ref["BEL0174"]
    assert rec.names[0] == Name("Pavel Ivanovich KAZAKOV", "primary")
    assert Name("Pavel Ivanavich KAZAKOU", "aka") in rec.names
    assert Name("Павел Іванавіч Казакоў", "aka", script="Cyrl", lang="be") in rec.names
    assert any(n.startswith("BEL0174: an empty name entry") for n in report.notes)
    assert rec.properties["gender"] == "Male"
    assert rec.dates == [EventDate("1977-06-11", "birth")]


def test_real_partial_and_unreadable_dates(shared_lists: Path) -> None:
    by_ref, report = _real(shared_lists)
    assert by_ref["AQD0262"].dates == [EventDate("1958-09", "birth")]
    assert by_ref["RUS1683"].dates == [EventDate("1975", "birth")]
    assert by_ref["RUS2701"].dates == []
    assert any("RUS2701" in n and "15/08/19yy" in n for n in report.notes)
    # Alias strength is kept as quality.
    aqd0260 = by_ref["AQD0260"]
    assert Name("Muhammad Jamal Abdu", "aka", quality="strong") in aqd0260.names
    assert Name("Abu Ahmad", "aka", quality="weak") in aqd0260.names


def test_real_entity_and_ship(shared_lists: Path) -> None:
    by_ref, _ = _real(shared_lists)
    company = by_ref["RUS3379"]
    assert company.entity_type == "company"
    assert company.names[0].value == "JSC STUPINO METALLURGICAL COMPANY"
    assert Identifier("tax_id", "5045023416", note="INN") in company.identifiers
    assert Identifier("registration", "1025005917551", note="OGRN") in company.identifiers
    assert Identifier("email", "info@smk.ru") in company.identifiers
    assert Identifier("website", "cmk-group.ru") in company.identifiers
    assert sum(i.type == "phone" for i in company.identifiers) == 5
    assert "ofsi_group_id" not in company.properties
    assert company.addresses[0].postal_code == "142000"
    assert company.addresses[0].country == _code("Russia")

    branch_owner = by_ref["BEL0108"]
    assert RelationRef("subsidiary", other_name="Gomel branch") in branch_owner.relations

    ship = by_ref["DPR0075"]
    assert ship.entity_type == "vessel"
    assert ship.names[0].value == "Petrel 8"
    assert ship.identifiers == [Identifier("imo", "9562233")]
    assert ship.relations == [RelationRef("owner", other_name="Global United Shipping India")]
    assert ship.properties["vessel_flag"] == "Comoros"
    assert CountryLink(_code("Comoros"), "flag") in ship.countries
    assert ship.properties["vessel_length"] == "134.5"
    assert EventDate("2011", "build") in ship.dates


def test_registry_and_sniff(shared_lists: Path) -> None:
    assert get_format("uk_fcdo_xml") is uk_fcdo_xml
    assert uk_fcdo_xml.sniff(shared_lists / REAL)
    assert not uk_fcdo_xml.sniff(shared_lists / "un_sc" / "consolidated.xml")
    assert uk_fcdo_xml.input_files(shared_lists / "uk_sanctions_list") == [shared_lists / REAL]


# ---------------------------------------------------------------- sample and written files


def test_sample(samples: Path) -> None:
    records, report = _parse(samples / "uk_fcdo")
    assert report.published == date(2026, 9, 7)
    assert report.problems == []
    assert [(r.ref, r.entity_type) for r in records] == [
        ("AFG0006", "person"),
        ("RUS3379", "company"),
        ("DPR0075", "vessel"),
    ]
    assert len([i for i in records[0].identifiers if i.type == "passport"]) == 1
    assert records[1].names[-1].script == "Cyrl"
    assert records[2].identifiers == [Identifier("imo", "9562233")]


def test_small_file(tmp_path: Path) -> None:
    path = tmp_path / "UK-Sanctions-List.xml"
    path.write_text(_xml(DESIGNATION.format(uid="TST0001")), encoding="utf-8")
    records, report = _parse(path)
    assert report.published == date(2024, 2, 3)
    assert len(records) == 1
    rec = records[0]
    assert rec.ref == "TST0001"
    assert rec.names == [Name("Test PERSON", "primary")]
    assert rec.listed_on == date(2024, 2, 1)


def test_designation_without_id_or_name_is_reported(tmp_path: Path) -> None:
    no_id = DESIGNATION.format(uid="").replace("<UniqueID></UniqueID>", "")
    no_name = DESIGNATION.format(uid="TST0003").replace(
        "<Name><Name1>Test</Name1><Name6>PERSON</Name6>", "<Name>"
    )
    path = tmp_path / "UK-Sanctions-List.xml"
    path.write_text(_xml(DESIGNATION.format(uid="TST0001"), no_id, no_name), encoding="utf-8")
    records, report = _parse(path)
    assert [r.ref for r in records] == ["TST0001"]
    assert len(report.problems) == 2
    assert "without UniqueID" in report.problems[0]
    assert "TST0003 has no name" in report.problems[1]


def test_truncated_xml_is_refused(tmp_path: Path) -> None:
    text = _xml(*(DESIGNATION.format(uid=f"TST{i:04d}") for i in range(20)))
    path = tmp_path / "UK-Sanctions-List.xml"
    path.write_text(text[: len(text) // 2], encoding="utf-8")
    with pytest.raises(ListDataError, match="cut off"):
        _parse(path)


def test_real_sample_truncated_is_refused(shared_lists: Path, tmp_path: Path) -> None:
    data = (shared_lists / REAL).read_bytes()
    path = tmp_path / "UK-Sanctions-List.xml"
    path.write_bytes(data[: len(data) - 500])
    with pytest.raises(ListDataError, match="cut off"):
        _parse(path)


def test_html_page_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "UK-Sanctions-List.xml"
    path.write_text("<!DOCTYPE html>\n<html><body>Maintenance</body></html>")
    with pytest.raises(ListDataError, match="web page"):
        _parse(path)


def test_empty_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "UK-Sanctions-List.xml"
    path.write_bytes(b"")
    with pytest.raises(ListDataError, match="empty"):
        _parse(path)


def test_other_xml_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "consolidated.xml"
    path.write_text('<?xml version="1.0"?><CONSOLIDATED_LIST><INDIVIDUALS/></CONSOLIDATED_LIST>')
    with pytest.raises(ListDataError, match="not the FCDO"):
        _parse(path)


def test_entity_declaration_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "UK-Sanctions-List.xml"
    path.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY x "boom">]>\n<Designations><DateGenerated>&x;'
        "</DateGenerated></Designations>"
    )
    with pytest.raises(ListDataError, match="entities"):
        _parse(path)


def test_no_designations_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "UK-Sanctions-List.xml"
    path.write_text(_xml())
    with pytest.raises(ListDataError, match="no Designation"):
        _parse(path)


def test_folder_without_the_file(tmp_path: Path) -> None:
    (tmp_path / "other.xml").write_text("<root/>")
    with pytest.raises(ListDataError, match="UK Sanctions List XML"):
        uk_fcdo_xml.input_files(tmp_path)
