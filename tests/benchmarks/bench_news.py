"""Benchmark: news mention linking, accuracy per language and speed.

1. Accuracy: the annotated corpus (tests/news/corpus, 28 articles written
   in-house in en, fr, de, es, zh) against every sample list, the demo scenario
   and the corpus's own entities; precision and recall of the stored links per
   language (targets: precision >= 0.95, recall >= 0.90).
2. Speed: a database with ``--names`` synthetic names (default 100,000: company
   names from random syllables and real legal forms, people's names, one in
   five with an alias) plus the scenario; ``--articles`` articles (the corpus
   texts, each made unique) ingested through ``service.ingest`` into SQLite,
   from a cold gazetteer build and with the gazetteer cached (target: >= 1,000
   articles per minute). The baseline measured in the same run is a naive scan:
   every name searched in every article's lower-cased text (``name in text``),
   on a few articles, extrapolated per minute.

Run:  python tests/benchmarks/bench_news.py [--names 100000] [--articles 1000]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

_SYLLABLES = [
    "ka",
    "ro",
    "mi",
    "tan",
    "vel",
    "sor",
    "dex",
    "lun",
    "bar",
    "qui",
    "zen",
    "tor",
    "pha",
    "nik",
    "ost",
    "ur",
    "gal",
    "mer",
    "sil",
    "von",
    "dra",
    "kin",
]
_FORMS = ["LLC", "Ltd", "GmbH", "S.A.", "Co., Ltd.", "JSC", "Trading LLC", "Holding", "FZE", "Group"]
_FIRST = [
    "Ivan",
    "Olga",
    "Ahmed",
    "Maria",
    "Chen",
    "Li",
    "Pedro",
    "Anna",
    "Yusuf",
    "Elena",
    "Omar",
    "Sergei",
    "Fatima",
    "Wang",
    "Jorge",
]


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()


def _fill(url: str, count: int, seed: int = 7) -> None:
    from sqlalchemy import insert

    from compliance.db import migrate
    from compliance.db.models import Entity, EntityName
    from compliance.db.session import session_scope
    from compliance.entities.importer import import_file
    from compliance.normalize.text import basic_key

    migrate.upgrade(url)
    import_file(ROOT / "lists" / "scenario" / "alibaba_ztesoft.yml")
    rng = random.Random(seed)
    batch = 5000
    with session_scope() as session:
        next_id = 1_000_000
        for start in range(0, count, batch):
            entities, names = [], []
            for i in range(start, min(count, start + batch)):
                eid = next_id + i
                if rng.random() < 0.3:
                    name, etype = f"{rng.choice(_FIRST)} {_word(rng)}", "person"
                else:
                    name, etype = f"{_word(rng)} {_word(rng)} {rng.choice(_FORMS)}", "company"
                entities.append({"id": eid, "entity_type": etype, "name": name, "origin": "own"})
                names.append(
                    {"entity_id": eid, "value": name, "normalized": basic_key(name), "kind": "primary"}
                )
                if rng.random() < 0.2:
                    alias = f"{_word(rng)} {_word(rng)}"
                    names.append(
                        {"entity_id": eid, "value": alias, "normalized": basic_key(alias), "kind": "aka"}
                    )
            session.execute(insert(Entity), entities)
            session.execute(insert(EntityName), names)


def _articles(folder: Path, count: int) -> list[str]:
    corpus = sorted((ROOT / "tests" / "news" / "corpus").glob("*.txt"))
    texts = [p.read_text(encoding="utf-8") for p in corpus]
    paths = []
    for i in range(count):
        path = folder / f"a{i:05d}.txt"
        path.write_text(f"{texts[i % len(texts)]}\nDispatch {i}.\n", encoding="utf-8")
        paths.append(str(path))
    return paths


def _naive_per_minute(paths: list[str], sample: int) -> float:
    from compliance.db.enforcement_repo import entity_names
    from compliance.db.session import session_scope

    with session_scope() as session:
        names = [r.name.lower() for r in entity_names(session)]
    started = time.perf_counter()
    for path in paths[:sample]:
        text = Path(path).read_text(encoding="utf-8").lower()
        _ = [n for n in names if n in text]
    elapsed = time.perf_counter() - started
    return sample / elapsed * 60


def accuracy() -> None:
    from tests.news.corpus_eval import build_database, evaluate, total

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/corpus.db"
        os.environ["COMPLIANCE_DATABASE_URL"] = url
        os.environ["COMPLIANCE_DATA_DIR"] = tmp
        from compliance import settings

        settings.DATA_DIR = Path(tmp)
        build_database(url)
        scores = evaluate()
        heldout = total(evaluate("heldout"))
    print("\nAccuracy on the annotated corpus (links: status linked)\n")
    print("| language | articles | annotated links | links made | right | precision | recall |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    rows = [*scores.items(), ("all", total(scores)), ("held-out articles only", heldout)]
    for lang, s in rows:
        print(
            f"| {lang} | {s.articles} | {s.gold_links} | {s.predicted} | {s.correct} "
            f"| {s.precision:.3f} | {s.recall:.3f} |"
        )
    for error in total(scores).errors:
        print(f"  - {error}")


def speed(names: int, articles: int) -> None:
    from compliance import settings
    from compliance.db.session import dispose_engines
    from compliance.news import service

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/speed.db"
        os.environ["COMPLIANCE_DATABASE_URL"] = url
        settings.DATA_DIR = Path(tmp)
        dispose_engines()
        started = time.perf_counter()
        _fill(url, names)
        filled = time.perf_counter() - started
        folder = Path(tmp) / "articles"
        folder.mkdir()
        paths = _articles(folder, articles)

        started = time.perf_counter()
        gaz = service.gazetteer()
        build = time.perf_counter() - started
        service._MEMO.clear()  # as a new process would: read the disk cache
        started = time.perf_counter()
        service.gazetteer()
        load = time.perf_counter() - started

        half = len(paths) // 2
        service._MEMO.clear()
        started = time.perf_counter()
        first = service.ingest(paths[:half])
        warm = time.perf_counter() - started
        rate = half / warm * 60
        started = time.perf_counter()
        second = service.ingest(paths[half:])
        warm2 = time.perf_counter() - started
        rate2 = (len(paths) - half) / warm2 * 60
        naive = _naive_per_minute(paths, 20)
        print(f"\nSpeed: {len(gaz):,} names in the gazetteer ({names:,} synthetic + the scenario)\n")
        print("| step | figure |")
        print("| --- | ---: |")
        print(f"| fill the database | {filled:.1f} s |")
        print(f"| gazetteer build (cold) | {build:.1f} s |")
        print(f"| gazetteer read from the disk cache | {load:.2f} s |")
        print(
            f"| ingest {half} articles, gazetteer read from disk | {warm:.1f} s = {rate:,.0f} articles/min |"
        )
        print(
            f"| ingest {len(paths) - half} more, same process | {warm2:.1f} s = {rate2:,.0f} articles/min |"
        )
        print(f"| baseline: naive `name in text` over every name | {naive:,.0f} articles/min |")
        print(f"| speed-up over the baseline | {min(rate, rate2) / naive:.1f}x |")
        print(
            f"| mentions stored | {first.mentions + second.mentions:,} "
            f"({first.linked + second.linked:,} linked) |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--names", type=int, default=100_000)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--skip-accuracy", action="store_true")
    args = parser.parse_args()
    if not args.skip_accuracy:
        accuracy()
    speed(args.names, args.articles)
    print(
        f"\nReproduce: python tests/benchmarks/bench_news.py --names {args.names} --articles {args.articles}"
    )


if __name__ == "__main__":
    main()
