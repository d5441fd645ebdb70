"""The BIS Denied Persons List parser (format "bis_dpl")."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from compliance.domain import Address, ListRecord, ParseReport
from compliance.errors import ListDataError
from compliance.lists.formats import bis_dpl, get_format

HEADER = "\t".join(f'"{c}"' for c in bis_dpl.COLUMNS)


def _parse(path: Path) -> tuple[list[ListRecord], ParseReport]:
    report = ParseReport()
    return list(bis_dpl.parse(path, report)), report


def _line(*cells: str) -> str:
    return "\t".join(f'"{c}"' for c in cells)


def _row(name: str, effective: str = "01/02/2020", expiry: str = "01/02/2030", **kw: str) -> str:
    values = {
        "Name": name,
        "Street_Address": kw.get("street", "1 MAIN STREET"),
        "City": kw.get("city", "EL PASO"),
        "State": kw.get("state", "TX"),
        "Country": kw.get("country", ""),
        "Postal_Code": kw.get("postal", "79905"),
        "Effective_Date": effective,
        "Expiration_Date": expiry,
        "Standard_Order": "Y",
        "Last_Update": kw.get("update", "2020-01-05"),
        "Action": "F.R. NOTICE ADDED",
        "FR_Citation": kw.get("fr", "85 F.R. 1000 1/5/2020"),
    }
    return _line(*values.values())


def _write(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "dpl.txt"
    path.write_text("\n".join((HEADER, *lines)) + "\n", encoding="utf-8")
    return path


def _rows(record: ListRecord) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = record.original["rows"]
    return rows


def test_real_file_gives_one_record_per_denial_order(shared_lists: Path) -> None:
    records, report = _parse(shared_lists / "bis_dpl" / "dpl.txt")
    assert sum(len(_rows(r)) for r in records) == 665
    assert len({row["Name"] for r in records for row in _rows(r)}) == 546  # as written
    assert (
        len({" ".join(r.primary_name.split()).casefold() for r in records}) == 545
    )  # same party, other spacing
    assert len(records) == 547
    assert len({r.ref for r in records}) == 547
    assert all(re.fullmatch(r"DPL-\d{8}-[0-9a-f]{8}", r.ref) for r in records)
    assert all(r.entity_type == "unknown" and r.listed_on is not None for r in records)
    assert sum(r.listed_until is None for r in records) == 45  # 53 rows have no expiration date
    # Impossible Last_Update dates: rows kept, dates flagged.
    kept = "is not a possible date; row kept, date ignored"
    assert report.problems == [
        f"line 26: Last_Update '1023-11-01' for AL NASER AIRLINES {kept}",
        f"line 218: Last_Update '1023-11-01' for GIE KERMAN AVIATION {kept}",
        f"line 316: Last_Update '3033-09-30' for JOSE ERNESTO GARCIA {kept}",
    ]
    by_name: dict[str, list[ListRecord]] = {}
    for record in records:
        by_name.setdefault(record.primary_name, []).append(record)
    (garcia,) = by_name["JOSE ERNESTO GARCIA"]
    assert garcia.properties["last_update_invalid"] == "3033-09-30"
    assert "last_update" not in garcia.properties
    assert (garcia.listed_on, garcia.listed_until) == (date(2022, 9, 26), date(2030, 2, 3))

    # One order, four address rows whose FR citations differ: still one record.
    (airline,) = by_name["AL NASER AIRLINES"]
    assert len(airline.addresses) == 4 and len(_rows(airline)) == 4
    assert (airline.listed_on, airline.listed_until) == (date(2023, 10, 31), date(2024, 10, 30))
    assert isinstance(airline.properties["federal_register_notice"], list)
    assert airline.properties["last_update"] == "2023-11-01"
    assert (
        Address(
            full="P.O. BOX 911399, AMMAN, 11191, JO",
            street="P.O. BOX 911399",
            city="AMMAN",
            postal_code="11191",
            country="JO",
        )
        in airline.addresses
    )

    # The same name under two orders (2002 and 2003) gives two records.
    ash = sorted(by_name["I. ASH"], key=lambda r: str(r.listed_on))
    assert [r.listed_on for r in ash] == [date(2002, 3, 4), date(2003, 6, 19)]
    assert ash[1].properties["standard_order"] == "Y"
    assert _rows(ash[1])[0]["Name"] == " I. ASH"  # leading space kept in the original

    # Rows of one order that disagree on the expiry: the latest is used, all are kept.
    (ramirez,) = by_name["JESUS ADRIAN RAMIREZ"]
    assert ramirez.listed_until == date(2030, 12, 16)
    assert ramirez.properties["expiration_dates"] == ["2023-12-16", "2030-12-16"]


def test_ref_is_stable_and_readable() -> None:
    ref = bis_dpl.order_ref(" AL-NASER  AIRLINES", "10/31/2023")
    assert ref == bis_dpl.order_ref("al-naser airlines", "10/31/2023")
    assert ref != bis_dpl.order_ref("AL-NASER AIRLINES", "11/01/2023")
    assert ref.startswith("DPL-20231031-")


def test_grouping_does_not_depend_on_row_order(tmp_path: Path) -> None:
    rows = [
        _row("ACME LTD", street="1 A ST"),
        _row("OTHER CO"),
        _row("ACME LTD", street="2 B ST", fr="other"),
    ]
    forward, _ = _parse(_write(tmp_path, *rows))
    backward, _ = _parse(_write(tmp_path, *reversed(rows)))
    assert sorted(r.ref for r in forward) == sorted(r.ref for r in backward)
    acme = next(r for r in forward if r.primary_name == "ACME LTD")
    assert [a.street for a in acme.addresses] == ["1 A ST", "2 B ST"]
    assert acme.properties["federal_register_notice"] == ["85 F.R. 1000 1/5/2020", "other"]


def test_sample(samples: Path) -> None:
    path = samples / "bis_dpl" / "dpl.txt"
    assert bis_dpl.sniff(path)
    records, report = _parse(path)
    assert report.problems == []
    assert [r.primary_name for r in records] == [
        "AL NASER AIRLINES",
        "GIE KERMAN AVIATION",
        "AL-NASER WINGS AIRLINES",
    ]
    assert [len(r.addresses) for r in records] == [2, 1, 1]
    assert all(r.listed_on == date(2023, 10, 31) and r.listed_until == date(2024, 10, 30) for r in records)
    assert records[0].addresses[1].country == "JO"


def test_damaged_and_truncated_rows_go_to_problems(tmp_path: Path) -> None:
    path = _write(tmp_path, _row("ONE"), '"TWO"\t"ONLY TWO FIELDS"', _row("THREE"), _row("FOUR")[:40])
    records, report = _parse(path)
    assert [r.primary_name for r in records] == ["ONE", "THREE"]
    assert report.problems == [
        "line 3: 2 fields instead of 12 (row cut or damaged); skipped",
        "line 5: 5 fields instead of 12 (row cut or damaged); skipped",
    ]


def test_bad_date_and_missing_name(tmp_path: Path) -> None:
    records, report = _parse(_write(tmp_path, _row("ONE", effective="sometime"), _row("  ")))
    assert len(records) == 1 and records[0].listed_on is None
    assert records[0].ref.startswith("DPL-nodate-")
    assert report.problems == [
        "line 2: Effective_Date 'sometime' for ONE is not a date; row kept",
        "line 3: no name; skipped",
    ]


def test_bad_files_raise(tmp_path: Path, samples: Path) -> None:
    with pytest.raises(ListDataError, match="lacks Name, Street_Address"):
        _parse(samples / "us_csl" / "consolidated.csv")
    short = tmp_path / "short" / "dpl.txt"
    short.parent.mkdir()
    short.write_text('"Name"\t"City"\n"X"\t"Y"\n', encoding="utf-8")
    with pytest.raises(ListDataError, match="lacks Street_Address, State, Country"):
        _parse(short)
    page = tmp_path / "page.txt"
    page.write_text("<!doctype html><title>Error</title>", encoding="utf-8")
    with pytest.raises(ListDataError, match="web page"):
        _parse(page)
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.raises(ListDataError, match="empty"):
        _parse(empty)


def test_folder_and_registry(tmp_path: Path, samples: Path) -> None:
    assert get_format("bis_dpl") is bis_dpl
    assert bis_dpl.input_files(samples / "bis_dpl") == [samples / "bis_dpl" / "dpl.txt"]
    with pytest.raises(ListDataError, match=r"dpl\.txt"):
        bis_dpl.input_files(tmp_path)
    assert not bis_dpl.sniff(samples / "us_csl" / "consolidated.csv")
