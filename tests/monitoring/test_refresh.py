"""`compliance lists refresh` over real HTTP (a local server on 127.0.0.1) runs monitoring too."""

from __future__ import annotations

from pathlib import Path

from tests.cli.test_cli import cli
from tests.lists.test_refresh import SOURCE_YAML, ListServer

NEW_ROW = (
    '"KESTREL AVIONICS TRADING"\t"12 HARBOUR ROAD"\t"LIMASSOL"\t""\t"CY"\t"3036"\t"03/01/2024"\t'
    '"03/01/2025"\t"Y"\t"2024-03-02"\t"TDO"\t"89 F.R. 15000 3/4/2024"\n'
)


def test_refresh_that_changes_a_list_rescreens_the_watchlist(samples: Path, tmp_path: Path) -> None:
    body = (samples / "bis_dpl" / "dpl.txt").read_bytes()
    with ListServer(body) as server:
        folder = tmp_path / "lists"
        folder.mkdir()
        (folder / "test_dpl.yml").write_text(SOURCE_YAML.format(url=server.url), encoding="utf-8")
        env = {
            "COMPLIANCE_LISTS_DIR": str(folder),
            "COMPLIANCE_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
            "COMPLIANCE_DATA_DIR": str(tmp_path / "data"),
            "COMPLIANCE_LOCK_FILE": str(tmp_path / "refresh.lock"),
            "COMPLIANCE_HTTP_BACKOFF": "0.01",
        }
        first = cli("lists", "refresh", env=env)
        assert first.returncode == 0, first.stderr
        assert "Monitoring" not in first.stdout  # nobody is watched yet
        added = cli(
            "watch", "add", "Kestrel Avionics Trading Ltd", "--ref", "K1", "--type", "company", env=env
        )
        assert "Onboarding screening: 0 new alerts." in added.stdout, added.stdout + added.stderr

        unchanged = cli("lists", "refresh", env=env)
        assert "unchanged on the server" in unchanged.stdout and "Monitoring" not in unchanged.stdout

        server.body = body + NEW_ROW.encode("utf-8")
        changed = cli("lists", "refresh", env=env)
    assert changed.returncode == 0, changed.stderr
    assert "test_dpl: version 2 loaded" in changed.stdout
    assert (
        "Monitoring: 1 watched counterparties re-screened against 1 new or changed entries: 1 new alert."
        in changed.stdout
    )
    listed = cli("alerts", "list", "--format", "json", env=env)
    assert '"list": "test_dpl"' in listed.stdout and "KESTREL AVIONICS TRADING" in listed.stdout
