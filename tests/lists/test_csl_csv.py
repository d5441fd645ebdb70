"""The trade.gov Consolidated Screening List CSV parser (format "csl_csv")."""

from __future__ import annotations

import csv
import functools
import io
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from compliance.domain import CountryLink, EventDate, Identifier, ListRecord, ParseReport
from compliance.errors import ListDataError
from compliance.lists.formats import csl_csv, get_format

EL = "Entity List (EL) - Bureau of Industry and Security"
SDN = "Specially Designated Nationals (SDN) - Treasury Department"


def _parse(path: Path) -> tuple[list[ListRecord], ParseReport]:
    report = ParseReport()
    return list(csl_csv.parse(path, report)), report


def _csv(rows: list[dict[str, str]], header: tuple[str, ...] = csl_csv.COLUMNS) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({c: row.get(c, "") for c in header})
    return out.getvalue()


def _row(entry_id: str, name: str, source: str = EL, **values: str) -> dict[str, str]:
    return {"_id": entry_id, "name": name, "source": source, **values}


def _rows(record: ListRecord) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = record.original["rows"]
    return rows


# --- the real May 2022 file ---------------------------------------------------


@functools.cache
def _parsed(path: Path) -> tuple[list[ListRecord], ParseReport]:
    """Parse the real file once for the whole module (it has 14,160 rows)."""
    return _parse(path)


@pytest.fixture
def real(shared_lists: Path) -> tuple[list[ListRecord], ParseReport]:
    return _parsed(shared_lists / "us_csl" / "consolidated.csv")


@pytest.fixture
def by_ref(real: tuple[list[ListRecord], ParseReport]) -> dict[str, ListRecord]:
    return {r.ref: r for r in real[0]}


def test_real_counts_rows_and_records(real: tuple[list[ListRecord], ParseReport]) -> None:
    records, report = real
    assert report.problems == []
    assert sum(len(_rows(r)) for r in records) == 14_160
    # 14,160 rows; the one adjacent repeat (a CAPTA entry, same _id and list) is merged.
    assert len(records) == 14_159
    assert len({r.ref for r in records}) == len(records)
    rows_per_list = Counter(r.properties["sublist_code"] for r in records for _ in _rows(r))
    assert rows_per_list == {
        "SDN": 10_026, "EL": 2_001, "DTC": 727, "DPL": 462, "SSI": 290, "UVL": 201, "ISN": 163,
        "PLC": 78, "MEU": 71, "CMIC": 68, "CAP": 53, "MBS": 17, "FSE": 3,
    }  # fmt: skip
    assert Counter(r.entity_type for r in records)["person"] == 5_286
    assert {r.sublist for r in records if r.properties["sublist_code"] == "EL"} == {EL}


def test_real_notes_lost_glyphs_once(real: tuple[list[ListRecord], ParseReport]) -> None:
    notes = real[1].notes
    assert [n for n in notes if "'?'" in n] == [
        "377 '?' characters stand for letters lost upstream (e.g. 'Xi?an'); kept as written"
    ]
    assert any(n.startswith("3 control characters") for n in notes)


def test_real_c1_apostrophe_is_repaired_but_original_kept(real: tuple[list[ListRecord], ParseReport]) -> None:
    (record,) = [r for r in real[0] if "Xae Flying Aviation" in r.primary_name]
    assert record.primary_name == "Xi’an Xae Flying Aviation Manufacturing Technology Co., Ltd."
    assert _rows(record)[0]["name"].startswith("Xi\x92an")


def test_real_huawei_on_entity_list(real: tuple[list[ListRecord], ParseReport]) -> None:
    rows = [
        r for r in real[0] if r.primary_name == "Huawei Technologies Co., Ltd. (Huawei)" and r.sublist == EL
    ]
    assert len(rows) == 3  # three address blocks, each its own _id on trade.gov
    fr = "84 FR 22961, 85 FR 29852, 85 FR 36720, 85 FR 51603"
    (huawei,) = [r for r in rows if r.properties["federal_register_notice"] == fr]
    assert huawei.listed_on == date(2019, 5, 21)
    assert huawei.properties["sublist_code"] == "EL"
    assert huawei.properties["license_policy"] == "Presumption of denial"
    assert [n.value for n in huawei.names[1:]] == ["Shenzhen Huawei Technologies", "Huawei Technology"]
    assert all(n.kind == "aka" for n in huawei.names[1:])
    assert huawei.entity_type == "unknown"
    assert {a.city for a in huawei.addresses} >= {"Chengdu"}
    assert huawei.listed_until is None


