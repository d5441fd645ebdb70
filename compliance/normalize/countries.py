"""Country names as lists write them, to ISO 3166-1 alpha-2 codes.

The table is ``countries.yml`` beside this file: each code with its English
short name and the variants official lists use ("Iran (Islamic Republic of)",
"Korea, North", "Burma"...). Matching ignores case, accents and punctuation.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import yaml

_TABLE = Path(__file__).with_name("countries.yml")
_BRACKETS = re.compile(r"\([^)]*\)")
_NOW = re.compile(r"\b(?:now|currently)\s+([^()]+?)\s*\)?\s*$", re.IGNORECASE)


def _key(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"[^a-z0-9]+", " ", text.casefold())
    return " ".join(text.split())


@lru_cache(maxsize=1)
def _index() -> tuple[dict[str, str], dict[str, str]]:
    data = yaml.safe_load(_TABLE.read_text(encoding="utf-8")) or {}
    by_name: dict[str, str] = {}
    names: dict[str, str] = {}
    for code, entry in data.items():
        code = str(code).upper()
        names[code] = entry["name"]
        by_name[_key(entry["name"])] = code
        for variant in entry.get("variants") or []:
            by_name[_key(str(variant))] = code
    return by_name, names


def country_code(text: str | None) -> str | None:
    """The ISO alpha-2 code for a country name or code, or None if unknown."""
    if not text:
        return None
    by_name, names = _index()
    stripped = text.strip()
    # Two capital letters are a code ("CN"); "na" (not available) is not Namibia.
    if len(stripped) == 2 and stripped.isupper() and stripped in names:
        return stripped
    found = by_name.get(_key(stripped))
    if found is None:
        # "Pakistan (at time of listing)", "Ukrainian SSR (now Ukraine)",
        # "Former USSR Currently Belarus": the country named last is the one in force.
        later = _NOW.search(stripped)
        if later:
            found = by_name.get(_key(later.group(1)))
        if found is None:
            found = by_name.get(_key(_BRACKETS.sub(" ", stripped)))
    return found


def country_name(code: str | None) -> str | None:
    """The English short name for an ISO alpha-2 code."""
    if not code:
        return None
    return _index()[1].get(code.upper())
