"""Ongoing monitoring: the watchlist, re-screening on list changes, and alerts.

How it works
------------
* Watching a counterparty (``watch_add``, ``watch_import``) screens it at once
  against every list in force (onboarding screening), in the same transaction
  that records it: a counterparty is never watched without having been screened.
* After a list version is loaded, ``run`` re-screens every watched
  counterparty against the entries that the versions loaded since the last
  monitoring run added, changed or relisted (the diff), and against nothing
  else. It builds a small index of those entries, screens every counterparty
  against it with a margin below the threshold (``PREFILTER_MARGIN``), then
  scores each candidate pair against the full index in force, so an alert's
  score is exactly the score ``compliance screen`` gives.
* The watermark is the last list version (snapshot id) a monitoring run
  covered, stored with that run (``screening_runs``, kind "monitor"). A list
  version counts for a counterparty only when it was loaded after the
  counterparty was added: earlier versions were covered by its onboarding.
* Enforcement actions and adverse-media mentions linked to a watched entity, or
  to any entity that owns it (directly or through a chain), raise alerts too.
  Every run looks at all of them; deduplication makes that cheap and also
  catches links confirmed late.
* One alert per (counterparty, designation / action / mention), ever, unless
  an officer decided it was a false positive and the data on either side has
  changed since (``Alert.fingerprint``): then a new alert says what changed.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from compliance import settings
from compliance.db import entities_repo, lists_repo, ownership_repo, screening_repo
from compliance.db import monitoring_repo as repo
from compliance.db.monitoring_repo import AlertKey, CounterpartyRow
from compliance.db.session import session_scope
from compliance.entities.service import find_entity
from compliance.errors import ComplianceError, ListDataError, NotFoundError, UsageError
from compliance.graph.model import Edge, OwnershipGraph
from compliance.graph.ownership import upstream
from compliance.lists.lock import refresh_lock
from compliance.matching.engine import Matcher
from compliance.matching.types import Hit, IndexEntry, Query
from compliance.normalize.text import basic_key
from compliance.screening.service import hit_record, load_matcher, make_query

# Screening threshold for alerts: the engine's default (see compliance.matching.engine).
THRESHOLD = Matcher.DEFAULT_THRESHOLD
# The diff-only index scores token rarity among the new entries only, so a
# pair is kept as a candidate from this much below the threshold and then
# scored against the full index in force.
PREFILTER_MARGIN = 0.10
# Hits kept per counterparty and screening.
HITS_PER_COUNTERPARTY = 10
# Queries screened between two progress updates (and per fork of worker processes).
_CHUNK = 1000
_PARALLEL_CHUNK = 10_000
# From this many counterparties, screening forks two worker processes (on two cores or more).
PARALLEL_FROM = 20_000
# Most bad rows named in an import's error message.
_MAX_PROBLEMS_SHOWN = 10

ProgressFn = Callable[[int, int], None]


# ------------------------------------------------------------------ results


@dataclass
class AlertCounts:
    new: list[int] = field(default_factory=list)
    returned: int = 0  # of new: came back after a false positive, data changed
    suppressed: int = 0  # a false positive on the same unchanged data
    already: int = 0  # an alert exists (open, escalated or a true match)


@dataclass
class WatchResult:
    counterparty: CounterpartyRow
    status: str  # added | updated | unchanged | reactivated
    entity_name: str | None
    screened: bool
    alerts: AlertCounts


@dataclass
class ImportResult:
    rows: int
    added: int
    updated: int
    unchanged: int
    screened: int
    alerts: AlertCounts
    lists_loaded: bool


@dataclass
class MonitorResult:
    ran: bool
    watched: int = 0
    screened: int = 0
    reachable: int = 0  # of screened: sharing some key with the new entries (see Matcher.can_reach)
    entries: int = 0
    snapshots: list[str] = field(default_factory=list)
    alerts: AlertCounts = field(default_factory=AlertCounts)
    run_id: int | None = None


# ------------------------------------------------------------------ helpers


def _digest(data: Any) -> str:
    blob = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def counterparty_digest(cp: CounterpartyRow) -> str:
    return _digest(cp.data())


def fingerprint(cp: CounterpartyRow, target_digest: str) -> str:
    """The digest of the data on both sides of an alert (64 hex characters)."""
    return _digest([counterparty_digest(cp), target_digest])


def query_for(cp: CounterpartyRow) -> Query:
    return make_query(cp.name, cp.entity_type, cp.country, cp.dob)


def _checked(name: str, entity_type: str | None, country: str | None, dob: str | None) -> dict[str, Any]:
    """Validated, normalised facts of a counterparty; UsageError names the bad field."""
    query = make_query(name, entity_type, country, dob)
    return {"name": query.name, "entity_type": query.entity_type, "country": query.country, "dob": query.dob}


def _lists_loaded() -> bool:
    with session_scope() as session:
        return bool(lists_repo.list_versions(session))


def _screen(
    matcher: Matcher,
    queries: Sequence[Query],
    threshold: float,
    progress: ProgressFn | None,
) -> list[list[Hit]]:
    workers = 2 if len(queries) >= PARALLEL_FROM and (os.cpu_count() or 1) >= 2 else 1
    step = _PARALLEL_CHUNK if workers > 1 else _CHUNK
    out: list[list[Hit]] = []
    for start in range(0, len(queries), step):
        part = queries[start : start + step]
        out.extend(matcher.screen_many(part, threshold, HITS_PER_COUNTERPARTY, workers=workers))
        if progress:
            progress(len(out), len(queries))
    return out


@dataclass
class _Candidate:
    cp: CounterpartyRow
    kind: str  # list_hit | enforcement | news
    target_id: int
    entity_id: int | None
    snapshot_id: int | None
    matched_name: str | None
    score: float | None
    reason: str
    target_digest: str
    hit: dict[str, Any] | None = None


def _hit_candidates(
    session: Session,
    pairs: Sequence[tuple[CounterpartyRow, Hit, int | None]],
    why: str,
) -> list[_Candidate]:
    info = repo.designations(session, [hit.entry.designation_id for _, hit, _ in pairs])
    out = []
    for cp, hit, snapshot_id in pairs:
        designation = info[hit.entry.designation_id]
        out.append(
            _Candidate(
                cp,
                "list_hit",
                designation.id,
                hit.entry.entity_id,
                snapshot_id,
                hit.entry.name,
                round(hit.score, 4),
                f"{why}: {hit.explanation}",
                designation.record_hash,
                hit_record(hit),
            )
        )
    return out


def _link_candidates(session: Session, cps: Sequence[CounterpartyRow]) -> list[_Candidate]:
    """Enforcement actions and news mentions linked to a watched entity or to an owner of it."""
    linked = [cp for cp in cps if cp.entity_id is not None]
    if not linked:
        return []
    actions = repo.linked_actions(session)
    mentions = repo.linked_mentions(session)
    if not actions and not mentions:
        return []
    roots = entities_repo.all_roots(session)
    graph = OwnershipGraph.build(
        Edge(t.owner, t.owned, t.share, t.kind, t.since, t.until, t.source, t.id)
        for t in ownership_repo.ties(session)
    )
    by_entity_actions: dict[int, list[repo.LinkedAction]] = {}
    for action in actions:
        by_entity_actions.setdefault(roots.get(action.entity_id, action.entity_id), []).append(action)
    by_entity_mentions: dict[int, list[repo.LinkedMention]] = {}
    for mention in mentions:
        by_entity_mentions.setdefault(roots.get(mention.entity_id, mention.entity_id), []).append(mention)
    names = ownership_repo.names(session, list(by_entity_actions) + list(by_entity_mentions))
    today = date.today()
    out: list[_Candidate] = []
    for cp in linked:
        assert cp.entity_id is not None
        root = roots.get(cp.entity_id, cp.entity_id)
        for eid in sorted(upstream(graph, root, today)):
            via = "" if eid == root else f"; {names.get(eid, f'entity #{eid}')} owns {cp.name}"
            for a in by_entity_actions.get(eid, []):
                amount = f", {a.amount} {a.currency or ''}".rstrip() if a.amount else ""
                out.append(
                    _Candidate(
                        cp,
                        "enforcement",
                        a.id,
                        eid,
                        None,
                        a.respondent,
                        None,
                        f"Enforcement action #{a.id} by {a.authority} ({a.action_type}, "
                        f"{a.action_date or 'date unknown'}{amount}) against {a.respondent}{via}",
                        _digest(asdict(a)),
                    )
                )
            for m in by_entity_mentions.get(eid, []):
                topics = f" [{', '.join(m.categories)}]" if m.categories else ""
                source = " ".join(x for x in (m.outlet, m.published_at) if x) or "undated"
                out.append(
                    _Candidate(
                        cp,
                        "news",
                        m.id,
                        eid,
                        None,
                        m.surface,
                        None,
                        f"News: {m.title or 'article'} ({source}){topics} mentions {m.surface}{via}",
                        _digest(asdict(m)),
                    )
                )
    return out


def _what_changed(session: Session, last_alert_id: int, c: _Candidate) -> str:
    """Why an alert that was decided a false positive comes back: what changed on each side."""
    decided = None
    for row in repo.audit_rows(session, actions=["alert.decided"], object_id=str(last_alert_id)):
        if row.details.get("decision") == "false_positive":
            decided = row
    if decided is None:
        return "the data changed since the decision"
    parts = []
    before = decided.details.get("counterparty") or {}
    now = c.cp.data()
    changes = [
        f"{key} {before.get(key)!r} -> {now.get(key)!r}" for key in now if before.get(key) != now.get(key)
    ]
    if changes:
        parts.append("the counterparty changed: " + ", ".join(changes))
    if decided.details.get("target_digest") != c.target_digest:
        if c.kind == "list_hit":
            fields = repo.designation_changes_since(session, c.target_id, decided.at)
            parts.append("the list entry changed: " + (", ".join(fields) or "its record"))
        else:
            parts.append(f"the {'enforcement action' if c.kind == 'enforcement' else 'article'} changed")
    return "; ".join(parts) or "the data changed since the decision"


def _raise(
    session: Session, candidates: Sequence[_Candidate], versions: dict[str, int], actor: str
) -> AlertCounts:
    """Insert the alerts these candidates deserve (see the module docstring), with audit records."""
    counts = AlertCounts()
    best: dict[AlertKey, _Candidate] = {}
    for c in candidates:
        key = AlertKey(c.cp.id, c.kind, c.target_id)
        if key not in best or (c.score or 0) > (best[key].score or 0):
            best[key] = c
    latest: dict[AlertKey, repo.LastAlert] = {}
    for kind in {key.kind for key in best}:
        latest.update(repo.latest_alerts(session, kind, sorted({k.counterparty_id for k in best})))
    rows: list[dict[str, Any]] = []
    chosen: list[_Candidate] = []
    for key, c in best.items():
        fp = fingerprint(c.cp, c.target_digest)
        reason = c.reason
        last = latest.get(key)
        if last is not None:
            if last.status != "false_positive":
                counts.already += 1
                continue
            if last.fingerprint == fp:
                counts.suppressed += 1
                continue
            counts.returned += 1
            reason = (
                f"{reason}. Back after alert #{last.id} was decided a false positive: "
                f"{_what_changed(session, last.id, c)}"
            )
        rows.append(
            {
                "counterparty_id": c.cp.id,
                "kind": c.kind,
                "entity_id": c.entity_id,
                "designation_id": c.target_id if c.kind == "list_hit" else None,
                "enforcement_id": c.target_id if c.kind == "enforcement" else None,
                "mention_id": c.target_id if c.kind == "news" else None,
                "snapshot_id": c.snapshot_id,
                "matched_name": (c.matched_name or "")[:1000] or None,
                "score": c.score,
                "reason": reason,
                "fingerprint": fp,
            }
        )
        chosen.append(c)
    counts.new = repo.insert_alerts(session, rows)
    repo.add_audit_many(
        session,
        [
            {
                "actor": actor,
                "action": "alert.raised",
                "object_type": "alert",
                "object_id": str(aid),
                "details": {
                    "counterparty_id": c.cp.id,
                    "counterparty_ref": c.cp.ref,
                    "kind": c.kind,
                    "target_id": c.target_id,
                    "score": c.score,
                    "reason": row["reason"],
                    "fingerprint": row["fingerprint"],
                },
                "list_versions": versions or None,
            }
            for aid, c, row in zip(counts.new, chosen, rows, strict=True)
        ],
    )
    return counts


def _save_run(
    session: Session,
    kind: str,
    query: dict[str, Any],
    versions: dict[str, int],
    candidates: Sequence[_Candidate],
    actor: str,
) -> int:
    hits = [
        screening_repo.HitRow(
            c.cp.ref or f"#{c.cp.id}",
            c.entity_id or 0,
            c.target_id,
            c.matched_name or "",
            c.score or 0.0,
            str((c.hit or {}).get("band", "")),
            c.hit or {},
        )
        for c in candidates
        if c.kind == "list_hit"
    ]
    return screening_repo.save_run(
        session,
        actor=actor,
        kind=kind,
        query=query,
        algorithm=Matcher.ALGORITHM,
        threshold=THRESHOLD,
        list_versions=versions,
        hits=hits,
    )


# ---------------------------------------------------------------- watchlist


def find_counterparty(session: Session, text: str) -> CounterpartyRow:
    """A watched counterparty by its reference, or ``#id``."""
    text = (text or "").strip()
    cp = repo.counterparty_by_ref(session, text)
    if cp is None and text.lstrip("#").isdigit():
        cp = repo.counterparty(session, int(text.lstrip("#")))
    if cp is None:
        raise NotFoundError(
            "watched counterparty with reference", text, hint="See: compliance watch list (or use #ID)"
        )
    return cp


