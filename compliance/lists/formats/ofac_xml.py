"""OFAC XML in the classic ``sdn.xml`` schema (``sdn.xml``, ``consolidated.xml``).

Layout: ``sdnList/publshInformation`` (sic) with ``Publish_Date`` (MM/DD/YYYY)
and ``Record_Count``, then one ``sdnEntry`` per listed party: ``uid``,
``firstName``/``lastName``, ``title``, ``sdnType``, ``remarks``,
``programList``, ``idList``, ``akaList``, ``addressList``,
``nationalityList``, ``citizenshipList``, ``dateOfBirthList``,
``placeOfBirthList`` and ``vesselInfo``. Elements are namespaced (the SLS
export URL); names are matched without their namespace.

Names are written as the legacy CSV writes them: ``LAST, First`` when a first
name is given (individuals, and their aliases), else ``lastName`` alone.

``idList`` entries use OFAC's remark labels as ``idType`` ("Passport",
"Tax ID No.", "Listing Date (CMIC)", "Secondary sanctions risk:"...), so they
go through the same label table as the CSV remarks (``ofac_csv.apply_fact``):
documents and numbers become identifiers, notes become properties. The
sub-list and listing date follow ``ofac_csv``: a file called ``sdn*.xml`` is
the SDN list; ``consolidated.xml`` / ``cons*.xml`` holds non-SDN entries whose
sub-list comes from their programs, with a "Listing Date (CMIC)" (NS-CMIC) or
"Listing Date (EO 14024 Directive n)" (NS-MBS) as ``listed_on``. A file with
another name is taken as consolidated when its name contains "cons", else SDN.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from lxml import etree

from compliance.domain import Address, EventDate, Identifier, ListRecord, Name, ParseReport
from compliance.errors import ListDataError
from compliance.lists.formats._common import (
    child_text,
    children,
    head_bytes,
    local,
    parse_mdy,
    refuse_empty,
    refuse_html,
    release,
    safe_iterparse,
)
from compliance.lists.formats.ofac_csv import (
    Facts,
    apply_fact,
    apply_remarks,
    country,
    event_date,
    listed_on_for,
    split_programs,
    sublist_for,
)

TITLE = "OFAC XML in the sdn.xml schema (sdn.xml, or the non-SDN consolidated.xml)"

_TYPES = {"individual": "person", "entity": "organization", "vessel": "vessel", "aircraft": "aircraft"}
_ALIAS_KINDS = {"a.k.a.": "aka", "f.k.a.": "fka", "n.k.a.": "nka"}
_NAMES = ("sdn.xml", "consolidated.xml", "cons.xml")
_ROOT = re.compile(rb"<(?:[\w.-]+:)?sdnList[\s>]")


def _pick(folder: Path) -> Path | None:
    by_name = {p.name.lower(): p for p in folder.iterdir() if p.is_file()}
    for name in _NAMES:
        if name in by_name:
            return by_name[name]
    return None


def input_files(path: Path) -> list[Path]:
    """The XML file: the path itself, or sdn.xml / consolidated.xml in a folder."""
    path = Path(path)
    if path.is_dir():
        found = _pick(path)
        if found is None:
            raise ListDataError(str(path), "no sdn.xml or consolidated.xml in this folder")
        return [found]
    if not path.is_file():
        raise ListDataError(str(path), "no such file or folder")
    return [path]


def sniff(path: Path) -> bool:
    """True for an XML file whose root is OFAC's ``sdnList``."""
    try:
        start = head_bytes(Path(path), 4096)
    except OSError:
        return False
    return bool(_ROOT.search(start)) and (b"publshInformation" in start or b"sdnEntry" in start)


def _is_consolidated(path: Path) -> bool:
    name = path.name.lower()
    if name.startswith("sdn"):
        return False
    return "cons" in name


def _full_name(element: etree._Element) -> str | None:
    last = child_text(element, "lastName")
    first = child_text(element, "firstName")
    if last and first:
        return f"{last}, {first}"
    return last or first


def _address(element: etree._Element) -> Address | None:
    lines = [child_text(element, tag) for tag in ("address1", "address2", "address3")]
    street = ", ".join(line for line in lines if line) or None
    city = child_text(element, "city")
    region = child_text(element, "stateOrProvince")
    postal = child_text(element, "postalCode")
    where = child_text(element, "country")
    parts = [p for p in (street, city, region, postal, where) if p]
    if not parts:
        return None
    return Address(
        full=", ".join(parts),
        street=street,
        city=city,
        region=region,
        postal_code=postal,
        country=country(where),
    )


def _items(entry: etree._Element, list_name: str, item_name: str) -> list[etree._Element]:
    out: list[etree._Element] = []
    for holder in children(entry, list_name):
        out.extend(children(holder, item_name))
    return out


