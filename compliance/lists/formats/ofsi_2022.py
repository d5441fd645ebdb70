"""OFSI Consolidated List ("ConList"), 2022 layout, as .xlsx or .csv.

Both files have the same content: a preamble row ``Last Updated`` /
``10/04/2025`` (the publication date), then a 36-column header (see
docs FORMATS.md), then one row per *name variant* of a target; the target's
other facts are repeated on each of its rows. Rows are grouped by
``Group ID``, which is the record's ``ref``.

The rows of one group are **not adjacent** (the list is sorted by name), so
the rows are buffered per Group ID in a dict and the records are yielded once
the whole sheet is read. Memory is bounded by the list itself (about 19,000
rows for 4,700 targets in 2025), which is acceptable for this source. The
.xlsx is read with openpyxl in read-only (streaming) mode; a damaged or cut
off workbook raises ``ListDataError``.

``Other Information`` packs labelled sub-fields, "(UK Sanctions List
Ref):RUS1831. (UK Statement of Reasons):... (Gender):Male". Known labels are
taken out into properties (``uk_sanctions_list_ref``, ``un_ref``, ``gender``,
``type_of_entity``, ``uk_statement_of_reasons``, ship details), identifiers
(phone, email, website, registration / tax_id, imo) and relations (parent
company, subsidiaries, current owners of a ship). The whole text is kept as
the remarks, as published.
"""

from __future__ import annotations

import csv
import re
import zipfile
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

from compliance.domain import (
    CountryLink,
    EventDate,
    Identifier,
    ListRecord,
    Name,
    ParseReport,
    RelationRef,
)
from compliance.errors import ListDataError
from compliance.lists.formats._common import (
    guess_script,
    head_bytes,
    open_text,
    refuse_empty,
    refuse_html,
    split_numbered,
)
from compliance.lists.formats.ofsi_csv import (
    ADDRESS_COLUMNS,
    NAME_COLUMNS,
    add_property,
    birth_dates,
    birth_places,
    check_header,
    country_links,
    country_or_text,
    entity_type_of,
    join_name,
    make_address,
    read_preamble,
    squash,
    uk_date,
    unique,
)

TITLE = "UK OFSI Consolidated List (ConList), 2022 layout, .xlsx or .csv"

_FILE_NAMES = ("conlist.csv", "conlist.xlsx")
_ZIP_MAGIC = b"PK\x03\x04"

REQUIRED_COLUMNS = (
    *NAME_COLUMNS,
    "Name Non-Latin Script",
    "Non-Latin Script Type",
    "Non-Latin Script Language",
    "DOB",
    "Town of Birth",
    "Country of Birth",
    "Nationality",
    "Passport Number",
    "Passport Details",
    "National Identification Number",
    "National Identification Details",
    "Position",
    *ADDRESS_COLUMNS,
    "Post/Zip Code",
    "Country",
    "Other Information",
    "Group Type",
    "Alias Type",
    "Alias Quality",
    "Regime",
    "Listed On",
    "UK Sanctions List Date Designated",
    "Last Updated",
    "Group ID",
)

Row = dict[str, str]


# ---------------------------------------------------------------- finding and sniffing


def input_files(path: Path) -> list[Path]:
    """The list file: ``path`` itself, or ConList.csv / ConList.xlsx inside a folder."""
    if path.is_file():
        return [path]
    if path.is_dir():
        by_name = {p.name.lower(): p for p in path.iterdir() if p.is_file()}
        for name in _FILE_NAMES:
            if name in by_name:
                return [by_name[name]]
        for candidate in sorted(path.iterdir()):
            if candidate.suffix.lower() in (".csv", ".xlsx") and sniff(candidate):
                return [candidate]
        raise ListDataError(str(path), "no OFSI ConList file (ConList.csv or ConList.xlsx) in this folder")
    raise ListDataError(str(path), "the file does not exist")


def _is_new_header(text: str) -> bool:
    return "Group ID" in text and ("Alias Quality" in text or "UK Sanctions List Date Designated" in text)


