"""The list-source registry: one YAML file per source in ``lists/``.

A source file says what the list is, who publishes it, where to download it,
which parser reads it, how often to refresh it, and how many entries a sound
file must hold. It is validated when loaded; a mistake in it is a
``ConfigError`` naming the file and the field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from compliance import settings
from compliance.errors import ConfigError, NotFoundError
from compliance.lists.formats import FORMATS

_DURATION = re.compile(r"^\s*(\d+)\s*([mhdw])\s*$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_duration(text: str, where: str) -> timedelta:
    """ "30m", "6h", "1d", "2w" -> timedelta."""
    match = _DURATION.match(str(text))
    if not match:
        raise ConfigError(f"{where}: {text!r} is not a duration like 30m, 6h, 1d or 2w.")
    return timedelta(**{_UNITS[match[2]]: int(match[1])})


def format_duration(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    for unit, size in (("w", 604800), ("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0 and seconds >= size:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


@dataclass(frozen=True)
class Download:
    url: str
    # The file name to save it under (the name the parser looks for).
    file: str


def _file_name(url: str) -> str:
    tail = url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    return re.sub(r"[^A-Za-z0-9._-]+", "_", tail) or "download"


@dataclass(frozen=True)
class SourceConfig:
    key: str
    title: str
    authority: str
    # The parser for downloads and the default for local loads.
    format: str
    # Other formats this source is also published in (accepted by `lists load`).
    alt_formats: tuple[str, ...]
    downloads: tuple[Download, ...]
    refresh_every: timedelta
    stale_after: timedelta
    min_records: int | None
    max_records: int | None
    licence: str
    # What being on this list means for a counterparty, in one line.
    effect: str
    sample: Path | None
    path: Path
    homepage: str | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)
    # Which entries block property under OFAC (the 50% rule counts them):
    # every entry ("blocking: true") or only those on the named sub-lists.
    blocking: bool = False
    blocking_sublists: tuple[str, ...] = ()

    @property
    def formats(self) -> tuple[str, ...]:
        return (self.format, *self.alt_formats)


def _require(data: dict[str, Any], name: str, where: str, kind: type) -> Any:
    if name not in data or data[name] in (None, ""):
        raise ConfigError(f"{where}: the field {name!r} is missing.")
    value = data[name]
    if not isinstance(value, kind):
        raise ConfigError(f"{where}: the field {name!r} must be a {kind.__name__}.")
    return value


def parse_source(path: Path) -> SourceConfig:
    where = str(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ConfigError(f"{where}: not valid YAML ({str(exc).splitlines()[0]}).") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: expected a mapping of fields.")
    key = _require(data, "key", where, str)
    if key != path.stem:
        raise ConfigError(f"{where}: key {key!r} must match the file name {path.stem!r}.")
    fmt = _require(data, "format", where, str)
    alt = tuple(data.get("alt_formats") or ())
    for name in (fmt, *alt):
        if name not in FORMATS:
            raise ConfigError(f"{where}: unknown format {name!r}; known: {', '.join(sorted(FORMATS))}.")
    downloads = []
    urls = data.get("urls") or []
    if not isinstance(urls, list):
        raise ConfigError(f"{where}: 'urls' must be a list of addresses.")
    for item in urls:
        if isinstance(item, str):
            downloads.append(Download(item, _file_name(item)))
        elif isinstance(item, dict) and isinstance(item.get("url"), str):
            downloads.append(Download(item["url"], str(item.get("file") or _file_name(item["url"]))))
        else:
            raise ConfigError(f"{where}: each entry of 'urls' must be an address or {{url, file}}.")
    count = data.get("count") or {}
    if not isinstance(count, dict):
        raise ConfigError(f"{where}: 'count' must be a mapping with min and/or max.")
    minimum, maximum = count.get("min"), count.get("max")
    for label, bound in (("min", minimum), ("max", maximum)):
        if bound is not None and (not isinstance(bound, int) or bound < 0):
            raise ConfigError(f"{where}: count.{label} must be a whole number.")
    every = parse_duration(_require(data, "refresh_every", where, str), f"{where}: refresh_every")
    stale = (
        parse_duration(str(data["stale_after"]), f"{where}: stale_after")
        if data.get("stale_after")
        else every * 3
    )
    sample = data.get("sample")
    return SourceConfig(
        key=key,
        title=_require(data, "title", where, str),
        authority=_require(data, "authority", where, str),
        format=fmt,
        alt_formats=alt,
        downloads=tuple(downloads),
        refresh_every=every,
        stale_after=stale,
        min_records=minimum,
        max_records=maximum,
        licence=_require(data, "licence", where, str).strip(),
        effect=str(data.get("effect") or "").strip(),
        sample=(path.parent / sample) if sample else None,
        path=path,
        homepage=data.get("homepage"),
        notes=tuple(data.get("notes") or ()),
        blocking=bool(data.get("blocking", False)),
        blocking_sublists=tuple(str(x) for x in data.get("blocking_sublists") or ()),
    )


@lru_cache(maxsize=4)
def _load_all(folder: Path) -> dict[str, SourceConfig]:
    if not folder.is_dir():
        raise ConfigError(f"The list-source folder {folder} does not exist.")
    sources = {}
    for path in sorted(folder.glob("*.yml")):
        source = parse_source(path)
        sources[source.key] = source
    return sources


def all_sources(folder: Path | None = None) -> dict[str, SourceConfig]:
    """Every configured source, by key, in file-name order."""
    return _load_all(folder or settings.LISTS_DIR)


def get_source(key: str, folder: Path | None = None) -> SourceConfig:
    sources = all_sources(folder)
    if key not in sources:
        raise NotFoundError(
            "list source", key, hint=f"Known sources: {', '.join(sources)}. See: compliance lists sources"
        )
    return sources[key]
