"""Index entries for benchmarks, built straight from the list parsers (no database).

``sdn_entries()`` gives one ``IndexEntry`` per name variant (primary and every
alias) of the real OFAC SDN set in ../shared/lists-data/ofac_sdn, the same
shape ``compliance.screening`` builds from the database. ``designation_id`` and
``entity_id`` are a running number per list record.

Shared by the screening benchmarks; import it as ``tests.benchmarks.entries``
(the benchmarks put the repository root on ``sys.path``).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from compliance.domain import ListRecord, ParseReport
from compliance.lists.formats import ofac_csv
from compliance.matching.types import IndexEntry
from compliance.normalize.text import identifier_key

ROOT = Path(__file__).resolve().parents[2]
SHARED_LISTS = Path(os.environ.get("COMPLIANCE_SHARED_DIR") or ROOT.parent / "shared") / "lists-data"
SDN_PATH = SHARED_LISTS / "ofac_sdn"


def sdn_records(path: Path = SDN_PATH) -> list[ListRecord]:
    """Every record of the OFAC SDN legacy CSV set (sdn.csv and its companions)."""
    if not path.exists():
        raise FileNotFoundError(f"OFAC SDN files not found at {path} (set COMPLIANCE_SHARED_DIR)")
    return list(ofac_csv.parse(path, ParseReport()))


def record_entries(record: ListRecord, designation_id: int, source: str) -> Iterator[IndexEntry]:
    """One IndexEntry per name of one record."""
    countries = {c.country for c in record.countries if c.country and len(c.country) == 2}
    countries |= {a.country for a in record.addresses if a.country and len(a.country) == 2}
    births = tuple(d.value for d in record.dates if d.kind == "birth")
    identifiers = tuple(dict.fromkeys(k for k in (identifier_key(i.value) for i in record.identifiers) if k))
    listed_on = record.listed_on.isoformat() if record.listed_on else None
    for name in record.names:
        if not name.value.strip():
            continue
        yield IndexEntry(
            entity_id=designation_id,
            designation_id=designation_id,
            source=source,
            ref=record.ref,
            name=name.value,
            name_kind=name.kind,
            weak=name.quality == "weak",
            entity_type=record.entity_type,
            sublist=record.sublist,
            programs=tuple(record.programs),
            listed_on=listed_on,
            countries=frozenset(countries),
            birth_dates=births,
            identifiers=identifiers,
        )


def entries_from_records(records: Iterable[ListRecord], source: str, start_id: int = 1) -> list[IndexEntry]:
    """IndexEntries of many records; designation ids count up from ``start_id``."""
    out: list[IndexEntry] = []
    for offset, record in enumerate(records):
        out.extend(record_entries(record, start_id + offset, source))
    return out


def sdn_entries(path: Path = SDN_PATH) -> list[IndexEntry]:
    """Every name variant of the real OFAC SDN list, as IndexEntries (source "ofac_sdn")."""
    return entries_from_records(sdn_records(path), "ofac_sdn")