def _onboard(
    session: Session,
    cps: Sequence[CounterpartyRow],
    hits: Sequence[list[Hit]] | None,
    versions: dict[str, int],
    actor: str,
    trigger: str,
) -> AlertCounts:
    """Alerts and the recorded run for counterparties just added or changed, screened in full."""
    pairs = [(cp, hit, None) for cp, found in zip(cps, hits or [], strict=False) for hit in found]
    candidates = _hit_candidates(session, pairs, "Onboarding screening") + _link_candidates(session, cps)
    counts = _raise(session, candidates, versions, actor)
    if hits is not None:
        run_id = _save_run(
            session,
            "onboarding",
            {"trigger": trigger, "counterparties": len(cps), "alerts": len(counts.new)},
            versions,
            candidates,
            actor,
        )
        lists_repo.add_audit(
            session,
            actor,
            "screening.onboarding",
            "screening_run",
            str(run_id),
            {"counterparties": len(cps), "hits": len(pairs), "alerts": len(counts.new), "trigger": trigger},
            versions,
        )
    return counts


def _full_screen(
    queries: Sequence[Query], progress: ProgressFn | None
) -> tuple[list[list[Hit]] | None, dict[str, int]]:
    if not queries or not _lists_loaded():
        return None, {}
    matcher, versions, _ = load_matcher()
    return _screen(matcher, queries, THRESHOLD, progress), versions


