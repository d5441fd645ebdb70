"""The screening index: compact arrays for candidate generation and scoring.

Built once from ``IndexEntry`` objects, saved with pickle protocol 5 (numpy
arrays and flat lists, so that loading is a few tens of milliseconds).

Candidate generation never scans every name. It works on the token
vocabulary (the distinct normalised tokens of all names, some tens of
thousands even for a million names) through one sorted array of 64-bit
hashed keys:

* deletion neighbourhood (SymSpell): every token with its 1-deletions, and
  2-deletions for tokens of at least ``D2_MIN_LEN`` letters; the query token's
  own deletions meet them, so a typo, a transposition or an OCR confusion
  still finds the listed token;
* the phonetic key (``features.phonetic_key``) for transliteration variants;
* prefixes of 4+ letters for truncated tokens;
* adjacent tokens written together ("zhong xing" -> "zhongxing") for compounds.

Each vocabulary token has a posting list of the names that contain it (CSR
arrays). The engine turns what the names share with the query into an upper
estimate of their score and scores them in full best estimate first.

What every real listed word reaches as a query token (the vocabulary tokens
its keys meet, scored by ``features.TokenFacts`` with the same decisions as
``features.token_similarity``) is worked out once at build time
(``reach_*``), so that a query made of listed words needs no lookup; words the
lists do not hold, and joined pairs, are looked up per query.
"""

from __future__ import annotations

import itertools
import pickle
import zlib
from array import array
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt

from compliance.matching import features as F
from compliance.matching.types import IndexEntry
from compliance.normalize.names import NameForm, normalize_name
from compliance.runtime import paused_gc

# ----------------------------------------------------------------- tuning
# Tokens of at least this many letters also get 2-deletion keys.
D2_MIN_LEN = 8
# A query token the vocabulary knows looks up its 2-deletions from this length
# (a listed neighbour two edits away: "petrovic" / "petric").
KNOWN_D2_MIN_LEN = 8
# Tokens shorter than this get no deletion keys (only the token itself).
D1_MIN_LEN = 3
# Prefix keys for truncation: prefixes of this many letters and more.
PREFIX_MIN = 4
# A vocabulary token in more than this share of names is not used to reach
# candidates when the query has a rarer token that reaches some (its weight
# is the minimum anyway; "al", "bank", "trading").
SCAN_SKIP_SHARE = 0.01
# Adjacent tokens are also indexed written together when one of them has at
# most this many letters (syllables and particles: "zhong xing", "bin laden").
COMPOUND_MAX_PART = 5
# The table of what listed words reach is built this many of their keys at a time.
REACH_SLICE_KEYS = 50_000
# At most this many query tokens are used (hostile input).
MAX_QUERY_TOKENS = 12

# Names normalised once per build are remembered up to this many (lists repeat names).
FORM_CACHE = 200_000

K_DELETE, K_PHONETIC, K_PREFIX, K_RESPELL, K_CONSONANTS = 1, 2, 3, 4, 5

IntArray = npt.NDArray[np.int64]


def _hash(kind: int, text: str) -> int:
    return (kind << 56) | (zlib.crc32(text.encode()) << 20) | (len(text) & 0xFFFFF)


def deletions(token: str, deep: bool = True) -> set[str]:
    """The token, its 1-deletions, and 2-deletions when it is long and ``deep`` (SymSpell)."""
    out = {token}
    if len(token) < D1_MIN_LEN:
        return out
    d1 = {token[:i] + token[i + 1 :] for i in range(len(token))}
    out |= d1
    if deep and len(token) >= D2_MIN_LEN:
        for t in d1:
            out.update(t[:i] + t[i + 1 :] for i in range(len(t)))
    return out


def _deletion_keys(token: str, deep: bool = True) -> list[int]:
    return [_hash(K_DELETE, d) for d in deletions(token, deep)]


def token_keys(token: str, compound: bool = False, dels: list[int] | None = None) -> list[int]:
    """The hashed keys of a vocabulary token (``dels``: its deletion keys, when already made)."""
    if compound:
        keys = [_hash(K_DELETE, token)]
    else:
        keys = list(dels) if dels is not None else _deletion_keys(token)
        keys.extend(_hash(K_PREFIX, token[:n]) for n in range(PREFIX_MIN, len(token)))
    pk = F.phonetic_key(token)
    if len(pk) >= F.PHONETIC_MIN_KEY:
        keys.append(_hash(K_PHONETIC, pk))
    if not compound:
        keys.append(_hash(K_RESPELL, F.respell_key(token)))
        keys.append(_hash(K_CONSONANTS, F.consonants(token)))
    return keys


