"""OFAC Advanced XML (SDN_ADVANCED.XML, CONS_ADVANCED.XML).

Root ``Sanctions`` (namespace ``…/exports/ADVANCED_XML``), then in this order::

    DateOfIssue{Year, Month, Day}        -> report.published
    ReferenceValueSets                   ~40 lookup tables keyed by ID (AliasType, Country, FeatureType,
                                         List, NamePartType, PartySubType, Script, SanctionsType...)
    Locations/Location@ID                addresses and countries that features point to
    IDRegDocuments/IDRegDocument         identity documents, tied to an Identity@ID
    DistinctParties/DistinctParty        one ListRecord each; ref = @FixedRef (the legacy ent_num)
        Profile@PartySubTypeID -> type
        Identity/Alias@{AliasTypeID, Primary, LowQuality}/DocumentedName/DocumentedNamePart/
            NamePartValue@{NamePartGroupID, ScriptID}; Identity/NamePartGroups maps a group to its
            NamePartType (Last, First, Entity Name...)
        Feature@FeatureTypeID/FeatureVersion{VersionDetail, DatePeriod, VersionLocation}
    ProfileRelationships/ProfileRelationship@{From-ProfileID, To-ProfileID, RelationTypeID}
    SanctionsEntries/SanctionsEntry@{ProfileID, ListID}
        EntryEvent/Date -> listed_on; SanctionsMeasure@SanctionsTypeID (type "Program": Comment = program)

Bounded memory, two streaming passes. A party cannot be completed when it is
read: its listing date, programs and relations come *after* all parties. The
full file is about 100 MB, nearly all of it parties, so the parties are never
held together. Pass 1 streams the whole file and keeps only the small parts in
compact form: the reference tables (a few thousand values), locations, identity
documents, relationships and sanctions entries (a few fields and a compact XML
string each), plus each party's primary name so that relations can name the
other side. Every party element is released as soon as it is read. Pass 2
streams the file again, builds and yields one record per party, releases it,
and stops at ``</DistinctParties>``. Memory is thus proportional to the small
side tables, not to the parties; a malformed or truncated file is refused by
pass 1 before any record is yielded.

Listing date and sub-list follow the Enhanced XML rules (see
``ofac_enhanced_xml``): the generic "Consolidated List" is used only when no
specific list is given. In an SDN file (every sanctions entry on the SDN List)
the SDN List is shown; in the consolidated file, the entry's non-SDN list.
The ``original`` of a record holds the party's XML and, as compact XML, the
sanctions entries, documents, relationships and locations it draws on (a
location without its ``FeatureVersionReference`` back-links, which list every
feature in the file that uses it).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from lxml import etree

from compliance.domain import Address, Identifier, ListRecord, Name, ParseReport, RelationRef
from compliance.lists.formats._common import (
    child_text,
    children,
    clean,
    descendants,
    head_bytes,
    local,
    partial_date,
    release,
    safe_iterparse,
)
from compliance.lists.formats.ofac_enhanced_xml import (
    ALIAS_KINDS,
    SDN_LIST,
    Facts,
    add_feature,
    check_root,
    clean_name,
    entity_type_for,
    feature_key,
    find_input,
    identifier_for,
    period_text,
    pick_listing,
    relation_kind,
    script_code,
)
from compliance.normalize.countries import country_code

TITLE = "OFAC Advanced XML (SDN_ADVANCED.XML / CONS_ADVANCED.XML)"

_ROOT = "Sanctions"
_USUAL_NAMES = ("sdn_advanced.xml", "cons_advanced.xml")
_PASS1_TAGS = (
    "DateOfIssue",
    "ReferenceValueSets",
    "Location",
    "IDRegDocument",
    "DistinctParty",
    "ProfileRelationship",
    "SanctionsEntry",
)
_GIVEN_PARTS = ("first name", "middle name", "patronymic", "matronymic")
_STREET_PARTS = ("ADDRESS1", "ADDRESS2", "ADDRESS3")
_NO_COUNTRY = {"undetermined", "unknown"}
_BLANKS = re.compile(r">\s+<")


def input_files(path: Path) -> list[Path]:
    return find_input(path, _USUAL_NAMES, "advanced", "OFAC Advanced XML")


def sniff(path: Path) -> bool:
    try:
        head = head_bytes(path, 2048)
    except OSError:
        return False
    return b"ADVANCED_XML" in head or bool(
        re.search(rb"<(\w+:)?Sanctions[\s>][^<]*<(\w+:)?DateOfIssue", head)
    )


# ---------------------------------------------------------------------------
# Pass 1: the side tables
# ---------------------------------------------------------------------------


@dataclass(slots=True)
class _Location:
    area_id: str | None
    country_id: str | None
    parts: tuple[tuple[str, str], ...]  # (LocPartTypeID, value)
    xml: str


@dataclass(slots=True)
class _Document:
    type_id: str | None
    number: str | None
    country_id: str | None
    validity_id: str | None
    authority: str | None
    comment: str | None
    dates: tuple[tuple[str | None, str], ...]  # (IDRegDocDateTypeID, partial date)
    xml: str


@dataclass(slots=True)
class _Relation:
    to_profile: str | None
    type_id: str | None
    quality_id: str | None
    former: bool
    comment: str | None
    xml: str


@dataclass(slots=True)
class _Entry:
    list_id: str | None
    listed: date | None
    programs: tuple[str, ...]
    measures: tuple[tuple[str | None, str | None], ...]  # (SanctionsTypeID, comment) of other measures
    legal_basis: tuple[str, ...]
    xml: str


@dataclass
class _Index:
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # table -> ID -> text
    attrs: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)  # table -> ID -> attributes
    locations: dict[str, _Location] = field(default_factory=dict)
    documents: dict[str, list[_Document]] = field(default_factory=dict)  # IdentityID -> documents
    relations: dict[str, list[_Relation]] = field(default_factory=dict)  # From-ProfileID -> relations
    entries: dict[str, list[_Entry]] = field(default_factory=dict)  # ProfileID -> entries
    parties: dict[str, tuple[str, str | None]] = field(default_factory=dict)  # ProfileID -> (FixedRef, name)
    countries_by_name: dict[str, str] = field(default_factory=dict)

    def name(self, table: str, ref: str | None) -> str | None:
        if ref is None:
            return None
        return self.values.get(table, {}).get(ref)

    def attr(self, table: str, ref: str | None, attribute: str) -> str | None:
        if ref is None:
            return None
        return self.attrs.get(table, {}).get(ref, {}).get(attribute)

    def country(self, country_id: str | None) -> tuple[str | None, str | None]:
        """(ISO code or None, name) of a Country / AreaCode ID."""
        if not country_id:
            return None, None
        name = self.name("Country", country_id) or self.attr("AreaCode", country_id, "Description")
        iso = self.attr("Country", country_id, "ISO2") or clean(self.name("AreaCode", country_id))
        if name and name.strip().lower() in _NO_COUNTRY:
            return None, None
        return (iso.upper() if iso else None), name

    def resolve(self, text: str) -> str | None:
        """ISO code for a country name, from the file's own Country table first."""
        return self.countries_by_name.get(text.strip().casefold()) or country_code(text)


