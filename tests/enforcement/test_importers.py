"""Parsers: the OFAC civil-penalties scrape, the documented CSV, the curated YAML."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from compliance.enforcement import importers
from compliance.enforcement.records import ACTION_TYPES
from compliance.enforcement.service import names_cover, respondent_type
from compliance.errors import ListDataError

ROOT = Path(__file__).resolve().parents[2]
CURATED = ROOT / "lists" / "enforcement" / "curated.yml"
HEADER = "authority,action_type,date,respondent,amount,currency,program,summary,source_url"


def ofac_file(shared: Path) -> Path:
    return shared / "enforcement" / "ofac_civil_penalties.csv"


def test_the_ofac_file_is_recognised_by_its_header(shared_lists: Path, tmp_path: Path) -> None:
    assert importers.detect(ofac_file(shared_lists)) == "ofac_civil_penalties"
    ours = tmp_path / "a.csv"
    ours.write_text(HEADER + "\n", encoding="utf-8")
    assert importers.detect(ours) == "csv"
    other = tmp_path / "b.csv"
    other.write_text("name,amount\nx,1\n", encoding="utf-8")
    with pytest.raises(ListDataError, match="lacks authority"):
        importers.detect(other)


def test_the_full_ofac_file_parses(shared_lists: Path) -> None:
    problems: list[str] = []
    records = list(importers.parse_ofac(ofac_file(shared_lists), problems))
    assert problems == []
    assert len(records) == 1046
    assert len({r.source_ref for r in records}) == 1046
    assert min(r.action_date for r in records if r.action_date).isoformat() == "2003-04-04"
    assert max(r.action_date for r in records if r.action_date).isoformat() == "2025-01-17"
    assert all(r.action_type in ACTION_TYPES for r in records)
    # Names starting with U+200B (one has two) come out clean.
    assert not any("\u200b" in r.respondent for r in records)
    assert any(r.respondent == "Standard Chartered Bank" and r.source_ref == "16-2019" for r in records)
    # The raw row keeps the file's own text.
    scb = next(r for r in records if r.source_ref == "16-2019")
    assert scb.raw["name"].startswith("\u200b")
    # Most actions get a program from the notice texts.
    assert sum(1 for r in records if r.program) > 700


def test_zte_2017_ofac_action(shared_lists: Path) -> None:
    records = {r.source_ref: r for r in importers.parse_ofac(ofac_file(shared_lists), [])}
    zte = records["11-2017"]
    assert zte.respondent == "Zhongxing Telecommunications Equipment Corporation"
    assert zte.amount == Decimal("100871266")
    assert zte.currency == "USD"
    assert zte.action_type == "settlement"
    assert zte.program == "ITSR"
    assert zte.summary and "Iranian Transactions and Sanctions Regulations" in zte.summary
    assert zte.source_url == "https://ofac.treasury.gov/media/11131/download?inline"
    assert zte.authority == "US Treasury / OFAC"


def test_findings_of_violation_and_empty_postings(shared_lists: Path) -> None:
    records = {r.source_ref: r for r in importers.parse_ofac(ofac_file(shared_lists), [])}
    assert records["5-2018"].action_type == "finding_of_violation"  # JPMorgan, 2018
    assert records["5-2018"].amount == Decimal("0")
    assert records["65-2003"].action_type == "other"  # a week with no action ("None")
    assert records["65-2003"].amount is None
    assert not records["65-2003"].linkable
    # An early table row: program and settled/assessed from the row itself.
    assert records["174-2003"].program == "Iran"
    assert records["174-2003"].action_type == "settlement"


def test_without_the_companion_every_action_still_reads(shared_lists: Path, tmp_path: Path) -> None:
    records = list(importers.parse_ofac(ofac_file(shared_lists), [], companion=tmp_path / "absent.ndjson"))
    assert len(records) == 1046
    assert all(r.program is None for r in records)


def test_csv_rows_are_validated_and_named(tmp_path: Path) -> None:
    path = tmp_path / "actions.csv"
    path.write_text(
        HEADER
        + ",amount_suspended,source_ref,country\n"
        + "US Commerce / BIS,civil_penalty,2017-03-07,ZTE Corporation,661000000,USD,EAR,x,"
        + "https://example.org/a,300000000,zte-1,CN\n"
        + "US Commerce / BIS,fine,2017-03-07,ZTE Corporation,1,USD,EAR,x,,,,\n"
        + "OFAC,settlement,07/03/2017,ZTE,1,USD,,,,,,\n"
        + "OFAC,settlement,2017-03-07,ZTE,1.5.0,USD,,,,,,\n"
        + "OFAC,settlement,2017-03-07,ZTE,10,XXX,,,,,,\n"
        + "OFAC,settlement,2017-03-07,ZTE,10,USD,,,,20,,\n",
        encoding="utf-8",
    )
    problems: list[str] = []
    records = list(importers.parse_csv(path, "mine", problems))
    assert len(records) == 1
    assert records[0].amount == Decimal("661000000.00")
    assert records[0].amount_suspended == Decimal("300000000.00")
    assert records[0].country == "CN"
    assert [p.split(":")[0] for p in problems] == ["row 3", "row 4", "row 5", "row 6", "row 7"]
    assert "action_type 'fine'" in problems[0]
    assert "ISO date" in problems[1]
    assert "XXX" in problems[3]
    assert "larger than the amount" in problems[4]


def test_the_curated_dataset_parses_with_zte_amounts() -> None:
    problems: list[str] = []
    dataset, records = importers.parse_yaml(CURATED, problems)
    assert problems == []
    assert dataset == "curated"
    zte_2017 = [
        r
        for r in records
        if r.action_date
        and r.action_date.isoformat() == "2017-03-07"
        and r.respondent in ("ZTE Corporation", "Zhongxing Telecommunications Equipment Corporation")
    ]
    assert sum(r.amount or 0 for r in zte_2017) == Decimal("1192360064")
    assert sum((r.amount or 0) - (r.amount_suspended or 0) for r in zte_2017) == Decimal("892360064")
    zte = [r for r in records if "ZTE" in r.respondent or "Zhongxing" in r.respondent]
    assert len(zte) >= 9
    others = {r.respondent for r in records} - {r.respondent for r in zte}
    assert len(others) >= 12
    assert all(r.source_url and r.source_url.startswith("https://") for r in records)


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("ZTE Corporation", "company"),
        ("Zhongxing Telecommunications Equipment Corporation", "company"),
        ("AAA Travel", "company"),
        ("Christ for all Nations", "company"),
        ("Gold & Silver Reserve, Inc.", "company"),
        ("John Smith", "person"),
        ("Meng Wanzhou", "person"),
    ],
)
def test_respondent_type(name: str, kind: str) -> None:
    assert respondent_type(name) == kind


def test_names_cover() -> None:
    assert names_cover(
        "Zhongxing Telecommunications Equipment Corporation",
        "Zhongxing Telecommunication Equipment Corporation",
    )
    assert not names_cover("GHS Corporation", "GHS TECHNOLOGY")
    assert not names_cover("Intrust Bank", "INTRUST PLC EAD")
