"""Mentions of known parties in article text, linked to entities. Pure: no I/O.

A ``Gazetteer`` is built once from every name and alias in the database (list
entries and own entities alike). ``find_mentions`` then reads an article in one
pass over its tokens (``compliance.news.tokens``):

1. Exact: the longest run of tokens equal to a name's tokens, with or without
   its legal form ("ZTE", "ZTE Corporation"), in any script ("中兴通讯" against
   "中兴通讯股份有限公司"). People are also found by first and last name
   without middle names, in either order.
2. Compact: tokens joined equal a name joined ("ZTE soft" / "ZTEsoft",
   "Zhongxing Tongxun" / 中兴通讯 romanised).
3. Fuzzy: left-over capitalised words sharing a sound key with a rare name word
   ("Prigojine" / "Prigozhin") are aligned with the whole name, every word
   scored by the screening engine's token similarity ("Evgueni" / "Yevgeniy").
4. Short forms: a person's surname or part of their name, or a company's first
   word, where the full name is linked in the same article.

No match runs across a sentence end. What is not a party: a name made of one
ordinary word, stop word or place ("Cloud", "Emirates", "Iran"; ``lexicon.yml``)
unless a legal form follows it in the text; a word of a place the article names
("Unidos" in "Estados Unidos"); a lower-case word in a cased script; a name of
ordinary words only unless written as a name ("Tornado Cash", not "a tornado").
docs/news.md gives every rule with its reason.

Context picks between namesakes: the countries the article names against each
candidate's countries. Candidates equally good whose countries agree are the
same party in several records (a list entry and our own record) and are all
linked; candidates whose countries conflict wait for review.

Scores are 0..1. ``LINK_THRESHOLD`` and above is linked; ``REVIEW_THRESHOLD``
and above waits for review; below is dropped.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, NamedTuple

from compliance.matching.features import GENERIC_WORDS, TRUNCATED, similarity
from compliance.news.amounts import find_amounts
from compliance.news.categories import categorize
from compliance.news.lexicon import Lexicon, lexicon, place_spans
from compliance.news.tokens import Token, name_keys, sentences, sound_key, tokenize
from compliance.normalize.names import compact_key, normalize_name

# Decisions (scores are 0..1).
LINK_THRESHOLD = 0.85
REVIEW_THRESHOLD = 0.6
# Base scores per way of finding a name.
EXACT_SCORE = 0.95
PERSON_SHORT_SCORE = 0.9  # first and last name, middle names left out
# One word left when the legal form is taken off a name ("Wagner Group" ->
# "Wagner"): often a surname or a word too, so it waits for review unless the
# entity carries that word as a name of its own ("Nokia" for "Nokia Oyj").
STRIPPED_ONE_WORD_SCORE = 0.8
COMPACT_SCORE = 0.9
# Fuzzy: several words all close ("Evgueni Prigojine") is strong evidence; one
# word close to a one-word name ("Huawey") is a typo to confirm.
FUZZY_BASE = 0.55  # + FUZZY_FACTOR x the mean word similarity, for several words
FUZZY_FACTOR = 0.4
FUZZY_ONE_WORD_FACTOR = 0.85  # x the similarity, for a one-word name
FUZZY_MIN_TOKEN = 0.74  # every word of a fuzzy match at least this similar...
FUZZY_MIN_MEAN = 0.78  # ...and all of them this similar on average
FUZZY_ONE_WORD_MIN = 0.85  # a one-word name: a typo or respelling, never a cut word
SHORT_REFERENCE_SCORE = 0.88  # surname / first word after the full name
# A one-word acronym of three or four letters ("ZTE", "AWS", "BNC"): our own
# records' acronyms are trusted more than a list's.
ACRONYM_OWN_SCORE = 0.9
ACRONYM_LIST_SCORE = 0.8
# A list's weak alias (OFAC "weak a.k.a.") counts less.
WEAK_PENALTY = 0.15
# Context: the article names a country of the candidate, or only other ones.
# Between namesakes the conflict weighs heavily; for a name only one entity
# carries it weighs little (news about a company rarely names its home country).
COUNTRY_AGREES = 0.05
COUNTRY_CONFLICTS = 0.2
COUNTRY_CONFLICTS_ALONE = 0.05
LEGAL_FORM_BONUS = 0.03
# Candidates within this of the best are tied.
TIE = 0.02
# A name word is "rare" (it may start a fuzzy match) in at most this many names.
RARE_WORD_NAMES = 50
FUZZY_MIN_CHARS = 4
# Rare name words of at least PREFIX_MIN_CHARS are also found by their first
# PREFIX_CHARS letters, for spellings whose sound key differs ("Prigoschin").
PREFIX_CHARS = 4
PREFIX_MIN_CHARS = 6
# A company's first word may stand for it later in the article if at least this long.
SHORT_REFERENCE_MIN_CHARS = 4
# Words around a mention where categories and amounts are looked for: its
# sentence, and the next sentences while they name no other party.
FOLLOWING_SENTENCES = 1
MAX_SENTENCE_CHARS = 1000

_PERSON = "person"
_ORG_WORDS = re.compile(
    r"(?:Bank|Banque|Banco|Group|Groupe|Gruppe|Grupo|Holdings?|Technolog\w*|Airlines?|Corporation|"
    r"Company|Trading|Shipping|Industries|Petroleum|Energy|Capital|Partners|Ventures|Systems|Tele[ck]om\w*)$"
)
_CAMEL = re.compile(r"^[A-Z][a-z]+(?:[A-Z][a-z]+)+$")
# Chinese company names: 2-8 characters (no grammatical particle among them)
# before a company word.
_HAN_ORG = re.compile(
    r"(?:(?![的和与在是了对被将及向从由])[\u3400-\u9fff]){2,8}?(?:股份有限公司|有限责任公司|有限公司|集团|公司)"
)


class KnownName(NamedTuple):
    """One name or alias of one entity, as the database holds it."""

    entity_id: int
    name: str
    entity_type: str
    source: str | None = None  # list source key; None for own records
    ref: str | None = None  # the source's own reference
    countries: frozenset[str] = frozenset()
    weak: bool = False
    primary: bool = True  # the entity's own name, not an alias


class _Variant(NamedTuple):
    name: int  # index into Gazetteer.names
    keys: tuple[str, ...]
    method: str  # exact | person_short | stripped | compact


@dataclass(frozen=True)
class FoundMention:
    surface: str
    start: int
    end: int
    entity_id: int | None
    score: float
    method: str
    status: str  # linked | review | candidate
    sentence: str
    categories: tuple[str, ...] = ()
    amounts: tuple[dict[str, object], ...] = ()
    name: str | None = None  # the name or alias that matched
    source: str | None = None
    ref: str | None = None


@dataclass
class Gazetteer:
    names: list[KnownName] = field(default_factory=list)
    variants: list[_Variant] = field(default_factory=list)
    exact: dict[tuple[str, ...], list[int]] = field(default_factory=dict)
    longest: dict[str, int] = field(default_factory=dict)
    compact: dict[str, list[int]] = field(default_factory=dict)
    # Rare name words -> (variant, position of the word), under two kinds of key:
    # the sound key (upper case, "PRKJN") and the first PREFIX_CHARS letters
    # (lower case, "prig"); the cases keep the two apart.
    sounds: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    # Entity -> the entities tied to it by ownership, control or directorship.
    related: dict[int, frozenset[int]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.names)

    # Kept on disk as plain tuples and lists: ten times faster to load than objects.
    def __getstate__(self) -> dict[str, Any]:
        return {
            "names": [(*n[:5], tuple(sorted(n.countries)), n.weak, n.primary) for n in self.names],
            "variants": (
                [v.name for v in self.variants],
                [v.keys for v in self.variants],
                [v.method for v in self.variants],
            ),
            "exact": self.exact,
            "longest": self.longest,
            "compact": self.compact,
            "sounds": self.sounds,
            "related": {k: tuple(v) for k, v in self.related.items()},
        }

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.names = [
            KnownName(eid, name, etype, source, ref, frozenset(countries), weak, primary)
            for eid, name, etype, source, ref, countries, weak, primary in state["names"]
        ]
        self.variants = [_Variant(*v) for v in zip(*state["variants"], strict=True)]
        self.exact = state["exact"]
        self.longest = state["longest"]
        self.compact = state["compact"]
        self.sounds = state["sounds"]
        self.related = {k: frozenset(v) for k, v in state["related"].items()}


def _legal_form_tokens(keys: tuple[str, ...], entity_type: str) -> tuple[str, ...]:
    """The name's tokens with its legal forms removed, as article tokens ("中兴通讯")."""
    form = normalize_name(" ".join(keys), entity_type) if not any(_is_han(k) for k in keys) else None
    if form is not None:
        return form.tokens
    # Chinese: legal forms are taken off the romanised syllables; map them back.
    syllables = [word_form[0] if (word_form := normalize_name(k, "vessel").tokens) else "" for k in keys]
    core = normalize_name("".join(keys), entity_type).tokens
    n = len(core)
    for i in range(len(keys) - n + 1):
        if tuple(syllables[i : i + n]) == core:
            return keys[i : i + n]
    return keys


