"""``compliance demo``: a fresh demo database built from the shipped samples, offline."""

from __future__ import annotations

import os
from pathlib import Path

import typer
import yaml

from compliance import settings
from compliance.cli._output import console
from compliance.cli.lists import status as show_status

ENFORCEMENT_FILE = settings.LISTS_DIR / "enforcement" / "curated.yml"


def demo(
    output: Path = typer.Option(
        Path("compliance-demo"), "--output", "-o", help="Folder for the demo database and its outputs."
    ),
) -> None:
    """Build a fresh demo database from the data shipped in lists/ (no network).

    It holds the sample lists (lists/samples), the parties of the demo deal and
    their ownership (lists/scenario) and the curated enforcement actions
    (lists/enforcement).
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
    show_status(as_json=False)
    console.print(
        f"Explore it with: compliance --database-url {url} lists status\n"
        "(also: lists history us_csl, lists diff us_csl)",
        markup=False,
        soft_wrap=True,
    )