def test_real_zte_parsian_on_entity_list(by_ref: dict[str, ListRecord]) -> None:
    record = by_ref["c05f5ac35ddfed0c2fbafa459d8a49da9c7216e2"]
    assert record.primary_name == "ZTE Parsian"
    assert record.sublist == EL
    assert record.listed_on == date(2016, 3, 8)
    assert record.properties["federal_register_notice"] == "81 FR 12004"
    assert record.properties["license_policy"] == "Presumption of denial."
    (address,) = record.addresses
    assert (address.city, address.country) == ("Tehran", "IR")
    assert address.full == "No. 100, Africa Ave., Mirdamad Entersection, Tehran, IR"


def test_real_zte_corporation_is_not_listed_in_2022(real: tuple[list[ListRecord], ParseReport]) -> None:
    names = {n.value.casefold() for r in real[0] for n in r.names}
    assert "zte corporation" not in names
    assert not any("kangxun" in n for n in names)


def test_real_dpl_row_with_end_date_and_standard_order(by_ref: dict[str, ListRecord]) -> None:
    record = by_ref["deb7a1d5743a85c354ca1a2c7f2664e2104b32d7"]
    assert record.primary_name == "I. ASH"  # leading space of the source trimmed
    assert record.properties["sublist_code"] == "DPL"
    assert record.listed_on == date(2003, 6, 19)
    assert record.listed_until == date(2056, 6, 29)
    assert record.properties["standard_order"] == "Y"
    (address,) = record.addresses
    assert (address.city, address.region, address.postal_code, address.country) == (
        "SEAGOVILLE",
        "TX",
        "75159",
        "US",
    )


def test_real_sdn_row_uses_ofac_entity_number(by_ref: dict[str, ListRecord]) -> None:
    record = by_ref["17291"]
    assert record.sublist == SDN
    assert record.properties["entity_number"] == "17291"
    assert record.entity_type == "person"
    assert record.programs == ["SDGT"]
    assert record.listed_on is None  # OFAC rows carry no start_date
    assert record.identifiers == [
        Identifier("national_id", "28940000602", "QA", "National ID No."),
        Identifier("passport", "K475336", "JO", "Passport; issued 2009-08-31; expires 2014-08-30"),
    ]
    assert record.dates == [EventDate("1989-07-13")]
    assert record.countries == [CountryLink("JO", "nationality")]
    assert [n.value for n in record.names if n.kind == "aka"] == [
        "'ABD-AL-SALAM, 'Abd al-Malik Muhammad Yusif",
        "'Umar al-Qatari",
        "'Umar al-Tayyar",
    ]


def test_real_same_entity_number_on_two_lists_gives_two_records(by_ref: dict[str, ListRecord]) -> None:
    sdn, ssi = by_ref["18741"], by_ref["SSI-18741"]
    assert sdn.sublist == SDN and ssi.properties["sublist_code"] == "SSI"
    assert sdn.primary_name == ssi.primary_name == "AUCTION LIMITED LIABILITY COMPANY"
    assert sdn.relations[0].other_name == "PUBLIC JOINT STOCK COMPANY SBERBANK OF RUSSIA"
    assert Identifier("registration", "1027700256297", "RU", "Registration ID") in sdn.identifiers
    assert any("Directive 1" in s for s in sdn.properties["sanctions_information"])


def test_real_adjacent_repeat_is_merged(by_ref: dict[str, ListRecord]) -> None:
    record = by_ref["CAP-15268"]
    assert record.primary_name == "BANK OF KUNLUN CO LTD"
    assert len(_rows(record)) == 2
    assert len(record.addresses) == 4
    assert record.properties["source_list_url"] == "http://bit.ly/1QWTIfE"  # the row that has one


def test_real_cmic_listing_date_and_details(by_ref: dict[str, ListRecord]) -> None:
    record = by_ref["CMIC-30947"]
    assert record.primary_name == "HUAWEI TECHNOLOGIES CO., LTD."
    assert record.listed_on == date(2021, 6, 3)  # "03 Jun 2021, Listing Date (CMIC)"
    assert record.properties["target_type"] == "Private Company"
    assert Identifier("registration", "914403001922038216", "CN", "Unified Social Credit Code (USCC)") in (
        record.identifiers
    )
    assert "30947" not in by_ref  # not on the SDN list