def _compact(element: etree._Element) -> str:
    return _BLANKS.sub("><", etree.tostring(element, encoding="unicode").strip())


def _ymd(element: etree._Element | None, low: bool) -> date | None:
    """A From/To/Date element as a date; a missing month or day widens to the start or end."""
    if element is None:
        return None
    text = partial_date(child_text(element, "Year"), child_text(element, "Month"), child_text(element, "Day"))
    if not text:
        return None
    year, _, rest = text.partition("-")
    month, _, day = rest.partition("-")
    y = int(year)
    m = int(month) if month else (1 if low else 12)
    if day:
        d = int(day)
    elif low:
        d = 1
    else:
        import calendar

        d = calendar.monthrange(y, m)[1]
    return date(y, m, d)


def _first(element: etree._Element | None, name: str) -> etree._Element | None:
    if element is None:
        return None
    return next(element.iterchildren(f"{{*}}{name}"), None)


def _date_period(period: etree._Element | None) -> tuple[str | None, bool]:
    """(partial ISO date or range, approximate) of a DatePeriod."""
    if period is None:
        return None, False
    start, end = _first(period, "Start"), _first(period, "End")
    bounds: list[date | None] = []
    for side in (start, end):
        low = _ymd(_first(side, "From"), True) or _ymd(_first(side, "To"), True)
        high = _ymd(_first(side, "To"), False) or _ymd(_first(side, "From"), False)
        bounds += [low, high]
    known = [b for b in bounds if b is not None]
    if not known:
        return None, False
    sf, st, ef, et = bounds
    sf, st = sf or ef or known[0], st or et or known[-1]
    ef, et = ef or sf, et or st
    approximate = any(
        (side.get("Approximate") or "").lower() == "true" for side in (start, end) if side is not None
    )
    return period_text(sf, st, ef, et), approximate


