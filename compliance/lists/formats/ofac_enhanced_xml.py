"""OFAC Sanctions List Service "Enhanced XML" (CONS_ENHANCED.XML, SDN_ENHANCED.XML).

Layout (default namespace ``…/exports/ENHANCED_XML``, root ``sanctionsData``)::

    publicationInfo/dataAsOf            -> report.published
    referenceValues/referenceValue@refId {type, value, isoCode}
    featureTypes/featureType@featureTypeId
    entities/entity@id                  -> one ListRecord, ref = @id (the legacy ent_num)
        generalInfo {identityId, entityType, remarks, title}
        sanctionsLists/sanctionsList@datePublished, sanctionsPrograms, sanctionsTypes, legalAuthorities
        names/name {isPrimary, aliasType, isLowQuality, translations/translation {script, formattedFullName,
                    nameParts}}
        addresses/address {country@refId, translations/translation/addressParts}
        features/feature {type, value, valueRefId, valueDate{fromDateBegin..toDateEnd, isApproximate,
                          isDateRange}, comments}
        identityDocuments/identityDocument {type, documentNumber, issuingCountry, issueDate, expirationDate}
        relationships/relationship {type, relatedEntity@entityId}

The file is streamed: the reference table comes before the entities, so it is
kept in a dict (a few hundred values) and each entity is built and released
as soon as its end tag is read.

Listing date and sub-list: an entity carries one ``sanctionsList`` per list it
is on, each with the date it was added to *that* list. The generic
"Consolidated List" date is when OFAC created that umbrella list (2014-10-10
for most), not a listing date, so it is used only when no other list is given.
When the entity is on several specific lists: in the non-SDN consolidated
file (its filter names only the "Consolidated List") a non-SDN list wins (the
earliest dated one), because that is why the entry is in that file; in an SDN
or custom export the SDN List wins. This is the same
rule the legacy CSV parser applies to program codes, so one entry gets the
same sub-list from every OFAC format. List names are written as in
``ofac_csv`` (e.g. "Sectoral Sanctions Identifications List (SSI)").
``sublist`` and ``listed_on`` always come from the same list; every list with
its date, as OFAC names it, is kept in ``properties["sanctions_lists"]``.

Names: the primary translation (normally Latin) of each name gives the name;
other translations (Cyrillic, Arabic, Chinese...) become extra names of the
same kind with their ISO 15924 script. Bidi control characters that OFAC puts
around Arabic names are removed.

The feature vocabulary (``Facts``, ``add_feature``, ``identifier_for``...) is
shared with the Advanced XML parser, which uses the same OFAC type names.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from lxml import etree

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
from compliance.lists.formats import ofac_csv
from compliance.lists.formats._common import (
    child_text,
    children,
    date_span,
    descendants,
    head_bytes,
    local,
    parse_iso_date,
    parse_text_date,
    refuse_empty,
    refuse_html,
    release,
    safe_iterparse,
)
from compliance.normalize.countries import country_code

TITLE = "OFAC Enhanced XML (Sanctions List Service: CONS_ENHANCED.XML / SDN_ENHANCED.XML)"

_ROOT = "sanctionsData"
_USUAL_NAMES = ("cons_enhanced.xml", "sdn_enhanced.xml")
GENERIC_LIST = "Consolidated List"
SDN_LIST = "SDN List"
# OFAC's short list names (Enhanced and Advanced XML) -> the sub-list names
# every OFAC parser uses.
OFAC_LIST_NAMES = {
    SDN_LIST: ofac_csv.SDN_SUBLIST,
    "Sectoral Sanctions Identifications List": ofac_csv.SSI_SUBLIST,
    "SSI List": ofac_csv.SSI_SUBLIST,
    "Non-SDN Palestinian Legislative Council List": ofac_csv.PLC_SUBLIST,
    "Non-SDN CMIC List": ofac_csv.CMIC_SUBLIST,
    "Non-SDN Menu-Based Sanctions List": ofac_csv.MBS_SUBLIST,
    "CAPTA List": ofac_csv.CAPTA_SUBLIST,
    "FSE List": ofac_csv.FSE_SUBLIST,
    "Non-SDN Iran Sanctions Act List": ofac_csv.ISA_SUBLIST,
    "NS-ISA List": ofac_csv.ISA_SUBLIST,
}

# ---------------------------------------------------------------------------
# Shared OFAC SLS vocabulary (also used by ofac_advanced_xml)
# ---------------------------------------------------------------------------

# OFAC script names -> ISO 15924.
SCRIPT_CODES = {
    "latin": "Latn",
    "cyrillic": "Cyrl",
    "arabic": "Arab",
    "chinese simplified": "Hans",
    "chinese traditional": "Hant",
    "chinese": "Hani",
    "armenian": "Armn",
    "georgian": "Geor",
    "greek": "Grek",
    "hangul": "Hang",
    "hebrew": "Hebr",
    "japanese": "Jpan",
    "korean": "Kore",
}

_BIDI = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def clean_name(text: str | None) -> str | None:
    """A name without bidi control marks and with single spaces; None if empty."""
    if not text:
        return None
    text = " ".join(_BIDI.sub("", text).split())
    return text or None


def script_code(name: str | None, code: str | None = None) -> str | None:
    """ISO 15924 code from OFAC's script name (and ScriptCode attribute, when given)."""
    if code and re.fullmatch(r"[A-Z][a-z]{3}", code):
        return code
    for candidate in (name, code):
        if candidate and (found := SCRIPT_CODES.get(candidate.strip().lower())):
            return found
    return None