def test_real_entity_list_and_aliases(real: tuple[list[ListRecord], ParseReport]) -> None:
    # alt_names "Kronshtadt Group; Kronshtadt; Kronde Group; and ZAO Kronshtadt"
    (record,) = [r for r in real[0] if r.primary_name == "AO Kronshtadt"]
    assert [n.value for n in record.names[1:]] == [
        "Kronshtadt Group",
        "Kronshtadt",
        "Kronde Group",
        "ZAO Kronshtadt",
    ]
    assert not any(n.value.lower().startswith("and ") for r in real[0] for n in r.names)


def test_real_birth_dates_and_links(
    by_ref: dict[str, ListRecord], real: tuple[list[ListRecord], ParseReport]
) -> None:
    assert by_ref["26095"].dates == [EventDate("1967"), EventDate("1966"), EventDate("1968")]
    assert by_ref["26095"].places_of_birth == ["Tall 'Afar, Iraq"]
    dates = [d for r in real[0] for d in r.dates if d.kind == "birth"]
    assert sum(d.approximate for d in dates) == 75
    assert sum("/" in d.value for d in dates) == 57
    relation = by_ref["26860"].relations[0]
    assert (relation.kind, relation.other_name) == (
        "linked_to",
        "ISLAMIC REVOLUTIONARY GUARD CORPS (IRGC)-QODS FORCE",
    )
    assert Counter(i.type for r in real[0] for i in r.identifiers)["imo"] == 440


# --- the shipped samples ------------------------------------------------------


def test_sample_current(samples: Path) -> None:
    path = samples / "us_csl" / "consolidated.csv"
    assert csl_csv.sniff(path)
    records, report = _parse(path)
    assert report.problems == []
    assert len(records) == 9 and sum(len(_rows(r)) for r in records) == 10
    by_name = {(r.primary_name, r.properties["sublist_code"]): r for r in records}
    huawei = by_name["Huawei Technologies Co., Ltd. (Huawei)", "EL"]
    assert huawei.listed_on == date(2019, 5, 21)
    assert huawei.properties["federal_register_notice"].startswith("84 FR 22961")
    assert [a.city for a in huawei.addresses] == ["Shenzhen", "Chengdu"]  # two rows, one record
    assert [n.value for n in huawei.names[1:]] == ["Shenzhen Huawei Technologies", "Huawei Technology"]
    parsian = by_name["ZTE Parsian", "EL"]
    assert (parsian.listed_on, parsian.properties["federal_register_notice"]) == (
        date(2016, 3, 8),
        "81 FR 12004",
    )
    dpl = by_name["AL NASER AIRLINES", "DPL"]
    assert (dpl.listed_until, dpl.properties["standard_order"]) == (date(2022, 5, 16), "Y")
    assert by_name["AEROCARIBBEAN AIRLINES", "SDN"].ref == "36"
    assert {r.ref for r in records} >= {"18741", "SSI-18741", "CMIC-30947"}
    assert ("ZTE Corporation", "EL") not in by_name


def test_sample_history_shows_zte_added_then_removed(samples: Path) -> None:
    old, _ = _parse(samples / "us_csl" / "history" / "consolidated_2016-03-08.csv")
    new, _ = _parse(samples / "us_csl" / "consolidated.csv")
    old_refs = {r.ref: r for r in old}
    new_refs = {r.ref: r for r in new}
    removed = {old_refs[ref].primary_name for ref in old_refs.keys() - new_refs.keys()}
    assert removed == {"ZTE Corporation", "ZTE Kangxun Telecommunications Ltd."}
    assert all(old_refs[ref].listed_on == date(2016, 3, 8) for ref in old_refs if ref != "36")
    kept = {old_refs[ref].primary_name for ref in old_refs.keys() & new_refs.keys()}
    assert kept == {"ZTE Parsian", "AEROCARIBBEAN AIRLINES"}
    added = {new_refs[ref].primary_name for ref in new_refs.keys() - old_refs.keys()}
    assert "Huawei Technologies Co., Ltd. (Huawei)" in added


# --- layout, folders and bad input -------------------------------------------


