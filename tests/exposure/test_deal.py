"""Deals: recording parties, and the assessment's findings and rating, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from compliance.db.models import Deal, ScreeningRun
from compliance.db.session import session_scope
from compliance.entities.importer import import_file as import_entities
from compliance.entities.service import (
    AmbiguousEntityError,
    add_entity,
    attach_list_entries,
    own_entity_named,
)
from compliance.errors import NotFoundError, UsageError
from compliance.exposure import deal
from compliance.exposure.ownership import add_tie
from compliance.lists import loader
from compliance.lists.samples import SCENARIO_DIR
from compliance.lists.sources import get_source
from compliance.reports.memo import render_json

AS_OF = date(2026, 11, 26)


@pytest.fixture
def scenario(migrated: str, samples: Path) -> str:
    """The SDN sample, the CSL history (ZTE listed 2016, removed 2017) and the demo deal's parties."""
    loader.load(get_source("ofac_sdn"), samples / "ofac_sdn", enforce_counts=False)
    for version in sorted((samples / "us_csl" / "history").iterdir()):
        loader.load(get_source("us_csl"), version, enforce_counts=False, list_date=_date_of(version))
    import_entities(SCENARIO_DIR / "alibaba_ztesoft.yml")
    attach_list_entries(own_entity_named("ZTE Corporation"), note="test")
    return migrated


def _date_of(path: Path) -> date | None:
    from compliance.lists.samples import sample_date

    return sample_date(path)


def _zte_deal() -> deal.DealInfo:
    return deal.create_deal(
        "Alibaba / ZTEsoft",
        acquirer="Alibaba Group Holding Limited",
        target="ZTEsoft Technology Co., Ltd.",
        seller="ZTE Corporation",
        value="443,000,000",
        currency="usd",
    )


def test_create_records_parties_by_name_and_id(scenario: str) -> None:
    info = _zte_deal()
    assert [(p.role, p.name) for p in info.parties] == [
        ("acquirer", "Alibaba Group Holding Limited"),
        ("target", "ZTEsoft Technology Co., Ltd."),
        ("seller", "ZTE Corporation"),
    ]
    assert (info.value, info.currency) == ("443,000,000", "USD")
    zte = info.parties[2].entity_id
    other = deal.create_deal("By id", acquirer=str(zte), target="#" + str(info.parties[1].entity_id))
    assert other.parties[0].entity_id == zte
    assert [d.name for d in deal.list_deals()] == ["Alibaba / ZTEsoft", "By id"]
    assert deal.get_deal(str(info.id)).name == "Alibaba / ZTEsoft"


def test_create_refuses_mistakes_and_writes_nothing(scenario: str) -> None:
    _zte_deal()
    with pytest.raises(UsageError, match="already exists"):
        _zte_deal()
    with pytest.raises(UsageError, match="deal type"):
        deal.create_deal("x", acquirer="ZTE Corporation", target="Alibaba Cloud", deal_type="merge")
    with pytest.raises(UsageError, match="needs its currency"):
        deal.create_deal("x", acquirer="ZTE Corporation", target="Alibaba Cloud", value="10")
    with pytest.raises(UsageError, match="different entities"):
        deal.create_deal("x", acquirer="ZTE Corporation", target="ZTE Corporation")
    with pytest.raises(UsageError, match="ROLE=ENTITY"):
        deal.create_deal("x", acquirer="ZTE Corporation", target="Alibaba Cloud", parties=["guarantor"])
    with pytest.raises(NotFoundError):
        deal.create_deal("x", acquirer="Nobody Ltd", target="Alibaba Cloud")
    # Two entities carry the name: the user must confirm by id.
    add_entity("Alibaba Cloud", "company", country="SG")
    with pytest.raises(AmbiguousEntityError, match="names 2 entities"):
        deal.create_deal("x", acquirer="ZTE Corporation", target="Alibaba Cloud")
    with session_scope() as session:
        assert session.query(Deal).count() == 1
    with pytest.raises(NotFoundError, match="deal"):
        deal.get_deal("nothing like it")


def test_assessment_of_the_demo_deal(scenario: str) -> None:
    from compliance.enforcement.service import import_file as import_actions
    from compliance.settings import LISTS_DIR

    import_actions(LISTS_DIR / "enforcement" / "curated.yml")
    info = _zte_deal()
    a = deal.assess(str(info.id), as_of=AS_OF)
    assert a.rating == "High"
    assert not a.prohibited and a.blocking_clear
    kinds = {(f.entity, f.kind) for f in a.findings}
    assert ("ZTE Corporation", "enforcement") in kinds
    assert ("ZTE Corporation", "past_designation") in kinds
    assert ("ZTE Corporation", "ongoing_obligation") in kinds
    [gap] = [f for f in a.findings if f.kind == "ownership_gap"]
    assert gap.entity == "ZTEsoft Technology Co., Ltd."
    assert "ZTE Corporation holds an unknown share" in gap.evidence
    # The top reason is the seller's enforcement history; its points are capped and say so.
    assert (a.reasons[0].entity, a.reasons[0].kind) == ("ZTE Corporation", "enforcement")
    assert a.reasons[0].points == 40
    plea = next(f for f in a.findings if "guilty plea" in f.title)
    assert "430,488,798" in plea.title and plea.date == date(2017, 3, 7)
    # Subsidiaries and sisters are looked at: ZTE Kangxun's past Entity List entry counts, smaller.
    assert any(e.name == "ZTE Kangxun Telecommunications Ltd." for e in a.entities)
    titles = [s.title for s in a.next_steps]
    for expected in ("Past sales to embargoed destinations", "US-origin content", "Use of proceeds"):
        assert any(t.startswith(expected) for t in titles), titles
    assert "Ownership declaration" in titles
    # The screening is saved for audit as a "deal" run.
    with session_scope() as session:
        run = session.get(ScreeningRun, a.screening_run)
        assert run is not None and run.kind == "deal"
    # JSON: machine-readable findings, rating and provenance.
    data = json.loads(render_json(a))
    assert data["rating"] == "High"
    assert {f["kind"] for f in data["findings"]} >= {"enforcement", "ownership_gap"}
    csl = next(s for s in data["lists"] if s["key"] == "us_csl")
    assert csl["version"] == 2 and csl["loaded"] is True