ALIAS_KINDS = {"a.k.a.": "aka", "f.k.a.": "fka", "n.k.a.": "nka"}


def entity_type_for(label: str | None) -> str:
    text = (label or "").strip().lower()
    if text == "individual":
        return "person"
    if text in ("entity", "other entity"):
        return "organization"
    if text in ("vessel", "aircraft"):
        return text
    return "unknown"


# (needle in the lower-cased document type, identifier type); first match wins.
_DOC_TYPES: tuple[tuple[str, str], ...] = (
    ("passport", "passport"),
    ("vessel registration", "imo"),
    ("imo", "imo"),
    ("mmsi", "mmsi"),
    ("swift", "swift_bic"),
    ("legal entity number", "lei"),
    ("lei", "lei"),
    ("isin", "isin"),
    ("driver", "drivers_license"),
    ("birth certificate", "birth_certificate"),
    ("tax", "tax_id"),
    ("v.a.t.", "tax_id"),
    ("vat", "tax_id"),
    ("fein", "tax_id"),
    ("inn", "tax_id"),
    ("nit #", "tax_id"),
    ("ruc #", "tax_id"),
    ("r.f.c.", "tax_id"),
    ("c.u.i.t.", "tax_id"),
    ("cuit", "tax_id"),
    ("c.i.f.", "tax_id"),
    ("rif #", "tax_id"),
    ("ssn", "national_id"),
    ("national id", "national_id"),
    ("national identification", "national_id"),
    ("personal id", "national_id"),
    ("identification number", "national_id"),
    ("id no", "national_id"),
    ("cedula", "national_id"),
    ("d.n.i.", "national_id"),
    ("n.i.e.", "national_id"),
    ("curp", "national_id"),
    ("electoral", "national_id"),
    ("residency", "residence_permit"),
    ("registration", "registration"),
    ("registry", "registration"),
    ("company number", "registration"),
    ("c.r. no", "registration"),
    ("gazette", "registration"),
    ("unified social credit", "registration"),
    ("ogrn", "registration"),
    ("kpp", "registration"),
    ("okpo", "registration"),
    ("license", "license"),
    ("licence", "license"),
)

_DOC_PATTERNS = tuple(
    (re.compile(rf"(?<![a-z]){re.escape(needle)}(?![a-z])"), found) for needle, found in _DOC_TYPES
)


def identifier_for(label: str, number: str) -> tuple[str, str]:
    """(identifier type, value) for an OFAC identity document type and number."""
    lower = label.strip().lower()
    kind = "other"
    for pattern, found in _DOC_PATTERNS:
        if pattern.search(lower):
            kind = found
            break
    value = number.strip()
    if kind == "imo" or (kind == "other" and value.upper().startswith("IMO ")):
        kind = "imo"
        value = re.sub(r"^IMO\s*", "", value, flags=re.IGNORECASE)
    return kind, value


