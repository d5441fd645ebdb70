"""Ownership recorded in the database and OFAC's 50% rule applied to it, end to end."""

from __future__ import annotations

import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from compliance.entities.service import add_entity
from compliance.errors import UsageError
from compliance.exposure import ownership
from compliance.lists import loader
from compliance.lists.sources import get_source

ROOT = Path(__file__).resolve().parents[2]
# In lists/samples/ofac_sdn: an SDN entry, so blocked under OFAC.
BLOCKED = "BANCO NACIONAL DE CUBA"


@pytest.fixture
def world(sqlite_db: str, samples: Path) -> dict[str, int]:
    loader.load(get_source("ofac_sdn"), samples / "ofac_sdn", enforce_counts=False)
    ids = {
        name: add_entity(name, "company", country="PA")
        for name in ("Alpha Holding SA", "Beta Trading SA", "Gamma Shipping SA", "Delta Services SA")
    }
    return ids


def test_direct_fifty_percent_blocks(world: dict[str, int]) -> None:
    ownership.add_tie(BLOCKED, "Alpha Holding SA", share="50", source="registry extract 2024")
    view = ownership.exposure("Alpha Holding SA")
    assert view.status == "blocked"
    assert view.lower_pct == Decimal(50)
    [(steps, contribution, certain)] = view.chains
    assert steps[0].owner == BLOCKED and steps[0].share == Decimal(50) and certain
    assert contribution == Decimal(50)
    assert any(row.ref == "306" for rows in view.blocking_owners.values() for row in rows)


def test_indirect_through_blocked_intermediary(world: dict[str, int]) -> None:
    ownership.add_tie(BLOCKED, "Alpha Holding SA", share="60")
    ownership.add_tie("Alpha Holding SA", "Beta Trading SA", share="50")
    view = ownership.exposure("Beta Trading SA")
    assert view.status == "blocked"
    assert [name for name, *_ in view.intermediaries] == ["Alpha Holding SA"]


def test_intermediary_below_fifty_breaks_the_chain(world: dict[str, int]) -> None:
    ownership.add_tie(BLOCKED, "Alpha Holding SA", share="40")
    ownership.add_tie("Alpha Holding SA", "Beta Trading SA", share="100")
    assert ownership.exposure("Beta Trading SA").status == "not_blocked"


def test_unknown_share_is_a_gap_not_zero(world: dict[str, int]) -> None:
    ownership.add_tie(BLOCKED, "Gamma Shipping SA")  # share unknown
    view = ownership.exposure("Gamma Shipping SA")
    assert view.status == "undetermined"
    assert view.lower_pct == 0 and view.upper_pct == 100
    [(gap, maximum)] = view.gaps
    assert gap.share is None and gap.owner == BLOCKED and maximum == 100


def test_control_is_reported_apart(world: dict[str, int]) -> None:
    ownership.add_tie(BLOCKED, "Delta Services SA", control=True)
    view = ownership.exposure("Delta Services SA")
    assert view.status == "not_blocked"
    assert [controller for controller, *_ in view.control] == [BLOCKED]


def test_cycle_terminates(world: dict[str, int]) -> None:
    ownership.add_tie("Alpha Holding SA", "Beta Trading SA", share="60")
    ownership.add_tie("Beta Trading SA", "Alpha Holding SA", share="60")
    assert ownership.exposure("Alpha Holding SA").status == "not_blocked"
    root, names = ownership.ownership_tree("Alpha Holding SA", "up", 5)
    assert any(node.cycle for node in root.walk())
    assert names[root.entity] == "Alpha Holding SA"


@pytest.mark.parametrize(
    ("share", "message"), [("150", "at most 100"), ("0", "above 0"), ("half", "not a percentage")]
)
def test_bad_shares_are_refused(world: dict[str, int], share: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        ownership.add_tie(BLOCKED, "Alpha Holding SA", share=share)


def test_cli_tree_and_exposure(world: dict[str, int], sqlite_db: str, tmp_path: Path) -> None:
    env = {**os.environ, "COMPLIANCE_DATABASE_URL": sqlite_db, "COMPLIANCE_DATA_DIR": str(tmp_path / "d")}

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "compliance", *args],
            capture_output=True,
            text=True,
            env=env,
            cwd=ROOT,
            timeout=120,
            check=False,
        )

    added = cli("ownership", "add", BLOCKED, "Alpha Holding SA", "--share", "51", "--source", "filing")
    assert added.returncode == 0, added.stderr
    unknown = cli("ownership", "add", "Alpha Holding SA", "Beta Trading SA")
    assert unknown.returncode == 0, unknown.stderr
    assert "unknown share" in unknown.stdout
    tree = cli("ownership", "tree", "Beta Trading SA", "--up")
    assert "Alpha Holding SA" in tree.stdout and BLOCKED in tree.stdout
    assert "unknown share" in tree.stdout and "51%" in tree.stdout
    verdict = cli("exposure", "Beta Trading SA")
    assert verdict.returncode == 0, verdict.stderr
    assert "UNDETERMINED" in verdict.stdout and "GAP" in verdict.stdout
    missing = cli("exposure", "No Such Company")
    assert missing.returncode != 0 and "Traceback" not in missing.stderr
