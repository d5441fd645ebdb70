"""OFSI consolidated list, legacy CSV layout (``sanctionsconlist.csv``, 2018).

The file opens with a preamble line ``Last Updated,13/04/2018``, then a
29-column header. Each row is one *name variant* of a target, and OFSI
repeats the target's other facts on every row (a target with 4 names, 9
dates of birth and 7 addresses can take 252 rows). Rows are grouped by
``Group ID`` (the record's ``ref``).

The rows of one group are **not adjacent**: the file is sorted by name, so
one target's aliases are spread across it. This parser therefore buffers the
rows per Group ID in a dict and yields the records once the file is read.
That is not constant memory, but it is bounded by the list itself (the 2018
file is 9,487 rows; today's list is about 5,000 targets), which is
acceptable for this source.

Field mapping: ``Name 1``-``Name 5`` then ``Name 6`` (surname or entity
name) make a name; the ``Prime Alias`` row is the primary name, ``AKA`` and
``FKA`` rows are aliases. ``DOB`` is dd/mm/yyyy with ``00`` for unknown
parts. ``Nationality`` may list several countries as "1) X 2) Y". Passport
and NI numbers become identifiers, ``Regime`` the programs, ``Listed On`` the
listing date (the earliest when a target sits under several regimes),
``Other Information`` the remarks. Vessels have no type of their own in
this layout: they are "Entity" rows whose Other Information starts with
their IMO number or gives an IMO number and a flag state, and are typed
"vessel" from that (shipping companies quote a company IMO number, so the
number alone is not enough).

The helpers below (names, dates, addresses, identifiers) are shared with
the 2022 ConList layout (``ofsi_2022``) and the FCDO XML (``uk_fcdo_xml``).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from compliance.domain import Address, CountryLink, EventDate, Identifier, ListRecord, Name, ParseReport
from compliance.errors import ListDataError
from compliance.lists.formats._common import (
    clean,
    head_bytes,
    open_text,
    parse_dmy,
    partial_date,
    split_numbered,
)
from compliance.normalize.countries import country_code

TITLE = "UK OFSI consolidated list, legacy CSV (sanctionsconlist.csv, up to 2022)"

_FILE_NAMES = ("sanctionsconlist.csv", "conlist.csv")

NAME_COLUMNS = ("Name 1", "Name 2", "Name 3", "Name 4", "Name 5", "Name 6")
ADDRESS_COLUMNS = ("Address 1", "Address 2", "Address 3", "Address 4", "Address 5", "Address 6")
REQUIRED_COLUMNS = (
    *NAME_COLUMNS,
    "DOB",
    "Nationality",
    "Passport Details",
    "NI Number",
    *ADDRESS_COLUMNS,
    "Country",
    "Other Information",
    "Group Type",
    "Alias Type",
    "Regime",
    "Listed On",
    "Last Updated",
    "Group ID",
)
# Columns that only the 2022 layout has: a file with them is the other format.
NEW_LAYOUT_COLUMNS = ("Alias Quality", "UK Sanctions List Date Designated")

T = TypeVar("T")


# ---------------------------------------------------------------- shared UK helpers


def unique(items: Iterable[T]) -> list[T]:
    """The items in first-seen order, without repeats."""
    return list(dict.fromkeys(items))


def squash(text: str | None) -> str | None:
    """Trim and collapse runs of blank space (OFSI pads names: "IADENA  ")."""
    if text is None:
        return None
    return clean(" ".join(text.split()))


def join_name(parts: Sequence[str | None]) -> str | None:
    """A full name from its parts (Name 1-5 then Name 6, in that order)."""
    words = [squashed for part in parts if (squashed := squash(part))]
    return " ".join(words) or None


def uk_date(text: str | None) -> date | None:
    """A dd/mm/yyyy listing date; None when absent or not a full date."""
    return parse_dmy(squash(text))


_DOB = re.compile(r"(?:(\d{1,2}|dd|DD)/)?(?:(\d{1,2}|mm|MM)/)?(\d{4})")


def uk_dob(text: str | None) -> str | None:
    """A UK date of birth as a partial ISO date, or None when the year is unknown.

    OFSI and FCDO write "23/08/1961", "00/08/1961" or "00/00/1961" (00 = not
    known), "08/1961", "1961", and the FCDO XML "dd/mm/1961" or "dd/08/1961".
    "15/08/19yy" has no usable year and gives None.
    """
    value = squash(text)
    if not value:
        return None
    match = _DOB.fullmatch(value)
    if not match:
        return None
    day, month, year = match[1], match[2], match[3]
    if month is None and day is not None:  # "08/1961": the only part is the month
        day, month = None, day
    day = None if day is None or not day.isdigit() else day
    month = None if month is None or not month.isdigit() else month
    return partial_date(year, month, day)


@lru_cache(maxsize=4096)
def country_or_text(text: str) -> str:
    """ISO code for an English country name, else the name as written.

    A trailing remark in brackets ("Afghanistan (since 2009)") is ignored for
    the look-up but kept when no code is found.
    """
    bare = re.sub(r"\s*\([^)]*\)\s*", " ", text).strip(" .,;")
    return country_code(text) or (country_code(bare) if bare else None) or text


def birth_places(town: str | None, country: str | None) -> list[str]:
    """Places of birth as "town, country"; numbered lists are paired when they match."""
    towns, countries = split_numbered(squash(town)), split_numbered(squash(country))
    if len(towns) == len(countries):
        return [", ".join(pair) for pair in zip(towns, countries, strict=True)]
    if len(towns) <= 1 and len(countries) <= 1:
        return [", ".join([*towns, *countries])]
    return [*towns, *countries]


def country_links(text: str | None, relation: str) -> list[CountryLink]:
    """CountryLinks from a field that may number several countries."""
    links = []
    for part in split_numbered(squash(text)):
        part = part.strip().rstrip(".,;").strip()
        if part:
            links.append(CountryLink(country_or_text(part), relation))
    return unique(links)


def make_address(lines: Sequence[str | None], postal_code: str | None, country: str | None) -> Address | None:
    """An Address from OFSI/FCDO address lines; None when every part is empty."""
    parts = [squashed for line in lines if (squashed := squash(line))]
    postal = squash(postal_code)
    country_text = squash(country)
    full = ", ".join([*parts, *([postal] if postal else []), *([country_text] if country_text else [])])
    if not full:
        return None
    return Address(
        full=full,
        postal_code=postal,
        country=country_or_text(country_text) if country_text else None,
    )


# A document number inside free text: at least 4 characters, with a digit.
_DOC_NUMBER = re.compile(r"(?<![\w/])(?=[A-Z0-9/.\-]*\d)[A-Z0-9][A-Z0-9/.\-]{3,}(?![\w/])")
_DOC_PREFIX = re.compile(
    r"^(?:passport\s*(?:no|number|details)?[.:]*|national identification no[.:]*)\s*", re.I
)


def document_identifiers(text: str | None, id_type: str) -> tuple[list[Identifier], list[str]]:
    """Identifiers from a free-text passport or ID field of the legacy layout.

    Each numbered part gives one identifier: the first token that looks like a
    document number is the value, the whole part is kept as the note. Parts
    with no number (e.g. "Uganda Passport.") are returned as leftover text.
    """
    identifiers: list[Identifier] = []
    leftover: list[str] = []
    for part in split_numbered(squash(text)):
        body = _DOC_PREFIX.sub("", part)
        match = _DOC_NUMBER.search(body)
        if not match:
            leftover.append(part)
            continue
        number = match[0].rstrip(".-/")
        identifiers.append(Identifier(id_type, number, note=part if part != number else None))
    return identifiers, leftover


def add_property(properties: dict[str, Any], key: str, values: Iterable[str | None]) -> None:
    """Set ``properties[key]`` to the distinct non-empty values: a str if one, a list if several."""
    kept: list[str] = unique(v for v in values if v)
    if not kept:
        return
    existing = properties.get(key)
    if existing is not None:
        kept = unique([*([existing] if isinstance(existing, str) else existing), *kept])
    properties[key] = kept[0] if len(kept) == 1 else kept


def is_vessel_text(other_information: str | None) -> bool:
    """Whether legacy Other Information describes a vessel rather than a company.

    Vessel rows open with their IMO number, or give an IMO number and a
    "Flag State"; shipping companies quote their (company) IMO number too, so
    an IMO number alone is not enough.
    """
    text = (other_information or "").strip()
    if re.match(r"\W*IMO\b", text):
        return True
    return bool(_IMO.search(text) and re.search(r"\bflag state\b", text, re.I))


_IMO = re.compile(r"\bIMO(?:\s+number)?\s*[:.]?\s*(?:IMO)?\s*(\d{7})\b", re.I)
_MMSI = re.compile(r"\bMMSI\s*(?:number)?\s*[:.]?\s*(\d{9})\b", re.I)
_UN_REF = re.compile(
    r"\bUN\s*Ref(?:erence)?\.?\s*(?:number)?\s*[:.]?\s*([A-Z]{2,3}[a-z]?\.[A-Za-z0-9.]*\d)", re.I
)


def vessel_identifiers(text: str | None) -> list[Identifier]:
    """IMO and MMSI numbers written in free text."""
    if not text:
        return []
    found = [Identifier("imo", m) for m in _IMO.findall(text)]
    found += [Identifier("mmsi", m) for m in _MMSI.findall(text)]
    return unique(found)


def un_reference(text: str | None) -> str | None:
    """The UN reference ("QDi.004", "KPe.018") quoted in free text, if any."""
    match = _UN_REF.search(text or "")
    return match[1].rstrip(".") if match else None


def birth_dates(values: Iterable[str | None], where: str, report: ParseReport) -> list[EventDate]:
    """EventDates of birth from UK DOB strings; unusable ones are noted on ``report``."""
    dates: list[EventDate] = []
    for raw in unique(v for v in (squash(x) for x in values) if v):
        value = uk_dob(raw)
        if value is None:
            report.notes.append(f"{where}: date of birth {raw!r} has no usable year; not kept as a date")
            continue
        dates.append(EventDate(value, "birth"))
    return unique(dates)


def entity_type_of(group_type: str | None) -> str | None:
    """The product's entity type for an OFSI/FCDO Group Type; None if unknown."""
    return {"individual": "person", "entity": "organization", "ship": "vessel"}.get(
        (squash(group_type) or "").lower()
    )


