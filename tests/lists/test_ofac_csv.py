"""OFAC legacy CSV parser: the real SDN and non-SDN sets, the samples, and bad input."""

from __future__ import annotations

import time
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from compliance.domain import CountryLink, EventDate, Identifier, ListRecord, Name, ParseReport, RelationRef
from compliance.errors import ListDataError
from compliance.lists.formats import get_format, ofac_csv
from compliance.lists.formats.ofac_csv import (
    CMIC_SUBLIST,
    MBS_SUBLIST,
    PLC_SUBLIST,
    REMARK_FIELDS,
    SDN_SUBLIST,
    SSI_SUBLIST,
)


def parse(path: Path) -> tuple[list[ListRecord], ParseReport]:
    report = ParseReport()
    return list(ofac_csv.parse(path, report)), report


def by_ref(records: list[ListRecord]) -> dict[str, ListRecord]:
    return {r.ref: r for r in records}


def row(*cells: str | None) -> str:
    """One OFAC CSV line: text quoted, None as the -0- null token."""
    return ",".join(
        "-0- " if c is None else (c if c.isdigit() else '"' + c.replace('"', '""') + '"') for c in cells
    )


def sdn_row(
    ent: int, name: str, kind: str | None = None, programs: str = "SDGT", remarks: str | None = None
) -> str:
    return row(str(ent), name, kind, programs, None, None, None, None, None, None, None, remarks)


def write(path: Path, lines: list[str], eof: bool = True) -> Path:
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("latin-1") + (b"\x1a" if eof else b""))
    return path


# ---------------------------------------------------------------- real files


_PARSED: dict[Path, tuple[list[ListRecord], ParseReport, float]] = {}


@pytest.fixture
def sdn_2023(shared_lists: Path) -> tuple[list[ListRecord], ParseReport, float]:
    """The real 2023-12 SDN set, parsed once for the tests that read it."""
    folder = shared_lists / "ofac_sdn"
    if folder not in _PARSED:
        started = time.perf_counter()
        records, report = parse(folder)
        _PARSED[folder] = (records, report, time.perf_counter() - started)
    return _PARSED[folder]


@pytest.mark.shared
def test_sdn_2023_counts_and_speed(sdn_2023: tuple[list[ListRecord], ParseReport, float]) -> None:
    records, report, seconds = sdn_2023
    assert len(records) == 13_821
    assert Counter(r.entity_type for r in records) == {
        "person": 6_646,
        "organization": 6_033,
        "vessel": 764,
        "aircraft": 378,
    }
    assert report.problems == []
    assert report.missing_parts == []
    assert {r.sublist for r in records} == {SDN_SUBLIST}
    assert len({r.ref for r in records}) == 13_821
    assert seconds < 3.0, f"parsing the full SDN set took {seconds:.2f} s"


@pytest.mark.shared
def test_sdn_2023_remark_continuations(sdn_2023: tuple[list[ListRecord], ParseReport, float]) -> None:
    records, report, _ = sdn_2023
    index = by_ref(records)
    continued = [r for r in records if "sdn_comments.csv" in r.original]
    assert len(continued) == 16
    assert all(not r.incomplete for r in continued)
    # ent 45430 is cut at 1,000 characters and sdn_comments.csv has no continuation.
    kimsuky = index["45430"]
    assert kimsuky.incomplete == REMARK_FIELDS
    assert kimsuky.remarks is not None and len(kimsuky.remarks) == 1000
    assert [r.ref for r in records if r.incomplete] == ["45430"]
    assert any("45430" in note for note in report.notes)
    # The cut falls mid-word: "snowsjo" + "hn'; Linked To: LAZARUS GROUP."
    tian = index["28263"]
    assert Name("snowsjohn", "aka", quality="weak") in tian.names
    assert tian.relations == [RelationRef("linked_to", other_name="LAZARUS GROUP")]
    assert tian.remarks is not None and tian.remarks.endswith("Linked To: LAZARUS GROUP.")


