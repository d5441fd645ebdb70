"""Screening against the lists in a real database: single names, batches, saved runs, the index cache."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from compliance import settings
from compliance.db.models import AuditRecord, ScreeningHit, ScreeningRun
from compliance.db.session import session_scope
from compliance.errors import UsageError
from compliance.lists import loader
from compliance.lists.sources import get_source
from compliance.screening import service

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def loaded(sqlite_db: str, samples: Path) -> str:
    for key, path in (
        ("ofac_cons", samples / "ofac_cons"),
        ("us_csl", samples / "us_csl" / "consolidated.csv"),
        ("ofac_sdn", samples / "ofac_sdn"),
    ):
        loader.load(get_source(key), path, enforce_counts=False)
    return sqlite_db


def test_screen_finds_huawei_on_each_list(loaded: str) -> None:
    result = service.screen(service.make_query("Huawei Technologies Co Ltd", "company"))
    found = {(h.entry.source, h.entry.ref) for h in result.hits}
    assert ("ofac_cons", "30947") in found
    assert any(source == "us_csl" for source, _ in found)
    top = result.hits[0]
    assert top.score >= result.threshold and top.band in ("exact", "strong", "possible")
    assert top.explanation
    assert set(result.list_versions) == {"ofac_cons", "us_csl", "ofac_sdn"}


def test_lists_restriction_and_no_hit(loaded: str) -> None:
    only_sdn = service.screen(service.make_query("Huawei Technologies", lists=["ofac_sdn"]))
    assert all(h.entry.source == "ofac_sdn" for h in only_sdn.hits)
    nothing = service.screen(service.make_query("Quiet Meadow Bakery of Vermont"))
    assert nothing.hits == []


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": "   "}, "empty"),
        ({"name": "x" * 5000}, "at most"),
        ({"name": "ACME", "entity_type": "spaceship"}, "Unknown type"),
        ({"name": "ACME", "country": "Atlantis"}, "Unknown country"),
        ({"name": "ACME", "dob": "12/03/1960"}, "YYYY"),
    ],
)
def test_bad_queries_are_refused_clearly(kwargs: dict[str, str], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        service.make_query(**kwargs)


def test_country_names_and_codes(loaded: str) -> None:
    assert service.make_query("ACME", country="cn").country == "CN"
    assert service.make_query("ACME", country="China").country == "CN"


def test_index_is_built_once_per_list_version(loaded: str, samples: Path) -> None:
    built: list[int] = []
    service.screen(service.make_query("Huawei"), on_build=lambda: built.append(1))
    service.screen(service.make_query("Huawei"), on_build=lambda: built.append(1))
    assert built == [1]
    files = list((settings.DATA_DIR / "index").glob("*.idx"))
    assert len(files) == 1
    # A new list version means a new index; the old file is removed.
    loader.load(get_source("bis_dpl"), samples / "bis_dpl" / "dpl.txt", enforce_counts=False)
    service.screen(service.make_query("Huawei"), on_build=lambda: built.append(1))
    assert built == [1, 1]
    after = list((settings.DATA_DIR / "index").glob("*.idx"))
    assert len(after) == 1 and after != files


def test_damaged_index_file_is_rebuilt(loaded: str) -> None:
    service.screen(service.make_query("Huawei"))
    [path] = list((settings.DATA_DIR / "index").glob("*.idx"))
    path.write_bytes(b"not an index")
    result = service.screen(service.make_query("Huawei Technologies"))
    assert result.hits


def test_saved_run_records_versions_algorithm_and_hits(loaded: str) -> None:
    result = service.screen(service.make_query("Huawei Technologies", "company"), save=True)
    assert result.run_id is not None
    run = service.saved_run(result.run_id)
    assert run.list_versions == result.list_versions
    assert run.algorithm == result.algorithm and run.threshold == result.threshold
    assert [h.designation_id for h in run.hits] == [h.entry.designation_id for h in result.hits]
    assert run.query["query"]["name"] == "Huawei Technologies"
    with session_scope() as session:
        assert session.scalar(select(func.count()).select_from(ScreeningRun)) == 1
        assert session.scalar(select(func.count()).select_from(ScreeningHit)) == len(result.hits)
        audit = session.scalar(select(AuditRecord).where(AuditRecord.action == "screening.saved"))
        assert audit is not None and audit.list_versions == result.list_versions


def test_explain_one_entry(loaded: str) -> None:
    [hit] = service.explain(service.make_query("Hua Wei Technology"), "30947")
    assert hit.entry.ref == "30947"
    assert len(hit.features) >= 3
    assert all(f.detail for f in hit.features)


def test_no_lists_loaded_is_a_clear_error(sqlite_db: str) -> None:
    with pytest.raises(UsageError, match="No list is loaded"):
        service.screen(service.make_query("Huawei"))


def write_batch(path: Path, rows: list[list[str]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)


@pytest.mark.parametrize("workers", [1, 2])
def test_batch_accounts_for_every_row(loaded: str, tmp_path: Path, workers: int) -> None:
    source = tmp_path / "in.csv"
    write_batch(
        source,
        [
            ["id", "name", "type", "country", "dob"],
            ["c1", "Huawei Technologies Co., Ltd.", "company", "CN", ""],
            ["c2", "Quiet Meadow Bakery of Vermont", "", "", ""],
            ["c3", "", "", "", ""],
            ["c4", "ACME", "", "", "31/12/1999"],
            ["c5", "ZTE Parsian", "company", "", ""],
        ],
    )
    out = tmp_path / "out.csv"
    summary = service.screen_batch(source, out, workers=workers)
    assert (summary.rows, summary.screened) == (5, 3)
    assert summary.problems == [
        "row 4: The name to screen is empty.",
        "row 5: Date of birth '31/12/1999' must be YYYY, YYYY-MM or YYYY-MM-DD.",
    ]
    with open(out, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == service.OUTPUT_COLUMNS
    assert {r["query_id"] for r in rows} == {"c1", "c2", "c3", "c4", "c5"}
    huawei = [r for r in rows if r["query_id"] == "c1"]
    assert huawei[0]["rank"] == "1" and huawei[0]["list_ref"] and float(huawei[0]["score"]) > 0
    [bakery] = [r for r in rows if r["query_id"] == "c2"]
    assert bakery["rank"] == "" and bakery["list_ref"] == ""
    [empty] = [r for r in rows if r["query_id"] == "c3"]
    assert empty["explanation"].startswith("NOT SCREENED")


def test_batch_jsonl_and_save(loaded: str, tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    write_batch(source, [["id", "name"], ["a", "Huawei Technologies"], ["b", "Nobody Known Here Ltd"]])
    out = tmp_path / "out.jsonl"
    summary = service.screen_batch(source, out, save=True)
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert {line["query_id"] for line in lines} == {"a", "b"}
    assert summary.run_id is not None
    assert service.saved_run(summary.run_id).hits


def test_batch_input_without_header_is_refused(loaded: str, tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    write_batch(source, [["1", "Huawei"]])
    with pytest.raises(Exception, match="at least id and name"):
        service.screen_batch(source, tmp_path / "out.csv")


def cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "compliance", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        cwd=ROOT,
        timeout=300,
        check=False,
    )


def test_cli_screen_table_json_and_errors(loaded: str, tmp_path: Path) -> None:
    env = {"COMPLIANCE_DATABASE_URL": loaded, "COMPLIANCE_DATA_DIR": str(tmp_path / "cli-data")}
    table = cli("screen", "Huawei Technologies", "--type", "company", env=env)
    assert table.returncode == 0, table.stderr
    assert "30947" in table.stdout and "hit(s) at threshold" in table.stdout
    as_json = cli("screen", "Huawei Technologies", "--format", "json", env=env)
    data = json.loads(as_json.stdout)
    assert data["hits"] and {"list", "list_ref", "score", "band", "explanation"} <= set(data["hits"][0])
    bad = cli("screen", "Huawei", "--dob", "yesterday", env=env)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr and "YYYY" in bad.stderr
    explain = cli("screen", "Huawei Technologies", "--explain", "30947", env=env)
    assert explain.returncode == 0 and "feature" in explain.stdout
