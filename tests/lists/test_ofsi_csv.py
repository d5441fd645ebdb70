"""The legacy OFSI consolidated list CSV parser (format "ofsi_csv")."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from compliance.domain import CountryLink, EventDate, Identifier, ListRecord, ParseReport
from compliance.errors import ListDataError
from compliance.lists.formats import get_format, ofsi_csv
from compliance.normalize.countries import country_code

HEADER = (
    "Name 6,Name 1,Name 2,Name 3,Name 4,Name 5,Title,DOB,Town of Birth,Country of Birth,Nationality,"
    "Passport Details,NI Number,Position,Address 1,Address 2,Address 3,Address 4,Address 5,Address 6,"
    "Post/Zip Code,Country,Other Information,Group Type,Alias Type,Regime,Listed On,Last Updated,Group ID"
)


def _code(name: str) -> str:
    return country_code(name) or name


def _parse(path: Path) -> tuple[list[ListRecord], ParseReport]:
    report = ParseReport()
    return list(ofsi_csv.parse(path, report)), report


def _row(**values: str) -> str:
    cells = {name: "" for name in HEADER.split(",")}
    cells.update(values)
    return ",".join(f'"{v}"' if "," in v else v for v in cells.values())


@pytest.fixture
def small_csv(tmp_path: Path) -> Path:
    """A tiny legacy file: one person's rows split around an entity row, Windows-1252."""
    rows = [
        "Last Updated,02/05/2018" + "," * 27,
        HEADER,
        _row(
            **{
                "Name 6": "EXAMPLE",
                "Name 1": "Anna",
                "DOB": "00/00/1961",
                "Nationality": "1) France 2) Spain",
                "Passport Details": "Passport No: AB12345 (French). Issued 1 May 2001",
                "Other Information": "Said to run the \u2018Example\u2019 network. UN Ref QDi.999",
                "Group Type": "Individual",
                "Alias Type": "AKA",
                "Regime": "Syria",
                "Listed On": "01/02/2012",
                "Last Updated": "03/03/2014",
                "Group ID": "111",
            }
        ),
        _row(
            **{
                "Name 6": "EXAMPLE TRADING CO",
                "Address 1": "1 Harbour Road",
                "Address 6": "Valletta",
                "Country": "Malta",
                "Other Information": "Front company.",
                "Group Type": "Entity",
                "Alias Type": "Prime Alias",
                "Regime": "Syria",
                "Listed On": "05/06/2013",
                "Last Updated": "05/06/2013",
                "Group ID": "222",
            }
        ),
        _row(
            **{
                "Name 6": "EXAMPLE",
                "Name 1": "Anne",
                "Name 2": "Marie",
                "Title": "Dr",
                "DOB": "15/00/1962",
                "Nationality": "1) France 2) Spain",
                "Passport Details": "Passport No: AB12345 (French). Issued 1 May 2001",
                "Other Information": "Said to run the \u2018Example\u2019 network. UN Ref QDi.999",
                "Group Type": "Individual",
                "Alias Type": "Prime Alias",
                "Regime": "Syria",
                "Listed On": "01/02/2012",
                "Last Updated": "03/03/2014",
                "Group ID": "111",
            }
        ),
    ]
    path = tmp_path / "sanctionsconlist.csv"
    path.write_bytes(("\r\n".join(rows) + "\r\n").encode("cp1252"))
    return path


# ---------------------------------------------------------------- the real 2018 file


def test_real_file_counts(shared_lists: Path) -> None:
    records, report = _parse(shared_lists / "uk_ofsi" / "sanctionsconlist.csv")
    assert report.published == date(2018, 4, 13)
    assert report.problems == []
    assert len(records) == 2106
    assert len({r.ref for r in records}) == 2106
    assert sum(len(r.original["rows"]) for r in records) == 9487
    rows_by_type = Counter(row["Group Type"] for r in records for row in r.original["rows"])
    assert rows_by_type == {"Individual": 6857, "Entity": 2630}
    types = Counter(r.entity_type for r in records)
    assert types["person"] == 1426
    assert types["organization"] + types["vessel"] == 680
    assert types["vessel"] == 25
    assert all(r.names[0].kind == "primary" for r in records)
    assert all(sum(n.kind == "primary" for n in r.names) == 1 for r in records)