def sniff(path: Path) -> bool:
    """True for a ConList CSV or workbook in the 2022 layout."""
    try:
        head = head_bytes(path)
        if head.startswith(_ZIP_MAGIC):
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist())
                for member in ("xl/sharedStrings.xml", "xl/worksheets/sheet1.xml"):
                    if member in names:
                        with archive.open(member) as fh:
                            if _is_new_header(fh.read(1 << 16).decode("utf-8", errors="replace")):
                                return True
            return False
        return _is_new_header(head.decode("utf-8", errors="replace"))
    except (OSError, zipfile.BadZipFile, ValueError):
        return False


# ---------------------------------------------------------------- reading rows


def _cell_text(value: object) -> str:
    """A cell as text: the 2022 workbook holds only text, but be ready for numbers and dates."""
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _check_zip(file: Path) -> None:
    """Refuse a workbook that is not a readable zip or declares XML entities."""
    where = str(file)
    try:
        with zipfile.ZipFile(file) as archive:
            for member in archive.namelist():
                if member.endswith((".xml", ".rels")):
                    with archive.open(member) as fh:
                        if b"<!ENTITY" in fh.read(4096).upper():
                            raise ListDataError(
                                where, "the workbook's XML declares entities; refused as unsafe"
                            )
    except (zipfile.BadZipFile, EOFError, OSError) as exc:
        raise ListDataError(where, f"the Excel workbook is damaged or cut off ({exc})") from None


def _xlsx_rows(file: Path) -> Iterator[tuple[int, list[str]]]:
    """(row number, cells) of the workbook's ``Data`` sheet (or its first sheet)."""
    from openpyxl import load_workbook

    where = str(file)
    _check_zip(file)
    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a bad workbook
        raise ListDataError(where, f"the Excel workbook cannot be opened ({exc})") from None
    try:
        if not workbook.sheetnames:
            raise ListDataError(where, "the Excel workbook has no sheet")
        sheet = workbook["Data"] if "Data" in workbook.sheetnames else workbook.worksheets[0]
        sheet.reset_dimensions()
        number = 0
        try:
            for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield number, [_cell_text(v) for v in cells]
        except ListDataError:
            raise
        except Exception as exc:  # a cut-off or corrupt sheet: zlib, XML, zip errors
            raise ListDataError(
                f"{where} row {number + 1}", f"the Excel sheet is damaged or cut off ({exc})"
            ) from None
    finally:
        workbook.close()