def test_a_blocked_party_makes_the_deal_prohibited(scenario: str) -> None:
    add_entity("Northwind Trading FZE", "company", country="IR")
    info = deal.create_deal("Cuba bank", acquirer="Northwind Trading FZE", target="BANCO NACIONAL DE CUBA")
    a = deal.assess(info.name, as_of=AS_OF)
    assert a.rating == "Prohibited"
    assert any("BANCO NACIONAL DE CUBA" in line for line in a.prohibited)
    assert not a.blocking_clear
    # Iran is under embargo and on the FATF black list: two jurisdiction findings with their sources.
    iran = [f for f in a.findings if f.kind == "jurisdiction" and "Iran (IR)" in f.evidence]
    assert len(iran) == 2 and all("jurisdictions.yml" in f.source for f in iran)
    assert {k for k, *_ in a.jurisdiction_sources} >= {"comprehensive", "fatf_black", "fatf_grey"}
    assert any("Severe" in floor for floor in a.floors) or a.rating == "Prohibited"
    assert a.next_steps[0].title.startswith("Stop")


def test_fifty_percent_rule_and_unknown_shares(scenario: str) -> None:
    add_entity("Havana Holdings SA", "company", country="PA")
    add_entity("Caribe Shipping Ltd", "company", country="PA")
    add_tie("BANCO NACIONAL DE CUBA", "Havana Holdings SA", share="60")
    add_tie("BANCO NACIONAL DE CUBA", "Caribe Shipping Ltd")  # share unknown
    add_entity("Buyer Co", "company", country="FR")
    blocked = deal.assess(
        deal.create_deal("A", acquirer="Buyer Co", target="Havana Holdings SA").name, as_of=AS_OF
    )
    assert blocked.rating == "Prohibited"
    assert any("50% rule" in line for line in blocked.prohibited)
    unknown = deal.assess(
        deal.create_deal("B", acquirer="Buyer Co", target="Caribe Shipping Ltd").name, as_of=AS_OF
    )
    assert unknown.rating == "Severe"  # the floor set by an undetermined 50% status
    assert any(f.kind == "fifty_percent_undetermined" for f in unknown.findings)
    assert any(f.kind == "ownership_gap" for f in unknown.findings)
    # The owner is on a blocking list: shown as a related entity with a blocking designation.
    owner = next(e for e in unknown.entities if e.name == "BANCO NACIONAL DE CUBA")
    assert owner.relation == "owner" and owner.listed_blocking


def test_depth_is_checked(scenario: str) -> None:
    info = _zte_deal()
    with pytest.raises(UsageError, match="--depth"):
        deal.assess(str(info.id), depth=99)


def test_unconfirmed_mentions_are_shown_not_counted(scenario: str) -> None:
    from compliance.db.models import Mention, NewsArticle
    from compliance.entities.service import find_entity

    info = _zte_deal()
    with session_scope() as session:
        article = NewsArticle(
            location="https://news.example/zte", title="ZTE fined", text="x", content_hash="1" * 64
        )
        session.add(article)
        session.flush()
        zte = find_entity(session, "ZTE Corporation")
        for status, sentence in (("review", "ZTE was fined again."), ("rejected", "Not this ZTE.")):
            session.add(
                Mention(
                    article_id=article.id,
                    entity_id=zte,
                    surface="ZTE",
                    start=0,
                    end=3,
                    sentence=sentence,
                    score=0.7,
                    method="test",
                    status=status,
                    categories=["fines"],
                    amounts=[],
                )
            )
    a = deal.assess(str(info.id), as_of=AS_OF)
    [shown] = a.mentions  # the rejected one is left out
    assert (shown.status, shown.confirmed, shown.sentence) == ("review", False, "ZTE was fined again.")
    assert shown.ingested is not None and shown.published is None
    assert not [f for f in a.findings if f.kind == "adverse_media"]
    assert any(s.title == "Review unconfirmed news mentions" for s in a.next_steps)


def test_stale_lists_are_called_out(scenario: str) -> None:
    from datetime import UTC, datetime

    from sqlalchemy import update

    from compliance.db.models import ListSource
    from compliance.reports.memo import render_html

    with session_scope() as session:
        session.execute(
            update(ListSource)
            .where(ListSource.key == "ofac_sdn")
            .values(last_success_at=datetime(2026, 1, 1, tzinfo=UTC))
        )
    a = deal.assess(str(_zte_deal().id), as_of=AS_OF)
    assert a.stale_lists == ["ofac_sdn"]
    assert any(s.title == "Refresh stale lists" for s in a.next_steps)
    html = render_html(a)
    assert "Stale data:</strong> ofac_sdn is past its refresh schedule" in html
    assert "STALE" in html
