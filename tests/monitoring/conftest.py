"""Fixture strategy: small OFAC SDN CSV versions written here, in the official
layout, loaded through the real loader into a real database (SQLite, and
PostgreSQL when available); monitoring then runs as it does after a
``compliance lists load``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from compliance.lists import loader
from compliance.lists.loader import LoadResult
from compliance.lists.sources import get_source

# ent_num -> sdn.csv line (12 columns, "-0-" for empty, as OFAC writes them)
BASE = {
    "100": '100,"AEROCARIBBEAN AIRLINES",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ',
    "200": '200,"PETROV, Ivan Sergeyevich","individual","RUSSIA-EO14024",-0- ,-0- ,-0- ,-0- ,-0- ,'
    '-0- ,-0- ,"DOB 12 Mar 1971; nationality Russia."',
}
NORTHWIND = (
    '300,"NORTHWIND QUARTZ TRADING LTD",-0- ,"RUSSIA-EO14024",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,'
    '"Organization Established Date 2015."'
)
NORTHWIND_CHANGED = (
    '300,"NORTHWIND QUARTZ TRADING LTD",-0- ,"RUSSIA-EO14024] [IRAN-EO13902",-0- ,-0- ,-0- ,-0- ,-0- ,'
    "-0- ,-0- ,\"Organization Established Date 2015; a.k.a. 'NQT'.\""
)
UNRELATED = '400,"ORINOCO MARITIME SERVICES",-0- ,"VENEZUELA-EO13850",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- '
AERO_CHANGED = '100,"AEROCARIBBEAN AIRLINES",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"Havana."'

Loader = Callable[..., LoadResult]


@pytest.fixture
def load_sdn(tmp_path: Path) -> Loader:
    """Write a version of the little SDN file from lines and load it (an excerpt: --partial)."""
    counter = iter(range(1, 100))

    def load(*lines: str) -> LoadResult:
        folder = tmp_path / f"sdn_v{next(counter)}"
        folder.mkdir()
        (folder / "sdn.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
        return loader.load(get_source("ofac_sdn"), folder, partial=True)

    return load


@pytest.fixture
def watch_csv(tmp_path: Path) -> Callable[[str], Path]:
    def write(text: str) -> Path:
        path = tmp_path / "watch.csv"
        path.write_text(text, encoding="utf-8")
        return path

    return write
