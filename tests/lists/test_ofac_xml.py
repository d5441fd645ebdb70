"""OFAC sdn.xml-schema parser: the real consolidated.xml, and bad input."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from compliance.domain import EventDate, Identifier, ListRecord, Name, ParseReport, RelationRef
from compliance.errors import ListDataError
from compliance.lists.formats import get_format, ofac_xml
from compliance.lists.formats.ofac_csv import CMIC_SUBLIST, PLC_SUBLIST, SDN_SUBLIST, SSI_SUBLIST

NS = "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/XML"


def parse(path: Path) -> tuple[list[ListRecord], ParseReport]:
    report = ParseReport()
    return list(ofac_xml.parse(path, report)), report


def document(entries: str, published: str = "05/06/2024", count: int = 1) -> str:
    return (
        '<?xml version="1.0" standalone="yes"?>\n'
        f'<sdnList xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns="{NS}">\n'
        f"  <publshInformation><Publish_Date>{published}</Publish_Date>"
        f"<Record_Count>{count}</Record_Count></publshInformation>\n"
        f"{entries}</sdnList>\n"
    )


VESSEL = """  <sdnEntry>
    <uid>4238</uid>
    <lastName>MAR AZUL</lastName>
    <sdnType>Vessel</sdnType>
    <programList><program>CUBA</program></programList>
    <idList>
      <id><uid>1</uid><idType>Vessel Registration Identification</idType><idNumber>IMO 1234567</idNumber></id>
      <id><uid>2</uid><idType>Passport</idType><idNumber>X 99</idNumber><idCountry>Cuba</idCountry>
        <issueDate>01 Jan 2000</issueDate></id>
      <id><uid>3</uid><idType>Strange Label</idType><idNumber>ABC</idNumber></id>
    </idList>
    <vesselInfo>
      <callSign>CL2192</callSign>
      <vesselType>Tug</vesselType>
      <vesselFlag>Cuba</vesselFlag>
      <vesselOwner>Naviera Ejemplo S.A.</vesselOwner>
      <grossRegisteredTonnage>212</grossRegisteredTonnage>
    </vesselInfo>
  </sdnEntry>
