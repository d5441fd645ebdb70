"""The legacy EU consolidated list CSV v1.0 parser (format "eu_csv")."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from compliance.domain import CountryLink, EventDate, Identifier, ListRecord, Name, ParseReport
from compliance.errors import ListDataError
from compliance.lists.formats import eu_csv, get_format

HEADER = (
    "Date_file;Entity_logical_id;Subject_type;Leba_numtitle;Leba_publication_date;Leba_url;Programme;"
    "Entity_remark;Naal_logical_id;Entity_logical_id;Naal_leba_numtitle;Naal_leba_publication_date;"
    "Naal_leba_url;Naal_programme;Naal_lastname;Naal_firstname;Naal_middlename;Naal_wholename;Naal_gender;"
    "Naal_title;Naal_function;Naal_language;Addr_logical_id;Entity_logical_id;Addr_leba_numtitle;"
    "Addr_leba_publication_date;Addr_leba_url;Addr_programme;Addr_number;Addr_street;Addr_zipcode;Addr_city;"
    "Addr_country;Addr_other;Birt_logical_id;Entity_logical_id;Birt_leba_numtitle;Birt_leba_publication_date;"
    "Birt_leba_url;Birt_programme;Birt_date;Birt_place;Birt_country;Iden_logical_id;Entity_logical_id;"
    "Iden_leba_numtitle;Iden_leba_publication_date;Iden_leba_url;Iden_programme;Iden_number;Iden_country;"
    "Citi_logical_id;Entity_logical_id;Citi_leba_numtitle;Citi_leba_publication_date;Citi_leba_url;"
    "Citi_programme;Citi_country;EU_ref_num"
)


def _parse(path: Path) -> tuple[list[ListRecord], ParseReport]:
    report = ParseReport()
    return list(eu_csv.parse(path, report)), report


def _real(shared_lists: Path) -> Path:
    return shared_lists / "eu_fsf" / "EUSanctionsShort.csv"


def _row(entity: str, subject: str, eu_ref: str, **values: str) -> list[str]:
    """One line's 59 cells: the entity columns plus the given block cells (by column name)."""
    cells = [""] * len(eu_csv.COLUMNS)
    base = {
        "Date_file": "04/07/2018",
        "Entity_logical_id": entity,
        "Subject_type": subject,
        "Leba_numtitle": "100/2010 (OJ L1)",
        "Leba_publication_date": "2010-01-05",
        "Programme": "TERR",
        "EU_ref_num": eu_ref,
    }
    for name, value in {**base, **values}.items():
        cells[eu_csv.COLUMNS.index(name)] = value
    for block in ("Naal", "Addr", "Birt", "Iden", "Citi"):
        if cells[eu_csv.COLUMNS.index(f"{block}_logical_id")]:
            cells[eu_csv.COLUMNS.index(f"{block}_entity_logical_id")] = entity
    return cells


def _csv_line(cells: list[str]) -> str:
    return ";".join(
        f'"{c.replace(chr(34), chr(34) * 2)}"' if any(x in c for x in ';"\n') else c for c in cells
    )


ROWS = [
    _row("7", "P", "EU.7.1", Naal_logical_id="70", Naal_wholename="Jean Exemple", Naal_gender="M",
         Naal_function="Treasurer; financier", Naal_leba_publication_date="2009-03-01"),
    _row("7", "P", "EU.7.1", Naal_logical_id="71", Naal_wholename="Jean Éxemplé", Naal_language="FR"),
    _row("7", "P", "EU.7.1", Birt_logical_id="72", Birt_date="1961-08-00", Birt_place="Lyon",
         Birt_country="FRA"),
    _row("7", "P", "EU.7.1", Iden_logical_id="73",
         Iden_number="X123 (passport-National passport) (issued 2001)", Iden_country="FRA"),
    _row("7", "P", "EU.7.1", Citi_logical_id="74", Citi_country="FRA",
         Entity_remark="Line one\\nline two"),
    _row("9", "E", "EU.9.2", Naal_logical_id="90", Naal_wholename="Example Trading, Ltd"),
    _row("9", "E", "EU.9.2", Addr_logical_id="91", Addr_street="1 Main Street", Addr_city="Karachi",
         Addr_country="PAK", Addr_other="PHONE[123 45, 678 90]"),
]  # fmt: skip


