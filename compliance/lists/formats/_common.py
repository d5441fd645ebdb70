"""Helpers every list parser uses: safe reading of text and XML, and dates.

Nothing here writes anything. Errors are raised as ``ListDataError`` with the
file (and row or element when known) so the user sees one clear line.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import IO

from lxml import etree

from compliance.errors import ListDataError

# How much of a file's start is inspected to tell what kind of file it is.
_SNIFF_BYTES = 4096
_HTML_START = re.compile(rb"^\s*(<!doctype\s+html|<html|<head|<body)", re.IGNORECASE)
# Any DTD that declares entities is refused outright: official lists never
# use them, and they are how "billion laughs" and external-entity attacks work.
_ENTITY_DECL = re.compile(rb"<!ENTITY", re.IGNORECASE)


def head_bytes(path: Path, size: int = _SNIFF_BYTES) -> bytes:
    with open(path, "rb") as fh:
        return fh.read(size)


def refuse_html(path: Path) -> None:
    """Raise when the file is a web page (an error page served instead of data)."""
    start = head_bytes(path).lstrip(b"\xef\xbb\xbf")
    if _HTML_START.match(start):
        raise ListDataError(
            str(path),
            "this is a web page, not list data (the server probably sent an error page)",
        )


def refuse_empty(path: Path) -> None:
    if path.stat().st_size == 0:
        raise ListDataError(str(path), "the file is empty")


def detect_encoding(path: Path, candidates: Sequence[str] = ("utf-8", "cp1252")) -> str:
    """The first of ``candidates`` that decodes the whole file.

    UTF-8 is tried first because Windows-1252 decodes almost any bytes; a file
    that is neither raises ``ListDataError``.
    """
    start = head_bytes(path, 4)
    if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # A spreadsheet's "Unicode text" re-save: UTF-16 with a byte-order mark.
        candidates = ("utf-16",)
    for encoding in candidates:
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with open(path, "rb") as fh:
                while chunk := fh.read(1 << 20):
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return "utf-8-sig" if encoding == "utf-8" else encoding
    if candidates == ("utf-16",):
        raise ListDataError(str(path), "the file starts as UTF-16 text but is damaged")
    raise ListDataError(str(path), f"the text is in none of the expected encodings ({', '.join(candidates)})")


def open_text(path: Path, candidates: Sequence[str] = ("utf-8", "cp1252")) -> IO[str]:
    """Open a text file in the encoding it really uses, with universal newlines.

    The DOS end-of-file byte (0x1A) that OFAC files end with is not removed
    here; use ``strip_eof`` on lines.
    """
    refuse_empty(path)
    refuse_html(path)
    encoding = detect_encoding(path, candidates)
    return open(path, encoding=encoding, newline="")


def strip_eof(text: str) -> str:
    """Remove the DOS end-of-file marker (0x1A) and surrounding blank space."""
    return text.replace("\x1a", "")


def clean(value: str | None) -> str | None:
    """Trim a field; the OFAC null token ``-0-`` and empty strings become None."""
    if value is None:
        return None
    value = value.strip()
    if not value or value == "-0-":
        return None
    return value


def safe_iterparse(path: Path, tags: str | Sequence[str] | None = None) -> Iterator[etree._Element]:
    """Stream the elements of an XML file whose (local) name is in ``tags``.

    The caller must ``clear()`` what it no longer needs (``release`` does
    that). Entity declarations, external entities, network access and huge
    text nodes are refused. Malformed or truncated XML raises
    ``ListDataError`` naming the line.
    """
    refuse_empty(path)
    refuse_html(path)
    start = head_bytes(path, 1 << 16)
    if _ENTITY_DECL.search(start):
        raise ListDataError(
            str(path), "the XML declares entities, which official lists never do; refused as unsafe"
        )
    # lxml filters the tags itself ("{*}name": any namespace), which is several
    # times faster on big files than looking at every element in Python.
    wanted: list[str] | None
    if tags is None:
        wanted = None
    elif isinstance(tags, str):
        wanted = [f"{{*}}{tags}"]
    else:
        wanted = [f"{{*}}{tag}" for tag in tags]
    context = etree.iterparse(
        str(path),
        events=("end",),
        tag=wanted,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
    )
    try:
        for _event, element in context:
            yield element
    except etree.XMLSyntaxError as exc:
        raise ListDataError(
            str(path), f"the XML is malformed or cut off ({exc.msg}, line {exc.lineno})"
        ) from None


def release(element: etree._Element) -> None:
    """Free a processed element and the already-processed siblings before it."""
    element.clear(keep_tail=False)
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


def local(element: etree._Element) -> str:
    """The element's name without its namespace."""
    return str(etree.QName(element).localname)