def _is_han(key: str) -> bool:
    return len(key) == 1 and "\u3400" <= key <= "\u9fff"


def build_gazetteer(names: Iterable[KnownName], ties: Iterable[tuple[int, int]] = ()) -> Gazetteer:
    """The gazetteer of ``names``; ``ties`` are (owner, owned) pairs of entity ids."""
    gaz = Gazetteer()
    related: dict[int, set[int]] = defaultdict(set)
    for a, b in ties:
        related[a].add(b)
        related[b].add(a)
    gaz.related = {k: frozenset(v) for k, v in related.items()}
    seen: set[tuple[int, tuple[str, ...], str]] = set()

    def add(idx: int, keys: tuple[str, ...], method: str) -> None:
        if not keys or (len(keys) == 1 and _is_han(keys[0])):
            return
        marker = (gaz.names[idx].entity_id, keys, method)
        if marker in seen:
            return
        seen.add(marker)
        vid = len(gaz.variants)
        gaz.variants.append(_Variant(idx, keys, method))
        if method == "compact":
            gaz.compact.setdefault(keys[0], []).append(vid)
            return
        gaz.exact.setdefault(keys, []).append(vid)
        if gaz.longest.get(keys[0], 0) < len(keys):
            gaz.longest[keys[0]] = len(keys)

    for known in names:
        full = name_keys(known.name)
        if not full:
            continue
        idx = len(gaz.names)
        gaz.names.append(known)
        person = known.entity_type == _PERSON
        add(idx, full, "exact")
        if person:
            core = normalize_name(known.name, _PERSON).tokens
            add(idx, core, "exact")
            if len(core) > 2:
                add(idx, (core[0], core[-1]), "person_short")
            if len(core) >= 2:
                add(idx, (core[-1], core[0]), "person_short")
        else:
            core = _legal_form_tokens(full, known.entity_type)
            one_word = len(core) == 1 and len(full) > 1 and not _is_han(core[0])
            add(idx, core, "stripped" if one_word else "exact")
        joined = compact_key(core)
        if len(joined) >= 5 and not any(_is_han(k) for k in core):
            add(idx, (joined,), "compact")
        elif any(_is_han(k) for k in core):
            romanised = compact_key(normalize_name(known.name, known.entity_type).tokens)
            if len(romanised) >= 8:
                add(idx, (romanised,), "compact")
    # Rare words start fuzzy matches.
    frequency: dict[str, int] = defaultdict(int)
    for variant in gaz.variants:
        for key in set(variant.keys):
            frequency[key] += 1
    for vid, variant in enumerate(gaz.variants):
        if variant.method == "compact":
            continue
        for pos, key in enumerate(variant.keys):
            if len(key) < FUZZY_MIN_CHARS or frequency[key] > RARE_WORD_NAMES or key in GENERIC_WORDS:
                continue
            sound = sound_key(key)
            if sound:
                gaz.sounds.setdefault(sound, []).append((vid, pos))
                if len(key) >= PREFIX_MIN_CHARS:
                    gaz.sounds.setdefault(key[:PREFIX_CHARS], []).append((vid, pos))
    return gaz


