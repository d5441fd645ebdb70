"""Stop words, common words and places (``lexicon.yml``), and language detection.

Everything here is compared on token keys (``compliance.news.tokens``), the
same keys names are compared on.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from compliance.news.tokens import Token, name_keys
from compliance.normalize.countries import _index as _country_index

_TABLE = Path(__file__).with_name("lexicon.yml")
# Share of letters in Chinese characters from which a text is Chinese.
_HAN_SHARE = 0.2
# Fewest stop words before a Latin-script language is named.
_MIN_STOPWORDS = 3


@dataclass(frozen=True)
class Lexicon:
    stopwords: dict[str, frozenset[str]]
    all_stopwords: frozenset[str]
    common: frozenset[str]
    # Token-key sequence of a place -> ISO code.
    places: dict[tuple[str, ...], str]
    place_longest: int

    def is_word(self, keys: Sequence[str]) -> bool:
        """Whether a one-word name is an ordinary word or a place, not a party."""
        if len(keys) != 1:
            return tuple(keys) in self.places
        key = keys[0]
        return key in self.common or key in self.all_stopwords or (key,) in self.places


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    data = yaml.safe_load(_TABLE.read_text(encoding="utf-8")) or {}
    stopwords = {
        lang: frozenset(k for w in words for k in name_keys(str(w)))
        for lang, words in (data.get("stopwords") or {}).items()
    }
    common = frozenset(k for w in data.get("common") or [] for k in name_keys(str(w)))
    places: dict[tuple[str, ...], str] = {}
    by_name, _names = _country_index()
    for name, code in by_name.items():
        keys = name_keys(name)
        if keys and not (len(keys) == 1 and len(keys[0]) <= 3):
            places.setdefault(keys, code)
    for code, words in (data.get("places") or {}).items():
        for word in words or []:
            keys = name_keys(str(word))
            if not keys:
                continue
            places[keys] = str(code)
            if len(keys) == 1 and keys[0].isascii():
                for form in _inflections(keys[0]):
                    places.setdefault((form,), str(code))
    return Lexicon(
        stopwords=stopwords,
        all_stopwords=frozenset().union(*stopwords.values()),
        common=common,
        places=places,
        place_longest=max((len(k) for k in places), default=1),
    )


# Adjective endings of demonyms: German "chinesisch" -> "chinesische(n|r|s)",
# French "taiwanais" -> "taiwanaise(s)", "iranien" -> "iranienne(s)",
# Spanish "chino" -> "china", "chinos", "chinas".
_ENDINGS = (
    ("isch", ("ische", "ischen", "ischer", "isches")),
    ("ais", ("aise", "aises")),
    ("ien", ("ienne", "iennes", "iens")),
    ("ain", ("aine", "aines", "ains")),
    ("ano", ("ana", "anos", "anas")),
    ("ino", ("ina", "inos", "inas")),
    ("o", ("a", "os", "as")),
    ("es", ("esa", "eses", "esas")),
)


def _inflections(word: str) -> list[str]:
    for ending, forms in _ENDINGS:
        if word.endswith(ending) and len(word) > len(ending) + 2:
            stem = word[: -len(ending)]
            return [stem + f for f in forms]
    return []


def detect_language(text: str, tokens: Sequence[Token]) -> str | None:
    """ISO 639-1 code of the article's language: en, fr, de, es, zh, ru, ar; None if unclear."""
    letters = sum(1 for ch in text[:20_000] if ch.isalpha())
    if not letters:
        return None
    sample = text[:20_000]
    han = sum(1 for ch in sample if "\u3400" <= ch <= "\u9fff")
    if han / letters >= _HAN_SHARE:
        return "zh"
    cyrillic = sum(1 for ch in sample if "\u0400" <= ch <= "\u04ff")
    if cyrillic / letters >= 0.5:
        return "ru"
    arabic = sum(1 for ch in sample if "\u0600" <= ch <= "\u06ff")
    if arabic / letters >= 0.5:
        return "ar"
    lex = lexicon()
    counts: Counter[str] = Counter()
    for token in tokens[:5000]:
        for lang, words in lex.stopwords.items():
            if token.key in words:
                counts[lang] += 1
    if not counts:
        return None
    lang, count = counts.most_common(1)[0]
    return lang if count >= _MIN_STOPWORDS else None


def place_spans(tokens: Sequence[Token]) -> list[tuple[int, int, str]]:
    """(first token, end token, ISO code) of every place an article names, longest first."""
    lex = lexicon()
    spans: list[tuple[int, int, str]] = []
    keys = [t.key for t in tokens]
    n = len(keys)
    i = 0
    while i < n:
        for size in range(min(lex.place_longest, n - i), 0, -1):
            code = lex.places.get(tuple(keys[i : i + size]))
            if code:
                spans.append((i, i + size, code))
                i += size - 1
                break
        i += 1
    return spans


def article_countries(tokens: Sequence[Token]) -> frozenset[str]:
    """ISO codes of the countries an article names (countries, demonyms, large cities)."""
    return frozenset(code for _, _, code in place_spans(tokens))
