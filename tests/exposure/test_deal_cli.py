"""``compliance deal`` from the command line: one-line errors, nothing half-done."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from compliance.db.models import ScreeningRun
from compliance.db.session import session_scope
from compliance.entities.service import add_entity

ROOT = Path(__file__).resolve().parents[2]


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "compliance", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(ROOT), "COMPLIANCE_DATA_DIR": str(cwd / "data")},
        timeout=300,
        check=False,
    )


def test_deal_commands(sqlite_db: str, tmp_path: Path) -> None:
    add_entity("Acme Buyer Ltd", "company", country="FR")
    add_entity("Target Works SA", "company", country="CH")
    add_entity("Target Works SA", "company", country="LU")  # a namesake
    create = ("deal", "create", "Acme / Target", "--acquirer", "Acme Buyer Ltd", "--target")
    made = cli(*create, "Target Works SA", cwd=tmp_path)
    assert made.returncode == 1
    assert "names 2 entities" in made.stderr and "Hint: Give the entity's id" in made.stderr
    assert "Traceback" not in made.stderr
    made = cli(*create, "2", "--value", "12.5e6", "--currency", "EUR", "--type", "investment", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    assert "target     #2 Target Works SA" in made.stdout
    listed = cli("deal", "list", "--json", cwd=tmp_path)
    assert '"name": "Acme / Target"' in listed.stdout and '"value": "12,500,000"' in listed.stdout
    # A bad format is refused before anything is assessed or saved.
    bad = cli("deal", "report", "Acme / Target", "--format", "docx", "--output", "memo.docx", cwd=tmp_path)
    assert bad.returncode == 2 and "Unknown format 'docx'" in bad.stderr
    with session_scope() as session:
        assert session.query(ScreeningRun).count() == 0
    missing = cli("deal", "assess", "No such deal", cwd=tmp_path)
    assert missing.returncode == 1 and "No deal called 'No such deal'" in missing.stderr
    assessed = cli("deal", "assess", "1", cwd=tmp_path)
    assert assessed.returncode == 0, assessed.stderr
    assert assessed.stdout.startswith("Acme / Target: Low")
    as_json = cli("deal", "assess", "Acme / Target", "--json", cwd=tmp_path)
    data = json.loads(as_json.stdout)
    assert (data["rating"], data["deal"]["name"]) == ("Low", "Acme / Target")
    assert data["format"] == "compliance-deal-memo/1"
    written = cli("deal", "report", "1", "--format", "json", "--output", "out/memo.json", cwd=tmp_path)
    assert written.returncode == 0, written.stderr
    assert (tmp_path / "out" / "memo.json").read_text(encoding="utf-8").startswith("{")
