"""Scoring the news linker on the annotated corpus (tests/news/corpus).

Used by tests/news/test_corpus.py (thresholds asserted) and by
tests/benchmarks/bench_news.py (figures printed). The database named by
COMPLIANCE_DATABASE_URL is filled with every sample list, the demo scenario
and the corpus's own entities, then the articles are ingested through the
service and each stored link is compared with the annotations.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select

CORPUS = Path(__file__).resolve().parent / "corpus"
ROOT = Path(__file__).resolve().parents[2]
SCENARIO = ROOT / "lists" / "scenario" / "alibaba_ztesoft.yml"
LINKS = ("linked", "confirmed")


def build_database(url: str) -> None:
    """Sample lists + the demo scenario + the corpus's own entities, at ``url``."""
    from compliance.db import migrate
    from compliance.entities.importer import import_file
    from compliance.lists.samples import load_samples

    migrate.upgrade(url)
    load_samples()
    import_file(SCENARIO)
    import_file(CORPUS / "entities.yml")


def _entity_ids(spec: str) -> set[int]:
    from compliance.db.models import Designation, Entity, ListSource
    from compliance.db.session import session_scope

    with session_scope() as session:
        if spec.startswith("own:"):
            name = spec[4:]
            stmt = select(Entity.id).where(Entity.name == name, Entity.origin == "own")
        else:
            source, _, ref = spec.partition(":")
            stmt = select(Designation.entity_id).join(ListSource, ListSource.id == Designation.source_id)
            if ref.startswith("name:"):
                stmt = stmt.where(ListSource.key == source, Designation.name == ref[5:])
            else:
                stmt = stmt.where(ListSource.key == source, Designation.ref == ref)
        ids = set(session.scalars(stmt))
    if not ids:
        raise AssertionError(f"annotation names no entity in the database: {spec}")
    return ids


@dataclass
class _Gold:
    start: int
    end: int
    surface: str
    entities: set[int]  # empty: no entity


@dataclass
class LanguageScore:
    articles: int = 0
    gold_links: int = 0
    predicted: int = 0
    correct: int = 0
    found: int = 0  # gold links with a right predicted link
    errors: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.found / self.gold_links if self.gold_links else 1.0


def _occurrences(text: str, surface: str) -> list[tuple[int, int]]:
    if re.search(r"[\u3400-\u9fff]", surface):
        pattern = re.escape(surface)
    else:
        letter = "[A-Za-z0-9\u00c0-\u024f\u0400-\u04ff]"
        pattern = rf"(?<!{letter}){re.escape(surface)}(?!{letter})"
    return [(m.start(), m.end()) for m in re.finditer(pattern, text)]


def _gold(text: str, mentions: list[dict[str, Any]]) -> list[_Gold]:
    golds: list[_Gold] = []
    taken: list[tuple[int, int]] = []
    for item in sorted(mentions, key=lambda m: -len(str(m["surface"]))):
        surface = str(item["surface"])
        spec = item.get("entity")
        specs = [] if spec is None else [spec] if isinstance(spec, str) else list(spec)
        entities: set[int] = set()
        for s in specs:
            entities |= _entity_ids(str(s))
        occurrences = _occurrences(text, surface)
        if not occurrences:
            raise AssertionError(f"annotated surface {surface!r} is not in the article")
        for start, end in occurrences:
            if any(start < e and s < end for s, e in taken):
                continue
            taken.append((start, end))
            golds.append(_Gold(start, end, surface, entities))
    return golds


def evaluate(only: str | None = None) -> dict[str, LanguageScore]:
    """Ingest every corpus article and score its stored links against the annotations.

    ``only``: score only the articles of that set ("dev": the articles the linker
    was tuned on; "heldout": those written afterwards); None scores them all.
    """
    from compliance.news import service

    data = yaml.safe_load((CORPUS / "annotations.yml").read_text(encoding="utf-8"))
    files = sorted(data["articles"])
    summary = service.ingest([str(CORPUS / f) for f in files])
    if summary.errors:
        raise AssertionError(summary.errors)
    scores: dict[str, LanguageScore] = defaultdict(LanguageScore)
    for name in files:
        entry = data["articles"][name]
        if only is not None and entry.get("set", "dev") != only:
            continue
        score = scores[entry["language"]]
        score.articles += 1
        view = service.show(str(CORPUS / name))
        text = view.article.text
        golds = _gold(text, entry.get("mentions") or [])
        links = [m for m in view.mentions if m["status"] in LINKS]
        for link in links:
            score.predicted += 1
            over = [g for g in golds if g.start < link["end"] and link["start"] < g.end]
            if any(link["entity_id"] in g.entities for g in over):
                score.correct += 1
            else:
                expected = ", ".join(g.surface for g in over) or "nothing annotated"
                score.errors.append(
                    f"{name}: wrong link {link['surface']!r} -> {link['entity_name']} ({expected})"
                )
        for g in golds:
            if not g.entities:
                continue
            score.gold_links += 1
            hit = any(
                link["entity_id"] in g.entities and g.start < link["end"] and link["start"] < g.end
                for link in links
            )
            if hit:
                score.found += 1
            else:
                score.errors.append(f"{name}: missed {g.surface!r} at {g.start}")
    return dict(sorted(scores.items()))


def total(scores: dict[str, LanguageScore]) -> LanguageScore:
    out = LanguageScore()
    for s in scores.values():
        out.articles += s.articles
        out.gold_links += s.gold_links
        out.predicted += s.predicted
        out.correct += s.correct
        out.found += s.found
        out.errors.extend(s.errors)
    return out