def _load_tables(sets: etree._Element, index: _Index) -> None:
    for table in sets:
        if not isinstance(table.tag, str):
            continue
        for value in table:
            if not isinstance(value.tag, str):
                continue
            ref = value.get("ID")
            if ref is None:
                continue
            kind = local(value)
            index.values.setdefault(kind, {})[ref] = (value.text or "").strip()
            if value.attrib:
                index.attrs.setdefault(kind, {})[ref] = {str(k): str(v) for k, v in value.attrib.items()}
    for ref, name in index.values.get("Country", {}).items():
        iso = index.attr("Country", ref, "ISO2")
        if iso and name:
            index.countries_by_name[name.casefold()] = iso.upper()


def _load_location(element: etree._Element, index: _Index) -> None:
    ref = element.get("ID")
    if not ref:
        return
    area = _first(element, "LocationAreaCode")
    country = _first(element, "LocationCountry")
    parts: list[tuple[str, str]] = []
    for part in children(element, "LocationPart"):
        values = children(part, "LocationPartValue")
        values.sort(key=lambda v: (v.get("Primary") or "").lower() != "true")
        for value in values[:1]:
            text = clean_name(child_text(value, "Value"))
            if text:
                parts.append((part.get("LocPartTypeID") or "", text))
    # Back-references to every feature that uses the location (thousands for a
    # country used as nationality) say nothing about the location: not kept.
    for back in children(element, "FeatureVersionReference"):
        element.remove(back)
    index.locations[ref] = _Location(
        area_id=area.get("AreaCodeID") if area is not None else None,
        country_id=country.get("CountryID") if country is not None else None,
        parts=tuple(parts),
        xml=_compact(element),
    )


def _load_document(element: etree._Element, index: _Index) -> None:
    identity = element.get("IdentityID")
    if not identity:
        return
    dates = []
    for document_date in children(element, "DocumentDate"):
        when, _ = _date_period(_first(document_date, "DatePeriod"))
        if when:
            dates.append((document_date.get("IDRegDocDateTypeID"), when))
    index.documents.setdefault(identity, []).append(
        _Document(
            type_id=element.get("IDRegDocTypeID"),
            number=clean_name(child_text(element, "IDRegistrationNo")),
            country_id=element.get("IssuedBy-CountryID"),
            validity_id=element.get("ValidityID"),
            authority=clean_name(child_text(element, "IssuingAuthority")),
            comment=clean_name(child_text(element, "Comment")),
            dates=tuple(dates),
            xml=_compact(element),
        )
    )


def _load_relation(element: etree._Element, index: _Index) -> None:
    source = element.get("From-ProfileID")
    if not source:
        return
    index.relations.setdefault(source, []).append(
        _Relation(
            to_profile=element.get("To-ProfileID"),
            type_id=element.get("RelationTypeID"),
            quality_id=element.get("RelationQualityID"),
            former=(element.get("Former") or "").lower() == "true",
            comment=clean_name(child_text(element, "Comment")),
            xml=_compact(element),
        )
    )


def _load_entry(element: etree._Element, index: _Index) -> None:
    profile = element.get("ProfileID")
    if not profile:
        return
    listed: list[date] = []
    bases: list[str] = []
    for event in children(element, "EntryEvent"):
        when = _ymd(_first(event, "Date"), True)
        if when:
            listed.append(when)
        basis = event.get("LegalBasisID")
        if basis:
            bases.append(basis)
    programs: list[str] = []
    measures: list[tuple[str | None, str | None]] = []
    for measure in children(element, "SanctionsMeasure"):
        type_id = measure.get("SanctionsTypeID")
        comment = clean_name(child_text(measure, "Comment"))
        if (index.name("SanctionsType", type_id) or "").lower() == "program" or (
            type_id == "1" and "SanctionsType" not in index.values
        ):
            if comment and comment not in programs:
                programs.append(comment)
        else:
            measures.append((type_id, comment))
    index.entries.setdefault(profile, []).append(
        _Entry(
            list_id=element.get("ListID"),
            listed=min(listed) if listed else None,
            programs=tuple(programs),
            measures=tuple(measures),
            legal_basis=tuple(bases),
            xml=_compact(element),
        )
    )


