"""The screening engine: ``Matcher`` finds listed parties whose names match a query.

What the score means
--------------------
The score is 0..1 and reads as "how sure is it that the query names this
listed party, from the name and the qualifiers given":

* 1.0  every token of the query is a token of the listed name variant and
       nothing is left over (after normalisation: case, accents, scripts,
       punctuation, legal forms, titles); or the query's identifier (passport,
       IMO, registration number) is one the list gives (decisive);
* 0.9  the same name with a small difference: one typo in one of three
       tokens, a transliteration variant, a dropped middle name or
       patronymic, initials for given names;
* DEFAULT_THRESHOLD  the lowest score worth an analyst's look;
* below: different names that share some tokens, or names made only of
       common words.

How it is computed (the algorithm ``ALGORITHM`` is the table ``NAME_FEATURES``
plus ``QUALIFIERS``): the query's and the listed name's tokens are aligned
order-insensitively (``features.align``), each pair scored by edit distance,
phonetic key, truncation or initial; every token weighs its rarity in the
index, so common words ("international", "trading", "bank", "mohammed")
count little. The name score is the weighted sum of the name features.
Qualifiers then add their weight times an adjustment in -1..1: entity type
(a person never strongly matches a vessel), informativeness (only common words
matched), legal form, country and birth date (a mismatch lowers, a match
raises slightly, unknown is neutral).

Bands: ``exact`` (every token identical, or an identifier match), ``strong``
(score >= STRONG_CUTOFF), ``possible`` (score >= the threshold).

Default threshold
-----------------
DEFAULT_THRESHOLD = 0.81, chosen on the accuracy benchmark
(``python tests/benchmarks/bench_screening_accuracy.py --sweep --exhaustive 60``:
1,840 cases generated from the whole OFAC SDN list, 34,298 name variants, run
2026-11-26). Recall benign / adversarial / degraded and false-positive rate
on the negative controls, from the threshold sweep:

=========  ======  ===========  ========  =====
threshold  benign  adversarial  degraded  FPR
=========  ======  ===========  ========  =====
0.79       98.0 %  98.5 %       95.0 %    2.3 %
0.80       98.0 %  98.5 %       95.0 %    1.9 %
0.81       98.0 %  98.5 %       95.0 %    1.6 %   (the main run at 0.81 gives the same)
0.82       97.8 %  97.8 %       95.0 %    1.1 %
0.85       96.8 %  97.0 %       93.8 %    0.5 %
=========  ======  ===========  ========  =====

(targets: >= 97 / 95 / 95 %, FPR <= 2 %). 0.81 keeps the recall of 0.80 and
lowers the false-positive rate; 0.79 is over 2 % FPR; from 0.82 adversarial
recall falls and from 0.83 degraded recall misses its target. In the same run
plain rapidfuzz WRatio at 81 had 93.6 % FPR, and at the cut-off (90) that
gives it the engine's FPR its recall was 77 / 73 / 78 %. Candidate generation
returned 100 % of the exhaustive scan's hits (64-case sample). See
docs/benchmarks.md for the latest tables.
"""

from __future__ import annotations

import gc
import heapq
import itertools
import math
import os
import pickle
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from compliance.matching import features as F
from compliance.matching.index import (
    MAX_QUERY_TOKENS,
    SCAN_SKIP_SHARE,
    WEIGHT_STEPS,
    Index,
    initial_bit,
    initial_index,
    query_keys,
)
from compliance.matching.types import FeatureScore, Hit, IndexEntry, Query
from compliance.normalize.names import NameForm, normalize_name
from compliance.normalize.text import identifier_key
from compliance.runtime import paused_gc

# ----------------------------------------------------------------- the algorithm
# Name features: weights sum to 1.
NAME_FEATURES: tuple[tuple[str, float], ...] = (
    ("token_alignment", 0.85),
    ("phonetic", 0.15),
)
# Qualifiers: weight = the most they move the score (adjustment -1..1 times weight).
QUALIFIERS: tuple[tuple[str, float], ...] = (
    ("entity_type", 0.30),
    ("informativeness", 0.30),
    ("legal_form", 0.04),
    ("country", 0.06),
    ("birth_date", 0.10),
)
_W = dict(NAME_FEATURES + QUALIFIERS)
# Positive adjustments are scaled by this: a match "raises slightly".
POSITIVE_SHARE = 0.4

