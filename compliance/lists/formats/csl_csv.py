"""US Consolidated Screening List (trade.gov), CSV download.

The CSL gathers thirteen US lists (OFAC's SDN and non-SDN lists, Commerce's
Entity List, Denied Persons, Unverified and Military End User lists, State's
ITAR debarred and nonproliferation lists) in one 29-column CSV with a header.
The ``source`` column names the list an entry is on; it becomes ``sublist``
(kept in full) and a short code in ``properties["sublist_code"]`` ("EL", "SDN",
"MBS"...), because the lists have very different legal effects.

One record per entry, and what an entry is
------------------------------------------
* ``_id`` is trade.gov's key: the OFAC entity number for the OFAC-derived lists,
  a sha1 for the Commerce and State lists.
* An OFAC entity number is **not** unique in the file: an entity on the SDN
  list and also on the SSI or CAPTA list has one row per list with the same
  ``_id`` (70 such ids in the May 2022 file). Those rows are separate
  designations with different legal effect, so each (``_id``, ``source``) pair
  is one record. The SDN row keeps ``ref = _id`` (the OFAC ent_num); a row on
  another OFAC list gets the list code in front, ``SSI-18741``, ``CAP-34616``,
  ``CMIC-30947``. The ref depends only on the row itself, so it is stable from
  one file to the next, and adding an entity to a further list shows as a new
  designation rather than a change of the old one.
* Rows with the same ``_id`` and ``source`` are merged into one record when
  they follow each other (in the 2022 file this happens once: a CAPTA entry
  repeated with only the list URL differing). The file keeps such rows
  together; if a repeat ever comes later in the file it is kept as a separate
  record with ``#2`` after its ref, and a line is added to ``report.problems``.
* Entity List entries that repeat a company name with another address block
  (Huawei has several) carry their own ``_id`` and their own Federal Register
  citations: they stay separate records, as trade.gov publishes them.

Fields
------
``type`` (Individual, Entity, Vessel, Aircraft) is only given on OFAC rows; the
Commerce and State lists do not say whether a party is a person or a firm, so
their records have ``entity_type`` "unknown".
Multi-valued columns are joined with ``"; "``: alt_names (Entity List aliases
sometimes end with ``"; and …"``, the ``and`` is dropped), addresses
(``street, city, postal, CC``), programs, citizenships, nationalities,
dates_of_birth (``1962-08-06``, ``1964``, ``circa 1964``, ``1960 to 1962``),
places_of_birth and ids. An id is written ``[CC, ][expiry, ][issue, ]number,
label`` with the label last; OFAC's non-identifier facts travel in the same
column (``Male, Gender``, ``Private Company, Target Type``, ``03 Jun 2021,
Listing Date (CMIC)``, "Secondary sanctions risk:" texts...) and are turned
into properties, dates and country links. ``start_date`` is the listing date of
the Commerce and State lists (empty for OFAC rows; for CMIC and MBS rows the
"Listing Date (…)" value is used instead); ``end_date`` is the end of a denial
order. Letters lost upstream appear as ``?`` (``Xi?an``) and are kept as
written; the count is given once in ``report.notes``. A few apostrophes
arrive as the C1 control character U+0092 (``Xi\\x92an``): they are read as the
Windows-1252 character they stand for (``Xi’an``), noted once, and kept as
written in ``original``.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

from compliance.domain import (
    Address,
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
    head_bytes,
    open_text,
    parse_iso_date,
    parse_text_date,
    partial_date,
    split_multi,
)
from compliance.normalize.countries import country_code

TITLE = "US Consolidated Screening List (trade.gov), CSV"

COLUMNS: tuple[str, ...] = (
    "_id",
    "source",
    "entity_number",
    "type",
    "programs",
    "name",
    "title",
    "addresses",
    "federal_register_notice",
    "start_date",
    "end_date",
    "standard_order",
    "license_requirement",
    "license_policy",
    "call_sign",
    "vessel_type",
    "gross_tonnage",
    "gross_registered_tonnage",
    "vessel_flag",
    "vessel_owner",
    "remarks",
    "source_list_url",
    "alt_names",
    "citizenships",
    "dates_of_birth",
    "nationalities",
    "places_of_birth",
    "source_information_url",
    "ids",
)

# Usual names of the download, tried in this order inside a folder.
FILE_NAMES = ("consolidated.csv", "csl.csv")

# OFAC lists other than the SDN list: their _id is an OFAC entity number that
# the same entity's SDN row (or another of these lists) may also carry.
OFAC_NON_SDN_CODES = frozenset({"SSI", "CAP", "FSE", "MBS", "PLC", "CMIC"})

# Sub-lists whose "Listing Date (…)" id value is the date of listing on that list.
_LISTING_DATE_CODES = frozenset({"CMIC", "MBS"})

ENTITY_TYPES = {
    "individual": "person",
    "entity": "organization",
    "vessel": "vessel",
    "aircraft": "aircraft",
}

# Columns whose "?" characters are counted as lost letters (URLs and ids may
# hold a real "?").
_TEXT_COLUMNS = ("name", "alt_names", "addresses", "remarks", "places_of_birth", "title")

_ISO2 = re.compile(r"[A-Z]{2}")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_CODE_IN_SOURCE = re.compile(r"\(([^)]+)\)")
_LINKED_TO = re.compile(r"Linked To:\s*([^;]+)")
# C1 control characters: Windows-1252 punctuation decoded as Latin-1 upstream
# ("Xi\x92an" for "Xi’an").
_C1 = re.compile("[\x80-\x9f]")


# --------------------------------------------------------------------------
# Shared with csl_json: sub-list codes, refs, and the record builder.


def sublist_code(source: str) -> str:
    """The short code of a CSL source name: "Entity List (EL) - …" -> "EL".

    "(NS-MBS List)" gives "MBS"; a name without brackets gives itself.
    """
    match = _CODE_IN_SOURCE.search(source)
    if not match:
        return source.strip()
    code = match[1].strip().removesuffix(" List").strip()
    return code.removeprefix("NS-")


def csl_ref(entry_id: str, code: str) -> str:
    """The record ref: the trade.gov id, with the list code for OFAC non-SDN lists."""
    if code in OFAC_NON_SDN_CODES and entry_id.isdigit():
        return f"{code}-{entry_id}"
    return entry_id


def country_or_text(text: str | None) -> str | None:
    """ISO alpha-2 code for a country name or code, else the text as written."""
    if not text or not text.strip():
        return None
    text = text.strip()
    return country_code(text) or text


def repair_c1(text: str) -> str:
    """Replace C1 control characters by the Windows-1252 character they stand for."""

    def fix(match: re.Match[str]) -> str:
        try:
            return bytes([ord(match[0])]).decode("cp1252")
        except UnicodeDecodeError:
            return match[0]

    return _C1.sub(fix, text)


def split_alt_names(value: str | None) -> list[str]:
    """Aliases joined with "; ", dropping the "and " the Entity List puts before the last."""
    names = []
    for part in split_multi(value):
        if part.lower().startswith("and "):
            part = part[4:].strip()
        if part:
            names.append(part)
    return names


def birth_date(text: str) -> EventDate | None:
    """A CSL date of birth: "1962-08-06", "1964", "circa 1964", "1960 to 1962"."""
    text = text.strip()
    approximate = False
    if text.lower().startswith("circa"):
        approximate = True
        text = text[5:].strip()
    if " to " in text:
        low, _, high = text.partition(" to ")
        a, b = _date_value(low), _date_value(high)
        if a and b:
            return EventDate(f"{a}/{b}", "birth", approximate)
        return None
    value = _date_value(text)
    return EventDate(value, "birth", approximate) if value else None


def _date_value(text: str) -> str | None:
    text = text.strip()
    if m := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text):
        return partial_date(m[1], m[2], m[3])
    if m := re.fullmatch(r"(\d{4})-(\d{2})", text):
        return partial_date(m[1], m[2])
    return parse_text_date(text)


# Identifier labels (lower case, as in the ids column / JSON ids[].type) -> type.
_ID_TYPES: dict[str, str] = {
    "passport": "passport",
    "diplomatic passport": "passport",
    "stateless person passport": "passport",
    "british national overseas passport": "passport",
    "travel document number": "passport",
    "national id no.": "national_id",
    "personal id card": "national_id",
    "identification number": "national_id",
    "cedula no.": "national_id",
    "d.n.i.": "national_id",
    "c.u.r.p.": "national_id",
    "c.u.i.": "national_id",
    "c.u.i.p.": "national_id",
    "i.f.e.": "national_id",
    "n.i.e.": "national_id",
    "credencial electoral": "national_id",
    "electoral registry no.": "national_id",
    "national foreign id number": "national_id",
    "numero de identidad": "national_id",
    "cnp (personal numerical code)": "national_id",
    "ssn": "national_id",
    "birth certificate number": "national_id",
    "tazkira national id card": "national_id",
    "refugee id card": "national_id",
    "stateless person id card": "national_id",
    "residency number": "residence_permit",
    "romanian permanent resident": "residence_permit",
    "driver's license no.": "drivers_license",
    "tax id no.": "tax_id",
    "r.f.c.": "tax_id",
    "rfc": "tax_id",
    "nit #": "tax_id",
    "ruc #": "tax_id",
    "rif #": "tax_id",
    "v.a.t. number": "tax_id",
    "us fein": "tax_id",
    "italian fiscal code": "tax_id",
    "fiscal code": "tax_id",
    "c.u.i.t.": "tax_id",
    "c.i.f.": "tax_id",
    "rtn": "tax_id",
    "rsin": "tax_id",
    "romanian tax registration": "tax_id",
    "paraguayan tax identification number": "tax_id",
    "numero unico de identificacao tributaria (nuit)": "tax_id",
    "kenyan id no.": "national_id",
    "citizen's card number": "national_id",
    "folio mercantil no.": "registration",
    "matricula mercantil no": "registration",
    "c.r. no.": "registration",
    "romanian c.r.": "registration",
    "registered charity no.": "registration",
    "business number": "registration",
    "government gazette number": "registration",
    "chinese commercial code": "registration",
    "legal entity number": "lei",
    "swift/bic": "swift_bic",
    "isin": "isin",
    "equity ticker": "ticker",
    "micex code": "ticker",
    "bik (ru)": "bank_code",
    "d-u-n-s number": "duns",
    "website": "website",
    "email address": "email",
    "phone number": "phone",
    "mmsi": "mmsi",
    "vessel registration identification": "imo",
    "aircraft manufacturer's serial number (msn)": "aircraft_serial",
    "aircraft serial identification": "aircraft_serial",
    "aircraft construction number (also called l/n or s/n or f/n)": "aircraft_serial",
    "aircraft tail number": "aircraft_tail",
    "previous aircraft tail number": "aircraft_tail",
    "aircraft mode s transponder code": "aircraft_transponder",
}

# Labels that are facts about the party, not identifiers: label -> property key.
_PROPERTY_LABELS: dict[str, str] = {
    "gender": "gender",
    "aircraft model": "aircraft_model",
    "aircraft operator": "aircraft_operator",
    "target type": "target_type",
    "organization type:": "organization_type",
    "former vessel flag": "former_vessel_flag",
    "other vessel flag": "other_vessel_flag",
    "other vessel type": "other_vessel_type",
    "other vessel call sign": "other_vessel_call_sign",
    "issuer name": "issuer_name",
}

_DATE_LABELS: dict[str, str] = {
    "organization established date": "incorporation",
    "aircraft manufacture date": "build",
}

_JURISDICTION_LABELS = frozenset({"nationality of registration", "registration country"})


def _id_type(label: str) -> str | None:
    """The identifier type for a label, or None when it is not an identifier."""
    key = label.strip().lower()
    if key in _ID_TYPES:
        return _ID_TYPES[key]
    if key.startswith("digital currency address"):
        return "digital_currency"
    if "passport" in key:
        return "passport"
    if "tax" in key or "fiscal" in key:
        return "tax_id"
    if any(w in key for w in ("registration", "registry", "company number", "commerce", "chamber of comm")):
        return "registration"
    if any(w in key for w in ("social credit code", "incorporation", "enterprise number", "license")):
        return "registration"
    if any(w in key for w in ("national id", "identification", "id card", "personal id")):
        return "national_id"
    return None


def _is_sanctions_information(label: str) -> bool:
    key = label.strip().lower()
    return (
        key.endswith((":", " -"))
        or "information" in key
        or "determination" in key
        or "directive" in key
        or key.startswith(("listing date", "effective date", "purchase/sales"))
    )


class CslEntry:
    """Collects the facts of one CSL entry from one or more rows or objects."""

    def __init__(self, ref: str, entry_id: str, source: str) -> None:
        self.ref = ref
        self.entry_id = entry_id
        self.source = source
        self.code = sublist_code(source)
        self.entity_type = "unknown"
        self.names: list[Name] = []
        self._name_keys: set[tuple[str, str]] = set()
        self.programs: list[str] = []
        self.identifiers: list[Identifier] = []
        self.addresses: list[Address] = []
        self.countries: list[CountryLink] = []
        self.dates: list[EventDate] = []
        self.places_of_birth: list[str] = []
        self.relations: list[RelationRef] = []
        self.remarks: list[str] = []
        self.properties: dict[str, Any] = {"sublist_code": self.code}
        self.listed_on: date | None = None
        self.listed_until: date | None = None
        self.listing_date_from_ids: date | None = None
        self.originals: list[dict[str, Any]] = []

    # -- names --------------------------------------------------------------
    def add_name(self, value: str | None, kind: str) -> None:
        if not value or not value.strip():
            return
        value = value.strip()
        key = (value.casefold(), "primary" if kind == "primary" else "alias")
        if (value.casefold(), "primary") in self._name_keys or key in self._name_keys:
            return
        self._name_keys.add(key)
        self.names.append(Name(value, kind))

    # -- simple lists --------------------------------------------------------
    @staticmethod
    def _add_unique(items: list[Any], item: Any) -> None:
        if item not in items:
            items.append(item)

    def add_program(self, program: str) -> None:
        if program.strip():
            self._add_unique(self.programs, program.strip())

    def add_country(self, text: str | None, relation: str) -> None:
        country = country_or_text(text)
        if country:
            self._add_unique(self.countries, CountryLink(country, relation))

    def add_address(self, address: Address) -> None:
        if address.full:
            self._add_unique(self.addresses, address)

    def add_place_of_birth(self, text: str) -> None:
        if text.strip():
            self._add_unique(self.places_of_birth, text.strip())

    def add_birth_date(self, text: str) -> None:
        if not text.strip():
            return
        event = birth_date(text)
        if event is None:
            self.add_property_item("date_of_birth_text", text.strip())
        else:
            self._add_unique(self.dates, event)

    def add_remarks(self, text: str | None) -> None:
        if not text or not text.strip():
            return
        text = text.strip()
        if text not in self.remarks:
            self.remarks.append(text)
        for match in _LINKED_TO.finditer(text):
            other = match[1].strip()
            while other.endswith(")") and other.count(")") > other.count("("):
                other = other[:-1].rstrip()
            if other:
                self._add_unique(self.relations, RelationRef("linked_to", other_name=other))

    # -- properties ------------------------------------------------------------
    def set_property(self, key: str, value: str | None) -> None:
        """Set a single-valued property; the first non-empty value wins."""
        if value is not None and value.strip() and key not in self.properties:
            self.properties[key] = value.strip()

    def add_property_item(self, key: str, value: str) -> None:
        """Append to a list-valued property."""
        if not value.strip():
            return
        items = self.properties.setdefault(key, [])
        if isinstance(items, list) and value.strip() not in items:
            items.append(value.strip())

    # -- ids ------------------------------------------------------------------
    def add_id(
        self,
        label: str,
        number: str,
        country: str | None = None,
        issue_date: str | None = None,
        expiration_date: str | None = None,
        other_dates: Iterable[str] = (),
    ) -> None:
        """One entry of the ids column / ids[] array, routed by its label."""
        label = (label or "").strip()
        number = (number or "").strip()
        key = label.lower()
        if not number:
            return
        if key in _PROPERTY_LABELS:
            prop = _PROPERTY_LABELS[key]
            if prop in ("gender", "target_type", "organization_type", "issuer_name", "aircraft_model"):
                self.set_property(prop, number)
            else:
                self.add_property_item(prop, number)
            return
        if key in _DATE_LABELS:
            value = _date_value(number)
            if value:
                self._add_unique(self.dates, EventDate(value, _DATE_LABELS[key]))
            else:
                self.add_property_item(_DATE_LABELS[key] + "_date_text", number)
            return
        if key in _JURISDICTION_LABELS:
            self.add_country(number, "jurisdiction")
            return
        id_type = _id_type(label)
        if id_type is None and _is_sanctions_information(label):
            if key.startswith("listing date") and self.listing_date_from_ids is None:
                value = _date_value(number)
                if value and len(value) == 10:
                    self.listing_date_from_ids = date.fromisoformat(value)
            separator = " " if label.endswith((":", "-")) else ": "
            self.add_property_item("sanctions_information", f"{label}{separator}{number}")
            return
        note_parts = [label] if label else []
        if id_type == "digital_currency":
            note_parts = [label.rsplit("-", 1)[-1].strip()]
        if id_type == "imo" and number.upper().startswith("IMO"):
            number = number[3:].strip()
        if issue_date:
            note_parts.append(f"issued {issue_date}")
        if expiration_date:
            note_parts.append(f"expires {expiration_date}")
        for other in other_dates:
            note_parts.append(f"date {other}")
        identifier = Identifier(
            id_type or "other",
            number,
            country_or_text(country),
            "; ".join(note_parts) or None,
        )
        self._add_unique(self.identifiers, identifier)

    # -- result ---------------------------------------------------------------
    def build(self) -> ListRecord:
        listed_on = self.listed_on
        if listed_on is None and self.code in _LISTING_DATE_CODES:
            listed_on = self.listing_date_from_ids
        original: dict[str, Any] = {"rows": self.originals}
        return ListRecord(
            ref=self.ref,
            entity_type=self.entity_type,
            names=self.names,
            programs=self.programs,
            sublist=self.source,
            listed_on=listed_on,
            listed_until=self.listed_until,
            identifiers=self.identifiers,
            addresses=self.addresses,
            countries=self.countries,
            dates=self.dates,
            places_of_birth=self.places_of_birth,
            relations=self.relations,
            remarks="\n".join(self.remarks) or None,
            properties=self.properties,
            original=original,
        )


# --------------------------------------------------------------------------
# The CSV layout.


def split_csv_id(text: str) -> tuple[str | None, list[str], str, str]:
    """Split one ids entry: "CC, expiry, issue, number, label".

    Returns (country, dates, number, label); the label is always the last
    part, the country an optional leading ISO code, then ISO dates.
    """
    parts = [p.strip() for p in text.split(", ")]
    if len(parts) < 2:
        return None, [], text.strip(), ""
    label = parts[-1]
    rest = parts[:-1]
    country = None
    if len(rest) > 1 and _ISO2.fullmatch(rest[0]):
        country = rest.pop(0)
    dates: list[str] = []
    while len(rest) > 1 and _ISO_DATE.fullmatch(rest[0]):
        dates.append(rest.pop(0))
    return country, dates, ", ".join(rest), label


def csv_address(text: str) -> Address:
    """A CSL address written "street, city, postal, CC" (parts optional)."""
    parts = [p.strip() for p in text.split(", ") if p.strip()]
    country = None
    if parts and _ISO2.fullmatch(parts[-1]):
        country = country_or_text(parts.pop())
    postal = None
    if len(parts) >= 2 and re.search(r"\d", parts[-1]) and len(parts[-1]) <= 10:
        postal = parts.pop()
    # A two-letter part left before the postal code is a US state (DPL rows).
    region = parts.pop() if len(parts) >= 2 and _ISO2.fullmatch(parts[-1]) else None
    city = parts.pop() if parts else None
    street = ", ".join(parts) or None
    return Address(
        full=text.strip(), street=street, city=city, region=region, postal_code=postal, country=country
    )


class EntryGrouper:
    """Turns consecutive rows (or objects) of one (id, sub-list) into one record.

    Shared by the CSV and JSON readers. An entry that appears again further
    on becomes a separate record ``<ref>#2`` and a line in the report.
    """

    def __init__(self, report: ParseReport, unit: str) -> None:
        self.report = report
        self.unit = unit  # "rows" or "object", for messages
        self.entry: CslEntry | None = None
        self.key: tuple[str, str] | None = None
        self.seen: dict[str, int] = {}

    def add(
        self,
        where: str,
        entry_id: str,
        source: str,
        adder: Callable[[CslEntry, Any, Any], None],
        item: Any,
        raw: Any,
    ) -> ListRecord | None:
        """Add one item; returns the previous entry's record when this item starts a new entry."""
        finished = None
        if self.entry is None or (entry_id, source) != self.key:
            finished = self.entry.build() if self.entry is not None else None
            self.key = (entry_id, source)
            ref = csl_ref(entry_id, sublist_code(source))
            if ref in self.seen:
                self.seen[ref] += 1
                self.report.problems.append(
                    f"{where}: entry {ref} appears again apart from its first {self.unit}; "
                    f"kept as a separate record {ref}#{self.seen[ref]}"
                )
                ref = f"{ref}#{self.seen[ref]}"
            else:
                self.seen[ref] = 1
            self.entry = CslEntry(ref, entry_id, source)
        adder(self.entry, item, raw)
        return finished

    def finish(self) -> ListRecord | None:
        return self.entry.build() if self.entry is not None else None


