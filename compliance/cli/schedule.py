"""``compliance schedule``: run list refreshes automatically (cron or systemd)."""

from __future__ import annotations

from pathlib import Path

import typer

from compliance.cli._output import console
from compliance.lists import schedule as sched

app = typer.Typer(
    help="Refresh the lists automatically: print or install a crontab entry or systemd timer.",
    no_args_is_help=True,
)

EVERY = typer.Option(
    15, "--every", help="Minutes between runs; each run refreshes only the lists that are due."
)


@app.command("show")
def show(
    every: int = EVERY,
    systemd: bool = typer.Option(False, "--systemd", help="Show systemd service and timer units instead."),
) -> None:
    """Print the crontab entry (or systemd units) that would run the refresh."""
    plan = sched.build(every)
    if systemd:
        for name, text in sched.systemd_units(plan).items():
            console.print(f"# {name}", markup=False)
            console.print(text, markup=False)
        return
    console.print(sched.MARKER, markup=False)
    console.print(sched.cron_line(plan), markup=False, soft_wrap=True)


@app.command("install")
def install(
    every: int = EVERY,
    systemd: bool = typer.Option(False, "--systemd", help="Write systemd units instead of a crontab entry."),
    unit_dir: Path | None = typer.Option(
        None, "--unit-dir", help="Folder for the systemd units (default: ~/.config/systemd/user)."
    ),
    crontab_file: Path | None = typer.Option(
        None, "--crontab-file", help="Write a cron.d-style file (e.g. /etc/cron.d/compliance) instead."
    ),
) -> None:
    """Install the scheduled refresh (replacing an earlier one)."""
    plan = sched.build(every)
    if systemd:
        paths = sched.install_systemd(plan, unit_dir)
        for path in paths:
            console.print(f"Wrote {path}")
        scope = "" if unit_dir and not str(unit_dir).startswith(str(Path.home())) else " --user"
        console.print(
            f"Enable it with: systemctl{scope} daemon-reload && "
            f"systemctl{scope} enable --now {sched.UNIT_NAME}.timer"
        )
        return
    where = sched.install_cron(plan, crontab_file)
    console.print(f"Installed the refresh every {every} minutes in {where}.")
    console.print(f"Output goes to {plan.log_file}.")
