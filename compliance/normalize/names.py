"""Name normalisation: one pure pipeline for the list side and the query side.

``normalize_name("ООО «Газпром нефть»", "organization")`` gives tokens
``("gazprom", "neft")`` with legal-form classes ``{"llc"}``: the same form the
Latin spelling "Gazprom Neft LLC" reaches. Every table is commented YAML
beside this module and loaded once (``confusables.yml``, ``transliteration.yml``,
``legal_forms.yml``, ``person_words.yml``).

The steps, in order:

1. Input is cut to ``MAX_NAME_CHARS``; invisible, bidi-control and control
   characters are removed (``text.strip_invisible``); Unicode NFKC (which turns
   fullwidth, mathematical, circled and other compatibility letters into plain
   ones).
2. People only: "LAST, First" becomes "First LAST" (one comma; a trailing
   ", Jr." is set aside first).
3. Word by word: a word mixing scripts is read in the script of its letters
   that have no look-alike, the others are folded to it (``confusables.yml``:
   "GАZPRОM" with Cyrillic А and О is Latin "gazprom"; "НЕФТЬ" typed with a
   Latin H is Cyrillic "neft"). Then anyascii transliterates every script (ISC
   licence); Chinese characters and Hangul syllables become one token per
   syllable; the Arabic article is cut from the front of Arabic words.
4. Case-folding, diacritics, apostrophes dropped inside words ("O'Brien" ->
   "obrien"), every other punctuation mark a word break, "&" read as "and".
   Tokens are ASCII lower-case letters and digits only.
5. Name words (``person_words.yml``, see its comments): spellings unified
   ("abou" -> "abu"); "Abd al-X" compounds joined into one token ("Abdul
   Rahman", "Abd al-Rahman", "Abdurrahman" -> "abdalrahman"; "abu" and "abd" are
   never dropped); the Arabic article "al"/"el" removed before another word;
   for people, leading titles, trailing suffixes and middle particles removed
   and kept in ``NameForm.dropped``.
6. Legal forms (``legal_forms.yml``) are taken out of non-person names and kept
   as canonical classes in ``NameForm.legal_forms``.

Steps 5-6 repeat until nothing changes, so that for a name without Chinese
characters or Hangul, ``normalize_name(" ".join(f.tokens), t).tokens ==
f.tokens`` (tested). A romanised Chinese syllable is not idempotent in that
sense on purpose: 奥 gives the token "ao", which stays a name word, while a
Latin "AO" at the edge of a company name is a Russian legal form.

What the matcher must know (decisions taken here):

- entity_type "person": no legal forms; titles/particles dropped.
  "organization", "company" (and anything not listed below): legal forms
  removed; no person words except the Arabic article. "vessel" and
  "aircraft": neither. ``None`` / "unknown": legal forms of more than two
  letters only, the Arabic article, nothing else. An untyped query should be
  normalised both as "person" and as "organization" and each form compared
  with candidates of that kind.
- Chinese: one pinyin syllable per character, tokens ``("zhong", "xing")``,
  while lists often write "Zhongxing". Compare ``compact_key(tokens)`` (all
  tokens joined) as well as token by token.
- Japanese kanji are read as Chinese (anyascii's choice); kana are romanised
  as words; Korean Hangul gives one token per syllable, like Chinese.
- Arabic script gives consonants only ("محمد" -> "mhmd"; "عبد الرحمن" ->
  "abdalrhmn"): compare ``skeleton()`` of tokens (vowels removed, doubled
  letters collapsed), which is the same for "muhammad" and "mhmd".
- ``phonetic_key()`` (metaphone after folding common romanisation variants)
  brings "Prigozhin" and "Prigojine" to one key.
- A word entirely in look-alike letters of another script ("ВАНК" in
  Cyrillic) is transliterated ("vank"); ``latin_lookalike_variant()`` returns
  the Latin reading ("BAHK") so the matcher can index and query both.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import jellyfish
import yaml
from anyascii import anyascii

from compliance.normalize.text import strip_invisible

_HERE = Path(__file__).resolve().parent

# Upper bound on what is normalised: longer input is cut (names are short;
# this keeps hostile 10,000-character input cheap). The raw text is cut first
# at a multiple of it, so that stripping invisible characters stays cheap too.
MAX_NAME_CHARS = 400
_RAW_CAP = 4 * MAX_NAME_CHARS

# Entity types whose names carry legal forms / person words (see docstring).
_PERSON = "person"
_UNTYPED = frozenset({"unknown", ""})
_NO_LEGAL = frozenset({"person", "vessel", "aircraft"})

# Token origins: a token romanised from a syllabic script is marked, so that
# tables written in Latin never match a pinyin syllable ("ao") and the other
# way round. "" is every alphabetic script (Latin, Cyrillic, Greek, Hebrew...).
_ALPHA = ""
_ARAB = "Arab"
_HANI = "Hani"
_HANG = "Kore"
_SYLLABIC_ORIGINS = frozenset({_HANI, _HANG})

_ASCII_TOKEN = re.compile(r"[a-z0-9]+")
_VOWELS = re.compile(r"[aeiouy]")
_DOUBLES = re.compile(r"(.)\1+")
_HANI_CHAR = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
_HANG_CHAR = re.compile(r"[\uac00-\ud7af]")
_SYLLABIC_CHAR = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af\U00020000-\U0003134f]")
_ARABIC_CHAR = re.compile(r"[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")
_LONE_AYN = re.compile(r"(?<!\w)\u0639(?!\w)")
# Apostrophes and letter-like quotes join a word ("O'Brien", "Ma'ruf"); after
# anyascii they are ASCII ' and `, plus " from Hebrew gershayim.
_JOINERS = str.maketrans("", "", "'`\"")
# ASCII control characters, as strip_invisible removes them (tab and newline are spaces).
_ASCII_CONTROLS = dict.fromkeys([*range(0, 9), *range(11, 32), 127])
_ASCII_CONTROLS[9] = 32
_ASCII_CONTROLS[10] = 32
_COMMAS = str.maketrans({"\u060c": ",", "\u3001": ","})  # Arabic and ideographic commas


@dataclass(frozen=True, slots=True)
class NameForm:
    """A name ready for matching."""

    original: str
    tokens: tuple[str, ...]
    # Canonical legal-form classes found in the name ("llc", "jsc", "co"...).
    legal_forms: frozenset[str]
    # Titles, suffixes, articles and particles removed from the name ("dr", "al"...).
    dropped: tuple[str, ...]
    # ISO 15924 codes of the scripts in the original ("Latn", "Cyrl"...).
    scripts: frozenset[str]

    @property
    def text(self) -> str:
        return " ".join(self.tokens)


# ------------------------------------------------------------------ scripts

# Unicode character-name prefixes and their ISO 15924 codes.
_SCRIPT_NAMES = {
    "LATIN": "Latn",
    "GREEK": "Grek",
    "COPTIC": "Copt",
    "CYRILLIC": "Cyrl",
    "ARMENIAN": "Armn",
    "HEBREW": "Hebr",
    "ARABIC": "Arab",
    "SYRIAC": "Syrc",
    "THAANA": "Thaa",
    "DEVANAGARI": "Deva",
    "BENGALI": "Beng",
    "GURMUKHI": "Guru",
    "GUJARATI": "Gujr",
    "TAMIL": "Taml",
    "TELUGU": "Telu",
    "KANNADA": "Knda",
    "MALAYALAM": "Mlym",
    "SINHALA": "Sinh",
    "THAI": "Thai",
    "LAO": "Laoo",
    "TIBETAN": "Tibt",
    "MYANMAR": "Mymr",
    "GEORGIAN": "Geor",
    "HANGUL": "Kore",
    "ETHIOPIC": "Ethi",
    "CHEROKEE": "Cher",
    "KHMER": "Khmr",
    "MONGOLIAN": "Mong",
    "HIRAGANA": "Jpan",
    "KATAKANA": "Jpan",
    "BOPOMOFO": "Bopo",
    "CJK": "Hani",
    "YI": "Yiii",
    "LISU": "Lisu",
}


@lru_cache(maxsize=65536)
def _script_of_letter(ch: str) -> str | None:
    code = ord(ch)
    if code < 0x0250 or 0x1E00 <= code <= 0x1EFF:
        return "Latn"
    if 0x0400 <= code <= 0x052F:
        return "Cyrl"
    if 0x0370 <= code <= 0x03FF or 0x1F00 <= code <= 0x1FFF:
        return "Grek"
    if 0x0600 <= code <= 0x06FF or 0x0750 <= code <= 0x077F or 0xFB50 <= code <= 0xFEFF:
        return "Arab"
    if 0xAC00 <= code <= 0xD7AF or 0x1100 <= code <= 0x11FF:
        return "Kore"
    if 0x3400 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF:
        return "Hani"
    if 0x3040 <= code <= 0x30FF:
        return "Jpan"
    try:
        name = unicodedata.name(ch)
    except ValueError:
        return None
    first = name.split(" ", 1)[0]
    return _SCRIPT_NAMES.get(first) or first.title()[:4]


def script_of(ch: str) -> str | None:
    """The ISO 15924 code of a letter's script (the main ones), None for non-letters."""
    if not ch.isalpha():
        return None
    return _script_of_letter(ch)


