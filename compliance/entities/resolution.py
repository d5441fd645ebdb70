"""Cross-list resolution: entries of several lists that name the same real-world party.

Each list entry starts as its own entity. Resolution compares the entities in
force that carry at least one designation and sorts pairs into:

* **certain links**, applied by ``resolve(apply=True)`` as merges recorded in
  the audit log with kind "resolution" (undone by ``entity unmerge``):

  - an identifier agrees (same normalised value of a registration number,
    ISIN, IMO, passport...; web sites, e-mails and phone numbers do not count,
    related companies share them); or
  - a very strong name match: engine score >= ``CERTAIN_NAME_SCORE`` between
    two of their names, AND at least one country in common, AND entity types
    of the same family (person / company-organisation / vessel / aircraft;
    "unknown" fits any);

  and nothing argues against the link: the two are not entries of the same
  list (two entries of one list are two parties to its publisher), their
  identifiers of one type and country do not disagree, two people's years of
  birth do not disagree, and no officer has undone a merge of the two;

* **proposals** for review: name score >= ``PROPOSAL_SCORE`` but short of the
  above, or a certain link that something argues against. Proposals are only
  listed, never merged: an officer merges with ``compliance entity merge``.

Blocking is never quadratic: candidates come from the screening engine's
index (each name of each entity is screened once against all others) and from
a dictionary of identifier keys. Without the engine, a token index (pairs
that share a rare name token) with a plain token-similarity score stands in.
"""

from __future__ import annotations

import difflib
import re
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from compliance import settings
from compliance.db import entities_repo as repo
from compliance.db.session import session_scope
from compliance.entities import service
from compliance.normalize.names import normalize_name
from compliance.normalize.text import basic_key

# Name scores are the engine's *name* score: its name features (token
# alignment, phonetics; weights summing to 1) without the qualifiers, because
# qualifiers such as informativeness depend on how common a word is in the
# index (on a small sample, "Huawei" is a common word). It reads "1.0: the same
# tokens after normalisation; 0.9: the same name with one small difference"
# (see compliance.matching.engine). A certain link by name needs
# near-identity: 0.95 admits punctuation, legal forms, accents, scripts and
# word order, and refuses a missing or changed word.
CERTAIN_NAME_SCORE = 0.95
# Below this, a pair sharing some words is not even worth proposing.
PROPOSAL_SCORE = 0.85
# Identifier types that do not identify one party (shared by related companies).
WEAK_IDENTIFIER_TYPES = frozenset(
    {repo.OWN_REF_TYPE, "website", "email", "e-mail", "phone", "fax", "telephone", "address", "url", "other"}
)
# Shorter identifier keys are too likely to collide ("1", "A12").
MIN_IDENTIFIER_CHARS = 6
# Engine hits kept per name screened, and the lowest engine score retrieved
# (qualifiers can lower identical names of common words to about 0.7).
HITS_PER_NAME = 10
RETRIEVAL_THRESHOLD = 0.30
# Fallback blocking: a name token held by more entities than this does not make candidates.
MAX_TOKEN_BLOCK = 50

_FAMILIES = {
    "person": "person",
    "company": "organization",
    "organization": "organization",
    "vessel": "vessel",
    "aircraft": "aircraft",
}
_BRACKETS = re.compile(r"\s*\([^)]*\)\s*")


@dataclass
class Link:
    """Two entities in force that may be one party, with the evidence."""

    a: int
    b: int
    a_name: str = ""
    b_name: str = ""
    a_refs: list[str] = field(default_factory=list)
    b_refs: list[str] = field(default_factory=list)
    name_score: float = 0.0
    names: tuple[str, str] | None = None  # the best-matching names (a's, b's)
    identifier: str | None = None  # an agreeing identifier
    countries: list[str] = field(default_factory=list)  # countries in common
    certain: bool = False
    reasons: list[str] = field(default_factory=list)  # why it is (or is not) certain

    def evidence(self) -> dict[str, Any]:
        return {
            "name_score": round(self.name_score, 4),
            "names": list(self.names) if self.names else None,
            "identifier": self.identifier,
            "countries": self.countries,
            "reasons": self.reasons,
            "a_refs": self.a_refs,
            "b_refs": self.b_refs,
            "certain_name_score": CERTAIN_NAME_SCORE,
        }


