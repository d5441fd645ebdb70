"""Scheduled refreshes: a crontab entry or systemd service and timer units.

Both run ``compliance lists refresh --due`` every few minutes; the command
itself decides which lists are due (each source's ``refresh_every``) and the
refresh lock keeps runs from overlapping, so a frequent schedule is safe.
"""

from __future__ import annotations

import contextlib
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from compliance import settings
from compliance.errors import UsageError

MARKER = "# compliance: scheduled list refresh (managed by `compliance schedule install`)"
UNIT_NAME = "compliance-refresh"


@dataclass(frozen=True)
class Schedule:
    every_minutes: int
    command: list[str]
    environment: dict[str, str]
    log_file: Path


def build(every_minutes: int = 15, database_url: str | None = None, log_file: Path | None = None) -> Schedule:
    if not 1 <= every_minutes <= 59:
        raise UsageError("--every must be between 1 and 59 minutes.")
    exe = shutil.which("compliance")
    command = [exe] if exe else [sys.executable, "-m", "compliance"]
    return Schedule(
        every_minutes=every_minutes,
        command=[*command, "lists", "refresh", "--due"],
        environment={"COMPLIANCE_DATABASE_URL": database_url or settings.database_url()},
        log_file=log_file or settings.DATA_DIR / "refresh.log",
    )


def cron_line(schedule: Schedule, user: str | None = None) -> str:
    env = " ".join(f"{k}={shlex.quote(v)}" for k, v in schedule.environment.items())
    cmd = " ".join(shlex.quote(part) for part in schedule.command)
    who = f"{user} " if user else ""
    log = shlex.quote(str(schedule.log_file))
    return f"*/{schedule.every_minutes} * * * * {who}{env} {cmd} >> {log} 2>&1"


def systemd_units(schedule: Schedule) -> dict[str, str]:
    env = "\n".join(f'Environment="{k}={v}"' for k, v in schedule.environment.items())
    cmd = " ".join(shlex.quote(part) for part in schedule.command)
    service = f"""[Unit]
Description=Refresh sanctions lists that are due (compliance)
After=network-online.target
Wants=network-online.target

[Service]
Type=oneshot
{env}
ExecStart={cmd}
"""
    timer = f"""[Unit]
Description=Run the compliance list refresh every {schedule.every_minutes} minutes

[Timer]
OnCalendar=*:0/{schedule.every_minutes}
Persistent=true
RandomizedDelaySec=60

[Install]
WantedBy=timers.target
"""
    return {f"{UNIT_NAME}.service": service, f"{UNIT_NAME}.timer": timer}


def _merge_crontab(existing: str, line: str) -> str:
    """Replace our entry in a crontab (found by its marker), or append it."""
    lines = existing.splitlines()
    out: list[str] = []
    skip_next = False
    for current in lines:
        if skip_next:
            skip_next = False
            continue
        if current.strip() == MARKER:
            skip_next = True
            continue
        out.append(current)
    out.extend([MARKER, line])
    return "\n".join(out).strip("\n") + "\n"


def install_cron(schedule: Schedule, crontab_file: Path | None = None) -> str:
    """Install into the user's crontab, or into a cron.d-style file. Returns where."""
    if crontab_file is not None:
        existing = crontab_file.read_text(encoding="utf-8") if crontab_file.exists() else ""
        user = "root"
        import getpass

        with contextlib.suppress(OSError):
            user = getpass.getuser()
        crontab_file.parent.mkdir(parents=True, exist_ok=True)
        crontab_file.write_text(_merge_crontab(existing, cron_line(schedule, user=user)), encoding="utf-8")
        return str(crontab_file)
    crontab = shutil.which("crontab")
    if crontab is None:
        raise UsageError(
            "The crontab command is not installed on this machine.",
            hint="Install cron, use --crontab-file /etc/cron.d/compliance, or use --systemd.",
        )
    current = subprocess.run([crontab, "-l"], capture_output=True, text=True, check=False)
    existing = current.stdout if current.returncode == 0 else ""
    merged = _merge_crontab(existing, cron_line(schedule))
    done = subprocess.run([crontab, "-"], input=merged, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise UsageError(f"crontab refused the entry: {done.stderr.strip() or 'no reason given'}")
    return "the crontab of the current user"


def install_systemd(schedule: Schedule, unit_dir: Path | None = None) -> list[Path]:
    unit_dir = unit_dir or Path.home() / ".config" / "systemd" / "user"
    unit_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in systemd_units(schedule).items():
        path = unit_dir / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