@pytest.mark.shared
def test_sdn_2023_spot_checks(sdn_2023: tuple[list[ListRecord], ParseReport, float]) -> None:
    index = by_ref(sdn_2023[0])

    bank = index["306"]
    assert bank.entity_type == "organization"
    assert bank.names == [
        Name("BANCO NACIONAL DE CUBA", "primary"),
        Name("NATIONAL BANK OF CUBA", "aka", quality="strong"),
        Name("BNC", "aka", quality="weak"),
    ]
    assert bank.programs == ["CUBA"]
    assert len(bank.addresses) == 4
    assert bank.addresses[0].street == "Zweierstrasse 35"
    assert bank.addresses[0].city == "Zurich CH-8022"
    assert bank.addresses[0].country in ("CH", "Switzerland")
    assert bank.original["sdn.csv"]["sdn_name"] == "BANCO NACIONAL DE CUBA"
    assert len(bank.original["add.csv"]) == 4

    nasrallah = index["2686"]
    assert nasrallah.entity_type == "person"
    assert nasrallah.names[0] == Name("NASRALLAH, Hasan", "primary")
    assert nasrallah.properties["last_name"] == "NASRALLAH"
    assert nasrallah.properties["first_name"] == "Hasan"
    assert nasrallah.properties["title"] == "Secretary General of Hizballah"
    assert nasrallah.properties["gender"] == "Male"
    assert nasrallah.programs == ["SDGT", "SYRIA"]
    assert [d.value for d in nasrallah.dates] == ["1960-08-31", "1953-08-31", "1955-08-31", "1958-08-31"]
    assert nasrallah.places_of_birth == ["Al Basuriyah, Lebanon"]
    (passport,) = [i for i in nasrallah.identifiers if i.type == "passport"]
    assert passport.value == "042833"
    assert passport.country in ("LB", "Lebanon")
    assert nasrallah.relations == [RelationRef("linked_to", other_name="HIZBALLAH")]
    assert nasrallah.listed_on is None

    naqdi = index["12057"]
    assert [(d.value, d.approximate) for d in naqdi.dates] == [
        ("1951/1953", False),
        ("1960/1962", False),
        ("1961-04", False),
        ("1953", False),
    ]
    assert naqdi.places_of_birth == ["Najaf, Iraq", "Tehran, Iran"]
    assert CountryLink("IR", "nationality") in naqdi.countries

    vessel = index["15036"]
    assert vessel.entity_type == "vessel"
    assert Identifier("imo", "9187629", None, "Vessel Registration Identification") in vessel.identifiers
    assert Identifier("mmsi", "572469210", None, "MMSI") in vessel.identifiers
    assert vessel.properties["call_sign"] == "T2EU4"
    assert vessel.properties["vessel_type"] == "Crude/Oil Products Tanker"
    assert vessel.properties["tonnage"] == "99,144"
    assert vessel.properties["grt"] == "56,068"
    assert vessel.properties["vessel_flag"] == "Iran"
    assert CountryLink("IR", "flag") in vessel.countries
    assert Name("ALPHA", "fka", quality="weak") in vessel.names
    assert Name("ABADAN", "fka", quality="strong") in vessel.names
    assert vessel.relations == [RelationRef("linked_to", other_name="NATIONAL IRANIAN TANKER COMPANY")]

    aircraft = index["18150"]
    assert aircraft.entity_type == "aircraft"
    assert {(i.type, i.value) for i in aircraft.identifiers} == {
        ("aircraft_serial", "391"),
        ("aircraft_tail", "EP-MMH"),
    }
    assert aircraft.dates == [EventDate("2002", "build")]
    assert aircraft.properties["aircraft_model"] == "Airbus A340-642"

    wallet = index["25308"]
    coins = [i for i in wallet.identifiers if i.type == "digital_currency"]
    assert len(coins) == 6
    assert coins[0] == Identifier("digital_currency", "12QtD5BFwRsdNsAZY76UVE1xyCGNTojH9h", None, "XBT")

    # Directive listing dates on an SDN entry are not its SDN designation date.
    sberbank = index["17018"]
    assert sberbank.listed_on is None
    assert "EO 14024 Directive 2: 2022-02-24" in sberbank.properties["listing_date"]