def _add_csv_row(entry: CslEntry, row: dict[str, str], raw: dict[str, str]) -> None:
    entry.originals.append(raw)
    get = row.get
    if entry.entity_type == "unknown":
        entry.entity_type = ENTITY_TYPES.get((get("type") or "").strip().lower(), "unknown")
    entry.add_name(get("name"), "primary")
    for alias in split_alt_names(get("alt_names")):
        entry.add_name(alias, "aka")
    for program in split_multi(get("programs")):
        entry.add_program(program)
    for text in split_multi(get("addresses")):
        entry.add_address(csv_address(text))
    for text in split_multi(get("ids")):
        country, dates, number, label = split_csv_id(text)
        if len(dates) == 2:
            entry.add_id(label, number, country, issue_date=dates[1], expiration_date=dates[0])
        else:
            entry.add_id(label, number, country, other_dates=dates)
    for text in split_multi(get("citizenships")):
        entry.add_country(text, "citizenship")
    for text in split_multi(get("nationalities")):
        entry.add_country(text, "nationality")
    for text in split_multi(get("dates_of_birth")):
        entry.add_birth_date(text)
    for text in split_multi(get("places_of_birth")):
        entry.add_place_of_birth(text)
    entry.add_remarks(get("remarks"))
    vessel_flag = (get("vessel_flag") or "").strip()
    if vessel_flag:
        entry.add_country(vessel_flag, "flag")
    for column, key in (
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
    ):
        entry.set_property(key, get(column))
    if entry.listed_on is None:
        entry.listed_on = parse_iso_date(get("start_date"))
    if entry.listed_until is None:
        entry.listed_until = parse_iso_date(get("end_date"))