def _collect(source: Path, report: ParseReport) -> _Index:
    index = _Index()
    for element in safe_iterparse(source, _PASS1_TAGS):
        name = local(element)
        try:
            if name == "DistinctParty":
                profile = _first(element, "Profile")
                fixed = element.get("FixedRef")
                if profile is not None and fixed:
                    index.parties[profile.get("ID") or fixed] = (fixed, _primary_name(profile, index))
            elif name == "Location":
                _load_location(element, index)
            elif name == "IDRegDocument":
                _load_document(element, index)
            elif name == "ProfileRelationship":
                _load_relation(element, index)
            elif name == "SanctionsEntry":
                _load_entry(element, index)
            elif name == "ReferenceValueSets":
                _load_tables(element, index)
            elif name == "DateOfIssue":
                when = _ymd(element, True)
                report.published = when
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            report.problems.append(f"line {element.sourceline}: {name} could not be read ({exc}); skipped")
        release(element)
    return index


# ---------------------------------------------------------------------------
# Pass 2: the parties
# ---------------------------------------------------------------------------


def parse(path: Path, report: ParseReport) -> Iterator[ListRecord]:
    (source,) = input_files(path)
    check_root(source, _ROOT, "OFAC Advanced XML")
    index = _collect(source, report)
    if not index.values:
        report.notes.append("the file has no reference tables; names of codes could not be looked up")
    seen = 0
    without_entry = 0
    # An SDN file has every entry on the SDN List; the consolidated file does not.
    list_ids = {entry.list_id for entries in index.entries.values() for entry in entries}
    prefer_sdn = bool(list_ids) and all(index.name("List", lid) == SDN_LIST for lid in list_ids)
    for element in safe_iterparse(source, ("DistinctParty", "DistinctParties")):
        if local(element) == "DistinctParties":
            break
        seen += 1
        line = element.sourceline
        try:
            record = _party(element, index, prefer_sdn)
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            record = f"party {element.get('FixedRef')!r} could not be read ({exc})"
        if isinstance(record, str):
            report.problems.append(f"line {line}: {record}; skipped")
        else:
            if record.listed_on is None and not record.programs:
                without_entry += 1
            yield record
        release(element)
    if seen == 0:
        report.notes.append("the file holds no parties")
    if without_entry:
        report.notes.append(f"{without_entry} parties have no sanctions entry (no programs or listing date)")


def _assemble(parts: list[tuple[str, str]]) -> str | None:
    """A full name from (part type, value) pairs: "LAST, First Middle" for people."""
    last = [value for kind, value in parts if kind == "last name"]
    if not last:
        return clean_name(" ".join(value for _, value in parts))
    given = [value for wanted in _GIVEN_PARTS for kind, value in parts if kind == wanted]
    given += [value for kind, value in parts if kind != "last name" and kind not in _GIVEN_PARTS]
    text = " ".join(last)
    if given:
        text += ", " + " ".join(given)
    return clean_name(text)


def _primary_name(profile: etree._Element, index: _Index) -> str | None:
    """Just the primary name of a party (pass 1, to name the other side of relations)."""
    for alias in profile.iter("{*}Alias"):
        if (alias.get("Primary") or "").lower() != "true":
            continue
        documented = list(alias.iterchildren("{*}DocumentedName"))
        if not documented:
            return None
        documented.sort(
            key=lambda d: (
                (index.name("DocNameStatus", d.get("DocNameStatusID")) or "").lower() != "primary latin"
            )
        )
        doc = documented[0]
        identity = alias.getparent()
        groups: dict[str, str] = {}
        if identity is not None:
            for group in identity.iter("{*}NamePartGroup"):
                type_name = index.name("NamePartType", group.get("NamePartTypeID")) or ""
                groups[group.get("ID") or ""] = type_name.strip().lower()
        parts = [
            (groups.get(value.get("NamePartGroupID") or "", ""), text)
            for value in doc.iter("{*}NamePartValue")
            if (text := clean_name(value.text))
        ]
        return _assemble(parts)
    return None