def watch_add(
    text: str,
    *,
    ref: str | None = None,
    entity_type: str | None = None,
    country: str | None = None,
    dob: str | None = None,
    actor: str | None = None,
) -> WatchResult:
    """Watch a counterparty (a name, or an entity id / exact entity name) and screen it at once."""
    actor = actor or settings.ACTOR
    ref = (ref or "").strip() or None
    entity_id: int | None = None
    entity_name: str | None = None
    with session_scope() as session:
        try:
            entity_id = find_entity(session, text)
        except ComplianceError:
            entity_id = None  # a plain name, not one of our entities
        if entity_id is not None:
            entity = entities_repo.get_entity(session, entity_id)
            assert entity is not None
            entity_name = entity.name
            if entity_type is None and entity.entity_type in ("person", "company", "organization", "vessel"):
                entity_type = entity.entity_type
    facts = _checked(entity_name or text, entity_type, country, dob) | {"entity_id": entity_id}
    with session_scope() as session:
        existing = repo.counterparty_by_ref(session, ref) if ref else None
        if existing is None and ref is None:
            existing = repo.counterparty_without_ref(session, facts["name"], entity_id)
    before = existing.data() if existing else None
    after = {
        "name": facts["name"],
        "type": facts["entity_type"],
        "country": facts["country"],
        "dob": facts["dob"],
        "entity_id": entity_id,
    }
    if existing is not None and existing.active and before == after:
        return WatchResult(existing, "unchanged", entity_name, False, AlertCounts())
    query = make_query(facts["name"], facts["entity_type"], facts["country"], facts["dob"])
    hits, versions = _full_screen([query], None)
    with session_scope() as session:
        if existing is None:
            (cid,) = repo.insert_counterparties(session, [facts | {"ref": ref}])
            status = "added"
        else:
            cid = existing.id
            repo.update_counterparty(session, cid, facts | {"active": True})
            status = "updated" if existing.active else "reactivated"
        cp = repo.counterparty(session, cid)
        assert cp is not None
        lists_repo.add_audit(
            session,
            actor,
            f"watch.{status}",
            "watched_counterparty",
            str(cid),
            {"ref": ref, "before": before, "after": after},
            versions or None,
        )
        counts = _onboard(session, [cp], hits, versions, actor, f"watch {status}")
    return WatchResult(cp, status, entity_name, hits is not None, counts)