def _record(entry: etree._Element, consolidated: bool) -> ListRecord | str:
    """The record for one ``sdnEntry``, or a one-line reason it cannot be read."""
    uid = child_text(entry, "uid")
    if not uid:
        return "sdnEntry without a uid"
    name = _full_name(entry)
    if not name:
        return f"entry {uid} has no name"
    raw_type = (child_text(entry, "sdnType") or "").lower()
    entity_type = _TYPES.get(raw_type, "unknown")
    facts = Facts(entity_type)
    facts.names.append(Name(name, "primary"))
    last, first = child_text(entry, "lastName"), child_text(entry, "firstName")
    if entity_type == "person" and last and first:
        facts.prop("last_name", last)
        facts.prop("first_name", first)
    if entity_type == "unknown" and raw_type:
        facts.prop("ofac_type", child_text(entry, "sdnType"))
    facts.prop("title", child_text(entry, "title"))

    programs: list[str] = []
    for program in _items(entry, "programList", "program"):
        for code in split_programs(program.text):
            if code not in programs:
                programs.append(code)

    for aka in _items(entry, "akaList", "aka"):
        alias = _full_name(aka)
        if not alias:
            continue
        kind = _ALIAS_KINDS.get((child_text(aka, "type") or "").lower(), "aka")
        category = (child_text(aka, "category") or "").lower() or None
        facts.name(Name(alias, kind, quality=category))

    for ident in _items(entry, "idList", "id"):
        label = child_text(ident, "idType")
        number = child_text(ident, "idNumber")
        if not label or not number:
            continue
        id_country = child_text(ident, "idCountry")
        before = len(facts.identifiers)
        if not apply_fact(facts, label, number, id_country=id_country):
            facts.identifier(Identifier("other", number, country(id_country), label))
        extra = [
            f"{word} {text}"
            for word, tag in (("issued", "issueDate"), ("expires", "expirationDate"))
            if (text := child_text(ident, tag))
        ]
        if extra and len(facts.identifiers) > before:
            added = facts.identifiers[-1]
            facts.identifiers[-1] = Identifier(
                added.type, added.value, added.country, "; ".join([added.note or label, *extra])
            )

    for element in _items(entry, "addressList", "address"):
        address = _address(element)
        if address and address not in facts.addresses:
            facts.addresses.append(address)
            if address.country:
                facts.country_link(address.country, "location")

    for item in _items(entry, "nationalityList", "nationality"):
        facts.country_link(child_text(item, "country"), "nationality")
    for item in _items(entry, "citizenshipList", "citizenship"):
        facts.country_link(child_text(item, "country"), "citizenship")
    for item in _items(entry, "dateOfBirthList", "dateOfBirthItem"):
        text = child_text(item, "dateOfBirth")
        if found := event_date(text):
            facts.date(EventDate(found[0], "birth", found[1]))
        elif text:
            facts.prop("date_of_birth_text", text)
    for item in _items(entry, "placeOfBirthList", "placeOfBirthItem"):
        place = child_text(item, "placeOfBirth")
        if place:
            apply_fact(facts, "POB", place)

    for vessel in children(entry, "vesselInfo"):
        for key, tag in (
            ("call_sign", "callSign"),
            ("vessel_type", "vesselType"),
            ("vessel_flag", "vesselFlag"),
            ("vessel_owner", "vesselOwner"),
            ("tonnage", "tonnage"),
            ("grt", "grossRegisteredTonnage"),
        ):
            facts.prop(key, child_text(vessel, tag))
        facts.country_link(child_text(vessel, "vesselFlag"), "flag")

    remarks = child_text(entry, "remarks")
    apply_remarks(facts, remarks)

    sublist = sublist_for(programs, consolidated)
    original: dict[str, Any] = {"xml": etree.tostring(entry, encoding="unicode")}
    return ListRecord(
        ref=uid,
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
    )


def parse(path: Path, report: ParseReport) -> Iterator[ListRecord]:
    """Stream the ``sdnEntry`` records of an sdn.xml-schema file."""
    file = input_files(Path(path))[0]
    refuse_empty(file)
    refuse_html(file)
    if not _ROOT.search(head_bytes(file, 1 << 14)):
        raise ListDataError(str(file), "this is not an OFAC sdn.xml-style file (no <sdnList> root)")
    consolidated = _is_consolidated(file)
    records = 0
    for element in safe_iterparse(file, ("publshInformation", "sdnEntry")):
        if local(element) == "publshInformation":
            published = child_text(element, "Publish_Date")
            report.published = parse_mdy(published)
            if published and report.published is None:
                report.problems.append(f"publshInformation: unreadable Publish_Date {published!r}")
            declared = child_text(element, "Record_Count")
            if declared and declared.isdigit():
                report.declared_count = int(declared)
            elif declared:
                report.problems.append(f"publshInformation: unreadable Record_Count {declared!r}")
            release(element)
            continue
        line = element.sourceline
        result = _record(element, consolidated)
        release(element)
        if isinstance(result, str):
            report.problems.append(f"line {line}: {result}; entry skipped")
            continue
        records += 1
        yield result
    if records == 0:
        raise ListDataError(str(file), "the file holds no sdnEntry that could be read")