# ---------------------------------------------------------------- finding


@dataclass
class _Match:
    start: int  # token index
    end: int  # token index, exclusive
    variants: list[int]
    method: str
    similarity: float = 1.0


@lru_cache(maxsize=65_536)
def _is_legal_form(words: str) -> bool:
    """Whether ``words`` is a legal form ("Co., Ltd.", "GmbH", "S.A.", "股份有限公司")."""
    form = normalize_name(f"Zqx {words}", "company")
    return bool(form.legal_forms) and form.tokens == ("zqx",)


def _legal_form_after(text: str, tokens: Sequence[Token], end: int) -> int:
    """Token index after a legal form that follows token ``end - 1`` (``end`` when none)."""
    best = end
    for size in range(1, 5):
        if end + size > len(tokens):
            break
        last = tokens[end + size - 1]
        if last.brk:
            break
        if not (last.han or text[last.start].isupper()):
            break  # legal forms are written with a capital ("Ltd", "SA"); "sa", "est" are words
        words = text[tokens[end].start : last.end]
        if len(words) > 40:
            break
        if _is_legal_form(words):
            best = end + size
    return best


def _segment_ends(tokens: Sequence[Token]) -> list[int]:
    """For each token, the index where its sentence (or line) ends: no match runs past it."""
    ends = [len(tokens)] * len(tokens)
    end = len(tokens)
    for k in range(len(tokens) - 1, -1, -1):
        ends[k] = end
        if tokens[k].brk:
            end = k
    return ends