@dataclass(frozen=True)
class _ImportRow:
    line: int
    ref: str
    facts: dict[str, Any]


def _read_import(path: Path) -> list[_ImportRow]:
    """Every row of a watchlist CSV; any bad row stops the import (all-or-nothing)."""
    if not path.is_file():
        raise UsageError(f"The watchlist file {path} does not exist.")
    rows: list[_ImportRow] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            header = [(h or "").strip().lower() for h in reader.fieldnames or []]
            if "ref" not in header or "name" not in header:
                raise ListDataError(
                    str(path), "the first line must name the columns, with at least ref and name"
                )
            reader.fieldnames = header
            for row in reader:
                line = reader.line_num
                if None in row:
                    problems.append(f"row {line}: more fields than columns")
                    continue
                ref = (row.get("ref") or "").strip()
                if not ref:
                    problems.append(f"row {line}: the ref (your customer id) is empty")
                    continue
                if ref in seen:
                    problems.append(f"row {line}: ref {ref!r} already on row {seen[ref]}")
                    continue
                seen[ref] = line
                try:
                    facts = _checked(
                        row.get("name") or "", row.get("type"), row.get("country"), row.get("dob")
                    )
                except UsageError as exc:
                    problems.append(f"row {line}: {exc}")
                    continue
                rows.append(_ImportRow(line, ref, facts))
    except UnicodeDecodeError:
        raise ListDataError(str(path), "the file is not UTF-8 text; nothing was imported") from None
    except csv.Error as exc:
        raise ListDataError(
            str(path), f"the file is not readable CSV ({exc}); nothing was imported"
        ) from None
    if problems:
        shown = "; ".join(problems[:_MAX_PROBLEMS_SHOWN])
        more = (
            f"; and {len(problems) - _MAX_PROBLEMS_SHOWN:,} more"
            if len(problems) > _MAX_PROBLEMS_SHOWN
            else ""
        )
        raise ListDataError(
            str(path),
            f"{len(problems):,} row(s) cannot be used, so nothing was imported: {shown}{more}",
            hint="Correct those rows and import the file again; "
            "refs already watched are updated, not doubled.",
        )
    if not rows:
        raise ListDataError(str(path), "the file holds no counterparties; nothing was imported")
    return rows