# ------------------------------------------------------------------ tables


def _load_yaml(name: str) -> Any:
    return yaml.safe_load((_HERE / name).read_text(encoding="utf-8")) or {}


@dataclass(frozen=True, slots=True)
class _Letters:
    """Look-alike and transliteration tables (per character)."""

    # Every look-alike letter -> the basic Latin letter it passes for.
    to_latin: dict[int, str]
    # For a script with look-alikes: Latin letter -> that script's look-alike.
    from_latin: dict[str, dict[int, str]]
    # Corrections applied before anyascii.
    before_anyascii: dict[int, str]
    # Ordered ASCII rewrites for the phonetic key.
    phonetic: tuple[tuple[str, str], ...]


@lru_cache(maxsize=1)
def _letters() -> _Letters:
    confusables = {str(k): str(v) for k, v in _load_yaml("confusables.yml").items()}
    from_latin: dict[str, dict[int, str]] = {}
    for ch, latin in confusables.items():
        script = script_of(ch)
        if script and script != "Latn":
            from_latin.setdefault(script, {}).setdefault(ord(latin), ch)
    translit = _load_yaml("transliteration.yml")
    before = {ord(str(k)): str(v or "") for k, v in (translit.get("characters") or {}).items()}
    phonetic = tuple((str(a), str(b)) for a, b in translit.get("phonetic") or [])
    return _Letters(
        to_latin={ord(k): v for k, v in confusables.items()},
        from_latin=from_latin,
        before_anyascii=before,
        phonetic=phonetic,
    )


