"""UN Security Council Consolidated List, XML (``consolidated.xml``).

Layout: ``CONSOLIDATED_LIST@dateGenerated`` (-> ``report.published``), then
``INDIVIDUALS/INDIVIDUAL`` and ``ENTITIES/ENTITY``. One record per element;
``ref`` is ``REFERENCE_NUMBER`` (``QDi.004``, ``CDe.006``), the reference the
Security Council committees publish and cite.

* Names: ``FIRST_NAME`` .. ``FOURTH_NAME`` joined in order are the primary
  name. ``NAME_ORIGINAL_SCRIPT`` is an extra name whose script is read from
  its characters. Individual aliases are graded: ``QUALITY`` Good -> aka
  strong, Low -> aka weak; entity aliases are ``a.k.a.`` / ``f.k.a.``. The
  file carries empty alias placeholders (``<QUALITY/><ALIAS_NAME/>``): skipped.
  A date or place of birth given with an alias is kept (the date notes which alias).
* ``UN_LIST_TYPE`` (the sanctions regime: Al-Qaida, Taliban, DPRK...) is the
  program; ``sublist`` is its readable name ("Al-Qaida (ISIL/Da'esh)").
* ``LISTED_ON`` -> ``listed_on`` (a few are written "2015-04-07-04:00").
* Birth dates: ``TYPE_OF_DATE`` EXACT (``DATE`` or ``YEAR``), APPROXIMATELY
  (approximate flag) or BETWEEN (``FROM_YEAR``/``TO_YEAR`` -> "1960/1962").
  Some give the date only in ``NOTE`` ("Nov. 1973"): read when possible, else
  kept in ``properties["date_of_birth_note"]``.
* ``INDIVIDUAL_DOCUMENT`` -> identifiers (passport, national_id...; the
  source's labels, issue date and note go to the identifier note);
  ``NATIONALITY`` -> country links; addresses and places of birth as given;
  ``COMMENTS1`` -> remarks; ``TITLE`` -> ``properties["title"]``,
  ``DESIGNATION`` (the person's function) -> ``properties["position"]``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
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
)
from compliance.errors import ListDataError
from compliance.lists.formats._common import (
    child_text,
    children,
    guess_script,
    head_bytes,
    local,
    parse_iso_date,
    parse_text_date,
    partial_date,
    release,
    safe_iterparse,
)
from compliance.normalize.countries import country_code

TITLE = "UN Security Council Consolidated List (XML)"

FILE_NAMES = ("consolidated.xml", "un_consolidated.xml")

# UN_LIST_TYPE codes -> the regime as the committees name it.
REGIMES = {
    "Al-Qaida": "Al-Qaida (ISIL/Da'esh)",
    "Taliban": "Taliban",
    "DPRK": "DPRK",
    "Iran": "Iran",
    "Iraq": "Iraq",
    "DRC": "Democratic Republic of the Congo",
    "Libya": "Libya",
    "Somalia": "Al-Shabaab (Somalia)",
    "CAR": "Central African Republic",
    "Haiti": "Haiti",
    "Yemen": "Yemen",
    "GB": "Guinea-Bissau",
    "Sudan": "Sudan",
    "SouthSudan": "South Sudan",
}

_NAME_PARTS = ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")
_TRAILING_NUMBER = re.compile(
    r"\b(?:number|no\.)\s*:?\s*([A-Za-z0-9][A-Za-z0-9/-]*\d[A-Za-z0-9/-]*)\s*$", re.I
)


def _norm(text: str | None) -> str | None:
    """Collapse inner white space (the file wraps some values over lines)."""
    if text is None:
        return None
    text = " ".join(text.split())
    return text or None


def _text(element: etree._Element, name: str) -> str | None:
    return _norm(child_text(element, name))


def _values(element: etree._Element, name: str) -> list[str]:
    """The VALUE children of each ``name`` child, in order."""
    out: list[str] = []
    for holder in children(element, name):
        for value in children(holder, "VALUE"):
            text = _norm(value.text)
            if text and text not in out:
                out.append(text)
    return out


def _country(text: str | None) -> str | None:
    if not text:
        return None
    return country_code(text) or text


def _date_value(text: str | None) -> str | None:
    if not text:
        return None
    if m := re.match(r"\s*(\d{4})-(\d{2})-(\d{2})", text):
        return partial_date(m[1], m[2], m[3])
    return parse_text_date(text)


def _birth_date(element: etree._Element) -> tuple[EventDate | None, str | None]:
    """An INDIVIDUAL_DATE_OF_BIRTH as an EventDate, or (None, unread note)."""
    kind = (_text(element, "TYPE_OF_DATE") or "").upper()
    note = _text(element, "NOTE")
    approximate = kind == "APPROXIMATELY" or bool(note and "approx" in note.lower())
    value: str | None = None
    exact = _text(element, "DATE")
    low, high = _text(element, "FROM_YEAR"), _text(element, "TO_YEAR")
    year = _text(element, "YEAR")
    if exact:
        value = _date_value(exact)
    elif low and high:
        a, b = partial_date(low), partial_date(high)
        if a and b:
            value = a if a == b else f"{a}/{b}"
    elif year:
        value = partial_date(year)
        if value and note:  # "Sep." with YEAR 1958 -> 1958-09
            value = parse_text_date(f"{note.rstrip('. ')} {year}") or value
    elif note:
        value = parse_text_date(note.rstrip(". "))
    if value is None:
        return None, note
    return EventDate(value, "birth", approximate, note), None


def _place(element: etree._Element) -> tuple[str | None, str | None]:
    """(place text, country) of a place-of-birth element."""
    parts = [_text(element, n) for n in ("STREET", "CITY", "STATE_PROVINCE", "COUNTRY")]
    text = ", ".join(p for p in parts if p) or _text(element, "NOTE")
    return text, _text(element, "COUNTRY")


def _address(element: etree._Element) -> Address | None:
    street = _text(element, "STREET")
    city = _text(element, "CITY")
    region = _text(element, "STATE_PROVINCE")
    postal = _text(element, "ZIP_CODE")
    country_text = _text(element, "COUNTRY")
    note = _text(element, "NOTE")
    full = ", ".join(p for p in (street, city, region, postal, country_text) if p)
    if full and note:
        full = f"{full} ({note})"
    full = full or note or ""
    if not full:
        return None
    return Address(
        full=full, street=street, city=city, region=region, postal_code=postal, country=_country(country_text)
    )


def _document_type(label: str) -> str:
    key = label.lower()
    if any(w in key for w in ("passport", "passeport", "pasaporte")):
        return "passport"
    if "fiscal" in key or "tax" in key:
        return "tax_id"
    if "driver" in key:
        return "drivers_license"
    if any(
        w in key for w in ("ident", "id card", "national", "civil", "personal", "tazkira", "social security")
    ):
        return "national_id"
    if any(w in key for w in ("voter", "student id", "birth certificate", "ration card", "residential card")):
        return "national_id"
    return "other"


def _document(element: etree._Element) -> Identifier | str | None:
    """An identifier, or the text of a document that has no number."""
    label = _text(element, "TYPE_OF_DOCUMENT") or ""
    label2 = _text(element, "TYPE_OF_DOCUMENT2")
    number = _text(element, "NUMBER")
    issued = _text(element, "DATE_OF_ISSUE")
    city = _text(element, "CITY_OF_ISSUE")
    note = _text(element, "NOTE")
    country = _text(element, "ISSUING_COUNTRY") or _text(element, "COUNTRY_OF_ISSUE")
    notes = [p for p in (label, label2) if p]
    if issued:
        notes.append(f"issued {issued}")
    if city:
        notes.append(f"in {city}")
    if note:
        notes.append(note)
    if not number:
        # "Afghan national identification card (tazkira) number 57388"
        for text in (label2, label):
            if text and (found := _TRAILING_NUMBER.search(text)):
                number = found[1]
                break
    if not number:
        text = "; ".join(notes)
        return text or None
    return Identifier(
        _document_type(f"{label} {label2 or ''}"), number, _country(country), "; ".join(notes) or None
    )


def _add_identifier(identifiers: list[Identifier], new: Identifier) -> None:
    """Add, merging the notes of a document repeated in another language."""
    for i, old in enumerate(identifiers):
        if (old.type, old.value, old.country) == (new.type, new.value, new.country):
            parts = (old.note or "").split("; ") if old.note else []
            for part in (new.note or "").split("; ") if new.note else []:
                if part not in parts:
                    parts.append(part)
            identifiers[i] = Identifier(old.type, old.value, old.country, "; ".join(parts) or None)
            return
    identifiers.append(new)


class _Names:
    def __init__(self) -> None:
        self.items: list[Name] = []
        self._keys: set[str] = set()

    def add(self, value: str | None, kind: str, quality: str | None = None) -> None:
        if not value:
            return
        key = value.casefold()
        if key in self._keys:
            return
        self._keys.add(key)
        self.items.append(Name(value, kind, script=guess_script(value), quality=quality))


def _record(element: etree._Element, report: ParseReport) -> ListRecord | None:
    kind = local(element)
    line = element.sourceline
    ref = _text(element, "REFERENCE_NUMBER")
    primary = _norm(" ".join(p for p in (_text(element, n) for n in _NAME_PARTS) if p))
    if not ref or not primary:
        what = "REFERENCE_NUMBER" if not ref else "name"
        report.problems.append(
            f"line {line}: {kind} (DATAID {_text(element, 'DATAID')}) has no {what}; skipped"
        )
        return None

    names = _Names()
    names.add(primary, "primary")
    names.add(_text(element, "NAME_ORIGINAL_SCRIPT"), "aka")
    dates: list[EventDate] = []
    places: list[str] = []
    countries: list[CountryLink] = []
    properties: dict[str, Any] = {}

    def add_country(text: str | None, relation: str) -> None:
        code = _country(text)
        if code and CountryLink(code, relation) not in countries:
            countries.append(CountryLink(code, relation))

    def add_item(key: str, value: str) -> None:
        items = properties.setdefault(key, [])
        if value not in items:
            items.append(value)

    for alias in children(element, "INDIVIDUAL_ALIAS") + children(element, "ENTITY_ALIAS"):
        value = _text(alias, "ALIAS_NAME")
        if not value:
            continue  # empty placeholder
        quality = (_text(alias, "QUALITY") or "").lower()
        if quality == "good":
            names.add(value, "aka", "strong")
        elif quality == "low":
            names.add(value, "aka", "weak")
        elif quality == "f.k.a.":
            names.add(value, "fka")
        else:
            names.add(value, "aka")
        alias_dob = _date_value(_text(alias, "DATE_OF_BIRTH"))
        if alias_dob:
            alias_event = EventDate(alias_dob, "birth", note=f"given with alias {value}")
            if alias_event not in dates:
                dates.append(alias_event)
        alias_place = ", ".join(
            p for p in (_text(alias, "CITY_OF_BIRTH"), _text(alias, "COUNTRY_OF_BIRTH")) if p
        )
        if alias_place and alias_place not in places:
            places.append(alias_place)

    for holder in children(element, "INDIVIDUAL_DATE_OF_BIRTH"):
        event, unread = _birth_date(holder)
        if event is not None and event not in dates:
            dates.append(event)
        elif unread:
            add_item("date_of_birth_note", unread)
    for holder in children(element, "INDIVIDUAL_PLACE_OF_BIRTH"):
        text, country = _place(holder)
        if text and text not in places:
            places.append(text)
        add_country(country, "birth")
    for nationality in _values(element, "NATIONALITY"):
        add_country(nationality, "nationality")

    identifiers: list[Identifier] = []
    for holder in children(element, "INDIVIDUAL_DOCUMENT"):
        document = _document(holder)
        if isinstance(document, Identifier):
            _add_identifier(identifiers, document)
        elif document:
            add_item("document_note", document)

    addresses: list[Address] = []
    for holder in children(element, "INDIVIDUAL_ADDRESS") + children(element, "ENTITY_ADDRESS"):
        address = _address(holder)
        if address is not None and address not in addresses:
            addresses.append(address)

    for key, source in (("title", "TITLE"), ("position", "DESIGNATION"), ("list_type", "LIST_TYPE")):
        values = _values(element, source)
        if values:
            properties[key] = values[0] if len(values) == 1 else values
    updated = [d for d in (parse_iso_date(v) for v in _values(element, "LAST_DAY_UPDATED")) if d]
    if updated:
        properties["last_day_updated"] = max(updated).isoformat()
    for key, source in (("gender", "GENDER"), ("dataid", "DATAID"), ("versionnum", "VERSIONNUM")):
        if value := _text(element, source):
            properties[key] = value

    regime = _text(element, "UN_LIST_TYPE")
    listed_text = _text(element, "LISTED_ON")
    listed_on = parse_iso_date(listed_text)
    if listed_text and listed_on is None:
        report.problems.append(f"line {line}: {ref}: LISTED_ON {listed_text!r} is not a date; kept without")
    return ListRecord(
        ref=ref,
        entity_type="person" if kind == "INDIVIDUAL" else "organization",
        names=names.items,
        programs=[regime] if regime else [],
        sublist=REGIMES.get(regime, regime) if regime else None,
        listed_on=listed_on,
        identifiers=identifiers,
        addresses=addresses,
        countries=countries,
        dates=dates,
        places_of_birth=places,
        remarks=(child_text(element, "COMMENTS1") or None),
        properties=properties,
        original={"xml": etree.tostring(element, encoding="unicode")},
    )


def input_files(path: Path) -> list[Path]:
    path = Path(path)
    if path.is_dir():
        files = {p.name.lower(): p for p in path.iterdir() if p.is_file()}
        for name in FILE_NAMES:
            if name in files:
                return [files[name]]
        raise ListDataError(str(path), "no UN consolidated list file (consolidated.xml) in this folder")
    if not path.is_file():
        raise ListDataError(str(path), "the file does not exist")
    return [path]


def sniff(path: Path) -> bool:
    path = Path(path)
    if not path.is_file():
        return False
    return b"<CONSOLIDATED_LIST" in head_bytes(path, 1024)


def parse(path: Path, report: ParseReport) -> Iterator[ListRecord]:
    """Yield one record per INDIVIDUAL and ENTITY element."""
    (path,) = input_files(path)
    seen_root = False
    for element in safe_iterparse(path, ("INDIVIDUAL", "ENTITY")):
        if not seen_root:
            seen_root = True
            root = element.getroottree().getroot()
            if local(root) != "CONSOLIDATED_LIST":
                raise ListDataError(
                    str(path), f"this is not the UN consolidated list (the root element is <{local(root)}>)"
                )
            generated = root.get("dateGenerated")
            report.published = parse_iso_date(generated)
        line = element.sourceline
        try:
            record = _record(element, report)
        except (ValueError, TypeError) as exc:  # one bad entry never stops the load
            report.problems.append(f"line {line}: {local(element)} could not be read ({exc}); skipped")
            record = None
        release(element)
        if record is not None:
            yield record
    if not seen_root:
        raise ListDataError(
            str(path), "no INDIVIDUAL or ENTITY element: this is not the UN consolidated list"
        )