def watch_import(path: Path, *, actor: str | None = None, progress: ProgressFn | None = None) -> ImportResult:
    """Watch every row of a CSV (ref,name[,type,country,dob]) and screen the new or changed ones.

    All-or-nothing: a bad row imports nothing and is named by its row number.
    A ref already watched is updated (and screened again) when its facts differ.
    """
    actor = actor or settings.ACTOR
    rows = _read_import(path)
    with session_scope() as session:
        existing = repo.counterparties_by_refs(session, [r.ref for r in rows])
        # A name that is exactly the primary name of one of our entities is linked to it,
        # so that its enforcement actions, news and owners are monitored too.
        named = repo.entities_named(session, [basic_key(r.facts["name"]) for r in rows])
    links = {r.ref: ids[0] for r in rows if len(ids := named.get(basic_key(r.facts["name"]), [])) == 1}
    rows = [_ImportRow(r.line, r.ref, r.facts | {"entity_id": links.get(r.ref)}) for r in rows]
    fresh: list[_ImportRow] = []
    changed: list[tuple[_ImportRow, CounterpartyRow]] = []
    unchanged = 0
    for r in rows:
        cp = existing.get(r.ref)
        if cp is None:
            fresh.append(r)
            continue
        now = {"name": r.facts["name"], "type": r.facts["entity_type"], "country": r.facts["country"]}
        now |= {"dob": r.facts["dob"], "entity_id": r.facts["entity_id"]}
        if cp.active and cp.data() == now:
            unchanged += 1
        else:
            changed.append((r, cp))
    todo = fresh + [r for r, _ in changed]
    queries = [
        make_query(r.facts["name"], r.facts["entity_type"], r.facts["country"], r.facts["dob"]) for r in todo
    ]
    hits, versions = _full_screen(queries, progress)
    with session_scope() as session:
        new_ids = repo.insert_counterparties(session, [r.facts | {"ref": r.ref} for r in fresh])
        for r, cp in changed:
            repo.update_counterparty(session, cp.id, r.facts | {"active": True})
        ids = new_ids + [cp.id for _, cp in changed]
        by_id = {cp.id: cp for cp in repo.counterparties_by_ids(session, ids)}
        cps = [by_id[i] for i in ids]
        audits = [
            {
                "actor": actor,
                "action": "watch.added",
                "object_type": "watched_counterparty",
                "object_id": str(cid),
                "details": {"ref": r.ref, "before": None, "after": by_id[cid].data(), "file": str(path)},
                "list_versions": versions or None,
            }
            for r, cid in zip(fresh, new_ids, strict=True)
        ] + [
            {
                "actor": actor,
                "action": "watch.updated" if cp.active else "watch.reactivated",
                "object_type": "watched_counterparty",
                "object_id": str(cp.id),
                "details": {
                    "ref": r.ref,
                    "before": cp.data(),
                    "after": by_id[cp.id].data(),
                    "file": str(path),
                },
                "list_versions": versions or None,
            }
            for r, cp in changed
        ]
        repo.add_audit_many(session, audits)
        lists_repo.add_audit(
            session,
            actor,
            "watch.imported",
            "file",
            str(path),
            {"rows": len(rows), "added": len(fresh), "updated": len(changed), "unchanged": unchanged},
            versions or None,
        )
        counts = _onboard(session, cps, hits, versions, actor, f"watch import {path.name}")
    return ImportResult(
        len(rows), len(fresh), len(changed), unchanged, len(todo) if hits else 0, counts, bool(versions)
    )


