"""Article text as tokens with character offsets, and its sentences.

A token's ``key`` is what names are compared on: a Latin, Cyrillic, Greek or
Arabic word goes through the same normalisation as list names
(``compliance.normalize.names``: transliteration, case, accents), one word at
a time; a Chinese character is its own key (one token per character, since
Chinese is written without spaces). Names in the gazetteer are tokenised by
this same function, so both sides meet.

French elision ("d'Alibaba", "l'Iran") and the English possessive ("ZTE's")
are cut off the word; other apostrophes join ("O'Brien").
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from functools import lru_cache

from compliance.normalize.names import normalize_name, phonetic_key

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TOKEN = re.compile(rf"[{_HAN}]|[^\W_{_HAN}]+(?:['\u2019][^\W_{_HAN}]+)*")
_HAN_CHAR = re.compile(rf"[{_HAN}]")
_ELISIONS = frozenset({"l", "d", "j", "m", "n", "s", "t", "c", "qu", "lorsqu", "puisqu", "jusqu", "quoiqu"})
# A sentence ends at . ! ? followed by a space and a capital (or a quote), at
# Chinese full stops, and always at a blank line.
_SENTENCE_END = re.compile(
    r"(?<=[.!?])[\"»”)\]]*\s+(?=[\"«“(\[]?[A-ZÀ-ÖØ-Þ0-9\u0400-\u042f])|(?<=[。！？])|\n\s*\n"
)
# Words after which a full stop does not end the sentence.
_ABBREVIATIONS = frozenset(
    [
        "co",
        "ltd",
        "inc",
        "corp",
        "mr",
        "mrs",
        "ms",
        "dr",
        "st",
        "no",
        "nr",
        "jr",
        "sr",
        "vs",
        "gen",
        "col",
        "s.a",
    ]
)


@dataclass(frozen=True, slots=True)
class Token:
    key: str
    start: int
    end: int
    # First letter upper-case (or a digit, or not a cased script): can start a name.
    capital: bool
    # Every letter upper-case and at least two letters: an acronym.
    upper: bool
    han: bool
    # A sentence or a line ends between the previous token and this one: no name
    # runs across it.
    brk: bool = False


@lru_cache(maxsize=262_144)
def word_keys(word: str) -> tuple[str, ...]:
    """The normalised keys of one word (usually one; none for a word of marks only)."""
    return normalize_name(word, "vessel").tokens


@lru_cache(maxsize=262_144)
def sound_key(key: str) -> str:
    """The phonetic key of a token key ("" for Chinese characters and digits)."""
    if not key.isascii() or not key.isalpha():
        return ""
    return phonetic_key(key)


_STOP = re.compile(r"[.!?;][\"'»”)\]]*\s")
_HAN_STOP = re.compile(r"[。！？；]")


_BLANK_LINE = re.compile(r"\n[^\S\n]*\n")


def hard_wrapped(text: str) -> bool:
    """Whether lines were cut at a fixed width (e-mails, plain-text files): then a single
    line break is a space, and only a blank line ends a paragraph."""
    lines = text[:20_000].split("\n")
    joined = sum(
        1
        for line, following in itertools.pairwise(lines)
        if len(line) >= 50 and following.strip() and not line.rstrip().endswith((".", "!", "?", ":", "。"))
    )
    return joined >= 2


def _breaks(gap: str, previous: str, wrapped: bool) -> bool:
    if ("\n" in gap and not wrapped) or _BLANK_LINE.search(gap) or _HAN_STOP.search(gap):
        return True
    # "U.S. Steel", "Co. Ltd", "Dr. No": a full stop after an initial or abbreviation is not an end.
    return bool(_STOP.search(gap)) and len(previous) > 1 and previous.lower() not in _ABBREVIATIONS


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    last_end = 0
    previous = ""
    wrapped = "\n" in text and hard_wrapped(text)
    for m in _TOKEN.finditer(text):
        word = m.group()
        start, end = m.start(), m.end()
        brk = bool(tokens) and _breaks(text[last_end:start], previous, wrapped)
        last_end, previous = end, word
        if _HAN_CHAR.match(word):
            tokens.append(Token(word, start, end, True, False, True, brk))
            continue
        if "'" in word or "\u2019" in word:
            parts = re.split(r"['\u2019]", word)
            if len(parts) == 2 and parts[0].lower() in _ELISIONS:
                start += len(parts[0]) + 1
                word = parts[1]
            elif len(parts) == 2 and parts[1].lower() == "s":
                end -= 2
                word = parts[0]
        keys = word_keys(word)
        if not keys:
            continue
        first = word[0]
        capital = first.isupper() or not first.islower()
        letters = [ch for ch in word if ch.isalpha()]
        upper = len(letters) >= 2 and all(ch.isupper() for ch in letters)
        for n, key in enumerate(keys):
            tokens.append(Token(key, start, end, capital, upper, False, brk and n == 0))
    return tokens


def name_keys(name: str) -> tuple[str, ...]:
    """A name tokenised as article text is (for the gazetteer)."""
    return tuple(t.key for t in tokenize(name))


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence, covering the text in order."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        cut = m.start()
        if cut <= start:
            continue
        if m.group().strip() == "" and text[cut - 1 : cut] == ".":
            # "Co., Ltd. Shenzhen": an abbreviation does not end a sentence.
            word = text[max(start, cut - 6) : cut - 1].rsplit(None, 1)[-1:] or [""]
            tail = word[0].lower().lstrip("(,")
            if tail in _ABBREVIATIONS or (len(tail) == 1 and tail.isalpha()):
                continue
        spans.append((start, cut))
        start = m.end()
    if start < len(text):
        spans.append((start, len(text)))
    return spans
