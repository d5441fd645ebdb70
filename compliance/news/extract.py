"""Articles from files and web addresses: plain text, HTML pages and RSS/Atom feeds.

- Plain text: the first short line is the title.
- HTML: the main text is extracted by trafilatura (navigation, scripts,
  advertising and footers dropped), with title, site name and date.
- Feeds (RSS or Atom, read by feedparser): each item is an article; its
  address is the item's link.

Bytes are decoded as the file declares (byte-order mark, HTTP header, HTML meta
or XML declaration), else as UTF-8, else as the encoding charset-normalizer
recognises with confidence (windows-1252, GB18030...). Text that reads as none
of them is refused. Pages larger than ``MAX_BYTES`` are refused before they are
read whole. Refusals raise ``NewsInputError``: one line, nothing stored.
"""

from __future__ import annotations

import calendar
import codecs
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlparse

from compliance import settings
from compliance.errors import ComplianceError

# Largest article page or feed accepted, in bytes (a news page is rarely over 2 MB).
MAX_BYTES = settings.NEWS_MAX_BYTES
# Fewest characters of text for a page to count as an article.
MIN_TEXT_CHARS = 20
# charset-normalizer's "chaos" above which a guess is not trusted.
MAX_CHAOS = 0.2
_TITLE_MAX = 200

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_\-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_\-]+)""", re.IGNORECASE)
_FEED_ROOT = re.compile(rb"<(?:rss|feed|rdf:RDF)[\s>]", re.IGNORECASE)
_HTML_ROOT = re.compile(rb"<(?:!doctype\s+html|html|head|body)[\s>]", re.IGNORECASE)


class NewsInputError(ComplianceError):
    """An article, page or feed that cannot be used."""

    exit_code = 4

    def __init__(self, location: str, problem: str, *, hint: str | None = None) -> None:
        self.location = location
        self.problem = problem
        super().__init__(f"{location}: {problem}; nothing was stored from it", hint=hint)


@dataclass(frozen=True)
class Document:
    location: str  # the path or address it came from (a feed item's link)
    title: str | None
    outlet: str | None
    published_at: datetime | None
    text: str


def is_url(location: str) -> bool:
    return urlparse(location).scheme in ("http", "https")


# ------------------------------------------------------------------ reading bytes


def _too_big(location: str, size: int | None = None) -> NewsInputError:
    measured = f" ({size / 1024 / 1024:.1f} MB)" if size else ""
    return NewsInputError(
        location,
        f"larger than the {MAX_BYTES / 1024 / 1024:.0f} MB a news page may be{measured}",
        hint="Save the article's text to a file and ingest that, or raise COMPLIANCE_NEWS_MAX_BYTES.",
    )


def _read_file(location: str) -> tuple[bytes, str | None]:
    path = Path(location)
    if not path.is_file():
        raise NewsInputError(location, "no such file", hint="Give a file path or an http(s) address.")
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise _too_big(location, size)
    return path.read_bytes(), None


def _fetch(url: str) -> tuple[bytes, str | None]:
    """The page's bytes and its declared content type, stopping at MAX_BYTES."""
    import requests

    try:
        with requests.get(
            url, stream=True, timeout=settings.HTTP_TIMEOUT, headers={"User-Agent": "compliance-news"}
        ) as response:
            if response.status_code >= 400:
                raise NewsInputError(url, f"the server answered HTTP {response.status_code}")
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > MAX_BYTES:
                raise _too_big(url, int(declared))
            chunks: list[bytes] = []
            total = 0
            for chunk in response.iter_content(chunk_size=65536):
                total += len(chunk)
                if total > MAX_BYTES:
                    raise _too_big(url)
                chunks.append(chunk)
            return b"".join(chunks), response.headers.get("Content-Type")
    except requests.RequestException as exc:
        raise NewsInputError(url, f"download failed ({type(exc).__name__})") from None


def _charset(content_type: str | None) -> str | None:
    if not content_type:
        return None
    m = re.search(r"charset\s*=\s*\"?([A-Za-z0-9_\-]+)", content_type, re.IGNORECASE)
    return m.group(1) if m else None