def _exact_at(gaz: Gazetteer, keys: Sequence[str], i: int, limit: int) -> _Match | None:
    longest = gaz.longest.get(keys[i], 0)
    for size in range(min(longest, limit - i), 0, -1):
        found = gaz.exact.get(tuple(keys[i : i + size]))
        if found:
            return _Match(i, i + size, list(found), "exact")
    return None


def _compact_at(gaz: Gazetteer, tokens: Sequence[Token], i: int, limit: int) -> _Match | None:
    for size in (3, 2, 1):
        window = tokens[i : min(i + size, limit)]
        if len(window) < size or any(t.han for t in window):
            continue
        found = gaz.compact.get("".join(t.key for t in window))
        if found:
            return _Match(i, i + size, list(found), "compact")
    return None


def _scan(gaz: Gazetteer, tokens: Sequence[Token], take: Callable[[_Match], bool]) -> None:
    """Leftmost-longest exact and compact matches; ``take`` says whether one was kept."""
    keys = [t.key for t in tokens]
    ends = _segment_ends(tokens)
    i = 0
    while i < len(tokens):
        found = _exact_at(gaz, keys, i, ends[i]) or _compact_at(gaz, tokens, i, ends[i])
        if found is not None and take(found):
            i = found.end
        else:
            i += 1


def _fuzzy(gaz: Gazetteer, tokens: Sequence[Token], covered: list[bool], lex: Lexicon) -> list[_Match]:
    best: dict[tuple[int, int], _Match] = {}
    ends = _segment_ends(tokens)
    for i, token in enumerate(tokens):
        if covered[i] or token.han or not token.capital or len(token.key) < FUZZY_MIN_CHARS:
            continue
        if lex.is_word((token.key,)):
            continue
        sound = sound_key(token.key)
        blocks = [*gaz.sounds.get(sound, ())]
        if len(token.key) >= PREFIX_MIN_CHARS:
            blocks.extend(gaz.sounds.get(token.key[:PREFIX_CHARS], ()))
        for vid, pos in dict.fromkeys(blocks):
            variant = gaz.variants[vid]
            start, end = i - pos, i - pos + len(variant.keys)
            if start < 0 or end > ends[start] or any(covered[start:end]):
                continue
            window = tokens[start:end]
            if not window[0].capital or (len(window) == 1 and len(token.key) < 6):
                continue
            scored = [similarity(t.key, k) for t, k in zip(window, variant.keys, strict=True)]
            sims = [s for s, _, _ in scored]
            mean = sum(sims) / len(sims)
            if len(window) == 1 and (scored[0][1] == TRUNCATED or mean < FUZZY_ONE_WORD_MIN):
                continue  # "Arctic" is not a misspelt "Arcticgeo"
            if min(sims) < FUZZY_MIN_TOKEN or mean < FUZZY_MIN_MEAN:
                continue
            if mean >= 1.0:
                continue  # an exact match the scan already saw (or chose not to take)
            current = best.get((start, end))
            if current is None or mean > current.similarity:
                best[(start, end)] = _Match(start, end, [vid], "fuzzy", mean)
            elif mean == current.similarity:
                current.variants.append(vid)
    chosen: list[_Match] = []
    taken = [False] * len(tokens)
    for match in sorted(best.values(), key=lambda m: (-m.similarity, -(m.end - m.start), m.start)):
        if any(taken[match.start : match.end]):
            continue
        for k in range(match.start, match.end):
            taken[k] = True
        chosen.append(match)
    return chosen


