"""The small sample lists shipped in lists/samples, for the offline demo.

Each source's YAML may name a sample folder. Files in its ``history/``
subfolder are earlier versions, loaded first in name order, so that the demo
database has real version history and diffs; a date at the end of a file
name ("consolidated_2017-03-29.csv") is that version's list date.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

from compliance import settings
from compliance.lists import loader
from compliance.lists.sources import SourceConfig, all_sources

# Entities, ownership and other facts of the demo deal, as entity-import YAML.
SCENARIO_DIR = settings.LISTS_DIR / "scenario"


def sample_versions(source: SourceConfig) -> list[Path]:
    """The sample inputs of a source, oldest first (empty when it ships none)."""
    if source.sample is None or not source.sample.exists():
        return []
    history = source.sample / "history"
    earlier = sorted(history.iterdir()) if history.is_dir() else []
    return [*earlier, source.sample]


_DATED = re.compile(r"_(\d{4}-\d{2}-\d{2})\.[A-Za-z]+$")


def sample_date(path: Path) -> date | None:
    """The list date a sample file's name states ("consolidated_2017-03-29.csv")."""
    match = _DATED.search(path.name)
    return date.fromisoformat(match[1]) if match else None


def load_samples(on_load: Callable[[loader.LoadResult], None] | None = None) -> list[loader.LoadResult]:
    results = []
    for source in all_sources().values():
        for path in sample_versions(source):
            result = loader.load(
                source,
                path,
                enforce_counts=False,
                origin=f"demo sample {path.name}",
                list_date=sample_date(path),
            )
            results.append(result)
            if on_load:
                on_load(result)
    return results