@dataclass
class ResolutionReport:
    entities: int  # listed entities in force compared
    method: str  # "engine" or "tokens"
    certain: list[Link]
    proposals: list[Link]
    applied: int = 0  # merges made (with --apply)
    merges: list[service.MergeResult] = field(default_factory=list)


# ----------------------------------------------------------------- helpers


def _families(prof: repo.GroupProfile) -> set[str]:
    return {_FAMILIES[t] for t in prof.types if t in _FAMILIES}


def _strong_ids(prof: repo.GroupProfile) -> set[tuple[str, str, str | None]]:
    return {
        (t, key, c)
        for t, key, c in prof.identifiers
        if t.lower() not in WEAK_IDENTIFIER_TYPES and len(key) >= MIN_IDENTIFIER_CHARS
    }


def _identifier_conflict(a: repo.GroupProfile, b: repo.GroupProfile) -> str | None:
    """Same identifier type and country on both sides, but different values."""
    by_a: dict[tuple[str, str | None], set[str]] = defaultdict(set)
    by_b: dict[tuple[str, str | None], set[str]] = defaultdict(set)
    for t, key, c in _strong_ids(a):
        by_a[(t, c)].add(key)
    for t, key, c in _strong_ids(b):
        by_b[(t, c)].add(key)
    for slot in by_a.keys() & by_b.keys():
        if not by_a[slot] & by_b[slot]:
            t, c = slot
            return f"their {t} numbers{f' ({c})' if c else ''} differ"
    return None


def _birth_conflict(a: repo.GroupProfile, b: repo.GroupProfile) -> bool:
    if "person" not in _families(a) | _families(b):
        return False
    years_a = {d[:4] for d in a.birth_dates if d[:4].isdigit()}
    years_b = {d[:4] for d in b.birth_dates if d[:4].isdigit()}
    return bool(years_a and years_b and not years_a & years_b)


def _variants(name: str) -> list[str]:
    """A name, and the name without bracketed parts ("Huawei Technologies Co., Ltd. (Huawei)")."""
    out = [name]
    bare = _BRACKETS.sub(" ", name).strip()
    if bare and bare != name and basic_key(bare):
        out.append(bare)
    return out


def _undone_pairs() -> set[frozenset[int]]:
    """Pairs whose latest merge was undone by an officer: resolution must not redo it."""
    with session_scope() as session:
        lines = repo.audit_lines(session, ("entity.merge", "entity.unmerge"))
    state: dict[frozenset[int], str] = {}
    for line in lines:
        a, b = line.details.get("target"), line.details.get("merged")
        if isinstance(a, int) and isinstance(b, int):
            state[frozenset((a, b))] = line.action
    return {pair for pair, action in state.items() if action == "entity.unmerge"}


# ------------------------------------------------------------ name blocking


NameScores = dict[tuple[int, int], tuple[float, str, str]]


def _keep(scores: NameScores, a: int, b: int, score: float, name_a: str, name_b: str) -> None:
    if a == b:
        return
    key = (a, b) if a < b else (b, a)
    names = (name_a, name_b) if a < b else (name_b, name_a)
    if key not in scores or score > scores[key][0]:
        scores[key] = (score, names[0], names[1])


