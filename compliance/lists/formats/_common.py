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
    raise ListDataError(
        str(path), f"the text is in none of the expected encodings ({', '.join(candidates)})"
    )


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
    wanted: set[str] | None
    if tags is None:
        wanted = None
    elif isinstance(tags, str):
        wanted = {tags}
    else:
        wanted = set(tags)
    context = etree.iterparse(
        str(path),
        events=("end",),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
    )
    try:
        for _event, element in context:
            if wanted is None or etree.QName(element).localname in wanted:
                yield element
    except etree.XMLSyntaxError as exc:
        raise ListDataError(str(path), f"the XML is malformed or cut off ({exc.msg}, line {exc.lineno})") from None


def release(element: etree._Element) -> None:
    """Free a processed element and the already-processed siblings before it."""
    element.clear(keep_tail=False)
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


def local(element: etree._Element) -> str:
    """The element's name without its namespace."""
    return etree.QName(element).localname


def child_text(element: etree._Element, name: str) -> str | None:
    """Trimmed text of the first direct child called ``name`` (any namespace)."""
    for child in element:
        if isinstance(child.tag, str) and etree.QName(child).localname == name:
            return clean(child.text)
    return None


def children(element: etree._Element, name: str) -> list[etree._Element]:
    """Direct children called ``name`` (any namespace)."""
    return [
        child
        for child in element
        if isinstance(child.tag, str) and etree.QName(child).localname == name
    ]


def descendants(element: etree._Element, name: str) -> list[etree._Element]:
    """All descendants called ``name`` (any namespace)."""
    return [el for el in element.iter() if isinstance(el.tag, str) and etree.QName(el).localname == name]


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


def parse_dmy(text: str | None) -> date | None:
    """``DD/MM/YYYY`` to a date; None if absent, partial (00) or invalid."""
    if not text:
        return None
    match = re.match(r"\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*$", text)
    if not match:
        return None
    try:
        return date(int(match[3]), int(match[2]), int(match[1]))
    except ValueError:
        return None


def parse_mdy(text: str | None) -> date | None:
    """``MM/DD/YYYY`` (US order) to a date; None if absent or invalid."""
    if not text:
        return None
    match = re.match(r"\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*$", text)
    if not match:
        return None
    try:
        return date(int(match[3]), int(match[1]), int(match[2]))
    except ValueError:
        return None


def partial_date(year: str | int | None, month: str | int | None = None, day: str | int | None = None) -> str | None:
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