def test_real_file_person(shared_lists: Path) -> None:
    records, _ = _parse(shared_lists / "uk_ofsi" / "sanctionsconlist.csv")
    rec = next(r for r in records if r.ref == "13349")
    assert rec.entity_type == "person"
    assert rec.names[0].value == "Nayef Salam Muhammad Ujaym AL-HABABI"
    assert "Sheikh Farooq AL-QAHTANI" in [n.value for n in rec.names if n.kind == "aka"]
    assert [d.value for d in rec.dates] == ["1980", "1981"]
    assert CountryLink(_code("Saudi Arabia"), "nationality") in rec.countries
    assert CountryLink(_code("Qatar"), "nationality") in rec.countries
    assert rec.identifiers[0].type == "passport"
    assert rec.identifiers[0].value == "592667"
    assert rec.programs == ["The ISIL (Da'esh) and Al-Qaida organisations"]
    assert rec.listed_on == date(2016, 4, 1)
    assert rec.properties["un_ref"] == "QDe.004"
    assert rec.remarks is not None and rec.remarks.startswith("UN Ref QDe.004")


def test_real_file_several_regimes_and_vessel(shared_lists: Path) -> None:
    records, _ = _parse(shared_lists / "uk_ofsi" / "sanctionsconlist.csv")
    by_ref = {r.ref: r for r in records}
    soleimani = by_ref["9062"]
    assert soleimani.names[0].value == "Qasem SOLEIMANI"
    assert set(soleimani.programs) == {
        "Syria",
        "Terrorism and Terrorist Financing",
        "Iran (nuclear proliferation)",
    }
    assert soleimani.listed_on == date(2007, 3, 24)  # the earliest of the three listings
    assert len(soleimani.properties["listed_on_by_regime"]) == 3
    assert soleimani.properties["title"] == "Brigadier General"
    assert soleimani.dates == [EventDate("1957-03-11", "birth")]
    assert soleimani.places_of_birth == ["Qom, Iran"]

    ship = by_ref["13556"]
    assert ship.entity_type == "vessel"
    assert ship.names[0].value == "TONG SAN 2"
    assert Identifier("imo", "8937675") in ship.identifiers
    assert Identifier("mmsi", "445539000") in ship.identifiers
    # A shipping company quotes its company IMO number but is not a vessel.
    company = by_ref["13637"]
    assert company.entity_type == "organization"
    assert Identifier("imo", "5434358") in company.identifiers


def test_real_file_group_with_many_rows(shared_lists: Path) -> None:
    records, _ = _parse(shared_lists / "uk_ofsi" / "sanctionsconlist.csv")
    rec = next(r for r in records if r.ref == "7877")
    assert len(rec.original["rows"]) == 252
    assert rec.names[0].value == "Mourad Ben Ali Ben Al-Basheer AL-TRABELSI"
    assert len(rec.names) == len({n.value for n in rec.names})
    assert len(rec.dates) == 14
    # "(1)-(2) Tunisia (3) Libya ..." is split into countries, not kept as one string.
    assert {c.country for c in rec.countries if c.relation == "birth"} == {
        _code(c) for c in ("Tunisia", "Libya", "Algeria", "Morocco", "Lebanon")
    }


def test_registry_and_sniff(shared_lists: Path, samples: Path) -> None:
    assert get_format("ofsi_csv") is ofsi_csv
    assert ofsi_csv.sniff(shared_lists / "uk_ofsi" / "sanctionsconlist.csv")
    assert not ofsi_csv.sniff(samples / "uk_ofsi" / "ConList.csv")  # the 2022 layout
    assert ofsi_csv.input_files(shared_lists / "uk_ofsi") == [
        shared_lists / "uk_ofsi" / "sanctionsconlist.csv"
    ]


# ---------------------------------------------------------------- small files written here