def _clean_text(rows: list[list[str]]) -> str:
    return "\r\n".join([HEADER, *(_csv_line(r) for r in rows)]) + "\r\n"


def _wrapped_text(rows: list[list[str]]) -> str:
    """What a spreadsheet re-save makes of the clean file."""
    lines = []
    for line in [HEADER, *(_csv_line(r) for r in rows)]:
        line = line.replace(",", "\t")
        line = line + "\t" * (31 - line.count("\t"))
        lines.append('"' + line.replace('"', '""') + '"')
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------ real file


def test_real_file_counts(shared_lists: Path) -> None:
    records, report = _parse(_real(shared_lists))
    assert len(records) == 93
    assert Counter(r.entity_type for r in records) == {"person": 61, "organization": 32}
    assert report.published == date(2018, 7, 4)
    assert records[0].ref == "1" and records[-1].ref == "481"
    assert len({r.ref for r in records}) == 93
    # 165 aliases lost their letters in the re-save, plus the possibly cut-off last entry.
    assert len(report.problems) == 166
    lost = [p for p in report.problems if "lost letters" in p]
    assert len(lost) == 165
    assert lost[0].startswith("line 393: ")
    assert report.problems[-1].startswith("line 983: entity 481 is the last entry")
    assert any("re-saved by a spreadsheet" in note for note in report.notes)
    assert sum(len(r.names) for r in records) == 578
    for record in records:
        for name in record.names:
            assert not re.search(r"\w\?|\?\w", name.value), name
            assert "\t" not in name.value
    assert Counter(p for r in records for p in r.programs) == {"IRQ": 57, "TERR": 17, "TAQA": 17, "ZWE": 2}


def test_real_last_entry_is_kept_but_incomplete(shared_lists: Path) -> None:
    records, _ = _parse(_real(shared_lists))
    last = records[-1]
    assert last.ref == "481"
    assert len(last.original["rows"]) == 18
    assert {"names", "addresses", "identifiers", "countries"} <= last.incomplete
    assert last.names[0].value == "Salafist Group for Call and Combat"
    assert [a.country for a in last.addresses] == ["DZ", "ML", "MR", "MA"]
    assert all(not r.incomplete for r in records[:-1])


def test_real_entity_field_by_field(shared_lists: Path) -> None:
    """Entity 13, EU.27.28: the same person as logicalId 13 in the FSF XML sample."""
    records = {r.ref: r for r in _parse(_real(shared_lists))[0]}
    record = records["13"]
    assert record.entity_type == "person"
    assert record.names == [
        Name("Saddam Hussein Al-Tikriti", "primary", "Latn"),
        Name("Abu Ali", "aka", "Latn"),
        Name("Abou Ali", "aka", "Latn", "fr"),
    ]
    assert record.programs == ["IRQ"]
    assert record.listed_on == date(2003, 7, 8)
    assert record.properties["eu_reference_number"] == "EU.27.28"
    assert record.properties["regulation"] == ["1210/2003 (OJ L169)"]
    assert record.properties["gender"] == "male"
    assert "listed_on_source" in record.properties
    assert record.dates == [EventDate("1937-04-28", "birth")]
    # The re-save turned the comma into a TAB: "al-Awja, near Tikrit" is restored.
    assert record.places_of_birth == ["al-Awja, near Tikrit"]
    assert record.countries == [CountryLink("IQ", "birth"), CountryLink("IQ", "citizenship")]
    assert record.identifiers == [] and record.addresses == []
    assert record.remarks == "(UNSC RESOLUTION 1483)"
    assert len(record.original["rows"]) == 5
    assert record.original["rows"][0]["Naal_entity_logical_id"] == "13"


