"""The UN Security Council consolidated list XML parser (format "un_xml")."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from compliance.domain import Address, CountryLink, EventDate, Identifier, ListRecord, Name, ParseReport
from compliance.errors import ListDataError
from compliance.lists.formats import get_format, un_xml
from compliance.normalize.countries import country_code


def _code(name: str) -> str:
    return country_code(name) or name


def _parse(path: Path) -> tuple[list[ListRecord], ParseReport]:
    report = ParseReport()
    return list(un_xml.parse(path, report)), report


def _write(tmp_path: Path, body: str, name: str = "consolidated.xml") -> Path:
    path = tmp_path / name
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<CONSOLIDATED_LIST dateGenerated="2025-01-02T03:04:05Z">{body}</CONSOLIDATED_LIST>\n',
        encoding="utf-8",
    )
    return path


def _individual(ref: str, first: str, **extra: str) -> str:
    parts = "".join(f"<{k}>{v}</{k}>" for k, v in extra.items())
    ref_part = f"<REFERENCE_NUMBER>{ref}</REFERENCE_NUMBER>" if ref else ""
    return (
        f"<INDIVIDUAL><DATAID>1</DATAID><FIRST_NAME>{first}</FIRST_NAME><UN_LIST_TYPE>DPRK</UN_LIST_TYPE>"
        f"{ref_part}<LISTED_ON>2016-03-02</LISTED_ON>{parts}</INDIVIDUAL>"
    )


def test_real_file(shared_lists: Path) -> None:
    records, report = _parse(shared_lists / "un_sc" / "consolidated.xml")
    assert report.problems == []
    assert report.published == date(2026, 2, 27)
    assert len(records) == 1_003
    assert Counter(r.entity_type for r in records) == {"person": 730, "organization": 273}
    assert len({r.ref for r in records}) == 1_003
    assert all(r.listed_on is not None for r in records)  # including "2015-04-07-04:00"
    assert max(r.listed_on for r in records if r.listed_on) == date(2026, 2, 24)
    assert len({p for r in records for p in r.programs}) == 14
    assert not any(n.value == "" for r in records for n in r.names)
    names = Counter((n.kind, n.quality) for r in records for n in r.names)
    assert names[("aka", "strong")] == 1_509 and names[("aka", "weak")] == 615 and names[("fka", None)] == 18
    dates = [d for r in records for d in r.dates]
    assert sum("/" in d.value for d in dates) == 31  # BETWEEN
    assert sum(d.approximate for d in dates) > 100  # APPROXIMATELY (and "Approximately" notes)
    by_ref = {r.ref: r for r in records}

    qdi = by_ref["QDi.001"]
    assert qdi.primary_name == "MOHAMMED SALAHALDIN ABD EL HALIM ZIDANE"
    assert qdi.names[1] == Name("محمد صلاح الدين عبدالحليم زيدان", "aka", script="Arab")
    assert Name("Sayf-Al Adl", "aka", script="Latn", quality="strong") in qdi.names
    assert Name("Seif al Adel", "aka", script="Latn", quality="weak") in qdi.names
    assert qdi.programs == ["Al-Qaida"] and qdi.sublist == "Al-Qaida (ISIL/Da'esh)"
    assert qdi.listed_on == date(2001, 1, 25)
    assert qdi.dates == [EventDate("1963-04-11"), EventDate("1960-04-11")]
    assert qdi.places_of_birth == ["Monufia Governate, Egypt"]
    assert CountryLink(_code("Egypt"), "nationality") in qdi.countries
    assert qdi.remarks is not None and qdi.remarks.startswith("Responsible for Usama bin Laden")
    assert qdi.properties["last_day_updated"] == "2022-11-08"

    badege = by_ref["CDi.001"]
    assert [n.value for n in badege.names] == ["ERIC BADEGE"]  # empty alias placeholder skipped
    assert badege.dates == [EventDate("1971")]
    assert badege.addresses == [Address(full="Rwanda (as of early 2016)", country=_code("Rwanda"))]

    taliban = by_ref["TAi.165"]
    assert taliban.dates == [EventDate("1975/1976")]
    assert taliban.properties["title"] == "Haji"
    assert [i.value for i in taliban.identifiers] == ["57388", "665"]  # numbers given inside the label

    # One passport written three times (French, Spanish, English): one identifier.
    (passport,) = by_ref["KPi.006"].identifiers
    assert (passport.type, passport.value) == ("passport", "381420754")
    assert passport.note is not None and "Expires on 7 Dec. 2016" in passport.note
    assert by_ref["KPi.006"].properties["position"].startswith("Senior official and head")

    logarcheo = by_ref["IQe.200"]
    assert logarcheo.entity_type == "organization"
    assert logarcheo.names[1] == Name("LOGARCHEO AG", "fka", script="Latn")
    assert logarcheo.addresses[0].country == _code("Switzerland")
    assert "xml" in logarcheo.original and "<REFERENCE_NUMBER>IQe.200" in logarcheo.original["xml"]


def test_sample(samples: Path) -> None:
    path = samples / "un_sc" / "consolidated.xml"
    assert un_xml.sniff(path)
    records, report = _parse(path)
    assert report.published == date(2026, 2, 27) and report.problems == []
    assert [(r.ref, r.entity_type) for r in records] == [
        ("QDi.001", "person"),
        ("TAi.165", "person"),
        ("CDe.006", "organization"),
        ("IQe.200", "organization"),
    ]
    assert records[1].identifiers == [
        Identifier(
            "national_id",
            "57388",
            None,
            "National Identification Number; Afghan national identification card (tazkira) number 57388; "
            "issued in Lashkar Gah District, Helmand Province, Afghanistan",
        )
    ]
    assert records[2].names[1] == Name("Mouvement du 23 mars", "aka", script="Latn")


def test_birth_date_kinds(tmp_path: Path) -> None:
    def dob(inner: str) -> str:
        return f"<INDIVIDUAL_DATE_OF_BIRTH>{inner}</INDIVIDUAL_DATE_OF_BIRTH>"

    body = _individual(
        "KPi.900",
        "TEST",
    ).replace(
        "</INDIVIDUAL>",
        dob("<TYPE_OF_DATE>APPROXIMATELY</TYPE_OF_DATE><YEAR>1970</YEAR>")
        + dob("<TYPE_OF_DATE>EXACT</TYPE_OF_DATE><YEAR>1958</YEAR><NOTE>Sep.</NOTE>")
        + dob("<TYPE_OF_DATE>EXACT</TYPE_OF_DATE><NOTE>Nov. 1973 </NOTE>")
        + dob("<TYPE_OF_DATE>EXACT</TYPE_OF_DATE><NOTE>24/06/1402 (Hijri Calendar)</NOTE>")
        + dob("<TYPE_OF_DATE/>")
        + "</INDIVIDUAL>",
    )
    (record,), _ = _parse(_write(tmp_path, f"<INDIVIDUALS>{body}</INDIVIDUALS>"))
    assert record.dates == [
        EventDate("1970", approximate=True),
        EventDate("1958-09", note="Sep."),
        EventDate("1973-11", note="Nov. 1973"),
    ]
    assert record.properties["date_of_birth_note"] == ["24/06/1402 (Hijri Calendar)"]


def test_damaged_element_goes_to_problems(tmp_path: Path) -> None:
    body = _individual("KPi.901", "ONE") + _individual("", "NO REFERENCE") + _individual("KPi.903", "THREE")
    records, report = _parse(_write(tmp_path, f"<INDIVIDUALS>{body}</INDIVIDUALS><ENTITIES/>"))
    assert [r.ref for r in records] == ["KPi.901", "KPi.903"]
    assert len(report.problems) == 1
    assert report.problems[0].endswith("INDIVIDUAL (DATAID 1) has no REFERENCE_NUMBER; skipped")
    assert report.published == date(2025, 1, 2)


def test_bad_files_raise(tmp_path: Path) -> None:
    good = _write(tmp_path, f"<INDIVIDUALS>{_individual('KPi.901', 'ONE')}</INDIVIDUALS>").read_text()
    cut = tmp_path / "cut.xml"
    cut.write_text(good[: len(good) - 60], encoding="utf-8")
    with pytest.raises(ListDataError, match="malformed or cut off"):
        _parse(cut)
    page = tmp_path / "page.xml"
    page.write_text("<html><body>Maintenance</body></html>", encoding="utf-8")
    with pytest.raises(ListDataError, match="web page"):
        _parse(page)
    empty = tmp_path / "empty.xml"
    empty.write_bytes(b"")
    with pytest.raises(ListDataError, match="empty"):
        _parse(empty)
    other = tmp_path / "other.xml"
    other.write_text("<sdnList><sdnEntry><uid>1</uid></sdnEntry></sdnList>", encoding="utf-8")
    with pytest.raises(ListDataError, match="no INDIVIDUAL or ENTITY"):
        _parse(other)
    wrong_root = tmp_path / "wrong.xml"
    wrong_root.write_text(f"<LIST>{_individual('KPi.901', 'ONE')}</LIST>", encoding="utf-8")
    with pytest.raises(ListDataError, match="root element is <LIST>"):
        _parse(wrong_root)
    entities = tmp_path / "entities.xml"
    entities.write_text(
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><CONSOLIDATED_LIST>&a;</CONSOLIDATED_LIST>',
        encoding="utf-8",
    )
    with pytest.raises(ListDataError, match="declares entities"):
        _parse(entities)


def test_folder_and_registry(tmp_path: Path, samples: Path) -> None:
    assert get_format("un_xml") is un_xml
    assert un_xml.input_files(samples / "un_sc") == [samples / "un_sc" / "consolidated.xml"]
    with pytest.raises(ListDataError, match=r"consolidated\.xml"):
        un_xml.input_files(tmp_path)
    assert not un_xml.sniff(samples / "bis_dpl" / "dpl.txt")
