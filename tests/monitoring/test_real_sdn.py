"""The real OFAC SDN list: 1,000 watched counterparties through the 2023-12 -> 2024-05-03 refresh.

995 counterparties are synthetic names that are on no list; five are parties
that the 3 May 2024 file added (written as a customer file would: given names
first, mixed case). Loading the 2024-05-03 file must raise exactly those five
alerts, each against the entry that names it, and loading it again nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from datetime import date
from pathlib import Path

from compliance.db import monitoring_repo, screening_repo
from compliance.db.session import session_scope
from compliance.lists import loader
from compliance.lists.sources import get_source
from compliance.matching.engine import Matcher
from compliance.matching.types import IndexEntry
from compliance.monitoring import service
from compliance.screening.service import load_matcher
from tests.monitoring.names import customer_names

# Entries of the 2024-05-03 sdn.csv that the December 2023 set does not have.
PLANTED = {
    "N1": ("Isel Aneli Suniga Morfin", "person", "34916"),
    "N2": ("Ilya Andreevich Gambashidze", "person", "45213"),
    "N3": ("Social Design Agency", "company", "45230"),
    "N4": ("Wuhan Global Sensor Technology Co., Ltd.", "company", "46633"),
    "N5": ("Timur Shagivaleev", "person", "45710"),
}


def test_refresh_to_2024_05_03_alerts_exactly_the_planted_counterparties(
    sqlite_db: str, shared_lists: Path, watch_csv: Callable[[str], Path]
) -> None:
    sdn = get_source("ofac_sdn")
    loader.load(sdn, shared_lists / "ofac_sdn", list_date=date(2023, 12, 28))
    lines = ["ref,name,type"]
    for number, (name, kind) in enumerate(customer_names(995), start=1):
        lines.append(f"S{number:04d},{name},{kind}")
    for ref, (name, kind, _) in PLANTED.items():
        lines.append(f'{ref},"{name}",{kind}')
    imported = service.watch_import(watch_csv("\n".join(lines) + "\n"))
    assert imported.added == 1000 and imported.screened == 1000
    # The synthetic names are on no list, and the planted ones not yet: no onboarding alert.
    assert imported.alerts.new == []

    result = loader.load(sdn, shared_lists / "ofac_sdn_2024-05-03" / "sdn.csv", list_date=date(2024, 5, 3))
    assert (result.added, result.removed, result.changed) == (1256, 112, 48)
    monitored = service.after_list_change()
    assert monitored.screened == 1000 and monitored.entries == 1256 + 48
    alerts = service.list_alerts()
    assert {(a.counterparty_ref, a.list_ref) for a in alerts} == {
        (ref, entry) for ref, (_, _, entry) in PLANTED.items()
    }
    assert all(a.reason.startswith("List change: ") and a.list == "ofac_sdn" for a in alerts)

    # The same alerts as screening each counterparty against the whole list, kept to the diff.
    matcher, _, _ = load_matcher()
    with session_scope() as session:
        with_snapshot = monitoring_repo.changed_designations(
            session, [a.snapshot_id for a in alerts[:1] if a.snapshot_id]
        )
        watched = monitoring_repo.counterparties(session)
    expected = set()
    for cp in watched:
        for hit in matcher.screen(service.query_for(cp), threshold=service.THRESHOLD):
            if hit.entry.designation_id in with_snapshot:
                expected.add((cp.ref, hit.entry.ref))
    assert expected == {(a.counterparty_ref, a.list_ref) for a in alerts}

    # Counterparties skipped before the engine (no key in common with the new entries) are
    # exactly ones the engine finds nothing for, even with the margin.
    with session_scope() as session:
        small = Matcher.build(
            IndexEntry(**asdict(row))
            for row in screening_repo.listed_names(
                session, only=monitoring_repo.changed_designation_query([alerts[0].snapshot_id or 0])
            )
        )
    floor = service.THRESHOLD - service.PREFILTER_MARGIN
    skipped = [q for q in map(service.query_for, watched) if not small.can_reach(q)]
    assert len(skipped) > 100 and monitored.reachable == len(watched) - len(skipped)
    assert all(small.screen(q, threshold=floor) == [] for q in skipped)

    # Loading the same file again changes nothing; monitoring again raises nothing.
    again = loader.load(sdn, shared_lists / "ofac_sdn_2024-05-03" / "sdn.csv", list_date=date(2024, 5, 3))
    assert again.status == "unchanged"
    assert service.run().alerts.new == []
    assert len(service.list_alerts()) == len(PLANTED)