@dataclass(frozen=True, slots=True)
class _Words:
    """Name-word tables, as normalised token sequences."""

    # (origin, tokens) -> legal-form class.
    legal: dict[tuple[str, tuple[str, ...]], str]
    legal_longest: int
    legal_first: frozenset[str]
    legal_last: frozenset[str]
    honorifics: frozenset[tuple[str, ...]]
    honorifics_longest: int
    suffixes: frozenset[str]
    articles: frozenset[str]
    particles: frozenset[str]
    abd_words: frozenset[str]
    abd_articles: frozenset[str]
    spellings: dict[str, str]


def _table_tokens(variant: str) -> tuple[tuple[str, ...], str] | None:
    """A table entry through the same folding as names; its tokens and their origin."""
    text = unicodedata.normalize("NFKC", strip_invisible(variant))
    tokens, origins = _tokenize(text)
    if not tokens:
        return None
    kinds = {_origin_kind(o) for o in origins}
    if len(kinds) != 1:
        raise ValueError(f"table entry mixes syllabic and alphabetic scripts: {variant!r}")
    return tuple(tokens), kinds.pop()


def _origin_kind(origin: str) -> str:
    return origin if origin in _SYLLABIC_ORIGINS else _ALPHA


@lru_cache(maxsize=1)
def _words() -> _Words:
    legal: dict[tuple[str, tuple[str, ...]], str] = {}
    for canonical, variants in _load_yaml("legal_forms.yml").items():
        for variant in variants or []:
            entry = _table_tokens(str(variant))
            if entry is None:
                continue
            tokens, kind = entry
            previous = legal.setdefault((kind, tokens), str(canonical))
            if previous != canonical:
                raise ValueError(f"legal form {variant!r} is in both {previous!r} and {canonical!r}")
    people = _load_yaml("person_words.yml")

    def sequences(key: str) -> set[tuple[str, ...]]:
        found = (_table_tokens(str(w)) for w in people.get(key) or [])
        return {e[0] for e in found if e is not None}

    def singles(key: str) -> frozenset[str]:
        return frozenset(t for seq in sequences(key) for t in seq)

    honorifics = frozenset(sequences("honorifics"))
    abd = people.get("abd") or {}
    return _Words(
        legal=legal,
        legal_longest=max((len(k[1]) for k in legal), default=1),
        legal_first=frozenset(k[1][0] for k in legal),
        legal_last=frozenset(k[1][-1] for k in legal),
        honorifics=honorifics,
        honorifics_longest=max((len(h) for h in honorifics), default=1),
        suffixes=singles("suffixes"),
        articles=singles("articles"),
        particles=singles("particles"),
        abd_words=frozenset(str(w) for w in abd.get("words") or []),
        abd_articles=frozenset(str(w) for w in abd.get("articles") or []),
        spellings={str(k): str(v) for k, v in (people.get("spellings") or {}).items()},
    )


