"""BIS Denied Persons List, ``dpl.txt`` (Bureau of Industry and Security).

Tab-delimited, every field quoted, UTF-8, with the header ``Name,
Street_Address, City, State, Country, Postal_Code, Effective_Date (MM/DD/YYYY),
Expiration_Date, Standard_Order, Last_Update (YYYY-MM-DD), Action,
FR_Citation``. There is one row per name and address and no id column.

One record per denial order
---------------------------
Rows are grouped by the **normalised name** (trimmed, inner spaces collapsed,
case ignored) **and the effective date**:

* A denial order names a party and takes effect on one date; BIS repeats the
  row for each address of the party. The same name with another effective date
  is another order (the November 2023 file has two such names, each with
  orders of 2002 and 2003) and stays a separate record.
* The FR citation is *not* part of the key although it identifies the order
  in the Federal Register: BIS edits it row by row, so the rows of one order
  often differ (a renewal notice added to one address row and not another,
  "88 F.R.30078" against "88 F.R. 30078", a trailing space). Keying on it
  would split 547 orders into 576 records in the 2023 file.
* Names are normalised because the file writes one party both as
  "AL-NASER  AIRLINES" and "AL-NASER AIRLINES", and names start with a space.

``ref`` is ``DPL-<effective date YYYYMMDD>-<8 hex digits>``, the hex digits
being the start of the sha1 of ``normalised name|effective date``: the same
order keeps the same ref in every edition of the file, and the date keeps it
readable. The file is read whole before grouping (it is well under a megabyte)
so that the grouping does not depend on row order.

``listed_on`` is the effective date, ``listed_until`` the expiration date (the
latest one when address rows disagree; they are all kept in
``properties["expiration_dates"]``). A ``Last_Update`` that cannot be true (year
3033, year 1023, later than today) keeps its row; it is flagged in
``report.problems`` and in ``properties["last_update_invalid"]``.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from compliance.domain import Address, ListRecord, Name, ParseReport
from compliance.errors import ListDataError
from compliance.lists.formats._common import head_bytes, open_text, parse_iso_date, parse_mdy
from compliance.normalize.countries import country_code

TITLE = "BIS Denied Persons List (dpl.txt)"

COLUMNS: tuple[str, ...] = (
    "Name",
    "Street_Address",
    "City",
    "State",
    "Country",
    "Postal_Code",
    "Effective_Date",
    "Expiration_Date",
    "Standard_Order",
    "Last_Update",
    "Action",
    "FR_Citation",
)

FILE_NAMES = ("dpl.txt",)

# Earliest Last_Update that can be real (the list was first published in the 1980s).
_EARLIEST_UPDATE = date(1980, 1, 1)


def _norm(text: str) -> str:
    return " ".join(text.split())


def order_ref(name: str, effective: str) -> str:
    """The stable ref of a denial order from its party name and effective date."""
    key = f"{_norm(name).casefold()}|{effective.strip()}"
    digest = hashlib.sha1(key.encode("utf-8")).hexdigest()[:8]
    when = parse_mdy(effective)
    stamp = when.strftime("%Y%m%d") if when else "nodate"
    return f"DPL-{stamp}-{digest}"


def _distinct(values: list[str]) -> list[str]:
    out: list[str] = []
    for value in values:
        value = _norm(value)
        if value and value not in out:
            out.append(value)
    return out


def _one_or_list(values: list[str]) -> str | list[str] | None:
    distinct = _distinct(values)
    if not distinct:
        return None
    return distinct[0] if len(distinct) == 1 else distinct


def _address(row: dict[str, str]) -> Address | None:
    street = row["Street_Address"].strip() or None
    city = row["City"].strip() or None
    state = row["State"].strip() or None
    postal = row["Postal_Code"].strip() or None
    country_text = row["Country"].strip() or None
    full = ", ".join(p for p in (street, city, state, postal, country_text) if p)
    if not full:
        return None
    country = (country_code(country_text) or country_text) if country_text else None
    return Address(full=full, street=street, city=city, region=state, postal_code=postal, country=country)


def _build(ref: str, rows: list[tuple[int, dict[str, str]]], report: ParseReport) -> ListRecord:
    first = rows[0][1]
    properties: dict[str, Any] = {}
    addresses: list[Address] = []
    expirations: list[date] = []
    updates: list[date] = []
    invalid_updates: list[str] = []
    today = date.today()
    for line, row in rows:
        address = _address(row)
        if address is not None and address not in addresses:
            addresses.append(address)
        expiry_text = row["Expiration_Date"].strip()
        if expiry_text:
            expiry = parse_mdy(expiry_text)
            if expiry is None:
                properties.setdefault("expiration_text", expiry_text)
            elif expiry not in expirations:
                expirations.append(expiry)
        update_text = row["Last_Update"].strip()
        if update_text:
            update = parse_iso_date(update_text)
            if update is None or not _EARLIEST_UPDATE <= update <= today:
                invalid_updates.append(update_text)
                report.problems.append(
                    f"line {line}: Last_Update {update_text!r} for {_norm(row['Name'])} is not a possible "
                    "date; row kept, date ignored"
                )
            else:
                updates.append(update)
    for key, column in (
        ("federal_register_notice", "FR_Citation"),
        ("action", "Action"),
        ("standard_order", "Standard_Order"),
    ):
        value = _one_or_list(
            [row[column].upper() if key == "standard_order" else row[column] for _, row in rows]
        )
        if value is not None:
            properties[key] = value
    if len(expirations) > 1:
        properties["expiration_dates"] = [d.isoformat() for d in sorted(expirations)]
    if updates:
        properties["last_update"] = max(updates).isoformat()
    if invalid_updates:
        properties["last_update_invalid"] = (
            invalid_updates[0] if len(invalid_updates) == 1 else invalid_updates
        )
    effective_text = first["Effective_Date"].strip()
    listed_on = parse_mdy(effective_text)
    if listed_on is None and effective_text:
        properties["effective_date_text"] = effective_text
    return ListRecord(
        ref=ref,
        entity_type="unknown",
        names=[Name(first["Name"].strip(), "primary")],
        listed_on=listed_on,
        listed_until=max(expirations) if expirations else None,
        addresses=addresses,
        properties=properties,
        original={"rows": [row for _, row in rows]},
    )


def input_files(path: Path) -> list[Path]:
    path = Path(path)
    if path.is_dir():
        for candidate in path.iterdir():
            if candidate.is_file() and candidate.name.lower() in FILE_NAMES:
                return [candidate]
        raise ListDataError(str(path), "no Denied Persons List file (dpl.txt) in this folder")
    if not path.is_file():
        raise ListDataError(str(path), "the file does not exist")
    return [path]


def sniff(path: Path) -> bool:
    path = Path(path)
    if not path.is_file():
        return False
    first = head_bytes(path, 1024).lstrip(b"\xef\xbb\xbf").split(b"\n", 1)[0]
    fields = [f.strip().strip('"') for f in first.decode("utf-8", "replace").split("\t")]
    return fields[:2] == ["Name", "Street_Address"] and "FR_Citation" in fields


def parse(path: Path, report: ParseReport) -> Iterator[ListRecord]:
    """Yield one record per denial order (normalised name + effective date)."""
    (path,) = input_files(path)
    groups: dict[tuple[str, str], list[tuple[int, dict[str, str]]]] = {}
    with open_text(path) as fh:
        reader = csv.reader(fh, delimiter="\t")
        try:
            header = next(reader, None)
            if not header:
                raise ListDataError(str(path), "the file has no header line; this is not the BIS dpl.txt")
            header = [h.strip().lstrip("\ufeff") for h in header]
            missing = [c for c in COLUMNS if c not in header]
            if missing:
                raise ListDataError(
                    str(path),
                    "this is not the BIS Denied Persons List (dpl.txt): the header lacks "
                    + ", ".join(missing),
                )
            for values in reader:
                line = reader.line_num
                if not any(v.strip() for v in values):
                    continue
                if len(values) != len(header):
                    report.problems.append(
                        f"line {line}: {len(values)} fields instead of {len(header)} (row cut or damaged); "
                        "skipped"
                    )
                    continue
                row = dict(zip(header, values, strict=True))
                name = _norm(row["Name"])
                if not name:
                    report.problems.append(f"line {line}: no name; skipped")
                    continue
                effective = row["Effective_Date"].strip()
                if parse_mdy(effective) is None:
                    report.problems.append(
                        f"line {line}: Effective_Date {effective!r} for {name} is not a date; row kept"
                    )
                groups.setdefault((name.casefold(), effective), []).append((line, row))
        except csv.Error as exc:
            raise ListDataError(
                f"{path}, line {reader.line_num}", f"the file cannot be read ({exc})"
            ) from None
    for (name_key, effective), rows in groups.items():
        yield _build(order_ref(name_key, effective), rows, report)