def _engine_scores(profiles: dict[int, repo.GroupProfile], matcher_cls: Any) -> NameScores:
    from compliance.matching.types import Query

    matcher = matcher_cls.build(service.profile_entries(profiles.values()))
    queries: list[tuple[int, str, Any]] = []
    for prof in profiles.values():
        for value, _kind in dict.fromkeys(prof.names):
            for variant in _variants(value):
                queries.append((prof.root_id, variant, Query(name=variant)))
    module = sys.modules[matcher_cls.__module__]
    name_features = {name for name, _weight in getattr(module, "NAME_FEATURES", ())}

    def name_score(hit: Any) -> float:
        parts = [f for f in hit.features if f.name in name_features]
        total = sum(f.weight for f in parts)
        return sum(f.weight * f.score for f in parts) / total if total else float(hit.score)

    results = matcher.screen_many(
        [q for _, _, q in queries], threshold=RETRIEVAL_THRESHOLD, limit=HITS_PER_NAME
    )
    scores: NameScores = {}
    for (root, variant, _q), hits in zip(queries, results, strict=True):
        for hit in hits:
            score = name_score(hit)
            if score >= PROPOSAL_SCORE:
                _keep(scores, root, hit.entry.entity_id, score, variant, hit.entry.name)
    return scores


def _similarity(a: tuple[str, ...], b: tuple[str, ...]) -> float:
    """Fallback name score: aligned tokens (difflib ratio >= 0.85 counts) over the longer name."""
    sa, sb = set(a), set(b)
    if not sa or not sb:
        return 0.0
    if sa == sb:
        return 1.0
    small, large = (sa, sb) if len(sa) <= len(sb) else (sb, sa)
    total = 0.0
    for token in small:
        best = max(difflib.SequenceMatcher(None, token, other).ratio() for other in large)
        total += best if best >= 0.85 else 0.0
    return total / len(large)


def _token_scores(profiles: dict[int, repo.GroupProfile]) -> NameScores:
    forms: list[tuple[int, str, tuple[str, ...]]] = []
    for prof in profiles.values():
        etype = prof.entity_type if prof.entity_type in _FAMILIES else None
        for value, _kind in dict.fromkeys(prof.names):
            for variant in _variants(value):
                tokens = normalize_name(variant, etype).tokens
                if tokens:
                    forms.append((prof.root_id, variant, tokens))
    holders: dict[str, set[int]] = defaultdict(set)
    for i, (_root, _v, tokens) in enumerate(forms):
        for token in set(tokens):
            holders[token].add(i)
    scores: NameScores = {}
    for i, (root, variant, tokens) in enumerate(forms):
        rare = [t for t in set(tokens) if len(holders[t]) <= MAX_TOKEN_BLOCK]
        if not rare:
            rare = [min(set(tokens), key=lambda t: len(holders[t]))]
        candidates = set().union(*(holders[t] for t in rare))
        for j in candidates:
            if j <= i or forms[j][0] == root:
                continue
            score = _similarity(tokens, forms[j][2])
            if score >= PROPOSAL_SCORE:
                _keep(scores, root, forms[j][0], score, variant, forms[j][1])
    return scores


# ------------------------------------------------------------------ resolve


def _identifier_pairs(profiles: dict[int, repo.GroupProfile]) -> dict[tuple[int, int], str]:
    holders: dict[str, set[int]] = defaultdict(set)
    labels: dict[str, str] = {}
    for prof in profiles.values():
        for t, key, _c in _strong_ids(prof):
            holders[key].add(prof.root_id)
            labels.setdefault(key, f"{t} {key}")
    pairs: dict[tuple[int, int], str] = {}
    for key, roots in holders.items():
        ordered = sorted(roots)
        if len(ordered) > 20:  # a value on this many entries is not an identifier of one party
            continue
        for i, a in enumerate(ordered):
            for b in ordered[i + 1 :]:
                pairs.setdefault((a, b), labels[key])
    return pairs


