"""Enforcement actions: import, add, list, show, and link respondents to entities.

An import reads the whole file first; when any row is bad nothing is written
(unless the caller asks to skip bad rows), and everything it writes, links
included, is one transaction. The same dataset and source reference update an
action, never duplicate it.

Linking screens each respondent with the screening engine against every
entity in the database (names from every list and those recorded by hand):

- ``auto``: the best candidate scores at least ``AUTO_LINK_SCORE``, is
  either an exact match that no other entity also matches exactly or ahead
  of the next entity by ``AUTO_LINK_MARGIN``, and, when not exact, every word
  of each name has a close counterpart in the other (``names_cover``);
- ``review``: a candidate at or above the engine's default threshold that
  does not meet that bar; it is stored (entity and score) for an officer;
- ``none``: nothing at the threshold, or an anonymous respondent.

Links a person confirmed or rejected (``link``) are never changed by
automatic linking.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from compliance import settings
from compliance.db import enforcement_repo, lists_repo
from compliance.db.enforcement_repo import ActionRow, LinkUpdate
from compliance.db.session import session_scope
from compliance.enforcement import importers
from compliance.enforcement.records import ActionRecord, anonymous
from compliance.errors import ListDataError, NotFoundError, UsageError
from compliance.matching.types import Hit, IndexEntry, Query
from compliance.normalize.countries import country_code
from compliance.normalize.names import normalize_name
from compliance.normalize.text import basic_key

# A link is made without review at or above this score (and see AUTO_LINK_MARGIN
# and names_cover). Engine scores depend on how rare each word is in the index:
# "Zhongxing Telecommunications Equipment Corporation" against the alias
# "...Telecommunication..." scores 0.94 among 28,000 list entities but 0.92
# among three, hence 0.90 with the word-cover guard rather than a higher bar.
AUTO_LINK_SCORE = 0.90
# ...when the best entity is this far ahead of the next one (unless an unrivalled exact match).
AUTO_LINK_MARGIN = 0.05
# Two words are counterparts for names_cover at this similarity (difflib ratio):
# "telecommunication" / "telecommunications" is 0.97.
TOKEN_COVER_RATIO = 0.85
# Candidates looked at per respondent.
_CANDIDATES = 5
# The most bad rows listed in an error message.
_SHOWN_PROBLEMS = 10

# Words that make a respondent an organisation, whatever else its name looks like.
_ORG_WORDS = frozenset(
    """bank banco banque group groupe trading international company corporation services service travel
    tours airlines airline air holdings holding technologies technology systems partners fund foundation
    association university college church ministries shipping logistics industries industry international
    financial finance capital securities insurance exchange energy oil petroleum gas marine express trust
    agency agencies enterprises enterprise imports exports import export solutions networks communications
    telecommunications telecom electronics software pharmaceutical laboratories labs medical health
    hospital institute center centre council committee society club media press publishing music records
    aviation aerospace motors auto chemicals chemical metals steel minerals mining products foods food
    supply supplies equipment manufacturing engineering construction development investments investment
    management consulting resources global worldwide america american national federal first state united
    the of and for""".split()  # noqa: SIM905
)


def respondent_type(name: str) -> str:
    """``person`` when the name looks like one person's name, else ``company``.

    Conservative: a legal form, a digit, an ampersand, an organisation word or
    a lower-case word make it a company; two to four capitalised words and
    nothing else make it a person.
    """
    if normalize_name(name, "company").legal_forms:
        return "company"
    if any(ch.isdigit() for ch in name) or "&" in name or "/" in name:
        return "company"
    words = re.findall(r"[^\W\d_]+", name)
    if not 2 <= len(words) <= 4:
        return "company"
    if any(w.casefold() in _ORG_WORDS for w in words) or not all(w[0].isupper() for w in words):
        return "company"
    return "person"


# ------------------------------------------------------------------- linking


@dataclass
class LinkSummary:
    """What automatic linking did, over the actions it looked at."""

    checked: int = 0
    auto: int = 0
    review: int = 0
    none: int = 0
    decided: int = 0  # confirmed or rejected by a person: left alone
    changed: int = 0  # links written (new or different)
    entities: int = 0  # entities in the index
    engine: str | None = None  # algorithm, None when linking did not run
    note: str | None = None  # why linking did not run


@dataclass(frozen=True)
class LinkDecision:
    entity_id: int | None
    status: str  # auto | review | none
    score: float | None
    hit: Hit | None = None


class Linker:
    """The screening engine over every entity in the database."""

    def __init__(self, matcher: Any, threshold: float, algorithm: str, entities: int) -> None:
        self._matcher = matcher
        self.threshold = threshold
        self.algorithm = algorithm
        self.entities = entities

    @classmethod
    def build(cls, rows: Sequence[enforcement_repo.EntityNameRow]) -> Linker:
        """Index every name. Raises ImportError when the screening engine is not installed."""
        from compliance.matching.engine import Matcher

        entries = [
            IndexEntry(
                entity_id=r.entity_id,
                # The engine keeps one hit per designation: names recorded by hand
                # get a designation id of their own (minus the entity id) so two
                # entities never share one.
                designation_id=r.designation_id if r.designation_id is not None else -r.entity_id,
                source=r.source or "entity",
                ref=r.ref or str(r.entity_id),
                name=r.name,
                name_kind=r.name_kind,
                weak=r.weak,
                entity_type=r.entity_type,
                sublist=r.sublist,
                programs=r.programs,
                listed_on=r.listed_on,
                countries=r.countries,
            )
            for r in rows
        ]
        matcher = Matcher.build(entries)
        return cls(matcher, Matcher.DEFAULT_THRESHOLD, Matcher.ALGORITHM, len({r.entity_id for r in rows}))

    def decide(self, respondent: str, country: str | None = None) -> LinkDecision:
        kind = respondent_type(respondent)
        hits: list[Hit] = self._matcher.screen(
            Query(name=respondent, entity_type=kind, country=country),
            threshold=self.threshold,
            limit=_CANDIDATES,
        )
        return decide(hits, respondent)


def names_cover(a: str, b: str) -> bool:
    """Every word of each name (legal forms aside) has a close counterpart in the other.

    Guards automatic links against a short name matching a longer one on its
    only word ("GHS Corporation" and "GHS Technology"): such pairs go to review.
    """
    ta = normalize_name(a, "company").tokens
    tb = normalize_name(b, "company").tokens
    if not ta or not tb:
        return False

    def near(x: str, ys: Sequence[str]) -> bool:
        return any(x == y or SequenceMatcher(None, x, y).ratio() >= TOKEN_COVER_RATIO for y in ys)

    return all(near(x, tb) for x in ta) and all(near(y, ta) for y in tb)


def decide(hits: Sequence[Hit], respondent: str | None = None) -> LinkDecision:
    """auto / review / none from the engine's hits (best first), one candidate per entity.

    A strong (not exact) match links automatically only when the words of
    ``respondent`` and of the matched name cover each other (names_cover).
    """
    best_per_entity: dict[int, Hit] = {}
    for hit in sorted(hits, key=lambda h: -h.score):
        best_per_entity.setdefault(hit.entry.entity_id, hit)
    ranked = list(best_per_entity.values())
    if not ranked:
        return LinkDecision(None, "none", None)
    best = ranked[0]
    runner = ranked[1] if len(ranked) > 1 else None
    unrivalled_exact = best.band == "exact" and (runner is None or runner.band != "exact")
    clearly_ahead = runner is None or best.score - runner.score >= AUTO_LINK_MARGIN
    covered = best.band == "exact" or (respondent is not None and names_cover(respondent, best.entry.name))
    if best.score >= AUTO_LINK_SCORE and covered and (unrivalled_exact or clearly_ahead):
        return LinkDecision(best.entry.entity_id, "auto", best.score, best)
    return LinkDecision(best.entry.entity_id, "review", best.score, best)


def _country_of(raw: dict[str, Any]) -> str | None:
    text = str(raw.get("country") or "").strip()
    if not text:
        return None
    return country_code(text.upper() if len(text) == 2 else text)


def link_actions(
    session: Session,
    ids: Sequence[int] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> LinkSummary:
    """Automatic linking of the actions ``ids`` (default: all), inside the caller's transaction."""
    summary = LinkSummary()
    candidates = enforcement_repo.link_candidates(session, ids)
    summary.decided = (
        sum(enforcement_repo.link_counts(session, ids).get(s, 0) for s in enforcement_repo.DECIDED)
        if ids is not None
        else sum(enforcement_repo.link_counts(session).get(s, 0) for s in enforcement_repo.DECIDED)
    )
    names = enforcement_repo.entity_names(session)
    if not names:
        summary.note = "no entity in the database yet: load lists or add entities, then run relink"
        summary.none = len(candidates)
        summary.checked = len(candidates)
        return summary
    try:
        linker = Linker.build(names)
    except ImportError:
        summary.note = "the screening engine is not available: links were not made"
        return summary
    summary.engine = linker.algorithm
    summary.entities = linker.entities
    updates: list[LinkUpdate] = []
    cache: dict[tuple[str, str | None], LinkDecision] = {}
    for n, cand in enumerate(candidates, start=1):
        summary.checked += 1
        if anonymous(cand.respondent):
            decision = LinkDecision(None, "none", None)
        else:
            country = _country_of(cand.raw)
            key = (basic_key(cand.respondent), country)
            if key not in cache:
                cache[key] = linker.decide(cand.respondent, country)
            decision = cache[key]
        setattr(summary, decision.status, getattr(summary, decision.status) + 1)
        score = round(decision.score, 4) if decision.score is not None else None
        if (cand.entity_id, cand.link_status, cand.link_score) != (
            decision.entity_id,
            decision.status,
            score,
        ):
            updates.append(LinkUpdate(cand.id, decision.entity_id, decision.status, score))
        if progress:
            progress(n, len(candidates))
    enforcement_repo.set_links(session, updates)
    summary.changed = len(updates)
    return summary