def feature_key(label: str) -> str:
    """A feature type name as a normalised key: lower case, no trailing ':' or '-'."""
    return " ".join(label.strip().lower().rstrip(":-– ").split())


def slug(label: str) -> str:
    """A snake_case property key for a feature type name."""
    text = feature_key(label).replace("’", "").replace("'", "")
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_") or "feature"


@dataclass
class Facts:
    """What the features, documents and addresses of one party add to its record."""

    identifiers: list[Identifier] = field(default_factory=list)
    addresses: list[Address] = field(default_factory=list)
    countries: list[CountryLink] = field(default_factory=list)
    dates: list[EventDate] = field(default_factory=list)
    places_of_birth: list[str] = field(default_factory=list)
    properties: dict[str, list[str]] = field(default_factory=dict)
    # Country name -> ISO code; the file's own country table first, then ours.
    resolve: Callable[[str], str | None] = country_code

    def prop(self, key: str, value: str | None) -> None:
        if value:
            values = self.properties.setdefault(key, [])
            if value not in values:
                values.append(value)

    def country(self, code: str | None, relation: str) -> None:
        if code:
            link = CountryLink(country=code, relation=relation)
            if link not in self.countries:
                self.countries.append(link)

    def identifier(self, ident: Identifier) -> None:
        if ident.value and ident not in self.identifiers:
            self.identifiers.append(ident)

    def address(self, address: Address) -> None:
        if address.full and address not in self.addresses:
            self.addresses.append(address)
            self.country(address.country, "location")

    def flat_properties(self) -> dict[str, Any]:
        return {
            key: values[0] if len(values) == 1 else list(values) for key, values in self.properties.items()
        }


_TEXT_IDENTIFIERS = {
    "website": "website",
    "email address": "email",
    "phone number": "phone",
    "swift/bic": "swift_bic",
    "isin": "isin",
    "equity ticker": "ticker",
    "bik (ru)": "bik",
    "d-u-n-s number": "duns",
    "micex code": "micex_code",
    "un/locode": "un_locode",
    "aircraft mode s transponder code": "aircraft_mode_s",
    "aircraft tail number": "aircraft_tail",
    "previous aircraft tail number": "aircraft_tail",
}
_DATE_KINDS = {
    "birthdate": "birth",
    "organization established date": "incorporation",
    "aircraft manufacture date": "build",
    "vessel year of build": "build",
}
_COUNTRY_RELATIONS = {
    "nationality country": "nationality",
    "citizenship country": "citizenship",
    "nationality of registration": "jurisdiction",
    "registration country": "jurisdiction",
    "vessel flag": "flag",
}
_PROPERTY_NAMES = {
    "gender": "gender",
    "title": "title",
    "vessel call sign": "call_sign",
    "other vessel call sign": "other_call_sign",
    "vessel type": "vessel_type",
    "other vessel type": "other_vessel_type",
    "vessel flag": "vessel_flag",
    "other vessel flag": "other_vessel_flag",
    "former vessel flag": "former_vessel_flag",
    "vessel owner": "vessel_owner",
    "vessel tonnage": "tonnage",
    "vessel gross registered tonnage": "gross_registered_tonnage",
    "aircraft model": "aircraft_model",
    "aircraft operator": "aircraft_operator",
    "secondary sanctions risk": "secondary_sanctions_risk",
    "additional sanctions information": "additional_sanctions_information",
    "target type": "target_type",
    "organization type": "organization_type",
    "place of birth": "place_of_birth",
}