# Bands.
STRONG_CUTOFF = 0.90
# Candidates: names whose estimate clears the floor are scored in full, best
# estimate first, until the rest cannot make the threshold or the hits asked
# for; at least MIN_SCORED and at most MAX_SCORED names, taken from the
# MAX_CONSIDERED best estimates.
MAX_CONSIDERED = 3000
MIN_SCORED = 10
MAX_SCORED = 600
# A name whose upper estimate of the name score is more than a margin below
# the threshold is not scored in full. The margin is what the estimate leaves
# out: the phonetic feature's credit for inexact tokens (its weight x (1 -
# TOKEN_MATCH_MIN) = 0.045), what the qualifiers the query gives can add (at most
# POSITIVE_SHARE x (0.04 + 0.06 + 0.10) = 0.08 with legal form, country and birth
# date), and ESTIMATE_SLACK.
ESTIMATE_SLACK = 0.02
# Weight differences below this are rounding, not a word left over.
SIG_EPS = 1e-4

FORMAT_VERSION = 3
# Query tokens whose reach is remembered (per process); cleared when full.
REACH_MEMO = 100_000
# ... and their names too, when they reach at most this many (memory stays bounded).
POSTINGS_MEMO_MAX = 4_000
# A batch screened by worker processes is cut into this many tasks per worker.
WORKER_TASKS = 20
# Listed names whose tokens are kept ready for alignment.
SIDE_MEMO = 100_000


@dataclass(slots=True)
class _Prepared:
    query: Query
    form: NameForm
    side: F.Side
    person_query: bool
    ident: str | None
    allowed: frozenset[int] | None
    known: set[str]  # query tokens the vocabulary has
    raise_max: float  # the most the query's qualifiers can raise a name score
    margin: float  # how far below the threshold a name's estimate may be and still be scored
    # per candidate (in the order given), the most it can score; None: no order
    bounds: list[float] | None = None
    # alignments already made, by the listed name's token ids (names repeat across lists)
    aligned: dict[tuple[tuple[int, ...], bool], F.Alignment] = field(default_factory=dict)


@dataclass(slots=True)
class _Reach:
    """What one query token reaches: (vocabulary id, similarity x weight), best first."""

    hits: list[tuple[int, float]]
    qweight: float  # the query token weighs no more than the listed token it matches best
    min_df: int  # in how many names the rarest and the commonest token reached are
    max_df: int
    _post: dict[float | None, _Post | None] = field(default_factory=dict)

    @classmethod
    def of(cls, hits: list[tuple[int, float]], qweight: float, df: Sequence[int]) -> _Reach:
        dfs = [df[v] for v, _ in hits]
        return cls(hits, qweight, min(dfs, default=0), max(dfs, default=0))

    def postings(self, idx: Index, max_df: float | None) -> _Post | None:
        """(name ids, similarity x weight, weight) of the names holding the tokens reached
        (only those up to ``max_df`` names); the best token per name."""
        if max_df in self._post:
            return self._post[max_df]
        hits = self.hits
        if max_df is not None:
            df = idx.vocab_df_list
            hits = [(v, w) for v, w in hits if df[v] <= max_df]
        out: _Post | None = None
        if hits:
            arrs = [idx.postings(v) for v, _ in hits]
            sizes = [len(a) for a in arrs]
            gids = np.concatenate(arrs) if len(arrs) > 1 else arrs[0]
            gws = np.repeat(np.asarray([w for _, w in hits], dtype=np.float32), sizes)
            plain = np.repeat(np.asarray([idx.vocab_shared[v] for v, _ in hits], dtype=np.float32), sizes)
            if len(arrs) > 1:
                gids, first = np.unique(gids, return_index=True)
                gws, plain = gws[first], plain[first]
            out = (gids, gws, plain)
        if out is None or len(out[0]) <= POSTINGS_MEMO_MAX:
            self._post[max_df] = out
        return out


_Post = tuple[Any, Any, Any]


def _lookup_groups(tokens: Sequence[str]) -> list[tuple[str, bool]]:
    """What a query looks up: each token, and each pair of adjacent tokens written together."""
    return [(t, False) for t in tokens] + [(a + b, True) for a, b in itertools.pairwise(tokens)]