# -------------------------------------------------------------------- import


@dataclass
class ImportResult:
    path: Path
    kind: str  # csv | yaml | ofac_civil_penalties
    dataset: str
    records: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[str] = field(default_factory=list)  # bad rows left out (with --skip-bad)
    linking: LinkSummary | None = None


def read_file(path: Path, dataset: str | None = None) -> tuple[str, str, list[ActionRecord], list[str]]:
    """(kind, dataset, records, problems) of a file, without touching the database."""
    kind = importers.detect(path)
    problems: list[str] = []
    if kind == "yaml":
        name, records = importers.parse_yaml(path, problems)
        return kind, dataset or name, [_with_dataset(r, dataset) for r in records], problems
    if kind == "ofac_civil_penalties":
        if dataset and dataset != importers.OFAC_DATASET:
            raise UsageError(f"The OFAC civil-penalties file is always dataset {importers.OFAC_DATASET!r}.")
        return kind, importers.OFAC_DATASET, list(importers.parse_ofac(path, problems)), problems
    name = dataset or path.stem
    return kind, name, list(importers.parse_csv(path, name, problems)), problems


def _with_dataset(record: ActionRecord, dataset: str | None) -> ActionRecord:
    if not dataset or dataset == record.dataset:
        return record
    return replace(record, dataset=dataset)


