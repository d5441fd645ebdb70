"""Import, idempotence, all-or-nothing, linking and link decisions, on a real SQLite file."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from compliance.db import enforcement_repo
from compliance.db.models import AuditRecord, EnforcementAction, Entity, EntityName
from compliance.db.session import session_scope
from compliance.enforcement import service
from compliance.errors import ListDataError, NotFoundError, UsageError
from compliance.matching.types import Hit, IndexEntry
from compliance.normalize.text import basic_key

ROOT = Path(__file__).resolve().parents[2]
CURATED = ROOT / "lists" / "enforcement" / "curated.yml"
HEADER = "authority,action_type,date,respondent,amount,currency,program,summary,source_url"

engine = pytest.importorskip(
    "compliance.matching.engine", reason="screening engine not available yet"
)  # linking needs it; the parsers are tested without it in test_importers.py


def make_entity(name: str, *aliases: str, entity_type: str = "company") -> int:
    """One entity recorded by hand, with its names."""
    with session_scope() as session:
        entity = Entity(entity_type=entity_type, name=name, origin="own")
        session.add(entity)
        session.flush()
        for value, kind in [(name, "primary"), *((a, "aka") for a in aliases)]:
            session.add(EntityName(entity_id=entity.id, value=value, normalized=basic_key(value), kind=kind))
        return entity.id


def ofac_file(shared: Path) -> Path:
    return shared / "enforcement" / "ofac_civil_penalties.csv"


def zte_action() -> enforcement_repo.ActionRow:
    rows = [r for r in service.list_actions(entity="Zhongxing") if r.dataset == "ofac_civil_penalties"]
    assert len(rows) == 1
    return rows[0]


def test_full_ofac_file_imports_once(sqlite_db: str, shared_lists: Path) -> None:
    first = service.import_file(ofac_file(shared_lists))
    assert (first.records, first.added, first.updated, first.unchanged) == (1046, 1046, 0, 0)
    with session_scope() as session:
        assert enforcement_repo.count(session, "ofac_civil_penalties") == 1046
        before = session.execute(select(EnforcementAction).order_by(EnforcementAction.id)).scalars().all()
        snapshot = [(a.id, a.respondent, a.amount, a.summary, a.link_status) for a in before]
    again = service.import_file(ofac_file(shared_lists))
    assert (again.added, again.updated, again.unchanged) == (0, 0, 1046)
    with session_scope() as session:
        after = session.execute(select(EnforcementAction).order_by(EnforcementAction.id)).scalars().all()
        assert [(a.id, a.respondent, a.amount, a.summary, a.link_status) for a in after] == snapshot
        assert not any(a.respondent.startswith("\u200b") for a in after)
    zte = zte_action()
    assert zte.amount == Decimal("100871266.00")
    assert zte.action_date is not None and zte.action_date.isoformat() == "2017-03-07"


def test_zte_links_to_the_zte_entity(sqlite_db: str, shared_lists: Path) -> None:
    zte = make_entity("ZTE Corporation", "Zhongxing Telecommunication Equipment Corporation")
    make_entity("ZTE Parsian")
    make_entity("Huawei Technologies Co., Ltd.")
    result = service.import_file(ofac_file(shared_lists))
    assert result.linking is not None and result.linking.note is None
    assert result.linking.auto >= 1
    assert result.linking.auto + result.linking.review + result.linking.none == 1046
    action = zte_action()
    assert (action.entity_id, action.link_status) == (zte, "auto")
    assert action.link_score is not None and action.link_score >= service.AUTO_LINK_SCORE
    assert action.entity_name == "ZTE Corporation"
    # Listing by entity id finds it.
    assert any(r.id == action.id for r in service.list_actions(entity=str(zte)))


def test_linking_without_entities_says_so(sqlite_db: str, tmp_path: Path) -> None:
    path = tmp_path / "one.csv"
    path.write_text(
        HEADER + "\nUS Treasury / OFAC,settlement,2020-01-01,Acme Ltd,10,USD,,,\n", encoding="utf-8"
    )
    result = service.import_file(path)
    assert result.linking is not None and result.linking.note and "no entity" in result.linking.note


def test_a_bad_row_imports_nothing(sqlite_db: str, tmp_path: Path) -> None:
    path = tmp_path / "actions.csv"
    path.write_text(
        HEADER
        + "\nUS Treasury / OFAC,settlement,2020-01-01,Acme Ltd,10,USD,,,"
        + "\nUS Treasury / OFAC,settlement,2020-13-01,Beta Ltd,10,USD,,,"
        + "\nUS Treasury / OFAC,settlement,2020-01-02,Gamma Ltd,10,USD,,,\n",
        encoding="utf-8",
    )
    with pytest.raises(ListDataError, match=r"nothing was imported: row 3: date '2020-13-01'"):
        service.import_file(path)
    with session_scope() as session:
        assert enforcement_repo.count(session) == 0
    result = service.import_file(path, skip_bad=True)
    assert result.added == 2 and len(result.skipped) == 1 and result.skipped[0].startswith("row 3:")


def test_csv_without_source_ref_updates_the_same_action(sqlite_db: str, tmp_path: Path) -> None:
    path = tmp_path / "actions.csv"
    path.write_text(
        HEADER + "\nUS Commerce / BIS,civil_penalty,2020-01-01,Acme Ltd,10,USD,EAR,a,\n", encoding="utf-8"
    )
    service.import_file(path)
    path.write_text(
        HEADER + "\nUS Commerce / BIS,civil_penalty,2020-01-01,Acme Ltd,10,USD,EAR,b,\n", encoding="utf-8"
    )
    again = service.import_file(path)
    assert (again.added, again.updated) == (0, 1)


def test_curated_dataset_imports(sqlite_db: str) -> None:
    result = service.import_file(CURATED)
    assert result.dataset == "curated" and result.added == result.records >= 30
    rows = {r.id: r for r in service.list_actions(entity="ZTE") + service.list_actions(entity="Zhongxing")}
    on_the_day = [r for r in rows.values() if r.dataset == "curated" and str(r.action_date) == "2017-03-07"]
    total = sum((r.amount or Decimal(0)) for r in on_the_day)
    assert total == Decimal("1192360064")
    assert service.import_file(CURATED).unchanged == result.records


def test_confirm_and_reject_links_are_audited(sqlite_db: str) -> None:
    entity = make_entity("ZTE Corporation")
    row = service.add_action(
        {
            "authority": "US Commerce / BIS",
            "action_type": "denial_order",
            "date": "2018-04-15",
            "respondent": "ZTE Corp",
            "source_ref": "zte-denial",
        }
    )
    confirmed = service.set_link(row.id, entity_id=entity)
    assert (confirmed.link_status, confirmed.entity_id) == ("confirmed", entity)
    # Automatic linking leaves a person's decision alone.
    service.relink()
    assert service.get_action(row.id).link_status == "confirmed"
    rejected = service.set_link(row.id, reject=True)
    assert (rejected.link_status, rejected.entity_id) == ("rejected", None)
    with session_scope() as session:
        audits = session.scalars(
            select(AuditRecord).where(AuditRecord.action == "enforcement.link").order_by(AuditRecord.id)
        ).all()
        assert [a.details["decision"] for a in audits] == ["confirmed", "rejected"]
        assert audits[1].details["previous"]["entity_id"] == entity
    with pytest.raises(UsageError):
        service.set_link(row.id)
    with pytest.raises(NotFoundError):
        service.set_link(row.id, entity_id=999999)
    with pytest.raises(NotFoundError):
        service.get_action(999999)
    json.dumps(audits[0].details)


def _hit(entity_id: int, name: str, score: float, band: str) -> Hit:
    entry = IndexEntry(entity_id, entity_id, "test", str(entity_id), name, "primary", False, "company")
    return Hit(entry, score, band, (), "")


def test_link_decisions() -> None:
    assert service.decide([]).status == "none"
    # An unrivalled exact match: auto.
    assert service.decide([_hit(1, "ZTE Corporation", 1.0, "exact")], "ZTE Corporation").status == "auto"
    # The same name on two entities: review.
    two = [_hit(1, "Bank X", 1.0, "exact"), _hit(2, "Bank X", 1.0, "exact")]
    assert service.decide(two, "Bank X").status == "review"
    # Strong, words covered, clearly ahead: auto; not clearly ahead: review.
    strong = _hit(1, "Zhongxing Telecommunication Equipment Corporation", 0.94, "strong")
    q = "Zhongxing Telecommunications Equipment Corporation"
    assert service.decide([strong], q).status == "auto"
    assert service.decide([strong, _hit(2, "Zhongxing Equipment", 0.92, "possible")], q).status == "review"
    # Strong but a word of the candidate unmatched: review.
    assert service.decide([_hit(1, "GHS TECHNOLOGY", 0.95, "strong")], "GHS Corporation").status == "review"
    # Below the auto score: review, with the candidate kept.
    weak = service.decide([_hit(7, "Acme", 0.85, "possible")], "Acme Ltd")
    assert (weak.status, weak.entity_id) == ("review", 7)
