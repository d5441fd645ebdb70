"""Name normalisation: one pure pipeline for the list side and the query side.

``normalize_name("ООО «Газпром нефть»", "organization")`` gives tokens
``("gazprom", "neft")`` with legal form class ``{"llc"}``: the same form a
Latin spelling "Gazprom Neft LLC" reaches. The steps, in order:

1. remove invisible and bidi-control characters; Unicode NFKC;
2. "LAST, First" becomes "First LAST" for people;
3. per word: letters from other scripts that look like Latin ones inside a
   mostly-Latin word are folded to Latin (``confusables.yml``); words in
   another script are transliterated (anyascii; Chinese characters become
   one pinyin syllable each, as separate tokens);
4. case-folding, diacritics dropped, punctuation to spaces;
5. legal forms (``legal_forms.yml``) are taken out of the tokens and kept as
   canonical classes; honorifics and name particles (``person_words.yml``)
   are dropped from people's names and kept aside.

Every table lives in commented YAML beside this module.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from anyascii import anyascii

from compliance.normalize.text import fold_diacritics, strip_invisible

_HERE = Path(__file__).resolve().parent
_SPLIT = re.compile(r"[^\w]+", re.UNICODE)
_VOWELS = re.compile(r"[aeiouy]")
# Characters whose transliteration is one syllable each, written as separate tokens.
_SYLLABIC = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff\uac00-\ud7af]")

# Upper bound on what is normalised: longer input is cut (names are short;
# this keeps hostile 10,000-character input cheap).
MAX_NAME_CHARS = 400


@dataclass(frozen=True, slots=True)
class NameForm:
    """A name ready for matching."""

    original: str
    tokens: tuple[str, ...]
    # Canonical legal-form classes found in the name ("llc", "jsc", "ltd"...).
    legal_forms: frozenset[str]
    # Honorifics and particles removed from a person's name ("dr", "al"...).
    dropped: tuple[str, ...]
    # ISO 15924 codes of the scripts in the original ("Latn", "Cyrl"...).
    scripts: frozenset[str]

    @property
    def text(self) -> str:
        return " ".join(self.tokens)


def _load_yaml(name: str) -> Any:
    return yaml.safe_load((_HERE / name).read_text(encoding="utf-8")) or {}


@lru_cache(maxsize=1)
def _confusables() -> dict[str, str]:
    table = _load_yaml("confusables.yml")
    return {str(k): str(v) for k, v in table.items()}


@lru_cache(maxsize=1)
def _legal_forms() -> tuple[dict[tuple[str, ...], str], int]:
    """Token sequences (normalised) -> canonical class, and the longest sequence length."""
    table = _load_yaml("legal_forms.yml")
    forms: dict[tuple[str, ...], str] = {}
    for canonical, variants in table.items():
        for variant in [canonical, *(variants or [])]:
            # Through the same folding as names: "ООО" -> "ooo", "有限公司" -> "you xian gong si".
            tokens = tuple(_plain_tokens(" ".join(_fold_word(w) for w in str(variant).split())))
            if tokens:
                forms[tokens] = str(canonical)
    longest = max((len(k) for k in forms), default=1)
    return forms, longest


@lru_cache(maxsize=1)
def _person_words() -> tuple[frozenset[str], frozenset[str]]:
    table = _load_yaml("person_words.yml")
    honorifics = frozenset(t for w in table.get("honorifics", []) for t in _plain_tokens(str(w)))
    particles = frozenset(t for w in table.get("particles", []) for t in _plain_tokens(str(w)))
    return honorifics, particles


def script_of(ch: str) -> str | None:
    """The ISO 15924 code of a letter's script (the main ones), None for non-letters."""
    if not ch.isalpha():
        return None
    code = ord(ch)
    if code < 0x0250 or 0x1E00 <= code <= 0x1EFF:
        return "Latn"
    if 0x0370 <= code <= 0x03FF or 0x1F00 <= code <= 0x1FFF:
        return "Grek"
    if 0x0400 <= code <= 0x052F:
        return "Cyrl"
    if 0x0530 <= code <= 0x058F:
        return "Armn"
    if 0x0590 <= code <= 0x05FF:
        return "Hebr"
    if 0x0600 <= code <= 0x06FF or 0x0750 <= code <= 0x077F or 0xFB50 <= code <= 0xFEFF:
        return "Arab"
    if 0x10A0 <= code <= 0x10FF:
        return "Geor"
    if 0x0E00 <= code <= 0x0E7F:
        return "Thai"
    if 0x3040 <= code <= 0x30FF:
        return "Jpan"
    if 0xAC00 <= code <= 0xD7AF or 0x1100 <= code <= 0x11FF:
        return "Kore"
    if 0x3400 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF:
        return "Hani"
    try:
        return unicodedata.name(ch).split(" ", 1)[0].title()[:4]
    except ValueError:
        return None


