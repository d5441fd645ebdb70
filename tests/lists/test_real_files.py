"""Every real file in ../shared/lists-data loads into the database with the counts SOURCES.md gives.

Samples and excerpts (marked SAMPLE in SOURCES.md) are loaded with --partial,
as a user would load them. Each case uses a fresh SQLite database.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from compliance.db.models import Designation, EntityName, ListSnapshot
from compliance.db.session import session_scope
from compliance.lists import loader
from compliance.lists.sources import get_source

pytestmark = pytest.mark.shared

# (source, path under lists-data, partial, expected entries, expected format)
CASES = [
    ("ofac_sdn", "ofac_sdn", False, 13821, "ofac_csv"),
    ("ofac_sdn", "ofac_sdn_2024-05-03/sdn.csv", False, 14965, "ofac_csv"),
    ("ofac_sdn", "ofac_advanced/sdn_advanced_2026-09-09_sample.xml", True, 4, "ofac_advanced_xml"),
    ("ofac_cons", "ofac_consolidated/cons_prim.csv", False, 442, "ofac_csv"),
    ("ofac_cons", "ofac_consolidated/consolidated.xml", False, 443, "ofac_xml"),
    ("ofac_cons", "ofac_consolidated/CONS_ENHANCED.XML", False, 443, "ofac_enhanced_xml"),
    ("ofac_sls_export", "ofac_consolidated/IRGC_sanctions_enhanced.xml", False, 293, "ofac_enhanced_xml"),
    # 14,160 rows; one CAPTA entry is repeated on two rows.
    ("us_csl", "us_csl/consolidated.csv", False, 14159, "csl_csv"),
    ("us_csl", "us_csl_json/csl_api_v2_el_expected_results.json", True, 7, "csl_json"),
    # 665 rows, 547 denial orders (name + effective date).
    ("bis_dpl", "bis_dpl/dpl.txt", False, 547, "bis_dpl"),
    ("un_sc", "un_sc/consolidated.xml", False, 1003, "un_xml"),
    ("uk_ofsi", "uk_ofsi/sanctionsconlist.csv", False, 2106, "ofsi_csv"),
    ("uk_ofsi", "uk_ofsi_conlist_2022/ConList_2025-04-10.xlsx", False, 4686, "ofsi_2022"),
    ("uk_fcdo", "uk_sanctions_list/UK-Sanctions-List_2026-09-07_sample.xml", True, 21, "uk_fcdo_xml"),
    ("eu_fsf", "eu_fsf_xml/fsf_export184961_sample.xml", True, 17, "eu_fsf_xml"),
    ("eu_fsf", "eu_fsf/EUSanctionsShort.csv", True, 93, "eu_csv"),
    ("opensanctions", "opensanctions/t1/entities.ftm.json", True, 6, "ftm"),
    ("opensanctions", "opensanctions/zala/entities.ftm.json", True, 17, "ftm"),
]


@pytest.mark.parametrize(
    ("source", "relpath", "partial", "expected", "fmt"), CASES, ids=[c[1] for c in CASES]
)
def test_real_file_loads(
    sqlite_db: str, shared_lists: Path, source: str, relpath: str, partial: bool, expected: int, fmt: str
) -> None:
    result = loader.load(get_source(source), shared_lists / relpath, partial=partial)
    assert result.status == "loaded"
    assert result.format == fmt
    assert result.record_count == expected
    assert result.added == expected
    with session_scope() as session:
        stored = session.scalar(select(ListSnapshot.record_count))
        assert stored == expected
        active = session.scalars(select(Designation.id).where(Designation.active.is_(True))).all()
        assert len(active) == expected


def test_damaged_eu_sample_reports_what_it_could_not_read(sqlite_db: str, shared_lists: Path) -> None:
    result = loader.load(get_source("eu_fsf"), shared_lists / "eu_fsf/EUSanctionsShort.csv", partial=True)
    assert len(result.problems) == 166
    assert all(problem.startswith("line ") for problem in result.problems[:-1])


def designation(session: object, source: str, name_fragment: str) -> list[Designation]:
    from sqlalchemy.orm import Session

    from compliance.db.models import ListSource

    assert isinstance(session, Session)
    return list(
        session.scalars(
            select(Designation)
            .join(ListSource, ListSource.id == Designation.source_id)
            .where(ListSource.key == source, Designation.name.like(f"%{name_fragment}%"))
        )
    )


def test_spot_checks_huawei_zte_parsian_and_cmic(sqlite_db: str, shared_lists: Path) -> None:
    loader.load(get_source("us_csl"), shared_lists / "us_csl/consolidated.csv")
    loader.load(get_source("ofac_cons"), shared_lists / "ofac_consolidated/cons_prim.csv")
    with session_scope() as session:
        huawei_el = [
            d
            for d in designation(session, "us_csl", "Huawei Technologies Co., Ltd.")
            if d.sublist and d.sublist.startswith("Entity List")
        ]
        assert huawei_el and min(d.listed_on for d in huawei_el if d.listed_on) == date(2019, 5, 21)
        assert any(
            "84 FR 22961" in str(d.record["properties"].get("federal_register_notice")) for d in huawei_el
        )

        [parsian] = designation(session, "us_csl", "ZTE Parsian")
        assert parsian.sublist and parsian.sublist.startswith("Entity List")
        assert parsian.listed_on == date(2016, 3, 8)
        assert "81 FR 12004" in str(parsian.record["properties"].get("federal_register_notice"))

        cmic = session.scalar(select(Designation).where(Designation.ref == "30947"))
        assert cmic is not None and cmic.name == "HUAWEI TECHNOLOGIES CO., LTD."
        assert cmic.programs == ["CMIC-EO13959"]
        assert cmic.listed_on == date(2021, 6, 3)
        assert cmic.sublist == "Non-SDN Chinese Military-Industrial Complex Companies List (NS-CMIC)"
        names = set(session.scalars(select(EntityName.value).where(EntityName.entity_id == cmic.entity_id)))
        assert "HUAWEI TECHNOLOGIES CO., LTD." in names


def test_opensanctions_delta_applies_changes_only(sqlite_db: str, shared_lists: Path) -> None:
    source = get_source("opensanctions")
    result = loader.load(source, shared_lists / "opensanctions/t2/delta.json")
    assert result.mode == "delta"
    # Four net operations: three entities added (one of them modified later), one deleted before it existed.
    assert result.added == 3 and result.removed == 0
    again = loader.load(source, shared_lists / "opensanctions/t2/delta.json")
    assert again.status == "unchanged"
