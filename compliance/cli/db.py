"""``compliance db``: create, upgrade and check the database."""

from __future__ import annotations

import typer

from compliance.cli._output import console
from compliance.db.session import describe_url

app = typer.Typer(help="Create, upgrade and check the database.", no_args_is_help=True)


@app.command("upgrade")
def upgrade(
    revision: str = typer.Argument("head", help="Revision to upgrade to (default: the latest)."),
) -> None:
    """Create the database or bring it to the latest version."""
    from compliance.db import migrate

    before = migrate.current_revision()
    migrate.upgrade(revision=revision)
    after = migrate.current_revision()
    if before == after:
        console.print(f"The database {describe_url()} is already at version {after}.")
    else:
        console.print(f"The database {describe_url()} is now at version {after} (was {before or 'empty'}).")


@app.command("current")
def current() -> None:
    """Show the database's version and the latest version this tool knows."""
    from compliance.db import migrate

    rev = migrate.current_revision()
    head = migrate.head_revision()
    state = "up to date" if rev == head else "needs `compliance db upgrade`"
    console.print(f"Database: {describe_url()}")
    console.print(f"Version:  {rev or 'empty (no tables yet)'} (latest {head}: {state})")


@app.command("check")
def check() -> None:
    """Verify the database is at the latest version and its tables match the models."""
    from compliance.db import migrate

    migrate.check()
    console.print(f"The database {describe_url()} is at the latest version and matches the models.")


@app.command("downgrade")
def downgrade(
    revision: str = typer.Argument(..., help="Revision to go back to ('base' removes every table)."),
    yes: bool = typer.Option(False, "--yes", help="Confirm: data in removed tables is lost."),
) -> None:
    """Go back to an older database version (data in removed tables is lost)."""
    from compliance.db import migrate

    if not yes:
        typer.confirm(f"Downgrade {describe_url()} to {revision}? Data may be lost.", abort=True)
    migrate.downgrade(revision=revision)
    console.print(f"The database {describe_url()} is now at version {migrate.current_revision() or 'base'}.")