def _check_header(path: Path, header: list[str] | None) -> list[str]:
    if not header:
        raise ListDataError(str(path), "the file has no header line; this is not the trade.gov CSL CSV")
    header = [h.strip().lstrip("\ufeff") for h in header]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise ListDataError(
            str(path),
            "this is not the trade.gov Consolidated Screening List CSV: the header lacks "
            + ", ".join(missing),
        )
    return header


def input_files(path: Path) -> list[Path]:
    path = Path(path)
    if path.is_dir():
        by_name = {p.name.lower(): p for p in path.iterdir() if p.is_file()}
        for name in FILE_NAMES:
            if name in by_name:
                return [by_name[name]]
        raise ListDataError(str(path), f"no CSL file ({' or '.join(FILE_NAMES)}) in this folder")
    if not path.is_file():
        raise ListDataError(str(path), "the file does not exist")
    return [path]


def sniff(path: Path) -> bool:
    path = Path(path)
    if not path.is_file():
        return False
    first = head_bytes(path, 1024).lstrip(b"\xef\xbb\xbf").split(b"\n", 1)[0]
    text = first.decode("utf-8", "replace")
    fields = {f.strip().strip('"') for f in text.split(",")}
    return {"_id", "source", "federal_register_notice", "license_policy"} <= fields