def test_small_file_groups_scattered_rows(small_csv: Path) -> None:
    records, report = _parse(small_csv)
    assert report.published == date(2018, 5, 2)
    assert report.problems == []
    assert [r.ref for r in records] == ["111", "222"]
    person = records[0]
    assert [(n.value, n.kind) for n in person.names] == [
        ("Anne Marie EXAMPLE", "primary"),
        ("Anna EXAMPLE", "aka"),
    ]
    assert person.properties["title"] == "Dr"
    assert [d.value for d in person.dates] == ["1961", "1962"]
    assert [c.country for c in person.countries] == [_code("France"), _code("Spain")]
    assert person.identifiers == [
        Identifier("passport", "AB12345", note="Passport No: AB12345 (French). Issued 1 May 2001")
    ]
    assert person.remarks is not None and "\u2018Example\u2019" in person.remarks  # cp1252 curly quotes
    assert person.listed_on == date(2012, 2, 1)
    assert person.properties["last_updated"] == "2014-03-03"
    assert len(person.original["rows"]) == 2
    company = records[1]
    assert company.entity_type == "organization"
    assert company.addresses[0].full == "1 Harbour Road, Valletta, Malta"
    assert company.addresses[0].country == _code("Malta")


def test_damaged_and_cut_rows_are_reported(small_csv: Path) -> None:
    text = small_csv.read_bytes().decode("cp1252")
    text += "BROKEN,ROW,ONLY\r\n"
    text += _row(**{"Name 6": "CUT OFF", "Group Type": "Entity", "Group ID": "333"})[:40]
    small_csv.write_bytes(text.encode("cp1252"))
    records, report = _parse(small_csv)
    assert [r.ref for r in records] == ["111", "222"]
    assert len(report.problems) == 2
    assert report.problems[0].startswith("line 6: 3 fields instead of 29")
    assert report.problems[1].startswith("line 7:")


def test_row_without_group_id(small_csv: Path) -> None:
    text = (
        small_csv.read_text(encoding="cp1252") + _row(**{"Name 6": "NOBODY", "Group Type": "Entity"}) + "\r\n"
    )
    small_csv.write_text(text, encoding="cp1252")
    records, report = _parse(small_csv)
    assert len(records) == 2
    assert report.problems == ["line 6: no Group ID; skipped"]


def test_html_page_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "sanctionsconlist.csv"
    path.write_text("<!DOCTYPE html><html><body>Service unavailable</body></html>")
    with pytest.raises(ListDataError, match="web page"):
        _parse(path)


def test_empty_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "sanctionsconlist.csv"
    path.write_bytes(b"")
    with pytest.raises(ListDataError, match="empty"):
        _parse(path)


def test_wrong_header_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.csv"
    path.write_text("name,country,program\nACME,IR,IRAN\n")
    with pytest.raises(ListDataError, match="missing columns"):
        _parse(path)


def test_new_layout_is_refused_with_a_pointer(samples: Path) -> None:
    with pytest.raises(ListDataError, match="ofsi_2022"):
        _parse(samples / "uk_ofsi" / "ConList.csv")


def test_header_only_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "sanctionsconlist.csv"
    path.write_text("Last Updated,13/04/2018\n" + HEADER + "\n")
    with pytest.raises(ListDataError, match="no entries"):
        _parse(path)


def test_folder_without_the_file(tmp_path: Path) -> None:
    (tmp_path / "readme.txt").write_text("nothing here")
    with pytest.raises(ListDataError, match="sanctionsconlist"):
        ofsi_csv.input_files(tmp_path)


def test_uk_dob_forms() -> None:
    assert ofsi_csv.uk_dob("23/08/1961") == "1961-08-23"
    assert ofsi_csv.uk_dob("00/08/1961") == "1961-08"
    assert ofsi_csv.uk_dob("00/00/1961") == "1961"
    assert ofsi_csv.uk_dob("08/1961") == "1961-08"
    assert ofsi_csv.uk_dob("1961") == "1961"
    assert ofsi_csv.uk_dob("dd/mm/1945") == "1945"
    assert ofsi_csv.uk_dob("dd/09/1958") == "1958-09"
    assert ofsi_csv.uk_dob("15/08/19yy") is None
    assert ofsi_csv.uk_dob("") is None
