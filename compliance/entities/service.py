"""Entities: record, show, search, merge and unmerge.

Every change is one transaction and leaves an audit record. A merge of B into
A only sets ``B.merged_into_id = A``: B's facts stay attached to B, views of A
read the whole group, and ``unmerge`` restores B exactly as it was.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from compliance import settings
from compliance.db import entities_repo as repo
from compliance.db.session import session_scope
from compliance.errors import ComplianceError, NotFoundError, UsageError
from compliance.normalize.countries import country_code
from compliance.normalize.text import basic_key, identifier_key

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from compliance.matching.engine import Matcher

ENTITY_TYPES = ("company", "person", "organization", "vessel", "aircraft")
NAME_KINDS = ("aka", "fka")
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
# Results of `entity search` when the engine is used: the lowest score shown.
# Lower than screening's threshold: a search is for finding, partial names included.
SEARCH_THRESHOLD = 0.50


class AmbiguousEntityError(ComplianceError):
    """A name given for an entity matches several entities in force."""

    def __init__(self, text: str, candidates: Sequence[repo.Candidate]) -> None:
        self.text = text
        self.candidates = list(candidates)
        listed = "; ".join(f"#{c.id} {c.name}" for c in self.candidates[:5])
        more = f" and {len(self.candidates) - 5} more" if len(self.candidates) > 5 else ""
        super().__init__(
            f"{text!r} names {len(self.candidates)} entities: {listed}{more}",
            hint="Give the entity's id instead (the number after #).",
        )


# ---------------------------------------------------------------- validation


def check_type(entity_type: str | None) -> str:
    kind = (entity_type or "").strip().lower()
    if kind not in ENTITY_TYPES:
        raise UsageError(f"Unknown entity type {entity_type!r}: use {', '.join(ENTITY_TYPES)}.")
    return kind


def check_country(text: str | None) -> str | None:
    if text is None or not text.strip():
        return None
    stripped = text.strip()
    code = country_code(stripped.upper() if len(stripped) == 2 else stripped)
    if code is None:
        raise UsageError(f"Unknown country {text!r}: give an ISO code such as CN or a country name.")
    return code


def check_date(text: str | None, what: str) -> str | None:
    if text is None or not str(text).strip():
        return None
    value = str(text).strip()
    if not _DATE.match(value):
        raise UsageError(f"{what} {value!r} must be YYYY, YYYY-MM or YYYY-MM-DD.")
    if len(value) == 10:
        try:
            date.fromisoformat(value)
        except ValueError:
            raise UsageError(f"{what} {value!r} is not a real date.") from None
    return value


def parse_identifier(text: str) -> tuple[str, str]:
    """ "TYPE:VALUE" -> (type, value); the type is lower-cased."""
    kind, sep, value = (text or "").partition(":")
    if not sep or not kind.strip() or not value.strip():
        raise UsageError(
            f"Identifier {text!r} must be written TYPE:VALUE, e.g. registration:914403001922038216."
        )
    if not identifier_key(value):
        raise UsageError(f"Identifier {text!r} has no letters or digits in its value.")
    return kind.strip().lower()[:40], value.strip()


def check_name(name: str | None, what: str = "name") -> str:
    value = " ".join((name or "").split())
    if not basic_key(value):
        raise UsageError(f"The {what} is empty.")
    if len(value) > 1000:
        raise UsageError(f"The {what} is {len(value):,} characters long; at most 1,000 are kept.")
    return value


def country_relation(entity_type: str) -> str:
    return "nationality" if entity_type == "person" else "jurisdiction"


# --------------------------------------------------------------- find one


def find_entity(session: Session, text: str) -> int:
    """The entity in force that ``text`` designates: an id, or an exact (normalised) name."""
    stripped = (text or "").strip().lstrip("#")
    if stripped.isdigit():
        if repo.get_entity(session, int(stripped)) is None:
            raise NotFoundError("entity with id", stripped, hint="See: compliance entity search NAME")
        return int(stripped)
    key = basic_key(text or "")
    if not key:
        raise UsageError("The entity to look up is empty: give an id or a name.")
    # A name that is the primary name of one entity only designates it, even
    # when other entities carry it as an alias; otherwise every holder is a candidate.
    primary = repo.ids_by_normalized_name(session, key, primary_only=True)
    if len(primary) == 1:
        return primary[0]
    ids = repo.ids_by_normalized_name(session, key)
    if not ids:
        raise NotFoundError(
            "entity named",
            text.strip(),
            hint=f"Names must match exactly; try: compliance entity search {text!r}",
        )
    if len(ids) > 1:
        raise AmbiguousEntityError(text.strip(), repo.describe(session, ids))
    return ids[0]


# ------------------------------------------------------------------- record


def add_entity(
    name: str,
    entity_type: str,
    *,
    country: str | None = None,
    aliases: Iterable[str] = (),
    identifiers: Iterable[str] = (),
    dob: str | None = None,
    incorporated: str | None = None,
    note: str | None = None,
    actor: str | None = None,
) -> int:
    """Record an entity of our own (origin "own"); returns its id."""
    name = check_name(name)
    kind = check_type(entity_type)
    code = check_country(country)
    alias_values = [check_name(a, "alias") for a in aliases]
    idents = [parse_identifier(i) for i in identifiers]
    birth = check_date(dob, "Date of birth")
    founded = check_date(incorporated, "Date of incorporation")
    with session_scope() as session:
        eid = repo.create_entity(session, kind, name, origin="own", notes=note)
        repo.add_name(session, eid, name, "primary")
        for alias in alias_values:
            repo.add_name(session, eid, alias, "aka")
        for id_type, value in idents:
            repo.add_identifier(session, eid, id_type, value, code)
        if code:
            repo.add_country(session, eid, code, country_relation(kind))
        if birth:
            repo.add_date(session, eid, "birth", birth)
        if founded:
            repo.add_date(session, eid, "incorporation", founded)
        repo.record_audit(
            session,
            actor or settings.ACTOR,
            "entity.add",
            eid,
            {"name": name, "type": kind, "country": code, "note": note},
        )
    return eid


def add_alias(entity: str, name: str, kind: str = "aka", *, actor: str | None = None) -> tuple[int, bool]:
    value = check_name(name, "alias")
    kind = (kind or "aka").strip().lower()
    if kind not in NAME_KINDS:
        raise UsageError(f"Unknown kind of alias {kind!r}: use aka or fka.")
    with session_scope() as session:
        eid = find_entity(session, entity)
        added = repo.add_name(session, eid, value, kind)
        if added:
            repo.record_audit(
                session, actor or settings.ACTOR, "entity.alias", eid, {"name": value, "kind": kind}
            )
    return eid, added


def add_identifier(
    entity: str, id_type: str, value: str, country: str | None = None, *, actor: str | None = None
) -> tuple[int, bool]:
    kind, clean = parse_identifier(f"{id_type}:{value}")
    code = check_country(country)
    with session_scope() as session:
        eid = find_entity(session, entity)
        added = repo.add_identifier(session, eid, kind, clean, code)
        if added:
            repo.record_audit(
                session,
                actor or settings.ACTOR,
                "entity.identifier",
                eid,
                {"type": kind, "value": clean, "country": code},
            )
    return eid, added


# ------------------------------------------------------------------- merges


@dataclass(frozen=True)
class MergeResult:
    target_id: int
    target_name: str
    merged_id: int
    merged_name: str


def merge_in_session(
    session: Session,
    target_id: int,
    merged_id: int,
    *,
    actor: str,
    note: str | None,
    kind: str = "manual",
    evidence: dict[str, Any] | None = None,
) -> MergeResult:
    """Merge ``merged_id`` into ``target_id`` (both entities in force); the caller owns the transaction."""
    target = repo.get_entity(session, target_id)
    merged = repo.get_entity(session, merged_id)
    if target is None:
        raise NotFoundError("entity with id", str(target_id))
    if merged is None:
        raise NotFoundError("entity with id", str(merged_id))
    if target_id == merged_id:
        raise UsageError("An entity cannot be merged into itself.")
    if target.merged_into_id is not None:
        root = repo.root_of(session, target_id)
        raise UsageError(
            f"Entity #{target_id} is itself merged into #{root}.", hint=f"Merge into #{root} instead."
        )
    if merged.merged_into_id is not None:
        raise UsageError(
            f"Entity #{merged_id} is already merged into #{merged.merged_into_id}.",
            hint=f"Undo that first: compliance entity unmerge {merged_id}",
        )
    repo.set_merged_into(session, merged_id, target_id)
    repo.record_audit(
        session,
        actor,
        "entity.merge",
        target_id,
        {
            "target": target_id,
            "target_name": target.name,
            "merged": merged_id,
            "merged_name": merged.name,
            "kind": kind,
            "note": note,
            "evidence": evidence or {},
        },
    )
    return MergeResult(target_id, target.name, merged_id, merged.name)


def merge(target: str, merged: str, *, note: str | None = None, actor: str | None = None) -> MergeResult:
    """Merge entity ``merged`` (B) into ``target`` (A). Nothing is deleted."""
    with session_scope() as session:
        a = find_entity(session, target)
        b = find_entity(session, merged)
        return merge_in_session(session, a, b, actor=actor or settings.ACTOR, note=note)


def unmerge(merged: str, *, note: str | None = None, actor: str | None = None) -> MergeResult:
    """Undo the merge of ``merged`` (by id: a merged entity's names resolve to its target)."""
    stripped = (merged or "").strip().lstrip("#")
    if not stripped.isdigit():
        raise UsageError(
            "Give the id of the merged entity to unmerge (names lead to the entity it was merged into).",
            hint="compliance entity show NAME lists the merged entities with their ids.",
        )
    eid = int(stripped)
    with session_scope() as session:
        row = repo.get_entity(session, eid)
        if row is None:
            raise NotFoundError("entity with id", stripped)
        if row.merged_into_id is None:
            raise UsageError(f"Entity #{eid} ({row.name}) is not merged into another entity.")
        target = repo.get_entity(session, row.merged_into_id)
        assert target is not None
        repo.set_merged_into(session, eid, None)
        repo.record_audit(
            session,
            actor or settings.ACTOR,
            "entity.unmerge",
            target.id,
            {
                "target": target.id,
                "target_name": target.name,
                "merged": eid,
                "merged_name": row.name,
                "note": note,
            },
        )
    return MergeResult(target.id, target.name, eid, row.name)


# --------------------------------------------------------------------- show


@dataclass(frozen=True)
class EntityView:
    """One screen about an entity: the facts of its group, and how it was asked for."""

    asked: str
    redirected_from: int | None  # the merged entity asked for, shown through its target
    facts: repo.EntityFacts


def show(entity: str) -> EntityView:
    with session_scope() as session:
        eid = find_entity(session, entity)
        root = repo.root_of(session, eid)
        facts = repo.entity_facts(session, root)
    return EntityView(entity, eid if eid != root else None, facts)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def view_record(view: EntityView) -> dict[str, Any]:
    """The view as plain JSON data; an unknown share is written as null with ``share_known`` false."""
    data: dict[str, Any] = _plain(asdict(view.facts))
    for key in ("owners", "owned", "other_relationships"):
        for rel in data[key]:
            rel["share_known"] = rel["share_pct"] is not None
    data["asked"] = view.asked
    data["redirected_from"] = view.redirected_from
    return data


def share_text(share: Decimal | None) -> str:
    """A share for people: "51%", "33.3333%", or "unknown" (never 0 for unknown)."""
    if share is None:
        return "unknown"
    return f"{share.normalize():f}%"


# ------------------------------------------------------------------- search


@dataclass(frozen=True)
class SearchHit:
    entity_id: int
    name: str
    entity_type: str
    origin: str
    matched_name: str
    score: float | None
    band: str | None
    lists: list[str] = field(default_factory=list)


def engine() -> type[Matcher] | None:
    """The screening engine's Matcher, or None when it cannot be imported."""
    try:
        from compliance.matching.engine import Matcher
    except ImportError:
        return None
    return Matcher


def profile_entries(profiles: Iterable[repo.GroupProfile]) -> Iterable[Any]:
    """Index entries for entities in force: one per name, keyed by the entity (as "designation")."""
    from compliance.matching.types import IndexEntry

    for prof in profiles:
        known = [t for t in sorted(prof.types) if t != "unknown"]
        etype = prof.entity_type if prof.entity_type != "unknown" else (known[0] if known else "unknown")
        idents = tuple(sorted({key for t, key, _c in prof.identifiers if t != repo.OWN_REF_TYPE and key}))
        source = sorted(prof.lists, key=lambda x: (x[0], x[1] or ""))[0][0] if prof.lists else "own"
        for value, kind in dict.fromkeys(prof.names):
            yield IndexEntry(
                entity_id=prof.root_id,
                designation_id=prof.root_id,
                source=source,
                ref=str(prof.root_id),
                name=value,
                name_kind=kind if kind in ("primary", "aka", "fka", "nka") else "aka",
                weak=False,
                entity_type=etype,
                countries=frozenset(prof.countries),
                birth_dates=tuple(dict.fromkeys(prof.birth_dates)),
                identifiers=idents,
            )


def _entity_matcher(session: Session, matcher_cls: type[Matcher]) -> Matcher:
    """A matcher over every entity in force, cached on disk until an entity changes."""
    blob = json.dumps([settings.database_url(), repo.fingerprint(session), matcher_cls.ALGORITHM])
    folder = settings.DATA_DIR / "index"
    path = folder / f"entities-{hashlib.sha256(blob.encode()).hexdigest()[:20]}.idx"
    if path.exists():
        try:
            return matcher_cls.load(path)
        except Exception:  # a damaged or outdated file is rebuilt, never trusted
            path.unlink(missing_ok=True)
    matcher = matcher_cls.build(profile_entries(repo.group_profiles(session).values()))
    folder.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(f".tmp{os.getpid()}")
    matcher.save(temporary)
    os.replace(temporary, path)
    for old in folder.glob("entities-*.idx"):
        if old != path:
            old.unlink(missing_ok=True)
    return matcher


def search(text: str, entity_type: str | None = None, limit: int = 10) -> tuple[list[SearchHit], str]:
    """Entities whose names match ``text``: by the screening engine, else by normalised substring.

    Returns the hits and the method used ("engine" or "substring").
    """
    name = check_name(text, "text to search")
    kind = None if entity_type in (None, "", "any") else check_type(entity_type)
    if limit < 1:
        raise UsageError("--limit must be at least 1.")
    matcher_cls = engine()
    with session_scope() as session:
        if matcher_cls is not None:
            from compliance.matching.types import Query

            matcher = _entity_matcher(session, matcher_cls)
            hits = matcher.screen(Query(name=name, entity_type=kind), threshold=SEARCH_THRESHOLD, limit=limit)
            found: list[tuple[int, str, float | None, str | None]] = [
                (h.entry.entity_id, h.entry.name, h.score, h.band) for h in hits
            ]
            method = "engine"
            if len(found) < limit:
                # Partial names ("huawei") score low against long ones: add substring matches.
                seen = {f[0] for f in found}
                for eid, value in repo.substring_search(session, basic_key(name), kind, limit):
                    if eid not in seen and len(found) < limit:
                        found.append((eid, value, None, None))
        else:
            found = [
                (eid, value, None, None)
                for eid, value in repo.substring_search(session, basic_key(name), kind, limit)
            ]
            method = "substring"
        described = {c.id: c for c in repo.describe(session, [f[0] for f in found])}
    results = [
        SearchHit(
            eid,
            described[eid].name,
            described[eid].entity_type,
            described[eid].origin,
            matched,
            score,
            band,
            described[eid].lists,
        )
        for eid, matched, score, band in found
        if eid in described
    ]
    return results, method


# ------------------------------------------------- own records to list entries

# Entity types that can name the same company.
_COMPANY_TYPES = {"company", "organization", "unknown"}


def own_entity_named(name: str) -> int:
    """The entity recorded in-house (origin "own") under exactly this name."""
    with session_scope() as session:
        ids = [
            i
            for i in repo.ids_by_normalized_name(session, basic_key(name))
            if (row := repo.get_entity(session, i)) is not None and row.origin == "own"
        ]
    if len(ids) != 1:
        raise NotFoundError("entity of your own named", name)
    return ids[0]


def attach_list_entries(
    entity_id: int, *, note: str, names: Iterable[str] = (), actor: str | None = None
) -> list[int]:
    """Merge into an own entity the list entries (current or past) that carry exactly its name.

    Only exact matches of the normalised name (the entity's name and the
    ``names`` given, of at least two words) on entities of a compatible type
    are merged; each merge is recorded in the audit log as a resolution and
    can be undone with ``compliance entity unmerge``. Returns the ids merged.
    """
    actor = actor or settings.ACTOR
    merged: list[int] = []
    with session_scope() as session:
        target = repo.root_of(session, entity_id)
        row = repo.get_entity(session, target)
        assert row is not None
        keys = {basic_key(row.name)} | {basic_key(n) for n in names if len(basic_key(n).split()) >= 2}
        for key in sorted(k for k in keys if k):
            for candidate in repo.ids_by_normalized_name(session, key):
                other = repo.get_entity(session, candidate)
                if other is None or candidate == target or other.origin != "list":
                    continue
                same_kind = other.entity_type == row.entity_type or (
                    row.entity_type in _COMPANY_TYPES and other.entity_type in _COMPANY_TYPES
                )
                if not same_kind:
                    continue
                merge_in_session(
                    session,
                    target,
                    candidate,
                    actor=actor,
                    note=note,
                    kind="resolution",
                    evidence={"rule": "exact normalised name", "name": key},
                )
                merged.append(candidate)
    return merged
