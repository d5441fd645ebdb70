"""The trade.gov CSL JSON record parser (format "csl_json")."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from compliance.domain import Address, CountryLink, EventDate, Identifier, ListRecord, ParseReport
from compliance.errors import ListDataError
from compliance.lists.formats import csl_csv, csl_json, get_format

EL = "Entity List (EL) - Bureau of Industry and Security"


def _parse(path: Path) -> tuple[list[ListRecord], ParseReport]:
    report = ParseReport()
    return list(csl_json.parse(path, report)), report


def _obj(entry_id: str, name: str, source: str = EL, **values: Any) -> dict[str, Any]:
    return {"id": entry_id, "name": name, "source": source, **values}


def _write(tmp_path: Path, data: Any, name: str = "consolidated.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_real_reference_sample(shared_lists: Path) -> None:
    path = shared_lists / "us_csl_json" / "csl_api_v2_el_expected_results.json"
    assert csl_json.sniff(path)
    records, report = _parse(path)
    assert report.problems == [] and report.declared_count is None
    assert len(records) == 7
    assert len({r.ref for r in records}) == 7
    assert {r.sublist for r in records} == {EL}
    first = records[0]
    assert first.ref == "fabe2145af20dcff1163dbf2a6292f379aa9f27f"
    assert first.primary_name == "Fazal Rahim Farid"
    assert [n.value for n in first.names[1:]] == ["Fazel Rahim Farid", "Farid", "Engineer Idris"]
    assert first.listed_on == date(2011, 11, 21)
    assert first.properties["federal_register_notice"] == "76 FR 71867"
    assert first.addresses[0] == Address(
        full="Microrayan 3rd Apt. 45, block #21, Kabul, AF",
        street="Microrayan 3rd Apt. 45, block #21",
        city="Kabul",
        country="AF",
    )
    assert len(first.addresses) == 2
    peker = next(r for r in records if r.primary_name == "Murat Peker")
    assert peker.properties["federal_register_notice"] == "78 FR 75485"  # trailing space dropped
    assert peker.original["rows"][0]["federal_register_notice"] == "78 FR 75485 "  # kept as read
    # The three "Qazi Abdallah" records (two are test variants) stay apart.
    qazi = [r for r in records if r.primary_name == "Qazi Abdallah"]
    assert sorted(str(r.listed_on) for r in qazi) == ["2011-11-21", "2011-11-21", "2011-11-22"]


def test_sample(samples: Path) -> None:
    path = samples / "us_csl_json" / "consolidated.json"
    records, report = _parse(path)
    assert report.declared_count is None and report.problems == []
    huawei, person, dpl = records
    assert huawei.primary_name == "Huawei Technologies Co., Ltd. (Huawei)"
    assert (huawei.listed_on, huawei.properties["sublist_code"]) == (date(2019, 5, 21), "EL")
    assert [a.city for a in huawei.addresses] == ["Shenzhen", "Chengdu"]
    assert huawei.addresses[0].postal_code == "518129"
    assert person.ref == "17291" and person.entity_type == "person"
    assert person.identifiers[1] == Identifier(
        "passport", "K475336", "JO", "Passport; issued 2009-08-31; expires 2014-08-30"
    )
    assert person.dates == [EventDate("1989-07-13")]
    assert person.countries == [CountryLink("JO", "nationality")]
    assert (dpl.listed_on, dpl.listed_until) == (date(2021, 11, 17), date(2022, 5, 16))
    assert dpl.properties["standard_order"] == "Y"


def test_same_entry_reads_the_same_as_the_csv(samples: Path) -> None:
    """The JSON and CSV samples describe the Huawei EL entry alike: same facts out."""
    json_records, _ = _parse(samples / "us_csl_json" / "consolidated.json")
    csv_report = ParseReport()
    csv_records = list(csl_csv.parse(samples / "us_csl" / "consolidated.csv", csv_report))
    from_json = json_records[0]
    from_csv = next(r for r in csv_records if r.primary_name == from_json.primary_name)
    assert from_json.names == from_csv.names
    assert from_json.listed_on == from_csv.listed_on
    assert [(a.city, a.postal_code, a.country) for a in from_json.addresses] == [
        (a.city, a.postal_code, a.country) for a in from_csv.addresses
    ]


def test_c1_apostrophe_is_repaired(tmp_path: Path) -> None:
    raw = json.dumps([_obj("a1", "XAIC Tech (Xi\x92an) Industry")])
    assert "\\u0092" in raw  # json.dumps escapes it
    path = tmp_path / "consolidated.json"
    path.write_text(raw, encoding="utf-8")
    (record,), report = _parse(path)
    assert record.primary_name == "XAIC Tech (Xi’an) Industry"
    assert record.original["rows"][0]["name"] == "XAIC Tech (Xi\x92an) Industry"
    assert report.notes[-1].startswith("1 control characters")


def test_accepts_bare_list_single_object_and_json_lines(tmp_path: Path) -> None:
    records, _ = _parse(_write(tmp_path, [_obj("a1", "ONE"), _obj("b2", "TWO")]))
    assert [r.ref for r in records] == ["a1", "b2"]
    records, _ = _parse(_write(tmp_path, _obj("a1", "ONE", alt_names="X; and Y"), "one.json"))
    assert [n.value for n in records[0].names] == ["ONE", "X", "Y"]
    lines = tmp_path / "consolidated.jsonl"
    lines.write_text(
        json.dumps(_obj("a1", "ONE"))
        + "\n"
        + '{"id": "b2", "name": \n'
        + json.dumps(_obj("c3", "THREE"))
        + "\n",
        encoding="utf-8",
    )
    records, report = _parse(lines)
    assert [r.ref for r in records] == ["a1", "c3"]
    assert report.problems == ["line 2: not valid JSON (Expecting value); skipped"]


def test_consecutive_objects_of_one_entry_are_merged(tmp_path: Path) -> None:
    sdn = "Specially Designated Nationals (SDN) - Treasury Department"
    ssi = "Sectoral Sanctions Identifications List (SSI) - Treasury Department"
    data: dict[str, Any] = {
        "results": [
            _obj("10", "BANK", sdn, addresses=[{"address": "1 Main St", "city": "Minsk", "country": "BY"}]),
            _obj("10", "BANK", sdn, addresses=[{"address": "2 Side St", "city": "Moscow", "country": "RU"}]),
            _obj("10", "BANK", ssi, programs=["UKRAINE-EO13662"]),
        ]
    }
    records, report = _parse(_write(tmp_path, data))
    assert [r.ref for r in records] == ["10", "SSI-10"]
    assert [a.city for a in records[0].addresses] == ["Minsk", "Moscow"]
    assert len(records[0].original["rows"]) == 2
    assert records[1].programs == ["UKRAINE-EO13662"]
    assert report.problems == []
    data["total"] = 25
    _, report = _parse(_write(tmp_path, data))
    assert report.problems == [
        "the file says it holds 25 records but 3 were found (an incomplete or paged download?)"
    ]


def test_damaged_record_goes_to_problems(tmp_path: Path) -> None:
    data = [_obj("a1", "ONE"), {"id": "b2", "source": EL}, "not an object", _obj("c3", "THREE")]
    records, report = _parse(_write(tmp_path, data))
    assert [r.ref for r in records] == ["a1", "c3"]
    assert report.problems == [
        "record 2: no id, source or name; skipped",
        "record 3: not a JSON object; skipped",
    ]


def test_bad_files_raise(tmp_path: Path) -> None:
    whole = json.dumps([_obj("a1", "ONE"), _obj("b2", "TWO")])
    cut = tmp_path / "cut.json"
    cut.write_text(whole[: len(whole) // 2], encoding="utf-8")
    with pytest.raises(ListDataError, match="malformed or cut off"):
        _parse(cut)
    page = tmp_path / "page.json"
    page.write_text("<html><body>502 Bad Gateway</body></html>", encoding="utf-8")
    with pytest.raises(ListDataError, match="web page"):
        _parse(page)
    empty = tmp_path / "empty.json"
    empty.write_bytes(b"")
    with pytest.raises(ListDataError, match="empty"):
        _parse(empty)
    other = _write(tmp_path, [{"id": "1", "schema": "Person", "properties": {}}], "other.json")
    with pytest.raises(ListDataError, match=r"not trade\.gov CSL JSON"):
        _parse(other)
    with pytest.raises(ListDataError, match="not a list of CSL records"):
        _parse(_write(tmp_path, {"total": 0, "hits": []}, "hits.json"))
    with pytest.raises(ListDataError, match="no CSL records"):
        _parse(_write(tmp_path, [], "none.json"))


def test_folder_and_registry(tmp_path: Path, samples: Path) -> None:
    assert get_format("csl_json") is csl_json
    assert csl_json.input_files(samples / "us_csl_json") == [samples / "us_csl_json" / "consolidated.json"]
    with pytest.raises(ListDataError, match="no CSL JSON file"):
        csl_json.input_files(tmp_path)
    assert not csl_json.sniff(samples / "us_csl" / "consolidated.csv")
