"""``compliance enforcement`` through a real subprocess: output, and no traceback on mistakes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CURATED = ROOT / "lists" / "enforcement" / "curated.yml"


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "compliance", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        cwd=ROOT,
        timeout=300,
        check=False,
    )


def test_import_list_show(sqlite_db: str) -> None:
    result = cli("enforcement", "import", str(CURATED))
    assert result.returncode == 0, result.stderr
    assert "curated:" in result.stdout and "added" in result.stdout
    listed = cli("enforcement", "list", "--entity", "Zhongxing", "--format", "json")
    assert listed.returncode == 0, listed.stderr
    rows = json.loads(listed.stdout)
    assert len(rows) == 1 and rows[0]["amount"] == "100871266.00"
    table = cli("enforcement", "list", "--authority", "OFAC", "--since", "2017-01-01")
    assert "USD 100,871,266" in table.stdout
    shown = cli("enforcement", "show", str(rows[0]["id"]))
    assert shown.returncode == 0, shown.stderr
    for text in (
        "Zhongxing Telecommunications Equipment Corporation",
        "USD 100,871,266",
        "ITSR",
        "ofac.treasury.gov",
    ):
        assert text in shown.stdout
    bis = [
        r
        for r in json.loads(cli("enforcement", "list", "--entity", "ZTE", "--format", "json").stdout)
        if r["amount_suspended"]
    ]
    shown = cli("enforcement", "show", str(bis[-1]["id"]))
    assert "suspended" in shown.stdout and "not suspended" in shown.stdout


def test_mistakes_give_one_line(sqlite_db: str, tmp_path: Path) -> None:
    for args in (
        ("enforcement", "show", "999999"),
        ("enforcement", "import", str(tmp_path / "missing.csv")),
        ("enforcement", "list", "--format", "xml"),
        ("enforcement", "link", "1"),
        (
            "enforcement",
            "add",
            "--respondent",
            "X",
            "--authority",
            "A",
            "--type",
            "fine",
            "--date",
            "2020-01-01",
        ),
    ):
        result = cli(*args)
        assert result.returncode != 0, args
        assert "Traceback" not in result.stderr + result.stdout, args
        assert result.stderr.strip(), args
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "authority,action_type,date,respondent,amount,currency,program,summary,source_url\n"
        "OFAC,settlement,2020-01-01,Acme,ten,USD,,,\n",
        encoding="utf-8",
    )
    result = cli("enforcement", "import", str(bad))
    assert result.returncode != 0 and "row 2:" in result.stderr and "Traceback" not in result.stderr


def test_add_records_an_action(sqlite_db: str) -> None:
    result = cli(
        "enforcement",
        "add",
        "--respondent",
        "Acme Trading LLC",
        "--authority",
        "US Commerce / BIS",
        "--type",
        "civil_penalty",
        "--date",
        "2024-02-01",
        "--amount",
        "1,500,000",
        "--currency",
        "usd",
    )
    assert result.returncode == 0, result.stderr
    listed = json.loads(cli("enforcement", "list", "--entity", "Acme", "--format", "json").stdout)
    assert listed[0]["amount"] == "1500000.00" and listed[0]["currency"] == "USD"
