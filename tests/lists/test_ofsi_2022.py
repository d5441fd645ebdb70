"""The OFSI ConList 2022-layout parser (format "ofsi_2022"), .xlsx and .csv."""

from __future__ import annotations

import csv
import functools
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook

from compliance.domain import CountryLink, EventDate, Identifier, ListRecord, Name, ParseReport, RelationRef
from compliance.errors import ListDataError
from compliance.lists.formats import get_format, ofsi_2022
from compliance.normalize.countries import country_code

XLSX = Path("uk_ofsi_conlist_2022") / "ConList_2025-04-10.xlsx"
HEADER = list(ofsi_2022.REQUIRED_COLUMNS)
HEADER.insert(HEADER.index("Name Non-Latin Script"), "Title")


def _code(name: str) -> str:
    return country_code(name) or name


def _parse(path: Path) -> tuple[list[ListRecord], ParseReport]:
    report = ParseReport()
    return list(ofsi_2022.parse(path, report)), report


def _row(**values: str) -> list[str]:
    cells = dict.fromkeys(HEADER, "")
    for key, value in values.items():
        column = key if key in cells else key.replace("_", " ")
        assert column in cells, f"no column {column!r}"
        cells[column] = value
    return [cells[name] for name in HEADER]


COMPANY_INFO = (
    "(UK Sanctions List Ref):RUS9000. Supplies parts. (Type of entity):Limited Liability "
    "Company (Parent company):(1) Alpha Holding (2) Beta Group (Business Reg No):(1) INN – 7700000001 "
    "(2) OGRN: 1027700000002 (Phone number):(1) +7 495 000 0001 (2) +7 495 000 0002 "
    "(Website):www.northwind.example (Email address):info@northwind.example"
)

ROWS = [
    _row(
        Name_6="NORTHWIND TRADING LLC",
        Group_Type="Entity",
        Alias_Type="AKA",
        Alias_Quality="Low quality",
        Regime="Russia",
        Listed_On="01/03/2024",
        Last_Updated="02/03/2024",
        Group_ID="900",
        Other_Information=COMPANY_INFO,
        **{"UK Sanctions List Date Designated": "01/03/2024"},
    ),
    _row(
        Name_6="IVANOVA",
        Name_1="Olga",
        **{
            "Name Non-Latin Script": "ИВАНОВА Ольга",
            "Non-Latin Script Type": "Cyrillic",
            "Non-Latin Script Language": "Russian",
        },
        DOB="00/05/1970",
        Nationality="(1) Russia (2) Cyprus",
        Passport_Number="(1) 7100001 (2) K0000002",
        Passport_Details="(1) Russian passport (2) Cypriot passport",
        Group_Type="Individual",
        Alias_Type="Primary name",
        Regime="Russia",
        Listed_On="15/03/2022",
        Last_Updated="15/03/2022",
        Group_ID="901",
        Other_Information="(UK Sanctions List Ref):RUS9001. (Gender):Female",
        **{"UK Sanctions List Date Designated": "15/03/2022"},
    ),
    _row(
        Name_6="NORTHWIND TRADING",
        Group_Type="Entity",
        Alias_Type="Primary name",
        Regime="Russia",
        Listed_On="01/03/2024",
        Last_Updated="02/03/2024",
        Group_ID="900",
        Address_1="5 Quay Street",
        Address_6="Limassol",
        **{"Post/Zip Code": "3035"},
        Country="Cyprus",
        Other_Information=COMPANY_INFO,
        **{"UK Sanctions List Date Designated": "01/03/2024"},
    ),
]


def _write_csv(path: Path, rows: list[list[str]], preamble: bool = True) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        if preamble:
            writer.writerow(["Last Updated", "20/03/2024"])
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def _write_xlsx(path: Path, rows: list[list[str]]) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Data"
    sheet.append(["Last Updated", "20/03/2024"])
    sheet.append(HEADER)
    for row in rows:
        sheet.append([cell or None for cell in row])
    book.save(path)
    return path


# ---------------------------------------------------------------- the real 2025 workbook


@functools.cache
def _parse_real(path: Path) -> tuple[dict[str, ListRecord], ParseReport]:
    records, report = _parse(path)
    return {r.ref: r for r in records}, report


@pytest.fixture
def real(shared_lists: Path) -> tuple[dict[str, ListRecord], ParseReport]:
    """The real workbook, parsed once for the whole module."""
    return _parse_real(shared_lists / XLSX)


def test_real_counts(real: tuple[dict[str, ListRecord], ParseReport]) -> None:
    by_ref, report = real
    assert report.published == date(2025, 4, 10)
    assert report.problems == []
    assert len(by_ref) == 4686
    assert sum(len(r.original["rows"]) for r in by_ref.values()) == 18796
    types = Counter(r.entity_type for r in by_ref.values())
    assert types["person"] == 3662
    assert types["organization"] + types["company"] == 1009
    assert types["vessel"] == 15
    assert len({p for r in by_ref.values() for p in r.programs}) == 31
    assert all(r.names[0].kind == "primary" for r in by_ref.values())
    # Two groups have no "Primary name" row: the first name is used and a note says so.
    assert sum("no row is marked 'Primary name'" in n for n in report.notes) == 2
    assert by_ref["16601"].names[0].kind == "primary"


