"""Accuracy on the annotated corpus: precision >= 0.95 and recall >= 0.90 on links, per language.

The figures per language are printed by tests/benchmarks/bench_news.py.
"""

from __future__ import annotations

from tests.news.corpus_eval import CORPUS, build_database, evaluate, total

LANGUAGES = ("de", "en", "es", "fr", "zh")


def test_corpus_has_25_articles_in_five_languages() -> None:
    articles = sorted(CORPUS.glob("*.txt"))
    assert len(articles) >= 25
    assert {p.name[:2] for p in articles} == set(LANGUAGES)


def test_links_meet_precision_and_recall_per_language(sqlite_url: str) -> None:
    build_database(sqlite_url)
    scores = evaluate()
    assert set(scores) == set(LANGUAGES)
    everything = total(scores)
    for lang, score in scores.items():
        assert score.precision >= 0.95, (lang, everything.errors)
        assert score.recall >= 0.90, (lang, everything.errors)
    assert everything.gold_links >= 60