def watch_list(include_removed: bool = False) -> list[CounterpartyRow]:
    with session_scope() as session:
        return repo.counterparties(session, include_removed=include_removed)


def watch_remove(text: str, *, actor: str | None = None, note: str | None = None) -> CounterpartyRow:
    """Stop watching a counterparty; its alerts and history stay."""
    actor = actor or settings.ACTOR
    with session_scope() as session:
        cp = find_counterparty(session, text)
        if not cp.active:
            raise UsageError(f"{cp.name} ({cp.ref or f'#{cp.id}'}) is not watched any more.")
        repo.remove_counterparty(session, cp.id)
        lists_repo.add_audit(
            session,
            actor,
            "watch.removed",
            "watched_counterparty",
            str(cp.id),
            {"ref": cp.ref, "name": cp.name, "note": note},
            lists_repo.list_versions(session) or None,
        )
    return cp


# ------------------------------------------------------------ monitoring


def run(
    *, trigger: str = "on demand", actor: str | None = None, progress: ProgressFn | None = None
) -> MonitorResult:
    """Re-screen every watched counterparty against what changed since the last run (under the list lock)."""
    with refresh_lock():
        return _run(trigger, actor or settings.ACTOR, progress)


def _run(trigger: str, actor: str, progress: ProgressFn | None) -> MonitorResult:
    with session_scope() as session:
        cps = repo.counterparties(session)
        if not cps:
            return MonitorResult(ran=False)
        earliest = min(cp.added_at for cp in cps)
        watermark = repo.monitor_watermark(session)
        through = repo.latest_snapshot_id(session)
        pending = repo.snapshots_after(session, watermark, earliest)
        changed = repo.changed_designations(session, [p.id for p in pending]) if pending else {}
        versions = lists_repo.list_versions(session)
    result = MonitorResult(
        ran=True,
        watched=len(cps),
        entries=len(changed),
        snapshots=[f"{p.source} v{p.version}" for p in pending],
    )
    pairs: list[tuple[CounterpartyRow, Hit, int | None]] = []
    if changed:
        newest = max(at for _, at in changed.values())
        eligible = [cp for cp in cps if cp.added_at < newest]
        result.screened = len(eligible)
        with session_scope() as session:
            entries = [
                IndexEntry(**asdict(row))
                for row in screening_repo.listed_names(
                    session, only=repo.changed_designation_query([p.id for p in pending])
                )
            ]
        small = Matcher.build(entries)
        reachable = [(cp, q) for cp in eligible if small.can_reach(q := query_for(cp))]
        result.reachable = len(reachable)
        found = _screen(small, [q for _, q in reachable], THRESHOLD - PREFILTER_MARGIN, progress)
        full: Matcher | None = None
        for (cp, query), hits in zip(reachable, found, strict=True):
            for hit in hits:
                did = hit.entry.designation_id
                snapshot_id, loaded_at = changed[did]
                if loaded_at <= cp.added_at:
                    continue  # covered by its onboarding screening
                if full is None:  # loaded (or built) only when some pair needs it
                    full, versions, _ = load_matcher()
                exact = full.explain(query, did)
                if exact is not None and exact.score >= THRESHOLD:
                    pairs.append((cp, exact, snapshot_id))
    with session_scope() as session:
        candidates = _hit_candidates(session, pairs, "List change") + _link_candidates(session, cps)
        result.alerts = _raise(session, candidates, versions, actor)
        record = {
            "trigger": trigger,
            "through_snapshot": through,
            "snapshots": result.snapshots,
            "counterparties": result.watched,
            "screened": result.screened,
            "reachable": result.reachable,
            "entries": result.entries,
            "alerts": len(result.alerts.new),
            "suppressed": result.alerts.suppressed,
        }
        result.run_id = _save_run(session, "monitor", record, versions, candidates, actor)
        lists_repo.add_audit(
            session, actor, "monitor.run", "screening_run", str(result.run_id), record, versions
        )
    return result


