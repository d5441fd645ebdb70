"""Benchmark: loading official lists into SQLite and PostgreSQL.

Measures, each in a fresh child process (so peak memory is that load's own):

1. the full OFAC SDN set (sdn.csv + add.csv + alt.csv + sdn_comments.csv,
   13,821 entries) into a new SQLite file, and into PostgreSQL when
   COMPLIANCE_TEST_POSTGRES_URL is set;
2. every file in ../shared/lists-data loaded one after another into one
   SQLite database (the samples with --partial);
3. a refresh of an unchanged list over HTTP from a local server, both when the
   server answers 304 Not Modified and when it sends the same file again
   (checksum no-op).

Baseline, measured in the same run: reading the same SDN CSV files with
``csv.reader`` and inserting the raw rows into one SQLite table with
``executemany`` - the least any loader must do. The ratio shows what parsing,
remarks extraction, the diff and the normalised tables cost on top.

Run:  python tests/benchmarks/bench_lists.py [--shared ../shared/lists-data]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
COMMAND = "python tests/benchmarks/bench_lists.py"

ALL_FILES = [
    ("ofac_sdn", "ofac_sdn", False),
    ("ofac_sdn", "ofac_sdn_2024-05-03/sdn.csv", False),
    ("ofac_cons", "ofac_consolidated/cons_prim.csv", False),
    ("ofac_cons", "ofac_consolidated/consolidated.xml", False),
    ("ofac_cons", "ofac_consolidated/CONS_ENHANCED.XML", False),
    ("ofac_sls_export", "ofac_consolidated/IRGC_sanctions_enhanced.xml", False),
    ("ofac_sdn", "ofac_advanced/sdn_advanced_2026-09-09_sample.xml", True),
    ("us_csl", "us_csl/consolidated.csv", False),
    ("us_csl", "us_csl_json/csl_api_v2_el_expected_results.json", True),
    ("bis_dpl", "bis_dpl/dpl.txt", False),
    ("un_sc", "un_sc/consolidated.xml", False),
    ("uk_ofsi", "uk_ofsi/sanctionsconlist.csv", False),
    ("uk_ofsi", "uk_ofsi_conlist_2022/ConList_2025-04-10.xlsx", False),
    ("uk_fcdo", "uk_sanctions_list/UK-Sanctions-List_2026-09-07_sample.xml", True),
    ("eu_fsf", "eu_fsf_xml/fsf_export184961_sample.xml", True),
    ("eu_fsf", "eu_fsf/EUSanctionsShort.csv", True),
    ("opensanctions", "opensanctions/t1/entities.ftm.json", True),
    ("opensanctions", "opensanctions/zala/entities.ftm.json", True),
    ("opensanctions", "opensanctions/t2/delta.json", False),
]


def child(code: str, env: dict[str, str]) -> dict[str, float]:
    """Run ``code`` in a fresh interpreter; it prints one JSON object."""
    wrapper = (
        textwrap.dedent(
            """
        import json, resource, time
        t0 = time.perf_counter()
        result = {}
        """
        )
        + textwrap.dedent(code)
        + textwrap.dedent(
            """
        result["seconds"] = result.get("seconds", time.perf_counter() - t0)
        result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(result))
        """
        )
    )
    done = subprocess.run(
        [sys.executable, "-c", wrapper],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        cwd=ROOT,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"benchmark step failed:\n{done.stderr}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def baseline(shared: Path, workdir: Path) -> dict[str, float]:
    db = workdir / "baseline.db"
    return child(
        f"""
        import csv, sqlite3
        from pathlib import Path
        conn = sqlite3.connect({str(db)!r})
        conn.execute("create table raw (file text, c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11)")
        for name in ("sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv"):
            with open(Path({str(shared)!r}) / "ofac_sdn" / name, encoding="latin-1", newline="") as fh:
                rows = [[name] + (row + [None] * 12)[:12] for row in csv.reader(fh) if row]
            conn.executemany("insert into raw values (" + ",".join("?" * 13) + ")", rows)
        conn.commit()
        """,
        {},
    )


def load_sdn(shared: Path, url: str) -> dict[str, float]:
    return child(
        f"""
        from pathlib import Path
        from compliance.db import migrate
        migrate.upgrade({url!r})
        t0 = time.perf_counter()
        from compliance.lists import loader
        from compliance.lists.sources import get_source
        r = loader.load(get_source("ofac_sdn"), Path({str(shared)!r}) / "ofac_sdn")
        result["seconds"] = time.perf_counter() - t0
        result["entries"] = r.record_count
        """,
        {"COMPLIANCE_DATABASE_URL": url},
    )


def load_all(shared: Path, url: str) -> dict[str, float]:
    return child(
        f"""
        from pathlib import Path
        from compliance.db import migrate
        migrate.upgrade({url!r})
        t0 = time.perf_counter()
        from compliance.lists import loader
        from compliance.lists.sources import get_source
        total = 0
        for source, rel, partial in {ALL_FILES!r}:
            r = loader.load(get_source(source), Path({str(shared)!r}) / rel, partial=partial)
            total += r.record_count
        result["seconds"] = time.perf_counter() - t0
        result["entries"] = total
        result["files"] = {len(ALL_FILES)}
        """,
        {"COMPLIANCE_DATABASE_URL": url},
    )


def unchanged_refresh(shared: Path, workdir: Path) -> dict[str, float]:
    """Refresh the full SDN set twice from a local server: 304, then same bytes again."""
    lists_dir = workdir / "lists"
    lists_dir.mkdir()
    data = workdir / "served"
    data.mkdir()
    for name in ("sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv"):
        (data / name).write_bytes((shared / "ofac_sdn" / name).read_bytes())
    url = f"sqlite:///{workdir / 'refresh.db'}"
    return child(
        f"""
        import hashlib, threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
        from pathlib import Path
        served = Path({str(data)!r})
        honour_etag = [True]

        class H(BaseHTTPRequestHandler):
            def log_message(self, *a): pass
            def do_GET(self):
                body = (served / self.path.strip("/")).read_bytes()
                etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
                if honour_etag[0] and self.headers.get("If-None-Match") == etag:
                    self.send_response(304); self.end_headers(); return
                self.send_response(200)
                self.send_header("ETag", etag)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{{srv.server_address[1]}}"
        lists = Path({str(lists_dir)!r})
        urls = "\\n".join(f"  - {{{{url: '{{base}}/{{n}}', file: {{n}}}}}}"
                          for n in ("sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv"))
        (lists / "bench_sdn.yml").write_text(
            "key: bench_sdn\\ntitle: SDN (benchmark)\\nauthority: OFAC\\nformat: ofac_csv\\n"
            "urls:\\n" + urls + "\\nrefresh_every: 6h\\ncount: {{min: 5000}}\\nlicence: public domain\\n")
        from compliance import settings
        settings.LISTS_DIR = lists
        from compliance.db import migrate
        migrate.upgrade({url!r})
        from compliance.lists import refresh
        def timed(label, expected):
            t = time.perf_counter()
            [outcome] = refresh.refresh()
            result[label] = time.perf_counter() - t
            assert outcome.status == expected, outcome

        timed("first_load_s", "loaded")
        timed("not_modified_s", "not_modified")
        honour_etag[0] = False
        timed("same_bytes_s", "unchanged")
        result["seconds"] = result["not_modified_s"]
        """,
        {
            "COMPLIANCE_DATABASE_URL": url,
            "COMPLIANCE_DATA_DIR": str(workdir / "data"),
            "COMPLIANCE_LOCK_FILE": str(workdir / "lock"),
        },
    )


def postgres_url() -> str | None:
    base = os.environ.get("COMPLIANCE_TEST_POSTGRES_URL")
    if not base:
        return None
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    name = f"compliance_bench_{os.getpid()}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(base).set(database=name).render_as_string(hide_password=False)


def drop_postgres(url: str) -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin = create_engine(os.environ["COMPLIANCE_TEST_POSTGRES_URL"], isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
    admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "lists-data")
    args = parser.parse_args()
    shared: Path = args.shared.resolve()
    if not (shared / "ofac_sdn" / "sdn.csv").is_file():
        raise SystemExit(f"The real list files are needed: {shared} has no ofac_sdn/sdn.csv")

    rows: list[tuple[str, str, str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        base = baseline(shared, work)
        rows.append(
            (
                "baseline: raw SDN CSV rows into one SQLite table",
                f"{base['seconds']:.2f} s",
                f"{base['peak_mb']:.0f} MB",
                "-",
            )
        )
        sdn = load_sdn(shared, f"sqlite:///{work / 'sdn.db'}")
        rows.append(
            (
                f"full SDN set into SQLite ({sdn['entries']:,.0f} entries)",
                f"{sdn['seconds']:.2f} s",
                f"{sdn['peak_mb']:.0f} MB",
                f"{sdn['seconds'] / base['seconds']:.1f}x baseline",
            )
        )
        pg = postgres_url()
        if pg:
            try:
                sdn_pg = load_sdn(shared, pg)
            finally:
                drop_postgres(pg)
            rows.append(
                (
                    "full SDN set into PostgreSQL 15",
                    f"{sdn_pg['seconds']:.2f} s",
                    f"{sdn_pg['peak_mb']:.0f} MB",
                    f"{sdn_pg['seconds'] / base['seconds']:.1f}x baseline",
                )
            )
        else:
            rows.append(
                ("full SDN set into PostgreSQL 15", "skipped", "-", "set COMPLIANCE_TEST_POSTGRES_URL")
            )
        every = load_all(shared, f"sqlite:///{work / 'all.db'}")
        rows.append(
            (
                f"all {every['files']:.0f} shared files, one after another, SQLite "
                f"({every['entries']:,.0f} entries)",
                f"{every['seconds']:.2f} s",
                f"{every['peak_mb']:.0f} MB",
                "-",
            )
        )
        again = unchanged_refresh(shared, work)
        rows.append(
            (
                "re-refresh of the unchanged SDN set over HTTP: 304 Not Modified",
                f"{again['not_modified_s']:.2f} s",
                f"{again['peak_mb']:.0f} MB",
                "-",
            )
        )
        rows.append(
            (
                "re-refresh, server sends the same bytes again (checksum no-op)",
                f"{again['same_bytes_s']:.2f} s",
                "-",
                "-",
            )
        )

    print(f"Lists benchmark, {time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores; reproduce with: {COMMAND}")
    print()
    print("| measurement | time | peak memory | vs baseline |")
    print("| --- | --- | --- | --- |")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    _ = resource  # peak memory is read in each child process


if __name__ == "__main__":
    main()