"""


@pytest.mark.shared
def test_consolidated_xml(shared_lists: Path) -> None:
    path = shared_lists / "ofac_consolidated" / "consolidated.xml"
    records, report = parse(path)
    assert len(records) == 443
    assert report.declared_count == 443
    assert report.published == date(2024, 5, 6)
    assert report.problems == []
    assert Counter(r.entity_type for r in records) == {"organization": 364, "person": 79}
    sublists = Counter(r.sublist for r in records)
    assert sublists[CMIC_SUBLIST] == 68
    assert sublists[PLC_SUBLIST] == 78
    assert sublists[SSI_SUBLIST] == 287
    assert all(r.sublist != SDN_SUBLIST for r in records)
    index = {r.ref: r for r in records}

    huawei = index["30947"]
    assert huawei.entity_type == "organization"
    assert huawei.names == [
        Name("HUAWEI TECHNOLOGIES CO., LTD.", "primary"),
        Name("HUAWEI INVESTMENT & HOLDING CO LTD", "aka", quality="strong"),
    ]
    assert huawei.programs == ["CMIC-EO13959"]
    assert huawei.sublist == CMIC_SUBLIST
    assert huawei.listed_on == date(2021, 6, 3)
    assert huawei.identifiers == [
        Identifier("registration", "914403001922038216", "CN", "Unified Social Credit Code (USCC)")
    ]
    assert huawei.properties["target_type"] == "Private Company"
    assert huawei.properties["effective_date"] == "CMIC: 2021-08-02"
    (address,) = huawei.addresses
    assert address.street == "Huawei Headquarter Office Building, Bantian, Longgang District"
    assert address.postal_code == "518129"
    assert address.country == "CN"
    assert "Shenzhen" in address.full
    assert "<uid>30947</uid>" in huawei.original["xml"]

    zahar = index["9647"]
    assert zahar.entity_type == "person"
    assert zahar.names[0] == Name("ZAHHAR, Mahmoud Khaled", "primary")
    assert Name("ZAHAR, Mahmoud", "aka", quality="weak") in zahar.names
    assert Name("AL ZAHAR, Mahmoud Khaled", "aka", quality="strong") in zahar.names
    assert zahar.dates == [EventDate("1945", "birth")]
    assert zahar.places_of_birth == ["Gaza Strip"]
    nationality = [c for c in zahar.countries if c.relation == "nationality"]
    assert len(nationality) == 1 and nationality[0].country in ("PS", "Palestinian")
    assert zahar.programs == ["NS-PLC", "SDGT"]
    assert zahar.sublist == PLC_SUBLIST
    assert zahar.listed_on is None
    assert zahar.relations == [RelationRef("linked_to", other_name="HAMAS")]
    assert zahar.properties["gender"] == "Male"
    assert zahar.remarks == "(Linked To: HAMAS)"

    haniya = index["9639"]
    assert haniya.names[0].value == "HANIYA, Ismail Abdul Salah"
    assert haniya.dates == [EventDate("1962", "birth")]

    glory = index["32089"]
    assert glory.relations == [RelationRef("linked_to", other_name="HUAWEI INVESTMENT & HOLDING CO., LTD.")]
    assert len([i for i in glory.identifiers if i.type == "isin"]) == 6
    assert get_format("ofac_xml").sniff(path)


def test_entry_fields_and_sdn_file(tmp_path: Path) -> None:
    path = tmp_path / "SDN.XML"
    path.write_text(document(VESSEL))
    assert ofac_xml.input_files(tmp_path) == [path]
    records, report = parse(tmp_path)
    (vessel,) = records
    assert report.published == date(2024, 5, 6) and report.declared_count == 1
    assert vessel.entity_type == "vessel"
    assert vessel.sublist == SDN_SUBLIST
    assert vessel.properties["call_sign"] == "CL2192"
    assert vessel.properties["vessel_type"] == "Tug"
    assert vessel.properties["vessel_owner"] == "Naviera Ejemplo S.A."
    assert vessel.properties["grt"] == "212"
    assert vessel.properties["vessel_flag"] == "Cuba"
    assert [c.country for c in vessel.countries if c.relation == "flag"] in (["CU"], ["Cuba"])
    assert vessel.identifiers[0] == Identifier("imo", "1234567", None, "Vessel Registration Identification")
    passport = vessel.identifiers[1]
    assert passport.type == "passport" and passport.value == "X 99"
    assert passport.country in ("CU", "Cuba")
    assert passport.note == "Passport; issued 01 Jan 2000"
    assert vessel.identifiers[2] == Identifier("other", "ABC", None, "Strange Label")


def test_damaged_entry_is_skipped(tmp_path: Path) -> None:
    broken = "  <sdnEntry><lastName>NO UID</lastName><sdnType>Entity</sdnType></sdnEntry>\n"
    nameless = "  <sdnEntry><uid>77</uid><sdnType>Entity</sdnType></sdnEntry>\n"
    path = tmp_path / "consolidated.xml"
    path.write_text(document(broken + VESSEL + nameless, count=3))
    records, report = parse(path)
    assert [r.ref for r in records] == ["4238"]
    assert len(report.problems) == 2
    assert report.problems[0].startswith("line 4: sdnEntry without a uid")
    assert "entry 77 has no name" in report.problems[1]


def test_truncated_xml(tmp_path: Path) -> None:
    path = tmp_path / "consolidated.xml"
    path.write_text(document(VESSEL + VESSEL.replace("4238", "4239"))[:-300])
    report = ParseReport()
    seen: list[str] = []
    with pytest.raises(ListDataError, match="malformed or cut off"):
        for record in ofac_xml.parse(path, report):
            seen.append(record.ref)
    assert seen == ["4238"]


def test_html_page(tmp_path: Path) -> None:
    path = tmp_path / "sdn.xml"
    path.write_text("<html><head><title>502 Bad Gateway</title></head></html>")
    with pytest.raises(ListDataError, match="web page"):
        parse(path)
    assert not ofac_xml.sniff(path)


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "sdn.xml"
    path.write_bytes(b"")
    with pytest.raises(ListDataError, match="empty"):
        parse(path)


def test_wrong_format(tmp_path: Path) -> None:
    path = tmp_path / "sdn.xml"
    path.write_text('<?xml version="1.0"?><CONSOLIDATED_LIST><INDIVIDUALS/></CONSOLIDATED_LIST>')
    with pytest.raises(ListDataError, match=r"not an OFAC sdn\.xml"):
        parse(path)
    assert not ofac_xml.sniff(path)


def test_no_entries(tmp_path: Path) -> None:
    path = tmp_path / "sdn.xml"
    path.write_text(document("", count=0))
    with pytest.raises(ListDataError, match="no sdnEntry"):
        parse(path)


def test_entity_declarations_refused(tmp_path: Path) -> None:
    path = tmp_path / "sdn.xml"
    text = document(VESSEL).replace(
        '<?xml version="1.0" standalone="yes"?>',
        '<?xml version="1.0"?><!DOCTYPE sdnList [<!ENTITY x "boom">]>',
    )
    path.write_text(text)
    with pytest.raises(ListDataError, match="entities"):
        parse(path)


def test_folder_without_xml(tmp_path: Path) -> None:
    with pytest.raises(ListDataError, match=r"no sdn\.xml"):
        ofac_xml.input_files(tmp_path)
