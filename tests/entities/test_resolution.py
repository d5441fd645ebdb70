"""Cross-list resolution on the shipped samples: Huawei is on OFAC's CMIC list and the Entity List."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from compliance.db.models import AuditRecord, Designation, Entity, ListSource
from compliance.db.session import session_scope
from compliance.entities import resolution, service


def _entity(source: str, ref: str) -> int:
    with session_scope() as session:
        eid = session.scalar(
            select(Designation.entity_id)
            .join(ListSource, ListSource.id == Designation.source_id)
            .where(ListSource.key == source, Designation.ref == ref)
        )
    assert eid is not None
    return int(eid)


EL_HUAWEI = "f3b32c594121fdfa28f81527becdeb7fbc4ce141"


def test_huawei_linked_by_name_and_country(huawei_lists: str) -> None:
    ofac, el, cmic = (
        _entity("ofac_cons", "30947"),
        _entity("us_csl", EL_HUAWEI),
        _entity("us_csl", "CMIC-30947"),
    )
    holding = _entity("ofac_cons", "32087")
    report = resolution.find_links()
    certain = {frozenset((lk.a, lk.b)): lk for lk in report.certain}
    by_name = certain[frozenset((ofac, el))]
    assert by_name.identifier is None and by_name.name_score >= resolution.CERTAIN_NAME_SCORE
    assert by_name.countries == ["CN"]
    assert certain[frozenset((ofac, cmic))].identifier == "registration 914403001922038216"
    # Huawei Investment & Holding shares an alias with Huawei Technologies but is another company:
    # proposed (same list, different registration numbers), never certain.
    proposed = {frozenset((lk.a, lk.b)) for lk in report.proposals}
    assert frozenset((ofac, holding)) in proposed
    assert not any(holding in pair for pair in certain)

    applied = resolution.resolve(apply=True)
    # Huawei: EL and CMIC (CSL) into the OFAC entry; Auction LLC: the SSI copy into the SDN copy.
    assert applied.applied == len(applied.merges) == 3
    facts = service.show(str(ofac)).facts
    assert {m.id for m in facts.members} >= {el, cmic}
    assert holding not in {m.id for m in facts.members}
    with session_scope() as session:
        kinds = [
            d["kind"]
            for d in session.scalars(select(AuditRecord.details).where(AuditRecord.action == "entity.merge"))
        ]
        assert kinds and set(kinds) == {"resolution"}
        assert session.scalar(select(Entity.merged_into_id).where(Entity.id == holding)) is None

    # Running again changes nothing; undoing a resolution merge is respected by later runs.
    again = resolution.find_links()
    assert again.certain == []
    service.unmerge(str(el), note="keep apart for now")
    later = resolution.find_links()
    assert not any({lk.a, lk.b} == {ofac, el} for lk in later.certain)
    assert any({lk.a, lk.b} == {ofac, el} and any("undid" in r for r in lk.reasons) for lk in later.proposals)


def test_token_fallback_agrees_on_samples(huawei_lists: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(service, "engine", lambda: None)
    report = resolution.find_links()
    assert report.method == "tokens"
    ofac, el = _entity("ofac_cons", "30947"), _entity("us_csl", EL_HUAWEI)
    assert any({lk.a, lk.b} == {ofac, el} for lk in report.certain)