def decode(location: str, data: bytes, declared: str | None = None) -> str:
    """Text from bytes (see the module docstring for the order tried)."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                raise NewsInputError(location, f"the text is not valid {encoding}") from None
    head = data[:4096]
    found = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    for name in (declared, found.group(1).decode("ascii") if found else None):
        if not name:
            continue
        try:
            return data.decode(name)
        except LookupError:
            continue  # an encoding name Python does not know: try the others
        except UnicodeDecodeError:
            problem = f"the text is not valid {name}, the encoding it declares"
            raise NewsInputError(location, problem) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.chaos > MAX_CHAOS:
        raise NewsInputError(
            location,
            "the text is in no encoding that can be recognised (not UTF-8, and no declared charset)",
            hint="Save it as UTF-8 and ingest it again.",
        )
    return str(best)


# ------------------------------------------------------------------ formats


def _clean_text(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    return text.strip()


def _plain(location: str, text: str) -> Document:
    text = _clean_text(text)
    if len(text) < MIN_TEXT_CHARS:
        raise NewsInputError(location, "there is no article text in it")
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    title = first if len(first) <= _TITLE_MAX else None
    return Document(location, title, _outlet(location, None), None, text)


def _outlet(location: str, sitename: str | None) -> str | None:
    if sitename:
        return sitename[:200]
    if is_url(location):
        host = urlparse(location).hostname or ""
        return host.removeprefix("www.") or None
    return None


def _parse_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _html(location: str, html: str) -> Document:
    import trafilatura

    url = location if is_url(location) else None
    result = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False)
    text = getattr(result, "text", None) if result is not None else None
    if not text or len(text.strip()) < MIN_TEXT_CHARS:
        raise NewsInputError(location, "no article text could be found in the page")
    # One paragraph per line from trafilatura: a blank line between them ends sentences.
    text = "\n\n".join(line.strip() for line in _clean_text(text).split("\n") if line.strip())
    title = getattr(result, "title", None)
    return Document(
        location,
        title[:1000] if title else None,
        _outlet(location, getattr(result, "sitename", None)),
        _parse_date(getattr(result, "date", None)),
        text,
    )


def _fragment_text(html: str) -> str:
    """Plain text of a feed item's HTML fragment, scripts and styles dropped."""
    if "<" not in html:
        return html
    import lxml.html
    from lxml.etree import ParserError

    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (ParserError, ValueError):
        return re.sub(r"<[^>]+>", " ", html)
    for bad in root.xpath("//script|//style|//noscript"):
        bad.drop_tree()
    blocks = [b.text_content().strip() for b in root.xpath("//p|//li|//h1|//h2|//h3|//blockquote")]
    blocks = [b for b in blocks if b]
    return "\n\n".join(blocks) if blocks else root.text_content().strip()


def _feed(location: str, data: bytes) -> list[Document]:
    import feedparser  # type: ignore[import-untyped]

    parsed = feedparser.parse(data)
    if parsed.get("bozo"):
        problem = parsed.get("bozo_exception")
        if not isinstance(problem, feedparser.CharacterEncodingOverride):
            line = getattr(problem, "getLineNumber", lambda: None)()
            where = f" (line {line})" if line else ""
            raise NewsInputError(
                location,
                f"the feed is not well-formed XML{where}: {str(problem).splitlines()[0][:120]}",
                hint="Ask the publisher to fix the feed; no item of a broken feed is taken.",
            )
    if not parsed.get("version") and not parsed.entries:
        raise NewsInputError(location, "this is not an RSS or Atom feed")
    outlet = _outlet(location, (parsed.feed.get("title") or None))
    docs: list[Document] = []
    for number, entry in enumerate(parsed.entries, start=1):
        body = ""
        if entry.get("content"):
            body = "\n\n".join(c.get("value", "") for c in entry.content)
        body = body or entry.get("summary", "") or entry.get("description", "")
        title = (entry.get("title") or "").strip() or None
        text = _clean_text(_fragment_text(body))
        if title and not text.startswith(title):
            text = f"{title}\n\n{text}".strip()
        if len(text) < MIN_TEXT_CHARS:
            continue
        link = entry.get("link") or f"{location}#item-{entry.get('id') or number}"
        published = None
        stamp = entry.get("published_parsed") or entry.get("updated_parsed")
        if stamp:
            published = datetime.fromtimestamp(calendar.timegm(stamp), UTC)
        docs.append(Document(link, title, outlet, published, text))
    return docs


def read(location: str, *, feed: bool = False) -> list[Document]:
    """The articles at ``location`` (a file path or an http(s) address)."""
    data, content_type = _fetch(location) if is_url(location) else _read_file(location)
    if not data.strip():
        raise NewsInputError(location, "the file is empty")
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n")
    kind_type = (content_type or "").lower()
    if feed or _FEED_ROOT.search(head) or "rss" in kind_type or "atom" in kind_type:
        return _feed(location, data)
    text = decode(location, data, _charset(content_type))
    if "\x00" in text[:4096]:
        raise NewsInputError(location, "this is a binary file, not an article")
    suffix = Path(urlparse(location).path).suffix.lower()
    if "html" in kind_type or suffix in (".html", ".htm") or _HTML_ROOT.search(head):
        return [_html(location, text)]
    return [_plain(location, text)]
