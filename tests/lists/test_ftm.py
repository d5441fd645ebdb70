"""The OpenSanctions FollowTheMoney parser (format "ftm"): full files and delta feeds."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from compliance.domain import (
    Address,
    CountryLink,
    EventDate,
    Identifier,
    ListRecord,
    ParseReport,
    RelationRef,
)
from compliance.errors import ListDataError
from compliance.lists.formats import ftm, get_format

CST = "NK-abdzbEBkqyT29GyREbiURZ"  # LLC CST (Zala Aero)
ZAKHAROV = "NK-aU5ybkbRFJucf8YMwsJvDw"  # Alexander Vyacheslavovich ZAKHAROV
KALASHNIKOV = "NK-nR5AXM9AVPq4pQaSPSaVam"


def _parse(path: Path) -> tuple[list[ListRecord], ParseReport]:
    report = ParseReport()
    return list(ftm.parse(path, report)), report


def _entity(entity_id: str, schema: str, target: bool = False, **props: list[str]) -> dict[str, Any]:
    caption = props["name"][0] if props.get("name") else entity_id
    return {"id": entity_id, "schema": schema, "caption": caption, "properties": props, "target": target}


def _write(path: Path, entities: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in entities), encoding="utf-8")
    return path


# ------------------------------------------------------------------ real files


def test_t1(shared_lists: Path) -> None:
    records, report = _parse(shared_lists / "opensanctions" / "t1" / "entities.ftm.json")
    assert len(records) == 6  # the Address entity is not a party
    assert Counter(r.entity_type for r in records) == {"person": 4, "organization": 2}
    assert all(r.properties["target"] == "true" for r in records)
    assert report.mode == "full" and report.problems == []
    assert any("CC BY-NC 4.0" in note and "commercial" in note for note in report.notes)
    record = next(r for r in records if r.ref == "NK-2Ka3UvopqbpZmVDFjWd4LA")
    assert record.names[0].value == "Vitaly Yurievich KUZMENKO"
    assert record.names[0].kind == "primary"
    assert {n.value for n in record.names} == {
        "Vitaly Yurievich KUZMENKO",
        "Vitalij Kuzmenko",
        "Виталий Юрьевич КУЗЬМЕНКО",
    }
    assert next(n for n in record.names if n.value.startswith("Вит")).script == "Cyrl"
    assert record.dates == [EventDate("1971-01-22", "birth")]
    assert record.identifiers == [Identifier("tax_id", "366510784303")]
    assert record.countries == [CountryLink("RU", "nationality")]
    assert record.properties["gender"] == "male"
    assert record.properties["position"] == "General Director of JSC 163 Armor Repair Plant"
    assert record.properties["datasets"] == ["eu_fsf"]
    assert "eu-fsf-eu-11179-96" in record.properties["referents"]
    assert record.properties["topics"] == ["sanction"]
    assert record.properties["first_seen"] == "2024-02-26T16:57:25"
    assert record.remarks == "The plant is part of the High Precision Systems holding company of Rostec"
    assert record.original["id"] == record.ref and record.original["schema"] == "Person"


def test_zala_counts(shared_lists: Path) -> None:
    records, report = _parse(shared_lists / "opensanctions" / "zala")
    assert report.problems == []
    assert len(records) == 17
    targets = [r for r in records if r.properties["target"] == "true"]
    others = [r for r in records if r.properties["target"] == "false"]
    assert Counter(r.entity_type for r in targets) == {"company": 8, "person": 6}
    assert len(targets) == 14
    # Owned companies that are not designated: kept for ownership, never with programs.
    assert {r.ref for r in others} == {
        "NK-56Edov9bas9puzaChH5pBy",
        "NK-9Xa4Kg7Y7nfccE7VcZt6Q6",
        "ru-inn-5920040846",
    }
    assert all(r.programs == [] and r.listed_on is None for r in others)
    assert not any(r.properties.get("ftm_schema") in ("Sanction", "Address", "Ownership") for r in records)


def test_zala_ownership_and_sanctions(shared_lists: Path) -> None:
    records = {r.ref: r for r in _parse(shared_lists / "opensanctions" / "zala")[0]}
    cst = records[CST]
    assert cst.entity_type == "company"
    assert cst.names[0].value == "LLC CST"
    assert "EU-UKR" in cst.programs and "US-RUSHAR" in cst.programs
    assert all(len(p) <= 80 for p in cst.programs)  # long free-text programs are left out
    assert cst.listed_on == date(2021, 10, 30)
    assert cst.sublist is None  # many authorities
    assert "Office of Foreign Assets Control" in cst.properties["authority"]
    assert RelationRef("owner", ZAKHAROV, share_pct=51.0, since="2015-11-25") in cst.relations
    assert RelationRef("owner", KALASHNIKOV, share_pct=49.0, since="2016-03-29") in cst.relations
    assert RelationRef("director", ZAKHAROV, note="Leader or official of") in cst.relations
    assert Identifier("tax_id", "1841015504", None, "INN") in cst.identifiers
    assert sum(i.value == "1841015504" and i.type == "tax_id" for i in cst.identifiers) == 1
    # The Address entity it points to is attached, with its country.
    assert any(a.postal_code == "426011" and a.country == "RU" for a in cst.addresses)
    assert CountryLink("RU", "jurisdiction") in cst.countries
    assert EventDate("2010-12-24", "incorporation") in cst.dates

    owner = records[ZAKHAROV]
    assert owner.entity_type == "person"
    assert RelationRef("owned", CST, share_pct=51.0, since="2015-11-25") in owner.relations
    assert RelationRef("directs", CST, note="Leader or official of") in owner.relations
    assert sum(r.kind == "family" for r in owner.relations) == 4
    assert "EU-UKR" in owner.programs
    assert EventDate("1965-09-21", "birth") in owner.dates

    non_target = records["ru-inn-5920040846"]
    assert non_target.properties["target"] == "false"
    assert non_target.relations == [
        RelationRef("owner", ZAKHAROV, share_pct=100.0, since="2013-06-06", until="2019-08-02")
    ]


def test_delta_feed(shared_lists: Path) -> None:
    folder = shared_lists / "opensanctions" / "t2"
    records, report = _parse(folder)
    assert report.mode == "delta"
    assert report.published == date(2024, 5, 28)
    assert report.missing_parts == ["20240527134702-zbn/entities.delta.json"]
    assert report.problems == []
    by_ref = {r.ref: r for r in records}
    assert set(by_ref) == {
        "NK-2T3S8Hu29ktYnKSTgQp2wL",
        "NK-2sJaJRaPJcWUfMbHjTtWcL",
        "NK-500Poltergeist",
        "Q4365364",
    }
    # ADD then MOD: only the modified entity.
    modified = by_ref["NK-2T3S8Hu29ktYnKSTgQp2wL"]
    assert {"IRGC", "Iranian Revolutionary Guard Corps", "Foobar Foobargroup"} <= {
        n.value for n in modified.names
    }
    assert "Islamic State" not in {n.value for n in modified.names}
    # ADD then DEL: a deletion.
    deleted = by_ref["NK-500Poltergeist"]
    assert deleted.delete and deleted.entity_type == "unknown" and deleted.names == []
    assert not any(r.delete for r in records if r.ref != "NK-500Poltergeist")
    # A delta has no sanctions for these parties: those fields are left as loaded before.
    assert {"programs", "listed_on", "relations"} <= by_ref["Q4365364"].incomplete
    # The same through the index file itself.
    again, report2 = _parse(folder / "delta.json")
    assert [r.ref for r in again] == [r.ref for r in records]
    assert report2.mode == "delta"


def test_single_delta_file(shared_lists: Path) -> None:
    path = shared_lists / "opensanctions" / "t2" / "20240528014702-pfh" / "entities.delta.json"
    records, report = _parse(path)
    assert report.mode == "delta"
    assert [r.ref for r in records] == ["NK-500Poltergeist", "NK-2T3S8Hu29ktYnKSTgQp2wL"]


# ------------------------------------------------------------------ sample and synthetic files


def test_sample(samples: Path) -> None:
    records, report = _parse(samples / "opensanctions")
    assert [r.ref for r in records] == ["demo-co-cst", "demo-person-zakharov"]
    company, person = records
    assert company.programs == ["EU-UKR"] and company.sublist == "Council of the European Union"
    assert company.listed_on == date(2023, 6, 23)
    assert company.relations == [
        RelationRef("owner", "demo-person-zakharov", share_pct=51.0, since="2015-11-25")
    ]
    assert company.addresses == [
        Address("PO Box 9050, Izhevsk, 426011, Russia", city="Izhevsk", postal_code="426011", country="RU")
    ]
    assert [n.quality for n in company.names][-1] == "weak"
    assert person.relations[0].kind == "owned"
    assert person.listed_on == date(2025, 2, 24)
    assert any("CC BY-NC 4.0" in note for note in report.notes)


def test_auxiliaries_before_and_after_their_subject(tmp_path: Path) -> None:
    entities = [
        _entity("own", "Ownership", owner=["p1"], asset=["c1"], percentage=["60.5"]),
        _entity(
            "s1",
            "Sanction",
            entity=["c1"],
            authority=["OFAC"],
            programId=["US-X"],
            listingDate=["2020-05-01"],
        ),
        _entity("c1", "Company", True, name=["Alpha Ltd"], addressEntity=["a1"], country=["gb"]),
        _entity("p1", "Person", False, firstName=["Ann"], lastName=["Owner"]),
        _entity("a1", "Address", full=["1 High St, London"], country=["gb"]),
        _entity(
            "s2", "Sanction", entity=["c1"], authority=["OFAC"], programId=["US-Y"], startDate=["2019-01-02"]
        ),
        _entity("pp", "Passport", holder=["p1"], number=["P999"], country=["gb"]),
    ]
    records, report = _parse(_write(tmp_path / "entities.ftm.json", entities))
    assert report.problems == []
    company, person = records
    assert company.programs == ["US-X", "US-Y"]
    assert company.listed_on == date(2019, 1, 2)
    assert company.sublist == "OFAC"
    assert company.addresses == [Address("1 High St, London", country="GB")]
    assert company.relations == [RelationRef("owner", "p1", share_pct=60.5)]
    assert company.countries == [CountryLink("GB", "location")]
    assert person.names[0].value == "p1"  # caption
    assert person.properties["target"] == "false" and person.programs == []
    assert person.relations == [RelationRef("owned", "c1", share_pct=60.5)]
    assert person.identifiers == [Identifier("passport", "P999", "GB")]


def test_delta_last_operation_wins(tmp_path: Path) -> None:
    (tmp_path / "delta.json").write_text(
        json.dumps({"versions": {"20240102-b": "u2", "20240101-a": "u1", "20240103-c": "u3"}}),
        encoding="utf-8",
    )
    ops = {
        "20240101-a": [
            {"op": "ADD", "entity": _entity("x", "Person", True, name=["First Name"])},
            {"op": "ADD", "entity": _entity("y", "Company", True, name=["Gone Co"])},
        ],
        "20240102-b": [
            {"op": "DEL", "entity": {"id": "x"}},
            {"op": "MOD", "entity": _entity("y", "Company", True, name=["Renamed Co"])},
        ],
        "20240103-c": [{"op": "ADD", "entity": _entity("x", "Person", True, name=["Back Again"])}],
    }
    for version, lines in ops.items():
        folder = tmp_path / version
        folder.mkdir()
        (folder / "entities.delta.json").write_text(
            "".join(json.dumps(op) + "\n" for op in lines), encoding="utf-8"
        )
    records, report = _parse(tmp_path)
    assert report.mode == "delta" and report.missing_parts == []
    assert [(r.ref, r.names[0].value, r.delete) for r in records] == [
        ("y", "Renamed Co", False),
        ("x", "Back Again", False),
    ]


# ------------------------------------------------------------------ bad input


def test_truncated_line_is_a_problem(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "entities.ftm.json",
        [_entity("a", "Person", True, name=["Alice"]), _entity("b", "Person", True, name=["Bob"])],
    )
    text = path.read_text(encoding="utf-8")
    path.write_text(text[:-30], encoding="utf-8")
    records, report = _parse(path)
    assert [r.ref for r in records] == ["a"]
    assert len(report.problems) == 1
    assert report.problems[0].startswith("entities.ftm.json line 2: not valid JSON")


def test_nameless_and_idless_entities(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "entities.ftm.json",
        [
            _entity("a", "Person", True, name=["Alice"]),
            {"schema": "Person", "properties": {"name": ["No Id"]}},
            {"id": "n", "caption": "", "schema": "Company", "properties": {}, "target": True},
        ],
    )
    records, report = _parse(path)
    assert [r.ref for r in records] == ["a"]
    assert [p.split(":")[0] for p in report.problems] == [
        "entities.ftm.json line 2",
        "entities.ftm.json line 3",
    ]


def test_html_empty_and_wrong_format_are_refused(tmp_path: Path) -> None:
    html = tmp_path / "entities.ftm.json"
    html.write_text("<!doctype html><html><body>502 Bad Gateway</body></html>", encoding="utf-8")
    with pytest.raises(ListDataError, match="web page"):
        _parse(html)
    empty = tmp_path / "empty.ftm.json"
    empty.write_bytes(b"")
    with pytest.raises(ListDataError, match="empty"):
        _parse(empty)
    csv_file = tmp_path / "list.ftm.json"
    csv_file.write_text("id,name\n1,Alice\n", encoding="utf-8")
    with pytest.raises(ListDataError, match="not FollowTheMoney"):
        _parse(csv_file)
    bad_index = tmp_path / "delta.json"
    bad_index.write_text('{"something": 1}', encoding="utf-8")
    with pytest.raises(ListDataError, match="not an OpenSanctions delta index"):
        _parse(bad_index)


def test_registry_sniff_and_folder(shared_lists: Path, tmp_path: Path) -> None:
    assert get_format("ftm") is ftm
    base = shared_lists / "opensanctions"
    assert ftm.sniff(base / "t1" / "entities.ftm.json")
    assert ftm.sniff(base / "t2" / "delta.json")
    assert ftm.sniff(base / "t2" / "20240528134729-3iv" / "entities.delta.json")
    assert not ftm.sniff(shared_lists / "eu_fsf" / "EUSanctionsShort.csv")
    assert ftm.input_files(base / "zala") == [base / "zala" / "entities.ftm.json"]
    files = ftm.input_files(base / "t2")
    assert files[0].name == "delta.json" and len(files) == 5
    with pytest.raises(ListDataError, match="no OpenSanctions"):
        ftm.input_files(tmp_path)
