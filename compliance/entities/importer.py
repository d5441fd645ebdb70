"""Bulk import of entities from CSV or YAML: all rows, or nothing.

CSV: a header line naming the columns ``name,type,country,aliases,identifiers``
and optionally ``ref,dob,incorporated,parent,share``. Several values in one
cell are separated by ``;``; identifiers are written ``TYPE:VALUE``; ``parent``
names the owner (a name or ref of a row of the same file, else of an entity
already recorded) and ``share`` its percentage or ``unknown``.

YAML: a list of entities, each a mapping with ``name``, ``type`` and
optionally ``ref``, ``aliases``, ``identifiers`` (``TYPE:VALUE`` strings or
mappings with type, value, country), ``countries`` (or ``country``), ``dob``,
``incorporated``, ``note`` and ``owned_by: [{entity: NAME_OR_REF, share: 51 |
unknown, since: DATE, source: TEXT}]``.

Every row is checked first; any problem is reported with its row number and
nothing is written. The whole file is written in one transaction. Where a
``ref`` is given it is kept as the entity's ``own_ref`` identifier, so that
importing the file again updates those entities instead of adding new ones.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from compliance import settings
from compliance.db import entities_repo as repo
from compliance.db.session import session_scope
from compliance.entities import service
from compliance.errors import ComplianceError, UsageError
from compliance.normalize.text import basic_key, identifier_key

CSV_REQUIRED = ("name", "type")
CSV_COLUMNS = (
    "name",
    "type",
    "country",
    "aliases",
    "identifiers",
    "ref",
    "dob",
    "incorporated",
    "parent",
    "share",
)


class ImportRejected(ComplianceError):
    """A file with bad rows: nothing was imported."""

    exit_code = 4

    def __init__(self, path: Path, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        super().__init__(
            f"{path}: {len(problems)} problem(s); nothing was imported. First: {problems[0]}",
            hint="Correct the rows named and import the file again.",
        )


@dataclass
class Owner:
    entity: str  # name or ref
    share: Decimal | None
    since: date | None = None
    source: str | None = None
    line: int = 0


@dataclass
class Row:
    line: int  # row number: CSV line, or YAML item number (1-based)
    name: str
    entity_type: str
    ref: str | None = None
    countries: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    identifiers: list[tuple[str, str, str | None]] = field(default_factory=list)
    dob: str | None = None
    incorporated: str | None = None
    note: str | None = None
    owners: list[Owner] = field(default_factory=list)


@dataclass
class ImportResult:
    rows: int
    created: int
    updated: int
    relationships: int


# ------------------------------------------------------------------ parsing


def _split(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [str(v).strip() for v in value if str(v).strip()]
    return [part.strip() for part in str(value).split(";") if part.strip()]


def _share(value: Any) -> Decimal | None:
    """A percentage 0..100, or None for unknown (empty or "unknown")."""
    if value is None or str(value).strip().lower() in ("", "unknown", "?"):
        return None
    text = str(value).strip().rstrip("%").strip()
    try:
        share = Decimal(text)
    except InvalidOperation:
        raise UsageError(f"share {value!r} is not a percentage (write e.g. 51, 33.3 or unknown)") from None
    if not Decimal(0) <= share <= Decimal(100):
        raise UsageError(f"share {value!r} must be between 0 and 100")
    return share


def _since(value: Any) -> date | None:
    if value is None or not str(value).strip():
        return None
    if isinstance(value, date):
        return value
    text = str(value).strip()
    try:
        return date.fromisoformat(
            text if len(text) == 10 else f"{text[:4]}-01-01" if len(text) == 4 else text
        )
    except ValueError:
        raise UsageError(f"date {value!r} must be YYYY or YYYY-MM-DD") from None


def _row(line: int, data: dict[str, Any]) -> Row:
    """Validate one entity; raises UsageError with the problem."""
    name = service.check_name(data.get("name"), "name")
    etype = service.check_type(data.get("type"))
    countries_raw = _split(data.get("countries")) + _split(data.get("country"))
    countries = [c for c in (service.check_country(c) for c in countries_raw) if c]
    idents: list[tuple[str, str, str | None]] = []
    raw_ids = data.get("identifiers")
    for item in raw_ids if isinstance(raw_ids, list) else _split(raw_ids):
        if isinstance(item, dict):
            kind, value = service.parse_identifier(f"{item.get('type', '')}:{item.get('value', '')}")
            idents.append((kind, value, service.check_country(item.get("country"))))
        else:
            kind, value = service.parse_identifier(str(item))
            idents.append((kind, value, countries[0] if countries else None))
    ref = str(data["ref"]).strip() if data.get("ref") not in (None, "") else None
    owners: list[Owner] = []
    if data.get("parent") not in (None, ""):
        owners.append(Owner(str(data["parent"]).strip(), _share(data.get("share")), line=line))
    elif data.get("share") not in (None, ""):
        raise UsageError("share is given without a parent")
    owned_by = data.get("owned_by") or []
    if not isinstance(owned_by, list):
        raise UsageError("owned_by must be a list of {entity, share, since, source}")
    for item in owned_by:
        if not isinstance(item, dict) or not str(item.get("entity") or "").strip():
            raise UsageError("each owned_by item needs an entity (a name or ref)")
        owners.append(
            Owner(
                str(item["entity"]).strip(),
                _share(item.get("share")),
                _since(item.get("since")),
                (str(item["source"]) if item.get("source") else None),
                line,
            )
        )
    return Row(
        line=line,
        name=name,
        entity_type=etype,
        ref=ref,
        countries=list(dict.fromkeys(countries)),
        aliases=[service.check_name(a, "alias") for a in _split(data.get("aliases"))],
        identifiers=idents,
        dob=service.check_date(data.get("dob"), "dob"),
        incorporated=service.check_date(
            str(data["incorporated"]) if data.get("incorporated") else None, "incorporated"
        ),
        note=str(data["note"]) if data.get("note") else None,
        owners=owners,
    )


def _read_csv(path: Path, problems: list[str]) -> list[Row]:
    rows: list[Row] = []
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            header = [(h or "").strip().lower() for h in reader.fieldnames or []]
            missing = [c for c in CSV_REQUIRED if c not in header]
            if missing:
                raise UsageError(
                    f"{path}: the first line must name the columns; missing: {', '.join(missing)}",
                    hint=f"Columns: {','.join(CSV_COLUMNS)}",
                )
            unknown = [h for h in header if h and h not in CSV_COLUMNS]
            if unknown:
                problems.append(f"line 1: unknown column(s) {', '.join(unknown)}")
            reader.fieldnames = header
            for data in reader:
                line = reader.line_num
                if None in data:
                    problems.append(f"line {line}: more fields than columns")
                    continue
                if not any((v or "").strip() for v in data.values()):
                    continue
                try:
                    rows.append(_row(line, {k: (v or "").strip() for k, v in data.items()}))
                except UsageError as exc:
                    problems.append(f"line {line}: {exc}")
    except UnicodeDecodeError:
        raise UsageError(f"{path} is not UTF-8 text.") from None
    except csv.Error as exc:
        raise UsageError(f"{path}: not a readable CSV file ({exc}).") from None
    return rows


def _read_yaml(path: Path, problems: list[str]) -> list[Row]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise UsageError(f"{path} is not UTF-8 text.") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise UsageError(f"{path}: not valid YAML{where}.") from None
    if isinstance(data, dict) and isinstance(data.get("entities"), list):
        data = data["entities"]
    if not isinstance(data, list):
        raise UsageError(f"{path}: the YAML file must be a list of entities.")
    rows: list[Row] = []
    for number, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            problems.append(f"entity {number}: not a mapping of name, type, ...")
            continue
        try:
            rows.append(_row(number, item))
        except UsageError as exc:
            problems.append(f"entity {number}: {exc}")
    return rows


def read_file(path: Path) -> tuple[list[Row], list[str]]:
    """The rows of the file and the problems found (nothing is written)."""
    if not path.is_file():
        raise UsageError(f"The file {path} does not exist.")
    problems: list[str] = []
    suffix = path.suffix.lower()
    if suffix == ".csv":
        rows = _read_csv(path, problems)
    elif suffix in (".yml", ".yaml"):
        rows = _read_yaml(path, problems)
    else:
        raise UsageError(f"{path}: import reads .csv, .yml or .yaml files.")
    return rows, problems


# ------------------------------------------------------------------ writing


def _label(row: Row, yaml_file: bool) -> str:
    return f"entity {row.line}" if yaml_file else f"line {row.line}"


def import_file(path: Path, *, actor: str | None = None) -> ImportResult:
    """Import every row of ``path`` in one transaction, or nothing (ImportRejected)."""
    rows, problems = read_file(path)
    yaml_file = path.suffix.lower() != ".csv"
    refs: dict[str, Row] = {}
    names: dict[str, list[Row]] = {}
    for row in rows:
        if row.ref:
            if row.ref in refs:
                other = _label(refs[row.ref], yaml_file)
                problems.append(f"{_label(row, yaml_file)}: ref {row.ref!r} is also used by {other}")
            refs[row.ref] = row
        names.setdefault(basic_key(row.name), []).append(row)
    if not rows and not problems:
        raise UsageError(f"{path} holds no entities.")
    who = actor or settings.ACTOR
    with session_scope() as session:
        # Where each row goes: an existing entity (same ref imported before) or a new one.
        existing: dict[int, int] = {}
        for row in rows:
            if row.ref:
                found = repo.ids_by_identifier(session, repo.OWN_REF_TYPE, identifier_key(row.ref))
                if len(found) > 1:
                    problems.append(f"{_label(row, yaml_file)}: ref {row.ref!r} is held by several entities")
                elif found:
                    existing[row.line] = found[0]
        # Owners: a row of this file (by ref, then by name), else an entity already recorded.
        owner_of: dict[tuple[int, int], tuple[Row | None, int | None]] = {}
        for row in rows:
            for k, owner in enumerate(row.owners):
                target: tuple[Row | None, int | None] | None = None
                if owner.entity in refs:
                    target = (refs[owner.entity], None)
                elif len(names.get(basic_key(owner.entity), [])) == 1:
                    target = (names[basic_key(owner.entity)][0], None)
                elif len(names.get(basic_key(owner.entity), [])) > 1:
                    problems.append(
                        f"{_label(row, yaml_file)}: owner {owner.entity!r} names several rows of the file; "
                        "use its ref"
                    )
                    continue
                else:
                    by_ref = repo.ids_by_identifier(session, repo.OWN_REF_TYPE, identifier_key(owner.entity))
                    by_name = by_ref or repo.ids_by_normalized_name(session, basic_key(owner.entity))
                    if len(by_name) == 1:
                        target = (None, by_name[0])
                    elif by_name:
                        problems.append(
                            f"{_label(row, yaml_file)}: owner {owner.entity!r} names {len(by_name)} recorded "
                            "entities; give a ref or an entity of this file"
                        )
                        continue
                    else:
                        problems.append(
                            f"{_label(row, yaml_file)}: owner {owner.entity!r} is neither a row of this file "
                            "nor a recorded entity"
                        )
                        continue
                if target[0] is row:
                    problems.append(f"{_label(row, yaml_file)}: an entity cannot own itself")
                    continue
                owner_of[(row.line, k)] = target
        if problems:
            raise ImportRejected(path, problems)

        created = updated = relationships = 0
        ids: dict[int, int] = {}
        for row in rows:
            eid = existing.get(row.line)
            if eid is None:
                eid = repo.create_entity(session, row.entity_type, row.name, origin="own", notes=row.note)
                created += 1
            else:
                repo.update_entity(session, eid, entity_type=row.entity_type, name=row.name, notes=row.note)
                updated += 1
            ids[row.line] = eid
            repo.add_name(session, eid, row.name, "primary")
            for alias in row.aliases:
                repo.add_name(session, eid, alias, "aka")
            if row.ref:
                repo.add_identifier(
                    session, eid, repo.OWN_REF_TYPE, row.ref, None, "reference in an import file"
                )
            for kind, value, country in row.identifiers:
                repo.add_identifier(session, eid, kind, value, country)
            for code in row.countries:
                repo.add_country(session, eid, code, service.country_relation(row.entity_type))
            if row.dob:
                repo.add_date(session, eid, "birth", row.dob)
            if row.incorporated:
                repo.add_date(session, eid, "incorporation", row.incorporated)
        for row in rows:
            for k, owner in enumerate(row.owners):
                other_row, other_id = owner_of[(row.line, k)]
                subject = ids[other_row.line] if other_row is not None else other_id
                assert subject is not None
                repo.upsert_relationship(
                    session,
                    subject,
                    ids[row.line],
                    "ownership",
                    share_pct=owner.share,
                    since=owner.since,
                    source=owner.source or f"import {path.name}",
                )
                relationships += 1
        session.flush()
        for row in rows:
            repo.record_audit(
                session,
                who,
                "entity.import",
                ids[row.line],
                {"file": str(path), "row": row.line, "ref": row.ref, "name": row.name},
            )
    return ImportResult(len(rows), created, updated, relationships)