def child_text(element: etree._Element, name: str) -> str | None:
    """Trimmed text of the first direct child called ``name`` (any namespace)."""
    for child in element.iterchildren(f"{{*}}{name}"):
        return clean(child.text)
    return None


def children(element: etree._Element, name: str) -> list[etree._Element]:
    """Direct children called ``name`` (any namespace)."""
    return list(element.iterchildren(f"{{*}}{name}"))


def descendants(element: etree._Element, name: str) -> list[etree._Element]:
    """All descendants called ``name`` (any namespace)."""
    return list(element.iter(f"{{*}}{name}"))


def parse_iso_date(text: str | None) -> date | None:
    """``YYYY-MM-DD`` (optionally followed by a time) to a date; None if absent or invalid."""
    if not text:
        return None
    match = re.match(r"\s*(\d{4})-(\d{2})-(\d{2})", text)
    if not match:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


_SLASH_DATE = re.compile(r"\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*$")


def _slash_date(text: str | None, day_first: bool) -> date | None:
    if not text:
        return None
    match = _SLASH_DATE.match(text)
    if not match:
        return None
    first, second = int(match[1]), int(match[2])
    day, month = (first, second) if day_first else (second, first)
    try:
        return date(int(match[3]), month, day)
    except ValueError:
        return None


def parse_dmy(text: str | None) -> date | None:
    """``DD/MM/YYYY`` to a date; None if absent, partial (00) or invalid."""
    return _slash_date(text, day_first=True)


def parse_mdy(text: str | None) -> date | None:
    """``MM/DD/YYYY`` (US order) to a date; None if absent or invalid."""
    return _slash_date(text, day_first=False)


def partial_date(
    year: str | int | None, month: str | int | None = None, day: str | int | None = None
) -> str | None:
    """An ISO date truncated to what is known: "1961", "1961-08", "1961-08-23".

    Zero or missing parts mean unknown. Returns None when even the year is unknown.
    """
    try:
        y = int(year) if year not in (None, "") else 0
        m = int(month) if month not in (None, "") else 0
        d = int(day) if day not in (None, "") else 0
    except (TypeError, ValueError):
        return None
    if not 1000 <= y <= 2999:
        return None
    if not 1 <= m <= 12:
        return f"{y:04d}"
    if not 1 <= d <= 31:
        return f"{y:04d}-{m:02d}"
    try:
        date(y, m, d)
    except ValueError:
        return f"{y:04d}-{m:02d}"
    return f"{y:04d}-{m:02d}-{d:02d}"


_MONTHS = {
    m: i
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1
    )
}


def parse_text_date(text: str | None) -> str | None:
    """A free-text date as OFAC and others write it, to a partial ISO date.

    Understands "23 Aug 1961", "Aug 1961", "1961", "1961-08-23", "23/08/1961",
    "circa 1961" (the caller records approximation). Returns None otherwise.
    """
    if not text:
        return None
    t = text.strip().lower().removeprefix("circa").strip()
    if m := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", t):
        return partial_date(m[1], m[2], m[3])
    if m := re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", t):
        return partial_date(m[3], m[2], m[1])
    if m := re.fullmatch(r"(\d{1,2})\s+([a-z]{3})[a-z]*\.?\s+(\d{4})", t):
        month = _MONTHS.get(m[2])
        return partial_date(m[3], month, m[1]) if month else None
    if m := re.fullmatch(r"([a-z]{3})[a-z]*\.?\s+(\d{4})", t):
        month = _MONTHS.get(m[1])
        return partial_date(m[2], month) if month else None
    if m := re.fullmatch(r"(\d{4})", t):
        return partial_date(m[1])
    return None


def split_multi(value: str | None, sep: str = ";") -> list[str]:
    """Split a multi-valued field and drop empty parts."""
    if not value:
        return []
    return [part.strip() for part in value.split(sep) if part.strip()]


# A list marker as official lists number multi-valued fields: "(1)", "1)", "(a)", "a)".
_FIRST_MARKER = re.compile(r"\s*(\(?)([1a])\)\s*")