def _fold_word(word: str) -> str:
    """Fold look-alikes in a mostly-Latin word; transliterate a word in another script."""
    scripts = [s for s in (script_of(ch) for ch in word) if s]
    if not scripts:
        return word
    latin = sum(1 for s in scripts if s == "Latn")
    table = _confusables()
    if latin and latin < len(scripts):
        # Mixed scripts inside one word: a look-alike letter standing in for a Latin one.
        word = "".join(table.get(ch, ch) for ch in word)
    elif latin == 0 and all(ch in table for ch in word if ch.isalpha()) and len(word) > 1:
        # A whole word of look-alikes ("РАУРАL" typed in Cyrillic) is kept as both:
        # transliteration decides below; the folded form is used by the matcher's variants.
        pass
    if _SYLLABIC.search(word):
        return " ".join(anyascii(ch) for ch in word)
    return anyascii(word) if any(ord(ch) > 0x24F for ch in word) else word


def _plain_tokens(text: str) -> list[str]:
    text = fold_diacritics(text).casefold()
    return [t for t in _SPLIT.split(text.replace("_", " ")) if t]


def _reorder_person(text: str) -> str:
    """ "LAST, First Middle" -> "First Middle LAST" (only with exactly one comma)."""
    if text.count(",") == 1:
        last, first = (part.strip() for part in text.split(","))
        if last and first:
            return f"{first} {last}"
    return text


def _strip_legal_forms(tokens: list[str]) -> tuple[list[str], set[str]]:
    forms, longest = _legal_forms()
    found: set[str] = set()
    kept: list[str] = []
    i = 0
    while i < len(tokens):
        for size in range(min(longest, len(tokens) - i), 0, -1):
            canonical = forms.get(tuple(tokens[i : i + size]))
            # A legal form is never the whole name ("Company" alone is a name).
            if canonical is not None and len(tokens) > size:
                found.add(canonical)
                i += size
                break
        else:
            kept.append(tokens[i])
            i += 1
    return kept, found


def normalize_name(text: str, entity_type: str | None = None) -> NameForm:
    """The matching form of a name. Never raises; an empty input gives no tokens."""
    original = text
    text = unicodedata.normalize("NFKC", strip_invisible(text or ""))[:MAX_NAME_CHARS]
    scripts = frozenset(s for s in (script_of(ch) for ch in text) if s)
    if entity_type == "person":
        text = _reorder_person(text)
    words = [_fold_word(w) for w in text.split()]
    tokens = _plain_tokens(" ".join(words))
    dropped: list[str] = []
    legal: set[str] = set()
    if entity_type != "person":
        tokens, legal = _strip_legal_forms(tokens)
    if entity_type in (None, "person", "unknown"):
        honorifics, particles = _person_words()
        kept = []
        for token in tokens:
            if (token in honorifics or token in particles) and len(tokens) > 1:
                dropped.append(token)
            else:
                kept.append(token)
        if entity_type == "person" or not legal:
            tokens = kept or tokens
        else:
            dropped = []
    return NameForm(original, tuple(tokens), frozenset(legal), tuple(dropped), scripts)


def skeleton(token: str) -> str:
    """The consonants of a token, doubled letters collapsed: "mohammed" -> "mhmd"."""
    out: list[str] = []
    for ch in _VOWELS.sub("", token):
        if not out or out[-1] != ch:
            out.append(ch)
    return "".join(out) or token[:1]