# ------------------------------------------------------------------ letters to tokens


def _resolve_lookalikes(word: str, letters: _Letters) -> str:
    """Read a word mixing scripts in one script (see confusables.yml)."""
    present: dict[str, int] = {}
    for ch in word:
        script = script_of(ch)
        if script is not None:
            present[script] = present.get(script, 0) + 1
    if not present:
        return word
    if len(present) == 1:
        # One script: only Latin-script look-alikes ("ı", small capitals) fold.
        return word.translate(letters.to_latin) if "Latn" in present else word
    others = [s for s in present if s != "Latn"]
    if "Latn" in present and len(others) == 1 and others[0] in letters.from_latin:
        other = others[0]
        back = letters.from_latin[other]
        decisive_other = sum(1 for ch in word if ord(ch) not in letters.to_latin and script_of(ch) == other)
        decisive_latin = sum(1 for ch in word if script_of(ch) == "Latn" and ord(ch) not in back)
        if decisive_other > decisive_latin:
            return word.translate(back)
        return word.translate(letters.to_latin)
    if "Latn" in present or all(ord(ch) in letters.to_latin for ch in word if ch.isalpha()):
        return word.translate(letters.to_latin)
    return word


def _romanise(run: str) -> list[str]:
    return _ASCII_TOKEN.findall(anyascii(run).lower().translate(_JOINERS))


def _word_tokens(word: str, letters: _Letters, tokens: list[str], origins: list[str]) -> None:
    word = _resolve_lookalikes(word, letters).translate(letters.before_anyascii)
    if _ARABIC_CHAR.search(word):
        # The Arabic article written onto the word (الرحمن -> رحمن), when a word remains.
        if word.startswith("ال") and sum(1 for ch in word[2:] if ch.isalpha()) >= 3:
            word = word[2:]
        # An ayn standing alone (abbreviations: ش.م.ع) is a letter, not a silent sign.
        word = _LONE_AYN.sub("a", word)
        if word.startswith("عبد"):
            # "Abd" keeps its ayn as "a", so that عبد الرحمن meets "Abd al-Rahman".
            word = "a" + word[1:]
        for token in _romanise(word):
            tokens.append(token)
            origins.append(_ARAB)
        return
    if not _SYLLABIC_CHAR.search(word):
        for token in _romanise(word):
            tokens.append(token)
            origins.append(_ALPHA)
        return
    # Chinese characters and Hangul: one token per syllable; other runs as words.
    run: list[str] = []
    for ch in word:
        if _SYLLABIC_CHAR.match(ch):
            if run:
                _word_tokens("".join(run), letters, tokens, origins)
                run = []
            origin = _HANG if _HANG_CHAR.match(ch) else _HANI
            for token in _romanise(ch):
                tokens.append(token)
                origins.append(origin)
        else:
            run.append(ch)
    if run:
        _word_tokens("".join(run), letters, tokens, origins)