# ---------------------------------------------------------------- the legacy format


def input_files(path: Path) -> list[Path]:
    """The list file: ``path`` itself, or the legacy OFSI CSV inside a folder."""
    if path.is_file():
        return [path]
    if path.is_dir():
        by_name = {p.name.lower(): p for p in path.iterdir() if p.is_file()}
        for name in _FILE_NAMES:
            if name in by_name and sniff(by_name[name]):
                return [by_name[name]]
        for candidate in sorted(path.glob("*")):
            if candidate.suffix.lower() == ".csv" and sniff(candidate):
                return [candidate]
        raise ListDataError(
            str(path), "no OFSI legacy consolidated list (sanctionsconlist.csv) in this folder"
        )
    raise ListDataError(str(path), "the file does not exist")


def _head_text(path: Path) -> str:
    return head_bytes(path).decode("cp1252", errors="replace").lstrip("\ufeff\u00ef\u00bb\u00bf")


def sniff(path: Path) -> bool:
    """True for a CSV whose first lines are the legacy OFSI header."""
    try:
        head = _head_text(path)
    except OSError:
        return False
    lines = head.splitlines()[:2]
    header = next((line for line in lines if line.startswith("Name 6")), "")
    return "Group ID" in header and "NI Number" in header and "Alias Quality" not in header


