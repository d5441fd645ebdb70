"""Pure text clean-up shared by names, identifiers and free text.

The same functions run on the list side (at load time) and on the query side,
so that both meet in one searchable form.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

# Zero-width and bidirectional control characters: invisible, and a known way
# to make a listed name look different to a naive comparison.
_INVISIBLE = dict.fromkeys(
    [
        0x00AD,  # soft hyphen
        0x034F,  # combining grapheme joiner
        0x061C,  # Arabic letter mark
        0x180E,  # Mongolian vowel separator
        *range(0x200B, 0x2010),  # zero-width space, joiners, LRM/RLM
        *range(0x202A, 0x202F),  # bidi embeddings and overrides
        *range(0x2060, 0x2070),  # word joiner, invisible operators, bidi isolates
        0xFEFF,  # byte-order mark / zero-width no-break space
    ]
)
_PUNCT = re.compile(r"[^\w]+", re.UNICODE)


def strip_invisible(text: str) -> str:
    """Remove zero-width, bidi-control and other invisible characters, and control codes."""
    text = text.translate(_INVISIBLE)
    return "".join(ch for ch in text if ch in "\t\n " or unicodedata.category(ch) != "Cc")


def fold_diacritics(text: str) -> str:
    """ "Müller" -> "Muller": drop combining marks after canonical decomposition."""
    decomposed = unicodedata.normalize("NFKD", text)
    return unicodedata.normalize("NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch)))


def basic_key(text: str) -> str:
    """Case-folded, accent-free, punctuation-free form with single spaces.

    A lossless-enough key for exact lookups; screening applies richer
    normalisation (transliteration, look-alike letters, legal forms) on top.
    """
    text = unicodedata.normalize("NFKC", strip_invisible(text))
    text = fold_diacritics(text).casefold()
    text = _PUNCT.sub(" ", text).replace("_", " ")
    return " ".join(text.split())


def identifier_key(value: str) -> str:
    """An identifier reduced to upper-case letters and digits: "AB 12-34" -> "AB1234"."""
    value = unicodedata.normalize("NFKC", strip_invisible(value))
    return "".join(ch for ch in fold_diacritics(value).upper() if ch.isalnum())


def money(amount: Decimal | None, currency: str | None) -> str:
    """ "USD 430,488,798" (cents shown only when there are some); "" when no amount."""
    if amount is None:
        return ""
    text = f"{amount:,.2f}"
    if text.endswith(".00"):
        text = text[:-3]
    return f"{currency or ''} {text}".strip()
