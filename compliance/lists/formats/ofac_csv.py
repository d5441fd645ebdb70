"""OFAC legacy CSV files: the SDN set and the non-SDN consolidated set.

The SDN set is ``sdn.csv`` with its companions ``add.csv`` (addresses),
``alt.csv`` (strong aliases) and ``sdn_comments.csv`` (the rest of remarks cut
at about 1,000 characters). The non-SDN consolidated set has the same layout
in ``cons_prim.csv``, ``cons_add.csv``, ``cons_alt.csv`` and
``cons_comments.csv``. None of the files has a header row; null is the token
``-0-``; several programs share one field as ``SDGT] [SYRIA``.

Companion files are optional. When one is absent it is named in
``report.missing_parts`` and every record says which of its fields could not
be supplied (``incomplete``): ``names`` without alt.csv, ``addresses`` and
``countries`` without add.csv, and, for a record whose remark was cut and has
no continuation, ``remarks`` and every field derived from remarks.

Names are kept as OFAC writes them (individuals ``LAST, First``); the two
parts are also given as ``last_name``/``first_name`` properties.

Facts that OFAC writes as free text in remarks (dates and places of birth,
nationality, passports and other numbers, "Linked To:", digital-currency
addresses, weak a.k.a.'s, "Listing Date (CMIC)"...) are pulled out; the full
remark stays in ``remarks``. The same label table serves the sdn.xml-schema
parser (``ofac_xml``), whose ``idList`` uses OFAC's remark labels.

``listed_on``: the legacy files carry no designation date. A "Listing Date
(CMIC)" in remarks dates an entry's NS-CMIC listing, and "Listing Date (EO
14024 Directive 2)" its NS-MBS listing: those become ``listed_on`` for
entries on that non-SDN list. Otherwise (SDN entries, SSI entries) such dates
concern a directive, not the entry's own list, and are kept only in the
``listing_date`` property.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import IO, Any

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
    clean,
    head_bytes,
    open_text,
    parse_text_date,
    refuse_empty,
    refuse_html,
)
from compliance.normalize.countries import country_code

TITLE = "OFAC legacy CSV (sdn.csv with add/alt/sdn_comments, or the non-SDN cons_*.csv set)"

# --------------------------------------------------------------------------
# Sub-lists: which OFAC list an entry is on. Shared with ofac_xml.
# --------------------------------------------------------------------------

SDN_SUBLIST = "Specially Designated Nationals and Blocked Persons List (SDN)"
SSI_SUBLIST = "Sectoral Sanctions Identifications List (SSI)"
PLC_SUBLIST = "Non-SDN Palestinian Legislative Council List (NS-PLC)"
CMIC_SUBLIST = "Non-SDN Chinese Military-Industrial Complex Companies List (NS-CMIC)"
FSE_SUBLIST = "Foreign Sanctions Evaders List (FSE)"
MBS_SUBLIST = "Non-SDN Menu-Based Sanctions List (NS-MBS)"
CAPTA_SUBLIST = "Correspondent Account or Payable-Through Account Sanctions List (CAPTA)"
ISA_SUBLIST = "Non-SDN Iran Sanctions Act List (NS-ISA)"
NON_SDN_SUBLIST = "Non-SDN Consolidated Sanctions List"

# Program code patterns of the non-SDN lists, in the order they win when an
# entry carries several programs: an entry is in the consolidated file
# because of its non-SDN program (e.g. "SDGT] [NS-PLC" is a PLC entry;
# "UKRAINE-EO13662] [RUSSIA-EO14024" is an SSI entry that is also an SDN).
# Checked against OFAC's own list names in CONS_ENHANCED.XML.
NON_SDN_PROGRAMS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^CMIC", re.I), CMIC_SUBLIST),
    (re.compile(r"^NS-PLC$", re.I), PLC_SUBLIST),
    (re.compile(r"^FSE-", re.I), FSE_SUBLIST),
    (re.compile(r"^(561-RELATED|CAPTA.*)$", re.I), CAPTA_SUBLIST),
    (re.compile(r"^(NS-)?ISA$", re.I), ISA_SUBLIST),
    (re.compile(r"^UKRAINE-EO13662$", re.I), SSI_SUBLIST),
    (
        re.compile(
            r"^(RUSSIA-EO14024|CAATSA - RUSSIA|BURMA-EO14014|ILLICIT-DRUGS-EO14059|NS-MBS.*|MBS.*)$", re.I
        ),
        MBS_SUBLIST,
    ),
)


# Which "Listing Date (qualifier)" remarks date the entry's own non-SDN list.
# (An SSI entry's "Listing Date (EO 14024 Directive 2)" dates a directive, not
# its SSI listing, so it does not become listed_on.)
LISTING_QUALIFIERS: dict[str, re.Pattern[str]] = {
    CMIC_SUBLIST: re.compile(r"^CMIC", re.I),
    MBS_SUBLIST: re.compile(r"^EO \d+ Directive", re.I),
}


def listed_on_for(sublist: str | None, listing_dates: Sequence[tuple[str, date]]) -> date | None:
    """The listing date of an entry on its non-SDN list, from its "Listing Date (...)" facts."""
    pattern = LISTING_QUALIFIERS.get(sublist or "")
    if pattern is None:
        return None
    dates = [d for qualifier, d in listing_dates if pattern.match(qualifier)]
    return min(dates) if dates else None


def sublist_for(programs: Sequence[str], consolidated: bool) -> str:
    """The OFAC list an entry is on, from its programs.

    ``consolidated`` is True for OFAC's non-SDN consolidated files; every
    entry of an SDN file is on the SDN list whatever its programs.
    """
    if not consolidated:
        return SDN_SUBLIST
    for pattern, sublist in NON_SDN_PROGRAMS:
        if any(pattern.match(p) for p in programs):
            return sublist
    return NON_SDN_SUBLIST


def split_programs(value: str | None) -> list[str]:
    """``SDGT] [SYRIA`` (outer brackets already stripped by OFAC) to a list."""
    value = clean(value)
    if not value:
        return []
    out: list[str] = []
    for part in value.split("] ["):
        part = part.strip().strip("[]").strip()
        if part and part not in out:
            out.append(part)
    return out


# --------------------------------------------------------------------------
# Facts found in remarks (and in sdn.xml idList entries)
# --------------------------------------------------------------------------

# Fields a remark can supply: all of them are incomplete when a remark was cut
# and its continuation is missing.
REMARK_FIELDS = frozenset(
    {
        "remarks",
        "names",
        "identifiers",
        "dates",
        "places_of_birth",
        "countries",
        "relations",
        "properties",
        "listed_on",
    }
)


@lru_cache(maxsize=4096)
def country(text: str | None) -> str | None:
    """ISO alpha-2 for a country name, else the name as written; None if empty."""
    text = clean(text)
    if not text:
        return None
    return country_code(text) or text


@dataclass(slots=True)
class Facts:
    """What a parser gathers for one entry before building its record."""

    entity_type: str
    names: list[Name] = field(default_factory=list)
    identifiers: list[Identifier] = field(default_factory=list)
    addresses: list[Address] = field(default_factory=list)
    countries: list[CountryLink] = field(default_factory=list)
    dates: list[EventDate] = field(default_factory=list)
    places_of_birth: list[str] = field(default_factory=list)
    relations: list[RelationRef] = field(default_factory=list)
    properties: dict[str, Any] = field(default_factory=dict)
    # (qualifier, date) of each "Listing Date (qualifier)" found.
    listing_dates: list[tuple[str, date]] = field(default_factory=list)

    def prop(self, key: str, value: str | None) -> None:
        """Add a property value; a key given several values becomes a list."""
        value = clean(value)
        if not value:
            return
        old = self.properties.get(key)
        if old is None:
            self.properties[key] = value
        elif isinstance(old, list):
            if value not in old:
                old.append(value)
        elif old != value:
            self.properties[key] = [old, value]

    def country_link(self, text: str | None, relation: str) -> None:
        code = country(text)
        if code:
            link = CountryLink(code, relation)
            if link not in self.countries:
                self.countries.append(link)

    def identifier(self, ident: Identifier) -> None:
        if ident.value and ident not in self.identifiers:
            self.identifiers.append(ident)

    def name(self, name: Name) -> None:
        if name.value and all(n.value != name.value or n.kind != name.kind for n in self.names):
            self.names.append(name)

    def date(self, event: EventDate) -> None:
        if event not in self.dates:
            self.dates.append(event)


# Labels OFAC uses, lower-cased, to (kind, detail). Kinds:
#   id      -> Identifier of type ``detail``, value "number (Country) issued .. expires .."
#   raw_id  -> Identifier of type ``detail``, value kept whole (e-mail, phone...)
#   prop    -> property ``detail``
#   special -> handled by name in ``_apply``
_LABELS: dict[str, tuple[str, str]] = {
    # people
    "dob": ("special", "dob"),
    "pob": ("special", "pob"),
    "nationality": ("special", "nationality"),
    "citizen": ("special", "citizenship"),
    "gender": ("prop", "gender"),
    "linked to": ("special", "linked_to"),
    # identity documents
    "passport": ("id", "passport"),
    "diplomatic passport": ("id", "passport"),
    "passport booklet": ("id", "passport"),
    "travel document number": ("id", "travel_document"),
    "national id no.": ("id", "national_id"),
    "national foreign id number": ("id", "national_id"),
    "identification number": ("id", "national_id"),
    "personal id card": ("id", "national_id"),
    "refugee id card": ("id", "national_id"),
    "stateless person id card": ("id", "national_id"),
    "tazkira national id card": ("id", "national_id"),
    "moroccan personal id no.": ("id", "national_id"),
    "cnp (personal numerical code)": ("id", "national_id"),
    "visanumberid": ("id", "visa"),
    "immigration no.": ("id", "immigration"),
    "cedula no.": ("id", "national_id"),
    "c.u.r.p.": ("id", "national_id"),
    "curp #": ("id", "national_id"),
    "d.n.i.": ("id", "national_id"),
    "c.u.i.": ("id", "national_id"),
    "turkish identification number": ("id", "national_id"),
    "numero de identidad": ("id", "national_id"),
    "kenyan id no.": ("id", "national_id"),
    "citizen's card number": ("id", "national_id"),
    "le number": ("id", "national_id"),
    "ssn": ("id", "national_id"),
    "residency number": ("id", "residency"),
    "electoral registry no.": ("id", "voter_id"),
    "credencial electoral": ("id", "voter_id"),
    "i.f.e.": ("id", "voter_id"),
    "driver's license no.": ("id", "drivers_license"),
    "birth certificate number": ("id", "birth_certificate"),
    "cartilla de servicio militar nacional": ("id", "military_id"),
    # tax numbers
    "tax id no.": ("id", "tax_id"),
    "r.f.c.": ("id", "tax_id"),
    "rfc": ("id", "tax_id"),
    "v.a.t. number": ("id", "tax_id"),
    "us fein": ("id", "tax_id"),
    "italian fiscal code": ("id", "tax_id"),
    "c.u.i.t.": ("id", "tax_id"),
    "c.u.i.l.": ("id", "tax_id"),
    "rif #": ("id", "tax_id"),
    "paraguayan tax identification number": ("id", "tax_id"),
    "romanian tax registration": ("id", "tax_id"),
    "numero unico de identificacao tributaria (nuit)": ("id", "tax_id"),
    "rtn": ("id", "tax_id"),
    "nit #": ("id", "tax_id"),
    "ruc #": ("id", "tax_id"),
    # company registers
    "registration number": ("id", "registration"),
    "registration id": ("id", "registration"),
    "business registration number": ("id", "registration"),
    "business registration document #": ("id", "registration"),
    "company number": ("id", "registration"),
    "uk company number": ("id", "registration"),
    "commercial registry number": ("id", "registration"),
    "government gazette number": ("id", "registration"),
    "unified social credit code (uscc)": ("id", "registration"),
    "united social credit code certificate (usccc)": ("id", "registration"),
    "c.r. no.": ("id", "registration"),
    "trade license no.": ("id", "registration"),
    "chamber of commerce number": ("id", "registration"),
    "certificate of incorporation number": ("id", "registration"),
    "public registration number": ("id", "registration"),
    "folio mercantil no.": ("id", "registration"),
    "matricula mercantil no": ("id", "registration"),
    "economic register number (cbls)": ("id", "registration"),
    "central registration system number": ("id", "registration"),
    "istanbul chamber of comm. no.": ("id", "registration"),
    "dubai chamber of commerce membership no.": ("id", "registration"),
    "enterprise number": ("id", "registration"),
    "branch unit number": ("id", "registration"),
    "business number": ("id", "registration"),
    "registered charity no.": ("id", "registration"),
    "organization code": ("id", "registration"),
    "sre permit no.": ("id", "license"),
    "license": ("id", "license"),
    "permit number": ("id", "license"),
    "legal entity number": ("id", "lei"),
    "d-u-n-s number": ("id", "duns"),
    "isin": ("id", "isin"),
    "equity ticker": ("id", "equity_ticker"),
    "bik (ru)": ("id", "bik"),
    "swift/bic": ("id", "swift_bic"),
    "chinese commercial code": ("raw_id", "chinese_commercial_code"),
    # contacts
    "email address": ("raw_id", "email"),
    "email": ("raw_id", "email"),
    "website": ("raw_id", "website"),
    "phone number": ("raw_id", "phone"),
    "phone": ("raw_id", "phone"),
    "telephone": ("raw_id", "phone"),
    "fax": ("raw_id", "fax"),
    "digital currency address -": ("special", "digital_currency"),
    # vessels and aircraft
    "vessel registration identification": ("special", "imo"),
    "international maritime organization no.": ("special", "imo"),
    "mmsi": ("raw_id", "mmsi"),
    "aircraft manufacturer's serial number (msn)": ("raw_id", "aircraft_serial"),
    "aircraft tail number": ("raw_id", "aircraft_tail"),
    "previous aircraft tail number": ("raw_id", "aircraft_tail"),
    "aircraft serial identification": ("raw_id", "aircraft_serial"),
    "aircraft construction number (also called l/n or s/n or f/n)": ("raw_id", "aircraft_construction"),
    "aircraft mode s transponder code": ("raw_id", "aircraft_mode_s"),
    "aircraft manufacture date": ("special", "build_date"),
    "vessel year of build": ("special", "build_date"),
    "aircraft model": ("prop", "aircraft_model"),
    "aircraft operator": ("prop", "aircraft_operator"),
    "former vessel flag": ("prop", "former_vessel_flag"),
    "other vessel flag": ("prop", "other_vessel_flag"),
    "other vessel type": ("prop", "other_vessel_type"),
    "other vessel call sign": ("prop", "other_call_sign"),
    "nationality of registration": ("special", "registration_country"),
    "registration country": ("special", "registration_country"),
    "un/locode": ("prop", "un_locode"),
    # organisations
    "organization established date": ("special", "established"),
    "organization type": ("prop", "organization_type"),
    "target type": ("prop", "target_type"),
    "issuer name": ("prop", "issuer_name"),
    # sanctions notes
    "secondary sanctions risk": ("prop", "secondary_sanctions_risk"),
    "additional sanctions information -": ("prop", "additional_sanctions_information"),
    "transactions prohibited for persons owned or controlled by u.s. financial institutions": (
        "prop",
        "transactions_prohibited",
    ),
    "executive order 13662 directive determination -": ("prop", "directive_determination"),
    "executive order 13846 information": ("prop", "eo13846_information"),
    "executive order 14024 directive information -": ("prop", "directive_information"),
    "executive order 14024 directive information": ("prop", "directive_information"),
    "executive order 14014 directive information": ("prop", "directive_information"),
    "caatsa section 235 information": ("prop", "caatsa_235_information"),
    "ifca determination -": ("prop", "ifca_determination"),
    "arrested": ("prop", "arrested"),
}

_LABEL_RE = re.compile(
    r"^(?P<label>"
    + "|".join(re.escape(k) for k in sorted(_LABELS, key=len, reverse=True))
    + r")(?:\s*:\s*|\s+|$)(?P<value>.*)$",
    re.I | re.S,
)
_DATE_LABEL_RE = re.compile(
    r"^(?P<what>Listing|Effective|Purchase/Sales For Divestment) Date \((?P<qual>[^)]*)\):?\s*(?P<value>.*)$",
    re.I | re.S,
)
_WEAK_AKA_RE = re.compile(r"^(?P<kind>[afn])\.k\.a\.,?\s*'(?P<name>.+)'$", re.I | re.S)
_ID_VALUE_RE = re.compile(
    r"^(?P<num>.*?)(?:\s*\((?P<country>[^()]*)\))?"
    r"(?:\s*,?\s*issued\s+(?P<issued>.+?))?(?:\s*,?\s*expires\s+(?P<expires>.+?))?\s*$",
    re.I | re.S,
)
# Unknown "<label> No./Number/ID/Code <value>" segments become identifiers of type "other".
_GENERIC_ID_RE = re.compile(
    r"^(?P<label>[A-Z][\w.'/&\- ]{1,60}?(?:\bNo\.?|\bNumber|\bID|#|\bCode))"
    r"\s+(?P<value>[\w\-./]+(?:\s*\(.*\))?)$",
    re.S,
)
_ALT_RE = re.compile(r"^alt\.\s+", re.I)
_CORP_ABBREVIATIONS = frozenset({"LTD", "CO", "INC", "CORP", "LTDA", "BHD", "GMBH", "KFT", "REG", "JR"})
_KIND_BY_AKA = {"a": "aka", "f": "fka", "n": "nka"}


def event_date(text: str | None) -> tuple[str, bool] | None:
    """An OFAC date of birth (or build, establishment) as a partial ISO date.

    "10 Dec 1948", "Mar 1945", "1960", "circa 1951" (approximate),
    "1960 to 1962" and "01 Jan 1960 to 31 Dec 1962" (ranges "1960/1962"),
    "circa 1960-1962". Returns (value, approximate) or None.
    """
    t = clean(text)
    if not t:
        return None
    t = t.rstrip(".").strip()
    approximate = False
    if t.lower().startswith("circa"):
        approximate = True
        t = t[5:].strip()
    parts = re.split(r"\s+to\s+", t, flags=re.I)
    if len(parts) == 1 and (m := re.fullmatch(r"(\d{4})\s*-\s*(\d{4})", t)):
        parts = [m[1], m[2]]
    if len(parts) == 2:
        start, end = parse_text_date(parts[0]), parse_text_date(parts[1])
        if start and end:
            return f"{start}/{end}", approximate
        return None
    value = parse_text_date(t)
    return (value, approximate) if value else None


def _restore_dot(name: str) -> str:
    """Give back the final period a remark's own full stop swallowed, for
    names that end with an abbreviation ("CO., LTD", "S.A")."""
    last = name.rsplit(None, 1)[-1] if name.strip() else ""
    if "." in last or last.upper() in _CORP_ABBREVIATIONS:
        return name + "."
    return name


def _identifier(kind: str, label: str, value: str, id_country: str | None = None) -> Identifier | None:
    match = _ID_VALUE_RE.match(value)
    number = value.strip()
    notes = [label]
    where = id_country
    if match:
        number = (match["num"] or "").strip() or number
        where = where or match["country"]
        if match["issued"]:
            notes.append(f"issued {match['issued'].strip()}")
        if match["expires"]:
            notes.append(f"expires {match['expires'].strip()}")
    number = number.strip(" ,")
    if not number:
        return None
    return Identifier(kind, number, country(where), "; ".join(notes))


def apply_fact(
    facts: Facts,
    label: str,
    value: str,
    *,
    id_country: str | None = None,
    end_of_remark: bool = False,
) -> bool:
    """Record one labelled fact (a remark segment, or an sdn.xml ``id``).

    Returns False when the label is not one this parser understands.
    """
    label = label.strip()
    value = value.strip()
    if "date (" in label.lower() and (m := _DATE_LABEL_RE.match(f"{label} {value}")):
        what, qual, raw = m["what"].lower(), m["qual"].strip(), m["value"].strip()
        parsed = parse_text_date(raw)
        shown = parsed or raw
        if what == "listing":
            facts.prop("listing_date", f"{qual}: {shown}")
            if parsed and len(parsed) == 10:
                facts.listing_dates.append((qual, date.fromisoformat(parsed)))
        elif what == "effective":
            facts.prop("effective_date", f"{qual}: {shown}")
        else:
            facts.prop("divestment_date", f"{qual}: {shown}")
        return True
    entry = _LABELS.get(label.lower().rstrip(" :"))
    if entry is None:
        entry = _LABELS.get(label.lower())
    if entry is None:
        return False
    kind, detail = entry
    if not value:
        return True
    if kind == "prop":
        facts.prop(detail, value)
    elif kind == "raw_id":
        facts.identifier(Identifier(detail, value, country(id_country), label))
    elif kind == "id":
        ident = _identifier(detail, label, value, id_country)
        if ident:
            facts.identifier(ident)
    elif detail == "dob":
        if found := event_date(value):
            facts.date(EventDate(found[0], "birth", found[1]))
        else:
            facts.prop("date_of_birth_text", value)
    elif detail == "build_date":
        if found := event_date(value):
            facts.date(EventDate(found[0], "build", found[1]))
    elif detail == "established":
        if found := event_date(value):
            facts.date(EventDate(found[0], "incorporation", found[1]))
    elif detail == "pob":
        if value not in facts.places_of_birth:
            facts.places_of_birth.append(value)
        code = country_code(value.rsplit(",", 1)[-1].strip())
        if code:
            facts.country_link(code, "birth")
    elif detail in ("nationality", "citizenship"):
        facts.country_link(value, detail)
    elif detail == "registration_country":
        facts.prop("nationality_of_registration", value)
        relation = "flag" if facts.entity_type in ("vessel", "aircraft") else "jurisdiction"
        facts.country_link(value, relation)
    elif detail == "linked_to":
        name = value.strip().strip("()").strip()
        if end_of_remark:
            name = _restore_dot(name)
        if name and all(r.other_name != name for r in facts.relations):
            facts.relations.append(RelationRef("linked_to", other_name=name))
    elif detail == "digital_currency":
        currency, _, address = value.partition(" ")
        address = address.strip()
        if address:
            facts.identifier(Identifier("digital_currency", address, None, currency.strip()))
    elif detail == "imo":
        number = re.sub(r"^IMO\s*", "", value, flags=re.I).strip().strip("()")
        if number:
            facts.identifier(Identifier("imo", number, None, label))
    return True


def apply_segment(facts: Facts, segment: str, *, end_of_remark: bool = False) -> bool:
    """Record what one ``;``-separated remark segment says; False if not understood."""
    seg = segment.strip()
    if seg.startswith("(") and seg.endswith(")"):
        seg = seg[1:-1].strip()  # sdn.xml writes "(Linked To: X)"
    seg = _ALT_RE.sub("", seg)
    if not seg:
        return True
    if m := _WEAK_AKA_RE.match(seg):
        facts.name(Name(m["name"].strip(), _KIND_BY_AKA[m["kind"].lower()], quality="weak"))
        return True
    if m := _DATE_LABEL_RE.match(seg):
        return apply_fact(facts, seg[: m.start("value")], m["value"], end_of_remark=end_of_remark)
    if m := _LABEL_RE.match(seg):
        return apply_fact(facts, m["label"], m["value"], end_of_remark=end_of_remark)
    if m := _GENERIC_ID_RE.match(seg):
        ident = _identifier("other", m["label"], m["value"])
        if ident:
            facts.identifier(ident)
        return True
    return False


def apply_remarks(facts: Facts, remarks: str | None, *, cut: bool = False) -> None:
    """Pull the facts out of an OFAC remark.

    ``cut``: the remark was cut off and not continued, so its last segment is
    a fragment and is not read.
    """
    text = clean(remarks)
    if not text:
        return
    full_stop = not cut and text.endswith(".")
    if full_stop:
        text = text[:-1]
    segments = text.split(";")
    if cut:
        segments = segments[:-1]
    last = len(segments) - 1
    for i, segment in enumerate(segments):
        apply_segment(facts, segment, end_of_remark=full_stop and i == last)


# --------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------

_ENCODINGS = ("utf-8", "cp1252", "latin-1")
_SDN_COLUMNS = (
    "ent_num",
    "sdn_name",
    "sdn_type",
    "program",
    "title",
    "call_sign",
    "vess_type",
    "tonnage",
    "grt",
    "vess_flag",
    "vess_owner",
    "remarks",
)
_ADD_COLUMNS = ("ent_num", "add_num", "address", "city_state_postal", "country", "add_remarks")
_ALT_COLUMNS = ("ent_num", "alt_num", "alt_type", "alt_name", "alt_remarks")
_COMMENT_COLUMNS = ("ent_num", "remarks_extension")
# OFAC cuts the remarks field at this length and continues it in *_comments.csv.
REMARK_LIMIT = 1000


@dataclass(frozen=True, slots=True)
class _FileSet:
    consolidated: bool
    main: str
    add: str
    alt: str
    comments: str


_SDN_SET = _FileSet(False, "sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv")
_CONS_SET = _FileSet(True, "cons_prim.csv", "cons_add.csv", "cons_alt.csv", "cons_comments.csv")
_TYPES = {"individual": "person", "vessel": "vessel", "aircraft": "aircraft", "entity": "organization"}
_FIRST_ROW = re.compile(rb'^\s*\d+,"[^"\r\n]*",(?:-0- ?|"?(?:individual|vessel|aircraft)"?),', re.I)


def _find(folder: Path, name: str) -> Path | None:
    """The file called ``name`` in ``folder``, whatever the case of its name."""
    exact = folder / name
    if exact.is_file():
        return exact
    try:
        for candidate in folder.iterdir():
            if candidate.name.lower() == name and candidate.is_file():
                return candidate
    except OSError:
        return None
    return None


def _locate(path: Path) -> tuple[_FileSet, Path, dict[str, Path | None]]:
    """The set, the main file and its companions (None when absent)."""
    if path.is_dir():
        folder = path
        fileset, main = _SDN_SET, _find(folder, _SDN_SET.main)
        if main is None:
            fileset, main = _CONS_SET, _find(folder, _CONS_SET.main)
        if main is None:
            raise ListDataError(str(path), "no sdn.csv or cons_prim.csv in this folder")
    elif path.is_file():
        folder = path.parent
        lower = path.name.lower()
        fileset = _CONS_SET if lower.startswith("cons_") else _SDN_SET
        main = path
        if lower in (fileset.add, fileset.alt, fileset.comments):
            found = _find(folder, fileset.main)
            if found is None:
                raise ListDataError(
                    str(path), f"this is a companion file; the main file {fileset.main} is not beside it"
                )
            main = found
    else:
        raise ListDataError(str(path), "no such file or folder")
    companions: dict[str, Path | None] = {
        role: _find(folder, getattr(fileset, role)) for role in ("add", "alt", "comments")
    }
    return fileset, main, companions


def input_files(path: Path) -> list[Path]:
    """The main file (sdn.csv or cons_prim.csv) and the companions present beside it."""
    _fileset, main, companions = _locate(Path(path))
    return [main, *(p for p in companions.values() if p is not None)]


def sniff(path: Path) -> bool:
    """True for an OFAC legacy main CSV file (sdn.csv / cons_prim.csv layout)."""
    try:
        start = head_bytes(Path(path), 1024)
    except OSError:
        return False
    return bool(_FIRST_ROW.match(start.lstrip(b"\xef\xbb\xbf")))


def _rows(fh: IO[str], name: str, report: ParseReport) -> Iterator[tuple[int, list[str]]]:
    """CSV rows with their line number, minus the DOS end-of-file byte and blank lines."""
    reader = csv.reader(fh)
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            report.problems.append(f"{name} line {reader.line_num}: unreadable row ({exc}); skipped")
            continue
        if row and "\x1a" in row[-1]:
            row[-1] = row[-1].replace("\x1a", "")
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        yield reader.line_num, row


_LEADING_KEY = re.compile(r"(\d+),")


def _in_order(fh: IO[str]) -> bool:
    """Whether the entry numbers starting the lines of ``fh`` never go down (rewinds ``fh``)."""
    last = -1
    ordered = True
    for line in fh:
        if match := _LEADING_KEY.match(line):
            key = int(match[1])
            if key < last:
                ordered = False
                break
            last = key
    fh.seek(0)
    return ordered


class _Companion:
    """Rows of a companion file grouped by ent_num, read alongside the main file.

    OFAC writes every file in ent_num order, so the groups are read in step
    with the main file (constant memory). A quick first pass checks that
    order; a file that is not in order is read whole up front instead, so no
    row is lost. Groups never asked for are reported at the end.
    """

    def __init__(self, path: Path, role_name: str, width: int, report: ParseReport) -> None:
        self.name = role_name
        self._width = width
        self._report = report
        self._fh = open_text(path, _ENCODINGS)
        self._rows = _rows(self._fh, path.name, report)
        self._file = path.name
        self._buffer: dict[int, list[list[str]]] = {}
        self._pending: tuple[int, list[str]] | None = None
        self._done = False
        self._last_key = -1
        self._ordered = _in_order(self._fh)
        if not self._ordered:
            report.notes.append(f"{path.name} is not in entry-number order; it was read whole")
            while (group := self._next_group()) is not None:
                self._buffer.setdefault(group[0], []).extend(group[1])

    def _next_row(self) -> tuple[int, list[str]] | None:
        for line, row in self._rows:
            key = row[0].strip()
            if len(row) != self._width or not key.isdigit():
                self._report.problems.append(
                    f"{self._file} line {line}: expected {self._width} fields starting with an entry number, "
                    f"found {len(row)}; row skipped"
                )
                continue
            return int(key), row
        self._done = True
        return None

    def _next_group(self) -> tuple[int, list[list[str]]] | None:
        first = self._pending or self._next_row()
        self._pending = None
        if first is None:
            return None
        key, rows = first[0], [first[1]]
        while (nxt := self._next_row()) is not None:
            if nxt[0] != key:
                self._pending = nxt
                break
            rows.append(nxt[1])
        if key < self._last_key:
            self._ordered = False
        self._last_key = max(self._last_key, key)
        return key, rows

    def take(self, ent: int) -> list[list[str]]:
        if ent in self._buffer:
            return self._buffer.pop(ent)
        while True:
            group = self._next_group()
            if group is None:
                return []
            key, rows = group
            if key == ent:
                return rows
            self._buffer.setdefault(key, []).extend(rows)
            if key > ent and self._ordered:
                return []

    def finish(self, main_name: str) -> None:
        while (group := self._next_group()) is not None:
            self._buffer.setdefault(group[0], []).extend(group[1])
        if self._buffer:
            keys = sorted(self._buffer)
            shown = ", ".join(str(k) for k in keys[:10]) + (" ..." if len(keys) > 10 else "")
            rows = sum(len(v) for v in self._buffer.values())
            self._report.problems.append(
                f"{self._file}: {rows} row(s) for entries not found in {main_name} "
                f"(or out of order), not attached: ent_num {shown}"
            )
        self.close()

    def close(self) -> None:
        self._fh.close()


def _open_companion(path: Path | None, role_name: str, width: int, report: ParseReport) -> _Companion | None:
    if path is None:
        report.missing_parts.append(role_name)
        return None
    try:
        return _Companion(path, role_name, width, report)
    except ListDataError as exc:
        report.problems.append(f"{path.name}: {exc.problem}; treated as absent")
        report.missing_parts.append(role_name)
        return None


def _split_person_name(name: str) -> tuple[str, str] | None:
    if "," not in name:
        return None
    last, first = name.split(",", 1)
    last, first = last.strip(), first.strip()
    return (last, first) if last and first else None


def _address(row: list[str]) -> Address | None:
    street, city, where = clean(row[2]), clean(row[3]), clean(row[4])
    parts = [p for p in (street, city, where) if p]
    if not parts:
        return None
    return Address(full=", ".join(parts), street=street, city=city, country=country(where))


def parse(path: Path, report: ParseReport) -> Iterator[ListRecord]:
    """Stream the records of an OFAC legacy CSV set (see the module docstring)."""
    fileset, main, paths = _locate(Path(path))
    add = _open_companion(paths["add"], fileset.add, len(_ADD_COLUMNS), report)
    alt = _open_companion(paths["alt"], fileset.alt, len(_ALT_COLUMNS), report)
    comments = _open_companion(paths["comments"], fileset.comments, len(_COMMENT_COLUMNS), report)
    base_incomplete: set[str] = set()
    if alt is None:
        base_incomplete.add("names")
    if add is None:
        base_incomplete.update(("addresses", "countries"))
    companions = [c for c in (add, alt, comments) if c is not None]
    try:
        yield from _parse_main(fileset, main, report, add, alt, comments, frozenset(base_incomplete))
        for companion in companions:
            companion.finish(fileset.main)
    finally:
        for companion in companions:
            companion.close()


def _parse_main(
    fileset: _FileSet,
    main: Path,
    report: ParseReport,
    add: _Companion | None,
    alt: _Companion | None,
    comments: _Companion | None,
    base_incomplete: frozenset[str],
) -> Iterator[ListRecord]:
    refuse_empty(main)
    refuse_html(main)
    seen: set[int] = set()
    first = True
    records = 0
    unknown_programs: set[str] = set()
    with open_text(main, _ENCODINGS) as fh:
        for line, row in _rows(fh, main.name, report):
            key = row[0].strip()
            if len(row) != len(_SDN_COLUMNS) or not key.isdigit():
                if first and key.lower().replace(" ", "_") == "ent_num":
                    report.notes.append(f"{main.name}: a header row was found and skipped")
                    first = False
                    continue
                if first:
                    raise ListDataError(
                        str(main),
                        f"this is not an OFAC {fileset.main} file: its first row has {len(row)} fields "
                        f"and no entry number (expected {len(_SDN_COLUMNS)} fields, no header)",
                    )
                report.problems.append(
                    f"{main.name} line {line}: expected {len(_SDN_COLUMNS)} fields starting with an "
                    f"entry number, found {len(row)}; row skipped"
                )
                continue
            first = False
            ent = int(key)
            if ent in seen:
                report.problems.append(f"{main.name} line {line}: entry {ent} appears twice; repeat skipped")
                continue
            seen.add(ent)
            record = _record(
                fileset,
                main.name,
                ent,
                row,
                add.take(ent) if add else [],
                alt.take(ent) if alt else [],
                comments.take(ent) if comments else [],
                comments is not None,
                base_incomplete,
                report,
            )
            if record is None:
                report.problems.append(f"{main.name} line {line}: entry {ent} has no name; row skipped")
                continue
            if record.sublist == NON_SDN_SUBLIST:
                unknown_programs.update(record.programs)
            records += 1
            yield record
    if first:
        raise ListDataError(str(main), "the file holds no rows")
    if records == 0:
        raise ListDataError(str(main), "no row of this file could be read as an OFAC entry")
    if not _ends_with_eof_marker(main):
        report.notes.append(
            f"{main.name} does not end with OFAC's end-of-file marker; it may have been cut off or re-saved"
        )
    if unknown_programs:
        report.notes.append(
            "programs not tied to a known non-SDN list: " + ", ".join(sorted(unknown_programs))
        )


def _ends_with_eof_marker(path: Path) -> bool:
    with open(path, "rb") as fh:
        fh.seek(0, 2)
        size = fh.tell()
        fh.seek(max(0, size - 16))
        return b"\x1a" in fh.read()


def _record(
    fileset: _FileSet,
    main_name: str,
    ent: int,
    row: list[str],
    add_rows: list[list[str]],
    alt_rows: list[list[str]],
    comment_rows: list[list[str]],
    have_comments: bool,
    base_incomplete: frozenset[str],
    report: ParseReport,
) -> ListRecord | None:
    name = clean(row[1])
    if not name:
        return None
    raw_type = (clean(row[2]) or "entity").lower()
    entity_type = _TYPES.get(raw_type, "unknown")
    facts = Facts(entity_type)
    facts.names.append(Name(name, "primary"))
    if entity_type == "person" and (parts := _split_person_name(name)):
        facts.prop("last_name", parts[0])
        facts.prop("first_name", parts[1])
    if entity_type == "unknown":
        facts.prop("ofac_type", row[2])

    for key, column in (
        ("title", 4),
        ("call_sign", 5),
        ("vessel_type", 6),
        ("tonnage", 7),
        ("grt", 8),
        ("vessel_flag", 9),
        ("vessel_owner", 10),
    ):
        facts.prop(key, row[column])
    if flag := clean(row[9]):
        facts.country_link(flag, "flag")

    for alt_row in alt_rows:
        alt_name = clean(alt_row[3])
        if alt_name:
            kind = (clean(alt_row[2]) or "aka").lower().replace(".", "")
            facts.name(Name(alt_name, kind if kind in ("aka", "fka", "nka") else "aka", quality="strong"))

    for add_row in add_rows:
        address = _address(add_row)
        if address and address not in facts.addresses:
            facts.addresses.append(address)
            if address.country:
                facts.country_link(address.country, "location")

    incomplete = set(base_incomplete)
    remarks = clean(row[11])
    continuation = "".join(r[1] for r in comment_rows)
    if continuation:
        # The cut falls anywhere, even mid-word or just after a space: join as is.
        remarks = (row[11] + continuation).strip()
    cut = not continuation and len(row[11]) >= REMARK_LIMIT
    if cut:
        incomplete.update(REMARK_FIELDS)
        if have_comments:
            report.notes.append(
                f"{main_name}: the remarks of entry {ent} are cut at {REMARK_LIMIT:,} characters and "
                f"{fileset.comments} has no continuation for it"
            )
    apply_remarks(facts, remarks, cut=cut)

    programs = split_programs(row[3])
    sublist = sublist_for(programs, fileset.consolidated)

    original: dict[str, Any] = {fileset.main: dict(zip(_SDN_COLUMNS, row, strict=True))}
    if add_rows:
        original[fileset.add] = [dict(zip(_ADD_COLUMNS, r, strict=True)) for r in add_rows]
    if alt_rows:
        original[fileset.alt] = [dict(zip(_ALT_COLUMNS, r, strict=True)) for r in alt_rows]
    if comment_rows:
        original[fileset.comments] = [dict(zip(_COMMENT_COLUMNS, r, strict=True)) for r in comment_rows]

    return ListRecord(
        ref=str(ent),
        entity_type=entity_type,
        names=facts.names,
        programs=programs,
        sublist=sublist,
        listed_on=listed_on_for(sublist, facts.listing_dates),
        identifiers=facts.identifiers,
        addresses=facts.addresses,
        countries=facts.countries,
        dates=facts.dates,
        places_of_birth=facts.places_of_birth,
        relations=facts.relations,
        remarks=remarks,
        properties=facts.properties,
        original=original,
        incomplete=frozenset(incomplete),
    )
