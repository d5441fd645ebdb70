"""Scheduled refreshes: the crontab entry and systemd units, installed idempotently."""

from __future__ import annotations

from pathlib import Path

import pytest

from compliance.errors import UsageError
from compliance.lists import schedule


def test_cron_line_runs_due_refresh() -> None:
    plan = schedule.build(10, database_url="sqlite:////srv/compliance.db")
    line = schedule.cron_line(plan)
    assert line.startswith("*/10 * * * * ")
    assert "lists refresh --due" in line
    assert "COMPLIANCE_DATABASE_URL=sqlite:////srv/compliance.db" in line


def test_every_must_be_sensible() -> None:
    with pytest.raises(UsageError):
        schedule.build(0)
    with pytest.raises(UsageError):
        schedule.build(90)


def test_crontab_file_install_replaces_its_own_entry(tmp_path: Path) -> None:
    cron_d = tmp_path / "cron.d" / "compliance"
    cron_d.parent.mkdir()
    cron_d.write_text("MAILTO=ops@example.org\n", encoding="utf-8")
    schedule.install_cron(schedule.build(15), cron_d)
    schedule.install_cron(schedule.build(5), cron_d)
    text = cron_d.read_text(encoding="utf-8")
    assert text.count(schedule.MARKER) == 1
    assert "MAILTO=ops@example.org" in text
    assert "*/5 * * * * " in text and "*/15" not in text


def test_systemd_units(tmp_path: Path) -> None:
    written = schedule.install_systemd(schedule.build(15, database_url="sqlite:////x.db"), tmp_path)
    names = sorted(p.name for p in written)
    assert names == ["compliance-refresh.service", "compliance-refresh.timer"]
    service = (tmp_path / "compliance-refresh.service").read_text()
    timer = (tmp_path / "compliance-refresh.timer").read_text()
    assert "Type=oneshot" in service and "lists refresh --due" in service
    assert 'Environment="COMPLIANCE_DATABASE_URL=sqlite:////x.db"' in service
    assert "OnCalendar=*:0/15" in timer and "Persistent=true" in timer
