"""OpenSanctions data: FollowTheMoney (FtM) entities as JSON lines, full or delta.

One entity per line: ``{"id", "schema", "caption", "properties": {name: [values]},
"referents", "datasets", "first_seen", "last_seen", "last_change", "target"}``.
Facts about a listed party are spread over several entities linked by id:
``Sanction`` (``entity`` -> the party; ``authority``, ``program``/``programId``,
``startDate``, ``listingDate``), ``Ownership`` (``owner``, ``asset``,
``percentage``), ``Directorship``, ``Family``, ``Associate``, ``Address``
(pointed to by the party's ``addressEntity``), ``Passport``/``Identification``
(``holder``).

What is yielded. One record per *subject*: every ``target`` entity, and every
entity of a party schema (Person, Company, Organization, LegalEntity, Vessel,
Airplane) even when it is not a target. Non-target parties are the owners,
subsidiaries and relatives OpenSanctions adds around a target; they are kept
because ownership chains need them (the 50 % rule: a company owned 50 % or
more by listed parties is blocked too) but they carry
``properties["target"] = "false"`` and no programs -- they are not designated.
Auxiliary entities are never yielded; their facts are folded into their
subject: programs, ``listed_on`` (earliest listingDate/startDate), authority
(``sublist`` when there is exactly one, all of them in
``properties["authority"]``); ``RelationRef`` for ownership (``owner`` /
``owned`` with ``share_pct``), directorship (``director`` / ``directs``),
family and associates (``other_ref`` = the other FtM id); addresses;
passports and identifications. ``original`` is the subject's own entity JSON.

Memory. Auxiliary entities may come before or after their subject, so the
file is read twice: the first pass keeps only compact tuples for the
auxiliary entities (a sanction's programs, authority and dates; a link's two
ids, share and dates; an address; an identifier) plus, in delta mode, the
position of the last operation on each id; the second pass streams the
subjects and yields them. The subjects' JSON is never held in memory. Cost is
roughly 200-400 bytes per auxiliary entity (a few hundred MB for the full
OpenSanctions "default" collection, whose file is several GB), and the file
is parsed twice.

Delta mode. Given ``delta.json`` (the index of versions) or a folder holding
one, the versions listed in it are applied in version-id order from the
``<version>/entities.delta.json`` files beside it (absent ones are reported in
``missing_parts``); a single ``*.delta.json`` file is also a delta.
``report.mode`` is "delta". When one id has several operations only the last
counts: ADD/MOD yield the entity, DEL yields
``ListRecord(ref=id, entity_type="unknown", names=[], delete=True)``. A delta
only carries the entities that changed, so a changed party may come without
its sanctions, links or addresses: those fields are then marked
``incomplete`` (the loader keeps the previous values).

Licence: OpenSanctions data is CC BY-NC 4.0; a note says so on every parse.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
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
from compliance.lists.formats._common import guess_script, head_bytes, open_text, parse_iso_date
from compliance.normalize.countries import country_code

TITLE = "OpenSanctions FollowTheMoney entities (JSON lines; full export or delta feed)"

LICENCE_NOTE = (
    "OpenSanctions data is licensed CC BY-NC 4.0: free for non-commercial use only; "
    "business use needs a commercial licence from OpenSanctions."
)

# Party schemas: always subjects (targets or not).
SUBJECT_SCHEMAS = {
    "Person": "person",
    "Company": "company",
    "Organization": "organization",
    "LegalEntity": "organization",
    "Vessel": "vessel",
    "Airplane": "aircraft",
}
# Other schemas yielded only when marked as a target.
_TARGET_TYPES = {"PublicBody": "organization"}
_LINK_SCHEMAS = {
    # schema: (this side, other side, kind on the first side's record, kind on the second's)
    "Ownership": ("owner", "asset", "owned", "owner"),
    "Directorship": ("director", "organization", "directs", "director"),
    "Family": ("person", "relative", "family", "family"),
    "Associate": ("person", "associate", "associate", "associate"),
    "UnknownLink": ("subject", "object", "linked_to", "linked_to"),
}
_AUX_SCHEMAS = {"Sanction", "Address", "Passport", "Identification", *_LINK_SCHEMAS}

_NAME_PROPS = (("name", "aka", None), ("alias", "aka", None), ("abbreviation", "aka", None))
_WEAK_PROPS = ("weakAlias",)
_FORMER_PROPS = ("previousName",)

# Identifier properties: FtM property -> (type, note). The specific ones come
# first: a number given both as innCode and taxNumber is kept once, as INN.
_ID_PROPS = {
    "passportNumber": ("passport", None),
    "idNumber": ("national_id", None),
    "innCode": ("tax_id", "INN"),
    "vatCode": ("tax_id", "VAT"),
    "taxNumber": ("tax_id", None),
    "ogrnCode": ("registration", "OGRN"),
    "okpoCode": ("registration", "OKPO"),
    "registrationNumber": ("registration", None),
    "kppCode": ("other", "KPP"),
    "leiCode": ("lei", None),
    "swiftBic": ("swift_bic", None),
    "isinCode": ("isin", None),
    "imoNumber": ("imo", None),
    "mmsi": ("mmsi", None),
    "email": ("email", None),
    "website": ("website", None),
    "phone": ("phone", None),
    "permId": ("other", "PermID"),
    "uniqueEntityId": ("other", "SAM UEI"),
    "dunsCode": ("other", "DUNS"),
    "bikCode": ("other", "BIK"),
    "serialNumber": ("aircraft_serial", None),
}
_COUNTRY_PROPS = {
    "nationality": "nationality",
    "citizenship": "citizenship",
    "jurisdiction": "jurisdiction",
    "birthCountry": "birth",
    "flag": "flag",
    "country": "location",
    "mainCountry": "location",
}
_DATE_PROPS = {"birthDate": "birth", "incorporationDate": "incorporation", "buildDate": "build"}
_TEXT_PROPS = {
    "gender": "gender",
    "position": "position",
    "title": "title",
    "legalForm": "legal_form",
    "status": "status",
    "callSign": "call_sign",
    "type": "vessel_type",
    "tonnage": "tonnage",
    "model": "model",
}
_LIST_META = ("datasets", "referents")

_MAX_PROGRAM = 80
_VERSION_FILE = "entities.delta.json"
_SCHEMA_RE = re.compile(r'"schema"\s*:\s*"([A-Za-z]+)"')


# ----------------------------------------------------------------- files


def input_files(path: Path) -> list[Path]:
    """The FtM file; for a delta index, the index and the version files present."""
    if path.is_dir():
        files = {p.name.lower(): p for p in path.iterdir() if p.is_file()}
        if "entities.ftm.json" in files:
            return [files["entities.ftm.json"]]
        if "delta.json" in files:
            return _delta_files(files["delta.json"], None)
        if _VERSION_FILE in files:
            return [files[_VERSION_FILE]]
        ftm = sorted(p for name, p in files.items() if name.endswith((".ftm.json", ".ftm.jsonl")))
        if ftm:
            return ftm[:1]
        raise ListDataError(str(path), "no OpenSanctions entities.ftm.json or delta.json in this folder")
    if not path.is_file():
        raise ListDataError(str(path), "no such file or folder")
    if path.name.lower() == "delta.json":
        return _delta_files(path, None)
    return [path]


def sniff(path: Path) -> bool:
    """True for FtM JSON lines, a delta file or a delta index."""
    try:
        head = head_bytes(path, 2048).lstrip(b"\xef\xbb\xbf").lstrip()
    except OSError:
        return False
    if path.name.lower() == "delta.json" or (head.startswith(b"{") and b'"versions"' in head[:200]):
        return b'"versions"' in head
    if not head.startswith(b"{"):
        return False
    first = head.split(b"\n", 1)[0]
    return (b'"schema"' in first and b'"id"' in first) or b'"op"' in first[:40]


def _is_delta_index(path: Path) -> bool:
    return path.name.lower() == "delta.json"


def _delta_files(index: Path, report: ParseReport | None) -> list[Path]:
    """The version files named by a delta index, oldest first; absent ones reported."""
    with open_text(index) as stream:
        try:
            data = json.load(stream)
        except json.JSONDecodeError as exc:
            raise ListDataError(str(index), f"the delta index is not valid JSON ({exc.msg})") from None
    versions = data.get("versions") if isinstance(data, dict) else None
    if not isinstance(versions, dict) or not versions:
        raise ListDataError(str(index), 'this is not an OpenSanctions delta index (no "versions")')
    files = [index]
    for version in sorted(versions):
        candidate = index.parent / version / _VERSION_FILE
        if candidate.is_file():
            files.append(candidate)
        elif report is not None:
            report.missing_parts.append(f"{version}/{_VERSION_FILE}")
    if report is not None and isinstance(data.get("updated_at"), str):
        report.published = parse_iso_date(data["updated_at"])
    return files


# ----------------------------------------------------------------- pass 1


@dataclass(slots=True)
class _Sanction:
    subjects: tuple[str, ...]
    programs: tuple[str, ...]
    authorities: tuple[str, ...]
    dates: tuple[str, ...]


@dataclass(slots=True)
class _Link:
    schema: str
    left: tuple[str, ...]
    right: tuple[str, ...]
    share: float | None
    since: str | None
    until: str | None
    note: str | None


@dataclass(slots=True)
class _Ident:
    holders: tuple[str, ...]
    identifier: Identifier


@dataclass(slots=True)
class _State:
    """What the first pass learned: compact facts of the auxiliary entities."""

    delta: bool
    sanctions: dict[str, _Sanction] = field(default_factory=dict)
    links: dict[str, _Link] = field(default_factory=dict)
    addresses: dict[str, Address] = field(default_factory=dict)
    address_alias: dict[str, str] = field(default_factory=dict)  # referent -> address id
    idents: dict[str, _Ident] = field(default_factory=dict)
    # delta: id -> (file index, line number) of its last operation
    last_op: dict[str, tuple[int, int]] = field(default_factory=dict)
    aux_ids: set[str] = field(default_factory=set)  # delta: ids seen as auxiliaries
    missing_addresses: int = 0

    def by_subject(
        self,
    ) -> tuple[dict[str, list[_Sanction]], dict[str, list[tuple[_Link, bool]]], dict[str, list[Identifier]]]:
        sanctions: dict[str, list[_Sanction]] = defaultdict(list)
        for sanction in self.sanctions.values():
            for subject in sanction.subjects:
                sanctions[subject].append(sanction)
        links: dict[str, list[tuple[_Link, bool]]] = defaultdict(list)
        for link in self.links.values():
            for left in link.left:
                links[left].append((link, True))
            for right in link.right:
                links[right].append((link, False))
        idents: dict[str, list[Identifier]] = defaultdict(list)
        for ident in self.idents.values():
            for holder in ident.holders:
                idents[holder].append(ident.identifier)
        return sanctions, links, idents


def _values(props: dict[str, Any], key: str) -> list[str]:
    raw = props.get(key)
    if not raw:
        return []
    if isinstance(raw, str):
        raw = [raw]
    elif not isinstance(raw, list):
        return []
    values: list[str] = []
    for item in raw:
        text = item.strip() if isinstance(item, str) else str(item) if isinstance(item, (int, float)) else ""
        if text:
            values.append(text)
    return values


def _first(props: dict[str, Any], key: str) -> str | None:
    values = _values(props, key)
    return values[0] if values else None


def _country(value: str) -> str:
    text = value.strip()
    if len(text) == 2 and text.isalpha():
        return text.upper()
    return country_code(text) or text


def _address(props: dict[str, Any]) -> Address | None:
    full = _first(props, "full")
    street = _first(props, "street")
    city = _first(props, "city")
    region = _first(props, "region") or _first(props, "state")
    postal = _first(props, "postalCode")
    country = _first(props, "country")
    if full is None:
        full = ", ".join(p for p in (street, city, postal, region) if p) or None
    if full is None:
        return None
    return Address(
        full=full,
        street=street,
        city=city,
        region=region,
        postal_code=postal,
        country=_country(country) if country else None,
    )


def _share(props: dict[str, Any]) -> float | None:
    for value in _values(props, "percentage"):
        try:
            share = float(value.rstrip("%").replace(",", "."))
        except ValueError:
            continue
        if 0 <= share <= 100:
            return share
    return None


def _remember(state: _State, entity: dict[str, Any]) -> None:
    """Keep the compact facts of an auxiliary entity."""
    entity_id = entity["id"]
    schema = entity.get("schema")
    props = entity.get("properties") or {}
    if schema == "Sanction":
        # programId is a short code ("EU-UKR"); the free-text program is used only
        # when there is none and it is short enough to be a name, not a paragraph.
        programs = _values(props, "programId") or [
            p for p in _values(props, "program") if len(p) <= _MAX_PROGRAM
        ]
        dates = [d[:10] for d in _values(props, "listingDate") + _values(props, "startDate")]
        state.sanctions[entity_id] = _Sanction(
            tuple(_values(props, "entity")), tuple(programs), tuple(_values(props, "authority")), tuple(dates)
        )
    elif schema in _LINK_SCHEMAS:
        left, right, _, _ = _LINK_SCHEMAS[schema]
        notes = _values(props, "role") + _values(props, "relationship")
        state.links[entity_id] = _Link(
            schema,
            tuple(_values(props, left)),
            tuple(_values(props, right)),
            _share(props) if schema == "Ownership" else None,
            _first(props, "startDate"),
            _first(props, "endDate"),
            "; ".join(dict.fromkeys(notes)) or None,
        )
    elif schema == "Address":
        address = _address(props)
        if address is not None:
            state.addresses[entity_id] = address
            for referent in entity.get("referents") or []:
                if isinstance(referent, str):
                    state.address_alias[referent] = entity_id
    elif schema in ("Passport", "Identification"):
        number = _first(props, "number") or _first(props, "passportNumber")
        if number is None:
            return
        kind_text = (_first(props, "type") or "").lower()
        kind = "passport" if schema == "Passport" or "passport" in kind_text else "national_id"
        notes = [n for n in (_first(props, "type"), _first(props, "authority")) if n]
        if start := _first(props, "startDate"):
            notes.append(f"issued {start}")
        if end := _first(props, "endDate"):
            notes.append(f"valid to {end}")
        country = _first(props, "country")
        state.idents[entity_id] = _Ident(
            tuple(_values(props, "holder")),
            Identifier(kind, number, _country(country) if country else None, "; ".join(notes) or None),
        )


def _forget(state: _State, entity_id: str) -> None:
    state.sanctions.pop(entity_id, None)
    state.links.pop(entity_id, None)
    state.addresses.pop(entity_id, None)
    state.idents.pop(entity_id, None)


def _is_subject(entity: dict[str, Any]) -> bool:
    schema = entity.get("schema")
    if schema in SUBJECT_SCHEMAS:
        return True
    return entity.get("target") is True and schema not in _AUX_SCHEMAS


# ----------------------------------------------------------------- reading


def _read(
    path: Path, report: ParseReport | None, skip_aux: bool = False
) -> Iterator[tuple[int, str, dict[str, Any]]]:
    """(line number, op, entity) for each readable line; bad lines reported in the first pass.

    ``skip_aux`` skips auxiliary entities without decoding them (second pass).
    """
    with open_text(path, ("utf-8",)) as stream:
        seen_good = False
        for number, line in enumerate(stream, start=1):
            text = line.strip()
            if not text:
                continue
            if skip_aux and (match := _SCHEMA_RE.search(text)) and match[1] in _AUX_SCHEMAS:
                continue
            try:
                data = json.loads(text)
            except json.JSONDecodeError as exc:
                if not seen_good and number == 1 and not text.startswith("{"):
                    raise ListDataError(
                        str(path), "this is not FollowTheMoney JSON lines (no JSON object)"
                    ) from None
                if report is not None:
                    report.problems.append(
                        f"{path.name} line {number}: not valid JSON ({exc.msg}; cut off?); skipped"
                    )
                continue
            op = "ADD"
            entity = data
            if isinstance(data, dict) and "op" in data:
                op = str(data.get("op", "")).upper()
                entity = data.get("entity")
                if op not in ("ADD", "MOD", "DEL"):
                    if report is not None:
                        report.problems.append(
                            f"{path.name} line {number}: unknown delta operation {op!r}; skipped"
                        )
                    continue
            if not isinstance(entity, dict) or not isinstance(entity.get("id"), str) or not entity["id"]:
                if not seen_good and number == 1:
                    raise ListDataError(str(path), "this is not FollowTheMoney JSON (entities need an id)")
                if report is not None:
                    report.problems.append(f"{path.name} line {number}: no entity id; skipped")
                continue
            if op != "DEL" and not isinstance(entity.get("schema"), str):
                if report is not None:
                    report.problems.append(
                        f"{path.name} line {number}: entity {entity['id']} has no schema; skipped"
                    )
                continue
            seen_good = True
            yield number, op, entity


def parse(path: Path, report: ParseReport) -> Iterator[ListRecord]:
    """Yield one record per subject (see the module docstring)."""
    report.notes.append(LICENCE_NOTE)
    files = _data_files(path, report)
    delta = report.mode == "delta"
    state = _State(delta=delta)

    # Pass 1: auxiliary facts, and in delta mode the last operation on each id.
    for index, data_file in enumerate(files):
        for number, op, entity in _read(data_file, report):
            entity_id = entity["id"]
            if delta:
                state.last_op[entity_id] = (index, number)
            if op == "DEL":
                _forget(state, entity_id)
                continue
            if entity.get("schema") in _AUX_SCHEMAS:
                _remember(state, entity)
                state.aux_ids.add(entity_id)
            elif delta:
                state.aux_ids.discard(entity_id)

    sanctions, links, idents = state.by_subject()
    yielded: set[str] = set()
    # Pass 2: the subjects.
    for index, data_file in enumerate(files):
        for number, op, entity in _read(data_file, None, skip_aux=True):
            entity_id = entity["id"]
            if delta:
                if state.last_op.get(entity_id) != (index, number):
                    continue  # a later operation supersedes this one
                if op == "DEL":
                    if entity_id not in state.aux_ids:
                        yield ListRecord(ref=entity_id, entity_type="unknown", names=[], delete=True)
                    continue
            if not _is_subject(entity):
                continue
            if entity_id in yielded:
                report.problems.append(
                    f"{data_file.name} line {number}: entity {entity_id} appears twice; skipped"
                )
                continue
            record = _record(entity, state, sanctions, links, idents)
            if record is None:
                report.problems.append(
                    f"{data_file.name} line {number}: entity {entity_id} has no name; skipped"
                )
                continue
            yielded.add(entity_id)
            yield record
    if delta:
        orphans = sum(
            1
            for subject_ids in (
                *(s.subjects for s in state.sanctions.values()),
                *(link.left + link.right for link in state.links.values()),
                *(i.holders for i in state.idents.values()),
            )
            if not any(subject in yielded for subject in subject_ids)
        )
        if orphans:
            report.notes.append(
                f"{orphans} changed sanctions, links or documents in this delta belong to parties "
                "that did not change; they are not applied until the next full load."
            )
    if state.missing_addresses:
        report.notes.append(
            f"{state.missing_addresses} address references point to Address entities that are not "
            "in the file (an excerpt?); the parties' own address text is used where given."
        )


def _data_files(path: Path, report: ParseReport) -> list[Path]:
    files = input_files(path)
    if _is_delta_index(files[0]):
        report.mode = "delta"
        files = _delta_files(files[0], report)[1:]
        if not files:
            raise ListDataError(str(path), "the delta index names no version file that is present here")
        return files
    if files[0].name.lower().endswith(".delta.json"):
        report.mode = "delta"
    return files


# ----------------------------------------------------------------- records


def _names(entity: dict[str, Any], props: dict[str, Any]) -> list[Name]:
    names: list[Name] = []
    seen: set[str] = set()

    def add(value: str, kind: str, quality: str | None = None) -> None:
        value = " ".join(value.split())
        if not value or value in seen:
            return
        seen.add(value)
        names.append(Name(value=value, kind=kind, script=guess_script(value), quality=quality))

    caption = entity.get("caption")
    if isinstance(caption, str) and caption.strip():
        add(caption, "primary")
    for key, kind, quality in _NAME_PROPS:
        for value in _values(props, key):
            add(value, kind if names else "primary", quality)
    for key in _WEAK_PROPS:
        for value in _values(props, key):
            add(value, "aka" if names else "primary", "weak")
    for key in _FORMER_PROPS:
        for value in _values(props, key):
            add(value, "fka" if names else "primary")
    if not names:
        parts = [_first(props, k) for k in ("firstName", "secondName", "middleName", "lastName")]
        built = " ".join(p for p in parts if p)
        if built:
            add(built, "primary")
    return names


def _record(
    entity: dict[str, Any],
    state: _State,
    sanctions: dict[str, list[_Sanction]],
    links: dict[str, list[tuple[_Link, bool]]],
    idents: dict[str, list[Identifier]],
) -> ListRecord | None:
    entity_id: str = entity["id"]
    schema: str = entity["schema"]
    props: dict[str, Any] = entity.get("properties") or {}
    if not isinstance(props, dict):
        props = {}
    names = _names(entity, props)
    if not names:
        return None
    target = entity.get("target") is True
    incomplete: set[str] = set()

    properties: dict[str, str | list[str]] = {"target": "true" if target else "false", "ftm_schema": schema}
    for key in _LIST_META:
        values = [str(v) for v in entity.get(key) or [] if isinstance(v, str)]
        if values:
            properties[key] = values
    if topics := _values(props, "topics"):
        properties["topics"] = topics
    for key in ("first_seen", "last_seen", "last_change"):
        if isinstance(entity.get(key), str):
            properties[key] = entity[key]
    for prop, label in _TEXT_PROPS.items():
        if schema != "Vessel" and prop == "type":
            continue
        if values := _values(props, prop):
            properties[label] = values[0] if len(values) == 1 else values

    # Sanctions: programs, listing date, authority (targets only).
    programs: list[str] = []
    authorities: list[str] = []
    listed: list[date] = []
    subject_sanctions = sanctions.get(entity_id, [])
    if target:
        programs.extend(dict.fromkeys(_values(props, "programId")))
        for sanction in subject_sanctions:
            for program in sanction.programs:
                if program not in programs:
                    programs.append(program)
            for authority in sanction.authorities:
                if authority not in authorities:
                    authorities.append(authority)
            listed.extend(d for d in (parse_iso_date(x) for x in sanction.dates) if d is not None)
        if state.delta and not subject_sanctions:
            incomplete |= {"programs", "listed_on", "sublist"}
    if authorities:
        properties["authority"] = authorities

    # Identifiers.
    identifiers: list[Identifier] = []
    seen_ids: set[tuple[str, str]] = set()
    for prop, (kind, note) in _ID_PROPS.items():
        if prop == "registrationNumber" and schema == "Airplane":
            kind = "aircraft_tail"
        for value in _values(props, prop):
            if (kind, value) not in seen_ids:
                seen_ids.add((kind, value))
                identifiers.append(Identifier(type=kind, value=value, note=note))
    for item in idents.get(entity_id, []):
        if (item.type, item.value) not in seen_ids:
            seen_ids.add((item.type, item.value))
            identifiers.append(item)

    # Addresses: linked Address entities, then the party's own address text.
    addresses: list[Address] = []
    for ref in _values(props, "addressEntity"):
        address = state.addresses.get(ref) or state.addresses.get(state.address_alias.get(ref, ""))
        if address is None:
            state.missing_addresses += 1
            if state.delta:
                incomplete.add("addresses")
        elif address not in addresses:
            addresses.append(address)
    for text in _values(props, "address"):
        if all(a.full != text for a in addresses):
            addresses.append(Address(full=text))

    countries: list[CountryLink] = []
    for prop, relation in _COUNTRY_PROPS.items():
        for value in _values(props, prop):
            link = CountryLink(country=_country(value), relation=relation)
            if link not in countries:
                countries.append(link)

    dates: list[EventDate] = []
    for prop, kind in _DATE_PROPS.items():
        for value in _values(props, prop):
            event = EventDate(value=value[:10], kind=kind)
            if event not in dates:
                dates.append(event)

    relations: list[RelationRef] = []
    for tie, on_left in links.get(entity_id, []):
        _, _, left_kind, right_kind = _LINK_SCHEMAS[tie.schema]
        for other in tie.right if on_left else tie.left:
            tie_ref = RelationRef(
                kind=left_kind if on_left else right_kind,
                other_ref=other,
                share_pct=tie.share,
                since=tie.since,
                until=tie.until,
                note=tie.note,
            )
            if tie_ref not in relations:
                relations.append(tie_ref)
    if state.delta and not relations:
        incomplete.add("relations")

    remarks = "\n".join(dict.fromkeys(_values(props, "notes") + _values(props, "summary"))) or None
    return ListRecord(
        ref=entity_id,
        entity_type=SUBJECT_SCHEMAS.get(schema) or _TARGET_TYPES.get(schema, "unknown"),
        names=names,
        programs=programs,
        sublist=authorities[0] if len(authorities) == 1 else None,
        listed_on=min(listed) if listed else None,
        identifiers=identifiers,
        addresses=addresses,
        countries=countries,
        dates=dates,
        places_of_birth=list(dict.fromkeys(_values(props, "birthPlace"))),
        relations=relations,
        remarks=remarks,
        properties=dict(properties),
        original=entity,
        incomplete=frozenset(incomplete),
    )