def _csv_rows(file: Path) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) of ConList.csv."""
    with open_text(file) as fh:
        reader = csv.reader(fh)
        try:
            for cells in reader:
                yield reader.line_num, cells
        except csv.Error as exc:
            where = f"{file} line {reader.line_num}"
            raise ListDataError(where, f"the CSV cannot be read ({exc})") from None


def _rows(file: Path) -> Iterator[tuple[int, list[str]]]:
    refuse_empty(file)
    refuse_html(file)
    if head_bytes(file, 4).startswith(_ZIP_MAGIC):
        return _xlsx_rows(file)
    if file.suffix.lower() == ".xlsx":
        raise ListDataError(str(file), "this is not an Excel workbook (the file is not a zip archive)")
    return _csv_rows(file)


# ---------------------------------------------------------------- parsing


def parse(path: Path, report: ParseReport) -> Iterator[ListRecord]:
    """Yield one record per Group ID of an OFSI ConList (2022 layout)."""
    file = input_files(path)[0]
    where = str(file)
    rows = _rows(file)
    first = next(rows, None)
    if first is None:
        raise ListDataError(where, "the file has no header")
    header_row = next(rows, None) if read_preamble(first[1], where, report) else first
    if header_row is None:
        raise ListDataError(where, "the file has no header")
    header = [h.strip() for h in header_row[1]]
    while header and not header[-1]:
        header.pop()
    if "NI Number" in header and "Alias Quality" not in header:
        raise ListDataError(where, "this is the legacy OFSI layout; load it with the 'ofsi_csv' format")
    check_header(header, REQUIRED_COLUMNS, where)
    width = len(header)
    label = "row" if head_bytes(file, 4).startswith(_ZIP_MAGIC) else "line"

    groups: dict[str, list[tuple[int, Row]]] = {}
    for number, cells in rows:
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > width and not any(c.strip() for c in cells[width:]):
            cells = cells[:width]
        if len(cells) != width and not (len(cells) < width and label == "row"):
            report.problems.append(
                f"{label} {number}: {len(cells)} fields instead of {width} (row cut off or damaged); skipped"
            )
            continue
        values = dict(zip(header, [*cells, *[""] * (width - len(cells))], strict=True))
        group_id = squash(values["Group ID"])
        if not group_id:
            report.problems.append(f"{label} {number}: no Group ID; skipped")
            continue
        groups.setdefault(group_id, []).append((number, values))
    if not groups:
        raise ListDataError(where, "the file has a header but no entries")

    for group_id, group in groups.items():
        try:
            record = _record(group_id, group, label, report)
        except (ValueError, KeyError, TypeError) as exc:  # defensive: one bad group must not stop the load
            report.problems.append(
                f"{label} {group[0][0]}: Group ID {group_id} could not be read ({exc}); skipped"
            )
            continue
        if record is not None:
            yield record


_KIND = {
    "primary name": "primary",
    "primary name variation": "aka",
    "aka": "aka",
    "fka": "fka",
    "nka": "nka",
}
_QUALITY = {"good quality": "strong", "low quality": "weak"}
_SCRIPTS = {
    "cyrillic": "Cyrl",
    "cryillic": "Cyrl",
    "cyrilic": "Cyrl",
    "russian": "Cyrl",
    "arabic": "Arab",
    "persian": "Arab",
    "chinese": "Hani",
    "georgian": "Geor",
    "hebrew": "Hebr",
    "hangul": "Hang",
    "korean": "Hang",
    "thai": "Thai",
    "greek": "Grek",
    "burmese": "Mymr",
}
_LANGUAGES = {
    "russian": "ru",
    "russia": "ru",
    "belarusian": "be",
    "ukrainian": "uk",
    "ukraine": "uk",
    "persian": "fa",
    "persian/farsi": "fa",
    "farsi": "fa",
    "arabic": "ar",
    "chinese": "zh",
    "georgian": "ka",
    "hebrew": "he",
    "korean": "ko",
    "bulgarian": "bg",
    "turkish": "tr",
    "kazakh": "kk",
    "serbian": "sr",
    "spanish": "es",
    "thai": "th",
    "greek": "el",
    "bosnian": "bs",
    "japanese": "ja",
    "burmese": "my",
    "romanian": "ro",
}


def script_code(script_type: str | None, text: str) -> str | None:
    """ISO 15924 code: from the text itself when it shows one, else from the stated type."""
    return guess_script(text) or _SCRIPTS.get((squash(script_type) or "").lower())


def language_code(language: str | None) -> str | None:
    """ISO 639-1 code for an English language name, or None."""
    return _LANGUAGES.get((squash(language) or "").lower())


def _names(group_id: str, rows: list[Row], report: ParseReport) -> list[Name]:
    named: list[Name] = []
    for row in rows:
        full = join_name([row[c] for c in NAME_COLUMNS])
        if not full:
            continue
        alias_type = (squash(row["Alias Type"]) or "").lower()
        kind = _KIND.get(alias_type)
        if kind is None:
            report.notes.append(
                f"Group ID {group_id}: unknown Alias Type {row['Alias Type']!r}; kept as a.k.a."
            )
            kind = "aka"
        named.append(Name(full, kind, quality=_QUALITY.get((squash(row["Alias Quality"]) or "").lower())))
    if not named:
        return []
    primary = next((n for n in named if n.kind == "primary"), None)
    if primary is None:
        primary = named[0]
        report.notes.append(
            f"Group ID {group_id}: no row is marked 'Primary name'; "
            f"{primary.value!r} is used as the primary name"
        )
    names = [Name(primary.value, "primary", quality=primary.quality)]
    seen = {primary.value}
    for name in named:
        if name.value in seen:
            continue
        seen.add(name.value)
        names.append(Name(name.value, "aka" if name.kind == "primary" else name.kind, quality=name.quality))
    for row in rows:
        text = squash(row["Name Non-Latin Script"])
        if text and text not in seen:
            seen.add(text)
            names.append(
                Name(
                    text,
                    "aka",
                    script=script_code(row["Non-Latin Script Type"], text),
                    lang=language_code(row["Non-Latin Script Language"]),
                )
            )
    return names


def _paired_documents(numbers: str | None, details: str | None, id_type: str) -> list[Identifier]:
    """Identifiers from a number column and its details column, paired by their (1) (2) numbering."""
    values = split_numbered(squash(numbers))
    notes = split_numbered(squash(details))
    if not values:
        return []
    if len(notes) != len(values):
        whole = squash(details)
        notes = [whole or ""] * len(values) if len(values) == 1 else [""] * len(values)
    return [
        Identifier(id_type, value.rstrip(".,;").strip(), note=note or None)
        for value, note in zip(values, notes, strict=True)
    ]


# --------------------------------------------------------- Other Information sub-fields

OTHER_LABELS = (
    "UK Sanctions List Ref",
    "UK Statement of Reasons",
    "UN Ref",
    "Gender",
    "Phone number",
    "Fax",
    "Tel",
    "Email address",
    "Website",
    "Type of entity",
    "Parent company",
    "Subsidiaries",
    "Business Reg No",
    "IMO number",
    "Current owners",
    "Current believed flag of ship",
    "Flag of ship",
    "Previous flags",
    "Type of ship",
    "Tonnage of ship",
    "Length of ship",
    "Year built",
    "Hull identification number (HIN)",
)
_LABEL = re.compile(r"\((" + "|".join(re.escape(x) for x in OTHER_LABELS) + r")\)\s*:", re.IGNORECASE)
_CANONICAL = {label.lower(): label for label in OTHER_LABELS}


def split_other_information(text: str | None) -> tuple[str, dict[str, list[str]]]:
    """Split Other Information into its unlabelled lead text and its labelled sub-fields."""
    if not text:
        return "", {}
    pieces = _LABEL.split(text)
    fields: dict[str, list[str]] = {}
    for i in range(1, len(pieces), 2):
        value = pieces[i + 1].strip()
        if value:
            fields.setdefault(_CANONICAL[pieces[i].lower()], []).append(value)
    return pieces[0].strip(), fields


_UK_REF = re.compile(r"^\s*([A-Z]{3}\d{4})\b")
_UN_CODE = re.compile(r"^\s*([A-Z]{2,3}[a-z]?\.[A-Za-z0-9.]*\d)")
_EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")
_PHONE_SPLIT = re.compile(r"(?:\.|;|,)\s+(?=[+(\d])|\s{2,}")
# "Kazakhstan BIN - 170440031562", "OGRN: 1027807560186": a label without digits, then the number.
_LABELLED_NUMBER = re.compile(
    r"^(?P<label>[^\d:]*?[A-Za-z]{2}[^\d:]*?)\s*(?:[:–—-]+|\bno\.?|\bnumber)?\s*"
    r"(?P<num>(?:[A-Z]{1,4}[-/]?)?\d[\w\-/.]*(?: \d[\w\-/.]*)*)[\s.]*$"
)
_TAX_LABELS = re.compile(r"\b(INN|TIN|VAT|tax|UNP|NIP|RFC|CUIT|NTN)\b", re.I)
COMPANY_WORDS = re.compile(
    r"compan|limited|\bltd\b|\bllc\b|\bllp\b|\bjsc\b|\bpjsc\b|joint[- ]stock|corporat|\bplc\b|"
    r"partnership|enterprise|\bgmbh\b|\booo\b|\bzao\b|\boao\b|\bpao\b|business|firm|bank",
    re.I,
)


def phone_identifiers(texts: list[str], note: str | None = None) -> list[Identifier]:
    found: list[Identifier] = []
    for text in texts:
        text = re.sub(r"\((?:fax|tel)\)\s*:?", " ", text, flags=re.I)
        for part in split_numbered(text):
            for piece in _PHONE_SPLIT.split(part):
                piece = piece.strip(" .,;")
                if sum(ch.isdigit() for ch in piece) >= 5:
                    found.append(Identifier("phone", piece, note=note))
    return found


def web_identifiers(texts: list[str]) -> list[Identifier]:
    found: list[Identifier] = []
    for text in texts:
        for email in _EMAIL.findall(text):
            found.append(Identifier("email", email.rstrip(".")))
        rest = _EMAIL.sub(" ", text)
        for part in split_numbered(rest):
            for piece in re.split(r"[\s,;]+", part):
                piece = piece.strip(" .,;()")
                if "." in piece and re.search(r"[a-z]", piece, re.I) and not piece.startswith("."):
                    found.append(Identifier("website", piece))
    return found


def registration_identifiers(texts: list[str]) -> list[Identifier]:
    """Registration / tax numbers from "(1) INN – 7722779734 (2) OGRN: 1127746497328"-like text."""
    found: list[Identifier] = []
    for text in texts:
        for part in split_numbered(text):
            for piece in re.split(r"[\n;]+", part):
                piece = squash(piece) or ""
                if not any(ch.isdigit() for ch in piece):
                    continue
                match = _LABELLED_NUMBER.match(piece)
                if match:
                    number, label = match["num"], match["label"].strip(" :-–—.,") or None
                elif re.fullmatch(r"[A-Z0-9\-/. ]+", piece):
                    number, label = piece.strip(" .,;"), None
                else:  # free text around the number: keep the text as the note
                    token = re.search(r"[\w\-/]*\d[\w\-/]*", piece)
                    number, label = (token[0] if token else piece), piece
                id_type = "tax_id" if label and _TAX_LABELS.search(label) else "registration"
                found.append(Identifier(id_type, number, note=label))
    return found


def apply_other_information(
    fields: dict[str, list[str]],
    properties: dict[str, Any],
    identifiers: list[Identifier],
    relations: list[RelationRef],
    countries: list[CountryLink],
    dates: list[EventDate],
) -> None:
    """Move the labelled sub-fields of Other Information into the record's parts."""

    def get(label: str) -> list[str]:
        return [v for v in (squash(x) for x in fields.get(label, [])) if v]

    for value in get("UK Sanctions List Ref"):
        if match := _UK_REF.match(value):
            add_property(properties, "uk_sanctions_list_ref", [match[1]])
    for value in get("UN Ref"):
        if match := _UN_CODE.match(value):
            add_property(properties, "un_ref", [match[1].rstrip(".")])
    add_property(properties, "uk_statement_of_reasons", get("UK Statement of Reasons"))
    add_property(properties, "gender", get("Gender"))
    add_property(properties, "type_of_entity", get("Type of entity"))
    identifiers += phone_identifiers(get("Phone number") + get("Tel"))
    identifiers += phone_identifiers(get("Fax"), note="fax")
    identifiers += web_identifiers(get("Email address") + get("Website"))
    identifiers += registration_identifiers(get("Business Reg No"))
    for value in get("IMO number"):
        digits = re.sub(r"\D", "", value)
        if digits:
            identifiers.append(Identifier("imo", digits))
    for value in get("Hull identification number (HIN)"):
        identifiers.append(Identifier("hin", value))
    for label, kind in (
        ("Parent company", "parent"),
        ("Subsidiaries", "subsidiary"),
        ("Current owners", "owner"),
    ):
        for value in get(label):
            for part in split_numbered(value):
                relations.append(RelationRef(kind, other_name=part.strip(" .,;")))
    flags = get("Flag of ship") + get("Current believed flag of ship")
    add_property(properties, "vessel_flag", flags)
    for flag in flags:
        countries.append(CountryLink(country_or_text(flag), "flag"))
    add_property(
        properties,
        "previous_flags",
        [p.strip(" .") for v in get("Previous flags") for p in re.split(r"\.\s+|;\s*", v)],
    )
    add_property(properties, "vessel_type", get("Type of ship"))
    add_property(properties, "tonnage", get("Tonnage of ship"))
    add_property(properties, "vessel_length", get("Length of ship"))
    for value in get("Year built"):
        if match := re.search(r"\b(1[89]\d\d|20\d\d)\b", value):
            dates.append(EventDate(match[1], "build"))


