"""Linking against the real OFAC SDN list (../shared/lists-data): 13,821 entries compete."""

from __future__ import annotations

from pathlib import Path

import pytest

from compliance.lists.loader import load
from compliance.lists.sources import all_sources
from compliance.news import service

ARTICLE = """Sanctions : Washington vise l'entourage de Prigojine

Evgueni Prigojine, le fondateur du groupe Wagner, fait l'objet de nouvelles sanctions américaines. \
Le Trésor a également visé plusieurs sociétés établies aux Emirats arabes unis et en Iran. \
Prigojine nie toute implication. Selon Reuters, la compagnie Emirates n'est pas concernée.
"""


@pytest.mark.slow
@pytest.mark.shared
def test_prigojine_links_to_the_sdn_entry_and_nothing_else(
    sqlite_db: str, shared_lists: Path, tmp_path: Path
) -> None:
    load(all_sources()["ofac_sdn"], shared_lists / "ofac_sdn", enforce_counts=False, origin="test")
    path = tmp_path / "prigojine.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    service.ingest([str(path)])
    linked = service.mentions()
    assert {(m["surface"], m["entity_name"], m["list"]) for m in linked if m["status"] == "linked"} == {
        ("Evgueni Prigojine", "PRIGOZHIN, Yevgeniy Viktorovich", "ofac_sdn"),
        ("Prigojine", "PRIGOZHIN, Yevgeniy Viktorovich", "ofac_sdn"),
    }
    prigozhin = next(m for m in linked if m["surface"] == "Evgueni Prigojine")
    assert prigozhin["list_ref"] and prigozhin["categories"] == ["sanctions"]
    # "groupe Wagner" in lower case leaves one word of "WAGNER GROUP": it waits for review.
    assert [(m["surface"], m["status"]) for m in service.mentions(unreviewed=True)] == [("Wagner", "review")]