def split_numbered(value: str | None) -> list[str]:
    """Split "(1) X (2) Y", "1) X 2) Y" or "a) X, b) Y" into ["X", "Y"].

    Only text that starts with a first marker is split, and only on later
    markers of the same style whose number goes up (by at most 5, so a
    source's gaps such as "(1)-(2) X (3) Y" are survived). "Iranian (Iranian
    citizenship)" stays whole. Parts lose surrounding blanks, and all but the
    last a trailing ",", ";" or "."; parts without a letter or digit are dropped.
    """
    if not value or not value.strip():
        return []
    first = _FIRST_MARKER.match(value)
    if not first:
        return [value.strip()]
    opener, alpha = first[1], first[2].isalpha()
    label = "[a-z]" if alpha else r"\d{1,2}"
    marker = re.compile(rf"(?:(?<=[\s,;.\-])|(?<=^)){re.escape(opener)}({label})\)\s*")
    cuts: list[tuple[int, int]] = [(first.start(), first.end())]
    last = 1
    for found in marker.finditer(value, first.end()):
        number = ord(found[1]) - ord("a") + 1 if alpha else int(found[1])
        if last < number <= last + 5:
            cuts.append((found.start(), found.end()))
            last = number
    parts: list[str] = []
    for i, (_start, body) in enumerate(cuts):
        end = cuts[i + 1][0] if i + 1 < len(cuts) else len(value)
        part = value[body:end].strip()
        if i + 1 < len(cuts):
            part = part.rstrip(",;.-").strip()
        if any(ch.isalnum() for ch in part):
            parts.append(part)
    return parts


_SCRIPT_PREFIXES = {
    "LATIN": "Latn",
    "CYRILLIC": "Cyrl",
    "ARABIC": "Arab",
    "CJK": "Hani",
    "HANGUL": "Hang",
    "HIRAGANA": "Hira",
    "KATAKANA": "Kana",
    "GEORGIAN": "Geor",
    "HEBREW": "Hebr",
    "GREEK": "Grek",
    "THAI": "Thai",
    "MYANMAR": "Mymr",
    "ARMENIAN": "Armn",
    "DEVANAGARI": "Deva",
}


def guess_script(text: str | None) -> str | None:
    """The ISO 15924 code of the first non-Latin script found in ``text``.

    "Latn" when every letter is Latin; None when there are no letters or the
    script is not one of the common ones.
    """
    import unicodedata

    if not text:
        return None
    if text.isascii():  # most names: no need to look up each letter
        return "Latn" if any(ch.isalpha() for ch in text) else None
    seen_latin = False
    for char in text:
        if not char.isalpha():
            continue
        prefix = unicodedata.name(char, "").split(" ", 1)[0]
        code = _SCRIPT_PREFIXES.get(prefix)
        if code == "Latn":
            seen_latin = True
        elif code is not None:
            return code
        else:
            return None
    return "Latn" if seen_latin else None


def date_span(begin: date, end: date) -> str:
    """A span of days as the partial ISO date it stands for.

    Sources that store dates as ranges write "1961" as 1961-01-01..1961-12-31
    and "Aug 1961" as 1961-08-01..1961-08-31: those become "1961" and
    "1961-08"; one day is "1961-08-23"; whole years "1960/1962"; anything
    else "1961-03-21/1962-03-20".
    """
    import calendar

    if begin == end:
        return begin.isoformat()
    if end < begin:
        begin, end = end, begin
    month_end = calendar.monthrange(end.year, end.month)[1]
    starts_month = begin.day == 1
    ends_month = end.day == month_end
    if begin.year == end.year:
        if (begin.month, begin.day, end.month, end.day) == (1, 1, 12, 31):
            return f"{begin.year:04d}"
        if begin.month == end.month and starts_month and ends_month:
            return f"{begin.year:04d}-{begin.month:02d}"
    if (begin.month, begin.day, end.month, end.day) == (1, 1, 12, 31):
        return f"{begin.year:04d}/{end.year:04d}"
    if starts_month and ends_month:
        return f"{begin.year:04d}-{begin.month:02d}/{end.year:04d}-{end.month:02d}"
    return f"{begin.isoformat()}/{end.isoformat()}"


# The script each language is normally written in, where it is not Latin.
_LANG_SCRIPTS = {
    "ar": "Arab", "fa": "Arab", "ur": "Arab", "ps": "Arab",
    "be": "Cyrl", "bg": "Cyrl", "kk": "Cyrl", "ky": "Cyrl", "mk": "Cyrl",
    "ru": "Cyrl", "sr": "Cyrl", "tg": "Cyrl", "uk": "Cyrl",
    "el": "Grek", "he": "Hebr", "hy": "Armn", "ka": "Geor", "ja": "Jpan", "ko": "Hang",
    "my": "Mymr", "th": "Thai", "zh": "Hani", "hi": "Deva",
}  # fmt: skip


def lang_for_script(lang: str | None, script: str | None) -> str | None:
    """A source's language tag (lower-cased), or None when it contradicts the script.

    Lists tag names with a language that is sometimes the language of the
    document, not of the name (a Cyrillic name tagged "EN"): such a tag is
    dropped rather than passed on as a wrong fact.
    """
    if not lang or not lang.strip():
        return None
    lang = lang.strip().lower()
    if script is None:
        return lang
    expected = _LANG_SCRIPTS.get(lang, "Latn")
    if script == expected or (expected == "Jpan" and script in ("Hani", "Hira", "Kana")):
        return lang
    return None