def add_feature(
    facts: Facts,
    label: str,
    value: str | None,
    *,
    when: str | None = None,
    approximate: bool = False,
    country: str | None = None,
    comment: str | None = None,
) -> None:
    """Record one OFAC feature (a "Feature" of either SLS XML format).

    ``value`` is the text shown for it, ``when`` its partial ISO date (date
    features), ``country`` its ISO code (country features, when the source
    gives one).
    """
    key = feature_key(label)
    value = clean_name(value)
    if key in _DATE_KINDS:
        when = when or parse_text_date(value)
        approximate = approximate or bool(value and value.lower().startswith("circa"))
        if when:
            facts.dates.append(
                EventDate(value=when, kind=_DATE_KINDS[key], approximate=approximate, note=comment)
            )
        else:
            facts.prop(slug(label), value)
        return
    if not value and not country:
        return
    if key.startswith("digital currency address"):
        currency = label.rsplit("-", 1)[-1].strip() if "-" in label else None
        if value:
            facts.identifier(Identifier(type="digital_currency", value=value, note=currency))
        return
    if key in _TEXT_IDENTIFIERS:
        note = comment or ("previous" if key.startswith("previous") else None)
        if value:
            facts.identifier(Identifier(type=_TEXT_IDENTIFIERS[key], value=value, note=note))
        return
    if key.startswith("aircraft manufacturer") and "serial" in key:
        if value:
            facts.identifier(Identifier(type="aircraft_serial", value=value, note=comment))
        return
    if key.startswith("aircraft construction number"):
        if value:
            facts.identifier(Identifier(type="aircraft_construction_number", value=value, note=comment))
        return
    if key == "place of birth":
        if value:
            facts.places_of_birth.append(value)
            facts.country(country or facts.resolve(value.rsplit(",", 1)[-1]), "birth")
        return
    if key == "location":
        if value:
            facts.address(Address(full=value, country=country or facts.resolve(value.rsplit(",", 1)[-1])))
        return
    if key in _COUNTRY_RELATIONS:
        facts.country(country or (facts.resolve(value) if value else None) or value, _COUNTRY_RELATIONS[key])
        if key not in _PROPERTY_NAMES:
            return
    shown = when or value  # a dated feature ("Listing Date (CMIC)") is kept as ISO
    if shown and comment:
        shown = f"{shown} ({comment})"
    facts.prop(_PROPERTY_NAMES.get(key) or slug(label), shown)


def period_text(start_from: date, start_to: date, end_from: date, end_to: date) -> str:
    """A date or range stored as two sub-ranges, as a partial ISO date or "a/b".

    OFAC writes a year-only date as 1961-01-01..1961-12-31 (-> "1961") and
    "1951 to 1953" as 1951-01-01..1951-12-31 / 1953-01-01..1953-12-31
    (-> "1951/1953").
    """
    whole = date_span(start_from, end_to)
    if "/" not in whole:
        return whole
    start = date_span(start_from, start_to)
    end = date_span(end_from, end_to)
    if "/" in start or "/" in end:
        return whole
    return start if start == end else f"{start}/{end}"


def pick_listing(
    lists: list[tuple[str, date | None]], prefer_sdn: bool = False
) -> tuple[str | None, date | None]:
    """The sub-list and listing date to show for an entry on ``lists``.

    The generic "Consolidated List" only when nothing more specific is given.
    Among specific lists: in an SDN file (``prefer_sdn``) the SDN List; in the
    consolidated (non-SDN) file a non-SDN one (the earliest dated), since that
    is why the entry is in that file. The name is the canonical one shared
    with the CSV parser.
    """
    if not lists:
        return None, None
    specific = [item for item in lists if item[0] != GENERIC_LIST] or list(lists)
    if prefer_sdn:
        for name, when in specific:
            if name == SDN_LIST:
                return OFAC_LIST_NAMES.get(name, name), when
    non_sdn = [item for item in specific if item[0] != SDN_LIST] or specific
    dated = sorted((item for item in non_sdn if item[1] is not None), key=lambda item: item[1] or date.min)
    name, when = dated[0] if dated else non_sdn[0]
    return OFAC_LIST_NAMES.get(name, name), when


RELATION_KINDS = {
    "owned or controlled by": "owner",
    "owns, controls, or operates": "owned",
    "family member of": "family",
    "associate of": "associate",
    "leader or official of": "directs",
    "principal executive officer": "directs",
}


def relation_kind(label: str | None) -> str:
    return RELATION_KINDS.get((label or "").strip().lower(), "linked_to")


