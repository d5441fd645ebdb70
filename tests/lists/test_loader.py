"""Loading list versions: diff, delisting, no-op on identical input, and failures that change nothing."""

from __future__ import annotations

import csv
import shutil
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from compliance.db import lists_repo
from compliance.db.models import (
    AuditRecord,
    Designation,
    DesignationChange,
    Entity,
    EntityAddress,
    EntityName,
    ListSnapshot,
)
from compliance.db.session import session_scope
from compliance.errors import CountAssertionError, ListDataError
from compliance.lists import loader
from compliance.lists.sources import get_source

SDN_2023 = "ofac_sdn"
SDN_2024 = "ofac_sdn_2024-05-03/sdn.csv"


def table_counts() -> dict[str, int]:
    with session_scope() as session:
        return {
            model.__tablename__: session.scalar(select(func.count()).select_from(model)) or 0
            for model in (
                Entity,
                EntityName,
                EntityAddress,
                Designation,
                DesignationChange,
                ListSnapshot,
                AuditRecord,
            )
        }


def raw_sdn_rows(path: Path) -> dict[str, tuple[str, ...]]:
    """sdn.csv read independently of the parser: ent_num -> trimmed fields."""
    with open(path, encoding="latin-1", newline="") as fh:
        return {
            row[0]: tuple(field.strip() for field in row)
            for row in csv.reader(fh)
            if row and row[0].strip().isdigit()
        }


@pytest.mark.shared
def test_sdn_2023_then_2024_reports_exact_diff(migrated: str, shared_lists: Path) -> None:
    old = raw_sdn_rows(shared_lists / SDN_2023 / "sdn.csv")
    new = raw_sdn_rows(shared_lists / SDN_2024)
    expected_added = set(new) - set(old)
    expected_removed = set(old) - set(new)
    expected_changed = {ref for ref in set(old) & set(new) if old[ref] != new[ref]}
    # The figures quoted in the issue note and docs/benchmarks.md.
    assert (len(expected_added), len(expected_removed), len(expected_changed)) == (1256, 112, 48)

    source = get_source("ofac_sdn")
    first = loader.load(source, shared_lists / SDN_2023, list_date=date(2023, 12, 28))
    assert (first.status, first.version, first.record_count, first.added) == ("loaded", 1, 13821, 13821)

    second = loader.load(source, shared_lists / SDN_2024, list_date=date(2024, 5, 3))
    assert second.version == 2
    assert second.record_count == 14965
    assert (second.added, second.removed, second.changed) == (1256, 112, 48)
    assert second.unchanged == 14965 - 1256 - 48
    assert set(second.missing_parts) >= {"add.csv", "alt.csv"} or any(
        "add.csv" in part for part in second.missing_parts
    )

    with session_scope() as session:
        source_id = lists_repo.source_id_for(session, "ofac_sdn")
        assert source_id is not None
        current = lists_repo.current_entries(session, source_id)
        removed = [current[ref] for ref in expected_removed]
        assert all(not entry.active for entry in removed)
        delisted_dates = set(
            session.scalars(select(Designation.delisted_on).where(Designation.active.is_(False)))
        )
        assert delisted_dates == {date(2024, 5, 3)}
        # Every entry of both versions is kept: nothing is deleted.
        assert session.scalar(select(func.count()).select_from(Designation)) == len(set(old) | set(new))
        changes = {
            (line.change, line.ref) for line in lists_repo.changes_for(session, second_snapshot_id(session))
        }
    assert {ref for kind, ref in changes if kind == "added"} == expected_added
    assert {ref for kind, ref in changes if kind == "removed"} == expected_removed
    assert {ref for kind, ref in changes if kind == "changed"} == expected_changed


def second_snapshot_id(session: object) -> int:
    from sqlalchemy.orm import Session

    assert isinstance(session, Session)
    snap = lists_repo.snapshot(session, "ofac_sdn", 2)
    assert snap is not None
    return snap.id


@pytest.mark.shared
def test_missing_companion_files_keep_previous_aliases(sqlite_db: str, shared_lists: Path) -> None:
    source = get_source("ofac_sdn")
    loader.load(source, shared_lists / SDN_2023)
    with session_scope() as session:
        aliases_before = session.scalar(
            select(func.count()).select_from(EntityName).where(EntityName.kind != "primary")
        )
    loader.load(source, shared_lists / SDN_2024)
    with session_scope() as session:
        # Entries still listed and unchanged keep their aliases from alt.csv.
        survivors = session.scalar(
            select(func.count())
            .select_from(EntityName)
            .join(Designation, Designation.id == EntityName.designation_id)
            .where(EntityName.kind != "primary", Designation.active.is_(True))
        )
    assert aliases_before and survivors and survivors > 0.9 * aliases_before


@pytest.mark.shared
def test_identical_file_is_a_no_op(sqlite_db: str, shared_lists: Path, tmp_path: Path) -> None:
    source = get_source("bis_dpl")
    copy = tmp_path / "copy"
    copy.mkdir()
    shutil.copy(shared_lists / "bis_dpl" / "dpl.txt", copy / "dpl.txt")
    first = loader.load(source, shared_lists / "bis_dpl" / "dpl.txt")
    before = table_counts()
    again = loader.load(source, copy / "dpl.txt")
    assert again.status == "unchanged"
    assert again.version == first.version
    assert table_counts() == before


