"""Ingesting text, HTML and feeds over real HTTP; hostile input; duplicates; review."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from compliance.cli.main import app
from compliance.db.models import Mention, MentionDecision, NewsArticle
from compliance.db.session import session_scope
from compliance.entities.importer import import_file
from compliance.news import extract, service
from compliance.news.extract import NewsInputError
from tests.news.corpus_eval import SCENARIO

ZTE_EN = (
    "ZTE fined\n\nZTE Corporation agreed to pay a fine of 892 million dollars for violating US "
    "sanctions against Iran, the Commerce Department said on Tuesday. The Shenzhen company "
    "pleaded guilty in a federal court in Texas.\n"
)
ZTE_FR = (
    "ZTE condamné\n\nLe constructeur chinois ZTE a accepté de payer une amende de 892 millions de "
    "dollars pour avoir violé l'embargo américain contre l'Iran. La société de Shenzhen a plaidé "
    "coupable devant un tribunal fédéral.\n"
)
ZTE_ZH = (
    "中兴通讯股份有限公司同意支付8.92亿美元罚款，以了结其违反对伊朗制裁的指控。中兴通讯表示将加强合规。\n"
)


def _counts() -> tuple[int, int]:
    with session_scope() as session:
        return (
            session.scalar(select(func.count()).select_from(NewsArticle)) or 0,
            session.scalar(select(func.count()).select_from(Mention)) or 0,
        )


@pytest.fixture
def scenario(migrated: str) -> str:
    import_file(SCENARIO)
    return migrated


def test_plain_text_is_stored_once_with_its_mentions(scenario: str, tmp_path: Path) -> None:
    path = tmp_path / "zte.txt"
    path.write_text(ZTE_EN, encoding="utf-8")
    first = service.ingest([str(path)])
    assert (first.articles_new, first.linked, first.review) == (1, 2, 0)
    copy = tmp_path / "copy.txt"
    copy.write_text(ZTE_EN.replace("\n\n", "\n\n\n"), encoding="utf-8")
    again = service.ingest([str(path), str(copy)])
    assert (again.articles_new, again.articles_duplicate) == (0, 2)
    assert _counts()[0] == 1
    rows = service.mentions(entity="ZTE Corporation")
    assert [r["surface"] for r in rows] == ["ZTE", "ZTE Corporation"]
    assert rows[1]["categories"] == ["sanctions", "fines"]
    assert rows[1]["amounts"][0]["amount"] == 892_000_000
    view = service.show(str(path))
    assert view.article.title == "ZTE fined" and view.article.language == "en"


def test_html_page_over_http_keeps_the_article_and_drops_scripts(
    scenario: str, http_server: tuple[str, Path]
) -> None:
    base, root = http_server
    page = (
        "<html><head><title>ZTE fined</title><meta property='og:site_name' content='Wire'>"
        "<meta name='date' content='2017-03-08'>"
        "<script>document.write('Alibaba Cloud ZTEsoft')</script></head><body>"
        "<nav>Home | Markets | ZTEsoft deals</nav><article><h1>ZTE fined</h1>"
        f"<p>{ZTE_EN.splitlines()[2]}</p></article>"
        "<script>var tracking = 'Alibaba Group';</script><footer>© Wire 2017</footer></body></html>"
    )
    (root / "zte.html").write_text(page, encoding="utf-8")
    summary = service.ingest([f"{base}/zte.html"])
    assert summary.articles_new == 1
    view = service.show(f"{base}/zte.html")
    assert "document.write" not in view.article.text and "tracking" not in view.article.text
    assert view.article.outlet == "Wire" and view.article.published_at is not None
    names = {m["entity_name"] for m in view.mentions if m["status"] == "linked"}
    assert names == {"ZTE Corporation"}


@pytest.mark.parametrize(
    ("text", "encoding", "word"),
    [(ZTE_FR, "windows-1252", "américain"), (ZTE_ZH, "gb18030", "中兴通讯")],
    ids=["windows-1252", "gb18030"],
)
def test_page_in_an_undeclared_encoding_is_read_right(
    scenario: str, http_server: tuple[str, Path], text: str, encoding: str, word: str
) -> None:
    base, root = http_server
    (root / "page.txt").write_bytes(text.encode(encoding))
    summary = service.ingest([f"{base}/page.txt"])
    assert summary.articles_new == 1 and summary.linked >= 1
    assert word in service.show(f"{base}/page.txt").article.text


def test_unreadable_bytes_are_refused(scenario: str, tmp_path: Path) -> None:
    path = tmp_path / "noise.txt"
    path.write_bytes(bytes(range(128, 256)) * 40)
    with pytest.raises(NewsInputError, match="no encoding that can be recognised"):
        service.ingest([str(path)])
    assert _counts() == (0, 0)


def test_a_20_mb_page_is_refused_before_it_is_stored(
    scenario: str, http_server: tuple[str, Path], tmp_path: Path
) -> None:
    base, root = http_server
    big = ("<p>" + ZTE_EN.splitlines()[2] + "</p>\n") * 100_000
    (root / "big.html").write_text(f"<html><body>{big}</body></html>"[: 20 * 1024 * 1024], encoding="utf-8")
    assert (root / "big.html").stat().st_size > extract.MAX_BYTES
    with pytest.raises(NewsInputError, match="larger than the 10 MB"):
        service.ingest([f"{base}/big.html"])
    (tmp_path / "big.html").write_bytes((root / "big.html").read_bytes())
    with pytest.raises(NewsInputError, match="nothing was stored"):
        service.ingest([str(tmp_path / "big.html")])
    assert _counts() == (0, 0)


FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Trade Wire</title><link>https://wire.example/</link>
<item><title>ZTE fined</title><link>https://wire.example/zte</link>
<pubDate>Wed, 08 Mar 2017 10:00:00 GMT</pubDate>
<description><![CDATA[<p>ZTE Corporation agreed to pay a fine for violating US sanctions.</p>
<script>alert('Alibaba')</script>]]></description></item>
<item><title>Alibaba Cloud expands</title><link>https://wire.example/aliyun</link>
<description>Alibaba Cloud opened a data centre in Frankfurt to compete with rivals.</description></item>
</channel></rss>
"""