def read_preamble(first: list[str], where: str, report: ParseReport) -> bool:
    """Note the "Last Updated" preamble's date; True when ``first`` was the preamble."""
    if first and first[0].strip().lower() == "last updated":
        report.published = uk_date(first[1] if len(first) > 1 else None)
        if report.published is None:
            report.problems.append(f"{where} line 1: the 'Last Updated' date could not be read")
        return True
    return False


def check_header(header: list[str], required: Sequence[str], where: str) -> dict[str, int]:
    """Column positions by name; raises ListDataError when the header is not OFSI's."""
    positions = {name.strip(): i for i, name in enumerate(header)}
    missing = [name for name in required if name not in positions]
    if missing:
        raise ListDataError(
            where,
            "this is not an OFSI consolidated list in the expected layout "
            f"(missing columns: {', '.join(missing[:5])}{'...' if len(missing) > 5 else ''})",
        )
    return positions


def parse(path: Path, report: ParseReport) -> Iterator[ListRecord]:
    """Yield one record per Group ID of a legacy OFSI consolidated list CSV."""
    file = input_files(path)[0]
    where = str(file)
    groups: dict[str, list[tuple[int, dict[str, str]]]] = {}
    with open_text(file) as fh:
        reader = csv.reader(fh)
        try:
            first = next(reader, None)
            if first is None:
                raise ListDataError(where, "the file has no header")
            header = next(reader, None) if read_preamble(first, where, report) else first
            if header is None:
                raise ListDataError(where, "the file has no header")
            header = [h.strip() for h in header]
            if all(name in header for name in NEW_LAYOUT_COLUMNS):
                raise ListDataError(
                    where, "this is the 2022 OFSI ConList layout; load it with the 'ofsi_2022' format"
                )
            check_header(header, REQUIRED_COLUMNS, where)
            width = len(header)
            for row in reader:
                line = reader.line_num
                if not any(cell.strip() for cell in row):
                    continue
                if len(row) != width:
                    report.problems.append(
                        f"line {line}: {len(row)} fields instead of {width} (row cut off or damaged); skipped"
                    )
                    continue
                values = dict(zip(header, row, strict=True))
                group_id = squash(values["Group ID"])
                if not group_id:
                    report.problems.append(f"line {line}: no Group ID; skipped")
                    continue
                groups.setdefault(group_id, []).append((line, values))
        except csv.Error as exc:
            raise ListDataError(
                f"{where} line {reader.line_num}", f"the CSV cannot be read ({exc})"
            ) from None
    if not groups:
        raise ListDataError(where, "the file has a header but no entries")
    for group_id, rows in groups.items():
        try:
            record = _record(group_id, rows, report)
        except (ValueError, KeyError, TypeError) as exc:  # defensive: one bad group must not stop the load
            report.problems.append(
                f"line {rows[0][0]}: Group ID {group_id} could not be read ({exc}); skipped"
            )
            continue
        if record is not None:
            yield record


