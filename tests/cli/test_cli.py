"""The command line as a user meets it: help texts, one-line errors, the README's examples."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import click
import pytest
import typer.main

from compliance.cli.main import app

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def all_commands() -> list[tuple[str, click.Command]]:
    root = typer.main.get_command(app)
    found: list[tuple[str, click.Command]] = []

    def walk(prefix: str, command: click.Command) -> None:
        subcommands = getattr(command, "commands", None)  # a group (Typer bundles its own click)
        if subcommands:
            for name, sub in subcommands.items():
                walk(f"{prefix} {name}".strip(), sub)
        else:
            found.append((prefix, command))

    walk("", root)
    return found


def cli(*args: str, env: dict[str, str] | None = None, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "compliance", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        cwd=cwd,
        timeout=300,
        check=False,
    )


@pytest.mark.parametrize(("name", "command"), all_commands(), ids=[name for name, _ in all_commands()])
def test_every_command_has_help_and_is_in_the_readme(name: str, command: click.Command) -> None:
    assert command.help and len(command.help.strip()) > 20, f"{name} has no real help text"
    for param in command.params:
        if getattr(param, "param_type_name", "") == "option" and param.name not in {"help"}:
            assert param.help, f"{name} {param.opts[0]} has no help text"
    assert f"compliance {name}" in README, f"`compliance {name}` is not documented in README.md"


def test_every_command_is_checked() -> None:
    names = {name for name, _ in all_commands()}
    assert {"lists load", "lists refresh", "db upgrade", "schedule install", "demo", "screen"} <= names


@pytest.mark.parametrize(
    "args", [["lists", "load"], ["lists", "status", "--bogus"], ["no-such-command"]], ids=str
)
def test_usage_mistakes_show_usage_not_a_traceback(args: list[str]) -> None:
    result = cli(*args)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "Usage:" in result.stderr


def test_top_level_help_reads_well() -> None:
    result = cli("--help")
    assert result.returncode == 0
    for noun in ("db", "lists", "schedule", "demo"):
        assert re.search(rf"^\s+{noun}\s+\S", result.stdout, re.MULTILINE), noun


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["lists", "load", "no_such_list", "x.csv"], "No list source called 'no_such_list'"),
        (["lists", "load", "ofac_sdn", "/nonexistent/sdn.csv"], "does not exist"),
        (["lists", "history", "ofac_sdn", "--version", "99"], "No version of ofac_sdn called '99'"),
        (["lists", "diff", "un_sc"], "No loaded version of un_sc"),
        (["lists", "load", "ofac_sdn", "README.md", "--format", "un_xml"], "not published as 'un_xml'"),
    ],
)
def test_user_errors_are_one_clear_line(args: list[str], message: str, tmp_path: Path) -> None:
    env = {"COMPLIANCE_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}"}
    result = cli(*args, env=env)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1 and message in errors[0], result.stderr


def test_bad_list_file_is_one_line_and_nothing_is_stored(tmp_path: Path) -> None:
    env = {"COMPLIANCE_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}"}
    page = tmp_path / "consolidated.xml"
    page.write_text("<html><body>Service unavailable</body></html>", encoding="utf-8")
    result = cli("lists", "load", "un_sc", str(page), env=env)
    assert result.returncode == 4
    assert "Traceback" not in result.stderr
    assert "web page" in result.stderr
    status = cli("lists", "status", "--json", env=env)
    assert '"version": null' in status.stdout and '"version": 1' not in status.stdout


def test_unreachable_database_is_one_line(tmp_path: Path) -> None:
    env = {"COMPLIANCE_DATABASE_URL": "postgresql+psycopg://nobody:secret@127.0.0.1:1/none"}
    result = cli("lists", "status", env=env)
    assert result.returncode == 3
    assert "Traceback" not in result.stderr
    assert "secret" not in result.stderr


def test_invalid_database_url(tmp_path: Path) -> None:
    result = cli("--database-url", "not a url", "lists", "status")
    assert result.returncode == 2
    assert "not valid" in result.stderr and "Traceback" not in result.stderr


def readme_examples() -> list[str]:
    """Commands shown in the README's Usage section as `$ compliance ...` lines."""
    usage = README.split("## Usage", 1)[1].split("\n## ", 1)[0]
    commands = []
    for line in usage.splitlines():
        if line.startswith("$ compliance "):
            commands.append(line[2:].strip())
    return commands


def test_readme_usage_examples_run(tmp_path: Path) -> None:
    examples = readme_examples()
    assert len(examples) >= 8
    env = {
        "COMPLIANCE_DATABASE_URL": f"sqlite:///{tmp_path / 'readme.db'}",
        "COMPLIANCE_DATA_DIR": str(tmp_path / "data"),
        "COMPLIANCE_LOCK_FILE": str(tmp_path / "refresh.lock"),
    }
    for example in examples:
        args = shlex.split(example)[1:]
        if args[:2] == ["lists", "refresh"] or args[:2] == ["schedule", "install"]:
            continue  # these reach the internet or the real crontab; tested elsewhere
        result = cli(*args, env=env)
        assert result.returncode == 0, f"{example}\n{result.stdout}\n{result.stderr}"
        assert "Traceback" not in result.stderr


def test_second_refresh_says_a_refresh_is_running(tmp_path: Path) -> None:
    from compliance.lists.lock import refresh_lock

    lock = tmp_path / "refresh.lock"
    env = {
        "COMPLIANCE_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
        "COMPLIANCE_LOCK_FILE": str(lock),
    }
    with refresh_lock(lock):
        result = cli("lists", "load", "bis_dpl", "lists/samples/bis_dpl/dpl.txt", "--partial", env=env)
    assert result.returncode == 6
    assert "Another list refresh is already running (pid" in result.stderr
    assert "Traceback" not in result.stderr