def _names(profile: etree._Element, index: _Index) -> list[Name]:
    """The party's names: the primary name (Latin first, then other scripts), then the aliases."""
    identities = children(profile, "Identity")
    identities.sort(key=lambda i: (i.get("Primary") or "").lower() != "true")
    primary: list[Name] = []
    others: list[Name] = []
    for position, identity in enumerate(identities):
        groups: dict[str, str] = {}
        for group in descendants(identity, "NamePartGroup"):
            type_name = index.name("NamePartType", group.get("NamePartTypeID")) or ""
            groups[group.get("ID") or ""] = type_name.strip().lower()
        for alias in children(identity, "Alias"):
            is_primary = position == 0 and (alias.get("Primary") or "").lower() == "true"
            alias_type = (index.name("AliasType", alias.get("AliasTypeID")) or "").lower()
            kind = "primary" if is_primary else ALIAS_KINDS.get(alias_type, "aka")
            low = (alias.get("LowQuality") or "").lower() == "true"
            quality = "weak" if low else (None if is_primary else "strong")
            documented = children(alias, "DocumentedName")
            documented.sort(
                key=lambda d: (
                    (index.name("DocNameStatus", d.get("DocNameStatusID")) or "").lower() != "primary latin"
                )
            )
            target = primary if is_primary else others
            for doc in documented:
                parts: list[tuple[str, str]] = []
                script_id = None
                for value in descendants(doc, "NamePartValue"):
                    text = clean_name(value.text)
                    if text:
                        parts.append((groups.get(value.get("NamePartGroupID") or "", ""), text))
                        script_id = script_id or value.get("ScriptID")
                full = _assemble(parts)
                if not full:
                    continue
                script = script_code(
                    index.name("Script", script_id), index.attr("Script", script_id, "ScriptCode")
                )
                entry = Name(value=full, kind=kind, script=script, quality=quality)
                if entry not in target:
                    target.append(entry)
    if not primary and others:
        first = others.pop(0)
        primary.append(Name(value=first.value, kind="primary", script=first.script))
    return primary + others


def _address(location: _Location, index: _Index) -> tuple[Address | None, str | None, str | None]:
    """(address, ISO country, country name) of a location."""
    iso, country_name = index.country(location.country_id)
    if not iso and not country_name:
        iso, country_name = index.country(location.area_id)
    by_type: dict[str, list[str]] = {}
    ordered: list[str] = []
    for type_id, value in location.parts:
        type_name = (index.name("LocPartType", type_id) or "").upper()
        by_type.setdefault(type_name, []).append(value)
        ordered.append(value)
    if not iso and ordered and len(ordered) == 1 and not country_name:
        # A bare country name as the only part (nationality locations).
        iso = index.resolve(ordered[0])
        if iso:
            country_name = ordered[0]
            ordered = []
            by_type = {}
    full_parts = ordered + ([country_name] if country_name else [])
    if not full_parts:
        return None, iso, country_name
    address = Address(
        full=", ".join(full_parts),
        street=", ".join(v for k in _STREET_PARTS for v in by_type.get(k, [])) or None,
        city=", ".join(by_type.get("CITY", [])) or None,
        region=", ".join(by_type.get("STATE/PROVINCE", []) + by_type.get("REGION", [])) or None,
        postal_code=", ".join(by_type.get("POSTAL CODE", [])) or None,
        country=iso or country_name,
    )
    return address, iso, country_name


def _features(profile: etree._Element, index: _Index, facts: Facts, used: dict[str, str]) -> None:
    for feature in children(profile, "Feature"):
        label = index.name("FeatureType", feature.get("FeatureTypeID"))
        if not label:
            continue
        key = feature_key(label)
        for version in children(feature, "FeatureVersion"):
            comment = clean_name(child_text(version, "Comment"))
            when, approximate = _date_period(_first(version, "DatePeriod"))
            value: str | None = None
            for detail in children(version, "VersionDetail"):
                value = clean_name(detail.text) or index.name(
                    "DetailReference", detail.get("DetailReferenceID")
                )
                if value:
                    break
            country: str | None = None
            for link in children(version, "VersionLocation"):
                location = index.locations.get(link.get("LocationID") or "")
                if location is None:
                    continue
                used[link.get("LocationID") or ""] = location.xml
                address, iso, country_name = _address(location, index)
                if key == "location":
                    if address is not None:
                        facts.address(address)
                    continue
                country = country or iso
                value = value or country_name or (address.full if address else None)
            if key == "location":
                continue
            add_feature(
                facts,
                label,
                value,
                when=when,
                approximate=approximate,
                country=country or (index.resolve(value) if value and _is_country(key) else None),
                comment=comment,
            )


def _is_country(key: str) -> bool:
    return "country" in key or key in ("nationality of registration", "vessel flag")