def test_format_registry_and_folder(tmp_path: Path, samples: Path) -> None:
    assert get_format("csl_csv") is csl_csv
    (tmp_path / "CONSOLIDATED.CSV").write_text(_csv([_row("a1", "X CO")]), encoding="utf-8")
    assert csl_csv.input_files(tmp_path) == [tmp_path / "CONSOLIDATED.CSV"]
    with pytest.raises(ListDataError, match="does not exist"):
        csl_csv.input_files(tmp_path / "missing")
    empty = tmp_path / "empty_dir"
    empty.mkdir()
    with pytest.raises(ListDataError, match="no CSL file"):
        csl_csv.input_files(empty)
    assert not csl_csv.sniff(samples / "bis_dpl" / "dpl.txt")


def test_repeat_apart_from_first_rows_is_kept_and_reported(tmp_path: Path) -> None:
    path = tmp_path / "consolidated.csv"
    path.write_text(
        _csv(
            [
                _row("a1", "ONE", addresses="Paris, FR"),
                _row("b2", "TWO"),
                _row("a1", "ONE", addresses="Lyon, FR"),
            ]
        ),
        encoding="utf-8",
    )
    records, report = _parse(path)
    assert [r.ref for r in records] == ["a1", "b2", "a1#2"]
    assert report.problems == [
        "line 4: entry a1 appears again apart from its first rows; kept as a separate record a1#2"
    ]


def test_other_columns_raise_naming_what_is_missing(tmp_path: Path) -> None:
    header = tuple(c for c in csl_csv.COLUMNS if c not in ("ids", "start_date"))
    path = tmp_path / "consolidated.csv"
    path.write_text(_csv([_row("a1", "X")], header=header), encoding="utf-8")
    with pytest.raises(ListDataError, match="lacks start_date, ids"):
        _parse(path)


def test_wrong_format_raises(tmp_path: Path, samples: Path) -> None:
    with pytest.raises(ListDataError, match=r"not the trade\.gov"):
        _parse(samples / "bis_dpl" / "dpl.txt")


def test_html_page_and_empty_file_raise(tmp_path: Path) -> None:
    page = tmp_path / "page.csv"
    page.write_text("<!DOCTYPE html><html><body>Service unavailable</body></html>", encoding="utf-8")
    with pytest.raises(ListDataError, match="web page"):
        _parse(page)
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(ListDataError, match="empty"):
        _parse(empty)


def test_truncated_and_damaged_rows_go_to_problems(tmp_path: Path) -> None:
    text = _csv([_row("a1", "ONE", start_date="2020-01-02"), _row("b2", "TWO"), _row("c3", "THREE")])
    lines = text.splitlines()
    lines[2] = "b2,only,three"  # damaged row in the middle
    cut = "\n".join(lines)[:-20]  # file cut inside the last row
    path = tmp_path / "consolidated.csv"
    path.write_text(cut, encoding="utf-8")
    records, report = _parse(path)
    assert [r.ref for r in records] == ["a1"]
    assert records[0].listed_on == date(2020, 1, 2)
    assert report.problems[0] == "line 3: 3 fields instead of 29 (row cut or damaged); skipped"
    assert report.problems[1].startswith("line 4: ")
    assert len(report.problems) == 2


def test_row_without_name_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "consolidated.csv"
    path.write_text(_csv([_row("a1", ""), _row("b2", "TWO")]), encoding="utf-8")
    records, report = _parse(path)
    assert [r.ref for r in records] == ["b2"]
    assert report.problems == ["line 2: no _id, source or name; skipped"]


def test_id_column_layout() -> None:
    assert csl_csv.split_csv_id("JO, 2014-08-30, 2009-08-31, K475336, Passport") == (
        "JO",
        ["2014-08-30", "2009-08-31"],
        "K475336",
        "Passport",
    )
    assert csl_csv.split_csv_id("Korea, North, Nationality of Registration") == (
        None,
        [],
        "Korea, North",
        "Nationality of Registration",
    )
    assert (
        csl_csv.sublist_code("Non-SDN Menu-Based Sanctions List (NS-MBS List) - Treasury Department") == "MBS"
    )
    assert csl_csv.sublist_code("Military End User (MEU) List - Bureau of Industry and Security") == "MEU"
    assert csl_csv.birth_date("1960 to 1962") == EventDate("1960/1962")
    assert csl_csv.birth_date("circa 1964") == EventDate("1964", approximate=True)