def test_real_other_entities(shared_lists: Path) -> None:
    records = {r.ref: r for r in _parse(_real(shared_lists))[0]}
    mugabe = records["1"]
    assert mugabe.identifiers == [Identifier("passport", "AD001095", None, "National passport")]
    assert mugabe.listed_on == date(2002, 9, 13)
    assert mugabe.remarks is not None and "\n(Date of designation" in mugabe.remarks
    # A quoted field holding ";" (line 55) is read whole.
    assert "Former Governor of Karbala and An Najaf;" in records["43"].properties["position"]
    trust = records["330"]
    # TABs that stood for commas are commas again; the country is turned into ISO2.
    clifton = next(a for a in trust.addresses if a.street and a.street.startswith("Clifton Center"))
    assert (clifton.street, clifton.city, clifton.country) == (
        "Clifton Center, Block 5, 6th floor, Clifton, 617",
        "Karachi",
        "PK",
    )
    assert clifton.full.startswith("Clifton Center, Block 5, 6th floor, Clifton, 617, Karachi, ")
    assert Identifier("phone", "0300-820 91 99", "PK", "phone") in trust.identifiers
    assert Identifier("phone", "662 38 14", "PK", "fax") in trust.identifiers
    assert any(n.value == "Aid Organisation of the Ulema, Pakistan" for n in trust.names)
    assert all(not i.note or not i.note.startswith("?") for r in records.values() for i in r.identifiers)


# ------------------------------------------------------------------ clean and wrapped files


def test_clean_file(tmp_path: Path) -> None:
    path = tmp_path / "eu.csv"
    path.write_bytes(_clean_text(ROWS).encode("cp1252"))
    records, report = _parse(path)
    assert report.problems == []
    assert report.notes == []
    assert report.published == date(2018, 7, 4)
    assert [r.ref for r in records] == ["7", "9"]
    person, company = records
    assert not person.incomplete and not company.incomplete
    assert person.names == [
        Name("Jean Exemple", "primary", "Latn"),
        Name("Jean Éxemplé", "aka", "Latn", "fr"),
    ]
    assert person.properties["position"] == ["Treasurer; financier"]
    assert person.listed_on == date(2009, 3, 1)
    assert person.dates == [EventDate("1961-08", "birth")]
    assert person.places_of_birth == ["Lyon"]
    assert person.countries == [CountryLink("FR", "birth"), CountryLink("FR", "citizenship")]
    assert person.identifiers == [Identifier("passport", "X123", "FR", "National passport; issued 2001")]
    assert person.remarks == "Line one\nline two"
    assert company.entity_type == "organization"
    assert company.names[0].value == "Example Trading, Ltd"
    assert company.addresses[0].street == "1 Main Street"
    assert company.addresses[0].country == "PK"
    assert [i.value for i in company.identifiers] == ["123 45", "678 90"]


def test_wrapped_file_reads_like_the_clean_one(tmp_path: Path) -> None:
    clean = tmp_path / "clean.csv"
    clean.write_bytes(_clean_text(ROWS).encode("cp1252"))
    wrapped = tmp_path / "wrapped.csv"
    wrapped.write_bytes(_wrapped_text(ROWS).encode("cp1252"))
    clean_records, _ = _parse(clean)
    wrapped_records, report = _parse(wrapped)
    assert [(r.names, r.addresses, r.identifiers, r.properties) for r in wrapped_records] == [
        (r.names, r.addresses, r.identifiers, r.properties) for r in clean_records
    ]
    # The end of a re-saved copy cannot be trusted: the last entry is flagged.
    assert len(report.problems) == 1 and "entity 9 is the last entry" in report.problems[0]
    assert wrapped_records[-1].incomplete and not wrapped_records[0].incomplete


