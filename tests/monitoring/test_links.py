"""Enforcement actions and news mentions linked to a watched entity, or to an entity owning it."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import update

from compliance.db.models import EnforcementAction, Mention, NewsArticle
from compliance.db.session import session_scope
from compliance.enforcement import service as enforcement
from compliance.entities.service import add_entity
from compliance.exposure.ownership import add_tie
from compliance.monitoring import service
from tests.monitoring.conftest import BASE, Loader


def _action(respondent: str, entity_id: int, ref: str) -> int:
    row = enforcement.add_action(
        {
            "authority": "OFAC",
            "action_type": "settlement",
            "date": "2023-05-02",
            "respondent": respondent,
            "amount": "1000000",
            "currency": "USD",
            "source_ref": ref,
        },
        entity_id=entity_id,
    )
    return row.id


def test_actions_and_mentions_of_the_entity_or_its_owner_raise_alerts(
    migrated: str, load_sdn: Loader
) -> None:
    load_sdn(*BASE.values())
    owner = add_entity("Zeta Holdings Group", "company", country="CY")
    owned = add_entity("Zeta Shipping Services", "company", country="GR")
    add_tie("Zeta Holdings Group", "Zeta Shipping Services", share="60", source="registry extract")
    watched = service.watch_add("Zeta Shipping Services", ref="Z1")
    assert watched.counterparty.entity_id == owned
    assert watched.alerts.new == []

    action_id = _action("Zeta Holdings Group", owner, "T-1")
    with session_scope() as session:
        article = NewsArticle(
            location="file:///news/1.html", title="Port raid", text="...", content_hash="h1"
        )
        session.add(article)
        session.flush()
        session.add(
            Mention(
                article_id=article.id,
                entity_id=owned,
                surface="Zeta Shipping",
                start=0,
                end=13,
                sentence="Zeta Shipping was raided.",
                score=0.95,
                method="test",
                status="linked",
                categories=["sanctions evasion"],
            )
        )
        # A mention waiting for review does not alert.
        session.add(
            Mention(
                article_id=article.id,
                entity_id=owned,
                surface="Zeta",
                start=20,
                end=24,
                score=0.6,
                method="test",
                status="review",
            )
        )
    result = service.run()
    assert len(result.alerts.new) == 2
    alerts = {a.list: a for a in service.list_alerts()}
    enforcement_alert = alerts["enforcement: OFAC"]
    assert enforcement_alert.list_ref == f"action {action_id} (T-1)"
    assert "Zeta Holdings Group owns Zeta Shipping Services" in enforcement_alert.reason
    assert enforcement_alert.entity_id == owner
    news_alert = alerts["news"]
    assert "Port raid" in news_alert.reason and "[sanctions evasion]" in news_alert.reason
    assert news_alert.entity_id == owned

    # No duplicates; a false positive stays quiet while the action is unchanged...
    service.decide(str(enforcement_alert.id), "false_positive", "the fine concerns another Zeta", by="ana")
    quiet = service.run()
    assert quiet.alerts.new == [] and quiet.alerts.suppressed == 1 and quiet.alerts.already == 1
    # ...and returns when the action's record changes.
    with session_scope() as session:
        session.execute(
            update(EnforcementAction)
            .where(EnforcementAction.id == action_id)
            .values(summary="Amended notice")
        )
    back = service.run()
    assert len(back.alerts.new) == 1 and back.alerts.returned == 1
    assert "the enforcement action changed" in service.show_alert(str(back.alerts.new[0])).alert.reason


def test_import_links_exact_entity_names(migrated: str, load_sdn: Loader, tmp_path: Path) -> None:
    load_sdn(*BASE.values())
    owner = add_entity("Zeta Holdings Group", "company", country="CY")
    owned = add_entity("Zeta Shipping Services", "company", country="GR")
    add_tie("Zeta Holdings Group", "Zeta Shipping Services", share="60")
    _action("Zeta Holdings Group", owner, "T-2")
    path = tmp_path / "watch.csv"
    path.write_text("ref,name\nW1,zeta shipping services\nW2,Zeta Shipping\n", encoding="utf-8")
    result = service.watch_import(path)
    linked = {cp.ref: cp.entity_id for cp in service.watch_list()}
    assert linked == {"W1": owned, "W2": None}
    # The owner's action reaches W1 at once, through the ownership tie.
    assert len(result.alerts.new) == 1
    assert [a.counterparty_ref for a in service.list_alerts()] == ["W1"]