def after_list_change(*, actor: str | None = None, progress: ProgressFn | None = None) -> MonitorResult:
    """Called after a list load or refresh that changed something; a no-op with nobody watched."""
    with session_scope() as session:
        if not repo.watched_count(session):
            return MonitorResult(ran=False)
    return run(trigger="list change", actor=actor, progress=progress)


# ----------------------------------------------------------------- alerts

STATUSES = ("open", "true_match", "false_positive", "escalated")
DECISIONS = {"true_match": "true_match", "false_positive": "false_positive", "escalate": "escalated"}


@dataclass(frozen=True)
class AlertView:
    alert: repo.AlertRow
    counterparty: CounterpartyRow
    decisions: list[repo.DecisionRow]


def alert_record(a: repo.AlertRow) -> dict[str, Any]:
    """An alert as the JSON output gives it."""
    return {
        "alert_id": a.id,
        "status": a.status,
        "counterparty_ref": a.counterparty_ref,
        "counterparty_name": a.counterparty_name,
        "entity_id": a.entity_id,
        "list": a.list,
        "list_ref": a.list_ref,
        "matched_name": a.matched_name,
        "score": a.score,
        "reason": a.reason,
        "created_at": a.created_at.isoformat(),
    }


def list_alerts(status: str | None = None, since: datetime | None = None) -> list[repo.AlertRow]:
    if status is not None and status not in STATUSES:
        raise UsageError(f"Unknown status {status!r}: use one of {', '.join(STATUSES)}.")
    with session_scope() as session:
        return repo.alerts(session, status=status, since=since)


