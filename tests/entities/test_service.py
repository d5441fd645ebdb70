"""Recording, showing, merging and unmerging entities in a real database."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from compliance.db import entities_repo as repo
from compliance.db.models import AuditRecord, Entity
from compliance.db.session import session_scope
from compliance.entities import service
from compliance.errors import NotFoundError, UsageError


def test_add_and_show_own_entity(sqlite_db: str) -> None:
    eid = service.add_entity(
        "Acme Trading LLC",
        "company",
        country="ae",
        aliases=["Acme FZE", "Акме Трейдинг"],
        identifiers=["registration:CN-12 345"],
        incorporated="2011-04",
        note="customer since 2019",
    )
    view = service.show(str(eid))
    facts = view.facts
    assert facts.entity.origin == "own" and facts.entity.entity_type == "company"
    assert {(n.value, n.kind) for n in facts.names} >= {("Acme Trading LLC", "primary"), ("Acme FZE", "aka")}
    assert {n.script for n in facts.names if n.value == "Акме Трейдинг"} == {"Cyrl"}
    assert [(i.id_type, i.normalized, i.country) for i in facts.identifiers] == [
        ("registration", "CN12345", "AE")
    ]
    assert [(c.country, c.relation) for c in facts.countries] == [("AE", "jurisdiction")]
    assert [(d.kind, d.value) for d in facts.dates] == [("incorporation", "2011-04")]
    # Found by its exact name too, spelling aside.
    assert service.show("acme trading, llc").facts.entity.id == eid


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": " ", "entity_type": "company"}, "empty"),
        ({"name": "X", "entity_type": "spaceship"}, "Unknown entity type"),
        ({"name": "X", "entity_type": "company", "country": "Atlantis"}, "Unknown country"),
        ({"name": "X", "entity_type": "company", "identifiers": ["12345"]}, "TYPE:VALUE"),
        ({"name": "X", "entity_type": "person", "dob": "12/03/1960"}, "YYYY"),
    ],
)
def test_bad_input_is_refused(sqlite_db: str, kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        service.add_entity(**kwargs)  # type: ignore[arg-type]


def test_alias_and_identifier(sqlite_db: str) -> None:
    eid = service.add_entity("Blue Ocean Shipping", "company")
    assert service.add_alias(str(eid), "Blue Ocean Shipping Co", "fka") == (eid, True)
    assert service.add_alias("Blue Ocean Shipping", "Blue Ocean Shipping Co", "fka") == (eid, False)
    assert service.add_identifier(str(eid), "IMO", "IMO 9876543") == (eid, True)
    facts = service.show(str(eid)).facts
    assert ("Blue Ocean Shipping Co", "fka") in {(n.value, n.kind) for n in facts.names}
    assert [(i.id_type, i.normalized) for i in facts.identifiers] == [("imo", "IMO9876543")]
    # The new alias finds the entity.
    assert service.show("blue ocean shipping co").facts.entity.id == eid
    with pytest.raises(UsageError, match="aka or fka"):
        service.add_alias(str(eid), "Other", "nickname")


def test_unknown_and_ambiguous_entities(sqlite_db: str) -> None:
    a = service.add_entity("Twin Holdings", "company")
    b = service.add_entity("Twin Holdings", "company", country="GB")
    with pytest.raises(NotFoundError):
        service.show("Nobody At All")
    with pytest.raises(NotFoundError):
        service.show("99999")
    with pytest.raises(service.AmbiguousEntityError) as caught:
        service.show("twin holdings")
    assert {c.id for c in caught.value.candidates} == {a, b}


def test_merge_then_unmerge_restores_views(huawei_lists: str) -> None:
    with session_scope() as session:
        csl_el = session.scalar(
            select(Entity.id).where(Entity.name == "Huawei Technologies Co., Ltd. (Huawei)")
        )
    with session_scope() as session:
        ids = repo.ids_by_normalized_name(session, "huawei technologies co ltd")
    target = min(ids)  # the OFAC entry
    assert csl_el is not None
    before_a = service.view_record(service.show(str(target)))
    before_b = service.view_record(service.show(str(csl_el)))

    result = service.merge(str(target), str(csl_el), note="same company: EL and CMIC")
    merged = service.show(str(target)).facts
    assert {m.id for m in merged.members} == {csl_el}
    assert "Shenzhen Huawei Technologies" in {n.value for n in merged.names}
    assert {d.source for d in merged.designations} == {"ofac_cons", "us_csl"}
    # Asking for B shows A, and says so.
    via_b = service.show(str(csl_el))
    assert via_b.facts.entity.id == target and via_b.redirected_from == csl_el
    with pytest.raises(UsageError, match="already merged"):
        service.merge(str(target), str(csl_el))
    with pytest.raises(UsageError, match="itself"):
        service.merge(str(target), str(target))

    service.unmerge(str(result.merged_id), note="checked again")
    assert service.view_record(service.show(str(target))) == before_a
    assert service.view_record(service.show(str(csl_el))) == before_b
    with session_scope() as session:
        audit = list(
            session.execute(
                select(AuditRecord.action, AuditRecord.details).where(AuditRecord.action.like("entity.%"))
            )
        )
    assert [a for a, _ in audit] == ["entity.merge", "entity.unmerge"]
    assert audit[0][1]["note"] == "same company: EL and CMIC" and audit[0][1]["kind"] == "manual"
    with pytest.raises(UsageError, match="not merged"):
        service.unmerge(str(csl_el))


def test_show_lists_ownership_with_unknown_share(sqlite_db: str) -> None:
    parent = service.add_entity("Parent Group", "company")
    child = service.add_entity("Child Ltd", "company")
    other = service.add_entity("Other Owner", "person")
    with session_scope() as session:
        repo.upsert_relationship(
            session, parent, child, "ownership", share_pct=Decimal(51), source="registry"
        )
        repo.upsert_relationship(session, other, child, "ownership", share_pct=None)
    facts = service.show(str(child)).facts
    shares = {r.subject_name: service.share_text(r.share_pct) for r in facts.owners}
    assert shares == {"Parent Group": "51%", "Other Owner": "unknown"}
    assert [r.object_name for r in service.show(str(parent)).facts.owned] == ["Child Ltd"]
    record = service.view_record(service.show(str(child)))
    assert {(r["share_pct"], r["share_known"]) for r in record["owners"]} == {(51.0, True), (None, False)}


def test_search_finds_own_and_listed(huawei_lists: str) -> None:
    own = service.add_entity("Huawei Device Distributor Ltd", "company")
    hits, method = service.search("Huawei Technologies", limit=5)
    assert method in ("engine", "substring")
    names = [h.name for h in hits]
    assert "HUAWEI TECHNOLOGIES CO., LTD." in names
    hits, _ = service.search("huawei device", limit=5)
    assert own in [h.entity_id for h in hits]