def _tokenize(text: str) -> tuple[list[str], list[str]]:
    """Tokens and their origins, for text already cleaned and NFKC-normalised."""
    text = text.replace("&", " and ")
    tokens: list[str]
    if text.isascii():
        tokens = _ASCII_TOKEN.findall(text.lower().translate(_JOINERS))
        return tokens, [_ALPHA] * len(tokens)
    letters = _letters()
    tokens = []
    origins: list[str] = []
    for word in text.split():
        _word_tokens(word, letters, tokens, origins)
    return tokens, origins


def _reorder_person(text: str) -> str:
    """ "LAST, First Middle" -> "First Middle LAST"; a trailing ", Jr." is kept at the end."""
    text = text.translate(_COMMAS)
    if "," not in text:
        return text
    parts = [p.strip() for p in text.split(",")]
    parts = [p for p in parts if p]
    suffixes = _words().suffixes
    tail = ""
    if len(parts) >= 2:
        last_tokens, _ = _tokenize(parts[-1])
        if last_tokens and all(t in suffixes for t in last_tokens):
            tail = parts.pop()
    if len(parts) == 2:
        parts = [parts[1], parts[0]]
    return " ".join([*parts, tail]).strip()


# ------------------------------------------------------------------ name words


def _join_abd(tokens: list[str], origins: list[str], words: _Words) -> None:
    """Join "Abd al-X" compounds into one token "abdalx" (see person_words.yml), in place."""
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if not token.startswith("abd") or origins[i] in _SYLLABIC_ORIGINS:
            i += 1
            continue
        end = i + 1
        if token in words.abd_words and end < len(tokens) and origins[end] not in _SYLLABIC_ORIGINS:
            if tokens[end] in words.abd_articles and end + 1 < len(tokens):
                end += 1
            token += "".join(tokens[i + 1 : end + 1])
            end += 1
        tokens[i:end] = [_abd_compound(token) or token]
        origins[i:end] = [_ALPHA]
        i += 1


def _abd_compound(token: str) -> str | None:
    """ "abdulrahman", "abdurrahman", "abdelaziz" -> "abdalrahman", "abdalaziz"; None otherwise.

    After "abd": up to two vowels, then the article "l" or the doubled first
    consonant of an assimilated article ("abdur-rahman"); at least three
    letters must remain ("Abdi", "Abdin", "Abdul" alone stay as they are).
    """
    rest = token[3:]
    vowels = 0
    while vowels < len(rest) and vowels < 2 and rest[vowels] in "aeiou":
        vowels += 1
    rest = rest[vowels:]
    # The article ("abdu-l-rahman") or an assimilated one ("abdu-r-rahman").
    if rest[:1] == "l" or (len(rest) > 1 and rest[0] == rest[1]):
        rest = rest[1:]
    if len(rest) < 3:
        return None
    return "abdal" + rest


def _strip_person_words(tokens: list[str], origins: list[str], dropped: list[str], words: _Words) -> None:
    """Leading titles, trailing suffixes and middle particles of a person's name, in place."""
    # Leading titles (multi-word ones first).
    changed = True
    while changed and len(tokens) > 1:
        changed = False
        for size in range(min(words.honorifics_longest, len(tokens) - 1), 0, -1):
            if tuple(tokens[:size]) in words.honorifics and _alphabetic(origins[:size]):
                dropped.extend(tokens[:size])
                del tokens[:size], origins[:size]
                changed = True
                break
    while len(tokens) > 1 and tokens[-1] in words.suffixes and origins[-1] not in _SYLLABIC_ORIGINS:
        dropped.append(tokens.pop())
        origins.pop()
    i = 1
    while i < len(tokens) - 1:
        if tokens[i] in words.particles and origins[i] not in _SYLLABIC_ORIGINS:
            dropped.append(tokens[i])
            del tokens[i], origins[i]
        else:
            i += 1