def test_multiline_quoted_field_in_clean_file(tmp_path: Path) -> None:
    rows = [
        _row(
            "5",
            "E",
            "EU.5.5",
            Naal_logical_id="50",
            Naal_wholename="Two Line Org",
            Entity_remark="first\nsecond",
        )
    ]
    path = tmp_path / "multi.csv"
    path.write_text(_clean_text(rows), encoding="utf-8")
    records, report = _parse(path)
    assert report.problems == []
    assert records[0].remarks == "first\nsecond"


# ------------------------------------------------------------------ damaged rows


def test_damaged_lines_are_reported_and_skipped(tmp_path: Path) -> None:
    lines = [
        HEADER,
        _csv_line(ROWS[0]),
        "04/07/2018;7;P;short line",  # line 3: wrong number of columns
        _csv_line(ROWS[1]),
        '04/07/2018;7;P;"never closed;' + ";" * 40,  # line 5: unbalanced quote
        _csv_line(ROWS[5]),
        _csv_line(ROWS[2]),  # line 7: entity 7 again after entity 9
        _csv_line(_row("x", "P", "EU.0")),  # line 8: no entity id
        _csv_line(ROWS[6]),
    ]
    path = tmp_path / "damaged.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    records, report = _parse(path)
    assert [r.ref for r in records] == ["7", "9"]
    assert [len(r.original["rows"]) for r in records] == [2, 2]
    assert [p.split(":")[0] for p in report.problems] == ["line 3", "line 5", "line 7", "line 8"]
    assert "columns instead of 59" in report.problems[0]
    assert "never closed" in report.problems[1]
    assert "appears again" in report.problems[2]
    assert "no entity id" in report.problems[3]
    assert not records[-1].incomplete  # the file ends cleanly


def test_cut_off_last_line(tmp_path: Path) -> None:
    text = _wrapped_text(ROWS)
    path = tmp_path / "cut.csv"
    path.write_bytes(text[:-80].encode("cp1252"))  # the last line loses its end and closing quote
    records, report = _parse(path)
    assert [r.ref for r in records] == ["7", "9"]
    assert len(records[1].original["rows"]) == 1
    assert records[1].incomplete
    assert report.problems[0].startswith("line 8: ")
    assert "ends in the middle of a line" in report.problems[1]


# ------------------------------------------------------------------ bad input


def test_html_empty_and_wrong_format_are_refused(tmp_path: Path) -> None:
    html = tmp_path / "page.csv"
    html.write_text("<html><head><title>Maintenance</title></head></html>", encoding="utf-8")
    with pytest.raises(ListDataError, match="web page"):
        _parse(html)
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(ListDataError, match="empty"):
        _parse(empty)
    ofac = tmp_path / "sdn.csv"
    ofac.write_text('36,"AEROCARIBBEAN AIRLINES",-0- ,"CUBA",-0- ,-0- \n', encoding="utf-8")
    with pytest.raises(ListDataError, match=r"not the EU consolidated list CSV v1\.0"):
        _parse(ofac)


def test_header_only(tmp_path: Path) -> None:
    path = tmp_path / "header.csv"
    path.write_text(HEADER + "\n", encoding="utf-8")
    records, report = _parse(path)
    assert records == []
    assert report.notes == ["The file holds a header but no entries."]


def test_registry_sniff_and_folder(shared_lists: Path, tmp_path: Path) -> None:
    assert get_format("eu_csv") is eu_csv
    assert eu_csv.sniff(_real(shared_lists))
    assert eu_csv.input_files(shared_lists / "eu_fsf") == [_real(shared_lists)]
    clean = tmp_path / "list.csv"
    clean.write_text(_clean_text(ROWS), encoding="utf-8")
    assert eu_csv.sniff(clean)
    other = tmp_path / "other.csv"
    other.write_text("a,b,c\n", encoding="utf-8")
    assert not eu_csv.sniff(other)
    empty_dir = tmp_path / "nothing"
    empty_dir.mkdir()
    with pytest.raises(ListDataError, match="no EU consolidated list CSV"):
        eu_csv.input_files(empty_dir)
