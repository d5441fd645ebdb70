"""The monitoring commands as an officer runs them, and the digest sent to a real local SMTP server."""

from __future__ import annotations

import csv
import email
import json
import socket
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from tests.cli.test_cli import cli
from tests.monitoring.conftest import BASE, NORTHWIND

ALERT_KEYS = [
    "alert_id",
    "status",
    "counterparty_ref",
    "counterparty_name",
    "entity_id",
    "list",
    "list_ref",
    "matched_name",
    "score",
    "reason",
    "created_at",
]


def _sdn(folder: Path, *lines: str) -> Path:
    folder.mkdir(parents=True)
    (folder / "sdn.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {
        "COMPLIANCE_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
        "COMPLIANCE_DATA_DIR": str(tmp_path / "data"),
        "COMPLIANCE_LOCK_FILE": str(tmp_path / "refresh.lock"),
        "COMPLIANCE_ACTOR": "officer.one",
    }


def _ok(*args: str, env: dict[str, str]) -> str:
    result = cli(*args, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    return result.stdout


def _error(*args: str, env: dict[str, str]) -> str:
    result = cli(*args, env=env)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1, result.stderr
    return errors[0]


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], Message]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # aiosmtpd calls this hook
        self.messages.append(
            (envelope.mail_from, list(envelope.rcpt_tos), email.message_from_bytes(envelope.content))
        )
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def test_watch_monitor_alerts_audit_and_digest_by_mail(tmp_path: Path, env: dict[str, str]) -> None:
    v1 = _sdn(tmp_path / "v1", *BASE.values())
    v2 = _sdn(tmp_path / "v2", *BASE.values(), NORTHWIND)
    _ok("lists", "load", "ofac_sdn", str(v1), "--partial", env=env)
    watchlist = tmp_path / "watch.csv"
    watchlist.write_text(
        "ref,name,type,country\nC1,Ivan Petrov,person,RU\nC2,Northwind <Quartz> Trading Ltd,company,\n",
        encoding="utf-8",
    )
    out = _ok("watch", "import", str(watchlist), env=env)
    assert "2 rows; 2 added, 0 updated, 0 unchanged." in out
    assert "Onboarding screening of 2: 1 new alert." in out
    assert "Ivan Petrov" in _ok("watch", "list", env=env)
    watched = json.loads(_ok("watch", "list", "--format", "json", env=env))
    assert [(w["ref"], w["type"], w["country"], w["active"]) for w in watched] == [
        ("C1", "person", "RU", True),
        ("C2", "company", None, True),
    ]

    out = _ok("lists", "load", "ofac_sdn", str(v2), "--partial", env=env)
    assert (
        "Monitoring: 2 watched counterparties re-screened against 1 new or changed entries: 1 new alert."
        in out
    )
    out = _ok("lists", "load", "ofac_sdn", str(v2), "--partial", env=env)
    assert "nothing to do" in out and "Monitoring" not in out
    assert "no new or changed list entries to screen: 0 new alerts" in _ok("monitor", "run", env=env)

    alerts = json.loads(_ok("alerts", "list", "--format", "json", env=env))
    assert [list(a) for a in alerts] == [ALERT_KEYS, ALERT_KEYS]
    assert [(a["counterparty_ref"], a["list"], a["list_ref"], a["status"]) for a in alerts] == [
        ("C1", "ofac_sdn", "200", "open"),
        ("C2", "ofac_sdn", "300", "open"),
    ]
    second = str(alerts[1]["alert_id"])
    shown = _ok("alerts", "show", second, env=env)
    assert "NORTHWIND QUARTZ TRADING LTD" in shown and "decisions     none yet" in shown

    assert "exactly one" in _error("alerts", "decide", second, "--note", "x", env=env)
    _ok("alerts", "decide", second, "--false-positive", "--note", "Other company", "--by", "ana", env=env)
    assert "ana: false_positive: Other company" in _ok("alerts", "show", second, env=env)
    open_only = json.loads(_ok("alerts", "list", "--status", "open", "--format", "json", env=env))
    assert [a["counterparty_ref"] for a in open_only] == ["C1"]

    # Bad watchlist rows: one line naming the rows, nothing imported.
    bad = tmp_path / "bad.csv"
    bad.write_text("ref,name,country\nB1,Fine Name,\nB2,Other,Atlantis\n", encoding="utf-8")
    assert "row 3: Unknown country 'Atlantis'" in _error("watch", "import", str(bad), env=env)
    assert "B1" not in _ok("watch", "list", env=env)

    # The audit trail: CSV and JSON, with --since.
    exported = tmp_path / "audit.csv"
    _ok("audit", "export", "--format", "csv", "--output", str(exported), env=env)
    with open(exported, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    actions = [r["action"] for r in rows]
    for action in (
        "list.load",
        "watch.added",
        "screening.onboarding",
        "alert.raised",
        "monitor.run",
        "alert.decided",
    ):
        assert action in actions
    decided = next(r for r in rows if r["action"] == "alert.decided")
    assert decided["actor"] == "ana" and json.loads(decided["details"])["note"] == "Other company"
    assert json.loads(decided["list_versions"]) == {"ofac_sdn": 2}
    as_json = json.loads(_ok("audit", "export", "--format", "json", env=env))
    assert [r["id"] for r in as_json] == [int(r["id"]) for r in rows]
    assert json.loads(_ok("audit", "export", "--format", "json", "--since", "2999-01-01", env=env)) == []
    today = json.loads(_ok("audit", "export", "--format", "json", "--since", rows[-1]["at"][:10], env=env))
    assert [r["id"] for r in today] == [int(r["id"]) for r in rows if r["at"][:10] >= rows[-1]["at"][:10]]
    assert "is not a date" in _error("audit", "export", "--format", "json", "--since", "yesterday", env=env)

    # The digest: files (HTML escaped) and a message to a real SMTP server on 127.0.0.1.
    folder = tmp_path / "digests"
    assert "needs a mail server" in _error("monitor", "digest", "--output", str(folder), "--send", env=env)
    inbox = _Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        mail_env = env | {
            "COMPLIANCE_SMTP_HOST": "127.0.0.1",
            "COMPLIANCE_SMTP_PORT": str(port),
            "COMPLIANCE_SMTP_FROM": "compliance@example.org",
            "COMPLIANCE_SMTP_TO": "officer@example.org, deputy@example.org",
        }
        out = _ok(
            "monitor", "digest", "--since", "2000-01-01", "--output", str(folder), "--send", env=mail_env
        )
    finally:
        controller.stop()
    assert "Compliance monitoring: 2 new alerts since 2000-01-01 00:00 UTC." in out
    html = next(folder.glob("digest-*.html")).read_text(encoding="utf-8")
    text = next(folder.glob("digest-*.txt")).read_text(encoding="utf-8")
    assert "Northwind &lt;Quartz&gt; Trading Ltd" in html and "<Quartz>" not in html
    assert "Northwind <Quartz> Trading Ltd (C2)" in text and "ofac_sdn 300" in text
    assert len(inbox.messages) == 1
    sender, recipients, message = inbox.messages[0]
    assert sender == "compliance@example.org"
    assert recipients == ["officer@example.org", "deputy@example.org"]
    assert message["Subject"] == "Compliance monitoring: 2 new alerts since 2000-01-01 00:00 UTC"
    parts = {part.get_content_type(): part.get_payload(decode=True) for part in message.walk()}
    assert b"Ivan Petrov" in parts["text/plain"] and b"&lt;Quartz&gt;" in parts["text/html"]

    # The next digest, by default, covers only what came after this one.
    out = _ok("monitor", "digest", "--output", str(folder), env=env)
    assert "Compliance monitoring: 0 new alerts since" in out