def test_feed_items_become_articles(scenario: str, http_server: tuple[str, Path]) -> None:
    base, root = http_server
    (root / "feed.xml").write_text(FEED, encoding="utf-8")
    summary = service.ingest([f"{base}/feed.xml"], feed=True)
    assert summary.articles_new == 2
    zte = service.show("https://wire.example/zte")
    assert zte.article.outlet == "Trade Wire" and zte.article.published_at is not None
    assert "alert" not in zte.article.text
    assert {m["entity_name"] for m in service.mentions()} == {"ZTE Corporation", "Alibaba Cloud"}


def test_broken_feed_stores_nothing(scenario: str, http_server: tuple[str, Path]) -> None:
    base, root = http_server
    broken = FEED.replace("</item>\n<item>", "</item>\n<item><title>cut", 1).replace("</channel></rss>", "")
    (root / "broken.xml").write_text(broken, encoding="utf-8")
    with pytest.raises(NewsInputError, match="not well-formed XML"):
        service.ingest([f"{base}/broken.xml"], feed=True)
    assert _counts() == (0, 0)


def test_batch_keeps_the_good_ones_and_reports_the_bad(
    scenario: str, tmp_path: Path, http_server: tuple[str, Path]
) -> None:
    base, _ = http_server
    good = tmp_path / "good.txt"
    good.write_text(ZTE_EN, encoding="utf-8")
    summary = service.ingest([str(tmp_path / "missing.txt"), str(good), f"{base}/absent.html"])
    assert summary.articles_new == 1
    assert len(summary.errors) == 2 and "no such file" in summary.errors[0] and "404" in summary.errors[1]


def test_review_is_remembered_for_the_same_text_and_entity(sqlite_db: str, tmp_path: Path) -> None:
    # "Wagner" alone is only the one word left of "Wagner Group": it waits for review.
    group = tmp_path / "wagner.yml"
    group.write_text(
        "entities:\n  - {name: Wagner Group, type: company, countries: [RU]}\n", encoding="utf-8"
    )
    import_file(group)
    first = tmp_path / "a.txt"
    first.write_text("Opera season\n\nThe new staging of Wagner was applauded for ten minutes.\n", "utf-8")
    service.ingest([str(first)])
    waiting = service.mentions(unreviewed=True)
    assert [(m["surface"], m["status"]) for m in waiting] == [("Wagner", "review")]
    assert service.review(waiting[0]["id"], confirm=False) == 1
    second = tmp_path / "b.txt"
    second.write_text("Festival\n\nA new production of Wagner opened in Bayreuth last night.\n", "utf-8")
    service.ingest([str(second)])
    assert service.mentions(unreviewed=True) == [] and service.mentions() == []
    with session_scope() as session:
        decisions = session.scalars(select(MentionDecision)).all()
        assert [(d.surface_key, d.decision) for d in decisions] == [("wagner", "reject")]


def test_cli_ingest_mentions_json_show_review(scenario: str, tmp_path: Path) -> None:
    path = tmp_path / "zte.txt"
    path.write_text(ZTE_EN, encoding="utf-8")
    runner = CliRunner()
    done = runner.invoke(app, ["news", "ingest", str(path)])
    assert done.exit_code == 0, done.output
    assert "1 new article(s)" in done.output
    listed = runner.invoke(app, ["news", "mentions", "--format", "json", "--category", "fines"])
    rows = json.loads(listed.stdout)
    keys = ["article", "title", "surface", "start", "end", "entity_id", "entity_name", "list", "list_ref"]
    assert list(rows[0])[: len(keys) + 3] == [*keys, "score", "status", "categories"]
    assert rows[0]["article"] == str(path)
    shown = runner.invoke(app, ["news", "show", str(path)])
    assert shown.exit_code == 0 and "ZTE Corporation" in shown.output
    bad = runner.invoke(app, ["news", "mentions", "--category", "gossip"])
    assert bad.exit_code != 0
    review = runner.invoke(app, ["news", "review", str(rows[0]["id"]), "--confirm"])
    assert review.exit_code == 0 and "confirmed" in review.output
    missing = runner.invoke(app, ["news", "ingest", str(tmp_path / "nope.txt"), str(path)])
    assert missing.exit_code != 0


def test_names_of_merged_list_entries_link_to_the_entity_in_force(sqlite_db: str, tmp_path: Path) -> None:
    from compliance.entities.service import attach_list_entries, own_entity_named
    from compliance.lists.samples import load_samples

    load_samples()
    import_file(SCENARIO)
    zte = own_entity_named("ZTE Corporation")
    kangxun = own_entity_named("ZTE Kangxun Telecommunications Ltd.")
    assert attach_list_entries(zte, note="test") and attach_list_entries(kangxun, note="test")
    path = tmp_path / "zte.txt"
    path.write_text(ZTE_EN + "\nZTE Kangxun Telecommunications Ltd. was listed too.\n", encoding="utf-8")
    service.ingest([str(path)])
    rows = {r["surface"]: r for r in service.mentions()}
    assert rows["ZTE Corporation"]["entity_id"] == zte
    assert rows["ZTE Corporation"]["list"] == "us_csl" and rows["ZTE Corporation"]["list_ref"]
    assert rows["ZTE Kangxun Telecommunications Ltd"]["entity_id"] == kangxun
