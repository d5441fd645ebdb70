"""Plain domain types shared by every layer.

These are the records a list parser yields and the loader stores. They hold no
database state and import nothing from the rest of the package, so every layer
may use them (see docs/architecture.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

# Entity types across the product. "organization" is any legal person or body
# whose exact kind the source does not state (OFAC's "entity", UN's "ENTITY");
# "company" is used where the source says it is a business.
ENTITY_TYPES = ("person", "organization", "company", "vessel", "aircraft", "unknown")

# Kinds of name a source can give. "primary" is the name the source lists the
# party under; "aka"/"fka"/"nka" are aliases; weak/low-quality aliases are
# kept with kind "aka" and quality "weak".
NAME_KINDS = ("primary", "aka", "fka", "nka")


@dataclass(frozen=True, slots=True)
class Name:
    """One name of a listed party, as the source writes it."""

    value: str
    kind: str = "primary"
    # ISO 15924 script code where the source states or the text shows it
    # ("Latn", "Cyrl", "Arab", "Hans", ...); None when not stated.
    script: str | None = None
    lang: str | None = None
    # "strong" / "weak" (OFAC weak a.k.a., UN/UK low quality); None when the
    # source does not grade its aliases.
    quality: str | None = None


@dataclass(frozen=True, slots=True)
class Identifier:
    """An identifying number or handle: passport, IMO, registration, wallet."""

    # Lower-case, snake_case type: passport, national_id, tax_id,
    # registration, imo, mmsi, swift_bic, lei, isin, email, website, phone,
    # aircraft_serial, aircraft_tail, digital_currency, other...
    type: str
    value: str
    country: str | None = None  # ISO 3166-1 alpha-2 where known, else as written
    note: str | None = None  # the source's own label or comment


@dataclass(frozen=True, slots=True)
class Address:
    full: str
    street: str | None = None
    city: str | None = None
    region: str | None = None
    postal_code: str | None = None
    country: str | None = None  # ISO 3166-1 alpha-2 where known, else as written


@dataclass(frozen=True, slots=True)
class CountryLink:
    """A country a party is tied to, and how."""

    country: str  # ISO 3166-1 alpha-2 where known, else as written
    # nationality | citizenship | jurisdiction | residence | birth | flag | location
    relation: str


@dataclass(frozen=True, slots=True)
class EventDate:
    """A date of birth or incorporation, as precise as the source gives it.

    ``value`` is ISO 8601, truncated to what is known: "1961", "1961-08",
    "1961-08-23"; a range is written "1960/1979".
    """

    value: str
    kind: str = "birth"  # birth | incorporation | registration | build
    approximate: bool = False
    note: str | None = None


@dataclass(frozen=True, slots=True)
class RelationRef:
    """A link from a listed party to another party named by the same source.

    ``kind`` reads from this record's side: "owner" = the other party owns
    this one; "owned" = this party owns the other; "parent" = the other is
    this one's parent company; "subsidiary" = the other is this one's
    subsidiary; "director" = the other is a director or officer of this one;
    "directs" = this party is a director or officer of the other; "family",
    "associate" and "linked_to" are symmetric.
    """

    kind: str
    other_ref: str | None = None  # the source's reference of the other party, when given
    other_name: str | None = None
    share_pct: float | None = None  # ownership share when stated; None = unknown
    since: str | None = None
    until: str | None = None
    note: str | None = None


@dataclass(slots=True)
class ListRecord:
    """One entry of an official list, as parsed from its original format.

    ``ref`` is the source's own reference for the entry, unique within the
    source: OFAC's ent_num, the UN reference number, the FCDO unique ID, the
    EU logical id, the trade.gov row id, the OpenSanctions entity id.
    """

    ref: str
    entity_type: str
    names: list[Name]
    programs: list[str] = field(default_factory=list)
    # The list inside the source this entry is on, where a source carries
    # several with different legal effect (CSL: "Entity List (EL) - Bureau of
    # Industry and Security"; OFAC consolidated: "CMIC"...).
    sublist: str | None = None
    listed_on: date | None = None
    # An end date given by the source itself (a denial order's expiry).
    listed_until: date | None = None
    identifiers: list[Identifier] = field(default_factory=list)
    addresses: list[Address] = field(default_factory=list)
    countries: list[CountryLink] = field(default_factory=list)
    dates: list[EventDate] = field(default_factory=list)
    places_of_birth: list[str] = field(default_factory=list)
    relations: list[RelationRef] = field(default_factory=list)
    remarks: str | None = None
    # Other facts worth showing, keyed by a short snake_case label (title,
    # call_sign, vessel_flag, federal_register_notice, license_requirement,
    # gender, position, ...). Values are strings or lists of strings.
    properties: dict[str, Any] = field(default_factory=dict)
    # The original record as read, JSON-serialisable (field name -> value),
    # so every stored designation can show exactly what the source said.
    original: dict[str, Any] = field(default_factory=dict)
    # Names of the fields above that this input could not fully supply (a
    # companion file was absent, a remark was cut off). The loader keeps the
    # previous version's value for them instead of reporting a change.
    incomplete: frozenset[str] = frozenset()
    # Only in delta files (OpenSanctions): the entry is withdrawn.
    delete: bool = False

    @property
    def primary_name(self) -> str:
        for name in self.names:
            if name.kind == "primary":
                return name.value
        return self.names[0].value if self.names else ""


@dataclass(slots=True)
class ParseReport:
    """What a parser learned about the file besides its records.

    Parsers fill it in as they go; the loader reads it after the last record.
    """

    # Publication date printed inside the file, when it has one.
    published: date | None = None
    # Record count the file declares about itself (OFAC Record_Count...).
    declared_count: int | None = None
    # "full": the file is the whole list; "delta": only changes (OpenSanctions).
    mode: str = "full"
    # Rows or elements that could not be read, each "where: what" in one line.
    problems: list[str] = field(default_factory=list)
    # Companion files that were expected but absent (OFAC alt.csv...).
    missing_parts: list[str] = field(default_factory=list)
    # Free notes to show the user (e.g. "dates given as 00/00 kept as year").
    notes: list[str] = field(default_factory=list)