def _judge(
    link: Link, a: repo.GroupProfile, b: repo.GroupProfile, undone: set[frozenset[int]]
) -> Link | None:
    fa, fb = _families(a), _families(b)
    types_agree = not fa or not fb or bool(fa & fb)
    common = sorted(a.countries & b.countries)
    link.countries = common
    against: list[str] = []
    if not types_agree:
        if link.identifier is None:
            return None
        against.append(f"entity types differ ({'/'.join(sorted(fa))} vs {'/'.join(sorted(fb))})")
    if a.lists & b.lists:
        against.append("both are entries of the same list")
    conflict = _identifier_conflict(a, b)
    if conflict and link.identifier is None:
        against.append(conflict)
    if _birth_conflict(a, b):
        against.append("years of birth differ")
    if frozenset((a.root_id, b.root_id)) in undone:
        against.append("an officer undid a merge of these two")
    for_it: list[str] = []
    if link.identifier is not None:
        for_it.append(f"identifier agrees: {link.identifier}")
    elif link.name_score >= CERTAIN_NAME_SCORE:
        if common:
            for_it.append(f"name score {link.name_score:.2f} and country {', '.join(common)}")
        elif not a.countries or not b.countries:
            against.append("a country is unknown on one side")
        else:
            against.append(
                f"countries differ ({', '.join(sorted(a.countries))} vs {', '.join(sorted(b.countries))})"
            )
    else:
        against.append(f"name score {link.name_score:.2f} is below {CERTAIN_NAME_SCORE}")
        if common:
            link.reasons.append(f"country {', '.join(common)} agrees")
    link.certain = bool(for_it) and not against
    link.reasons = for_it + against + link.reasons
    return link


def find_links(progress: Callable[[str], None] | None = None) -> ResolutionReport:
    """Certain links and proposals between listed entities in force (nothing is written)."""
    with session_scope() as session:
        profiles = repo.group_profiles(session, listed_only=True)
    undone = _undone_pairs()
    matcher_cls = service.engine()
    if progress:
        progress(f"comparing {len(profiles):,} listed entities")
    if matcher_cls is not None:
        scores, method = _engine_scores(profiles, matcher_cls), "engine"
    else:
        scores, method = _token_scores(profiles), "tokens"
    id_pairs = _identifier_pairs(profiles)
    certain: list[Link] = []
    proposals: list[Link] = []
    for a_id, b_id in sorted(scores.keys() | id_pairs.keys()):
        a, b = profiles[a_id], profiles[b_id]
        score, name_a, name_b = scores.get((a_id, b_id), (0.0, "", ""))
        link = Link(
            a_id,
            b_id,
            a.name,
            b.name,
            sorted(a.refs),
            sorted(b.refs),
            score,
            (name_a, name_b) if name_a else None,
            id_pairs.get((a_id, b_id)),
        )
        judged = _judge(link, a, b, undone)
        if judged is None:
            continue
        (certain if judged.certain else proposals).append(judged)
    proposals.sort(key=lambda lk: (-lk.name_score, lk.a, lk.b))
    return ResolutionReport(len(profiles), method, certain, proposals)


def _components(links: Iterable[Link]) -> Iterator[tuple[int, list[tuple[int, Link]]]]:
    """Groups of certain links: (target = lowest id, [(entity to merge, the link that reached it)])."""
    edges: dict[int, list[tuple[int, Link]]] = defaultdict(list)
    for link in links:
        edges[link.a].append((link.b, link))
        edges[link.b].append((link.a, link))
    seen: set[int] = set()
    for start in sorted(edges):
        if start in seen:
            continue
        seen.add(start)
        order: list[tuple[int, Link]] = []
        frontier = [start]
        while frontier:
            node = frontier.pop()
            for other, link in edges[node]:
                if other not in seen:
                    seen.add(other)
                    order.append((other, link))
                    frontier.append(other)
        yield start, order


def resolve(
    *, apply: bool = False, actor: str | None = None, progress: Callable[[str], None] | None = None
) -> ResolutionReport:
    """Find links; with ``apply``, merge the certain ones (one transaction, audit-logged)."""
    report = find_links(progress)
    if not apply or not report.certain:
        return report
    who = actor or settings.ACTOR
    with session_scope() as session:
        for target, members in _components(report.certain):
            for merged, link in members:
                result = service.merge_in_session(
                    session,
                    target,
                    merged,
                    actor=who,
                    note="cross-list resolution: " + "; ".join(link.reasons),
                    kind="resolution",
                    evidence=link.evidence() | {"link": [link.a, link.b]},
                )
                report.merges.append(result)
    report.applied = len(report.merges)
    return report
