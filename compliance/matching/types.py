"""The records the screening engine takes and gives.

``IndexEntry`` is one name variant of one list entry (designation), built by
``compliance.screening`` from the database; ``Query`` is what an officer
screens; ``Hit`` is one matched designation with its feature breakdown.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class IndexEntry:
    """One name variant of one list entry (designation)."""

    entity_id: int
    designation_id: int
    source: str  # list source key, e.g. "ofac_sdn"
    ref: str  # the source's own reference, e.g. OFAC ent_num "30947"
    name: str  # this name variant as the list writes it
    name_kind: str  # primary | aka | fka | nka
    weak: bool  # a weak / low-quality alias
    entity_type: str  # person | organization | company | vessel | aircraft | unknown
    sublist: str | None = None
    programs: tuple[str, ...] = ()
    listed_on: str | None = None  # ISO date
    countries: frozenset[str] = frozenset()  # ISO2 codes (nationality, address, jurisdiction...)
    birth_dates: tuple[str, ...] = ()  # partial ISO "1961", "1961-08", "1961-08-23", ranges "1960/1962"
    identifiers: tuple[str, ...] = ()  # identifier_key() forms of passports, IMO, registration numbers...


@dataclass(frozen=True, slots=True)
class Query:
    """A name to screen, with the optional qualifiers an officer knows."""

    name: str
    entity_type: str | None = None  # person | company | organization | vessel | aircraft; None = any
    country: str | None = None  # ISO2
    dob: str | None = None  # partial ISO date
    identifier: str | None = None
    lists: frozenset[str] | None = None  # restrict to these source keys


@dataclass(frozen=True, slots=True)
class FeatureScore:
    """One feature's contribution to a hit.

    ``score`` is 0..1 for name features. Qualifiers (country, birth date,
    entity type) are adjustments in -1..1: negative lowers the score,
    positive raises it, 0 is neutral (unknown on either side).
    """

    name: str  # feature name, e.g. "token_alignment"
    weight: float
    score: float  # 0..1 (qualifiers: -1..1 adjustments, see above)
    detail: str  # human-readable, for a compliance officer: which tokens matched which, rarity...


@dataclass(frozen=True, slots=True)
class Hit:
    """One matched designation, through its best-matching name variant."""

    entry: IndexEntry  # the best-matching name variant of the designation
    score: float  # 0..1
    band: str  # exact | strong | possible
    features: tuple[FeatureScore, ...]
    explanation: str  # one line: why it matched
