"""Adverse-media categories of a passage, from the word lists in ``categories.yml``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

_TABLE = Path(__file__).with_name("categories.yml")
_HAN = re.compile(r"[\u3400-\u9fff]")


@dataclass(frozen=True)
class Category:
    key: str
    label: str
    # language -> one compiled alternation of that language's patterns
    patterns: dict[str, re.Pattern[str]]


def _compile(patterns: list[str]) -> re.Pattern[str]:
    parts = [p if _HAN.search(p) else rf"\b{p}" for p in patterns]
    return re.compile("|".join(f"(?:{p})" for p in parts), re.IGNORECASE)


@lru_cache(maxsize=1)
def categories() -> tuple[Category, ...]:
    data = yaml.safe_load(_TABLE.read_text(encoding="utf-8")) or {}
    return tuple(
        Category(
            key=str(key),
            label=str(entry["label"]),
            patterns={
                str(lang): _compile([str(p) for p in pats]) for lang, pats in entry["patterns"].items()
            },
        )
        for key, entry in data.items()
    )


def category_keys() -> tuple[str, ...]:
    return tuple(c.key for c in categories())


def categorize(passage: str, language: str | None) -> list[str]:
    """The category keys whose words occur in ``passage``, in table order.

    The article's language picks the word lists; when it is unknown (or not one
    the table covers), every language's words are tried.
    """
    found: list[str] = []
    for cat in categories():
        chosen = cat.patterns.get(language or "")
        patterns = [chosen] if chosen is not None else list(cat.patterns.values())
        if any(p.search(passage) for p in patterns):
            found.append(cat.key)
    return found