def _alphabetic(origins: Sequence[str]) -> bool:
    return all(o not in _SYLLABIC_ORIGINS for o in origins)


# ------------------------------------------------------------------ legal forms


def _form_at(tokens: list[str], origins: list[str], start: int, size: int, words: _Words) -> str | None:
    window = origins[start : start + size]
    kind = _origin_kind(window[0])
    if any(_origin_kind(o) != kind for o in window):
        return None
    return words.legal.get((kind, tuple(tokens[start : start + size])))


def _allowed(tokens: list[str], start: int, size: int, canonical: str, untyped: bool, middle: bool) -> bool:
    letters = sum(len(t) for t in tokens[start : start + size])
    if untyped and size == 1 and letters <= 2:
        return False
    if middle:
        return canonical not in ("co", "group") and letters >= 4
    return True


def _strip_legal_forms(
    tokens: list[str], origins: list[str], found: set[str], words: _Words, untyped: bool
) -> None:
    """Legal forms at either end (repeatedly) and strong ones in the middle, in place."""
    longest = words.legal_longest
    changed = True
    while changed and len(tokens) > 1:
        changed = False
        if tokens[-1] in words.legal_last:
            for size in range(min(longest, len(tokens) - 1), 0, -1):
                start = len(tokens) - size
                canonical = _form_at(tokens, origins, start, size, words)
                if canonical and _allowed(tokens, start, size, canonical, untyped, False):
                    found.add(canonical)
                    del tokens[start:], origins[start:]
                    changed = True
                    break
        if len(tokens) > 1 and tokens[0] in words.legal_first:
            for size in range(min(longest, len(tokens) - 1), 0, -1):
                canonical = _form_at(tokens, origins, 0, size, words)
                if canonical and _allowed(tokens, 0, size, canonical, untyped, False):
                    found.add(canonical)
                    del tokens[:size], origins[:size]
                    changed = True
                    break
    i = 1
    while i < len(tokens) - 1:
        if tokens[i] in words.legal_first:
            for size in range(min(longest, len(tokens) - 1 - i), 0, -1):
                canonical = _form_at(tokens, origins, i, size, words)
                if canonical and _allowed(tokens, i, size, canonical, untyped, True):
                    found.add(canonical)
                    del tokens[i : i + size], origins[i : i + size]
                    break
            else:
                i += 1
        else:
            i += 1


# ------------------------------------------------------------------ the pipeline


def _name_words(
    tokens: list[str], origins: list[str], entity_type: str | None, legal: set[str], dropped: list[str]
) -> None:
    """Steps 5-6 of the module docstring, repeated until nothing changes."""
    words = _words()
    untyped = entity_type is None or entity_type in _UNTYPED
    for _ in range(8):
        before = len(tokens), tuple(tokens)
        for i, token in enumerate(tokens):
            if token in words.spellings and origins[i] not in _SYLLABIC_ORIGINS:
                tokens[i] = words.spellings[token]
        _join_abd(tokens, origins, words)
        i = 0
        while i < len(tokens) - 1:
            if tokens[i] in words.articles and origins[i] not in _SYLLABIC_ORIGINS:
                dropped.append(tokens[i])
                del tokens[i], origins[i]
            else:
                i += 1
        if entity_type == _PERSON:
            _strip_person_words(tokens, origins, dropped, words)
        elif entity_type not in _NO_LEGAL:
            _strip_legal_forms(tokens, origins, legal, words, untyped)
        if (len(tokens), tuple(tokens)) == before:
            break