def _plausible(match: _Match, gaz: Gazetteer, tokens: Sequence[Token], text: str, lex: Lexicon) -> bool:
    """Whether the words matched can be a name here at all (not a word, a place, lower case)."""
    window = tokens[match.start : match.end]
    first = window[0]
    if not first.han and not first.capital:
        return False
    keys = tuple(t.key for t in window)
    named_by_form = _legal_form_after(text, tokens, match.end) > match.end
    if lex.is_word(keys) and not named_by_form:
        return False  # "Iran", "Cloud", "United Arab Emirates"
    ordinary = [k in GENERIC_WORDS or k in lex.common or k in lex.all_stopwords for k in keys]
    if all(ordinary) and not named_by_form:
        # "International Trading", "Tornado Cash": ordinary words, a name only when
        # written as one: each word capitalised, not at the start of a sentence.
        before = text[: first.start].rstrip()
        capitalised = all(t.capital for t in window if t.key not in lex.all_stopwords)
        if len(keys) == 1 or not capitalised or not before or before[-1] in ".!?:\n":
            return False
    if first.han and _inside_longer_chinese_name(text, window):
        return False
    if len(keys) == 1 and not first.han:
        key = keys[0]
        if key.isdigit():
            return False
        if len(key) <= 4 and not first.upper and match.method != "compact":
            # "Aws", "Zte" in running text are words; acronyms are written in capitals.
            return len(key) == 4 and first.capital and not lex.is_word(keys)
    return True


_HAN_NAME_END = re.compile(
    r"(?:(?![的和与在是了对被将及向从由])[\u3400-\u9fff]){1,8}?(?:股份有限公司|有限责任公司|有限公司|集团|公司)"
)


def _inside_longer_chinese_name(text: str, window: Sequence[Token]) -> bool:
    """ "华为" in "华为投资控股有限公司": the start of another company's name, not this one."""
    end = window[-1].end
    m = _HAN_NAME_END.match(text, end)
    if m is None:
        return False
    rest = text[end : m.end()]
    return not _is_legal_form(rest)


def _base_score(match: _Match, variant: _Variant, known: KnownName, window: Sequence[Token]) -> float:
    if match.method == "fuzzy":
        if len(window) > 1:
            score = FUZZY_BASE + FUZZY_FACTOR * match.similarity
        else:
            score = FUZZY_ONE_WORD_FACTOR * match.similarity
    elif match.method == "compact":
        score = COMPACT_SCORE
    elif variant.method == "person_short":
        score = PERSON_SHORT_SCORE
    elif variant.method == "stripped":
        score = STRIPPED_ONE_WORD_SCORE
    elif len(window) == 1 and not window[0].han and len(window[0].key) <= 4 and window[0].upper:
        score = ACRONYM_LIST_SCORE if known.source else ACRONYM_OWN_SCORE
    else:
        score = EXACT_SCORE
    if known.weak:
        score -= WEAK_PENALTY
    return score


@dataclass
class _Linked:
    start: int  # token indexes
    end: int
    char_end: int
    entity_id: int
    score: float
    method: str
    known: KnownName
    status: str = "linked"
    alone: bool = True  # the only entity found for these words


