"""The real trade-press article on Alibaba and ZTEsoft (../shared/news), as the issue asks."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from compliance.entities.importer import import_file
from compliance.lists.samples import load_samples
from compliance.news import service
from tests.news.corpus_eval import ROOT, SCENARIO

ARTICLE = (
    Path(os.environ.get("COMPLIANCE_SHARED_DIR") or ROOT.parent / "shared")
    / "news"
    / "alibaba-ztesoft-fr.txt"
)
OTHERS = """
entities:
  - {name: Huawei, type: company, countries: [CN]}
  - {name: Nokia, type: company, countries: [FI]}
  - {name: Ericsson, type: company, countries: [SE]}
  - {name: Amazon Web Services, type: company, countries: [US], aliases: [AWS]}
  - {name: Microsoft, type: company, countries: [US]}
"""
EXPECTED = {
    "ZTE Corporation",
    "ZTEsoft Technology Co., Ltd.",
    "Alibaba Group Holding Limited",
    "Alibaba Cloud",
    "Huawei",
    "Nokia",
    "Ericsson",
    "Amazon Web Services",
    "Microsoft",
}


@pytest.fixture
def article() -> Path:
    if not ARTICLE.is_file():
        pytest.skip(f"the real article is not available: {ARTICLE} is absent")
    return ARTICLE


def _prepare(tmp_path: Path, with_lists: bool) -> None:
    if with_lists:
        load_samples()
    import_file(SCENARIO)
    others = tmp_path / "others.yml"
    others.write_text(OTHERS, encoding="utf-8")
    import_file(others)


@pytest.mark.parametrize("with_lists", [False, True], ids=["own-entities", "with-sample-lists"])
def test_links_each_party_and_nothing_else(
    migrated: str, tmp_path: Path, article: Path, with_lists: bool
) -> None:
    _prepare(tmp_path, with_lists)
    summary = service.ingest([str(article)])
    assert summary.articles_new == 1 and summary.review == 0
    rows = service.mentions()
    assert {r["entity_name"] for r in rows} == EXPECTED
    assert all(r["status"] == "linked" for r in rows)
    # Not in the database, or not a party: never linked.
    surfaces = {r["surface"] for r in rows}
    assert not surfaces & {"Gartner", "Bloomberg", "SiliconAngle", "Cloud", "Iran", "Azure", "Chinois"}
    # The list entries that compete (CSL "ZTE Corporation", "ZTE Parsian", Huawei entries)
    # lose to the own records: the article names the parties by their short names.
    assert {r["list"] for r in rows} == {None}


def test_files_zte_under_fines_and_sanctions_with_the_amount(
    sqlite_db: str, tmp_path: Path, article: Path
) -> None:
    _prepare(tmp_path, with_lists=True)
    service.ingest([str(article)])
    fines = service.mentions(entity="ZTE Corporation", category="fines")
    assert fines, "ZTE's mention is not filed under fines"
    assert all("sanctions" in r["categories"] for r in fines)
    amounts = [a for r in fines for a in r["amounts"]]
    assert {"amount": 892_000_000, "currency": "USD", "text": "892 millions de dollars"} in amounts
    # The deal value (443 millions de dollars) is not offered as an enforcement fact.
    assert all(a["amount"] != 443_000_000 for r in service.mentions() for a in r["amounts"])
    candidates = {c.surface for c in service.candidates()}
    assert "SiliconAngle" in candidates
