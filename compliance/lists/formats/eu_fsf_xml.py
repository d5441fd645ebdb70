"""EU Financial Sanctions Files (FSF) XML, version 1.1.

The EU's consolidated list of persons, groups and entities subject to EU
financial sanctions, as published by the Commission (DG FISMA) in the FSF
"full" XML export. Layout (namespace ``http://eu.europa.ec/fpi/fsd/export``)::

    export@generationDate
      sanctionEntity@{logicalId, euReferenceNumber, unitedNationId, designationDate}
        remark*, regulation@programme, subjectType@code,
        nameAlias*, citizenship*, birthdate*, address*, identification*

Choices made here:

- ``ref`` is the entity's ``logicalId`` (stable across exports); the EU
  reference number (``EU.27.28``) and the UN reference go to ``properties``.
- ``listed_on`` is ``designationDate``. Older entries have none; then the
  earliest ``regulationSummary@publicationDate`` (the act that added the oldest
  part of the entry) is used, and ``properties["listed_on_source"]`` says so.
- The file has no primary-name flag. The alias with the lowest ``logicalId``
  is the one entered first, i.e. the name the entry was listed under; it is
  the primary name and the others are "aka" -- except an alias whose remark
  calls it a former name ("former name of Sovcombank"): that one is "fka"
  and never the primary. A ``nameLanguage`` that contradicts the name's
  script (a Cyrillic alias tagged "EN") is dropped. Every alias carries
  ``strong="true"`` in practice, while the alias's own remark may say "low
  quality alias": such aliases get quality "weak" (the remark is the more
  specific statement).
- Birth dates: exact, month-only and year-only dates become partial ISO
  dates, year ranges "1960/1979", ``circa`` marks them approximate. Dates in
  the Islamic calendar are never converted here: when the record also gives
  the Gregorian equivalent (the ``birthdate`` attribute) that is used, with
  the Hijri date in the note; otherwise the Hijri date is kept in
  ``properties["birth_date_islamic"]`` only.
- Country code ``00`` means "unknown" and gives no country.
- Remarks of the entry and of its parts are gathered in ``remarks``; alias
  remarks that only grade the alias ("good quality alias") are left out.

The full export is over 20 MB: entities are streamed and freed one by one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from lxml import etree

from compliance.domain import (
    Address,
    CountryLink,
    EventDate,
    Identifier,
    ListRecord,
    Name,
    ParseReport,
)
from compliance.errors import ListDataError
from compliance.lists.formats._common import (
    children,
    clean,
    descendants,
    guess_script,
    head_bytes,
    lang_for_script,
    local,
    parse_iso_date,
    partial_date,
    release,
    safe_iterparse,
)
from compliance.normalize.countries import country_code

TITLE = "EU Financial Sanctions Files XML v1.1 (consolidated list of EU financial sanctions)"

NAMESPACE = "http://eu.europa.ec/fpi/fsd/export"

# Folder look-up: names the export is usually saved under (lower case).
_USUAL_NAMES = re.compile(r"(fsf|fullsanctionslist|sanctions|export).*\.xml$", re.IGNORECASE)

_ENTITY_TYPES = {"person": "person", "enterprise": "organization"}
_CLASSIFICATION = {"P": "person", "E": "organization"}

_ID_TYPES = {
    "passport": "passport",
    "id": "national_id",
    "regnumber": "registration",
    "fiscalcode": "tax_id",
    "imo": "imo",
    "ssn": "national_id",
    "swiftbic": "swift_bic",
    "other": "other",
}

_CONTACT_TYPES = {
    "PHONE": "phone",
    "FAX": "phone",
    "EMAIL": "email",
    "WEB": "website",
    "WEBSITE": "website",
}

_FLAG_NOTES = {
    "diplomatic": "diplomatic",
    "knownExpired": "known expired",
    "knownFalse": "known false",
    "reportedLost": "reported lost",
    "revokedByIssuer": "revoked by issuer",
}

# Alias remarks that only grade the alias; they say nothing else.
_QUALITY_ONLY = re.compile(r"^\s*(good|low)\s+quality\s+ali+as\s*\.?\s*$", re.IGNORECASE)
_LOW_QUALITY = re.compile(r"\blow\s+quality\b", re.IGNORECASE)
# An alias remark that opens by calling the alias a former name ("former name of Sovcombank").
_FORMER_NAME = re.compile(
    r"^\s*(former(ly)?\s+(name|known)|f\.?k\.?a\b|previous(ly)?\s+(name|known))", re.IGNORECASE
)
_GENDERS = {"M": "male", "F": "female"}


def input_files(path: Path) -> list[Path]:
    """The export file itself, or the FSF XML file found in a folder."""
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise ListDataError(str(path), "no such file or folder")
    xml_files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() == ".xml")
    named = [p for p in xml_files if _USUAL_NAMES.search(p.name)]
    for candidate in named + [p for p in xml_files if p not in named]:
        if sniff(candidate):
            return [candidate]
    raise ListDataError(str(path), "no EU Financial Sanctions Files XML (FSF v1.1 export) in this folder")


def sniff(path: Path) -> bool:
    """True when the file starts like an FSF export (its namespace or root)."""
    try:
        head = head_bytes(path, 4096)
    except OSError:
        return False
    if NAMESPACE.encode() in head:
        return True
    return b"<export" in head and b"sanctionEntity" in head


def parse(path: Path, report: ParseReport) -> Iterator[ListRecord]:
    """Yield one record per ``sanctionEntity``."""
    (source,) = input_files(path)
    seen_root = False
    for element in safe_iterparse(source, "sanctionEntity"):
        if not seen_root:
            seen_root = True
            root = element.getparent()
            if root is None or local(root) != "export":
                raise ListDataError(
                    str(source), "this is not an EU FSF export (the root element is not <export>)"
                )
            report.published = parse_iso_date(root.get("generationDate"))
        line = element.sourceline
        try:
            record = _entity(element, report)
        except (ValueError, TypeError) as exc:  # defensive: one bad entry never stops the load
            report.problems.append(f"line {line}: sanctionEntity could not be read ({exc}); skipped")
            record = None
        release(element)
        if record is not None:
            yield record
    if not seen_root:
        raise ListDataError(str(source), "no <sanctionEntity> found: this is not an EU FSF XML export")


def _attr(element: etree._Element, name: str) -> str | None:
    return clean(element.get(name))


def _country(element: etree._Element) -> str | None:
    """ISO2 from ``countryIso2Code``; "00" (unknown) gives None."""
    code = (element.get("countryIso2Code") or "").strip().upper()
    if code and code != "00":
        return code
    description = clean(element.get("countryDescription"))
    if description and description.upper() != "UNKNOWN":
        return country_code(description) or description
    return None


def _remark(element: etree._Element) -> str | None:
    texts = [clean(child.text) for child in children(element, "remark")]
    joined = "\n".join(t for t in texts if t)
    return joined or None


def _add(items: list[str], value: str | None) -> None:
    if value and value not in items:
        items.append(value)


def _entity(element: etree._Element, report: ParseReport) -> ListRecord | None:
    line = element.sourceline
    ref = _attr(element, "logicalId")
    if ref is None:
        report.problems.append(f"line {line}: sanctionEntity without logicalId; skipped")
        return None
    xml = etree.tostring(element, encoding="unicode")

    properties: dict[str, str | list[str]] = {}
    if eu_ref := _attr(element, "euReferenceNumber"):
        properties["eu_reference_number"] = eu_ref
    if un_ref := _attr(element, "unitedNationId"):
        properties["un_reference_number"] = un_ref
    if details := _attr(element, "designationDetails"):
        properties["designation_details"] = details

    remarks: list[str] = []
    for remark in children(element, "remark"):
        text = clean(remark.text)
        if text and text.lower() != "none":
            _add(remarks, text)

    # Regulation (the latest act naming the entry) and programme.
    programs: list[str] = []
    regulations: list[str] = []
    regulation_urls: list[str] = []
    for regulation in children(element, "regulation"):
        _add(programs, _attr(regulation, "programme"))
        _add(regulations, _attr(regulation, "numberTitle"))
        for url in children(regulation, "publicationUrl"):
            _add(regulation_urls, clean(url.text))
    if regulations:
        properties["regulation"] = regulations
    if regulation_urls:
        properties["regulation_url"] = regulation_urls

    # Type.
    entity_type = "unknown"
    for subject in children(element, "subjectType"):
        code = (subject.get("code") or "").strip().lower()
        entity_type = _ENTITY_TYPES.get(code) or _CLASSIFICATION.get(
            (subject.get("classificationCode") or "").strip().upper(), "unknown"
        )

    # Listing date.
    listed_on = parse_iso_date(element.get("designationDate"))
    if listed_on is None:
        published: list[date] = []
        for summary in descendants(element, "regulationSummary"):
            if (day := parse_iso_date(summary.get("publicationDate"))) is not None:
                published.append(day)
        if published:
            listed_on = min(published)
            properties["listed_on_source"] = (
                "no designationDate in the file: earliest publication date of the acts that added this entry"
            )

    names = _names(element, properties, remarks)
    if not names:
        report.problems.append(f"line {line}: sanctionEntity {ref} has no name; skipped")
        return None

    countries: list[CountryLink] = []
    for citizenship in children(element, "citizenship"):
        if (country := _country(citizenship)) is not None:
            link = CountryLink(country=country, relation="citizenship")
            if link not in countries:
                countries.append(link)
        _add(remarks, _remark(citizenship))

    dates, places = _births(element, properties, countries, remarks)
    identifiers: list[Identifier] = []
    addresses = _addresses(element, identifiers, remarks)
    _identifications(element, identifiers, remarks)

    return ListRecord(
        ref=ref,
        entity_type=entity_type,
        names=names,
        programs=programs,
        listed_on=listed_on,
        identifiers=identifiers,
        addresses=addresses,
        countries=countries,
        dates=dates,
        places_of_birth=places,
        remarks="\n".join(remarks) or None,
        properties=dict(properties),
        original={"xml": xml},
    )


def _join(*parts: str | None) -> str | None:
    """Parts joined by ", ", without the trailing commas some parts carry."""
    kept = [p.strip().rstrip(",").strip() for p in parts if p]
    return ", ".join(p for p in kept if p) or None


def _alias_id(alias: etree._Element) -> int:
    try:
        return int(alias.get("logicalId") or "")
    except ValueError:
        return 1 << 62  # aliases without a usable id sort last


def _names(element: etree._Element, properties: dict[str, str | list[str]], remarks: list[str]) -> list[Name]:
    entries: list[tuple[str, str, str | None, str | None, str | None]] = []
    seen: set[str] = set()
    genders: list[str] = []
    positions: list[str] = []
    titles: list[str] = []
    for alias in sorted(children(element, "nameAlias"), key=_alias_id):
        value = _attr(alias, "wholeName")
        if value is None:
            parts = [_attr(alias, key) for key in ("firstName", "middleName", "lastName")]
            value = " ".join(p for p in parts if p) or None
        remark = _remark(alias)
        if remark and not _QUALITY_ONLY.match(remark):
            _add(remarks, remark)
        gender = _attr(alias, "gender")
        if gender:
            _add(genders, _GENDERS.get(gender.upper(), gender))
        _add(positions, _attr(alias, "function"))
        _add(titles, _attr(alias, "title"))
        if value is None or value in seen:
            continue
        seen.add(value)
        strong = (alias.get("strong") or "").strip().lower()
        quality = "strong" if strong == "true" else "weak" if strong == "false" else None
        if remark and _LOW_QUALITY.search(remark):
            quality = "weak"
        kind = "fka" if remark and _FORMER_NAME.match(remark) else "aka"
        entries.append((value, kind, guess_script(value), _attr(alias, "nameLanguage"), quality))
    # The first-entered current name is the primary one.
    first = next((i for i, entry in enumerate(entries) if entry[1] == "aka"), 0)
    names = [
        Name(
            value=value,
            kind="primary" if i == first else kind,
            script=script,
            lang=lang_for_script(language, script),
            quality=quality,
        )
        for i, (value, kind, script, language, quality) in enumerate(entries)
    ]
    if names and first:
        names.insert(0, names.pop(first))
    if genders:
        properties["gender"] = genders[0] if len(genders) == 1 else genders
    if positions:
        properties["position"] = positions
    if titles:
        properties["title"] = titles
    return names


def _births(
    element: etree._Element,
    properties: dict[str, str | list[str]],
    countries: list[CountryLink],
    remarks: list[str],
) -> tuple[list[EventDate], list[str]]:
    dates: list[EventDate] = []
    places: list[str] = []
    islamic: list[str] = []
    for birth in children(element, "birthdate"):
        calendar = (birth.get("calendarType") or "GREGORIAN").strip().upper()
        approximate = (birth.get("circa") or "").strip().lower() == "true"
        remark = _remark(birth)
        value: str | None = None
        note_parts: list[str] = []
        exact = parse_iso_date(birth.get("birthdate"))
        if calendar == "GREGORIAN":
            value = _gregorian(birth)
        else:
            # Never convert: keep the source's own date in that calendar.
            own = partial_date(birth.get("year"), birth.get("monthOfYear"), birth.get("dayOfMonth"))
            if own is None and (range_from := _attr(birth, "yearRangeFrom")):
                own = f"{range_from}/{_attr(birth, 'yearRangeTo') or range_from}"
            label = f"{calendar.capitalize()} calendar"
            if exact is not None:
                # The source also gives the Gregorian equivalent: use that.
                value = exact.isoformat()
                note_parts.append(f"{label} date {own or '?'}; Gregorian equivalent as given by the source")
            elif own is not None:
                islamic.append(f"{own} ({label}, not converted{'; ' + remark if remark else ''})")
                remark = None
        if remark:
            note_parts.append(remark)
        if value is not None:
            note = "; ".join(note_parts) or None
            existing = next((i for i, d in enumerate(dates) if d.value == value), None)
            if existing is None:
                dates.append(EventDate(value=value, kind="birth", approximate=approximate, note=note))
            elif note and not dates[existing].note:
                old = dates[existing]
                dates[existing] = EventDate(old.value, old.kind, old.approximate, note)
        elif remark:
            _add(remarks, remark)
        place = ", ".join(
            p for p in (_attr(birth, "place"), _attr(birth, "city"), _attr(birth, "region")) if p
        )
        country = _country(birth)
        description = _attr(birth, "countryDescription")
        if place and description and country is not None:
            place = f"{place}, {description}"
        _add(places, place or None)
        if country is not None:
            link = CountryLink(country=country, relation="birth")
            if link not in countries:
                countries.append(link)
    if islamic:
        properties["birth_date_islamic"] = islamic
    return dates, places


def _gregorian(birth: etree._Element) -> str | None:
    exact = parse_iso_date(birth.get("birthdate"))
    if exact is not None:
        return exact.isoformat()
    value = partial_date(birth.get("year"), birth.get("monthOfYear"), birth.get("dayOfMonth"))
    if value is not None:
        return value
    start = partial_date(birth.get("yearRangeFrom"))
    end = partial_date(birth.get("yearRangeTo"))
    if start and end:
        return start if start == end else f"{start}/{end}"
    return start or end


def _addresses(element: etree._Element, identifiers: list[Identifier], remarks: list[str]) -> list[Address]:
    addresses: list[Address] = []
    for address in children(element, "address"):
        street = _attr(address, "street")
        po_box = _attr(address, "poBox")
        city = _attr(address, "city")
        postal = _attr(address, "zipCode")
        region = _attr(address, "region")
        place = _attr(address, "place")
        country = _country(address)
        description = _attr(address, "countryDescription") if country is not None else None
        street_line = _join(street, f"PO Box {po_box}" if po_box else None)
        full = _join(street_line, place, city, postal, region, description) or ""
        if full:
            item = Address(
                full=full,
                street=street_line,
                city=city,
                region=region,
                postal_code=postal,
                country=country,
            )
            if item not in addresses:
                addresses.append(item)
        for contact in children(address, "contactInfo"):
            key = (contact.get("key") or "").strip().upper()
            value = _attr(contact, "value")
            if value is None:
                continue
            kind = _CONTACT_TYPES.get(key, "other")
            note = None if kind != "other" and key != "FAX" else key.lower() or None
            identifier = Identifier(type=kind, value=value, country=country, note=note)
            if identifier not in identifiers:
                identifiers.append(identifier)
        _add(remarks, _remark(address))
    return addresses


def _identifications(element: etree._Element, identifiers: list[Identifier], remarks: list[str]) -> None:
    for ident in children(element, "identification"):
        number = _attr(ident, "number") or _attr(ident, "latinNumber")
        remark = _remark(ident)
        if number is None or number.strip("-") == "":
            _add(remarks, remark)  # "-": no number, but the remark may still say something
            continue
        code = (ident.get("identificationTypeCode") or "").strip().lower()
        kind = _ID_TYPES.get(code, "other")
        notes: list[str] = []
        if description := _attr(ident, "identificationTypeDescription"):
            notes.append(description)
        notes.extend(
            label for attr, label in _FLAG_NOTES.items() if (ident.get(attr) or "").lower() == "true"
        )
        if (latin := _attr(ident, "latinNumber")) and latin != number:
            notes.append(f"in Latin letters: {latin}")
        if issued := _attr(ident, "issueDate"):
            notes.append(f"issued {issued}")
        if valid := _attr(ident, "validTo"):
            notes.append(f"valid to {valid}")
        if issuer := _attr(ident, "issuedBy"):
            notes.append(f"issued by {issuer}")
        if holder := _attr(ident, "nameOnDocument"):
            notes.append(f"name on document: {holder}")
        if region := _attr(ident, "region"):
            notes.append(region)
        if remark:
            notes.append(remark)
        identifier = Identifier(
            type=kind, value=number, country=_country(ident), note="; ".join(notes) or None
        )
        if identifier not in identifiers:
            identifiers.append(identifier)
