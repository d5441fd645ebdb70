"""EU consolidated financial sanctions list, legacy CSV layout v1.0.

The obsolete ``;``-separated export of the EU list (replaced by the FSF XML
and CSV v1.1). It is denormalised: each line holds ONE part of an entry -- a
name alias, an address, a birth record, an identification or a citizenship
-- repeated with the entry's own columns::

    Date_file; Entity_logical_id; Subject_type (P/E); Leba_numtitle;
    Leba_publication_date; Leba_url; Programme; Entity_remark;
    Naal_* (14), Addr_* (12), Birt_* (9), Iden_* (8), Citi_* (7); EU_ref_num

The lines of one entry are adjacent; they are grouped while streaming.
Columns are read by position (the header repeats ``Entity_logical_id`` six
times); ``original`` keeps each line's non-empty columns under unambiguous
names (``Naal_entity_logical_id``...).

Damaged files. Copies of this file circulate re-saved by a spreadsheet
program: every line wrapped in an extra pair of quotes (inner quotes
doubled), each comma turned into a TAB and the line padded with TABs. That
is undone here (TABs inside a field become commas again: "al-Awja, near
Tikrit"). Letters outside Windows-1252 were replaced by "?" in such a
re-save; an alias showing that ("?erné zá?í") cannot be screened reliably,
so it is left out and reported as a problem with its line number. Any line
that cannot be read (unbalanced quotes, wrong number of columns, no entity
id, rows of an entry that re-appear after other entries) is reported and
skipped; reading carries on.

A cut-off last entry. When the file ends in the middle of a line, or the file
is such a re-saved copy (which may be an excerpt: its end cannot be
trusted), the last entry is still yielded with what could be read -- dropping
it would make a load report a designation as removed that may simply be cut
off -- but its list-valued fields are marked ``incomplete`` (the loader
keeps their previous values) and a problem names it.

Other facts: ``ref`` is the entity logical id; ``listed_on`` is the earliest
publication date of the acts naming the entry (the layout has no designation
date; ``properties["listed_on_source"]`` says so); countries are ISO
alpha-3 codes and are turned into alpha-2.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

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
    guess_script,
    head_bytes,
    lang_for_script,
    open_text,
    parse_dmy,
    parse_iso_date,
    partial_date,
)
from compliance.normalize.countries import country_code, country_name

TITLE = "EU consolidated financial sanctions list, legacy CSV v1.0 (;-separated)"

# The 59 columns by position, with the repeated Entity_logical_id made unique.
COLUMNS = (
    "Date_file", "Entity_logical_id", "Subject_type", "Leba_numtitle", "Leba_publication_date",
    "Leba_url", "Programme", "Entity_remark",
    "Naal_logical_id", "Naal_entity_logical_id", "Naal_leba_numtitle", "Naal_leba_publication_date",
    "Naal_leba_url", "Naal_programme", "Naal_lastname", "Naal_firstname", "Naal_middlename",
    "Naal_wholename", "Naal_gender", "Naal_title", "Naal_function", "Naal_language",
    "Addr_logical_id", "Addr_entity_logical_id", "Addr_leba_numtitle", "Addr_leba_publication_date",
    "Addr_leba_url", "Addr_programme", "Addr_number", "Addr_street", "Addr_zipcode", "Addr_city",
    "Addr_country", "Addr_other",
    "Birt_logical_id", "Birt_entity_logical_id", "Birt_leba_numtitle", "Birt_leba_publication_date",
    "Birt_leba_url", "Birt_programme", "Birt_date", "Birt_place", "Birt_country",
    "Iden_logical_id", "Iden_entity_logical_id", "Iden_leba_numtitle", "Iden_leba_publication_date",
    "Iden_leba_url", "Iden_programme", "Iden_number", "Iden_country",
    "Citi_logical_id", "Citi_entity_logical_id", "Citi_leba_numtitle", "Citi_leba_publication_date",
    "Citi_leba_url", "Citi_programme", "Citi_country",
    "EU_ref_num",
)  # fmt: skip
_WIDTH = len(COLUMNS)
_BLOCKS = ("Naal", "Addr", "Birt", "Iden", "Citi")
_PUBLICATION_DATES = ("Leba_publication_date", *(f"{block}_leba_publication_date" for block in _BLOCKS))

# Header cells checked to recognise the layout (position -> expected, lower case).
_HEADER_CHECK = {
    1: "entity_logical_id",
    2: "subject_type",
    8: "naal_logical_id",
    22: "addr_logical_id",
    34: "birt_logical_id",
    43: "iden_logical_id",
    51: "citi_logical_id",
}

# Fields a cut-off entry may lack (kept from the previous load instead).
_LIST_FIELDS = frozenset(
    {"names", "addresses", "identifiers", "countries", "dates", "places_of_birth", "programs", "remarks"}
)

# How many physical lines a quoted field may span in a clean file.
_MAX_CONTINUATION = 20

# A "?" standing for a letter the re-save could not encode.
_LOST_LETTERS = re.compile(r"(?<=\w)\?|\?(?=\w)|\?\?")
# "AD001095 (passport-National passport) ((passport))"
_IDEN = re.compile(
    r"^(?P<number>.*?)\s*\((?P<code>[a-z]+)-(?P<label>[^)]*)\)\s*(?:\((?P<note>.*)\))?\s*$", re.DOTALL
)
# "PHONE[497 92 63]" in Addr_other.
_CONTACT = re.compile(r"\b([A-Z]+)\[([^\]]*)\]")

_ENTITY_TYPES = {"P": "person", "E": "organization"}
_ID_TYPES = {
    "passport": "passport",
    "id": "national_id",
    "regnumber": "registration",
    "fiscalcode": "tax_id",
    "imo": "imo",
    "ssn": "national_id",
    "other": "other",
}
_CONTACT_TYPES = {"PHONE": "phone", "FAX": "phone", "EMAIL": "email", "WEB": "website", "WEBSITE": "website"}
_GENDERS = {"M": "male", "F": "female"}

# ISO 3166-1 alpha-3 -> alpha-2 (this layout writes countries as alpha-3).
_ALPHA3_TABLE = """
    AFG:AF ALA:AX ALB:AL DZA:DZ ASM:AS AND:AD AGO:AO AIA:AI ATA:AQ ATG:AG ARG:AR ARM:AM ABW:AW AUS:AU
    AUT:AT AZE:AZ BHS:BS BHR:BH BGD:BD BRB:BB BLR:BY BEL:BE BLZ:BZ BEN:BJ BMU:BM BTN:BT BOL:BO BES:BQ
    BIH:BA BWA:BW BVT:BV BRA:BR IOT:IO BRN:BN BGR:BG BFA:BF BDI:BI CPV:CV KHM:KH CMR:CM CAN:CA CYM:KY
    CAF:CF TCD:TD CHL:CL CHN:CN CXR:CX CCK:CC COL:CO COM:KM COG:CG COD:CD COK:CK CRI:CR CIV:CI HRV:HR
    CUB:CU CUW:CW CYP:CY CZE:CZ DNK:DK DJI:DJ DMA:DM DOM:DO ECU:EC EGY:EG SLV:SV GNQ:GQ ERI:ER EST:EE
    SWZ:SZ ETH:ET FLK:FK FRO:FO FJI:FJ FIN:FI FRA:FR GUF:GF PYF:PF ATF:TF GAB:GA GMB:GM GEO:GE DEU:DE
    GHA:GH GIB:GI GRC:GR GRL:GL GRD:GD GLP:GP GUM:GU GTM:GT GGY:GG GIN:GN GNB:GW GUY:GY HTI:HT HMD:HM
    VAT:VA HND:HN HKG:HK HUN:HU ISL:IS IND:IN IDN:ID IRN:IR IRQ:IQ IRL:IE IMN:IM ISR:IL ITA:IT JAM:JM
    JPN:JP JEY:JE JOR:JO KAZ:KZ KEN:KE KIR:KI PRK:KP KOR:KR KWT:KW KGZ:KG LAO:LA LVA:LV LBN:LB LSO:LS
    LBR:LR LBY:LY LIE:LI LTU:LT LUX:LU MAC:MO MKD:MK MDG:MG MWI:MW MYS:MY MDV:MV MLI:ML MLT:MT MHL:MH
    MTQ:MQ MRT:MR MUS:MU MYT:YT MEX:MX FSM:FM MDA:MD MCO:MC MNG:MN MNE:ME MSR:MS MAR:MA MOZ:MZ MMR:MM
    NAM:NA NRU:NR NPL:NP NLD:NL NCL:NC NZL:NZ NIC:NI NER:NE NGA:NG NIU:NU NFK:NF MNP:MP NOR:NO OMN:OM
    PAK:PK PLW:PW PSE:PS PAN:PA PNG:PG PRY:PY PER:PE PHL:PH PCN:PN POL:PL PRT:PT PRI:PR QAT:QA REU:RE
    ROU:RO RUS:RU RWA:RW BLM:BL SHN:SH KNA:KN LCA:LC MAF:MF SPM:PM VCT:VC WSM:WS SMR:SM STP:ST SAU:SA
    SEN:SN SRB:RS SYC:SC SLE:SL SGP:SG SXM:SX SVK:SK SVN:SI SLB:SB SOM:SO ZAF:ZA SGS:GS SSD:SS ESP:ES
    LKA:LK SDN:SD SUR:SR SJM:SJ SWE:SE CHE:CH SYR:SY TWN:TW TJK:TJ TZA:TZ THA:TH TLS:TL TGO:TG TKL:TK
    TON:TO TTO:TT TUN:TN TUR:TR TKM:TM TCA:TC TUV:TV UGA:UG UKR:UA ARE:AE GBR:GB USA:US UMI:UM URY:UY
    UZB:UZ VUT:VU VEN:VE VNM:VN VGB:VG VIR:VI WLF:WF ESH:EH YEM:YE ZMB:ZM ZWE:ZW XKX:XK XXK:XK RKS:XK
    """
_ALPHA3 = dict(pair.split(":") for pair in _ALPHA3_TABLE.split())


def input_files(path: Path) -> list[Path]:
    """The CSV itself, or the EU CSV found in a folder."""
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise ListDataError(str(path), "no such file or folder")
    csv_files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in (".csv", ".txt"))
    named = [p for p in csv_files if "sanction" in p.name.lower() or "eu" in p.name.lower()]
    for candidate in named + [p for p in csv_files if p not in named]:
        if sniff(candidate):
            return [candidate]
    raise ListDataError(str(path), "no EU consolidated list CSV (v1.0 layout) in this folder")


def sniff(path: Path) -> bool:
    """True when the first line is the v1.0 header (plain or spreadsheet-wrapped)."""
    try:
        head = head_bytes(path, 2048).lstrip(b"\xef\xbb\xbf").lstrip(b'"')
    except OSError:
        return False
    first = head.split(b"\n", 1)[0].lower()
    return first.startswith(b"date_file") and b"naal_logical_id" in first and b";" in first


# One line's non-empty cells by (unambiguous) column name.
_Row = dict[str, str]


@dataclass(slots=True)
class _Group:
    """The lines of one entry read so far."""

    ref: str
    rows: list[tuple[int, _Row]] = field(default_factory=list)


def parse(path: Path, report: ParseReport) -> Iterator[ListRecord]:
    """Yield one record per entity, grouping its adjacent lines."""
    (source,) = input_files(path)
    lines = _logical_lines(source, report)
    header = next(lines, None)
    if header is None:
        raise ListDataError(str(source), "the file has no header line")
    _, header_fields, wrapped, _ = header
    _check_header(source, header_fields)
    if wrapped:
        report.notes.append(
            "This copy was re-saved by a spreadsheet program (lines wrapped in quotes, commas turned into "
            "TABs); that was undone, but letters outside Windows-1252 were lost in the re-save."
        )

    group: _Group | None = None
    finished: set[str] = set()
    last_line_ok = True
    for number, fields, line_wrapped, _complete in lines:
        wrapped = wrapped or line_wrapped
        last_line_ok = False  # until this line is read
        if fields is None:
            continue  # already reported
        if len(fields) != _WIDTH:
            report.problems.append(f"line {number}: {len(fields)} columns instead of {_WIDTH}; line skipped")
            continue
        ref = fields[1].strip()
        if not ref.isdigit():
            report.problems.append(
                f"line {number}: no entity id (Entity_logical_id is {ref!r}); line skipped"
            )
            continue
        row = {COLUMNS[i]: text for i, cell in enumerate(fields) if (text := cell.strip())}
        if report.published is None:
            report.published = parse_dmy(row.get("Date_file"))
        if ref in finished:
            # A stray line of an entry already yielded: it does not end the current entry.
            report.problems.append(
                f"line {number}: entity {ref} appears again after other entries "
                "(lines out of order); line skipped"
            )
            continue
        if group is not None and ref != group.ref:
            finished.add(group.ref)
            record = _record(group, report)
            group = None
            if record is not None:
                yield record
        if group is None:
            group = _Group(ref)
        group.rows.append((number, row))
        last_line_ok = True
    if group is not None:
        record = _record(group, report)
        if record is not None:
            reason = None
            if not last_line_ok:
                reason = "the file ends in the middle of a line"
            elif wrapped:
                reason = "the file is a re-saved copy that may be an excerpt"
            if reason is not None:
                record.incomplete = _LIST_FIELDS
                first_line = group.rows[0][0]
                report.problems.append(
                    f"line {first_line}: entity {group.ref} is the last entry and {reason}; "
                    f"it may be cut off -- kept with the {len(group.rows)} lines read, "
                    "its other details left as previously loaded"
                )
            yield record
    else:
        report.notes.append("The file holds a header but no entries.")


def _logical_lines(source: Path, report: ParseReport) -> Iterator[tuple[int, list[str] | None, bool, bool]]:
    """(line number, fields or None if unreadable, spreadsheet-wrapped, ended with a newline).

    Quoted fields may span lines in a clean file; a spreadsheet-wrapped line
    always stands alone, so one damaged line cannot swallow the next ones.
    """
    with open_text(source) as stream:
        physical = iter(stream)
        number = 0
        pending: list[str] = []
        while True:
            raw = pending.pop(0) if pending else next(physical, None)
            if raw is None:
                return
            number += 1
            start = number
            text = raw
            complete = raw.endswith(("\n", "\r"))
            wrapped = _unwrap(text) if text.startswith('"') else None
            wrapped_line = wrapped is not None
            if not wrapped_line and text.count('"') % 2:
                # A quoted field continues on the next line(s) (clean files only).
                taken: list[str] = []
                while text.count('"') % 2 and len(taken) < _MAX_CONTINUATION:
                    more = pending.pop(0) if pending else next(physical, None)
                    if more is None:
                        break
                    taken.append(more)
                    text += more
                if text.count('"') % 2:
                    pending = taken + pending
                    report.problems.append(
                        f"line {start}: a quote is opened and never closed (the line is cut off or damaged); "
                        "line skipped"
                    )
                    yield start, None, False, complete
                    continue
                number += len(taken)
                complete = text.endswith(("\n", "\r"))
            text = text.rstrip("\r\n")
            if not text.strip():
                continue
            try:
                fields = _split(wrapped if wrapped is not None else text)
            except csv.Error as exc:
                report.problems.append(f"line {start}: cannot be read ({exc}); line skipped")
                yield start, None, wrapped_line, complete
                continue
            yield start, fields, wrapped_line, complete


def _unwrap(text: str) -> str | None:
    """The inner line of a line a spreadsheet wrapped whole in quotes, else None.

    Such a line is one quoted field holding all the ';'s; inside it, TABs are
    the padding at the end and the commas the re-save turned into TABs.
    """
    try:
        fields = _split(text.rstrip("\r\n"))
    except csv.Error:
        return None
    if len(fields) != 1 or ";" not in fields[0]:
        return None
    return fields[0].rstrip("\t ").replace("\t", ",")


def _split(text: str) -> list[str]:
    return next(csv.reader([text], delimiter=";", strict=True), [])


def _check_header(source: Path, header: list[str] | None) -> None:
    cells = [cell.strip().lower() for cell in header or []]
    ok = (
        len(cells) == _WIDTH
        and cells[0].startswith("date_file")
        and cells[-1].startswith("eu_ref_num")
        and all(cells[pos] == name for pos, name in _HEADER_CHECK.items())
    )
    if not ok:
        raise ListDataError(
            str(source),
            "this is not the EU consolidated list CSV v1.0 layout "
            f"(expected a {_WIDTH}-column header starting Date_file;Entity_logical_id;Subject_type)",
        )


def _value(row: _Row, column: str) -> str | None:
    value = row.get(column)
    if value is not None and "\\n" in value:
        value = value.replace("\\n", "\n")  # the file writes line breaks as a literal \n
    return value


def _country(value: str | None) -> str | None:
    if not value:
        return None
    code = value.strip().upper()
    if len(code) == 3 and code in _ALPHA3:
        return _ALPHA3[code]
    return country_code(value) or value


def _add(items: list[str], value: str | None) -> None:
    if value and value not in items:
        items.append(value)


def _int(value: str | None) -> int:
    try:
        return int(value or "")
    except ValueError:
        return 1 << 62


def _record(group: _Group, report: ParseReport) -> ListRecord | None:
    first = group.rows[0][1]
    properties: dict[str, str | list[str]] = {}
    if eu_ref := _value(first, "EU_ref_num"):
        properties["eu_reference_number"] = eu_ref
    programs: list[str] = []
    regulations: list[str] = []
    regulation_urls: list[str] = []
    remarks: list[str] = []
    published: list[str] = []
    for _, row in group.rows:
        _add(programs, _value(row, "Programme"))
        _add(regulations, _value(row, "Leba_numtitle"))
        _add(regulation_urls, _value(row, "Leba_url"))
        _add(remarks, _value(row, "Entity_remark"))
        for column in _PUBLICATION_DATES:
            day = parse_iso_date(_value(row, column))
            if day is not None:
                published.append(day.isoformat())
        for block in _BLOCKS:
            if _value(row, f"{block}_logical_id"):
                _add(programs, _value(row, f"{block}_programme"))
    if regulations:
        properties["regulation"] = regulations
    if regulation_urls:
        properties["regulation_url"] = regulation_urls
    listed_on = parse_iso_date(min(published)) if published else None
    if listed_on is not None:
        properties["listed_on_source"] = (
            "the file has no designation date: earliest publication date of the acts naming this entry"
        )

    names = _names(group, properties, report)
    if not names:
        report.problems.append(
            f"line {group.rows[0][0]}: entity {group.ref} has no readable name; "
            f"its {len(group.rows)} lines skipped"
        )
        return None

    addresses: list[Address] = []
    identifiers: list[Identifier] = []
    countries: list[CountryLink] = []
    dates: list[EventDate] = []
    places: list[str] = []
    for _, row in group.rows:
        if _value(row, "Addr_logical_id"):
            _address(row, addresses, identifiers)
        if _value(row, "Birt_logical_id"):
            birth = _value(row, "Birt_date")
            if birth and birth.upper() != "N/A":
                match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", birth)
                value = partial_date(match[1], match[2], match[3]) if match else None
                if value is not None and all(d.value != value for d in dates):
                    dates.append(EventDate(value=value, kind="birth"))
            _add(places, _value(row, "Birt_place"))
            if country := _country(_value(row, "Birt_country")):
                _link(countries, CountryLink(country=country, relation="birth"))
        if _value(row, "Iden_logical_id"):
            _identifier(row, identifiers)
        if _value(row, "Citi_logical_id") and (country := _country(_value(row, "Citi_country"))):
            _link(countries, CountryLink(country=country, relation="citizenship"))

    subject = (_value(first, "Subject_type") or "").upper()
    return ListRecord(
        ref=group.ref,
        entity_type=_ENTITY_TYPES.get(subject, "unknown"),
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
        original={"rows": [row for _, row in group.rows]},
    )


def _link(countries: list[CountryLink], link: CountryLink) -> None:
    if link not in countries:
        countries.append(link)


def _names(group: _Group, properties: dict[str, str | list[str]], report: ParseReport) -> list[Name]:
    rows = [(number, row) for number, row in group.rows if _value(row, "Naal_logical_id")]
    rows.sort(key=lambda row: _int(_value(row[1], "Naal_logical_id")))
    names: list[Name] = []
    genders: list[str] = []
    positions: list[str] = []
    titles: list[str] = []
    for number, row in rows:
        value = _value(row, "Naal_wholename")
        if value is None:
            parts = [_value(row, f"Naal_{part}name") for part in ("first", "middle", "last")]
            value = " ".join(p for p in parts if p) or None
        if value is None:
            continue
        if _LOST_LETTERS.search(value):
            report.problems.append(
                f"line {number}: name {value!r} of entity {group.ref} lost letters in a re-save "
                "(shown as '?'); name skipped"
            )
            continue
        if gender := _value(row, "Naal_gender"):
            _add(genders, _GENDERS.get(gender.upper(), gender))
        _add(positions, _value(row, "Naal_function"))
        _add(titles, _value(row, "Naal_title"))
        if any(name.value == value for name in names):
            continue
        script = guess_script(value)
        names.append(
            Name(
                value=value,
                kind="primary" if not names else "aka",
                script=script,
                lang=lang_for_script(_value(row, "Naal_language"), script),
            )
        )
    if genders:
        properties["gender"] = genders[0] if len(genders) == 1 else genders
    if positions:
        properties["position"] = positions
    if titles:
        properties["title"] = titles
    return names


def _address(row: _Row, addresses: list[Address], identifiers: list[Identifier]) -> None:
    country = _country(_value(row, "Addr_country"))
    other = _value(row, "Addr_other")
    if other:
        for key, value in _CONTACT.findall(other):
            kind = _CONTACT_TYPES.get(key.upper(), "other")
            for item in re.split(r"[,;]\s*", value):
                if item.strip():
                    identifier = Identifier(type=kind, value=item.strip(), country=country, note=key.lower())
                    if identifier not in identifiers:
                        identifiers.append(identifier)
        other = _CONTACT.sub("", other).strip(" \n,;") or None
    street = " ".join(p for p in (_value(row, "Addr_number"), _value(row, "Addr_street")) if p) or None
    city = _value(row, "Addr_city")
    postal = _value(row, "Addr_zipcode")
    country_text = (country_name(country) if country else None) or _value(row, "Addr_country")
    full = ", ".join(p for p in (street, postal, city, other, country_text) if p)
    if full:
        address = Address(full=full, street=street, city=city, postal_code=postal, country=country)
        if address not in addresses:
            addresses.append(address)


def _identifier(row: _Row, identifiers: list[Identifier]) -> None:
    text = _value(row, "Iden_number")
    if not text:
        return
    match = _IDEN.match(text)
    if match:
        number = match["number"].strip()
        kind = _ID_TYPES.get(match["code"], "other")
        notes = [match["label"].strip()]
        extra = (match["note"] or "").strip()
        extra = extra.lstrip("?")  # a letter lost in a re-save
        if extra and extra.strip("()") != match["code"]:
            notes.append(extra)
    else:
        number, kind, notes = text, "other", []
    if not number or number.strip("-") == "":
        return
    identifier = Identifier(
        type=kind,
        value=number,
        country=_country(_value(row, "Iden_country")),
        note="; ".join(n for n in notes if n) or None,
    )
    if identifier not in identifiers:
        identifiers.append(identifier)