_KIND = {"prime alias": "primary", "aka": "aka", "fka": "fka"}


def _record(group_id: str, rows: list[tuple[int, dict[str, str]]], report: ParseReport) -> ListRecord | None:
    first_line = rows[0][0]
    values = [row for _line, row in rows]
    head = values[0]

    # Names: the first "Prime Alias" row is the primary; every other distinct name an alias.
    named: list[tuple[str, str]] = []
    for row in values:
        full = join_name([row[c] for c in NAME_COLUMNS])
        if full:
            kind = _KIND.get((squash(row["Alias Type"]) or "").lower(), "aka")
            named.append((full, kind))
    if not named:
        report.problems.append(f"line {first_line}: Group ID {group_id} has no name; skipped")
        return None
    primary = next((full for full, kind in named if kind == "primary"), None)
    if primary is None:
        primary = named[0][0]
        report.notes.append(f"Group ID {group_id}: no 'Prime Alias' row; the first name is used as primary")
    names = [Name(primary, "primary")]
    for full, kind in named:
        alias = Name(full, "aka" if kind == "primary" else kind)
        if full != primary and alias not in names:
            names.append(alias)

    group_type = squash(head["Group Type"])
    entity_type = entity_type_of(group_type)
    if entity_type is None:
        report.notes.append(f"Group ID {group_id}: unknown Group Type {group_type!r}; kept as unknown")
        entity_type = "unknown"
    other = squash(head["Other Information"])
    if entity_type == "organization" and is_vessel_text(other):
        entity_type = "vessel"

    identifiers: list[Identifier] = []
    properties: dict[str, Any] = {}
    leftovers: list[str] = []
    for column, id_type in (("Passport Details", "passport"), ("NI Number", "national_id")):
        for text in unique(row[column] for row in values):
            found, rest = document_identifiers(text, id_type)
            identifiers += found
            leftovers += rest
    identifiers += vessel_identifiers(other)
    add_property(properties, "document_details", leftovers)

    addresses = unique(
        address
        for parts in unique(
            (*(row[c] for c in ADDRESS_COLUMNS), row.get("Post/Zip Code"), row["Country"]) for row in values
        )
        if (address := make_address(parts[:6], parts[6], parts[7]))
    )

    countries: list[CountryLink] = []
    places: list[str] = []
    for nationality in unique(row["Nationality"] for row in values):
        countries += country_links(nationality, "nationality")
    for town, birth_country in unique(
        (row.get("Town of Birth"), row.get("Country of Birth")) for row in values
    ):
        countries += country_links(birth_country, "birth")
        places += birth_places(town, birth_country)

    programs = unique(p for row in values if (p := squash(row["Regime"])))
    listed = unique(d for row in values if (d := uk_date(row["Listed On"])))
    if len(programs) > 1:
        add_property(
            properties,
            "listed_on_by_regime",
            unique(
                f"{squash(row['Regime'])}: {squash(row['Listed On'])}"
                for row in values
                if squash(row["Regime"])
            ),
        )
    add_property(properties, "title", (squash(row.get("Title")) for row in values))
    add_property(properties, "position", (squash(row.get("Position")) for row in values))
    add_property(properties, "un_ref", [un_reference(other) or ""])
    updated = unique(d for row in values if (d := uk_date(row["Last Updated"])))
    add_property(properties, "last_updated", (d.isoformat() for d in sorted(updated)[-1:]))

    return ListRecord(
        ref=group_id,
        entity_type=entity_type,
        names=names,
        programs=programs,
        listed_on=min(listed) if listed else None,
        identifiers=unique(identifiers),
        addresses=addresses,
        countries=unique(countries),
        dates=birth_dates((row["DOB"] for row in values), f"Group ID {group_id}", report),
        places_of_birth=unique(places),
        remarks=other,
        properties=properties,
        original={"rows": [{k: v for k, v in row.items() if v.strip()} for row in values]},
    )