def root_name(path: Path) -> str | None:
    """Local name of the first element of an XML file, from its first bytes."""
    head = head_bytes(path, 1 << 14).decode("utf-8", errors="replace").lstrip("\ufeff")
    head = re.sub(r"<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>", "", head, flags=re.DOTALL)
    match = re.search(r"<([A-Za-z_][\w.\-]*:)?([A-Za-z_][\w.\-]*)", head)
    return match[2] if match else None


def check_root(path: Path, expected: str, what: str) -> None:
    """Raise ``ListDataError`` unless the XML file's root element is ``expected``.

    Empty files and web pages get their own message first.
    """
    refuse_empty(path)
    refuse_html(path)
    found = root_name(path)
    if found != expected:
        shown = f"<{found}>" if found else "no XML element"
        raise ListDataError(
            str(path), f"this is not an {what} file (it starts with {shown}, expected <{expected}>)"
        )


def find_input(path: Path, usual: tuple[str, ...], pattern: str, what: str) -> list[Path]:
    """The file to read: ``path`` itself, or the best-named file in a folder."""
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise ListDataError(str(path), f"no such file or folder (expected the {what} file)")
    files = sorted(p for p in path.iterdir() if p.is_file())
    by_name = {p.name.lower(): p for p in files}
    for name in usual:
        if name in by_name:
            return [by_name[name]]
    for p in files:
        lower = p.name.lower()
        if pattern in lower and lower.endswith(".xml"):
            return [p]
    raise ListDataError(str(path), f"the folder has no {what} file ({' or '.join(usual)})")


# ---------------------------------------------------------------------------
# The Enhanced XML parser
# ---------------------------------------------------------------------------


def input_files(path: Path) -> list[Path]:
    return find_input(path, _USUAL_NAMES, "enhanced", "OFAC Enhanced XML")


def sniff(path: Path) -> bool:
    try:
        head = head_bytes(path, 2048)
    except OSError:
        return False
    return b"ENHANCED_XML" in head or bool(re.search(rb"<(\w+:)?sanctionsData[\s>]", head))


def parse(path: Path, report: ParseReport) -> Iterator[ListRecord]:
    (source,) = input_files(path)
    check_root(source, _ROOT, "OFAC Enhanced XML")
    countries: dict[str, str] = {}  # COUNTRY refId -> ISO alpha-2
    by_name: dict[str, str] = {}  # COUNTRY value (case-folded) -> ISO alpha-2

    def resolve(text: str) -> str | None:
        return by_name.get(text.strip().casefold()) or country_code(text)

    seen = 0
    # The file's own filter says which lists it exports: the non-SDN
    # consolidated file names only the "Consolidated List"; an SDN export or a
    # custom export names the SDN List, which then wins for entries on it.
    prefer_sdn = True
    for element in safe_iterparse(source, ("dataAsOf", "referenceValue", "entity", "filters")):
        name = local(element)
        if name == "filters":
            exported = {(item.text or "").strip() for item in descendants(element, "sanctionsList")}
            prefer_sdn = SDN_LIST in exported or GENERIC_LIST not in exported
            continue
        if name == "entity":
            seen += 1
            line = element.sourceline
            try:
                record = _entity(element, countries, resolve, prefer_sdn)
            except (ValueError, KeyError, TypeError, AttributeError) as exc:
                record = None
                report.problems.append(f"line {line}: entity {element.get('id')!r} could not be read ({exc})")
            if isinstance(record, str):
                report.problems.append(f"line {line}: {record}; skipped")
            elif record is not None:
                yield record
            release(element)
        elif name == "referenceValue":
            if child_text(element, "type") == "COUNTRY":
                iso = child_text(element, "isoCode")
                ref = element.get("refId")
                if ref and iso:
                    countries[ref] = iso.upper()
                    if value := child_text(element, "value"):
                        by_name[value.casefold()] = iso.upper()
            release(element)
        elif name == "dataAsOf":
            report.published = parse_iso_date(element.text)
    if seen == 0:
        report.notes.append("the file holds no entities")