@pytest.mark.shared
def test_sdn_2024_without_companions(shared_lists: Path) -> None:
    records, report = parse(shared_lists / "ofac_sdn_2024-05-03" / "sdn.csv")
    assert len(records) == 14_965
    assert sorted(report.missing_parts) == ["add.csv", "alt.csv", "sdn_comments.csv"]
    assert all({"names", "addresses", "countries"} <= r.incomplete for r in records)
    cut = [r for r in records if "remarks" in r.incomplete]
    assert len(cut) == 18
    assert all(r.incomplete >= REMARK_FIELDS for r in cut)
    assert all(len(r.names) >= 1 and r.addresses == [] for r in records)


@pytest.mark.shared
def test_consolidated_set(shared_lists: Path) -> None:
    records, report = parse(shared_lists / "ofac_consolidated")
    assert len(records) == 442
    assert report.problems == [] and report.missing_parts == []
    assert Counter(r.entity_type for r in records) == {"organization": 363, "person": 79}
    sublists = Counter(r.sublist for r in records)
    assert sublists[CMIC_SUBLIST] == 68
    assert sublists[PLC_SUBLIST] == 78
    assert sublists[SSI_SUBLIST] == 286
    index = by_ref(records)

    huawei = index["30947"]
    assert huawei.names[0] == Name("HUAWEI TECHNOLOGIES CO., LTD.", "primary")
    assert Name("HUAWEI INVESTMENT & HOLDING CO LTD", "aka", quality="strong") in huawei.names
    assert huawei.programs == ["CMIC-EO13959"]
    assert huawei.sublist == CMIC_SUBLIST
    assert huawei.listed_on == date(2021, 6, 3)
    assert huawei.properties["effective_date"] == "CMIC: 2021-08-02"
    assert huawei.properties["divestment_date"] == "CMIC: 2022-06-03"
    assert huawei.identifiers == [
        Identifier("registration", "914403001922038216", "CN", "Unified Social Credit Code (USCC)")
    ]
    (address,) = huawei.addresses
    assert "Shenzhen" in (address.city or "") and address.country == "CN"
    assert huawei.remarks is not None and "Listing Date (CMIC) 03 Jun 2021" in huawei.remarks

    glory = index["32089"]
    assert glory.relations == [RelationRef("linked_to", other_name="HUAWEI INVESTMENT & HOLDING CO., LTD.")]
    assert len([i for i in glory.identifiers if i.type == "isin"]) == 6

    # An SSI entry's directive dates are not its SSI listing date; an NS-MBS entry's are.
    assert index["17018"].sublist == SSI_SUBLIST and index["17018"].listed_on is None
    assert index["31693"].sublist == MBS_SUBLIST and index["31693"].listed_on == date(2022, 2, 22)
    assert "cons_comments.csv" in index["31693"].original
    assert index["9647"].programs == ["SDGT", "NS-PLC"] and index["9647"].sublist == PLC_SUBLIST


# ---------------------------------------------------------------- samples


def test_sdn_sample(samples: Path) -> None:
    records, report = parse(samples / "ofac_sdn")
    assert report.problems == [] and report.missing_parts == []
    assert len(records) == 8
    assert Counter(r.entity_type for r in records) == {
        "organization": 4,
        "person": 2,
        "vessel": 1,
        "aircraft": 1,
    }
    index = by_ref(records)
    tornado = index["39796"]
    assert tornado.incomplete == frozenset()
    assert len([i for i in tornado.identifiers if i.type == "digital_currency" and i.note == "ETH"]) == 13
    assert tornado.dates == [EventDate("2019", "incorporation")]
    assert "transactions_prohibited" in tornado.properties
    assert index["12057"].dates[1] == EventDate("1960", "birth", approximate=True)
    assert index["45678"].relations == [RelationRef("linked_to", other_name="HAMAS")]
    assert get_format("ofac_csv").sniff(samples / "ofac_sdn" / "sdn.csv")


