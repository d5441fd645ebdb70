"""The ``compliance`` command: one sub-app per noun.

Errors a user can cause are printed as one line (and a hint) on stderr with
a non-zero exit code; never a traceback.
"""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from compliance import __version__
from compliance.cli import alerts as alerts_cli
from compliance.cli import audit as audit_cli
from compliance.cli import db as db_cli
from compliance.cli import deal as deal_cli
from compliance.cli import demo as demo_cli
from compliance.cli import enforcement as enforcement_cli
from compliance.cli import entity as entity_cli
from compliance.cli import lists as lists_cli
from compliance.cli import monitor as monitor_cli
from compliance.cli import news as news_cli
from compliance.cli import ownership as ownership_cli
from compliance.cli import schedule as schedule_cli
from compliance.cli import screen as screen_cli
from compliance.cli import watch as watch_cli
from compliance.cli._output import err_console
from compliance.errors import ComplianceError

app = typer.Typer(
    name="compliance",
    help=(
        "Sanctions and compliance exposure checker: official sanctions lists kept current and "
        "versioned, name screening, ownership and the 50% rule, enforcement actions, adverse "
        "media, deal memos and ongoing monitoring, in a database you control. "
        "Start with: compliance demo"
    ),
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(db_cli.app, name="db")
app.add_typer(lists_cli.app, name="lists")
app.add_typer(schedule_cli.app, name="schedule")
app.add_typer(enforcement_cli.app, name="enforcement")
app.add_typer(entity_cli.app, name="entity")
app.add_typer(ownership_cli.app, name="ownership")
app.add_typer(news_cli.app, name="news")
app.add_typer(deal_cli.app, name="deal")
app.add_typer(watch_cli.app, name="watch")
app.add_typer(alerts_cli.app, name="alerts")
app.add_typer(monitor_cli.app, name="monitor")
app.add_typer(audit_cli.app, name="audit")
app.command("exposure")(ownership_cli.exposure)
app.command("screen")(screen_cli.screen)
app.command("demo")(demo_cli.demo)


def _version(value: bool) -> None:
    if value:
        print(f"compliance {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    database_url: Annotated[
        str | None,
        typer.Option(
            "--database-url",
            metavar="URL",
            help=(
                "Database to use (default: COMPLIANCE_DATABASE_URL, else an SQLite file in your data folder)."
            ),
            show_default=False,
        ),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """Sanctions and compliance exposure checker."""
    if database_url:
        os.environ["COMPLIANCE_DATABASE_URL"] = database_url


def run() -> None:
    """Entry point: run the app, turning known errors into one clear line.

    Usage mistakes (a missing argument, an unknown option) are reported by
    Typer itself, with the usage line, and exit with code 2.
    """
    try:
        app()
    except ComplianceError as exc:
        err_console.print(f"Error: {exc}", markup=False, soft_wrap=True)
        if exc.hint:
            err_console.print(f"Hint: {exc.hint}", markup=False, soft_wrap=True)
        sys.exit(exc.exit_code)
    except OperationalError as exc:
        line = str(exc.orig).strip().splitlines()[0] if exc.orig else "unknown error"
        err_console.print(f"Error: the database could not be used: {line}", markup=False, soft_wrap=True)
        sys.exit(3)
    except SQLAlchemyError as exc:
        err_console.print(f"Error: database error: {str(exc).splitlines()[0]}", markup=False, soft_wrap=True)
        sys.exit(3)
