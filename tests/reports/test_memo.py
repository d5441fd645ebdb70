"""The memo of the demo deal, read back as a reader would: the HTML, and the PDF's text and pixels.

The demo is run once for the module (``compliance demo`` in a subprocess, as a
new user runs it); the PDF is read with poppler's pdftotext and pdftoppm.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from compliance.db.models import Mention, NewsArticle
from compliance.db.session import session_scope
from compliance.entities.service import add_entity
from compliance.exposure import deal
from compliance.exposure.ownership import add_tie
from compliance.reports import memo

ROOT = Path(__file__).resolve().parents[2]
HOSTILE_NAME = '<script>alert("x")</script> Holdings'
HOSTILE_SENTENCE = (
    'Regulators fined <img src=x onerror="alert(1)"> <b>Evil</b> Holdings for sanctions breaches.'
)


def _poppler(tool: str) -> str:
    found = shutil.which(tool)
    if found is None:
        pytest.skip(f"{tool} (poppler-utils) is not installed")
    return found


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo")
    done = subprocess.run(
        [sys.executable, "-m", "compliance", "demo"],
        capture_output=True,
        text=True,
        cwd=folder,
        env={**os.environ, "COMPLIANCE_DATA_DIR": str(folder / "data"), "PYTHONPATH": str(ROOT)},
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "memo (PDF):" in done.stdout
    return folder / "compliance-demo"


@pytest.fixture(scope="module")
def pdf_text(demo: Path) -> str:
    out = subprocess.run(
        [_poppler("pdftotext"), str(demo / "memo.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    )
    return " ".join(out.stdout.split())


@pytest.fixture(scope="module")
def html_text(demo: Path) -> str:
    return (demo / "memo.html").read_text(encoding="utf-8")


def _plain(html: str) -> str:
    """The HTML's visible words, one space apart."""
    text = re.sub(r"<style>.*?</style>|<[^>]+>", " ", html, flags=re.S)
    return " ".join(text.replace("&amp;", "&").replace("&#39;", "'").replace("&#34;", '"').split())


FACTS = [
    # The seller's 2017 plea and penalties, with the right amounts.
    "guilty plea USD 430,488,798",
    "civil penalty USD 661,000,000 (of which USD 300,000,000 suspended)",
    "settlement USD 100,871,266",
    # The 2018 denial order and the superseding settlement: 1,000,000,000 + 400,000,000 in escrow.
    "BIS activated the suspended denial order",
    "USD 1,000,000,000 not suspended",
    "USD 400,000,000 suspended",
    # The target's unknown share, a gap to close.
    "ZTE Corporation holds an unknown share of ZTEsoft Technology Co., Ltd.: a gap to close",
    # No current blocking designation, with the list versions and dates behind it.
    "No current blocking designation.",
    "us_csl v3 (list date not stated in the file, loaded",
    # The supporting news mention.
    "USD 892 million penalty",
]


@pytest.mark.parametrize("fact", FACTS)
def test_the_html_memo_states_the_facts(html_text: str, fact: str) -> None:
    assert fact in _plain(html_text)


@pytest.mark.parametrize("fact", FACTS)
def test_the_pdf_memo_states_the_facts(pdf_text: str, fact: str) -> None:
    assert fact in pdf_text


def test_the_memo_has_every_part(html_text: str, pdf_text: str) -> None:
    for heading in (
        "1. Executive summary",
        "2. The deal",
        "3. The parties",
        "4. Ownership",
        "5. Enforcement history",
        "6. Findings",
        "7. Adverse media",
        "8. Screening",
        "9. Data provenance",
        "10. Recommended next steps",
        "11. Sign-off",
    ):
        assert heading in pdf_text
    assert "High" in pdf_text and "Use of proceeds" in pdf_text
    # One self-contained file: inline CSS and SVG, nothing fetched.
    assert html_text.count("<svg") == 2
    assert not re.search(r"<(link|script|img)\b", html_text)
    # Chinese names are kept (and drawn with a CJK font in the PDF).
    assert "中兴通讯股份有限公司" in html_text and "中兴通讯股份有限公司" in pdf_text
    # Page headers and numbers.
    assert "Page 1 of" in pdf_text and "Confidential: compliance review" in pdf_text


def test_the_first_page_is_not_blank(demo: Path, tmp_path: Path) -> None:
    from PIL import Image, ImageChops

    subprocess.run(
        [
            _poppler("pdftoppm"),
            "-png",
            "-r",
            "50",
            "-f",
            "1",
            "-l",
            "1",
            str(demo / "memo.pdf"),
            str(tmp_path / "p"),
        ],
        check=True,
    )
    [png] = tmp_path.glob("p*.png")
    histogram = Image.open(png).convert("L").histogram()
    assert sum(histogram[:128]) / sum(histogram) > 0.02  # text, the rating badge and tables
    # The rating badge is in colour: the page is not only black on white.
    red, green, _blue = Image.open(png).convert("RGB").split()
    assert ImageChops.difference(red, green).getextrema()[1] > 60