def _resolve(
    match: _Match,
    gaz: Gazetteer,
    tokens: Sequence[Token],
    text: str,
    countries: frozenset[str],
) -> list[_Linked]:
    """The entities one matched span links to, scored with the article's context."""
    window = tokens[match.start : match.end]
    after = _legal_form_after(text, tokens, match.end)
    char_end = tokens[after - 1].end
    per_entity: dict[int, tuple[float, KnownName, str]] = {}
    alone = len({gaz.names[gaz.variants[vid].name].entity_id for vid in match.variants}) == 1
    # Alone, only a one-word name is put in doubt by the article's countries:
    # a full name ("Evgueni Prigojine") is specific enough in itself.
    one_word_alone = COUNTRY_CONFLICTS_ALONE if len(window) == 1 else 0.0
    conflict = one_word_alone if alone else COUNTRY_CONFLICTS
    for vid in match.variants:
        variant = gaz.variants[vid]
        known = gaz.names[variant.name]
        score = _base_score(match, variant, known, window)
        if after > match.end:
            score += LEGAL_FORM_BONUS
        if known.countries and countries:
            score += COUNTRY_AGREES if known.countries & countries else -conflict
        score = min(score, 1.0)
        method = match.method if match.method != "exact" else variant.method
        current = per_entity.get(known.entity_id)
        if current is None or (score, known.primary) > (current[0], current[1].primary):
            per_entity[known.entity_id] = (score, known, method)
    if not per_entity:
        return []
    top = max(s for s, _, _ in per_entity.values())
    tied = [(eid, s, k, m) for eid, (s, k, m) in per_entity.items() if s >= top - TIE]
    if any(k.primary for _, _, k, _ in tied) and not _countries_conflict([k for _, _, k, _ in tied]):
        # The words are one party's own name and only an alias of the others:
        # "Huawei Investment & Holding" is that company, not a Huawei entry that
        # lists it among its a.k.a.s.
        tied = [t for t in tied if t[2].primary]
    linked = [
        _Linked(match.start, after, char_end, eid, s, m, k, alone=len(tied) == 1) for eid, s, k, m in tied
    ]
    if len(linked) > 1 and _countries_conflict([lk.known for lk in linked]):
        for lk in linked:
            lk.score = min(lk.score, LINK_THRESHOLD - 0.05)
    for lk in linked:
        lk.status = (
            "linked" if lk.score >= LINK_THRESHOLD else "review" if lk.score >= REVIEW_THRESHOLD else "drop"
        )
    return [lk for lk in linked if lk.status != "drop"]


def _countries_conflict(knowns: Sequence[KnownName]) -> bool:
    sets = [k.countries for k in knowns if k.countries]
    return any(not (a & b) for i, a in enumerate(sets) for b in sets[i + 1 :])


def _short_references(
    gaz: Gazetteer,
    tokens: Sequence[Token],
    covered: list[bool],
    linked: Sequence[_Linked],
    lex: Lexicon,
) -> list[_Linked]:
    """Shorter forms of a name found in full in the same article.

    A person's surname, or two or three consecutive words of their name ("Saddam
    Hussein" after "Saddam Hussein al-Tikriti"); a company's first word
    ("Novatek" after "Novatek Microelectronics"). A short form two linked
    parties share is left alone.
    """
    heads: dict[tuple[str, ...], set[int]] = defaultdict(set)
    firsts: dict[int, _Linked] = {}
    for lk in linked:
        if lk.status != "linked" or lk.end - lk.start < 2:
            continue
        words = tuple(t.key for t in tokens[lk.start : lk.end])
        forms: list[tuple[str, ...]] = []
        if lk.known.entity_type == _PERSON:
            forms.append(words[-1:])
            for size in (3, 2):
                forms.extend(words[k : k + size] for k in range(len(words) - size + 1) if size < len(words))
        else:
            forms.append(words[:1])
        for form in forms:
            content = [k for k in form if k not in lex.all_stopwords and k not in lex.common]
            if not content or max(len(k) for k in content) < SHORT_REFERENCE_MIN_CHARS:
                continue
            if len(form) == 1 and (form[0] in GENERIC_WORDS or lex.is_word(form) or form in gaz.exact):
                continue  # an ordinary word, or a name of its own: the scan decides
            heads[form].add(lk.entity_id)
            firsts.setdefault(lk.entity_id, lk)
    found: list[_Linked] = []
    keys = [t.key for t in tokens]
    ends = _segment_ends(tokens)
    i = 0
    while i < len(tokens):
        for size in (3, 2, 1):
            form = tuple(keys[i : min(i + size, ends[i])])
            owners = heads.get(form) if len(form) == size else None
            if owners and len(owners) == 1 and tokens[i].capital and not any(covered[i : i + size]):
                (eid,) = owners
                end = i + size
                found.append(
                    _Linked(
                        i,
                        end,
                        tokens[end - 1].end,
                        eid,
                        SHORT_REFERENCE_SCORE,
                        "short_reference",
                        firsts[eid].known,
                    )
                )
                for k in range(i, end):
                    covered[k] = True
                i = end - 1
                break
        i += 1
    return found