def _value_date(element: etree._Element | None) -> tuple[str | None, bool]:
    """(partial ISO date, approximate) of a valueDate / issueDate element."""
    if element is None:
        return None, False
    parts = [
        parse_iso_date(child_text(element, tag))
        for tag in ("fromDateBegin", "fromDateEnd", "toDateBegin", "toDateEnd")
    ]
    approximate = (child_text(element, "isApproximate") or "").lower() == "true"
    known = [p for p in parts if p is not None]
    if not known:
        return None, approximate
    fb, fe, tb, te = (p or known[0] for p in parts)
    return period_text(fb, fe, tb, te), approximate


def _first(element: etree._Element, name: str) -> etree._Element | None:
    found = children(element, name)
    return found[0] if found else None


def _items(element: etree._Element, group: str, item: str) -> list[etree._Element]:
    holder = _first(element, group)
    return children(holder, item) if holder is not None else []


def _country(element: etree._Element | None, countries: dict[str, str]) -> str | None:
    if element is None:
        return None
    text = (element.text or "").strip() or None
    return countries.get(element.get("refId") or "") or (country_code(text) if text else None) or text


def _entity(
    entity: etree._Element,
    countries: dict[str, str],
    resolve: Callable[[str], str | None],
    prefer_sdn: bool = True,
) -> ListRecord | str:
    ref = (entity.get("id") or "").strip()
    if not ref:
        return "entity without an id"
    general = _first(entity, "generalInfo")
    entity_type = entity_type_for(child_text(general, "entityType") if general is not None else None)

    names = _names(entity)
    if not names:
        return f"entity {ref} has no name"

    facts = Facts(resolve=resolve)
    lists: list[tuple[str, date | None]] = []
    for item in _items(entity, "sanctionsLists", "sanctionsList"):
        list_name = (item.text or "").strip()
        if list_name:
            lists.append((list_name, parse_iso_date(item.get("datePublished"))))
    sublist, listed_on = pick_listing(lists, prefer_sdn)
    for list_name, when in lists:
        facts.prop("sanctions_lists", f"{list_name} ({when.isoformat()})" if when else list_name)
    programs: list[str] = []
    for item in _items(entity, "sanctionsPrograms", "sanctionsProgram"):
        program = (item.text or "").strip()
        if program and program not in programs:
            programs.append(program)
    for item in _items(entity, "sanctionsTypes", "sanctionsType"):
        facts.prop("sanctions_type", (item.text or "").strip())
    for item in _items(entity, "legalAuthorities", "legalAuthority"):
        facts.prop("legal_authority", (item.text or "").strip())
    remarks = None
    if general is not None:
        remarks = child_text(general, "remarks")
        facts.prop("title", child_text(general, "title"))

    for address in _items(entity, "addresses", "address"):
        _address(address, countries, facts)
    for feature in _items(entity, "features", "feature"):
        _feature(feature, countries, facts)
    for document in _items(entity, "identityDocuments", "identityDocument"):
        _document(document, countries, facts)
    relations = []
    for relationship in _items(entity, "relationships", "relationship"):
        other = _first(relationship, "relatedEntity")
        label = child_text(relationship, "type")
        quality = child_text(relationship, "quality")
        note = f"{label} (quality: {quality})" if label and quality else label
        relations.append(
            RelationRef(
                kind=relation_kind(label),
                other_ref=other.get("entityId") if other is not None else None,
                other_name=clean_name(other.text) if other is not None else None,
                note=note,
            )
        )

    return ListRecord(
        ref=ref,
        entity_type=entity_type,
        names=names,
        programs=programs,
        sublist=sublist,
        listed_on=listed_on,
        identifiers=facts.identifiers,
        addresses=facts.addresses,
        countries=facts.countries,
        dates=facts.dates,
        places_of_birth=facts.places_of_birth,
        relations=relations,
        remarks=remarks,
        properties=facts.flat_properties(),
        original={"xml": etree.tostring(entity, encoding="unicode")},
    )


