"""Property tests for the normalisers (hypothesis).

normalize_name never raises on any Unicode string; its tokens are ASCII
lower-case letters and digits; it is idempotent on its own output. The
idempotence statement, as names.py documents it: for a name without Chinese
characters or Hangul, normalising the joined tokens again gives the same
tokens, for every entity type. A romanised Chinese or Korean syllable may
differ on purpose (奥 -> "ao" is a name word; a Latin "AO" at the edge of a
company name is a legal form), so for those the statement is that the second
pass is already a fixed point.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compliance.normalize.names import (
    MAX_NAME_CHARS,
    latin_lookalike_variant,
    normalize_name,
    phonetic_key,
    skeleton,
)
from compliance.normalize.text import basic_key, identifier_key

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

KINDS = st.sampled_from([None, "person", "organization", "company", "vessel", "aircraft", "unknown"])

# Any Unicode text without surrogates, weighted towards what breaks normalisers:
# control and format characters, combining marks, right-to-left letters,
# look-alikes, CJK, and the words of the tables themselves.
ANY_TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=60)
TRICKY_CHARS = st.sampled_from(
    list(
        "\x00\x1f\x7f\u200b\u200d\u202e\u2066\ufeff\u00ad\u0301\u0308\u0651\u064e"
        "АаЕеОоРрСсΑΟρνاﻻلعبدةك،中兴有限公司주식회사㈜ＡＺ𝐀ıß&,.'`-()\"  \t\n"
    )
)
TABLE_WORDS = st.sampled_from(
    [
        "al", "el", "bin", "abd", "abdul", "abu", "ao", "sa", "co", "ltd", "llc", "ooo", "gmbh", "and", "kg",
        "s", "a", "de", "la", "von", "dr", "sheikh", "h", "e", "jr", "limited", "company", "group", "pjs",
        "sp", "z", "o", "abdallah", "abdurrahman", "ar", "rahman", "mohd", "abou",
        "you", "xian", "gong", "si",
    ]
)  # fmt: skip
NAMEISH = st.lists(
    st.one_of(
        TABLE_WORDS,
        st.text(TRICKY_CHARS, min_size=1, max_size=6),
        st.text("abcdeklmnorsu", min_size=1, max_size=8),
    ),
    max_size=8,
).map(" ".join)
TEXT = st.one_of(ANY_TEXT, NAMEISH)
ALPHABETIC_TEXT = TEXT.filter(
    lambda t: not any("\u3400" <= ch <= "\u9fff" or "\uac00" <= ch <= "\ud7af" for ch in t)
)


@SETTINGS
@given(TEXT, KINDS)
def test_never_raises_and_tokens_are_ascii_alphanumerics(text: str, kind: str | None) -> None:
    form = normalize_name(text, kind)
    assert form.original == text
    for token in form.tokens:
        assert token and token.isascii() and token.isalnum() and token == token.lower()
    assert len(" ".join(form.tokens)) <= 4 * MAX_NAME_CHARS


@settings(max_examples=30, deadline=None)
@given(st.lists(TEXT, min_size=1, max_size=5).map(lambda parts: ("".join(parts) * 10_000)[:10_000]), KINDS)
def test_long_text_never_raises(text: str, kind: str | None) -> None:
    # 10,000 characters built from a repeated random piece (or less when the piece is empty).
    assert isinstance(normalize_name(text, kind).tokens, tuple)


@SETTINGS
@given(ALPHABETIC_TEXT, KINDS)
def test_idempotent_on_its_tokens(text: str, kind: str | None) -> None:
    tokens = normalize_name(text, kind).tokens
    assert normalize_name(" ".join(tokens), kind).tokens == tokens


@SETTINGS
@given(TEXT, KINDS)
def test_second_pass_is_a_fixed_point(text: str, kind: str | None) -> None:
    once = normalize_name(normalize_name(text, kind).text, kind).tokens
    assert normalize_name(" ".join(once), kind).tokens == once


@SETTINGS
@given(TEXT)
def test_lookalike_variant_never_raises(text: str) -> None:
    variant = latin_lookalike_variant(text)
    if variant is not None:
        assert isinstance(normalize_name(variant, "organization").tokens, tuple)


@SETTINGS
@given(st.text("abcdefghijklmnopqrstuvwxyz0123456789", max_size=20))
def test_phonetic_key_and_skeleton_never_raise(token: str) -> None:
    assert isinstance(phonetic_key(token), str)
    assert isinstance(skeleton(token), str)


@SETTINGS
@given(TEXT)
def test_basic_key_idempotent(text: str) -> None:
    key = basic_key(text)
    assert basic_key(key) == key


@SETTINGS
@given(TEXT)
def test_identifier_key_idempotent(text: str) -> None:
    key = identifier_key(text)
    assert identifier_key(key) == key