def initial_index(token: str) -> int:
    """The number of a token's first letter (a-z: 0-25; anything else shares 26)."""
    first = token[:1]
    return ord(first) - 97 if "a" <= first <= "z" else 26


def initial_bit(token: str) -> int:
    """The bit of a token's first letter (see initial_index)."""
    return 1 << initial_index(token)


# Per name and first letter, the heaviest token's weight in 1/WEIGHT_STEPS, rounded up.
WEIGHT_STEPS = 255


@lru_cache(maxsize=1 << 16)
def query_keys(token: str, compound: bool = False, known: bool = False) -> tuple[int, ...]:
    """The hashed keys a query token looks up.

    A token the vocabulary knows (``known``) is spelt as some listed name spells
    it: its 1-deletions suffice when it is short (with the phonetic keys); an
    unknown or long token also looks up its 2-deletions.
    """
    return tuple(_query_keys(token, compound, known))


def _known_deep(token: str) -> bool:
    """Whether a known query token looks up 2-deletions."""
    return len(token) >= KNOWN_D2_MIN_LEN


def _query_keys(token: str, compound: bool, known: bool, dels: list[int] | None = None) -> list[int]:
    if compound:
        keys = [_hash(K_DELETE, token)]
    else:
        keys = list(dels) if dels is not None else _deletion_keys(token, deep=not known or _known_deep(token))
    if not compound and len(token) >= PREFIX_MIN:
        keys.append(_hash(K_PREFIX, token))
        # listed tokens that are the start of this one (cut in the list)
        keys.extend(_hash(K_DELETE, token[:n]) for n in range(PREFIX_MIN, len(token)))
    pk = F.phonetic_key(token)
    if len(pk) >= F.PHONETIC_MIN_KEY:
        keys.append(_hash(K_PHONETIC, pk))
    if not compound:
        keys.append(_hash(K_RESPELL, F.respell_key(token)))
        if len(token) >= 3:
            # vowels dropped on either side ("mhy" listed for "muhyi", or the reverse)
            keys.append(_hash(K_CONSONANTS, F.consonants(token)))
        if len(token) > 4 and token[:2] in F.JOINED_ARTICLES:
            rest = token[2:]
            keys.extend(_hash(K_DELETE, d) for d in deletions(rest, deep=False))
    return keys


