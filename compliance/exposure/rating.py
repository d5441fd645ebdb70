"""The transparent rules that rate a deal, read from ``lists/risk/*.yml``.

``rating.yml`` holds every weight: points per kind of finding, the factors for
how an entity relates to the deal and for how old a fact is, per-entity caps,
floors, and the bands that turn a total into Low / Medium / High / Severe.
``jurisdictions.yml`` holds the country and region tables (embargoes, FATF
lists) with the date of the statements they reflect. Both are validated on
load: a mistake is one clear line naming the file and the key.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from compliance import settings
from compliance.errors import ConfigError

RATINGS = ("Low", "Medium", "High", "Severe")
PROHIBITED = "Prohibited"
RELATIONS = ("party", "owner", "subsidiary", "sister")


def risk_dir() -> Path:
    return settings.LISTS_DIR / "risk"


@dataclass(frozen=True)
class Region:
    name: str
    country: str
    match: tuple[str, ...]


@dataclass(frozen=True)
class Category:
    key: str
    title: str
    source: str
    statement_date: date
    countries: dict[str, str]
    regions: tuple[Region, ...] = ()


@dataclass(frozen=True)
class Jurisdictions:
    as_of: date
    review_after_days: int
    categories: dict[str, Category]
    path: Path

    def overdue(self, today: date) -> bool:
        return (today - self.as_of).days > self.review_after_days


@dataclass(frozen=True)
class Rules:
    bands: dict[str, float]
    relations: dict[str, float]
    recency: tuple[tuple[float, float], ...]  # (up to years, factor)
    findings: dict[str, dict[str, Any]]
    caps: dict[str, float]
    path: Path
    raw: dict[str, Any] = field(default_factory=dict)

    def finding(self, kind: str) -> dict[str, Any]:
        return self.findings.get(kind, {})

    def recency_factor(self, when: date | None, today: date) -> float:
        """The factor for a fact dated ``when`` (undated facts count as old)."""
        if when is None:
            return self.recency[-1][1]
        years = (today - when).days / 365.25
        for up_to, factor in self.recency:
            if years <= up_to:
                return factor
        return self.recency[-1][1]

    def band(self, total: float) -> str:
        chosen = RATINGS[0]
        for name in RATINGS:
            if total >= self.bands[name]:
                chosen = name
        return chosen

    def amount_points(self, amount: Decimal | None) -> float:
        if amount is None:
            return 0.0
        for step in self.finding("enforcement").get("amount_points", []):
            if amount >= Decimal(str(step["at_least"])):
                return float(step["points"])
        return 0.0


def _read(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: the file is missing.") from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid YAML ({str(exc).splitlines()[0]}).") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: must be a mapping of keys to values.")
    return data


def _number(path: Path, where: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(f"{path}: {where} must be a number, not {value!r}.")
    return float(value)


def _rating(path: Path, where: str, value: Any) -> str:
    if value not in RATINGS:
        raise ConfigError(f"{path}: {where} must be one of {', '.join(RATINGS)}, not {value!r}.")
    return str(value)


@cache
def load_rules(path: Path | None = None) -> Rules:
    path = path or risk_dir() / "rating.yml"
    data = _read(path)
    bands_raw = data.get("bands") or {}
    if set(bands_raw) != set(RATINGS):
        raise ConfigError(f"{path}: bands must give exactly {', '.join(RATINGS)}.")
    bands = {k: _number(path, f"bands.{k}", bands_raw[k]) for k in RATINGS}
    if [bands[k] for k in RATINGS] != sorted(bands.values()):
        raise ConfigError(f"{path}: bands must rise from Low to Severe.")
    relations_raw = data.get("relations") or {}
    missing = [r for r in RELATIONS if r not in relations_raw]
    if missing:
        raise ConfigError(f"{path}: relations must give a factor for {', '.join(missing)}.")
    relations = {r: _number(path, f"relations.{r}", relations_raw[r]) for r in RELATIONS}
    recency = tuple(
        (
            _number(path, "recency.up_to_years", step.get("up_to_years")),
            _number(path, "recency.factor", step.get("factor")),
        )
        for step in data.get("recency") or []
    )
    if not recency:
        raise ConfigError(f"{path}: recency must list at least one step.")
    findings = data.get("findings") or {}
    if not isinstance(findings, dict):
        raise ConfigError(f"{path}: findings must be a mapping.")
    for kind, spec in findings.items():
        if not isinstance(spec, dict):
            raise ConfigError(f"{path}: findings.{kind} must be a mapping.")
        for key in ("minimum", "minimum_for_party", "minimum_for_exact", "criminal_minimum"):
            if key in spec and not isinstance(spec[key], dict):
                _rating(path, f"findings.{kind}.{key}", spec[key])
    caps = {k: _number(path, f"caps.{k}", v) for k, v in (data.get("caps") or {}).items()}
    return Rules(bands, relations, recency, findings, caps, path, data)


def _date(path: Path, where: str, value: Any) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ConfigError(f"{path}: {where} must be a date (YYYY-MM-DD), not {value!r}.") from None


@cache
def load_jurisdictions(path: Path | None = None) -> Jurisdictions:
    path = path or risk_dir() / "jurisdictions.yml"
    data = _read(path)
    as_of = _date(path, "as_of", data.get("as_of"))
    categories: dict[str, Category] = {}
    for key, spec in (data.get("categories") or {}).items():
        if not isinstance(spec, dict):
            raise ConfigError(f"{path}: categories.{key} must be a mapping.")
        countries = spec.get("countries") or {}
        bad = [c for c in countries if not (isinstance(c, str) and len(c) == 2 and c.isupper())]
        if bad:
            raise ConfigError(f"{path}: categories.{key}.countries: {bad[0]!r} is not an ISO alpha-2 code.")
        regions = tuple(
            Region(str(r["name"]), str(r["country"]), tuple(str(m).lower() for m in r.get("match") or []))
            for r in spec.get("regions") or []
        )
        categories[key] = Category(
            key,
            str(spec.get("title") or key),
            " ".join(str(spec.get("source") or "").split()),
            _date(path, f"categories.{key}.statement_date", spec.get("statement_date") or as_of),
            {str(k): str(v) for k, v in countries.items()},
            regions,
        )
    return Jurisdictions(as_of, int(data.get("review_after_days") or 180), categories, path)


def jurisdiction_hits(
    table: Jurisdictions, countries: set[str], addresses: list[str]
) -> list[tuple[Category, str]]:
    """The categories that apply to these countries and addresses, with what matched."""
    found: list[tuple[Category, str]] = []
    for category in table.categories.values():
        for code in sorted(countries):
            if code in category.countries:
                found.append((category, f"{category.countries[code]} ({code})"))
        for region in category.regions:
            for address in addresses:
                low = address.lower()
                if any(term in low for term in region.match):
                    found.append((category, f"{region.name}: address {address!r}"))
                    break
    return found
