"""Synthetic customer names that are on no sanctions list, for monitoring tests and benchmarks.

English-looking given names and invented surnames and shop names, written
in-house. ``customer_names`` is deterministic for a seed.
"""

from __future__ import annotations

import random


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


GIVEN = _words(
    "Olivia Liam Emma Noah Charlotte Oliver Amelia Elijah Sophia Lucas Mia Mason Harper Ethan Evelyn "
    "Logan Abigail Jacob Emily Levi Ella Sebastian Chloe Jack Grace Owen Lily Samuel Nora Henry Zoe"
)
FAMILY = _words(
    "Thornbury Ashcombe Whitlock Pennington Kettleborough Underhill Fairweather Blackwood Hollingsworth "
    "Marchbanks Wetherby Cresswell Ravensworth Lockhart Featherstone Greenhalgh Ormsby Tillotson "
    "Brackenridge Copperfield Haverford Linwood Stanbridge Everleigh Woolcott Dunmore Pemberton Quarrington"
)
WORDS = _words(
    "Bluefin Copperleaf Meadowlark Silverbirch Foxglove Juniper Kestrel Larkspur Marigold Nettlebank "
    "Oakhollow Pinecrest Quillwort Riverbend Saffron Thistledown Umberfield Valewood Willowmere Yarrow"
)
TRADES = _words("Bakery Joinery Garden Centre Bookshop Dairy Orchards Cycles Pottery Florists Tearooms")
FORMS = ("Ltd", "LLP", "Limited", "& Sons", "Cooperative")
# Syllables for invented surnames when many distinct names are needed.
_SYLLABLES = _words("ash bel bram cal dun fen gar hol kin lan mer nor pen ral sel tam ul ver wick yar")
_ENDINGS = _words("by ton ford ley wood well more field worth combe")


def _invented(rng: random.Random) -> str:
    return (rng.choice(_SYLLABLES) + rng.choice(_SYLLABLES) + rng.choice(_ENDINGS)).capitalize()


def customer_names(count: int, seed: int = 7, *, invented: bool = False) -> list[tuple[str, str]]:
    """``count`` distinct (name, type) pairs; ``invented`` draws surnames from syllables (for 100,000s)."""
    rng = random.Random(seed)
    names: dict[str, str] = {}
    while len(names) < count:
        family = _invented(rng) if invented else rng.choice(FAMILY)
        if rng.random() < 0.5:
            given = rng.choice(GIVEN)
            if invented and rng.random() < 0.5:
                given += f" {rng.choice(GIVEN)}"
            names.setdefault(f"{given} {family}", "person")
        else:
            first = family if invented else rng.choice(WORDS)
            names.setdefault(f"{first} {rng.choice(TRADES)} {rng.choice(FORMS)}", "company")
    return list(names.items())