def test_cons_sample(samples: Path) -> None:
    records, report = parse(samples / "ofac_cons")
    assert report.problems == []
    assert report.missing_parts == ["cons_comments.csv"]
    assert len(records) == 5
    huawei = by_ref(records)["30947"]
    assert huawei.sublist == CMIC_SUBLIST
    assert huawei.listed_on == date(2021, 6, 3)
    assert huawei.addresses[0].country == "CN"
    assert huawei.incomplete == frozenset()  # no remark is cut, so nothing is lost
    assert by_ref(records)["32087"].relations == [
        RelationRef("linked_to", other_name="HUAWEI TECHNOLOGIES CO., LTD.")
    ]
    assert by_ref(records)["31693"].listed_on == date(2022, 2, 22)


# ---------------------------------------------------------------- files and bad input


def test_folder_and_case_insensitive_names(tmp_path: Path) -> None:
    write(tmp_path / "SDN.CSV", [sdn_row(10, "DOE, John", "individual", remarks="DOB circa 1960.")])
    write(tmp_path / "ALT.CSV", [row("10", "1", "aka", "DOE, Johnny", None)])
    write(tmp_path / "Add.Csv", [row("10", "1", "1 Main St", "Springfield", "Cuba", None)])
    files = ofac_csv.input_files(tmp_path)
    assert [f.name for f in files] == ["SDN.CSV", "Add.Csv", "ALT.CSV"]
    records, report = parse(tmp_path)
    assert report.missing_parts == ["sdn_comments.csv"]
    (record,) = records
    assert record.names[1] == Name("DOE, Johnny", "aka", quality="strong")
    assert record.addresses[0].street == "1 Main St"
    assert record.dates == [EventDate("1960", "birth", approximate=True)]
    assert record.incomplete == frozenset()
    # Given a companion, the main file beside it is read.
    assert ofac_csv.input_files(tmp_path / "ALT.CSV")[0].name == "SDN.CSV"


def test_missing_main_file(tmp_path: Path) -> None:
    write(tmp_path / "add.csv", [row("10", "1", None, None, "Cuba", None)])
    with pytest.raises(ListDataError, match=r"no sdn\.csv"):
        ofac_csv.input_files(tmp_path)
    with pytest.raises(ListDataError, match=r"main file sdn\.csv"):
        ofac_csv.input_files(tmp_path / "add.csv")


def test_missing_companions_mark_fields(tmp_path: Path) -> None:
    write(tmp_path / "sdn.csv", [sdn_row(10, "ACME LTD", remarks="Linked To: X.")])
    records, report = parse(tmp_path / "sdn.csv")
    assert sorted(report.missing_parts) == ["add.csv", "alt.csv", "sdn_comments.csv"]
    assert records[0].incomplete == {"names", "addresses", "countries"}


def test_cut_remark_without_continuation(tmp_path: Path) -> None:
    # 17 + 32 * 30 = 977: the cut at 1,000 falls inside the 33rd website.
    text = "DOB 01 Jan 1970; " + "; ".join(f"alt. Website site{i:03d}.example" for i in range(60))
    cut = text[:1000]
    assert cut.endswith("alt. Website site032.ex")
    write(
        tmp_path / "sdn.csv",
        [sdn_row(10, "SHORT CO", remarks="Website a.example."), sdn_row(11, "LONG CO", remarks=cut)],
    )
    records, _report = parse(tmp_path / "sdn.csv")
    short, long = records
    assert "remarks" not in short.incomplete
    assert short.incomplete == {"names", "addresses", "countries"}
    assert long.incomplete == REMARK_FIELDS | {"names", "addresses", "countries"}
    assert long.remarks == cut
    assert long.dates == [EventDate("1970-01-01", "birth")]
    # The fragment after the last ";" is not read as a (wrong) website.
    assert [i.value for i in long.identifiers] == [f"site{i:03d}.example" for i in range(32)]


