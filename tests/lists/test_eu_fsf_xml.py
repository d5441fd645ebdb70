"""The EU Financial Sanctions Files XML v1.1 parser (format "eu_fsf_xml")."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from compliance.domain import Address, CountryLink, EventDate, Identifier, ListRecord, Name, ParseReport
from compliance.errors import ListDataError
from compliance.lists.formats import eu_fsf_xml, get_format

NS = "http://eu.europa.ec/fpi/fsd/export"


def _parse(path: Path) -> tuple[list[ListRecord], ParseReport]:
    report = ParseReport()
    return list(eu_fsf_xml.parse(path, report)), report


def _real(shared_lists: Path) -> Path:
    return shared_lists / "eu_fsf_xml" / "fsf_export184961_sample.xml"


def _export(body: str, generation: str = "2025-02-01T10:00:00.000+01:00") -> str:
    head = f'<?xml version="1.0" encoding="UTF-8"?>\n<export xmlns="{NS}" generationDate="{generation}">\n'
    return f"{head}{body}</export>\n"


def _entity(logical_id: str, inner: str, extra: str = "") -> str:
    attributes = f'logicalId="{logical_id}" euReferenceNumber="EU.1.{logical_id}" {extra}'
    return f"<sanctionEntity {attributes}>{inner}</sanctionEntity>\n"


_ALIAS = '<nameAlias wholeName="{name}" strong="true" nameLanguage="" logicalId="{id}"/>'
_PERSON = '<subjectType code="person" classificationCode="P"/>'


# ------------------------------------------------------------------ real file


def test_real_file_counts(shared_lists: Path) -> None:
    records, report = _parse(_real(shared_lists))
    assert len(records) == 17
    assert Counter(r.entity_type for r in records) == {"person": 10, "organization": 7}
    assert sum(len(r.names) for r in records) == 45
    assert report.published == date(2026, 8, 5)
    assert report.problems == []
    assert all(r.names[0].kind == "primary" for r in records)
    assert all(sum(n.kind == "primary" for n in r.names) == 1 for r in records)
    # 14 of 17 carry designationDate; the other three fall back on the acts' dates.
    proxied = {r.ref for r in records if "listed_on_source" in r.properties}
    assert proxied == {"13", "20", "118593"}
    assert all(r.listed_on is not None for r in records)
    assert {p for r in records for p in r.programs} == {
        "IRQ", "TAQA", "COD", "IRN", "UKR", "PRK", "LBY", "SYR", "HR", "MMR", "SDNZ",
    }  # fmt: skip


def test_real_entity_field_by_field(shared_lists: Path) -> None:
    """EU.3092.36, Ibrahim Hassan Tali Al-Asiri: names, Islamic date, documents."""
    records, _ = _parse(_real(shared_lists))
    record = next(r for r in records if r.ref == "6177")
    assert record.entity_type == "person"
    assert record.programs == ["TAQA"]
    assert record.listed_on == date(2011, 3, 24)
    assert record.properties["eu_reference_number"] == "EU.3092.36"
    assert record.properties["regulation"] == ["2023/329 (OJ L43I)"]
    assert "listed_on_source" not in record.properties
    assert record.names[0] == Name(
        "Ibrahim Hassan Tali Al-Asiri", kind="primary", script="Latn", lang="en", quality="strong"
    )
    assert len(record.names) == 15
    arabic = [n for n in record.names if n.script == "Arab"]
    assert [n.lang for n in arabic] == ["ar", "ar"]
    # "low quality alias" remarks make those aliases weak although strong="true".
    weak = {n.value for n in record.names if n.quality == "weak"}
    assert weak == {"Abu Saleh", "Abosslah", "Abu-Salaah"}
    assert record.properties["position"] == [
        "Operative and principal bomb maker of Al-Qaida in the Arabian Peninsula (AQAP)"
    ]
    # Three birth dates, one of them Islamic (1402-06-24) with its Gregorian
    # equivalent given by the source; 1982-04-19 appears once.
    assert [d.value for d in record.dates] == ["1982-04-18", "1982-04-19"]
    assert "1402-06-24" in (record.dates[1].note or "")
    assert record.places_of_birth == ["Riyadh, SAUDI ARABIA"]
    assert CountryLink("SA", "citizenship") in record.countries
    assert CountryLink("SA", "birth") in record.countries
    assert record.addresses == [Address(full="YEMEN", country="YE")]
    assert record.identifiers[0] == Identifier(
        "national_id",
        "1028745097",
        "SA",
        "National identification card; (national civil identification number)",
    )
    passport = record.identifiers[1]
    assert (passport.type, passport.value, passport.country) == ("passport", "F654645", "SA")
    assert passport.note is not None
    assert "known expired" in passport.note and "valid to 2010-03-07" in passport.note
    assert record.remarks is not None and "Reportedly deceased" in record.remarks
    assert "good quality alias" not in record.remarks
    assert 'logicalId="6177"' in record.original["xml"]


def test_real_birth_dates(shared_lists: Path) -> None:
    records = {r.ref: r for r in _parse(_real(shared_lists))[0]}
    # month only and year only (Sadeq LARIJANI)
    assert [d.value for d in records["6971"].dates] == ["1960", "1961-08"]
    # year range (Porel Aung Thein), with its remark
    assert records["155661"].dates == [EventDate("1960/1979", "birth", False, "(approx. 50 years old)")]
    # Islamic year without a Gregorian equivalent is not converted (SOLEIMANI)
    soleimani = records["127388"]
    assert [d.value for d in soleimani.dates] == ["1965", "1964"]
    assert soleimani.properties["birth_date_islamic"] == [
        "1343 (Islamic calendar, not converted; Iranian Hijri calendar)"
    ]
    # a birth record with a place only (QATANA)
    assert records["126538"].dates == []
    assert records["126538"].places_of_birth == ["Damascus, SYRIAN ARAB REPUBLIC"]
    # country 00 = unknown: no birth country for Qusay Hussein
    assert records["20"].places_of_birth == ["Baghdad"]
    assert all(c.relation != "birth" for c in records["20"].countries)


def test_real_names_and_documents(shared_lists: Path) -> None:
    records = {r.ref: r for r in _parse(_real(shared_lists))[0]}
    # Buycombank has the lower logicalId but is the former name: Sovcombank is primary.
    sovcombank = records["139009"]
    assert [(n.value, n.kind) for n in sovcombank.names] == [("Sovcombank", "primary"), ("Buycombank", "fka")]
    assert [(i.type, i.value) for i in sovcombank.identifiers] == [
        ("tax_id", "4401116480"),
        ("registration", "1144400000425"),
    ]
    assert sovcombank.identifiers[0].country is None  # countryIso2Code="00"
    # A Cyrillic alias tagged "EN": the contradicting language is dropped.
    sidorov = records["7300"]
    assert sidorov.names[1] == Name("Анатолий Алексеевич СИДОРОВ", "aka", "Cyrl", None, "strong")
    # Source double spaces are kept.
    assert any(n.value == "Taghtiran  Kashan Company" for n in records["6428"].names)
    # Registration "-" is no number; its remark is kept.
    assert records["6428"].identifiers == []
    assert "Place of registration: Tehran, Iran" in (records["6428"].remarks or "")
    assert records["107840"].identifiers == [
        Identifier("imo", "5342883", None, "IMO (vessel identification)")
    ]
    assert records["3745"].identifiers == [Identifier("phone", "+253 (0) 99 983 784", "CD")]
    assert records["118593"].properties["un_reference_number"] == "LYi.28"
    assert records["13"].listed_on == date(2003, 7, 8)
    assert records["13"].properties["gender"] == "male"


# ------------------------------------------------------------------ sample and plumbing


def test_sample(samples: Path) -> None:
    records, report = _parse(samples / "eu_fsf")
    assert [r.ref for r in records] == ["13", "139009", "6971"]
    assert report.published == date(2025, 1, 15)
    assert report.problems == []
    bank = records[1]
    assert bank.names[0].value == "Sovcombank"
    assert [n.kind for n in bank.names] == ["primary", "fka", "aka"]
    assert bank.names[2].quality == "weak"
    larijani = records[2]
    assert [d.value for d in larijani.dates] == ["1960", "1961-08", "1958/1962"]
    assert larijani.dates[2].approximate
    assert larijani.properties["title"] == ["Ayatollah"]
    assert "listed_on_source" in records[0].properties


def test_registry_sniff_and_folder(samples: Path, tmp_path: Path) -> None:
    assert get_format("eu_fsf_xml") is eu_fsf_xml
    sample = samples / "eu_fsf" / "sanctions.xml"
    assert eu_fsf_xml.sniff(sample)
    assert eu_fsf_xml.input_files(samples / "eu_fsf") == [sample]
    other = tmp_path / "other.xml"
    other.write_text("<sdnList><sdnEntry/></sdnList>", encoding="utf-8")
    assert not eu_fsf_xml.sniff(other)
    with pytest.raises(ListDataError, match="no EU Financial Sanctions Files XML"):
        eu_fsf_xml.input_files(tmp_path)


# ------------------------------------------------------------------ bad input


def test_truncated_xml_is_refused(tmp_path: Path) -> None:
    text = _export(_entity("1", _PERSON + _ALIAS.format(name="A B", id=1)) + _entity("2", _PERSON))
    path = tmp_path / "cut.xml"
    path.write_text(text[: len(text) - 60], encoding="utf-8")
    with pytest.raises(ListDataError, match="malformed or cut off"):
        _parse(path)


def test_html_page_and_empty_file_are_refused(tmp_path: Path) -> None:
    html = tmp_path / "error.xml"
    html.write_text("<!DOCTYPE html><html><body>Service unavailable</body></html>", encoding="utf-8")
    with pytest.raises(ListDataError, match="web page"):
        _parse(html)
    empty = tmp_path / "empty.xml"
    empty.write_bytes(b"")
    with pytest.raises(ListDataError, match="empty"):
        _parse(empty)


def test_wrong_xml_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "wrong.xml"
    path.write_text("<sdnList><sdnEntry><uid>1</uid></sdnEntry></sdnList>", encoding="utf-8")
    with pytest.raises(ListDataError, match="not an EU FSF XML export"):
        _parse(path)
    path.write_text("<list><sanctionEntity logicalId='1'/></list>", encoding="utf-8")
    with pytest.raises(ListDataError, match="root element is not <export>"):
        _parse(path)


def test_entity_declarations_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "evil.xml"
    path.write_text(
        '<?xml version="1.0"?><!DOCTYPE export [<!ENTITY x "boom">]>'
        f'<export xmlns="{NS}"><sanctionEntity logicalId="1">&x;</sanctionEntity></export>',
        encoding="utf-8",
    )
    with pytest.raises(ListDataError, match="declares entities"):
        _parse(path)


def test_damaged_entities_are_reported_and_skipped(tmp_path: Path) -> None:
    body = (
        '<sanctionEntity euReferenceNumber="EU.9.9">' + _PERSON + _ALIAS.format(name="No Id", id=1)
        + "</sanctionEntity>\n"
        + _entity("2", _PERSON)  # no name at all
        + _entity("3", _PERSON + _ALIAS.format(name="Good Person", id=5)
                  + '<birthdate calendarType="GREGORIAN" circa="true" year="1970" countryIso2Code="00"/>',
                  'designationDate="2020-02-02"')
    )  # fmt: skip
    path = tmp_path / "damaged.xml"
    path.write_text(_export(body), encoding="utf-8")
    records, report = _parse(path)
    assert [r.ref for r in records] == ["3"]
    assert records[0].dates == [EventDate("1970", "birth", approximate=True)]
    assert records[0].countries == []
    assert records[0].listed_on == date(2020, 2, 2)
    assert len(report.problems) == 2
    assert "without logicalId" in report.problems[0] and report.problems[0].startswith("line ")
    assert "has no name" in report.problems[1]
