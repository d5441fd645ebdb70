"""FCDO UK Sanctions List, XML (``UK-Sanctions-List.xml``).

Root ``Designations`` holds ``DateGenerated`` (dd/mm/yyyy, the publication
date) and one ``Designation`` per listed party. ``UniqueID`` (e.g. RUS3379)
is the record's ``ref``; ``OFSIGroupID`` (the ConList Group ID) and
``UNReferenceNumber`` go to properties, ``DateDesignated`` is the listing
date. Names are ``Names/Name{Name1..Name6, NameType, AliasStrength}``, where
the NameType casing varies ("Primary Name", "Primary name", "Primary Name
Variation", "Alias"). Some designations carry an empty ``Name`` holding only a
NameType (BEL0174): it is skipped with a note and the first real name of the
right type becomes the primary. Dates of birth may hide unknown parts as
"dd", "mm", "00" or even "19yy"; what cannot be read is noted, not guessed.
Passports repeated verbatim (AFG0006 lists one passport 10 times) are kept once.

The file is streamed with ``safe_iterparse`` and each designation released
once read.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from lxml import etree

from compliance.domain import CountryLink, EventDate, Identifier, ListRecord, Name, ParseReport, RelationRef
from compliance.errors import ListDataError
from compliance.lists.formats._common import (
    child_text,
    children,
    head_bytes,
    local,
    parse_iso_date,
    refuse_empty,
    refuse_html,
    release,
    safe_iterparse,
    split_multi,
)
from compliance.lists.formats.ofsi_2022 import (
    COMPANY_WORDS,
    language_code,
    phone_identifiers,
    registration_identifiers,
    script_code,
    web_identifiers,
)
from compliance.lists.formats.ofsi_csv import (
    add_property,
    birth_dates,
    country_or_text,
    entity_type_of,
    join_name,
    make_address,
    squash,
    uk_date,
    unique,
)

TITLE = "UK Sanctions List (FCDO), XML"

_FILE_NAMES = ("uk-sanctions-list.xml", "uk_sanctions_list.xml", "uksanctionslist.xml")
_NAME_PARTS = ("Name1", "Name2", "Name3", "Name4", "Name5", "Name6")
_QUALITY = {"good quality a.k.a": "strong", "low quality a.k.a": "weak", "good": "strong", "low": "weak"}


def input_files(path: Path) -> list[Path]:
    """The list file: ``path`` itself, or the UK Sanctions List XML inside a folder."""
    if path.is_file():
        return [path]
    if path.is_dir():
        files = [p for p in sorted(path.iterdir()) if p.is_file()]
        for name in _FILE_NAMES:
            for candidate in files:
                if candidate.name.lower() == name:
                    return [candidate]
        for candidate in files:
            if candidate.suffix.lower() == ".xml" and sniff(candidate):
                return [candidate]
        raise ListDataError(str(path), "no UK Sanctions List XML (UK-Sanctions-List.xml) in this folder")
    raise ListDataError(str(path), "the file does not exist")


def sniff(path: Path) -> bool:
    """True for an XML file whose root is ``Designations``."""
    try:
        head = head_bytes(path)
    except OSError:
        return False
    return b"<Designations" in head and (b"<Designation>" in head or b"<DateGenerated" in head)


def _texts(element: etree._Element | None, *path: str) -> list[str]:
    """Trimmed texts of the descendants reached by following ``path`` (local names)."""
    if element is None:
        return []
    level = [element]
    for name in path:
        level = [child for el in level for child in children(el, name)]
    return [text for el in level if (text := squash(el.text))]


def _date_generated(text: str | None, report: ParseReport) -> None:
    report.published = uk_date(text) or parse_iso_date(text)
    if report.published is None:
        report.problems.append(f"DateGenerated: {text!r} is not a date")


def parse(path: Path, report: ParseReport) -> Iterator[ListRecord]:
    """Yield one record per ``Designation`` of the FCDO UK Sanctions List XML."""
    file = input_files(path)[0]
    where = str(file)
    refuse_empty(file)
    refuse_html(file)
    if b"<Designations" not in head_bytes(file, 1 << 16):
        raise ListDataError(where, "this is not the FCDO UK Sanctions List XML (no Designations root)")
    count = 0
    for element in safe_iterparse(file, ("DateGenerated", "Designation")):
        if local(element) == "DateGenerated":
            _date_generated(element.text, report)
            continue
        parent = element.getparent()
        if parent is None or local(parent) != "Designations":
            continue  # a nested element of the same name; handled by its designation
        count += 1
        line = element.sourceline
        original = {"xml": etree.tostring(element, encoding="unicode").strip()}
        try:
            record = _record(element, original, line, report)
        except (ValueError, KeyError, TypeError, AttributeError) as exc:  # defensive: keep loading
            report.problems.append(f"line {line}: designation could not be read ({exc}); skipped")
            record = None
        release(element)
        if record is not None:
            yield record
    if count == 0:
        raise ListDataError(where, "the file has no Designation entries")


def _names(designation: etree._Element, uid: str, report: ParseReport) -> list[Name]:
    named: list[Name] = []
    for element in _texts_elements(designation, "Names", "Name"):
        full = join_name([child_text(element, part) for part in _NAME_PARTS])
        name_type = (squash(child_text(element, "NameType")) or "").lower()
        if not full:
            report.notes.append(f"{uid}: an empty name entry ({name_type or 'no type'}) was skipped")
            continue
        if name_type == "primary name":
            kind = "primary"
        elif "fka" in name_type or "formerly" in name_type:
            kind = "fka"
        else:
            kind = "aka"  # "Primary Name Variation", "Alias"
        quality = _QUALITY.get((squash(child_text(element, "AliasStrength")) or "").lower())
        named.append(Name(full, kind, quality=quality))
    if not named:
        return []
    primary = next((n for n in named if n.kind == "primary"), None)
    if primary is None:
        primary = named[0]
        report.notes.append(f"{uid}: no name is typed 'Primary Name'; {primary.value!r} is used as primary")
    names = [Name(primary.value, "primary", quality=primary.quality)]
    seen = {primary.value}
    for name in named:
        if name.value not in seen:
            seen.add(name.value)
            names.append(
                Name(name.value, "aka" if name.kind == "primary" else name.kind, quality=name.quality)
            )
    for element in _texts_elements(designation, "NonLatinNames", "NonLatinName"):
        text = squash(child_text(element, "NameNonLatinScript"))
        if text and text not in seen:
            seen.add(text)
            script = script_code(child_text(element, "NonLatinScriptType"), text)
            names.append(
                Name(
                    text,
                    "aka",
                    script=script,
                    lang=language_code(child_text(element, "NonLatinScriptLanguage")),
                )
            )
    return names


def _texts_elements(element: etree._Element, *path: str) -> list[etree._Element]:
    level = [element]
    for name in path:
        level = [child for el in level for child in children(el, name)]
    return level


def _individual(
    individual: etree._Element,
    uid: str,
    report: ParseReport,
    identifiers: list[Identifier],
    countries: list[CountryLink],
    dates: list[EventDate],
    places: list[str],
    properties: dict[str, Any],
) -> None:
    dates += birth_dates(_texts(individual, "DOBs", "DOB"), uid, report)
    for nationality in _texts(individual, "Nationalities", "Nationality"):
        countries.append(CountryLink(country_or_text(nationality), "nationality"))
    for passport in _texts_elements(individual, "PassportDetails", "Passport"):
        number = squash(child_text(passport, "PassportNumber"))
        if number:
            note = squash(child_text(passport, "PassportAdditionalInformation"))
            identifiers.append(Identifier("passport", number, note=note))
    for national in _texts_elements(individual, "NationalIdentifierDetails", "NationalIdentifier"):
        number = squash(child_text(national, "NationalIdentifierNumber"))
        if number:
            note = squash(child_text(national, "NationalIdentifierAdditionalInformation"))
            identifiers.append(Identifier("national_id", number, note=note))
    add_property(properties, "position", _texts(individual, "Positions", "Position"))
    add_property(properties, "gender", _texts(individual, "Genders", "Gender"))
    for location in _texts_elements(individual, "BirthDetails", "Location"):
        town = squash(child_text(location, "TownOfBirth"))
        country = squash(child_text(location, "CountryOfBirth"))
        if country:
            countries.append(CountryLink(country_or_text(country), "birth"))
        place = ", ".join(p for p in (town, country) if p)
        if place:
            places.append(place)


def _record(
    designation: etree._Element, original: dict[str, Any], line: int | None, report: ParseReport
) -> ListRecord | None:
    uid = squash(child_text(designation, "UniqueID"))
    if not uid:
        report.problems.append(f"line {line}: designation without UniqueID; skipped")
        return None
    names = _names(designation, uid, report)
    if not names:
        report.problems.append(f"line {line}: designation {uid} has no name; skipped")
        return None

    kind_text = child_text(designation, "IndividualEntityShip")
    entity_type = entity_type_of(kind_text)
    if entity_type is None:
        report.notes.append(f"{uid}: unknown IndividualEntityShip {kind_text!r}; kept as unknown")
        entity_type = "unknown"

    properties: dict[str, Any] = {}
    identifiers: list[Identifier] = []
    relations: list[RelationRef] = []
    countries: list[CountryLink] = []
    dates: list[EventDate] = []
    places: list[str] = []

    add_property(properties, "ofsi_group_id", [squash(child_text(designation, "OFSIGroupID"))])
    add_property(properties, "un_ref", [squash(child_text(designation, "UNReferenceNumber"))])
    updated = uk_date(child_text(designation, "LastUpdated"))
    add_property(properties, "last_updated", [updated.isoformat() if updated else None])
    add_property(properties, "designation_source", [squash(child_text(designation, "DesignationSource"))])
    imposed = squash(child_text(designation, "SanctionsImposed"))
    if imposed:
        properties["sanctions_imposed"] = split_multi(imposed, "|")
    add_property(properties, "title", _texts(designation, "Titles", "Title"))
    add_property(
        properties, "uk_statement_of_reasons", [squash(child_text(designation, "UKStatementofReasons"))]
    )

    addresses = []
    for element in _texts_elements(designation, "Addresses", "Address"):
        address = make_address(
            [child_text(element, f"AddressLine{i}") for i in range(1, 7)],
            child_text(element, "AddressPostalCode"),
            child_text(element, "AddressCountry"),
        )
        if address:
            addresses.append(address)
    identifiers += phone_identifiers(_texts(designation, "PhoneNumbers", "PhoneNumber"))
    identifiers += web_identifiers(
        _texts(designation, "EmailAddresses", "EmailAddress") + _texts(designation, "Websites", "Website")
    )

    for individual in _texts_elements(designation, "IndividualDetails", "Individual"):
        _individual(individual, uid, report, identifiers, countries, dates, places, properties)

    for entity in _texts_elements(designation, "EntityDetails", "Entity"):
        add_property(properties, "type_of_entity", _texts(entity, "TypeOfEntities", "TypeOfEntity"))
        identifiers += registration_identifiers(
            _texts(entity, "BusinessRegistrationNumbers", "BusinessRegistrationNumber")
        )
        relations += [
            RelationRef("parent", other_name=n) for n in _texts(entity, "ParentCompanies", "ParentCompany")
        ]
        relations += [
            RelationRef("subsidiary", other_name=n) for n in _texts(entity, "Subsidiaries", "Subsidiary")
        ]
    if entity_type == "organization" and COMPANY_WORDS.search(str(properties.get("type_of_entity", ""))):
        entity_type = "company"

    for ship in _texts_elements(designation, "ShipDetails", "Ship"):
        for imo in _texts(ship, "IMONumbers", "IMONumber"):
            digits = re.sub(r"\D", "", imo)
            if digits:
                identifiers.append(Identifier("imo", digits))
        relations += [
            RelationRef("owner", other_name=n)
            for n in _texts(ship, "CurrentOwnerOperators", "CurrentOwnerOperator")
        ]
        flags = _texts(ship, "CurrentBelievedFlagOfShips", "CurrentBelievedFlagOfShip")
        add_property(properties, "vessel_flag", flags)
        countries += [CountryLink(country_or_text(flag), "flag") for flag in flags]
        add_property(properties, "previous_flags", _texts(ship, "PreviousFlags", "PreviousFlag"))
        add_property(properties, "vessel_type", _texts(ship, "TypeOfShipDetails", "TypeOfShip"))
        add_property(properties, "tonnage", _texts(ship, "TonnageOfShipDetails", "TonnageOfShip"))
        add_property(properties, "vessel_length", _texts(ship, "LengthOfShipDetails", "LengthOfShip"))
        for year in _texts(ship, "YearsBuilt", "YearBuilt"):
            if match := re.search(r"\b(1[89]\d\d|20\d\d)\b", year):
                dates.append(EventDate(match[1], "build"))

    programs = _texts(designation, "RegimeName")
    return ListRecord(
        ref=uid,
        entity_type=entity_type,
        names=names,
        programs=unique(programs),
        listed_on=uk_date(child_text(designation, "DateDesignated")),
        identifiers=unique(identifiers),
        addresses=unique(addresses),
        countries=unique(countries),
        dates=unique(dates),
        places_of_birth=unique(places),
        relations=unique(relations),
        remarks=squash(child_text(designation, "OtherInformation")),
        properties=properties,
        original=original,
    )