def _alert_id(text: str) -> int:
    stripped = (text or "").strip().lstrip("#")
    if not stripped.isdigit():
        raise UsageError(f"{text!r} is not an alert number; see: compliance alerts list")
    return int(stripped)


def show_alert(text: str) -> AlertView:
    with session_scope() as session:
        a = repo.alert(session, _alert_id(text))
        if a is None:
            raise NotFoundError("alert", text, hint="See: compliance alerts list")
        cp = repo.counterparty(session, a.counterparty_id)
        assert cp is not None
        return AlertView(a, cp, repo.decisions(session, a.id))


def decide(text: str, decision: str, note: str, *, by: str | None = None) -> AlertView:
    """Record a decision on an alert (appended; earlier decisions stay)."""
    if decision not in DECISIONS:
        raise UsageError("Give one decision: --true-match, --false-positive or --escalate.")
    if not (note or "").strip():
        raise UsageError("Say why with --note: the decision is kept for audit.")
    by = (by or "").strip() or settings.ACTOR
    with session_scope() as session:
        a = repo.alert(session, _alert_id(text))
        if a is None:
            raise NotFoundError("alert", text, hint="See: compliance alerts list")
        cp = repo.counterparty(session, a.counterparty_id)
        assert cp is not None
        target = _target_digest(session, a)
        repo.add_decision(session, a.id, decision, DECISIONS[decision], note.strip(), by, a.fingerprint)
        lists_repo.add_audit(
            session,
            by,
            "alert.decided",
            "alert",
            str(a.id),
            {
                "decision": decision,
                "status_before": a.status,
                "note": note.strip(),
                "counterparty": cp.data(),
                "target_digest": target,
                "fingerprint": a.fingerprint,
            },
            lists_repo.list_versions(session) or None,
        )
    return show_alert(str(a.id))


def _target_digest(session: Session, a: repo.AlertRow) -> str | None:
    """The digest of the alert's other side as it stands now (designation record hash, action, mention)."""
    if a.designation_id is not None:
        info = repo.designations(session, [a.designation_id]).get(a.designation_id)
        return info.record_hash if info else None
    if a.enforcement_id is not None:
        for action in repo.linked_actions(session):
            if action.id == a.enforcement_id:
                return _digest(asdict(action))
    if a.mention_id is not None:
        for mention in repo.linked_mentions(session):
            if mention.id == a.mention_id:
                return _digest(asdict(mention))
    return None
