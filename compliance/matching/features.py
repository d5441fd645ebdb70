"""The scoring features of the screening engine, and their tuning constants.

Each feature is a small function returning a ``FeatureScore`` (a score and a
detail an officer can read). ``ALGORITHM`` in ``engine.py`` lists the
(feature, weight) pairs. Name features score 0..1 and their weights sum to 1;
qualifiers return an adjustment in -1..1 that is multiplied by their weight and
added to the name score (a mismatch lowers, a match raises slightly, unknown on
either side is neutral).

Token-level comparison (``token_similarity``), used by ``token_alignment``:

* identical tokens score 1;
* otherwise 1 - (optimal-string-alignment edits / length of the longer token),
  so one typo or one transposition in a 9-letter token scores 0.89;
* two tokens with the same phonetic key (``phonetic_key``: transliteration
  digraphs folded, voiced/unvoiced consonants merged, vowels dropped) score at
  least ``PHONETIC_SIM`` ("Prigojine" ~ "Prigozhin", "Evgueni" ~ "Yevgeniy",
  "Mhmmd" ~ "Mohammed");
* a token that is the start of the other (at least ``TRUNCATION_MIN_CHARS``
  letters) scores at least ``TRUNCATION_SIM`` (a cut-off field);
* a single letter against a token it begins scores ``INITIAL_SIM`` ("A." ~ "Alan").

Token weights come from rarity in the index (``token_weight``): a token that
many names share ("international", "trading", "bank", "mohammed") weighs
``MIN_TOKEN_WEIGHT``; a token in a handful of names weighs 1.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA

from compliance.matching.types import FeatureScore

# ----------------------------------------------------------------- tuning
# Typo similarity is 1 - edits / (length + TYPO_SLACK) x (1 + TYPO_EXTRA_COST
# x (edits - 1)): one typo is forgiven generously (0.86 in 5 letters, 0.91 in
# 9), several are not (two in 8 letters 0.7, three in 10 letters 0.5).
TYPO_SLACK = 2
TYPO_EXTRA_COST = 0.5
# A token pair below this similarity is not a match (the tokens are different
# words). 0.7 admits 1 edit in a 4-letter token, 2 in 7, 3 in 10.
TOKEN_MATCH_MIN = 0.70
# Similarity floor for tokens with the same phonetic key (transliteration
# variants, dropped vowels, phonetic respellings).
PHONETIC_SIM = 0.82
# A phonetic key shorter than this carries too little to decide ("ln").
PHONETIC_MIN_KEY = 3
# Same phonetic key counts only when the spellings are this close too
# (1 - edits / length): "kadhafi"/"chataev" (0.29) and "murphy"/"murov" (0.5)
# share a key but are different names; "prigozhin"/"prigojine" (0.67) agree.
PHONETIC_MIN_EDIT_SIM = 0.55
# A truncated token: at least this many letters, the start of the other token.
TRUNCATION_MIN_CHARS = 4
TRUNCATION_SIM = 0.84
# A single letter standing for a token that begins with it.
INITIAL_SIM = 0.80
# Rarity: a token in at least COMMON_SHARE of all names is "common" and weighs
# MIN_TOKEN_WEIGHT; a token in at most RARE_NAMES names weighs 1; log-linear between.
COMMON_SHARE = 0.01
RARE_NAMES = 5
# ... but never fewer than COMMON_MIN_NAMES names: in a small index (a demo,
# a watchlist of a few hundred names) a word shared by a handful of entries is
# still distinctive ("huawei" on 8 of 50 names).
COMMON_MIN_NAMES = 50
MIN_TOKEN_WEIGHT = 0.08
# Words that are generic in organisation names weigh at most GENERIC_WEIGHT
# whatever their frequency in the index (a small index may not show it).
GENERIC_WEIGHT = 0.15
GENERIC_WORDS = frozenset(
    [
        "trading",
        "trade",
        "trades",
        "industries",
        "industrial",
        "industry",
        "group",
        "shipping",
        "holding",
        "holdings",
        "enterprise",
        "enterprises",
        "investment",
        "investments",
        "services",
        "service",
        "technology",
        "technologies",
        "electronics",
        "logistics",
        "import",
        "export",
        "construction",
        "petroleum",
        "oil",
        "gas",
        "energy",
        "international",
        "commercial",
        "marine",
        "maritime",
        "equipment",
        "engineering",
        "development",
        "management",
        "capital",
        "finance",
        "financial",
        "chemical",
        "chemicals",
        "machinery",
        "tech",
        "global",
        "exchange",
        "travel",
        "tours",
        "aviation",
        "airlines",
        "supply",
        "supplies",
        "systems",
        "solutions",
        "consulting",
        "metals",
        "steel",
        "mining",
        "products",
        "agro",
        "food",
        "pharma",
        "pharmaceutical",
        "general",
        "transport",
        "transportation",
        "company",
        "bank",
        "national",
        "united",
        "new",
        "world",
        "star",
        "limited",
        "corporation",
        "incorporated",
        "incorporation",
        "joint",
        "stock",
        "closed",
        "open",
        "liability",
        "sociedad",
        "anonima",
        "limitada",
        "compania",
        "company",
        "companie",
        "societe",
        "gmbh",
        "ltd",
        "llc",
        "inc",
        "corp",
        "co",
        # vessel prefixes
        "mv",
        "mt",
        "ms",
        "ss",
        "fv",
    ]
)


def generic_like(token: str) -> bool:
    """A word the index does not know that is a generic word misspelt or cut ("kompany", "corporat")."""
    if token in GENERIC_WORDS:
        return True
    if len(token) < 4:
        return False
    for word in GENERIC_WORDS:
        if abs(len(word) - len(token)) <= 2 and OSA.distance(word, token) <= 1:
            return True
        if len(word) > len(token) and word.startswith(token):
            return True
    return False


# A query token the index has never seen is treated as this rare.
UNKNOWN_TOKEN_WEIGHT = 1.0
# Unmatched tokens count at this fraction of their weight when the name is a
# person's, at least two tokens matched and the leftovers are on one side
# only (a dropped middle name or patronymic, not a replaced surname).
DROPPED_TOKEN_FACTOR = 0.2
# Name particles (as in compliance/normalize/person_words.yml, which drops them
# from people's names only): a leftover particle, generic word or one- or
# two-letter token does not make the leftovers two-sided.
PARTICLES = frozenset(
    [
        "al",
        "el",
        "ul",
        "bin",
        "ibn",
        "bint",
        "abu",
        "von",
        "van",
        "der",
        "den",
        "de",
        "del",
        "della",
        "di",
        "da",
        "du",
        "la",
        "le",
        "dos",
        "das",
        "y",
        "e",
    ]
)
# The same for an organisation's name (a word left out).
ORG_DROPPED_FACTOR = 0.5
# Unmatched tokens otherwise (a missing or replaced word).
UNMATCHED_FACTOR = 0.8
# Informativeness: the matched tokens' summed rarity weight below which the
# match is too generic to be strong ("INTERNATIONAL TRADING" alone).
INFO_FULL = 1.0

_DIGITS = str.maketrans(
    {"0": "o", "1": "l", "3": "e", "4": "a", "5": "s", "6": "g", "7": "t", "8": "b", "9": "g"}
)
# Transliteration digraphs and trigraphs, longest first.
_GRAPHS = [
    ("shch", "s"),
    ("sch", "s"),
    ("tch", "c"),
    ("dzh", "j"),
    ("zh", "j"),
    ("dj", "j"),
    ("kh", "h"),
    ("gh", "g"),
    ("ch", "c"),
    ("sh", "s"),
    ("ph", "f"),
    ("th", "t"),
    ("dh", "d"),
    ("ts", "c"),
    ("tz", "c"),
    ("ck", "k"),
    ("gu", "g"),
    ("qu", "k"),
]
# Letters that optical character recognition confuses, folded first.
_OCR = [("rn", "m"), ("vv", "w"), ("cl", "d")]
_GRAPH_RE = re.compile("|".join(g for g, _ in _GRAPHS))
_GRAPH_MAP = dict(_GRAPHS)
# Consonant classes: voiced/unvoiced pairs and spelling alternatives merged.
_CLASSES = str.maketrans(
    {
        "c": "k",
        "q": "k",
        "g": "k",
        "d": "t",
        "b": "p",
        "v": "f",
        "w": "f",
        "z": "s",
        "x": "ks",
        "a": None,
        "e": None,
        "i": None,
        "o": None,
        "u": None,
        "y": None,
    }
)


@lru_cache(maxsize=1 << 17)
def phonetic_key(token: str) -> str:
    """A spelling-insensitive key: "prigozhin" and "prigojine" both give "prkjn"."""
    text = token.translate(_DIGITS)
    for a, b in _OCR:
        if a in text:
            text = text.replace(a, b)
    text = _GRAPH_RE.sub(lambda m: _GRAPH_MAP[m.group(0)], text)
    text = text.translate(_CLASSES)
    out: list[str] = []
    for ch in text:
        if not out or out[-1] != ch:
            out.append(ch)
    return "".join(out)


# Respellings of the same sound, folded for ``respell_key`` (vowel digraphs
# included, so that short names keep their vowels: "seet"/"sit", "soon"/"sun").
_RESPELL = [
    ("ee", "i"),
    ("ea", "i"),
    ("ie", "i"),
    ("oo", "u"),
    ("ou", "u"),
    ("sch", "$"),
    ("sh", "$"),
    ("ch", "$"),
    ("ph", "f"),
    ("kw", "k"),
    ("qu", "k"),
    ("ck", "k"),
    ("q", "k"),
    ("c", "k"),
    ("w", "v"),
    ("z", "s"),
    ("y", "i"),
    ("j", "i"),
]
_VOWEL_SET = frozenset("aeiou")
# Arabic article joined to a word ("alkhuri" for "al-khuri"): compared without it.
JOINED_ARTICLES = ("al", "el", "ul")


@lru_cache(maxsize=1 << 17)
def respell_key(token: str) -> str:
    """Spelling folded but vowels kept: "seet" and "sit" both give "sit", "dukwe" and "duque" "duke"."""
    text = token.translate(_DIGITS)
    for a, b in _RESPELL:
        if a in text:
            text = text.replace(a, b)
    out: list[str] = []
    for ch in text:
        if not out or out[-1] != ch:
            out.append(ch)
    return "".join(out)


@lru_cache(maxsize=1 << 17)
def consonants(token: str) -> str:
    """The token without vowels, doubled letters collapsed ("colombia" -> "clmb")."""
    out: list[str] = []
    for ch in token:
        if ch not in _VOWEL_SET and (not out or out[-1] != ch):
            out.append(ch)
    return "".join(out)


def token_weight(df: int, total: int, token: str = "") -> float:
    """Rarity weight of a token found in ``df`` of ``total`` names (see COMMON_SHARE)."""
    if token in GENERIC_WORDS:
        return min(GENERIC_WEIGHT, _rarity(df, total))
    return _rarity(df, total)


def _rarity(df: int, total: int) -> float:
    if df <= RARE_NAMES:
        return 1.0
    common = max(COMMON_SHARE * total, COMMON_MIN_NAMES)
    if df >= common:
        return MIN_TOKEN_WEIGHT
    span = math.log(common / RARE_NAMES)
    frac = math.log(common / df) / span
    return MIN_TOKEN_WEIGHT + (1.0 - MIN_TOKEN_WEIGHT) * frac


# How two tokens matched (for explanations).
EXACT, TYPO, PHONETIC, TRUNCATED, INITIAL, COMPOUND = (
    "exact",
    "typo",
    "phonetic",
    "truncated",
    "initial",
    "compound",
)


def typo_similarity(edits: int, longest: int) -> float:
    """1 - edits / (length + TYPO_SLACK), each edit after the first costing TYPO_EXTRA_COST more."""
    if edits <= 0:
        return 1.0
    return max(0.0, 1.0 - edits / (longest + TYPO_SLACK) * (1.0 + TYPO_EXTRA_COST * (edits - 1)))


@lru_cache(maxsize=1 << 18)
def similarity(q: str, c: str) -> tuple[float, str, int]:
    """``token_similarity`` with the phonetic keys worked out (cached: names repeat)."""
    return token_similarity(q, c, phonetic_key(q), phonetic_key(c))


def _respelt(q: str, c: str) -> bool:
    """Same word respelt: same sounds with vowels, vowels dropped, or an article joined."""
    if respell_key(q) == respell_key(c):
        return True
    # vowels dropped on one side ("clmb" for "colombia", "jss" for "jesus"); the
    # cached skeletons are compared first, the vowels only when they agree
    if consonants(q) == consonants(c):
        for a, b in ((q, c), (c, q)):
            if len(a) >= 3 and not _VOWEL_SET.intersection(a) and _VOWEL_SET.intersection(b):
                return True
    # an article joined to the word ("alkhuri" for "khuri")
    return _article_joined(q, c) or _article_joined(c, q)


def _article_joined(a: str, b: str) -> bool:
    return len(a) >= len(b) + 2 and a[:2] in JOINED_ARTICLES and a[2:] == b


def token_similarity(q: str, c: str, qkey: str, ckey: str) -> tuple[float, str, int]:
    """Similarity of two normalised tokens: (0..1, how, edits)."""
    if q == c:
        return 1.0, EXACT, 0
    lq, lc = len(q), len(c)
    if lq == 1 or lc == 1:
        if lq != lc and q[0] == c[0]:
            return INITIAL_SIM, INITIAL, 0
        return 0.0, TYPO, max(lq, lc)
    if lq == 2 and lc == 2:
        # two different two-letter words ("el"/"ep", "al"/"la") are different
        # words, not a typo (and the index could never reach one from the other)
        return 0.0, TYPO, OSA.distance(q, c)
    edits = OSA.distance(q, c)
    longest = max(lq, lc)
    sim = typo_similarity(edits, longest)
    how = TYPO
    plain = 1.0 - edits / longest
    if (
        sim < PHONETIC_SIM
        and plain >= PHONETIC_MIN_EDIT_SIM
        and qkey == ckey
        and len(qkey) >= PHONETIC_MIN_KEY
    ):
        sim, how = PHONETIC_SIM, PHONETIC
    if sim < PHONETIC_SIM and min(lq, lc) >= 3 and _respelt(q, c):
        sim, how = PHONETIC_SIM, PHONETIC
    if sim < TRUNCATION_SIM and min(lq, lc) >= TRUNCATION_MIN_CHARS and (c.startswith(q) or q.startswith(c)):
        sim, how = TRUNCATION_SIM, TRUNCATED
    return sim, how, edits


@dataclass(slots=True)
class Side:
    """The tokens of one name ready for alignment."""

    tokens: tuple[str, ...]
    keys: tuple[str, ...]
    weights: tuple[float, ...]


@dataclass(slots=True)
class Pair:
    """One aligned token pair (indices into query and candidate; compounds span two)."""

    q: tuple[int, ...]
    c: tuple[int, ...]
    sim: float
    how: str
    edits: int
    weight: float


@dataclass(slots=True)
class Alignment:
    pairs: list[Pair]
    unmatched_q: list[int]
    unmatched_c: list[int]
    score: float  # weighted, 0..1
    phonetic: float  # weighted share of tokens that agree in sound (or initial, or as far as written), 0..1
    info: float  # summed rarity weight of the matched tokens


def align(query: Side, cand: Side, person: bool) -> Alignment:
    """Best order-insensitive assignment of query tokens to candidate tokens (greedy by similarity).

    Tokens written together on one side and apart on the other ("zhongxing" /
    "zhong xing") are tried as compounds when the token counts differ.
    """
    qt, ct = query.tokens, cand.tokens
    # (similarity, query token indices, candidate token indices, how, edits)
    scored: list[tuple[float, tuple[int, ...], tuple[int, ...], str, int]] = []
    for i, q in enumerate(qt):
        for j, c in enumerate(ct):
            got = similarity(q, c)
            if got[0] >= TOKEN_MATCH_MIN:
                scored.append((got[0], (i,), (j,), got[1], got[2]))
    if len(qt) != len(ct):
        scored.extend(_compounds(qt, ct))
    cw = cand.weights
    scored.sort(key=lambda s: (-s[0], -len(s[1]) - len(s[2]), -max(cw[j] for j in s[2])))
    used_q: set[int] = set()
    used_c: set[int] = set()
    pairs: list[Pair] = []
    for sim, qi, cj, how, edits in scored:
        if used_q.intersection(qi) or used_c.intersection(cj):
            continue
        used_q.update(qi)
        used_c.update(cj)
        pairs.append(Pair(qi, cj, sim, how, edits, max(cw[j] for j in cj)))
    if pairs and all(p.how == INITIAL for p in pairs):
        pairs = []  # initials alone say nothing
        used_q.clear()
        used_c.clear()
    unmatched_q = [i for i in range(len(qt)) if i not in used_q]
    unmatched_c = [j for j in range(len(ct)) if j not in used_c]
    matched_weight = sum(p.weight for p in pairs)
    gained = sum(p.weight * p.sim for p in pairs)
    if not pairs:
        factor = 1.0
    elif len(pairs) >= 2 and not (
        _significant(unmatched_q, qt, query.weights) and _significant(unmatched_c, ct, cw)
    ):
        # tokens left over on one side only: a dropped middle name or patronymic
        factor = DROPPED_TOKEN_FACTOR if person else ORG_DROPPED_FACTOR
    else:
        factor = UNMATCHED_FACTOR
    # a single letter left over (an initial, "M/V") weighs little
    missing = factor * (
        sum(query.weights[i] if len(qt[i]) > 1 else MIN_TOKEN_WEIGHT for i in unmatched_q)
        + sum(cw[j] for j in unmatched_c)
    )
    total = matched_weight + missing
    score = gained / total if total > 0 else 0.0
    phon = 0.0
    if total > 0:
        agree = sum(
            p.weight * (1.0 if p.how != TYPO or query.keys[p.q[0]] == cand.keys[p.c[0]] else p.sim)
            for p in pairs
        )
        phon = agree / total
    return Alignment(pairs, unmatched_q, unmatched_c, score, phon, matched_weight)


def significant_word(token: str) -> bool:
    """Whether a token carries a name (not a particle, an initial or a generic word)."""
    return len(token) > 2 and token not in PARTICLES and token not in GENERIC_WORDS


def _significant(unmatched: list[int], tokens: tuple[str, ...], weights: tuple[float, ...]) -> bool:
    """Whether a leftover token carries a name (not a particle, an initial or a generic word)."""
    return any(significant_word(tokens[i]) for i in unmatched)


def compound_similarity(token: str, joined: str) -> float:
    """How ``align`` scores a token against two words written together (0 when it would not try)."""
    if len(token) < 4 or abs(len(joined) - len(token)) > 2:
        return 0.0
    return typo_similarity(OSA.distance(token, joined), max(len(token), len(joined)))


class TokenFacts:
    """What ``token_similarity`` reads of each vocabulary token, as arrays, so that
    many pairs are scored at once (the index works out what every listed word
    reaches when it is built). The same decisions in the same order as
    ``token_similarity``; ``tests/matching/test_reach_table.py`` checks that both agree.

    Facts are worked out for a token the first time a pair uses it; a token
    that is only ever two words written together (``joined``) needs its length only.
    """

    def __init__(self, vocab: Sequence[str], joined: Any) -> None:
        size = len(vocab)
        self.vocab = vocab
        self.joined = np.asarray(joined, dtype=bool)
        self.done = np.zeros(size, dtype=bool)
        self.length = np.zeros(size, dtype=np.int32)
        self.first = np.zeros(size, dtype=np.int32)
        self.ph = np.zeros(size, dtype=np.int32)
        self.ph_ok = np.zeros(size, dtype=bool)
        self.resp = np.zeros(size, dtype=np.int32)
        self.cons = np.zeros(size, dtype=np.int32)
        self.vowel = np.zeros(size, dtype=bool)
        self.whole = np.zeros(size, dtype=np.int32)
        self.rest = np.full(size, -1, dtype=np.int32)
        self.codes: dict[str, int] = {}

    def _learn(self, ids: Any) -> None:
        new = np.unique(ids[~self.done[ids]])
        self.done[new] = True
        codes = self.codes
        joined = self.joined
        for v in new.tolist():
            tok = self.vocab[v]
            self.length[v] = len(tok)
            if joined[v]:
                continue
            self.first[v] = ord(tok[0]) if tok else 0
            key = phonetic_key(tok)
            self.ph[v] = codes.setdefault("p" + key, len(codes))
            self.ph_ok[v] = len(key) >= PHONETIC_MIN_KEY
            self.resp[v] = codes.setdefault("r" + respell_key(tok), len(codes))
            self.cons[v] = codes.setdefault("c" + consonants(tok), len(codes))
            self.vowel[v] = bool(_VOWEL_SET.intersection(tok))
            self.whole[v] = codes.setdefault("w" + tok, len(codes))
            if tok[:2] in JOINED_ARTICLES:
                self.rest[v] = codes.setdefault("w" + tok[2:], len(codes))

    def similarities(self, a: Any, b: Any) -> Any:
        """``similarity(vocab[a[i]], vocab[b[i]])[0]`` for every pair at once (``a``: real
        words), or ``compound_similarity`` when ``joined[b[i]]`` (two words written together)."""
        a = np.asarray(a, dtype=np.int64)
        b = np.asarray(b, dtype=np.int64)
        if not len(a):
            return np.zeros(0, dtype=np.float64)
        self._learn(a)
        self._learn(b)
        vocab = self.vocab
        qs = [vocab[v] for v in a.tolist()]
        cs = [vocab[v] for v in b.tolist()]
        edits = process.cpdist(qs, cs, scorer=OSA.distance, workers=1).astype(np.int64)
        lq, lc = self.length[a].astype(np.int64), self.length[b].astype(np.int64)
        longest = np.maximum(lq, lc)
        shortest = np.minimum(lq, lc)
        typo = np.where(
            edits <= 0,
            1.0,
            np.maximum(0.0, 1.0 - edits / (longest + TYPO_SLACK) * (1.0 + TYPO_EXTRA_COST * (edits - 1))),
        )
        # compound_similarity: a word of 4+ letters against two written together
        compound = np.where((lq >= 4) & (np.abs(lc - lq) <= 2), typo, 0.0)
        sim = typo.copy()
        low = sim < PHONETIC_SIM
        plain = 1.0 - edits / np.maximum(longest, 1)
        ph, vowel, cons = self.ph, self.vowel, self.cons
        phon = low & (plain >= PHONETIC_MIN_EDIT_SIM) & (ph[a] == ph[b]) & self.ph_ok[a]
        sim[phon] = PHONETIC_SIM
        low = sim < PHONETIC_SIM
        respelt = (self.resp[a] == self.resp[b]) | (
            (cons[a] == cons[b]) & (((lq >= 3) & ~vowel[a] & vowel[b]) | ((lc >= 3) & ~vowel[b] & vowel[a]))
        )
        # an article joined to the word: one token is the other with "al", "el" or "ul" before it
        respelt |= (self.rest[a] == self.whole[b]) | (self.rest[b] == self.whole[a])
        sim[low & (shortest >= 3) & respelt] = PHONETIC_SIM
        # the start of the other: then the edits are exactly the difference in length
        maybe = (sim < TRUNCATION_SIM) & (shortest >= TRUNCATION_MIN_CHARS) & (edits == np.abs(lq - lc))
        maybe &= ~self.joined[b]
        for i in np.nonzero(maybe)[0].tolist():
            if cs[i].startswith(qs[i]) or qs[i].startswith(cs[i]):
                sim[i] = TRUNCATION_SIM
        # a single letter: an initial for a word it begins, or nothing
        letter = (lq == 1) | (lc == 1)
        sim[letter] = np.where((lq != lc) & (self.first[a] == self.first[b]), INITIAL_SIM, 0.0)[letter]
        sim[(lq == 2) & (lc == 2)] = 0.0
        sim[a == b] = 1.0
        return np.where(self.joined[b], compound, sim)


def _compounds(
    qt: tuple[str, ...], ct: tuple[str, ...]
) -> list[tuple[float, tuple[int, ...], tuple[int, ...], str, int]]:
    """A token against two adjacent tokens of the other side written together ("zhongxing" / "zhong xing")."""
    out: list[tuple[float, tuple[int, ...], tuple[int, ...], str, int]] = []
    for short, long_, flip in ((qt, ct, False), (ct, qt, True)):
        for i, tok in enumerate(short):
            if len(tok) < 4:
                continue
            for j in range(len(long_) - 1):
                joined = long_[j] + long_[j + 1]
                if abs(len(joined) - len(tok)) > 2:
                    continue
                edits = OSA.distance(tok, joined)
                sim = typo_similarity(edits, max(len(tok), len(joined)))
                if sim >= TOKEN_MATCH_MIN:
                    pair = ((j, j + 1), (i,)) if flip else ((i,), (j, j + 1))
                    out.append((sim, pair[0], pair[1], COMPOUND, edits))
    return out


# ------------------------------------------------------------------ features

# Neutral results, made once (most queries carry no qualifier).
_TYPE_NOT_COMPARED = FeatureScore("entity_type", 0.0, 0.0, "type not compared")
_LEGAL_NOT_COMPARED = FeatureScore("legal_form", 0.0, 0.0, "legal form not compared")
_COUNTRY_NOT_COMPARED = FeatureScore("country", 0.0, 0.0, "country not compared")
_DOB_NOT_COMPARED = FeatureScore("birth_date", 0.0, 0.0, "birth date not compared")
_NO_IDENTIFIER = FeatureScore("identifier", 0.0, 0.0, "no identifier given")
_DISTINCTIVE = FeatureScore("informativeness", 0.0, 0.0, "matched tokens are distinctive")


def token_alignment(al: Alignment, query: Side, cand: Side, matched_name: str) -> FeatureScore:
    """How well the name tokens align, weighted by rarity (the main name feature)."""
    n_q, n_c = len(query.tokens), len(cand.tokens)
    parts: list[str] = []
    for p in al.pairs:
        q = " ".join(query.tokens[i] for i in p.q)
        c = " ".join(cand.tokens[j] for j in p.c)
        tag = "" if p.how == EXACT else f" ({p.how}{', ' + str(p.edits) + ' edits' if p.how == TYPO else ''})"
        parts.append(f"{q}={c}{tag} w{p.weight:.2f}")
    for i in al.unmatched_q:
        parts.append(f"{query.tokens[i]}: not in the listed name")
    for j in al.unmatched_c:
        parts.append(f"{cand.tokens[j]}: listed, not in the query")
    head = f"{len(al.pairs)} of {max(n_q, 1)} query tokens align with {n_c} of {matched_name!r}"
    return FeatureScore("token_alignment", 0.0, al.score, head + ": " + "; ".join(parts))


def phonetic(al: Alignment) -> FeatureScore:
    agree = sum(1 for p in al.pairs if p.how != TYPO)
    return FeatureScore(
        "phonetic", 0.0, al.phonetic, f"{agree} of {len(al.pairs)} aligned tokens agree in sound or spelling"
    )


def informativeness(al: Alignment) -> FeatureScore:
    """A penalty (-1..0) when what matched is only common words."""
    if not al.pairs or al.info >= INFO_FULL:
        return _DISTINCTIVE
    adj = -(1.0 - al.info / INFO_FULL)
    return FeatureScore(
        "informativeness",
        0.0,
        adj,
        f"the matched words are common in the lists (distinctiveness {al.info:.2f}, "
        f"full weight from {INFO_FULL:.2f})",
    )


# Entity types that can be the same kind of party.
_ORG_TYPES = frozenset({"organization", "company"})


def entity_type(query_type: str | None, entry_type: str) -> FeatureScore:
    """-1 when the kinds cannot be the same party (a person against a vessel); 0 otherwise."""
    if not query_type or query_type in ("any", "unknown") or entry_type == "unknown":
        return _TYPE_NOT_COMPARED
    if query_type == entry_type or (query_type in _ORG_TYPES and entry_type in _ORG_TYPES):
        return FeatureScore("entity_type", 0.0, 0.0, f"type {entry_type} agrees")
    return FeatureScore("entity_type", 0.0, -1.0, f"type differs: query {query_type}, listed {entry_type}")


def legal_form(query_forms: frozenset[str], entry_forms: frozenset[str]) -> FeatureScore:
    if not query_forms or not entry_forms:
        return _LEGAL_NOT_COMPARED
    if query_forms & entry_forms:
        return FeatureScore(
            "legal_form", 0.0, 1.0, f"legal form {sorted(query_forms & entry_forms)[0]} agrees"
        )
    return FeatureScore(
        "legal_form",
        0.0,
        -1.0,
        f"legal form differs: {'/'.join(sorted(query_forms))} vs {'/'.join(sorted(entry_forms))}",
    )


def country(query_country: str | None, entry_countries: frozenset[str]) -> FeatureScore:
    if not query_country or not entry_countries:
        return _COUNTRY_NOT_COMPARED
    cc = query_country.upper()
    if cc in entry_countries:
        return FeatureScore("country", 0.0, 1.0, f"country {cc} agrees")
    return FeatureScore(
        "country", 0.0, -1.0, f"country {cc} not among listed {','.join(sorted(entry_countries))}"
    )


def _years(value: str) -> tuple[int, int] | None:
    parts = value.split("/")
    try:
        lo = int(parts[0][:4])
        hi = int(parts[-1][:4])
    except ValueError:
        return None
    return (min(lo, hi), max(lo, hi))


def birth_date(query_dob: str | None, entry_dates: tuple[str, ...]) -> FeatureScore:
    """+1 same date (as precise as both give), +0.5 same year, -1 years apart by more than one."""
    if not query_dob or not entry_dates:
        return _DOB_NOT_COMPARED
    q = query_dob.strip()
    qy = _years(q)
    if qy is None:
        return _DOB_NOT_COMPARED
    best = -1.0
    for d in entry_dates:
        ey = _years(d)
        if ey is None:
            continue
        if "/" not in d and "/" not in q and len(d) > 4 and len(q) > 4:
            n = min(len(d), len(q))
            if d[:n] == q[:n]:
                return FeatureScore("birth_date", 0.0, 1.0, f"birth date {d} agrees")
        if qy[0] <= ey[1] and ey[0] <= qy[1]:
            best = max(best, 0.5)
        elif qy[0] - 1 <= ey[1] and ey[0] <= qy[1] + 1:
            best = max(best, 0.0)
    if best > 0:
        return FeatureScore("birth_date", 0.0, best, f"birth year agrees ({', '.join(entry_dates)})")
    if best == 0:
        return FeatureScore("birth_date", 0.0, 0.0, f"birth year one apart ({', '.join(entry_dates)})")
    return FeatureScore("birth_date", 0.0, -1.0, f"born {q}, listed {', '.join(entry_dates)}")


def identifier(query_id: str | None, entry_ids: tuple[str, ...]) -> FeatureScore:
    """1 when the query's identifier is one of the entry's (decisive); 0 otherwise (lists are partial)."""
    if not query_id:
        return _NO_IDENTIFIER
    if query_id in entry_ids:
        return FeatureScore("identifier", 0.0, 1.0, f"identifier {query_id} matches")
    if entry_ids:
        return FeatureScore("identifier", 0.0, 0.0, "identifier not among the listed ones")
    return FeatureScore("identifier", 0.0, 0.0, "no listed identifier to compare")
