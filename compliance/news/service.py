"""News: ingest articles, link their mentions to entities, list and review them.

``ingest`` reads each location (``extract``), finds mentions against a
gazetteer of every name in the database (``finder``), applies the reviewers'
remembered decisions and stores each article with its mentions in one
transaction. The gazetteer is built once per ingest and kept on disk, named
after the state of the entities, so the next ingest loads it.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.exc import IntegrityError

from compliance import settings
from compliance.db import entities_repo, news_repo, ownership_repo
from compliance.db.enforcement_repo import entity_ids_named
from compliance.db.session import session_scope
from compliance.errors import ComplianceError, NotFoundError, UsageError
from compliance.news.categories import category_keys
from compliance.news.extract import Document, read
from compliance.news.finder import FoundMention, Gazetteer, KnownName, build_gazetteer, find_mentions
from compliance.news.lexicon import detect_language
from compliance.news.tokens import tokenize
from compliance.normalize.text import basic_key
from compliance.runtime import paused_gc

# Bump when the gazetteer's layout or the way names are tokenised changes.
GAZETTEER_VERSION = "4"


@dataclass
class IngestSummary:
    articles_new: int = 0
    articles_duplicate: int = 0
    mentions: int = 0
    linked: int = 0
    review: int = 0
    candidates: int = 0
    errors: list[str] = field(default_factory=list)


# ------------------------------------------------------------------ gazetteer


def _cache_dir() -> Path:
    return settings.DATA_DIR / "news"


# The last gazetteer used in this process, by the state it was built from.
_MEMO: dict[str, Gazetteer] = {}


def gazetteer() -> Gazetteer:
    """The gazetteer of every name in the database, from the disk cache when still current."""
    with session_scope() as session:
        state = f"{GAZETTEER_VERSION}|{settings.database_url()}|{news_repo.names_state(session)}"
        key = hashlib.sha256(state.encode()).hexdigest()[:20]
        if key in _MEMO:
            return _MEMO[key]
        path = _cache_dir() / f"gazetteer-{key}.pickle"
        if path.is_file():
            try:
                with path.open("rb") as fh, paused_gc():
                    cached = pickle.load(fh)  # our own cache file, written below
                if isinstance(cached, Gazetteer):
                    _MEMO.clear()
                    _MEMO[key] = cached
                    return cached
            except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError, KeyError):
                pass
        rows = news_repo.known_names(session)
        ties = [(t.owner, t.owned) for t in ownership_repo.ties(session)]
    with paused_gc():
        gaz = _build(rows, ties)
    _MEMO.clear()
    _MEMO[key] = gaz
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        for old in path.parent.glob("gazetteer-*.pickle"):
            old.unlink(missing_ok=True)
        tmp = path.with_suffix(".tmp")
        with tmp.open("wb") as fh:
            pickle.dump(gaz, fh, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(path)
    except OSError:
        pass  # a cache we cannot write only costs time
    return gaz


def _build(rows: list[news_repo.NameRow], ties: list[tuple[int, int]]) -> Gazetteer:
    names = (
        KnownName(
            entity_id=r.entity_id,
            name=r.name,
            entity_type=r.entity_type,
            source=r.source,
            ref=r.ref,
            countries=r.countries,
            weak=r.weak,
            primary=r.primary,
        )
        for r in rows
    )
    return build_gazetteer(names, ties)


# ------------------------------------------------------------------ ingest


def content_hash(text: str) -> str:
    """The same article text, whatever its spacing, has one hash."""
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


def _mention_values(found: FoundMention, remembered: dict[tuple[str, int], str]) -> dict[str, Any]:
    status = found.status
    if found.entity_id is not None:
        decision = remembered.get((basic_key(found.surface), found.entity_id))
        if decision == "confirm":
            status = "confirmed"
        elif decision == "reject":
            status = "rejected"
    return {
        "entity_id": found.entity_id,
        "surface": found.surface[:1000],
        "start": found.start,
        "end": found.end,
        "sentence": found.sentence,
        "score": found.score,
        "method": found.method,
        "status": status,
        "categories": list(found.categories),
        "amounts": list(found.amounts),
    }


def _store(doc: Document, gaz: Gazetteer, summary: IngestSummary) -> None:
    digest = content_hash(doc.text)
    tokens = tokenize(doc.text[:20_000])
    language = detect_language(doc.text, tokens)
    try:
        with session_scope() as session:
            if news_repo.article_id_by_hash(session, digest) is not None:
                summary.articles_duplicate += 1
                return
            remembered = news_repo.decisions(session)
            found = find_mentions(doc.text, gaz, language)
            values = [_mention_values(f, remembered) for f in found]
            news_repo.add_article(
                session,
                {
                    "location": doc.location,
                    "title": doc.title,
                    "outlet": doc.outlet,
                    "published_at": doc.published_at,
                    "language": language,
                    "text": doc.text,
                    "content_hash": digest,
                },
                values,
            )
    except IntegrityError:
        # Another ingest may have stored the same article between our check and our insert.
        with session_scope() as session:
            if news_repo.article_id_by_hash(session, digest) is None:
                raise
        summary.articles_duplicate += 1
        return
    summary.articles_new += 1
    for v in values:
        if v["status"] == "candidate":
            summary.candidates += 1
            continue
        summary.mentions += 1
        if v["status"] in ("linked", "confirmed"):
            summary.linked += 1
        elif v["status"] == "review":
            summary.review += 1


def ingest(
    locations: Sequence[str],
    *,
    feed: bool = False,
    on_progress: Callable[[int], None] | None = None,
) -> IngestSummary:
    """Ingest articles from file paths and http(s) addresses (feeds when ``feed``).

    Each article is stored with its mentions in one transaction; the same text
    ingested again is counted as a duplicate and not stored. With one location,
    unusable input raises its ``ComplianceError``; with several, each failure is
    reported in ``errors`` and the others are kept.
    """
    summary = IngestSummary()
    gaz = gazetteer()
    for location in locations:
        try:
            for doc in read(location, feed=feed):
                _store(doc, gaz, summary)
        except ComplianceError as exc:
            if len(locations) == 1:
                raise
            summary.errors.append(str(exc))
        if on_progress is not None:
            on_progress(1)
    return summary


# ------------------------------------------------------------------ reading


def _entity_ids(entity: str) -> list[int]:
    with session_scope() as session:
        if entity.isdigit() and entities_repo.get_entity(session, int(entity)) is not None:
            return entities_repo.group_ids(session, entities_repo.root_of(session, int(entity)))
        ids = entity_ids_named(session, entity)
        if not ids:
            raise NotFoundError(
                "entity", entity, hint="Give the entity's number or one of its names exactly as recorded."
            )
        groups: set[int] = set()
        for eid in ids:
            groups.update(entities_repo.group_ids(session, entities_repo.root_of(session, eid)))
        return sorted(groups)


def record(row: news_repo.MentionRow) -> dict[str, Any]:
    """The JSON record of a mention (the keys the issue lists, then a few more)."""
    return {
        "article": row.article,
        "title": row.title,
        "surface": row.surface,
        "start": row.start,
        "end": row.end,
        "entity_id": row.entity_id,
        "entity_name": row.entity_name,
        "list": row.list_source,
        "list_ref": row.list_ref,
        "score": row.score,
        "status": row.status,
        "categories": row.categories,
        "id": row.id,
        "method": row.method,
        "amounts": row.amounts,
        "sentence": row.sentence,
        "published_at": row.published_at.isoformat() if row.published_at else None,
    }


def mentions(
    entity: str | None = None, category: str | None = None, unreviewed: bool = False
) -> list[dict[str, Any]]:
    """Mentions linked, confirmed or waiting for review, as JSON records.

    ``entity``: an entity number or name (its merged records included);
    ``category``: one of ``category_keys()``; ``unreviewed``: only those waiting
    for review.
    """
    if category is not None and category not in category_keys():
        raise UsageError(f"Unknown category {category!r}.", hint=f"Categories: {', '.join(category_keys())}.")
    ids = _entity_ids(entity) if entity else None
    statuses = ("review",) if unreviewed else news_repo.SHOWN
    with session_scope() as session:
        rows = news_repo.mentions(session, entity_ids=ids, statuses=statuses)
    return [record(r) for r in rows if category is None or category in r.categories]


def review(mention_id: int, *, confirm: bool, actor: str | None = None) -> int:
    """Confirm or reject a mention's link; remembered for the same text and entity.

    Returns how many mentions the decision changed.
    """
    with session_scope() as session:
        row = news_repo.mention(session, mention_id)
        if row is None:
            raise NotFoundError(
                "mention", str(mention_id), hint="`compliance news mentions` shows their numbers."
            )
        if row.entity_id is None:
            raise UsageError(
                f"Mention {mention_id} ({row.surface!r}) is a candidate with no entity to confirm or reject.",
                hint="Record the party with `compliance entity add`; later articles will link to it.",
            )
        return news_repo.decide(
            session,
            mention_id,
            basic_key(row.surface),
            row.entity_id,
            "confirm" if confirm else "reject",
            actor or settings.ACTOR,
        )


@dataclass(frozen=True)
class ArticleView:
    article: news_repo.ArticleRow
    mentions: list[dict[str, Any]]


def show(article: str) -> ArticleView:
    """One article with its mentions (all of them, candidates and rejected included)."""
    with session_scope() as session:
        row = news_repo.article(session, article)
        if row is None and not article.isdigit() and Path(article).exists():
            row = news_repo.article(session, str(Path(article).resolve()))
        if row is None:
            raise NotFoundError(
                "article", article, hint="Give the article's number or the path or address it came from."
            )
        found = news_repo.mentions(
            session, article_id=row.id, statuses=("linked", "review", "confirmed", "rejected", "candidate")
        )
    return ArticleView(row, [record(m) for m in found])


def candidates() -> list[news_repo.CandidateRow]:
    with session_scope() as session:
        return news_repo.candidates(session)


def highlight_spans(text: str, spans: Sequence[tuple[int, int, str]]) -> list[tuple[str, str | None]]:
    """Cut ``text`` into (piece, status or None) runs for highlighting; overlaps keep the first."""
    pieces: list[tuple[str, str | None]] = []
    pos = 0
    for start, end, status in sorted(spans):
        if start < pos:
            continue
        if start > pos:
            pieces.append((text[pos:start], None))
        pieces.append((text[start:end], status))
        pos = end
    if pos < len(text):
        pieces.append((text[pos:], None))
    return pieces