def test_cut_remark_with_comments_but_no_continuation(tmp_path: Path) -> None:
    text = "; ".join(f"Website w{i:03d}.example" for i in range(50)) + "; Linked To: B PARENT."
    assert len(text) > 1000
    write(
        tmp_path / "sdn.csv",
        [sdn_row(10, "A CO", remarks=text[:1000]), sdn_row(11, "B CO", remarks=text[:1000])],
    )
    write(tmp_path / "sdn_comments.csv", [row("11", text[1000:])])
    write(
        tmp_path / "add.csv", [row("10", "1", None, None, None, None), row("11", "2", None, None, None, None)]
    )
    write(tmp_path / "alt.csv", [])
    records, report = parse(tmp_path)
    a, b = records
    assert report.missing_parts == []
    assert a.incomplete == REMARK_FIELDS
    assert a.relations == []
    assert b.incomplete == frozenset()
    assert b.remarks == text
    assert b.relations == [RelationRef("linked_to", other_name="B PARENT")]
    assert len(b.identifiers) == 50
    assert any("entry 10" in n for n in report.notes)


def test_truncated_file(tmp_path: Path) -> None:
    lines = [sdn_row(10, "ONE"), sdn_row(11, "TWO")]
    path = tmp_path / "sdn.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode() + b'12,"THR')
    records, report = parse(path)
    assert [r.ref for r in records] == ["10", "11"]
    assert any(p.startswith("sdn.csv line 3:") for p in report.problems)
    assert any("cut off" in n for n in report.notes)


def test_damaged_and_duplicate_rows(tmp_path: Path) -> None:
    lines = [
        sdn_row(10, "ONE"),
        '11,"TWO",-0- ,"SDGT"',
        sdn_row(12, "THREE").replace("12,", "x12,", 1),
        sdn_row(10, "ONE AGAIN"),
        sdn_row(13, "M\u00dcLLER GMBH"),
    ]
    records, report = parse(write(tmp_path / "sdn.csv", lines))
    assert [r.ref for r in records] == ["10", "13"]
    assert records[1].names[0].value == "M\u00dcLLER GMBH"  # Latin-1 byte 0xDC read right
    assert len(report.problems) == 3
    assert any("line 2" in p for p in report.problems)
    assert any("appears twice" in p for p in report.problems)


def test_html_page(tmp_path: Path) -> None:
    path = tmp_path / "sdn.csv"
    path.write_text("<!DOCTYPE html><html><body>Service unavailable</body></html>")
    with pytest.raises(ListDataError, match="web page"):
        parse(path)
    assert not ofac_csv.sniff(path)


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "sdn.csv"
    path.write_bytes(b"")
    with pytest.raises(ListDataError, match="empty"):
        parse(path)


def test_only_eof_marker(tmp_path: Path) -> None:
    path = tmp_path / "sdn.csv"
    path.write_bytes(b"\x1a")
    with pytest.raises(ListDataError, match="no rows"):
        parse(path)


def test_wrong_format(tmp_path: Path) -> None:
    path = tmp_path / "sdn.csv"
    path.write_text("name,country\nACME,Cuba\n")
    with pytest.raises(ListDataError, match=r"not an OFAC sdn\.csv"):
        parse(path)
    assert not ofac_csv.sniff(path)


def test_header_row_is_skipped(tmp_path: Path) -> None:
    header = (
        "ent_num,SDN_Name,SDN_Type,Program,Title,Call_Sign,Vess_type,Tonnage,GRT,Vess_flag,Vess_owner,Remarks"
    )
    records, report = parse(write(tmp_path / "sdn.csv", [header, sdn_row(10, "ONE")]))
    assert [r.ref for r in records] == ["10"]
    assert any("header" in n for n in report.notes)


def test_companions_out_of_order_and_orphans(tmp_path: Path) -> None:
    write(tmp_path / "sdn.csv", [sdn_row(10, "ONE"), sdn_row(20, "TWO"), sdn_row(30, "THREE")])
    write(
        tmp_path / "alt.csv",
        [
            row("30", "3", "aka", "THREE ALIAS", None),
            row("99", "9", "aka", "NOBODY", None),
            row("10", "1", "fka", "ONE OLD", None),
        ],
    )
    records, report = parse(tmp_path / "sdn.csv")
    index = by_ref(records)
    assert index["10"].names[1] == Name("ONE OLD", "fka", quality="strong")
    assert index["30"].names[1] == Name("THREE ALIAS", "aka", quality="strong")
    assert len(index["20"].names) == 1
    assert any("alt.csv" in n and "order" in n for n in report.notes)
    (problem,) = report.problems
    assert "alt.csv" in problem and "99" in problem