def _clean(text: str) -> str:
    """Cut, strip invisible characters, NFKC (step 1)."""
    text = text[:_RAW_CAP]
    if text.isascii():
        return text.translate(_ASCII_CONTROLS)[:MAX_NAME_CHARS]
    text = unicodedata.normalize("NFKC", strip_invisible(text))
    return text[:MAX_NAME_CHARS]


def normalize_name(text: str, entity_type: str | None = None) -> NameForm:
    """The matching form of a name. Never raises; an empty input gives no tokens."""
    original = text
    text = _clean(text or "")
    if text.isascii():
        scripts = frozenset({"Latn"}) if any(ch.isalpha() for ch in text) else frozenset()
    else:
        scripts = frozenset(s for s in (script_of(ch) for ch in text) if s)
    if entity_type == _PERSON:
        text = _reorder_person(text)
    tokens, origins = _tokenize(text)
    legal: set[str] = set()
    dropped: list[str] = []
    if tokens:
        _name_words(tokens, origins, entity_type, legal, dropped)
    return NameForm(original, tuple(tokens), frozenset(legal), tuple(dropped), scripts)


# ------------------------------------------------------------------ helpers for the matcher


def latin_lookalike_variant(text: str) -> str | None:
    """The Latin reading of a name typed in look-alike letters, or None.

    Every word written only in letters of another script that each have a
    basic-Latin look-alike is replaced by its look-alike reading ("РАУРАЛ" has
    a Л and stays; "ВАНК" becomes "BAHK"). None when no word reads differently
    from its transliteration, so the matcher indexes and queries the variant
    (through ``normalize_name``) only when it adds something.
    """
    letters = _letters()
    text = _clean(text or "")
    if text.isascii():
        return None
    out: list[str] = []
    changed = False
    for word in text.split():
        alpha = [ch for ch in word if ch.isalpha()]
        if (
            alpha
            and all(ord(ch) in letters.to_latin for ch in alpha)
            and any(script_of(ch) != "Latn" for ch in alpha)
        ):
            folded = word.translate(letters.to_latin)
            if _romanise(folded) != _romanise(word):
                changed = True
            out.append(folded)
        else:
            out.append(word)
    return " ".join(out) if changed else None


def skeleton(token: str) -> str:
    """The consonants of a token, doubled letters collapsed: "mohammed" -> "mhmd"."""
    out: list[str] = []
    for ch in _VOWELS.sub("", token):
        if not out or out[-1] != ch:
            out.append(ch)
    return "".join(out) or token[:1]


def compact_key(tokens: Iterable[str]) -> str:
    """All tokens joined: "zhong xing" and "zhongxing" meet ("zhongxing").

    Chinese and Korean names give one token per syllable while lists often
    write a given name as one word; the matcher compares compact keys as well
    as tokens.
    """
    return "".join(tokens)


@lru_cache(maxsize=200_000)
def phonetic_key(token: str) -> str:
    """A sound key for an ASCII token: Metaphone after folding romanisation variants.

    Metaphone (jellyfish) is chosen over NYSIIS and Soundex: it keeps the
    consonant sounds that tell names apart (Soundex keeps only four
    characters; NYSIIS keeps vowels and so separates "Yevgeny" from "Evgeni")
    and, after the rewrites in ``transliteration.yml`` ("zh" -> "j", "kh" ->
    "h", "w" -> "v"...), gives one key to "Prigozhin" / "Prigojine",
    "Khodorkovsky" / "Hodorkovskiy", "Mohammed" / "Muhammad". A leading vowel
    is written "A" (all leading vowels sound alike across romanisations). A
    token without letters (digits) is its own key.
    """
    folded = token.lower()
    for old, new in _letters().phonetic:
        if old in folded:
            folded = folded.replace(old, new)
    folded = _DOUBLES.sub(r"\1", folded)
    key = jellyfish.metaphone(folded) if folded.isalpha() or any(c.isalpha() for c in folded) else ""
    if not key:
        return token
    if key[0] in "AEIOU":
        key = "A" + key[1:]
    return key