def test_real_person_with_non_latin_name(real: tuple[dict[str, ListRecord], ParseReport]) -> None:
    rec = real[0]["15890"]
    assert rec.entity_type == "person"
    assert rec.names[0] == Name("Andrey Andreevich ZADACHIN", "primary")
    assert Name("Andrei Andreevich ZADACHIN", "aka") in rec.names
    assert Name("ЗАДАЧИН Андрей Андреевич", "aka", script="Cyrl", lang="ru") in rec.names
    assert rec.dates == [EventDate("1990-08-22", "birth")]
    assert CountryLink(_code("Russia"), "nationality") in rec.countries
    assert rec.programs == ["Russia"]
    assert rec.listed_on == date(2023, 4, 21)
    assert rec.properties["uk_sanctions_list_ref"] == "RUS1831"
    assert rec.properties["uk_date_designated"] == "2023-04-21"
    assert rec.properties["position"][1] == "Major of Justice"
    assert rec.properties["uk_statement_of_reasons"].startswith("Major Andrei ZADACHIN")
    assert rec.remarks is not None and rec.remarks.startswith("(UK Sanctions List Ref):RUS1831.")


def test_real_ship(real: tuple[dict[str, ListRecord], ParseReport]) -> None:
    rec = real[0]["13651"]
    assert rec.entity_type == "vessel"
    assert rec.names[0].value == "SAM JONG 2"
    assert {n.value for n in rec.names[1:]} >= {"AKTIVA", "YU_JONG_3"}
    assert rec.identifiers == [Identifier("imo", "7408873")]
    assert rec.relations == [RelationRef("owner", other_name="Korea Samjong Shipping")]
    assert rec.properties["vessel_type"] == "Oil tanker"
    assert rec.properties["tonnage"] == "1676"
    assert rec.properties["previous_flags"] == "Russia"
    assert CountryLink(_code("North Korea"), "flag") in rec.countries
    assert EventDate("1975", "build") in rec.dates
    # Listed On and the UK Sanctions List date differ here; both are kept.
    assert rec.listed_on == date(2018, 4, 3)
    assert rec.properties["uk_date_designated"] == "2018-03-30"


def test_real_entity_with_parent(real: tuple[dict[str, ListRecord], ParseReport]) -> None:
    rec = real[0]["16600"]
    assert rec.names[0].value == "RUSSIAN MINISTRY OF DEFENCE 27TH SCIENTIFIC CENTRE"
    assert rec.entity_type == "organization"  # "Type of entity: Military" is not a business
    assert rec.relations == [RelationRef("parent", other_name="Russian Ministry of Defence")]
    assert rec.properties["type_of_entity"] == "Military"
    assert rec.addresses[0].postal_code == "105005"
    oniip = real[0]["15964"]
    assert Identifier("tax_id", "5506218498", note="TIN") in oniip.identifiers
    assert Identifier("email", "info@oniip.ru") in oniip.identifiers


def test_registry_and_sniff(shared_lists: Path, samples: Path) -> None:
    assert get_format("ofsi_2022") is ofsi_2022
    assert ofsi_2022.sniff(shared_lists / XLSX)
    assert ofsi_2022.sniff(samples / "uk_ofsi" / "ConList.csv")
    assert not ofsi_2022.sniff(shared_lists / "uk_ofsi" / "sanctionsconlist.csv")
    assert ofsi_2022.input_files(shared_lists / "uk_ofsi_conlist_2022") == [shared_lists / XLSX]


# ---------------------------------------------------------------- the shipped sample


def test_sample(samples: Path) -> None:
    records, report = _parse(samples / "uk_ofsi")
    assert report.published == date(2025, 4, 10)
    assert report.problems == []
    by_ref = {r.ref: r for r in records}
    assert set(by_ref) == {"15024", "13651", "15890"}
    assert [r.entity_type for r in records] == ["company", "vessel", "person"]
    assert by_ref["15890"].names[-1].script == "Cyrl"
    assert by_ref["15024"].names[0].value == "MAKEYEV STATE MISSILE CENTER"
    assert by_ref["15024"].names[1].quality == "strong"
    assert by_ref["15024"].relations == [RelationRef("parent", other_name="Roscosmos")]
    assert Identifier("imo", "7408873") in by_ref["13651"].identifiers


# ---------------------------------------------------------------- files written here