@dataclass
class Index:
    """All the arrays; see the module docstring."""

    # vocabulary
    vocab: list[str] = field(default_factory=list)
    vocab_keys: list[str] = field(default_factory=list)  # phonetic key per token
    vocab_weight: list[float] = field(default_factory=list)
    vocab_gain: list[float] = field(default_factory=list)  # see Index.build
    vocab_joined: list[bool] = field(default_factory=list)  # only ever two words written together
    vocab_shared: list[float] = field(default_factory=list)  # see Index.build
    vocab_df: Any = None  # int32 array
    vocab_df_list: list[int] = field(default_factory=list)
    # hashed key -> vocabulary ids (sorted by key)
    key_hash: Any = None  # int64
    key_vocab: Any = None  # int32
    # vocabulary id -> name ids (CSR)
    post_start: Any = None  # int64, len(vocab)+1
    post_ids: Any = None  # int32
    # per name: token ids (CSR), summed token weight, codes, the IndexEntry
    # fields pickled one name at a time into one blob (decoded only for hits,
    # so that loading stays fast)
    entry_tok_start: Any = None  # int64, len+1
    entry_tok_ids: Any = None  # int32
    entry_weight: Any = None  # float32
    entry_sig_weight: Any = None  # float32: of the words that are not particles, initials or generic
    # uint8 (names x 27): per first letter (see initial_index), the weight of the
    # name's heaviest token beginning with it, in 1/WEIGHT_STEPS rounded up (0: none)
    entry_initial_weight: Any = None
    entry_letters: Any = None  # int32 bit set of the names' one-letter tokens ("A JABIR")
    letter_weight: dict[str, float] = field(default_factory=dict)  # one-letter tokens' weights
    entry_legal: Any = None  # int16 code into legal_table
    legal_table: list[frozenset[str]] = field(default_factory=list)
    entry_type: Any = None  # int8 code into types
    types: list[str] = field(default_factory=list)
    entry_designation: Any = None  # int64
    entry_source: Any = None  # int16 code into sources
    sources: list[str] = field(default_factory=list)
    entry_blob: bytes = b""
    entry_off: Any = None  # int64, len+1
    identifiers: dict[str, list[int]] = field(default_factory=dict)
    # per real vocabulary token, what it reaches as a query token (CSR; see reach())
    reach_start: Any = None  # int64, len(vocab)+1
    reach_vocab: Any = None  # int32
    reach_gain: Any = None  # float64: similarity x gain
    reach_qweight: Any = None  # float64 per token

    def __len__(self) -> int:
        return 0 if self.entry_designation is None else len(self.entry_designation)

    def tokens(self, k: int) -> tuple[int, ...]:
        return tuple(self.entry_tok_ids[self.entry_tok_start[k] : self.entry_tok_start[k + 1]].tolist())

    def row(self, k: int) -> tuple[Any, ...]:
        """The IndexEntry fields of name ``k``."""
        row: tuple[Any, ...] = pickle.loads(self.entry_blob[self.entry_off[k] : self.entry_off[k + 1]])
        return row

    def entry(self, k: int) -> IndexEntry:
        return IndexEntry(*self.row(k))

    # ------------------------------------------------------------ build

    @classmethod
    def build(cls, entries: Iterable[IndexEntry]) -> Index:
        with paused_gc():
            return cls._build(entries)

    @classmethod
    def _build(cls, entries: Iterable[IndexEntry]) -> Index:
        idx = cls()
        vocab_id: dict[str, int] = {}
        compound_ids: set[int] = set()
        # every joined pair seen: (first word, second word, joined) vocabulary ids
        part_a, part_b, part_c = array("i"), array("i"), array("i")
        forms: dict[tuple[str, str], NameForm] = {}
        source_code: dict[str, int] = {}
        post_v = array("i")
        post_n = array("i")  # per name, how many postings it has
        tok_ids = array("i")
        tok_start = array("q", [0])
        designations: list[int] = []
        source_codes: list[int] = []
        legal_code: dict[frozenset[str], int] = {}
        legal_codes = array("h")
        type_code: dict[str, int] = {}
        type_codes = array("b")
        blob = bytearray()
        offsets = array("q", [0])
        real: set[int] = set()

        def vid(tok: str) -> int:
            v = vocab_id.get(tok)
            if v is None:
                v = vocab_id[tok] = len(vocab_id)
            return v

        for k, e in enumerate(entries):
            fkey = (e.name, e.entity_type)
            nf = forms.get(fkey)
            if nf is None:
                nf = normalize_name(e.name, e.entity_type)
                if len(forms) < FORM_CACHE:
                    forms[fkey] = nf
            toks = nf.tokens[: MAX_QUERY_TOKENS * 4]
            ids = [vid(t) for t in toks]
            tok_ids.extend(ids)
            tok_start.append(len(tok_ids))
            real.update(ids)
            legal_codes.append(legal_code.setdefault(nf.legal_forms, len(legal_code)))
            type_codes.append(type_code.setdefault(e.entity_type, len(type_code)))
            seen = set(ids)
            for a, b in itertools.pairwise(toks):
                if min(len(a), len(b)) <= COMPOUND_MAX_PART:
                    c = vid(a + b)
                    compound_ids.add(c)
                    part_a.append(vocab_id[a])
                    part_b.append(vocab_id[b])
                    part_c.append(c)
                    seen.add(c)
            post_v.extend(seen)
            post_n.append(len(seen))
            designations.append(e.designation_id)
            sc = source_code.setdefault(e.source, len(source_code))
            source_codes.append(sc)
            blob += pickle.dumps(_fields(e), protocol=5)
            offsets.append(len(blob))
            for ident in e.identifiers:
                idx.identifiers.setdefault(ident, []).append(k)
        # compound tokens that are also real tokens are real tokens
        compound_ids -= real
        n = len(designations)
        idx.entry_tok_start = np.frombuffer(tok_start, dtype=np.int64).copy()
        idx.entry_tok_ids = np.frombuffer(tok_ids, dtype=np.int32).copy()
        idx.entry_legal = np.frombuffer(legal_codes, dtype=np.int16).copy()
        idx.legal_table = list(legal_code)
        idx.entry_type = np.frombuffer(type_codes, dtype=np.int8).copy()
        idx.types = list(type_code)
        idx.entry_blob = bytes(blob)
        idx.entry_off = np.frombuffer(offsets, dtype=np.int64).copy()
        idx.vocab = list(vocab_id)
        idx.sources = list(source_code)
        pv = np.frombuffer(post_v, dtype=np.int32)
        pe = np.repeat(np.arange(len(post_n), dtype=np.int32), np.frombuffer(post_n, dtype=np.int32))
        order = np.argsort(pv, kind="stable")
        idx.post_ids = pe[order]
        df = np.bincount(pv, minlength=len(idx.vocab)).astype(np.int32)
        idx.vocab_df = df
        idx.vocab_df_list = df.tolist()
        idx.post_start = np.zeros(len(idx.vocab) + 1, dtype=np.int64)
        np.cumsum(df, out=idx.post_start[1:])
        idx.vocab_weight = [F.token_weight(d, n, t) for d, t in zip(df.tolist(), idx.vocab, strict=True)]
        # What a name gains at most, and shares, when a token matches: a joined pair
        # of its words gains what its heavier word weighs (that is how the alignment
        # weighs it) and uses up both words; a word of some names keeps its own
        # weight when that is more.
        w = np.asarray(idx.vocab_weight, dtype=np.float64)
        joined = np.zeros(len(idx.vocab), dtype=bool)
        joined[list(compound_ids)] = True
        idx.vocab_joined = joined.tolist()
        gain = np.where(joined, 0.0, w)
        shared = gain.copy()
        pa, pb, pc = (np.frombuffer(x, dtype=np.int32) for x in (part_a, part_b, part_c))
        np.maximum.at(gain, pc, np.maximum(w[pa], w[pb]))
        np.maximum.at(shared, pc, w[pa] + w[pb])
        idx.vocab_gain = gain.tolist()
        idx.vocab_shared = shared.tolist()
        idx.vocab_keys = [F.phonetic_key(t) for t in idx.vocab]
        wv = np.asarray(idx.vocab_weight, dtype=np.float32)
        owner = np.repeat(np.arange(n), np.diff(idx.entry_tok_start))
        idx.entry_weight = np.bincount(owner, weights=wv[idx.entry_tok_ids], minlength=n).astype(np.float32)
        # the weight of the words that carry a name (what the alignment calls significant)
        sig = np.asarray([F.significant_word(t) for t in idx.vocab], dtype=bool)
        idx.entry_sig_weight = np.bincount(
            owner, weights=np.where(sig, wv, 0.0)[idx.entry_tok_ids], minlength=n
        ).astype(np.float32)
        bits = np.asarray([initial_bit(t) for t in idx.vocab], dtype=np.int32)
        first = np.asarray([initial_index(t) for t in idx.vocab], dtype=np.int64)
        steps = np.ceil(np.asarray(idx.vocab_weight) * WEIGHT_STEPS).astype(np.uint8)
        idx.entry_initial_weight = np.zeros((n, 27), dtype=np.uint8)
        np.maximum.at(idx.entry_initial_weight, (owner, first[idx.entry_tok_ids]), steps[idx.entry_tok_ids])
        single = np.asarray([len(t) == 1 for t in idx.vocab], dtype=bool)
        idx.entry_letters = np.zeros(n, dtype=np.int32)
        np.bitwise_or.at(idx.entry_letters, owner, np.where(single, bits, 0)[idx.entry_tok_ids])
        idx.letter_weight = {t: w for t, w in zip(idx.vocab, idx.vocab_weight, strict=True) if len(t) == 1}
        idx.entry_designation = np.asarray(designations, dtype=np.int64)
        idx.entry_source = np.asarray(source_codes, dtype=np.int16)
        # (flat arrays, not lists: millions of keys on a large index)
        kh, kn = array("q"), array("q")  # keys, and how many per vocabulary token
        # what each real word looks up as a query token the vocabulary knows
        qh, qn = array("q"), array("q")
        for v, tok in enumerate(idx.vocab):
            if v in compound_ids:
                keys = token_keys(tok, True)
                qn.append(0)
            else:
                dels = _deletion_keys(tok)
                keys = token_keys(tok, False, dels)
                same = _known_deep(tok) or len(tok) < D2_MIN_LEN
                wanted = _query_keys(tok, False, True, dels if same else None)
                qh.extend(wanted)
                qn.append(len(wanted))
            kh.extend(keys)
            kn.append(len(keys))
        every = np.arange(len(idx.vocab), dtype=np.int64)
        h = np.frombuffer(kh, dtype=np.int64)
        korder = np.argsort(h, kind="stable")
        idx.key_hash = h[korder]
        idx.key_vocab = np.repeat(every.astype(np.int32), np.frombuffer(kn, dtype=np.int64))[korder]
        del h, kh, korder
        owners = np.repeat(every, np.frombuffer(qn, dtype=np.int64))
        idx._build_reaches(np.frombuffer(qh, dtype=np.int64), owners)
        return idx

    def _build_reaches(self, qh: IntArray, qv: IntArray) -> None:
        """What every real word of the vocabulary reaches as a query token, worked out
        once (what ``Matcher`` would otherwise look up and score for each query)."""
        size = len(self.vocab)
        facts = F.TokenFacts(self.vocab, self.vocab_joined)
        parts: list[tuple[IntArray, IntArray, Any]] = []
        # in slices of words, so that the pairs in flight stay small on a large index
        cuts = [0, *range(REACH_SLICE_KEYS, len(qh), REACH_SLICE_KEYS), len(qh)]
        cuts = sorted({int(np.searchsorted(qv, qv[c], "left")) if c < len(qh) else c for c in cuts})
        for lo_cut, hi_cut in itertools.pairwise(cuts):
            a, b = self._meet(qh[lo_cut:hi_cut], qv[lo_cut:hi_cut])
            sim = facts.similarities(a, b)
            hit = sim >= F.TOKEN_MATCH_MIN
            parts.append((a[hit], b[hit], sim[hit]))
        a = np.concatenate([p[0] for p in parts]) if parts else np.zeros(0, dtype=np.int64)
        b = np.concatenate([p[1] for p in parts]) if parts else np.zeros(0, dtype=np.int64)
        sim = np.concatenate([p[2] for p in parts]) if parts else np.zeros(0)
        gain = np.asarray(self.vocab_gain, dtype=np.float64)[b]
        weight = np.asarray(self.vocab_weight, dtype=np.float64)[b]
        # The query token weighs no more than the listed token it matches best:
        # each token that beats the best so far (in vocabulary order) counts.
        start = np.ones(len(a), dtype=bool)
        start[1:] = a[1:] != a[:-1]
        run = np.maximum.accumulate(sim + 3.0 * a)
        before = np.empty(len(a))
        before[1:] = run[:-1]
        before[start] = -np.inf
        better = sim + 3.0 * a > before
        qweight = np.full(size, np.inf)
        np.minimum.at(qweight, a[better], weight[better])
        # best first (ties in vocabulary order)
        w = sim * gain
        order = np.lexsort((b, -w, a))
        self.reach_start = np.searchsorted(a[order], np.arange(size + 1))
        self.reach_vocab = b[order].astype(np.int32)
        self.reach_gain = w[order]
        self.reach_qweight = qweight

    def reach(self, v: int) -> tuple[list[tuple[int, float]], float]:
        """(vocabulary id, similarity x gain) best first, and the query weight, of what the
        real word ``v`` reaches as a query token (see ``_build_reaches``)."""
        lo, hi = int(self.reach_start[v]), int(self.reach_start[v + 1])
        hits = list(zip(self.reach_vocab[lo:hi].tolist(), self.reach_gain[lo:hi].tolist(), strict=True))
        return hits, float(self.reach_qweight[v])

    # -------------------------------------------------------- candidates

    def lookup(self, groups: list[tuple[str, bool]], known: set[str]) -> tuple[list[int], list[int]]:
        """(group, vocabulary id) pairs: the vocabulary tokens each query token (or joined pair) reaches."""
        all_keys: list[int] = []
        owner: list[int] = []
        for g, (tok, compound) in enumerate(groups):
            keys = query_keys(tok, compound, tok in known)
            all_keys.extend(keys)
            owner.extend([g] * len(keys))
        gs, vs = self._meet(np.asarray(all_keys, dtype=np.int64), np.asarray(owner, dtype=np.int64))
        return gs.tolist(), vs.tolist()

    def _meet(self, wanted: IntArray, owners: IntArray) -> tuple[IntArray, IntArray]:
        """Distinct (owner, vocabulary id) pairs, sorted, for the hashed keys ``wanted``
        (one owner each) that the vocabulary's keys meet."""
        # sorted keys let each binary search start where the previous one ended
        order = np.argsort(wanted, kind="stable")
        q, owners = wanted[order], owners[order]
        lo = np.searchsorted(self.key_hash, q, "left")
        hi = np.searchsorted(self.key_hash, q, "right")
        lengths = hi - lo
        # positions lo[i]..hi[i]-1 for every key, flattened
        pos = np.repeat(lo - np.cumsum(lengths) + lengths, lengths) + np.arange(int(lengths.sum()))
        size = len(self.vocab)
        pair = np.sort(np.repeat(owners, lengths) * size + self.key_vocab[pos])
        pair = pair[np.concatenate(([True], pair[1:] != pair[:-1]))] if len(pair) else pair
        return np.divmod(pair, size)

    def postings(self, v: int) -> Any:
        return self.post_ids[self.post_start[v] : self.post_start[v + 1]]


def _fields(e: IndexEntry) -> tuple[Any, ...]:
    return (
        e.entity_id,
        e.designation_id,
        e.source,
        e.ref,
        e.name,
        e.name_kind,
        e.weak,
        e.entity_type,
        e.sublist,
        e.programs,
        e.listed_on,
        e.countries,
        e.birth_dates,
        e.identifiers,
    )
