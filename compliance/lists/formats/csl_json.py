"""US Consolidated Screening List (trade.gov), JSON records (ITA API v2 shape).

Accepted layouts: a bare JSON array of records, an object whose ``results``
holds the array (the API's search answer), a single record object, or JSON
lines (one record per line). The answer's ``total`` counts JSON objects, and
consecutive objects of one entry are merged into one record, so it is not
passed on as ``report.declared_count``: it is checked against the objects
read instead, and a difference (a paged or cut download) is reported in
``report.problems``.

A record is ``{id, name, alt_names[], addresses[{address, city, state,
postal_code, country}], source, federal_register_notice, start_date, end_date,
license_requirement, license_policy, standard_order, source_list_url,
source_information_url, title}``; OFAC-derived records add ``entity_number,
type, programs[], remarks, ids[{type, number, country, issue_date,
expiration_date}], citizenships[], nationalities[], dates_of_birth[],
places_of_birth[]`` and the vessel fields. The mapping is the CSV's (see
``csl_csv``): same refs (``id``, or ``SSI-<id>`` etc. for OFAC non-SDN lists),
same grouping of consecutive objects with the same id and source, same
sub-list codes and id labels. A field given as a ``"; "``-joined string instead
of an array is accepted too.

Memory: array and ``results`` files are read with ``json.load``: the full
download is about 30 MB, which loads in well under a second and a few hundred
MB at most; JSON lines are read line by line.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from compliance.domain import Address, ListRecord, ParseReport
from compliance.errors import ListDataError
from compliance.lists.formats._common import head_bytes, open_text, parse_iso_date, split_multi
from compliance.lists.formats.csl_csv import (
    ENTITY_TYPES,
    CslEntry,
    EntryGrouper,
    country_or_text,
    csv_address,
    repair_c1,
    split_alt_names,
    split_csv_id,
)

TITLE = "US Consolidated Screening List (trade.gov), JSON"

FILE_NAMES = ("consolidated.json", "csl.json", "consolidated.jsonl", "csl.jsonl")

_SCALARS = (
    ("entity_number", "entity_number"),
    ("title", "title"),
    ("federal_register_notice", "federal_register_notice"),
    ("standard_order", "standard_order"),
    ("license_requirement", "license_requirement"),
    ("license_policy", "license_policy"),
    ("call_sign", "call_sign"),
    ("vessel_type", "vessel_type"),
    ("gross_tonnage", "tonnage"),
    ("gross_registered_tonnage", "gross_registered_tonnage"),
    ("vessel_flag", "vessel_flag"),
    ("vessel_owner", "vessel_owner"),
    ("source_list_url", "source_list_url"),
    ("source_information_url", "source_information_url"),
)


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, (dict, list)):
        return None
    text = str(value).strip()
    return text or None


def _as_list(value: Any) -> list[Any]:
    """An array field; a "; "-joined string is split; null gives []."""
    if value is None:
        return []
    if isinstance(value, list):
        return [v for v in value if v is not None and (not isinstance(v, str) or v.strip())]
    if isinstance(value, str):
        return list(split_multi(value))
    return [value]


def _repaired(value: Any) -> tuple[Any, int]:
    """A copy of a JSON value with C1 control characters repaired, and their count."""
    if isinstance(value, str):
        if not _C1_CHAR.search(value):
            return value, 0
        fixed = repair_c1(value)
        return fixed, sum(1 for a, b in zip(value, fixed, strict=True) if a != b)
    if isinstance(value, list):
        pairs = [_repaired(v) for v in value]
        return [p[0] for p in pairs], sum(p[1] for p in pairs)
    if isinstance(value, dict):
        items = {k: _repaired(v) for k, v in value.items()}
        return {k: p[0] for k, p in items.items()}, sum(p[1] for p in items.values())
    return value, 0


_C1_CHAR = re.compile("[\x80-\x9f]")
_C1_IN_JSON = re.compile(r"[\x80-\x9f]|\\u00[89][0-9a-fA-F]")


def _has_c1(path: Path) -> bool:
    """Whether the file holds any C1 control character (raw or \\u-escaped)."""
    tail = ""
    with open_text(path) as fh:
        while chunk := fh.read(1 << 20):
            if _C1_IN_JSON.search(tail + chunk):
                return True
            tail = chunk[-5:]
    return False


def _json_address(item: Any) -> Address | None:
    if isinstance(item, str):
        return csv_address(item) if item.strip() else None
    if not isinstance(item, dict):
        return None
    street = _text(item.get("address"))
    city = _text(item.get("city"))
    region = _text(item.get("state"))
    postal = _text(item.get("postal_code"))
    country_text = _text(item.get("country"))
    full = ", ".join(p for p in (street, city, region, postal, country_text) if p)
    if not full:
        return None
    return Address(
        full=full,
        street=street,
        city=city,
        region=region,
        postal_code=postal,
        country=country_or_text(country_text),
    )


def _add_object(entry: CslEntry, obj: dict[str, Any], raw: dict[str, Any]) -> None:
    entry.originals.append(raw)
    if entry.entity_type == "unknown":
        entry.entity_type = ENTITY_TYPES.get((_text(obj.get("type")) or "").lower(), "unknown")
    entry.add_name(_text(obj.get("name")), "primary")
    alt = obj.get("alt_names")
    aliases = split_alt_names(alt) if isinstance(alt, str) else [str(a) for a in _as_list(alt)]
    for alias in aliases:
        alias = alias.strip()
        entry.add_name(alias[4:] if alias.lower().startswith("and ") else alias, "aka")
    for program in _as_list(obj.get("programs")):
        entry.add_program(str(program))
    for item in _as_list(obj.get("addresses")):
        address = _json_address(item)
        if address is not None:
            entry.add_address(address)
    for item in _as_list(obj.get("ids")):
        if isinstance(item, dict):
            entry.add_id(
                _text(item.get("type")) or "",
                _text(item.get("number")) or "",
                _text(item.get("country")),
                issue_date=_text(item.get("issue_date")),
                expiration_date=_text(item.get("expiration_date")),
            )
        elif isinstance(item, str):
            country, dates, number, label = split_csv_id(item)
            entry.add_id(label, number, country, other_dates=dates)
    for item in _as_list(obj.get("citizenships")):
        entry.add_country(str(item), "citizenship")
    for item in _as_list(obj.get("nationalities")):
        entry.add_country(str(item), "nationality")
    for item in _as_list(obj.get("dates_of_birth")):
        entry.add_birth_date(str(item))
    for item in _as_list(obj.get("places_of_birth")):
        entry.add_place_of_birth(str(item))
    entry.add_remarks(_text(obj.get("remarks")))
    flag = _text(obj.get("vessel_flag"))
    if flag:
        entry.add_country(flag, "flag")
    for field, key in _SCALARS:
        entry.set_property(key, _text(obj.get(field)))
    if entry.listed_on is None:
        entry.listed_on = parse_iso_date(_text(obj.get("start_date")))
    if entry.listed_until is None:
        entry.listed_until = parse_iso_date(_text(obj.get("end_date")))


def _records_from_json(path: Path, data: Any, totals: list[int]) -> list[Any]:
    if isinstance(data, list):
        return data
    if isinstance(data, dict):
        if isinstance(data.get("results"), list):
            total = data.get("total")
            if isinstance(total, int) and not isinstance(total, bool):
                totals.append(total)
            return list(data["results"])
        if "name" in data and "source" in data:
            return [data]
    raise ListDataError(
        str(path), "this JSON is not a list of CSL records (expected an array or an object with 'results')"
    )


def _numbered(path: Path, report: ParseReport, totals: list[int]) -> Iterator[tuple[str, Any]]:
    """(where, object) for each record of the file, whatever its layout."""
    with open_text(path) as fh:
        try:
            data = json.load(fh)
        except json.JSONDecodeError as exc:
            if exc.msg != "Extra data":
                raise ListDataError(
                    str(path), f"the JSON is malformed or cut off ({exc.msg}, line {exc.lineno})"
                ) from None
            data = None
    if data is not None:
        for number, obj in enumerate(_records_from_json(path, data, totals), start=1):
            yield f"record {number}", obj
        return
    # JSON lines: one object per line.
    with open_text(path) as fh:
        for line_number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                report.problems.append(f"line {line_number}: not valid JSON ({exc.msg}); skipped")
                continue
            yield f"line {line_number}", obj


def input_files(path: Path) -> list[Path]:
    path = Path(path)
    if path.is_dir():
        files = [p for p in path.iterdir() if p.is_file()]
        by_name = {p.name.lower(): p for p in files}
        for name in FILE_NAMES:
            if name in by_name:
                return [by_name[name]]
        json_files = [p for p in files if p.suffix.lower() in (".json", ".jsonl")]
        if len(json_files) == 1:
            return json_files
        raise ListDataError(str(path), f"no CSL JSON file ({' or '.join(FILE_NAMES)}) in this folder")
    if not path.is_file():
        raise ListDataError(str(path), "the file does not exist")
    return [path]


def sniff(path: Path) -> bool:
    path = Path(path)
    if not path.is_file() or path.suffix.lower() not in (".json", ".jsonl"):
        return False
    head = head_bytes(path, 4096)
    return b'"source"' in head and (b'"alt_names"' in head or b'"federal_register_notice"' in head)


def parse(path: Path, report: ParseReport) -> Iterator[ListRecord]:
    """Yield one record per (id, source), merging consecutive objects of the same entry."""
    (path,) = input_files(path)
    grouper = EntryGrouper(report, "object")
    checked = False
    lost_glyphs = 0
    repaired = 0
    repair = _has_c1(path)
    objects = 0
    totals: list[int] = []
    for where, raw in _numbered(path, report, totals):
        obj = raw
        if not checked:
            checked = True
            if not isinstance(obj, dict) or "name" not in obj or "source" not in obj:
                raise ListDataError(
                    str(path), f"{where} has no 'name' and 'source': this is not trade.gov CSL JSON"
                )
        if not isinstance(obj, dict):
            report.problems.append(f"{where}: not a JSON object; skipped")
            continue
        objects += 1
        if repair:
            obj, fixes = _repaired(raw)
            repaired += fixes
        entry_id = _text(obj.get("id")) or _text(obj.get("_id"))
        source = _text(obj.get("source"))
        if not entry_id or not source or not _text(obj.get("name")):
            report.problems.append(f"{where}: no id, source or name; skipped")
            continue
        name_and_aliases = [_text(obj.get("name")) or "", *map(str, _as_list(obj.get("alt_names")))]
        lost_glyphs += sum(text.count("?") for text in name_and_aliases)
        done = grouper.add(where, entry_id, source, _add_object, obj, raw)
        if done is not None:
            yield done
    if (last := grouper.finish()) is not None:
        yield last
    if not checked:
        raise ListDataError(str(path), "the file holds no CSL records")
    if totals and totals[0] != objects:
        report.problems.append(
            f"the file says it holds {totals[0]:,} records but {objects:,} were found "
            "(an incomplete or paged download?)"
        )
    if lost_glyphs:
        report.notes.append(
            f"{lost_glyphs} '?' characters in names stand for letters lost upstream; kept as written"
        )
    if repaired:
        report.notes.append(
            f"{repaired} control characters left by a Windows-1252 mix-up (e.g. 'Xi\\x92an') were read as "
            "the punctuation they stand for ('Xi’an'); the original keeps them as written"
        )
