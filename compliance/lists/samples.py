"""The small sample lists shipped in lists/samples, for the offline demo.

Each source's YAML may name a sample folder. Files in its ``history/``
subfolder are earlier versions, loaded first in name order, so that the demo
database has real version history and diffs.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from compliance.lists import loader
from compliance.lists.sources import SourceConfig, all_sources


def sample_versions(source: SourceConfig) -> list[Path]:
    """The sample inputs of a source, oldest first (empty when it ships none)."""
    if source.sample is None or not source.sample.exists():
        return []
    history = source.sample / "history"
    earlier = sorted(history.iterdir()) if history.is_dir() else []
    return [*earlier, source.sample]


def load_samples(on_load: Callable[[loader.LoadResult], None] | None = None) -> list[loader.LoadResult]:
    results = []
    for source in all_sources().values():
        for path in sample_versions(source):
            result = loader.load(source, path, enforce_counts=False, origin=f"demo sample {path.name}")
            results.append(result)
            if on_load:
                on_load(result)
    return results