def _documents(profile: etree._Element, index: _Index, facts: Facts, original: list[str]) -> None:
    for identity in children(profile, "Identity"):
        for document in index.documents.get(identity.get("ID") or "", []):
            original.append(document.xml)
            if not document.number:
                continue
            label = index.name("IDRegDocType", document.type_id) or "Identity document"
            kind, value = identifier_for(label, document.number)
            notes = [label]
            if document.authority:
                notes.append(f"issued by {document.authority}")
            for type_id, when in document.dates:
                date_type = (index.name("IDRegDocDateType", type_id) or "date").lower()
                notes.append(f"{date_type} {when}")
            validity = index.name("Validity", document.validity_id)
            if validity and validity.lower() != "valid":
                notes.append(validity.lower())
            if document.comment:
                notes.append(document.comment)
            iso, country_name = index.country(document.country_id)
            facts.identifier(
                Identifier(type=kind, value=value, country=iso or country_name, note="; ".join(notes))
            )


def _party(element: etree._Element, index: _Index, prefer_sdn: bool = True) -> ListRecord | str:
    ref = (element.get("FixedRef") or "").strip()
    if not ref:
        return "party without a FixedRef"
    profile = _first(element, "Profile")
    if profile is None:
        return f"party {ref} has no Profile"
    profile_id = profile.get("ID") or ref
    subtype_id = profile.get("PartySubTypeID")
    subtype = index.name("PartySubType", subtype_id) or ""
    if subtype.lower() in ("vessel", "aircraft"):
        entity_type = subtype.lower()
    else:
        party_type = index.name("PartyType", index.attr("PartySubType", subtype_id, "PartyTypeID"))
        entity_type = entity_type_for(party_type)

    names = _names(profile, index)
    if not names:
        return f"party {ref} has no name"

    facts = Facts(resolve=index.resolve)
    used_locations: dict[str, str] = {}
    document_xml: list[str] = []
    _features(profile, index, facts, used_locations)
    _documents(profile, index, facts, document_xml)

    entries = index.entries.get(profile_id, [])
    lists: list[tuple[str, date | None]] = []
    programs: list[str] = []
    for entry in entries:
        list_name = index.name("List", entry.list_id) or (f"list {entry.list_id}" if entry.list_id else None)
        if list_name:
            lists.append((list_name, entry.listed))
            facts.prop(
                "sanctions_lists", f"{list_name} ({entry.listed.isoformat()})" if entry.listed else list_name
            )
        for program in entry.programs:
            if program not in programs:
                programs.append(program)
        for type_id, comment in entry.measures:
            type_name = index.name("SanctionsType", type_id)
            facts.prop("sanctions_type", f"{type_name}: {comment}" if type_name and comment else type_name)
        for basis in entry.legal_basis:
            short = index.attr("LegalBasis", basis, "LegalBasisShortRef") or index.name("LegalBasis", basis)
            if short and short.lower() != "unknown":
                facts.prop("legal_authority", short)
    sublist, listed_on = pick_listing(lists, prefer_sdn)

    relations = []
    relation_xml: list[str] = []
    for relation in index.relations.get(profile_id, []):
        relation_xml.append(relation.xml)
        other_ref, other_name = index.parties.get(relation.to_profile or "", (relation.to_profile, None))
        label = index.name("RelationType", relation.type_id)
        quality = index.name("RelationQuality", relation.quality_id)
        notes = [text for text in (label, relation.comment) if text]
        if quality and quality.lower() != "unknown":
            notes.append(f"quality: {quality}")
        if relation.former:
            notes.append("former")
        relations.append(
            RelationRef(
                kind=relation_kind(label),
                other_ref=other_ref,
                other_name=other_name,
                note="; ".join(notes) or None,
            )
        )

    remarks = "; ".join(
        text
        for text in (clean_name(child_text(element, "Comment")), clean_name(child_text(profile, "Comment")))
        if text
    )
    original: dict[str, Any] = {"xml": etree.tostring(element, encoding="unicode")}
    if entries:
        original["sanctions_entries"] = [entry.xml for entry in entries]
    if document_xml:
        original["id_documents"] = document_xml
    if relation_xml:
        original["relationships"] = relation_xml
    if used_locations:
        original["locations"] = list(used_locations.values())

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
        remarks=remarks or None,
        properties=facts.flat_properties(),
        original=original,
    )