def _co_mentions(gaz: Gazetteer, linked: list[_Linked], certain: set[int]) -> list[_Linked]:
    """Namesakes left in doubt, settled by the other parties the article names.

    Of the entities tied on the same words, the one the article also names in
    full ("Novatek" after "Novatek Microelectronics"), or the one tied by
    ownership or control to a party the article names, is linked and the
    others dropped. When none or several qualify, all still wait for review.
    """
    groups: dict[tuple[int, int], list[_Linked]] = defaultdict(list)
    for lk in linked:
        if not lk.alone and lk.status == "review":
            groups[(lk.start, lk.end)].append(lk)
    if not groups:
        return linked
    dropped: set[int] = set()
    for members in groups.values():
        others = certain - {lk.entity_id for lk in members}
        chosen = [
            lk
            for lk in members
            if lk.entity_id in certain or gaz.related.get(lk.entity_id, frozenset()) & others
        ]
        if len(chosen) != 1:
            continue
        winner = chosen[0]
        winner.status, winner.method = "linked", f"{winner.method}+co-mention"
        winner.score = max(winner.score, LINK_THRESHOLD)
        dropped.update(id(lk) for lk in members if lk is not winner)
    return [lk for lk in linked if id(lk) not in dropped]


def _candidates(
    text: str, tokens: Sequence[Token], covered: list[bool], lex: Lexicon
) -> list[tuple[int, int]]:
    """Character spans of organisation-like names the database does not know."""
    spans: list[tuple[int, int]] = []
    i = 0
    n = len(tokens)
    while i < n:
        token = tokens[i]
        if covered[i] or token.han or not token.capital or token.key in lex.all_stopwords:
            i += 1
            continue
        j = i
        while j < n and not covered[j] and not tokens[j].han and tokens[j].capital and j - i < 5:
            if j > i and tokens[j].brk:
                break
            gap = text[tokens[j - 1].end : tokens[j].start] if j > i else ""
            if j > i and not re.fullmatch(r"[ &\-]?\s?", gap):
                break
            j += 1
        words = text[tokens[i].start : tokens[j - 1].end]
        # A legal form after one or more of the words: "Lakeside Components Inc."
        cut = next((k for k in range(i + 1, j + 1) if k < n and _legal_form_after(text, tokens, k) > k), None)
        if cut is not None:
            after = _legal_form_after(text, tokens, cut)
            if not any(covered[cut:after]):
                spans.append((tokens[i].start, tokens[after - 1].end))
                i = max(after, j)
                continue
        if j - i >= 2 and _ORG_WORDS.search(words):
            spans.append((tokens[i].start, tokens[j - 1].end))
        elif j - i == 1 and _CAMEL.match(words) and not lex.is_word((token.key,)):
            spans.append((token.start, token.end))
        i = j
    for m in _HAN_ORG.finditer(text):
        if not any(covered[k] for k, t in enumerate(tokens) if m.start() <= t.start < m.end()):
            spans.append((m.start(), m.end()))
    return spans


def _sentence_index(spans: Sequence[tuple[int, int]], pos: int) -> int:
    lo, hi = 0, len(spans) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if spans[mid][0] <= pos:
            lo = mid
        else:
            hi = mid - 1
    return lo


