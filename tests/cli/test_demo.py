"""The README's main job: `compliance demo` builds a working database offline."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "compliance", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, **env, "PYTHONPATH": str(ROOT)},
        timeout=300,
        check=False,
    )


def test_demo_builds_the_scenario(tmp_path: Path) -> None:
    env = {"COMPLIANCE_DATA_DIR": str(tmp_path / "data")}
    built = run("demo", cwd=tmp_path, env=env)
    assert built.returncode == 0, built.stderr
    db = tmp_path / "compliance-demo" / "demo.db"
    assert db.is_file()
    assert "us_csl           version 3" in built.stdout
    assert "ZTE Corporation: linked to 1 list entry" in built.stdout
    # The deal memo, in both formats, where the demo says it is.
    folder = tmp_path / "compliance-demo"
    memo_html, memo_pdf = folder / "memo.html", folder / "memo.pdf"
    assert f"memo (HTML): {memo_html}" in built.stdout and f"memo (PDF):  {memo_pdf}" in built.stdout
    assert "Deal #1 Alibaba / ZTEsoft: High" in built.stdout
    assert memo_pdf.read_bytes().startswith(b"%PDF-")
    assert "Counterparty-risk memo: Alibaba / ZTEsoft" in memo_html.read_text(encoding="utf-8")

    url = f"sqlite:///{db}"
    shown = run(
        "--database-url", url, "entity", "show", "ZTE Corporation", "--format", "json", cwd=tmp_path, env=env
    )
    assert shown.returncode == 0, shown.stderr
    zte = json.loads(shown.stdout)
    # The 2016 Entity List entry, removed in the 2017-03-29 version of the list.
    [past] = [d for d in zte["designations"] if d["sublist"].startswith("Entity List")]
    assert (past["listed_on"], past["delisted_on"], past["active"]) == ("2016-03-08", "2017-03-29", False)
    # Its enforcement history, with the 2017 amounts (USD 1,192,360,064 in all).
    actions = zte["enforcement"]
    amounts_2017 = sum(
        Decimal(a["amount"]) for a in actions if a["action_date"] == "2017-03-07" and a["amount"]
    )
    assert amounts_2017 == Decimal("1192360064")
    assert any(a["action_type"] == "denial_order" and a["action_date"] == "2018-04-15" for a in actions)
    # Its subsidiaries, the target's share unknown rather than zero.
    [target] = [o for o in zte["owned"] if o["object_name"] == "ZTEsoft Technology Co., Ltd."]
    assert target["share_pct"] is None and target["share_known"] is False

    again = run("demo", cwd=tmp_path, env=env)
    assert again.returncode == 0, again.stderr  # a fresh database each time