def _common_share(r: _Reach, idx: Index, skip_df: float, names: Any) -> tuple[Any, Any, Any]:
    """Per name in ``names`` (sorted), what the common tokens ``r`` reaches add over its rare
    ones: (similarity x weight, weight, newly matched)."""
    parts = []
    for part in (r.postings(idx, None), r.postings(idx, skip_df)):
        if part is None:
            parts.append((np.zeros(len(names)), np.zeros(len(names)), np.zeros(len(names), dtype=bool)))
            continue
        gids, gws, plain = part
        pos = np.minimum(np.searchsorted(gids, names), len(gids) - 1)
        found = gids[pos] == names
        parts.append((np.where(found, gws[pos], 0.0), np.where(found, plain[pos], 0.0), found))
    (s_all, p_all, f_all), (s_rare, p_rare, f_rare) = parts
    return np.maximum(s_all - s_rare, 0.0), np.maximum(p_all - p_rare, 0.0), f_all & ~f_rare


@dataclass(slots=True)
class _Scored:
    k: int
    score: float
    name_score: float
    al: F.Alignment
    quals: list[FeatureScore]
    ident: FeatureScore


class Matcher:
    """Screens names against an index of listed name variants (see the module docstring)."""

    ALGORITHM = "compliance-match/3"
    DEFAULT_THRESHOLD = 0.81

    def __init__(self, index: Index) -> None:
        self._idx = index
        self._vocab_id: dict[str, int] | None = None
        self._reach_memo: dict[tuple[str, bool, bool], _Reach] = {}
        self._side_memo: dict[tuple[int, ...], F.Side] = {}
        self._keys: set[int] | None = None
        self._reachable: dict[tuple[str, bool], bool] = {}

    # ------------------------------------------------------------ lifecycle

    @classmethod
    def build(cls, entries: Iterable[IndexEntry]) -> Matcher:
        return cls(Index.build(entries))

    def save(self, path: Path) -> None:
        path = Path(path)
        tmp = path.with_name(path.name + ".tmp")
        with open(tmp, "wb") as fh:
            pickle.dump((FORMAT_VERSION, self.ALGORITHM, self._idx.__dict__), fh, protocol=5)
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: Path) -> Matcher:
        with open(path, "rb") as fh:
            version, algorithm, state = pickle.load(fh)
        if version != FORMAT_VERSION or algorithm != cls.ALGORITHM:
            raise ValueError(f"{path}: index built by {algorithm} format {version}; rebuild it")
        idx = Index.__new__(Index)
        idx.__dict__.update(state)
        return cls(idx)

    def __len__(self) -> int:
        return len(self._idx)

    @property
    def index(self) -> Index:
        return self._idx

    # ------------------------------------------------------------ public API

    def screen(self, query: Query, threshold: float | None = None, limit: int = 10) -> list[Hit]:
        prep = self._prepare(query)
        if prep is None:
            return []
        thr = self.DEFAULT_THRESHOLD if threshold is None else threshold
        return self._rank(prep, self._candidates(prep, thr - prep.margin), threshold, limit)

    def exhaustive(self, query: Query, threshold: float | None = None, limit: int = 10) -> list[Hit]:
        prep = self._prepare(query)
        if prep is None:
            return []
        return self._rank(prep, range(len(self._idx)), threshold, limit)

    def explain(self, query: Query, designation_id: int) -> Hit | None:
        prep = self._prepare(query)
        if prep is None:
            return None
        ks = np.nonzero(self._idx.entry_designation == designation_id)[0].tolist()
        if not ks:
            return None
        best = max((self._score(prep, k) for k in ks), key=lambda s: s.score)
        return self._hit(prep, best)

    def screen_many(
        self,
        queries: Sequence[Query],
        threshold: float | None = None,
        limit: int = 10,
        workers: int = 1,
    ) -> list[list[Hit]]:
        """Screen many queries; ``workers`` > 1 forks that many processes sharing this index.

        The cyclic garbage collector is paused for the batch (``paused_gc``): the
        engine's memoised matches are many small long-lived objects it would
        otherwise walk again and again. Before forking, the heap is frozen so
        that the workers neither walk nor copy what they inherit.
        """
        if workers <= 1 or len(queries) < 64:
            with paused_gc():
                return [self.screen(q, threshold, limit) for q in queries]
        import multiprocessing as mp

        global _WORKER_MATCHER
        _WORKER_MATCHER = self
        # Small tasks, handed out as workers free up: the last ones finish
        # together, and results are decoded here while the workers go on.
        chunk = max(16, math.ceil(len(queries) / (workers * WORKER_TASKS)))
        parts = [(list(queries[i : i + chunk]), threshold, limit) for i in range(0, len(queries), chunk)]
        ctx = mp.get_context("fork")
        idx = self._idx
        out: list[list[Hit]] = []
        gc.freeze()
        try:
            with ctx.Pool(workers, initializer=gc.disable) as pool:
                # Workers send plain tuples (pickling dataclasses costs more than screening).
                for part in pool.imap(_screen_chunk, parts):
                    for hits in part:
                        out.append(
                            [
                                Hit(idx.entry(k), score, band, tuple(FeatureScore(*f) for f in feats), why)
                                for k, score, band, feats, why in hits
                            ]
                        )
        finally:
            gc.unfreeze()
        return out

    def can_reach(self, query: Query) -> bool:
        """Whether ``query`` shares any lookup key with the index (cheap; no key: no hit possible).

        Candidates are found only through the hashed keys of the query's tokens and
        joined pairs (``index.query_keys``, taken here as for unknown tokens, the
        larger set) or its identifier, so a query none of whose keys the index
        holds cannot have a hit. Monitoring uses it to skip counterparties that
        cannot match a list's few new entries.
        """
        if not len(self._idx):
            return False
        if query.identifier and identifier_key(query.identifier) in self._idx.identifiers:
            return True
        if self._keys is None:
            self._keys = set(self._idx.key_hash.tolist())
        qtype = query.entity_type if query.entity_type not in (None, "any", "") else None
        tokens = normalize_name(query.name or "", qtype).tokens[:MAX_QUERY_TOKENS]
        for group in _lookup_groups(tokens):
            found = self._reachable.get(group)
            if found is None:
                found = self._reachable[group] = not self._keys.isdisjoint(query_keys(*group))
            if found:
                return True
        return False

    # ------------------------------------------------------------ internals

    def _prepare(self, query: Query) -> _Prepared | None:
        qtype = query.entity_type if query.entity_type not in (None, "any", "") else None
        form = normalize_name(query.name or "", qtype)
        tokens = form.tokens[:MAX_QUERY_TOKENS]
        ident = identifier_key(query.identifier) if query.identifier else None
        if not tokens and not ident:
            return None
        idx = self._idx
        vocab_id = self._vocab_ids()
        weights = []
        known: set[str] = set()
        for t in tokens:
            v = vocab_id.get(t)
            if v is not None:
                weights.append(idx.vocab_weight[v])
            else:
                weights.append(F.GENERIC_WEIGHT if F.generic_like(t) else F.UNKNOWN_TOKEN_WEIGHT)
            if v is not None:
                known.add(t)
        side = F.Side(tokens, tuple(F.phonetic_key(t) for t in tokens), tuple(weights))
        allowed = None
        if query.lists is not None:
            allowed = frozenset(i for i, s in enumerate(idx.sources) if s in query.lists)
        raise_max = POSITIVE_SHARE * (
            (_W["legal_form"] if form.legal_forms else 0.0)
            + (_W["country"] if query.country else 0.0)
            + (_W["birth_date"] if query.dob else 0.0)
        )
        margin = _W["phonetic"] * (1.0 - F.TOKEN_MATCH_MIN) + raise_max + ESTIMATE_SLACK
        person = qtype == "person"
        return _Prepared(query, form, side, person, ident or None, allowed, known, raise_max, margin)

    def _vocab_ids(self) -> dict[str, int]:
        if self._vocab_id is None:
            self._vocab_id = {t: i for i, t in enumerate(self._idx.vocab)}
        return self._vocab_id

    def _reaches(self, groups: list[tuple[str, bool]], known: set[str]) -> list[_Reach]:
        """What each query token (or joined pair) reaches; looked up together, remembered."""
        memo = self._reach_memo
        keys = [(tok, compound, tok in known) for tok, compound in groups]
        got = {key: memo[key] for key in keys if key in memo}
        missing = [i for i, key in enumerate(keys) if key not in got]
        if missing and self._idx.reach_start is not None:
            # a real listed word: what it reaches was worked out with the index
            vid = self._vocab_ids()
            joined = self._idx.vocab_joined
            rest = []
            for i in missing:
                tok, compound, is_known = keys[i]
                v = vid.get(tok) if is_known and not compound else None
                if v is None or joined[v]:
                    rest.append(i)
                else:
                    got[keys[i]] = _Reach.of(*self._idx.reach(v), self._idx.vocab_df_list)
            missing = rest
        if missing:
            found_g, found_v = self._idx.lookup([groups[i] for i in missing], known)
            found: list[list[int]] = [[] for _ in missing]
            for g, v in zip(found_g, found_v, strict=True):
                found[g].append(v)
            for i, vs in zip(missing, found, strict=True):
                got[keys[i]] = self._reach(groups[i][0], groups[i][1], vs)
        new = [key for key in got if key not in memo]
        if len(memo) + len(new) > REACH_MEMO:
            memo.clear()
        for key in new:
            memo[key] = got[key]
        return [got[key] for key in keys]

    def _reach(self, tok: str, compound: bool, found: list[int]) -> _Reach:
        """What a query token (or joined pair) reaches among the vocabulary tokens ``found``."""
        idx = self._idx
        vweight, gain, df, vocab = idx.vocab_weight, idx.vocab_gain, idx.vocab_df_list, idx.vocab
        hits: list[tuple[int, float]] = []
        best = 0.0
        qw = math.inf
        joined = idx.vocab_joined
        for v in found:
            if compound and joined[v]:
                continue  # two words on both sides: their own words pair up
            if compound or joined[v]:
                # one word against two written together, scored as the alignment does
                word, pair = (vocab[v], tok) if compound else (tok, vocab[v])
                sim = F.compound_similarity(word, pair)
            else:
                sim = F.similarity(tok, vocab[v])[0]
            if sim >= F.TOKEN_MATCH_MIN:
                hits.append((v, sim * gain[v]))
                if sim > best:
                    best = sim
                    qw = min(qw, vweight[v])
        hits.sort(key=lambda h: -h[1])
        return _Reach.of(hits, qw, df)

    def _candidates(self, prep: _Prepared, floor: float = 0.0) -> list[int]:
        idx = self._idx
        toks = prep.side.tokens
        groups = _lookup_groups(toks)
        reaches = self._reaches(groups, prep.known)
        n = len(idx)
        skip_df = max(SCAN_SKIP_SHARE * n, 50.0)
        qweights = [min(w, r.qweight) for w, r in zip(prep.side.weights, reaches[: len(toks)], strict=True)]
        prep.side = F.Side(prep.side.tokens, prep.side.keys, tuple(qweights))
        rare = any(r.hits and r.min_df <= skip_df for r in reaches)
        # what each query token (or joined pair) weighs on the query side
        group_qw = qweights + [a + b for a, b in itertools.pairwise(qweights)]
        id_parts: list[Any] = []
        w_parts: list[Any] = []
        p_parts: list[Any] = []
        q_parts: list[float] = []  # per part, the same for each of its names
        n_parts: list[float] = []
        sizes: list[int] = []
        for (tok, _c), r, qw in zip(groups, reaches, group_qw, strict=True):
            if not r.hits:
                continue
            post = r.postings(idx, skip_df if rare else None)
            if post is None:
                continue
            id_parts.append(post[0])
            sizes.append(len(post[0]))
            if len(tok) == 1:
                # a one-letter query token counts below with the initials (not twice)
                zero = np.zeros(len(post[0]), dtype=np.float32)
                w_parts.append(zero)
                p_parts.append(zero)
                q_parts.append(0.0)
                n_parts.append(0.0)
                continue
            w_parts.append(post[1])
            p_parts.append(post[2])
            q_parts.append(qw)
            n_parts.append(1.0)
        extra: list[int] = []
        if prep.ident:
            extra = list(idx.identifiers.get(prep.ident, []))
        if not id_parts:
            return extra
        ids = np.concatenate(id_parts)
        uniq, inv = np.unique(ids, return_inverse=True)
        # Per name: similarity x weight of what it shares with the query (an upper
        # bound of what the alignment gains), the weight shared on its side and on
        # the query's side, and how many query tokens it can pair with (all
        # counted generously, so that the estimate stays an upper bound).
        sums: Any = np.bincount(inv, weights=np.concatenate(w_parts))
        shared_c: Any = np.bincount(inv, weights=np.concatenate(p_parts))
        shared_q: Any = np.bincount(inv, weights=np.repeat(np.asarray(q_parts, dtype=np.float32), sizes))
        matched: Any = np.bincount(inv, weights=np.repeat(np.asarray(n_parts, dtype=np.float32), sizes))
        # pairs that are not an initial for a word (initials alone say nothing)
        words: Any = np.bincount(inv)
        if rare:
            # The names were reached through rare tokens only; the common ones
            # they also hold still count towards their estimate.
            for (tok, _c), r, qw in zip(groups, reaches, group_qw, strict=True):
                if len(tok) > 1 and r.max_df > skip_df:
                    d_sim, d_plain, new = _common_share(r, idx, skip_df, uniq)
                    sums = sums + d_sim
                    shared_c = shared_c + d_plain
                    shared_q = shared_q + qw * new
                    matched = matched + new
                    words = words + new
        # A one-letter token of the name ("A JABIR") may stand for a query word.
        letters = idx.entry_letters[uniq]
        if letters.any():
            for t, qw in zip(toks, qweights, strict=True):
                lw = idx.letter_weight.get(t[0], 0.0) if len(t) > 1 else 0.0
                if lw:
                    has = (letters & initial_bit(t)) != 0
                    sums = sums + F.INITIAL_SIM * lw * has
                    shared_c = shared_c + lw * has
                    shared_q = shared_q + qw * has
                    matched = matched + has
        wq = float(sum(w for t, w in zip(toks, qweights, strict=True) if len(t) > 1))
        wc = idx.entry_weight[uniq]
        # Initials are not looked up; a query initial may stand for a token of the
        # name beginning with that letter (INITIAL_SIM x its weight, at most the
        # heaviest such token's), or be the same letter (its full weight).
        initials = [t for t in toks if len(t) == 1]
        if initials:
            have = idx.entry_initial_weight[uniq]
            for t in initials:
                w = have[:, initial_index(t)] / WEIGHT_STEPS
                same = (letters & initial_bit(t)) != 0
                sums = sums + np.where(same, 1.0, F.INITIAL_SIM) * w
                shared_c = shared_c + w
                matched = matched + (w > 0)
        # Upper estimate of the name score: what is shared against what is left
        # over; leftovers count at the most lenient factor (a dropped middle
        # name) when two or more tokens can pair, unless words that carry a name
        # are certainly left over on both sides.
        rest_q = np.maximum(wq - shared_q, 0.0)
        rest_c = np.maximum(wc - shared_c, 0.0)
        # Words that carry a name certainly left over on both sides: nothing is
        # a dropped middle name either.
        sig_q = float(sum(w for t, w in zip(toks, qweights, strict=True) if F.significant_word(t)))
        both_left = (sig_q - shared_q > SIG_EPS) & (idx.entry_sig_weight[uniq] - shared_c > SIG_EPS)
        penalty = np.where(
            (matched >= 2) & ~both_left,
            F.DROPPED_TOKEN_FACTOR * (rest_q + rest_c),
            # one word in common, or names left over on both sides
            F.UNMATCHED_FACTOR * (rest_q + rest_c),
        )
        # the alignment gains at most the name's whole weight (each listed token pairs once)
        sums = np.minimum(sums, wc * (1.0 + 1e-6))
        est = np.where(words > 0, sums / np.maximum(sums + penalty, 1e-9), 0.0)
        # what the informativeness qualifier takes at least (only common words shared)
        info = np.minimum(shared_c, wc)
        est = est - _W["informativeness"] * np.maximum(1.0 - info / F.INFO_FULL, 0.0)
        if prep.allowed is not None:
            keep = np.isin(idx.entry_source[uniq], list(prep.allowed))
            uniq, est = uniq[keep], est[keep]
        ok = est >= floor
        est, uniq = est[ok], uniq[ok]
        if len(uniq) > MAX_CONSIDERED:
            top = np.argpartition(-est, MAX_CONSIDERED)[:MAX_CONSIDERED]
            uniq, est = uniq[top], est[top]
        order = np.argsort(-est, kind="stable")
        chosen: list[int] = []
        bounds: list[float] = []
        for k, e in zip(uniq[order].tolist(), est[order].tolist(), strict=True):
            chosen.append(k)
            bounds.append(e + prep.margin - ESTIMATE_SLACK)
            if len(chosen) >= MAX_SCORED:
                break
        prep.bounds = bounds + [math.inf] * len(extra)
        return chosen + extra

    def _score(self, prep: _Prepared, k: int, floor: float | None = None) -> _Scored:
        """The full score of name ``k``; with ``floor``, a name that cannot reach it is cut short."""
        idx = self._idx
        ids = idx.tokens(k)
        etype = idx.types[idx.entry_type[k]]
        person = etype == "person" or prep.person_query
        memo_key = (ids, person)
        al = prep.aligned.get(memo_key)
        if al is None:
            cand = self._side(ids)
            al = prep.aligned[memo_key] = F.align(prep.side, cand, person)
        name = _W["token_alignment"] * al.score + _W["phonetic"] * al.phonetic
        if floor is not None and name + prep.raise_max < floor and not prep.ident:
            return _Scored(k, name, name, al, [], _NO_ID)
        q = prep.query
        row = idx.row(k) if (q.country or q.dob or prep.ident) else _NO_ROW
        quals = [
            F.entity_type(q.entity_type, etype),
            F.informativeness(al),
            F.legal_form(prep.form.legal_forms, idx.legal_table[idx.entry_legal[k]]),
            F.country(q.country, row[11]),
            F.birth_date(q.dob, row[12]),
        ]
        score = name
        for fs in quals:
            adj = fs.score * (POSITIVE_SHARE if fs.score > 0 else 1.0)
            score += _W[fs.name] * adj
        ident = F.identifier(prep.ident, row[13])
        if ident.score >= 1.0:
            score = 1.0
        score = min(1.0, max(0.0, score))
        return _Scored(k, score, name, al, quals, ident)

    def _side(self, ids: tuple[int, ...]) -> F.Side:
        side = self._side_memo.get(ids)
        if side is None:
            idx = self._idx
            side = F.Side(
                tuple(idx.vocab[v] for v in ids),
                tuple(idx.vocab_keys[v] for v in ids),
                tuple(idx.vocab_weight[v] for v in ids),
            )
            if len(self._side_memo) >= SIDE_MEMO:
                self._side_memo.clear()
            self._side_memo[ids] = side
        return side

    def _rank(self, prep: _Prepared, ks: Iterable[int], threshold: float | None, limit: int) -> list[Hit]:
        return [self._hit(prep, s) for s in self._ranked(prep, ks, threshold, limit)]

    def _screen_indexed(self, query: Query, threshold: float | None, limit: int) -> list[tuple[int, Hit]]:
        """``screen`` with each hit's position in the index (for worker processes)."""
        prep = self._prepare(query)
        if prep is None:
            return []
        thr = self.DEFAULT_THRESHOLD if threshold is None else threshold
        ranked = self._ranked(prep, self._candidates(prep, thr - prep.margin), threshold, limit)
        return [(s.k, self._hit(prep, s)) for s in ranked]

    def _ranked(
        self, prep: _Prepared, ks: Iterable[int], threshold: float | None, limit: int
    ) -> list[_Scored]:
        thr = self.DEFAULT_THRESHOLD if threshold is None else threshold
        idx = self._idx
        best: dict[int, _Scored] = {}
        allowed = prep.allowed
        # Candidates come best upper bound first: stop when the rest cannot
        # reach the threshold, or cannot enter the ``limit`` best found.
        bounds = prep.bounds
        kth = thr
        for i, k in enumerate(ks):
            if bounds is not None and i >= MIN_SCORED:
                bound = bounds[i]
                if bound < thr:
                    break
                if len(best) >= limit and i % 8 == 0:
                    kth = max(thr, heapq.nlargest(limit, (b.score for b in best.values()))[-1])
                if bound < kth:
                    break
            if allowed is not None and int(idx.entry_source[k]) not in allowed:
                continue
            d = int(idx.entry_designation[k])
            prev = best.get(d)
            if prev is not None and bounds is not None and bounds[i] <= prev.score:
                continue  # another name of this party already scores more than this one can
            s = self._score(prep, k, thr)
            if s.score < thr:
                continue
            if prev is None or s.score > prev.score or (s.score == prev.score and s.k < prev.k):
                best[d] = s
        return sorted(best.values(), key=lambda s: (-s.score, s.k))[: max(limit, 0)]

    def _hit(self, prep: _Prepared, s: _Scored) -> Hit:
        idx = self._idx
        entry = idx.entry(s.k)
        cand = self._side(idx.tokens(s.k))
        ta = F.token_alignment(s.al, prep.side, cand, entry.name)
        ph = F.phonetic(s.al)
        feats = [
            FeatureScore(ta.name, _W[ta.name], ta.score, ta.detail),
            FeatureScore(ph.name, _W[ph.name], ph.score, ph.detail),
        ]
        feats += [FeatureScore(f.name, _W[f.name], f.score, f.detail) for f in s.quals]
        feats.append(FeatureScore(s.ident.name, 1.0, s.ident.score, s.ident.detail))
        exact = s.ident.score >= 1.0 or (
            not s.al.unmatched_q
            and not s.al.unmatched_c
            and all(p.how == F.EXACT for p in s.al.pairs)
            and all(f.score >= 0 for f in s.quals)
            and s.score >= 0.99
        )
        band = "exact" if exact else "strong" if s.score >= STRONG_CUTOFF else "possible"
        return Hit(entry, round(s.score, 4), band, tuple(feats), _explain(s, prep.side, cand, entry))


