"""Benchmark: the memo of a deal with 3 parties and 200 related entities, as HTML and as PDF.

A fresh SQLite database gets the demo's data (sample lists, the Alibaba /
ZTEsoft parties, the curated enforcement actions), then 200 more companies
around the three parties, from a fixed seed: a chain of owners above the
target up to an ultimate parent, subsidiaries two levels deep under each party
(known and unknown stakes), sister companies under the owners, and a few
countries on the FATF lists. The deal is assessed once (timed, for
information), then rendered.

Targets (issue 6): HTML <= 1 s, PDF <= 3 s. The baseline, measured in the same
run, is WeasyPrint rendering a one-paragraph page: the fixed cost of any PDF.

Run:  python tests/benchmarks/bench_memo.py [--related 200] [--repeat 3] [--seed 11] [--keep FOLDER]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _timed(fn: Callable[[], object], repeat: int) -> tuple[float, object]:
    times = []
    result: object = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def build(related: int, seed: int) -> int:
    """The demo data plus ``related`` companies around the parties; returns the deal id."""
    from compliance.db import entities_repo
    from compliance.db.session import session_scope
    from compliance.enforcement.service import import_file as import_actions
    from compliance.entities.importer import import_file as import_entities
    from compliance.entities.service import attach_list_entries, own_entity_named
    from compliance.exposure import deal
    from compliance.lists.samples import SCENARIO_DIR, load_samples
    from compliance.settings import LISTS_DIR

    load_samples(lambda _r: None)
    import_entities(SCENARIO_DIR / "alibaba_ztesoft.yml")
    attach_list_entries(own_entity_named("ZTE Corporation"), note="benchmark")
    import_actions(LISTS_DIR / "enforcement" / "curated.yml")
    info = deal.create_deal(
        "Benchmark deal",
        acquirer="Alibaba Group Holding Limited",
        target="ZTEsoft Technology Co., Ltd.",
        seller="ZTE Corporation",
        value="443000000",
        currency="USD",
    )
    rng = random.Random(seed)
    parties = [p.entity_id for p in info.parties]
    countries = ["CN", "HK", "SG", "KY", "VG", "AE", "VN", "LB", "DE", "US"]
    made = 0

    def company(session: object, label: str) -> int:
        nonlocal made
        made += 1
        eid = entities_repo.create_entity(session, "company", f"{label} {made:03d} Co., Ltd.")  # type: ignore[arg-type]
        entities_repo.add_name(session, eid, f"{label} {made:03d} Co., Ltd.", "primary")  # type: ignore[arg-type]
        entities_repo.add_country(session, eid, rng.choice(countries), "jurisdiction")  # type: ignore[arg-type]
        return eid

    def share() -> Decimal | None:
        return None if rng.random() < 0.15 else Decimal(rng.choice([10, 25, 49, 51, 60, 75, 100]))

    with session_scope() as session:
        # Owners above the target up to an ultimate parent (ZTE already owns it).
        below = parties[2]
        for level in range(5):
            owner = company(session, f"Holding L{level}")
            entities_repo.upsert_relationship(session, owner, below, "ownership", share_pct=share())
            below = owner
            # Sister companies: the owner's other holdings.
            for _ in range(3):
                entities_repo.upsert_relationship(
                    session, owner, company(session, "Sister"), "ownership", share_pct=share()
                )
        # Subsidiaries two levels deep under each party, until ``related`` companies exist.
        while made < related:
            parent = rng.choice(parties)
            child = company(session, "Subsidiary")
            entities_repo.upsert_relationship(session, parent, child, "ownership", share_pct=share())
            for _ in range(rng.randint(0, 2)):
                if made >= related:
                    break
                entities_repo.upsert_relationship(
                    session, child, company(session, "Unit"), "ownership", share_pct=share()
                )
    return info.id


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--related", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--keep", type=Path, help="Also write the memo to this folder (memo.html, memo.pdf).")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="bench-memo-"))
    os.environ["COMPLIANCE_DATA_DIR"] = str(folder / "data")
    os.environ["COMPLIANCE_DATABASE_URL"] = f"sqlite:///{folder / 'bench.db'}"
    from compliance import settings

    settings.DATA_DIR = folder / "data"
    from compliance.db import migrate
    from compliance.exposure import deal
    from compliance.reports import memo

    migrate.upgrade()
    deal_id = build(args.related, args.seed)
    assess_s, assessment = _timed(lambda: deal.assess(str(deal_id)), 1)
    assert isinstance(assessment, deal.Assessment)
    related = len(assessment.entities) - len(assessment.deal.parties)

    from weasyprint import HTML  # type: ignore[import-untyped]

    HTML(string="<p>warm-up</p>").write_pdf()  # font discovery happens once per process
    baseline_s, _ = _timed(lambda: HTML(string="<p>Hello, memo.</p>").write_pdf(), args.repeat)
    cold_s, _ = _timed(lambda: memo.render_html(assessment), 1)  # compiles the template
    html_s, html = _timed(lambda: memo.render_html(assessment), args.repeat)
    assert isinstance(html, str)
    pdf_s, pdf = _timed(lambda: memo.render_pdf(html), args.repeat)
    assert isinstance(pdf, bytes)
    pages = len(HTML(string=html).render().pages)
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        (args.keep / "memo.html").write_text(html, encoding="utf-8")
        (args.keep / "memo.pdf").write_bytes(pdf)

    rows = [
        ("baseline: one-paragraph page to PDF (WeasyPrint)", baseline_s, "", "1.0x"),
        ("assess the deal (database, 50% rule, screening)", assess_s, "-", ""),
        ("memo to HTML, first call (template compiled)", cold_s, "<= 1 s", ""),
        ("memo to HTML (Jinja, SVG)", html_s, "<= 1 s", ""),
        ("memo HTML to PDF (WeasyPrint)", pdf_s, "<= 3 s", f"{pdf_s / baseline_s:.1f}x"),
    ]
    print(
        f"Deal with {len(assessment.deal.parties)} parties and {related} related entities; "
        f"{len(assessment.findings)} findings; HTML {len(html) / 1024:.0f} KiB; "
        f"PDF {len(pdf) / 1024:.0f} KiB, "
        f"{pages} pages; median of {args.repeat} runs (assessment: 1 run)"
    )
    print()
    print("| step | time | target | vs baseline |")
    print("| --- | ---: | --- | ---: |")
    for name, seconds, target, ratio in rows:
        print(f"| {name} | {seconds:.3f} s | {target} | {ratio} |")
    print(f"Load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print()
    print(
        f"Reproduce: python tests/benchmarks/bench_memo.py --related {args.related} --repeat {args.repeat} "
        f"--seed {args.seed}"
    )
    ok = cold_s <= 1.0 and html_s <= 1.0 and pdf_s <= 3.0
    print("Targets met." if ok else "TARGETS MISSED.")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