def test_companion_orphans_in_order(tmp_path: Path) -> None:
    write(tmp_path / "sdn.csv", [sdn_row(10, "ONE"), sdn_row(30, "THREE")])
    write(
        tmp_path / "add.csv",
        [
            row("10", "1", None, "Havana", "Cuba", None),
            row("20", "2", None, "Nowhere", None, None),
            row("30", "3", None, "Minsk", "Belarus", None),
            row("30", "4", "Bad row", None),
            row("40", "5", None, "Lost", None, None),
        ],
    )
    records, report = parse(tmp_path / "sdn.csv")
    assert [len(r.addresses) for r in records] == [1, 1]
    assert records[0].addresses[0].country in ("CU", "Cuba")
    assert CountryLink(records[0].addresses[0].country or "", "location") in records[0].countries
    assert any("add.csv line 4" in p for p in report.problems)
    assert any("add.csv" in p and "20, 40" in p for p in report.problems)


def test_types_and_programs(tmp_path: Path) -> None:
    write(
        tmp_path / "cons_prim.csv",
        [
            sdn_row(1, "BOAT", "vessel", "IRAN"),
            sdn_row(2, "PLANE", "aircraft", "SDGT] [IFSR"),
            sdn_row(3, "ODD", "spaceship", "CMIC-EO13959", remarks="Listing Date (CMIC) 03 Jun 2021."),
        ],
    )
    records, _ = parse(tmp_path)
    assert [r.entity_type for r in records] == ["vessel", "aircraft", "unknown"]
    assert records[1].programs == ["SDGT", "IFSR"]
    assert records[2].sublist == CMIC_SUBLIST and records[2].listed_on == date(2021, 6, 3)
    assert records[0].sublist == "Non-SDN Consolidated Sanctions List"


def test_remark_facts() -> None:
    facts = ofac_csv.Facts("person")
    ofac_csv.apply_remarks(
        facts,
        "DOB 01 Jan 1960 to 31 Dec 1962; alt. DOB circa 1955-1957; POB Tehran, Iran; citizen Iran; "
        "Passport L 191609 issued 28 Feb 1996 expires 27 Feb 2001; National ID No. 123 (Iran); "
        "Email Address x@example.com; Phone Number 98 21 000; Digital Currency Address - XBT abc123; "
        "Tax ID No. 77 (Russia); SWIFT/BIC ABCDRUMM; Gender Female; Secondary sanctions risk: "
        "section 1(b); Linked To: ACME CO., LTD.",
    )
    assert facts.dates == [EventDate("1960-01-01/1962-12-31", "birth"), EventDate("1955/1957", "birth", True)]
    assert CountryLink("IR", "birth") in facts.countries
    assert CountryLink("IR", "citizenship") in facts.countries
    types = {i.type: i for i in facts.identifiers}
    assert types["passport"].value == "L 191609"
    assert types["passport"].note == "Passport; issued 28 Feb 1996; expires 27 Feb 2001"
    assert types["national_id"].country == "IR"
    assert types["email"].value == "x@example.com"
    assert types["phone"].value == "98 21 000"
    assert types["digital_currency"] == Identifier("digital_currency", "abc123", None, "XBT")
    assert types["swift_bic"].value == "ABCDRUMM"
    assert facts.properties["gender"] == "Female"
    assert facts.properties["secondary_sanctions_risk"] == "section 1(b)"
    # The remark's final full stop also ends "LTD." and is given back.
    assert facts.relations == [RelationRef("linked_to", other_name="ACME CO., LTD.")]


def test_sniff(tmp_path: Path) -> None:
    good = write(tmp_path / "anything.txt", [sdn_row(1, "X", "individual")])
    assert ofac_csv.sniff(good)
    assert not ofac_csv.sniff(write(tmp_path / "add.csv", [row("1", "2", None, None, "Cuba", None)]))