def _explain(s: _Scored, query: F.Side, cand: F.Side, entry: IndexEntry) -> str:
    al = s.al
    n = len(query.tokens)
    kinds: dict[str, int] = {}
    for p in al.pairs:
        if p.how != F.EXACT:
            label = {
                F.TYPO: "typo",
                F.PHONETIC: "spelling variant",
                F.TRUNCATED: "truncated",
                F.INITIAL: "initial",
                F.COMPOUND: "joined/split word",
            }[p.how]
            kinds[label] = kinds.get(label, 0) + 1
    matched = len({i for p in al.pairs for i in p.q})
    if matched == n and n:
        head = f"all {n} name tokens match {entry.name!r}" if n > 1 else f"name matches {entry.name!r}"
    elif n:
        head = f"{matched} of {n} name tokens match {entry.name!r}"
    else:
        head = f"no name given; listed as {entry.name!r}"
    if kinds:
        head += " (" + ", ".join(f"{c} {k}{'s' if c > 1 else ''}" for k, c in kinds.items()) + ")"
    parts = [head]
    if al.unmatched_c:
        missing = ", ".join(cand.tokens[j] for j in al.unmatched_c)
        parts.append(f"listed name also has {missing}")
    if al.unmatched_q:
        parts.append(f"query also has {', '.join(query.tokens[i] for i in al.unmatched_q)}")
    if s.ident.score >= 1.0:
        parts.append(s.ident.detail)
    for f in s.quals:
        if f.score != 0:
            parts.append(f.detail)
    return "; ".join(parts)


_WORKER_MATCHER: Matcher | None = None
_NO_ID = F.identifier(None, ())
# Stand-in for the entry fields when the query has no qualifier that reads them.
_NO_ROW: tuple[Any, ...] = (None,) * 11 + (frozenset(), (), ())


_Packed = tuple[int, float, str, tuple[tuple[str, float, float, str], ...], str]


def _screen_chunk(args: tuple[list[Query], float | None, int]) -> list[list[_Packed]]:
    queries, threshold, limit = args
    m = _WORKER_MATCHER
    assert m is not None
    out: list[list[_Packed]] = []
    for q in queries:
        out.append(
            [
                (
                    k,
                    h.score,
                    h.band,
                    tuple((f.name, f.weight, f.score, f.detail) for f in h.features),
                    h.explanation,
                )
                for k, h in m._screen_indexed(q, threshold, limit)
            ]
        )
    return out