def _assert_nothing_changed(before: dict[str, int]) -> None:
    assert table_counts() == before


@pytest.mark.shared
def test_failures_change_nothing(db_url: str, shared_lists: Path, tmp_path: Path) -> None:
    from compliance.db import migrate

    migrate.upgrade(db_url)
    un = get_source("un_sc")
    loader.load(un, shared_lists / "un_sc" / "consolidated.xml")
    before = table_counts()

    data = (shared_lists / "un_sc" / "consolidated.xml").read_bytes()
    truncated = tmp_path / "truncated.xml"
    truncated.write_bytes(data[: len(data) // 2])
    with pytest.raises(ListDataError, match="malformed or cut off"):
        loader.load(un, truncated)
    _assert_nothing_changed(before)

    html = tmp_path / "consolidated.xml"
    html.write_text("<!DOCTYPE html><html><body>503 Service Unavailable</body></html>")
    with pytest.raises(ListDataError, match="web page"):
        loader.load(un, html)
    _assert_nothing_changed(before)

    bomb = tmp_path / "bomb.xml"
    bomb.write_text(
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
        "<CONSOLIDATED_LIST><INDIVIDUALS>&lol2;</INDIVIDUALS></CONSOLIDATED_LIST>"
    )
    with pytest.raises(ListDataError, match="unsafe"):
        loader.load(un, bomb)
    _assert_nothing_changed(before)

    external = tmp_path / "external.xml"
    external.write_text(
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY ext SYSTEM "file:///etc/passwd">]>'
        "<CONSOLIDATED_LIST>&ext;</CONSOLIDATED_LIST>"
    )
    with pytest.raises(ListDataError):
        loader.load(un, external)
    _assert_nothing_changed(before)

    # A sound file that is far too small for this list fails its count assertion.
    small = tmp_path / "small.xml"
    text = data.decode("utf-8")
    head, _, _ = text.partition("<INDIVIDUAL>")
    first_individual = "<INDIVIDUAL>" + text.split("<INDIVIDUAL>", 2)[1].split("</INDIVIDUAL>")[0]
    small.write_text(
        head + first_individual + "</INDIVIDUAL></INDIVIDUALS><ENTITIES/></CONSOLIDATED_LIST>",
        encoding="utf-8",
    )
    with pytest.raises(CountAssertionError, match="at least 500"):
        loader.load(un, small)
    _assert_nothing_changed(before)


@pytest.mark.shared
def test_failure_while_writing_rolls_back(
    sqlite_db: str, shared_lists: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = get_source("ofac_sdn")
    loader.load(source, shared_lists / SDN_2023)
    before = table_counts()
    real_apply = lists_repo.apply_version

    def apply_then_fail(*args: object, **kwargs: object) -> None:
        real_apply(*args, **kwargs)  # type: ignore[arg-type]
        raise RuntimeError("disk full")

    monkeypatch.setattr(lists_repo, "apply_version", apply_then_fail)
    with pytest.raises(RuntimeError, match="disk full"):
        loader.load(source, shared_lists / SDN_2024)
    _assert_nothing_changed(before)


def test_partial_load_delists_nothing(sqlite_db: str, samples: Path, tmp_path: Path) -> None:
    source = get_source("bis_dpl")
    sample = samples / "bis_dpl" / "dpl.txt"
    full = loader.load(source, sample, enforce_counts=False)
    assert full.record_count >= 2
    lines = sample.read_text(encoding="utf-8").splitlines(keepends=True)
    excerpt = tmp_path / "dpl.txt"
    excerpt.write_text("".join(lines[:2]), encoding="utf-8")  # header and one row
    result = loader.load(source, excerpt, partial=True)
    assert result.mode == "partial"
    assert result.removed == 0
    with session_scope() as session:
        assert session.scalar(select(func.count()).where(Designation.active.is_(False))) == 0


def test_partial_load_still_enforces_maximum(sqlite_db: str, samples: Path) -> None:
    from dataclasses import replace

    source = replace(get_source("bis_dpl"), max_records=1)
    with pytest.raises(CountAssertionError, match="at most 1"):
        loader.load(source, samples / "bis_dpl" / "dpl.txt", partial=True)


def test_utf16_resave_reads_the_same_entries(sqlite_db: str, samples: Path, tmp_path: Path) -> None:
    source = get_source("bis_dpl")
    sample = samples / "bis_dpl" / "dpl.txt"
    first = loader.load(source, sample, partial=True)
    resaved = tmp_path / "dpl.txt"
    resaved.write_bytes(sample.read_text(encoding="utf-8").encode("utf-16"))
    second = loader.load(source, resaved, partial=True)
    assert second.status == "loaded"  # other bytes, so a new version...
    assert (second.added, second.removed, second.changed) == (0, 0, 0)  # ...with the same entries
    assert second.unchanged == first.record_count


def test_undecodable_file_is_refused(sqlite_db: str, tmp_path: Path) -> None:
    bad = tmp_path / "dpl.txt"
    bad.write_bytes(b"\xff\xfe" + b"\x00\xd8" * 10)  # UTF-16 mark, then a broken surrogate
    with pytest.raises(ListDataError, match="UTF-16"):
        loader.load(get_source("bis_dpl"), bad, partial=True)
