"""The `compliance entity` commands as a user runs them: real process, real database, no tracebacks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, COLUMNS="200")
    return subprocess.run(
        [sys.executable, "-m", "compliance", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )


def _ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result.stdout


def _refused(result: subprocess.CompletedProcess[str], text: str) -> str:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr + result.stdout
    assert text in result.stderr, result.stderr
    return result.stderr


def test_add_show_search_merge(huawei_lists: str) -> None:
    own = int(
        _ok(cli("entity", "add", "Huawei Reseller GmbH", "--type", "company", "--country", "DE")).strip()
    )
    shown = _ok(cli("entity", "show", str(own)))
    assert "Huawei Reseller GmbH" in shown and "DE (jurisdiction)" in shown and "origin own" in shown

    record = json.loads(
        _ok(cli("entity", "show", "HUAWEI INVESTMENT & HOLDING CO., LTD.", "--format", "json"))
    )
    assert record["entity"]["name"] == "HUAWEI INVESTMENT & HOLDING CO., LTD."
    assert record["designations"][0]["source"] == "ofac_cons"
    assert {(r["kind"], r["share_known"]) for r in record["other_relationships"]} == {("linked", False)}

    found = _ok(cli("entity", "search", "Huawei Technologies", "--limit", "5"))
    assert "HUAWEI TECHNOLOGIES CO., LTD." in found

    ambiguous = _refused(cli("entity", "show", "Huawei Technologies Co Ltd"), "names 2 entities")
    ids = [line.split()[0].lstrip("#") for line in ambiguous.splitlines() if line.strip().startswith("#")]
    assert len(ids) == 2
    merged = _ok(cli("entity", "merge", ids[0], ids[1], "--note", "same company"))
    assert f"unmerge {ids[1]}" in merged
    # Now the name leads to one entity, showing both entries.
    shown = _ok(cli("entity", "show", "Huawei Technologies Co Ltd"))
    assert "Merged into this entity: 1" in shown and "us_csl" in shown and "ofac_cons" in shown
    _ok(cli("entity", "unmerge", ids[1]))
    _refused(cli("entity", "show", "Huawei Technologies Co Ltd"), "names 2 entities")


def test_bad_input_gives_one_line(sqlite_db: str, tmp_path: Path) -> None:
    _refused(cli("entity", "show", "No Such Company"), "Error: No entity named")
    _refused(cli("entity", "show", "12345"), "Error: No entity with id")
    _refused(cli("entity", "merge", "1", "2"), "Error:")
    _refused(cli("entity", "add", "X", "--type", "spaceship"), "Unknown entity type")
    _refused(cli("entity", "unmerge", "Acme"), "Give the id")
    bad = tmp_path / "bad.csv"
    bad.write_text("name,type\nGood,company\n,company\n", encoding="utf-8")
    err = _refused(cli("entity", "import", str(bad)), "nothing was imported")
    assert "line 3: The name is empty" in err


def test_resolve_command(huawei_lists: str) -> None:
    out = _ok(cli("entity", "resolve"))
    assert "certain link(s)" in out and "Nothing was changed" in out
    applied = _ok(cli("entity", "resolve", "--apply"))
    assert "Applied 3 merge(s)" in applied
    assert "0 certain link(s)" in _ok(cli("entity", "resolve"))


def test_every_command_has_help() -> None:
    from typer.testing import CliRunner

    from compliance.cli.entity import app

    runner = CliRunner()
    out = runner.invoke(app, ["--help"]).output
    for command in ("add", "show", "search", "alias", "identifier", "merge", "unmerge", "import", "resolve"):
        assert command in out
        result = runner.invoke(app, [command, "--help"])
        assert result.exit_code == 0 and "Usage" in result.output
