"""``compliance demo``: a fresh demo database built from the shipped samples, offline."""

from __future__ import annotations

import os
from pathlib import Path

import typer

from compliance.cli._output import console
from compliance.cli.lists import status as show_status


def demo(
    output: Path = typer.Option(
        Path("compliance-demo"), "--output", "-o", help="Folder for the demo database and its outputs."
    ),
) -> None:
    """Build a fresh demo database from the sample lists shipped in lists/samples (no network)."""
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
    show_status(as_json=False)
    console.print(
        f"Explore it with: compliance --database-url {url} lists status\n"
        "(also: lists history us_csl, lists diff us_csl)",
        markup=False,
        soft_wrap=True,
    )
