"""Benchmark: monitoring 100,000 watched counterparties after a refresh that adds 500 designations.

Set-up (not timed): a new SQLite database; the real December 2023 OFAC SDN set
(13,821 entries) is loaded, 100,000 synthetic counterparties are watched
(``tests/monitoring/names.py``: invented surnames and shop names, on no list;
``--planted`` of them are named as entries the new version adds),
then a new version of the SDN set is loaded that is the same files plus 500
entries the 3 May 2024 ``sdn.csv`` added (so the diff is exactly 500 added).

Timed:
1. ``monitoring.service.after_list_change()``, what ``compliance lists load``
   runs after that load: read the watchlist, build the index of the 500 new
   entries, screen every counterparty against it, score the candidates against
   the full index in force (built here for the new version, as the first
   screening after a list change does), write the alerts, the run and the audit
   records;
2. the same call again with nothing new (the watermark);
3. baseline, in the same run: screening the counterparties against the full
   index with ``Matcher.screen_many`` (what re-screening everything would
   cost), on ``--baseline`` of them, extrapolated to all when fewer.

Run:  python tests/benchmarks/bench_monitoring.py [--watched 100000] [--added 500] [--planted 20]
      [--baseline 20000]
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
COMMAND = "python tests/benchmarks/bench_monitoring.py"


def _added_rows(shared: Path, count: int) -> list[str]:
    """Lines of the 2024-05-03 sdn.csv for entries the December 2023 set does not have."""
    old = {
        line.split(",", 1)[0] for line in (shared / "ofac_sdn" / "sdn.csv").read_text("latin-1").splitlines()
    }
    rows = []
    for line in (shared / "ofac_sdn_2024-05-03" / "sdn.csv").read_text("latin-1").splitlines():
        ref = line.split(",", 1)[0]
        if ref.strip().isdigit() and ref not in old:
            rows.append(line)
        if len(rows) == count:
            break
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--watched", type=int, default=100_000)
    parser.add_argument("--added", type=int, default=500)
    parser.add_argument("--planted", type=int, default=20, help="counterparties named as new entries")
    parser.add_argument(
        "--baseline", type=int, default=20_000, help="counterparties screened for the baseline"
    )
    parser.add_argument(
        "--shared",
        type=Path,
        default=Path(os.environ.get("COMPLIANCE_SHARED_DIR") or ROOT.parent / "shared") / "lists-data",
    )
    args = parser.parse_args()
    if not (args.shared / "ofac_sdn").is_dir():
        sys.exit(f"The real list files are needed: {args.shared / 'ofac_sdn'} is absent.")

    work = Path(tempfile.mkdtemp(prefix="bench_monitoring_"))
    os.environ["COMPLIANCE_DATABASE_URL"] = f"sqlite:///{work / 'bench.db'}"
    os.environ["COMPLIANCE_LOCK_FILE"] = str(work / "refresh.lock")
    os.environ["COMPLIANCE_DATA_DIR"] = str(work / "data")

    from compliance import settings

    settings.DATA_DIR = work / "data"
    from datetime import date

    from compliance.db import migrate
    from compliance.db import monitoring_repo as repo
    from compliance.db.session import session_scope
    from compliance.lists import loader
    from compliance.lists.sources import get_source
    from compliance.monitoring import service
    from compliance.screening.service import load_matcher
    from tests.monitoring.names import customer_names

    try:
        migrate.upgrade(os.environ["COMPLIANCE_DATABASE_URL"])
        sdn = get_source("ofac_sdn")
        t = time.perf_counter()
        loader.load(sdn, args.shared / "ofac_sdn", list_date=date(2023, 12, 28))
        load_s = time.perf_counter() - t
        second = work / "sdn_v2"
        shutil.copytree(args.shared / "ofac_sdn", second)
        added = _added_rows(args.shared, args.added)
        # A few counterparties are parties the new version adds, so that alerts are raised
        # and candidates are scored against the full index, as in real life.
        planted = [(next(csv.reader([row]))[1], "any") for row in added[: args.planted]]
        names = customer_names(args.watched - len(planted), invented=True) + planted
        with session_scope() as session:
            repo.insert_counterparties(
                session,
                [
                    {"ref": f"B{i:06d}", "name": name, "entity_type": None if kind == "any" else kind}
                    | {"country": None, "dob": None}
                    | {"entity_id": None}
                    for i, (name, kind) in enumerate(names)
                ],
            )
        # Insert before OFAC's end-of-file marker (Ctrl-Z), as a real new version would have them.
        original = (args.shared / "ofac_sdn" / "sdn.csv").read_bytes()
        body, marker = (original[:-1], original[-1:]) if original.endswith(b"\x1a") else (original, b"")
        (second / "sdn.csv").write_bytes(body + "\r\n".join(added).encode("latin-1") + b"\r\n" + marker)
        result = loader.load(sdn, second, list_date=date(2024, 1, 15))
        assert result.added == len(added), result

        # Time the two big steps inside the call, by wrapping them.
        spent = {"screen": 0.0, "index": 0.0}

        def timed(name: str, fn: Any) -> Any:
            def wrapper(*a: Any, **k: Any) -> Any:
                start = time.perf_counter()
                try:
                    return fn(*a, **k)
                finally:
                    spent[name] += time.perf_counter() - start

            return wrapper

        service._screen = timed("screen", service._screen)  # type: ignore[method-assign]
        service.load_matcher = timed("index", service.load_matcher)
        t = time.perf_counter()
        monitored = service.after_list_change()
        monitor_s = time.perf_counter() - t
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        t = time.perf_counter()
        idle = service.run()
        idle_s = time.perf_counter() - t
        assert idle.entries == 0 and idle.alerts.new == []

        matcher, _, _ = load_matcher()
        with session_scope() as session:
            watched = repo.counterparties(session)
        sample = [service.query_for(cp) for cp in watched[: args.baseline]]
        t = time.perf_counter()
        base_hits = matcher.screen_many(sample, service.THRESHOLD, service.HITS_PER_COUNTERPARTY)
        base_sample_s = time.perf_counter() - t
        base_s = base_sample_s * len(watched) / len(sample)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    extrapolated = "" if len(sample) == len(watched) else f" (measured on {len(sample):,}, extrapolated)"
    print(
        f"## Monitoring: {len(watched):,} watched counterparties, a refresh adding {len(added):,} entries\n"
    )
    print(
        f"Command: `{COMMAND} --watched {args.watched} --added {args.added} --planted {args.planted} "
        f"--baseline {args.baseline}`.\n"
    )
    print("| measurement | time | vs baseline | target |")
    print("| --- | --- | --- | --- |")
    print(f"| set-up: December 2023 SDN set loaded into SQLite (13,821 entries) | {load_s:.2f} s | | |")
    print(
        f"| baseline: every counterparty screened against the full index (`screen_many`, index already built)"
        f"{extrapolated} "
        f"| {base_s:.1f} s | 1.00x | |"
    )
    print(
        f"| monitoring after the refresh: {monitored.screened:,} counterparties against "
        f"{monitored.entries:,} new entries, full index built, alerts written | {monitor_s:.1f} s "
        f"| {monitor_s / base_s:.2f}x | <= 30 s |"
    )
    print(
        f"| of which: screening the {monitored.reachable:,} counterparties that share a lookup key with "
        f"the new entries (2 processes from {service.PARALLEL_FROM:,}) | {spent['screen']:.1f} s | | |"
    )
    print(
        f"| of which: full index for the new version, built to score candidates "
        f"| {spent['index']:.1f} s | | |"
    )
    print(f"| monitoring again, nothing new since the last run | {idle_s:.2f} s | | |")
    print()
    print(
        f"Alerts raised: {len(monitored.alerts.new):,} ({len(planted)} counterparties are named as new "
        "entries; the others are synthetic names, on no list). Counterparties with a hit in the baseline: "
        f"{sum(1 for h in base_hits if h):,}. "
        f"Peak memory (RSS) of the process: {peak_mb:.0f} MB."
    )


if __name__ == "__main__":
    main()