def _check_small(records: list[ListRecord], report: ParseReport) -> None:
    assert report.published == date(2024, 3, 20)
    assert [r.ref for r in records] == ["900", "901"]
    company, person = records
    assert company.entity_type == "company"
    assert company.names == [
        Name("NORTHWIND TRADING", "primary"),
        Name("NORTHWIND TRADING LLC", "aka", quality="weak"),
    ]
    assert company.relations == [
        RelationRef("parent", other_name="Alpha Holding"),
        RelationRef("parent", other_name="Beta Group"),
    ]
    assert Identifier("tax_id", "7700000001", note="INN") in company.identifiers
    assert Identifier("registration", "1027700000002", note="OGRN") in company.identifiers
    assert Identifier("phone", "+7 495 000 0002") in company.identifiers
    assert Identifier("website", "www.northwind.example") in company.identifiers
    assert Identifier("email", "info@northwind.example") in company.identifiers
    assert company.addresses[0].full == "5 Quay Street, Limassol, 3035, Cyprus"
    assert company.properties["uk_sanctions_list_ref"] == "RUS9000"
    assert person.dates == [EventDate("1970-05", "birth")]
    assert [c.country for c in person.countries] == [_code("Russia"), _code("Cyprus")]
    assert person.identifiers == [
        Identifier("passport", "7100001", note="Russian passport"),
        Identifier("passport", "K0000002", note="Cypriot passport"),
    ]
    assert person.properties["gender"] == "Female"
    assert Name("ИВАНОВА Ольга", "aka", script="Cyrl", lang="ru") in person.names


def test_small_csv(tmp_path: Path) -> None:
    records, report = _parse(_write_csv(tmp_path / "ConList.csv", ROWS))
    assert report.problems == []
    _check_small(records, report)


def test_small_xlsx(tmp_path: Path) -> None:
    path = _write_xlsx(tmp_path / "ConList.xlsx", ROWS)
    assert ofsi_2022.sniff(path)
    records, report = _parse(path)
    assert report.problems == []
    _check_small(records, report)


def test_csv_without_preamble(tmp_path: Path) -> None:
    records, report = _parse(_write_csv(tmp_path / "ConList.csv", ROWS, preamble=False))
    assert report.published is None
    assert len(records) == 2


def test_damaged_csv_row(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "ConList.csv", ROWS)
    with open(path, "a", encoding="utf-8") as fh:
        fh.write("BROKEN,ROW\n")
        fh.write(",".join(_row(Name_6="NO GROUP", Group_Type="Entity")) + "\n")
    records, report = _parse(path)
    assert len(records) == 2
    assert report.problems == [
        "line 6: 2 fields instead of 36 (row cut off or damaged); skipped",
        "line 7: no Group ID; skipped",
    ]


def test_truncated_xlsx_is_refused(tmp_path: Path) -> None:
    good = _write_xlsx(tmp_path / "good.xlsx", ROWS * 50)
    cut = tmp_path / "ConList.xlsx"
    cut.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    with pytest.raises(ListDataError, match="damaged or cut off"):
        _parse(cut)


def test_real_xlsx_truncated_is_refused(shared_lists: Path, tmp_path: Path) -> None:
    data = (shared_lists / XLSX).read_bytes()
    cut = tmp_path / "ConList.xlsx"
    cut.write_bytes(data[: len(data) * 3 // 4])
    with pytest.raises(ListDataError):
        _parse(cut)


def test_corrupt_sheet_inside_a_valid_zip(tmp_path: Path) -> None:
    import zipfile

    good = _write_xlsx(tmp_path / "good.xlsx", ROWS)
    bad = tmp_path / "ConList.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]  # the sheet's XML stops mid-way
            dst.writestr(item, data)
    with pytest.raises(ListDataError):
        _parse(bad)


def test_html_saved_as_xlsx_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "ConList.xlsx"
    path.write_text("<html><head><title>404</title></head><body>Not found</body></html>")
    with pytest.raises(ListDataError, match="web page"):
        _parse(path)


def test_non_zip_xlsx_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "ConList.xlsx"
    path.write_text("just some text")
    with pytest.raises(ListDataError, match="not an Excel workbook"):
        _parse(path)


def test_empty_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "ConList.csv"
    path.write_bytes(b"")
    with pytest.raises(ListDataError, match="empty"):
        _parse(path)


def test_legacy_header_is_refused(shared_lists: Path) -> None:
    with pytest.raises(ListDataError, match="ofsi_csv"):
        _parse(shared_lists / "uk_ofsi" / "sanctionsconlist.csv")


def test_wrong_header_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "ConList.csv"
    path.write_text("Last Updated,01/01/2024\nname,country\nACME,IR\n")
    with pytest.raises(ListDataError, match="missing columns"):
        _parse(path)


def test_folder_without_the_file(tmp_path: Path) -> None:
    (tmp_path / "notes.csv").write_text("a,b\n1,2\n")
    with pytest.raises(ListDataError, match="ConList"):
        ofsi_2022.input_files(tmp_path)