def _columns(record: ActionRecord) -> dict[str, Any]:
    raw = dict(record.raw)
    if record.country:
        raw["country"] = record.country
    return {
        "source_ref": record.source_ref,
        "authority": record.authority,
        "action_type": record.action_type,
        "action_date": record.action_date,
        "respondent": record.respondent,
        "amount": record.amount,
        "currency": record.currency,
        "amount_suspended": record.amount_suspended,
        "program": (record.program or None) and record.program[:200],
        "summary": record.summary,
        "source_url": record.source_url,
        "raw": raw,
    }


def import_file(
    path: Path,
    *,
    dataset: str | None = None,
    skip_bad: bool = False,
    link: bool = True,
    expect: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Import a file of actions (all or nothing unless ``skip_bad``), then link respondents."""
    kind, name, records, problems = read_file(path, dataset)
    if problems and not skip_bad:
        shown = "; ".join(problems[:_SHOWN_PROBLEMS])
        more = f" (and {len(problems) - _SHOWN_PROBLEMS} more)" if len(problems) > _SHOWN_PROBLEMS else ""
        raise ListDataError(
            str(path),
            f"{len(problems)} bad row(s), nothing was imported: {shown}{more}",
            hint="Fix those rows, or import the good ones with --skip-bad.",
        )
    if not records:
        raise ListDataError(str(path), "no action to import")
    if expect is not None and len(records) != expect:
        raise ListDataError(str(path), f"{len(records):,} actions read where {expect:,} were expected")
    result = ImportResult(path, kind, name, records=len(records), skipped=list(problems))
    with session_scope() as session:
        written = enforcement_repo.upsert(session, name, [_columns(r) for r in records])
        result.added, result.updated, result.unchanged = (
            len(written.added),
            len(written.updated),
            len(written.unchanged),
        )
        if link:
            ids = written.added + written.updated + written.unchanged
            result.linking = link_actions(session, ids, progress)
        lists_repo.add_audit(
            session,
            settings.ACTOR,
            "enforcement.import",
            "enforcement_dataset",
            name,
            {
                "file": str(path),
                "kind": kind,
                "records": result.records,
                "added": result.added,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "skipped": result.skipped,
                "linked_auto": result.linking.auto if result.linking else None,
                "linked_review": result.linking.review if result.linking else None,
            },
            lists_repo.list_versions(session),
        )
    return result


def relink(progress: Callable[[int, int], None] | None = None) -> LinkSummary:
    """Run automatic linking again over every action not decided by a person."""
    with session_scope() as session:
        return link_actions(session, None, progress)


# ------------------------------------------------------------ add/list/show


def add_action(fields: dict[str, Any], *, dataset: str = "manual", entity_id: int | None = None) -> ActionRow:
    """Record one action from field values (the CSV column names); link it."""
    try:
        record = importers.record_from_fields(fields, dataset)
    except ValueError as exc:
        raise UsageError(f"The action cannot be recorded: {exc}.") from None
    with session_scope() as session:
        if entity_id is not None and enforcement_repo.entity_name(session, entity_id) is None:
            raise NotFoundError("entity", str(entity_id), hint="See: compliance entity search NAME")
        written = enforcement_repo.upsert(session, dataset, [_columns(record)])
        action_id = (written.added + written.updated + written.unchanged)[0]
        if entity_id is not None:
            enforcement_repo.set_links(session, [LinkUpdate(action_id, entity_id, "confirmed", None)])
        else:
            link_actions(session, [action_id])
        lists_repo.add_audit(
            session,
            settings.ACTOR,
            "enforcement.add",
            "enforcement_action",
            str(action_id),
            {"dataset": dataset, "source_ref": record.source_ref, "entity_id": entity_id},
        )
        row = enforcement_repo.get(session, action_id)
    assert row is not None
    return row


def list_actions(
    *, entity: str | None = None, authority: str | None = None, since: date | None = None
) -> list[ActionRow]:
    """Actions, newest first. ``entity`` is an entity id, or a name (entity name or respondent)."""
    with session_scope() as session:
        if entity is None:
            return enforcement_repo.find(session, authority_like=authority, since=since)
        text = entity.strip()
        if text.isdigit():
            return enforcement_repo.find(
                session, entity_ids=[int(text)], authority_like=authority, since=since
            )
        ids = enforcement_repo.entity_ids_named(session, text)
        return enforcement_repo.find(
            session, entity_ids=ids, respondent_like=text, authority_like=authority, since=since
        )


def get_action(action_id: int) -> ActionRow:
    with session_scope() as session:
        row = enforcement_repo.get(session, action_id)
    if row is None:
        raise NotFoundError("enforcement action", str(action_id), hint="See: compliance enforcement list")
    return row


def set_link(action_id: int, *, entity_id: int | None = None, reject: bool = False) -> ActionRow:
    """Confirm a link to ``entity_id``, or reject the proposed one; recorded in the audit log."""
    if (entity_id is None) == (not reject):
        raise UsageError("Give either --entity ID (confirm a link) or --reject (refuse the proposed one).")
    with session_scope() as session:
        before = enforcement_repo.get(session, action_id)
        if before is None:
            raise NotFoundError("enforcement action", str(action_id), hint="See: compliance enforcement list")
        if entity_id is not None:
            if enforcement_repo.entity_name(session, entity_id) is None:
                raise NotFoundError("entity", str(entity_id))
            update = LinkUpdate(action_id, entity_id, "confirmed", before.link_score)
        else:
            update = LinkUpdate(action_id, None, "rejected", None)
        enforcement_repo.set_links(session, [update])
        lists_repo.add_audit(
            session,
            settings.ACTOR,
            "enforcement.link",
            "enforcement_action",
            str(action_id),
            {
                "decision": update.link_status,
                "entity_id": entity_id,
                "previous": {
                    "entity_id": before.entity_id,
                    "link_status": before.link_status,
                    "link_score": before.link_score,
                },
                "respondent": before.respondent,
            },
        )
        row = enforcement_repo.get(session, action_id)
    assert row is not None
    return row