def _record(
    group_id: str, group: list[tuple[int, Row]], label: str, report: ParseReport
) -> ListRecord | None:
    rows = [row for _number, row in group]
    head = rows[0]
    names = _names(group_id, rows, report)
    if not names:
        report.problems.append(f"{label} {group[0][0]}: Group ID {group_id} has no name; skipped")
        return None

    group_type = squash(head["Group Type"])
    entity_type = entity_type_of(group_type)
    if entity_type is None:
        report.notes.append(f"Group ID {group_id}: unknown Group Type {group_type!r}; kept as unknown")
        entity_type = "unknown"

    properties: dict[str, Any] = {}
    identifiers: list[Identifier] = []
    relations: list[RelationRef] = []
    countries: list[CountryLink] = []
    dates = birth_dates((row["DOB"] for row in rows), f"Group ID {group_id}", report)
    places: list[str] = []

    for number, detail in unique((row["Passport Number"], row["Passport Details"]) for row in rows):
        identifiers += _paired_documents(number, detail, "passport")
    for number, detail in unique(
        (row["National Identification Number"], row["National Identification Details"]) for row in rows
    ):
        identifiers += _paired_documents(number, detail, "national_id")
    for nationality in unique(row["Nationality"] for row in rows):
        countries += country_links(nationality, "nationality")
    for town, birth_country in unique((row["Town of Birth"], row["Country of Birth"]) for row in rows):
        countries += country_links(birth_country, "birth")
        places += birth_places(town, birth_country)
    for title in unique(row.get("Title", "") for row in rows):
        add_property(properties, "title", split_numbered(squash(title)))
    for position in unique(row["Position"] for row in rows):
        add_property(properties, "position", split_numbered(squash(position)))

    other = squash(head["Other Information"])
    _lead, fields = split_other_information(head["Other Information"])
    apply_other_information(fields, properties, identifiers, relations, countries, dates)
    if entity_type == "organization" and COMPANY_WORDS.search(str(properties.get("type_of_entity", ""))):
        entity_type = "company"

    addresses = unique(
        address
        for parts in unique(
            (*(row[c] for c in ADDRESS_COLUMNS), row["Post/Zip Code"], row["Country"]) for row in rows
        )
        if (address := make_address(parts[:6], parts[6], parts[7]))
    )
    programs = unique(p for row in rows if (p := squash(row["Regime"])))
    listed = unique(d for row in rows if (d := uk_date(row["Listed On"])))
    if len(programs) > 1:
        add_property(
            properties,
            "listed_on_by_regime",
            (f"{regime}: {squash(row['Listed On'])}" for row in rows if (regime := squash(row["Regime"]))),
        )
    designated = sorted({d for row in rows if (d := uk_date(row["UK Sanctions List Date Designated"]))})
    add_property(properties, "uk_date_designated", (d.isoformat() for d in designated))
    updated = sorted({d for row in rows if (d := uk_date(row["Last Updated"]))})
    add_property(properties, "last_updated", (d.isoformat() for d in updated[-1:]))

    return ListRecord(
        ref=group_id,
        entity_type=entity_type,
        names=names,
        programs=programs,
        listed_on=min(listed) if listed else None,
        identifiers=unique(identifiers),
        addresses=addresses,
        countries=unique(countries),
        dates=unique(dates),
        places_of_birth=unique(places),
        relations=unique(relations),
        remarks=other,
        properties=properties,
        original={"rows": [{k: v for k, v in row.items() if v.strip()} for row in rows]},
    )
