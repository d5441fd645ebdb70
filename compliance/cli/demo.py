"""``compliance demo``: a fresh demo database built from the shipped samples, offline."""

from __future__ import annotations

import os
from pathlib import Path

import typer
import yaml
from rich.console import Console

from compliance import settings
from compliance.cli._output import console, progress_bar
from compliance.cli.lists import status as show_status

ENFORCEMENT_FILE = settings.LISTS_DIR / "enforcement" / "curated.yml"
DEMO_DEAL = "Alibaba / ZTEsoft"


def demo(
    output: Path = typer.Option(
        Path("compliance-demo"), "--output", "-o", help="Folder for the demo database and its outputs."
    ),
) -> None:
    """Build a fresh demo database from the data shipped in lists/ (no network), and a deal memo.

    It holds the sample lists (lists/samples), the parties of the demo deal and
    their ownership (lists/scenario), the curated enforcement actions
    (lists/enforcement) and a short news item on the deal (lists/scenario/news).
    It then records the deal "Alibaba / ZTEsoft", assesses it and writes its
    memo as memo.html and memo.pdf in the output folder.
    """
    from compliance.db import migrate
    from compliance.db.session import dispose_engines
    from compliance.lists.samples import load_samples

    output.mkdir(parents=True, exist_ok=True)
    db_file = (output / "demo.db").resolve()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_file}{suffix}").unlink(missing_ok=True)
    url = f"sqlite:///{db_file}"
    os.environ["COMPLIANCE_DATABASE_URL"] = url
    dispose_engines()
    migrate.upgrade(url)
    console.print(f"Demo database: {db_file}", markup=False)

    def loaded(result: object) -> None:
        from compliance.lists.loader import LoadResult

        assert isinstance(result, LoadResult)
        console.print(
            f"  {result.source:<16} version {result.version}: {result.record_count:,} entries "
            f"({result.added:,} added, {result.removed:,} removed, {result.changed:,} changed)",
            markup=False,
        )

    load_samples(loaded)
    from compliance.enforcement.service import import_file as import_actions
    from compliance.entities.importer import import_file as import_entities
    from compliance.entities.service import attach_list_entries, own_entity_named
    from compliance.lists.samples import SCENARIO_DIR

    for path in sorted(SCENARIO_DIR.glob("*.yml")):
        done = import_entities(path)
        console.print(
            f"  {path.name}: {done.created} entities and {done.relationships} ownership ties "
            "of the demo deal",
            markup=False,
        )
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for item in data.get("entities", []) if isinstance(data, dict) else data:
            merged = attach_list_entries(
                own_entity_named(item["name"]),
                names=item.get("aliases") or [],
                note="demo: list entries carrying exactly this party's name",
            )
            if merged:
                entries = "entry" if len(merged) == 1 else "entries"
                console.print(f"    {item['name']}: linked to {len(merged)} list {entries}", markup=False)
    actions = import_actions(ENFORCEMENT_FILE)
    linked = actions.linking
    console.print(
        f"  {ENFORCEMENT_FILE.name}: {actions.records} enforcement actions"
        + (f", {linked.auto} linked to entities, {linked.review} waiting for review" if linked else ""),
        markup=False,
    )
    _news(console)
    show_status(as_json=False)
    _deal_memo(output)
    console.print(
        f"Explore it with: compliance --database-url {url} lists status\n"
        '(also: lists history us_csl, lists diff us_csl, deal assess 1, entity show "ZTE Corporation")',
        markup=False,
        soft_wrap=True,
    )


def _news(out: Console) -> None:
    """Ingest the in-house news items of the scenario (lists/scenario/news)."""
    from compliance.lists.samples import SCENARIO_DIR

    items = sorted((SCENARIO_DIR / "news").glob("*.txt"))
    if not items:
        return
    from compliance.news.service import ingest

    done = ingest([str(p) for p in items])
    out.print(
        f"  news: {done.articles_new} article(s), {done.mentions} mentions "
        f"({done.linked} linked to entities, {done.review} waiting for review)",
        markup=False,
    )


def _deal_memo(output: Path) -> None:
    """Record the demo deal, assess it and write its memo as HTML and PDF."""
    from compliance.exposure import deal
    from compliance.reports import memo

    info = deal.create_deal(
        DEMO_DEAL,
        acquirer="Alibaba Group Holding Limited",
        target="ZTEsoft Technology Co., Ltd.",
        seller="ZTE Corporation",
        value="443000000",
        currency="USD",
        deal_type="acquisition",
        description=(
            "Proposed purchase of ZTEsoft, ZTE's software unit, by Alibaba for about 3 billion yuan "
            "(about USD 443 million), to strengthen Alibaba Cloud."
        ),
    )
    with progress_bar("Assessing the demo deal and writing its memo"):
        result = deal.assess(str(info.id))
        html_file = memo.write(result, "html", (output / "memo.html").resolve())
        pdf_file = memo.write(result, "pdf", (output / "memo.pdf").resolve())
    console.print(
        f"Deal #{info.id} {info.name}: {result.rating} ({len(result.findings)} findings)\n"
        f"  memo (HTML): {html_file}\n  memo (PDF):  {pdf_file}",
        markup=False,
        soft_wrap=True,
    )