def test_hostile_content_is_text_never_markup(sqlite_db: str, tmp_path: Path) -> None:
    add_entity(HOSTILE_NAME, "company", country="GB")
    add_entity("Plain Buyer Ltd", "company", country="FR")
    add_entity("<i>Sub</i> & Co", "company", country="GB")
    add_tie(HOSTILE_NAME, "<i>Sub</i> & Co", share="100")
    with session_scope() as session:
        target = session.query(NewsArticle).count()  # none yet
        article = NewsArticle(
            location='https://example.org/"><script>alert(2)</script>',
            title="<script>alert(3)</script>",
            outlet="<b>Outlet</b>",
            text=HOSTILE_SENTENCE,
            content_hash="0" * 64,
        )
        session.add(article)
        session.flush()
        from compliance.entities.service import find_entity

        session.add(
            Mention(
                article_id=article.id,
                entity_id=find_entity(session, HOSTILE_NAME),
                surface="Evil Holdings",
                start=0,
                end=10,
                sentence=HOSTILE_SENTENCE,
                score=1.0,
                method="test",
                status="linked",
                categories=["fines"],
                amounts=[],
            )
        )
    assert target == 0
    info = deal.create_deal("Hostile", acquirer="Plain Buyer Ltd", target=HOSTILE_NAME)
    assessment = deal.assess(str(info.id))
    html = memo.render_html(assessment)
    for raw in ("<script", "<img", "<b>", "<i>"):
        assert raw not in html.lower()
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; Holdings" in html
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in html
    assert "&lt;i&gt;Sub&lt;/i&gt; &amp;amp; Co" not in html and "&lt;i&gt;Sub&lt;/i&gt; &amp; Co" in html
    pdf = tmp_path / "hostile.pdf"
    memo.write(assessment, "pdf", pdf)
    text = subprocess.run(
        [_poppler("pdftotext"), str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert '<script>alert("x")</script> Holdings' in text
    assert "<i>Sub</i> & Co" in text


def test_links_are_web_addresses_only() -> None:
    assert deal.web_link("https://ofac.treasury.gov/x") == "https://ofac.treasury.gov/x"
    assert deal.web_link(" JavaScript:alert(1)") is None
    assert deal.web_link("/tmp/article.txt") is None
    assert deal.web_link(None) is None


def test_a_bad_output_writes_nothing(sqlite_db: str, tmp_path: Path) -> None:
    from compliance.errors import UsageError

    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    add_entity("Plain Buyer Ltd", "company")
    add_entity("Plain Target Ltd", "company")
    info = deal.create_deal("Plain", acquirer="Plain Buyer Ltd", target="Plain Target Ltd")
    assessment = deal.assess(str(info.id))
    with pytest.raises(UsageError, match="format"):
        memo.write(assessment, "docx", tmp_path / "memo.docx")
    with pytest.raises(UsageError, match="is a folder"):
        memo.write(assessment, "html", tmp_path)
    (tmp_path / "file").write_text("x")
    with pytest.raises(UsageError, match="not a folder"):
        memo.write(assessment, "html", tmp_path / "file" / "memo.html")
    (tmp_path / "file").unlink()
    assert list(tmp_path.iterdir()) == []
    written = memo.write(assessment, "json", tmp_path / "memo.json")
    assert written.read_text(encoding="utf-8").startswith("{")
    assert [p.name for p in tmp_path.iterdir()] == ["memo.json"]
    # A new folder is made for the memo.
    assert memo.write(assessment, "html", tmp_path / "memos" / "memo.html").is_file()


def test_cyrillic_arabic_and_chinese_names_render_in_the_pdf(sqlite_db: str, tmp_path: Path) -> None:
    from compliance.entities.service import add_alias

    add_entity("Severny Trading LLC", "company", country="AE")
    add_alias("Severny Trading LLC", "ООО Северный Трейдинг")
    add_alias("Severny Trading LLC", "شركة الشمال للتجارة")
    add_entity("Zhongxing Holdings Ltd", "company", country="HK")
    add_alias("Zhongxing Holdings Ltd", "中兴控股有限公司")
    info = deal.create_deal("Scripts", acquirer="Severny Trading LLC", target="Zhongxing Holdings Ltd")
    pdf = memo.write(deal.assess(str(info.id)), "pdf", tmp_path / "scripts.pdf")
    text = subprocess.run(
        [_poppler("pdftotext"), str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "ООО Северный Трейдинг" in text
    assert "中兴控股有限公司" in text
    # Arabic is shaped right to left; pdftotext gives the words back in logical order or reversed.
    assert "الشمال" in text or "لامشلا" in text
    # The PDF embeds DejaVu (Latin, Cyrillic, Arabic) and a Noto CJK font (Chinese).
    fonts = subprocess.run(
        [_poppler("pdffonts"), str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    assert "DejaVu" in fonts and "CJK" in fonts