def parse(path: Path, report: ParseReport) -> Iterator[ListRecord]:
    """Yield one record per (entry id, sub-list), merging adjacent repeated rows."""
    (path,) = input_files(path)
    lost_glyphs = 0
    repaired = 0
    grouper = EntryGrouper(report, "rows")
    with open_text(path) as fh:
        reader = csv.reader(fh)
        try:
            header = _check_header(path, next(reader, None))
            width = len(header)
            for values in reader:
                line = reader.line_num
                if not any(v.strip() for v in values):
                    continue
                if len(values) != width:
                    report.problems.append(
                        f"line {line}: {len(values)} fields instead of {width} (row cut or damaged); skipped"
                    )
                    continue
                raw = dict(zip(header, values, strict=True))
                row = raw
                if _C1.search("".join(values)):
                    repaired += len(_C1.findall("".join(values)))
                    row = {k: repair_c1(v) for k, v in raw.items()}
                entry_id = row["_id"].strip()
                source = row["source"].strip()
                if not entry_id or not source or not row["name"].strip():
                    report.problems.append(f"line {line}: no _id, source or name; skipped")
                    continue
                lost_glyphs += sum(row[c].count("?") for c in _TEXT_COLUMNS)
                done = grouper.add(f"line {line}", entry_id, source, _add_csv_row, row, raw)
                if done is not None:
                    yield done
            if (last := grouper.finish()) is not None:
                yield last
        except csv.Error as exc:
            raise ListDataError(
                f"{path}, line {reader.line_num}", f"the CSV cannot be read ({exc})"
            ) from None
    if lost_glyphs:
        report.notes.append(
            f"{lost_glyphs} '?' characters stand for letters lost upstream (e.g. 'Xi?an'); kept as written"
        )
    if repaired:
        report.notes.append(
            f"{repaired} control characters left by a Windows-1252 mix-up (e.g. 'Xi\\x92an') were read as "
            "the punctuation they stand for ('Xi’an'); the original keeps them as written"
        )