def find_mentions(text: str, gaz: Gazetteer, language: str | None = None) -> list[FoundMention]:
    """Every mention of a known party in ``text``, and organisation-like names not known."""
    lex = lexicon()
    tokens = tokenize(text)
    places = place_spans(tokens)
    countries = frozenset(code for _, _, code in places)
    # Words of a place ("Unidos" in "Estados Unidos") are never part of a party's name.
    in_place = [False] * len(tokens)
    for first, end, _ in places:
        for k in range(first, end):
            in_place[k] = True
    covered = [False] * len(tokens)
    linked: list[_Linked] = []

    def take(match: _Match) -> bool:
        if all(in_place[match.start : match.end]) or not _plausible(match, gaz, tokens, text, lex):
            return False
        results = _resolve(match, gaz, tokens, text, countries)
        if results:
            for k in range(match.start, results[0].end):
                covered[k] = True
            linked.extend(results)
        return bool(results)

    _scan(gaz, tokens, take)
    for match in _fuzzy(gaz, tokens, [c or p for c, p in zip(covered, in_place, strict=True)], lex):
        take(match)
    linked.extend(_short_references(gaz, tokens, covered, linked, lex))
    # A weaker mention of a party the article names for certain elsewhere is
    # that party too ("Sovcombank (Совкомбанк)"), unless it is a namesake tie.
    # Two different spellings that each point to the same party alone ("Sovcombank
    # (Совкомбанк)") confirm each other; the same word twice ("Wagner") does not.
    certain = {lk.entity_id for lk in linked if lk.status == "linked"}
    spellings: dict[int, set[tuple[str, ...]]] = defaultdict(set)
    for lk in linked:
        if lk.status == "review" and lk.alone:
            spellings[lk.entity_id].add(tuple(t.key for t in tokens[lk.start : lk.end]))
    certain |= {eid for eid, forms in spellings.items() if len(forms) > 1}
    for lk in linked:
        if lk.status == "review" and lk.alone and lk.entity_id in certain:
            lk.status, lk.score, lk.method = "linked", max(lk.score, LINK_THRESHOLD), f"{lk.method}+article"
    linked = _co_mentions(gaz, linked, certain)
    linked.sort(key=lambda lk: (lk.start, lk.entity_id))

    spans = sentences(text) or [(0, len(text))]
    # Sentences naming a party (to stop the category window at the next party).
    party_sentences: dict[int, set[int]] = defaultdict(set)
    for lk in linked:
        party_sentences[_sentence_index(spans, tokens[lk.start].start)].add(lk.entity_id)

    found: list[FoundMention] = []
    for lk in linked:
        start = tokens[lk.start].start
        index = _sentence_index(spans, start)
        sentence = text[spans[index][0] : spans[index][1]].strip()[:MAX_SENTENCE_CHARS]
        last = index
        while (
            last + 1 < len(spans)
            and last - index < FOLLOWING_SENTENCES
            and not (party_sentences.get(last + 1, set()) - {lk.entity_id})
            and "\n\n" not in text[spans[last][1] : spans[last + 1][0] + 1]
        ):
            last += 1
        passage = text[spans[index][0] : spans[last][1]]
        cats = tuple(categorize(passage, language))
        amounts = tuple(a.as_json() for a in find_amounts(passage)) if cats else ()
        found.append(
            FoundMention(
                surface=text[start : lk.char_end],
                start=start,
                end=lk.char_end,
                entity_id=lk.entity_id,
                score=round(lk.score, 3),
                method=lk.method,
                status=lk.status,
                sentence=sentence,
                categories=cats,
                amounts=amounts,
                name=lk.known.name,
                source=lk.known.source,
                ref=lk.known.ref,
            )
        )
    for cstart, cend in _candidates(text, tokens, covered, lex):
        index = _sentence_index(spans, cstart)
        found.append(
            FoundMention(
                surface=text[cstart:cend],
                start=cstart,
                end=cend,
                entity_id=None,
                score=0.0,
                method="candidate",
                status="candidate",
                sentence=text[spans[index][0] : spans[index][1]].strip()[:MAX_SENTENCE_CHARS],
            )
        )
    found.sort(key=lambda f: (f.start, f.entity_id or 0))
    return found