def _names(entity: etree._Element) -> list[Name]:
    primary: list[Name] = []
    others: list[Name] = []
    for name in _items(entity, "names", "name"):
        is_primary = (child_text(name, "isPrimary") or "").lower() == "true"
        alias = (child_text(name, "aliasType") or "").lower()
        kind = "primary" if is_primary else ALIAS_KINDS.get(alias, "aka")
        low = (child_text(name, "isLowQuality") or "").lower() == "true"
        quality = "weak" if low else (None if is_primary else "strong")
        translations = _items(name, "translations", "translation")
        # The primary translation first, then the other scripts.
        translations.sort(key=lambda tr: (child_text(tr, "isPrimary") or "").lower() != "true")
        target = primary if is_primary else others
        for translation in translations:
            value = clean_name(child_text(translation, "formattedFullName"))
            if not value:
                parts = [child_text(part, "value") for part in _items(translation, "nameParts", "namePart")]
                value = clean_name(" ".join(p for p in parts if p))
            if not value:
                continue
            script_el = _first(translation, "script")
            script = script_code(script_el.text if script_el is not None else None)
            entry = Name(value=value, kind=kind, script=script, quality=quality)
            if entry not in target:
                target.append(entry)
    if not primary and others:
        # No name flagged primary: the first one stands in for it.
        first = others.pop(0)
        primary.append(Name(value=first.value, kind="primary", script=first.script))
    return primary + others


_ADDRESS_STREET = ("ADDRESS1", "ADDRESS2", "ADDRESS3")


def _address(address: etree._Element, countries: dict[str, str], facts: Facts) -> None:
    country_el = _first(address, "country")
    country_text = clean_name(country_el.text) if country_el is not None else None
    iso = _country(country_el, countries)
    translations = _items(address, "translations", "translation")
    translations.sort(key=lambda tr: (child_text(tr, "isPrimary") or "").lower() != "true")
    added = False
    for translation in translations:
        parts: dict[str, list[str]] = {}
        ordered: list[str] = []
        for part in _items(translation, "addressParts", "addressPart"):
            kind = (child_text(part, "type") or "").upper()
            value = clean_name(child_text(part, "value"))
            if value:
                parts.setdefault(kind, []).append(value)
                ordered.append(value)
        if not ordered:
            continue
        full = ", ".join([*ordered, *([country_text] if country_text else [])])
        street = ", ".join(v for k in _ADDRESS_STREET for v in parts.get(k, [])) or None
        facts.address(
            Address(
                full=full,
                street=street,
                city=", ".join(parts.get("CITY", [])) or None,
                region=", ".join(parts.get("STATE/PROVINCE", []) + parts.get("REGION", [])) or None,
                postal_code=", ".join(parts.get("POSTAL CODE", [])) or None,
                country=iso,
            )
        )
        added = True
    if not added and country_text:
        facts.address(Address(full=country_text, country=iso))


def _feature(feature: etree._Element, countries: dict[str, str], facts: Facts) -> None:
    label = child_text(feature, "type")
    if not label:
        return
    when, approximate = _value_date(_first(feature, "valueDate"))
    ref = child_text(feature, "valueRefId")
    country = countries.get(ref) if ref else None
    add_feature(
        facts,
        label,
        child_text(feature, "value"),
        when=when,
        approximate=approximate,
        country=country,
        comment=child_text(feature, "comments"),
    )


def _document(document: etree._Element, countries: dict[str, str], facts: Facts) -> None:
    label = child_text(document, "type") or "Identity document"
    number = child_text(document, "documentNumber")
    if not number:
        return
    kind, value = identifier_for(label, number)
    notes = [label]
    if authority := child_text(document, "issuingAuthority"):
        notes.append(f"issued by {authority}")
    if location := child_text(document, "issuingLocation"):
        notes.append(f"issued in {location}")
    issued, _ = _value_date(_first(document, "issueDate"))
    if issued:
        notes.append(f"issued {issued}")
    expires, _ = _value_date(_first(document, "expirationDate"))
    if expires:
        notes.append(f"expires {expires}")
    if (child_text(document, "isValid") or "true").lower() == "false":
        notes.append("not valid")
    for extra in _items(document, "idFeatures", "idFeature"):
        if extra.text and extra.text.strip():
            notes.append(extra.text.strip())
    facts.identifier(
        Identifier(
            type=kind,
            value=value,
            country=_country(_first(document, "issuingCountry"), countries),
            note="; ".join(notes),
        )
    )
