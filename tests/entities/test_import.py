"""Bulk import from CSV and YAML: everything or nothing, idempotent with refs."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from compliance.db.models import Entity, Relationship
from compliance.db.session import session_scope
from compliance.entities import importer, service

CSV = """name,type,country,aliases,identifiers,ref,incorporated,parent,share
Northwind Holdings,company,GB,Northwind Group;NW Holdings,registration:01234567,C1,1999,,
Northwind Trading,company,AE,,lei:5493001KJTIIGC8Y1R12,C2,,C1,51
Northwind Shipping,company,PA,,imo:9876543,C3,,Northwind Holdings,unknown
"""


def _count(model: type) -> int:
    with session_scope() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_csv_import_with_parents_and_reimport(sqlite_db: str, tmp_path: Path) -> None:
    path = tmp_path / "entities.csv"
    path.write_text(CSV, encoding="utf-8")
    result = importer.import_file(path)
    assert (result.rows, result.created, result.updated, result.relationships) == (3, 3, 0, 2)
    trading = service.show("Northwind Trading").facts
    assert [(r.subject_name, service.share_text(r.share_pct)) for r in trading.owners] == [
        ("Northwind Holdings", "51%")
    ]
    shipping = service.show("Northwind Shipping").facts
    assert [service.share_text(r.share_pct) for r in shipping.owners] == ["unknown"]
    holdings = service.show("NW Holdings").facts
    assert {r.object_name for r in holdings.owned} == {"Northwind Trading", "Northwind Shipping"}
    assert ("registration", "01234567") in {(i.id_type, i.value) for i in holdings.identifiers}
    assert [(d.kind, d.value) for d in holdings.dates] == [("incorporation", "1999")]

    # Importing again (with a corrected share) updates; nothing is duplicated.
    path.write_text(CSV.replace("C1,51", "C1,60"), encoding="utf-8")
    again = importer.import_file(path)
    assert (again.created, again.updated) == (0, 3)
    assert _count(Entity) == 3 and _count(Relationship) == 2
    trading = service.show("Northwind Trading").facts
    assert [service.share_text(r.share_pct) for r in trading.owners] == ["60%"]


def test_bad_rows_import_nothing(sqlite_db: str, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        CSV
        + "Broken Co,spaceship,GB,,,C4,,,\n"
        + "Orphan Co,company,XX-Atlantis,,,C5,,,\n"
        + "Lost Sub,company,GB,,registration,C6,,Nobody Known,10\n"
        + "Greedy Sub,company,GB,,,C7,,C1,150\n",
        encoding="utf-8",
    )
    with pytest.raises(importer.ImportRejected) as caught:
        importer.import_file(path)
    problems = caught.value.problems
    assert any(p.startswith("line 5:") and "entity type" in p for p in problems)
    assert any(p.startswith("line 6:") and "country" in p for p in problems)
    assert any(p.startswith("line 7:") and "TYPE:VALUE" in p for p in problems)
    assert any(p.startswith("line 8:") and "between 0 and 100" in p for p in problems)
    assert _count(Entity) == 0 and _count(Relationship) == 0


def test_yaml_import(sqlite_db: str, tmp_path: Path) -> None:
    path = tmp_path / "entities.yml"
    path.write_text(
        """
- name: Kestrel Energy AG
  type: company
  ref: K1
  countries: [CH]
  aliases: [Kestrel Energie]
  identifiers:
    - registration:CHE-123.456.789
    - {type: lei, value: 529900T8BM49AURSDO55, country: CH}
- name: Kestrel Trading FZE
  type: company
  countries: [AE]
  owned_by:
    - {entity: K1, share: 100, since: 2015-06-01, source: annual report 2023}
    - {entity: Ivan Example, share: unknown, source: press}
- name: Ivan Example
  type: person
  country: RU
  dob: 1961-08-23
""",
        encoding="utf-8",
    )
    result = importer.import_file(path)
    assert (result.created, result.relationships) == (3, 2)
    facts = service.show("Kestrel Trading FZE").facts
    owners = {r.subject_name: (service.share_text(r.share_pct), r.since, r.source) for r in facts.owners}
    assert owners["Kestrel Energy AG"][0] == "100%" and str(owners["Kestrel Energy AG"][1]) == "2015-06-01"
    assert owners["Ivan Example"][0] == "unknown"
    person = service.show("Ivan Example").facts
    assert [(c.country, c.relation) for c in person.countries] == [("RU", "nationality")]
    assert [(d.kind, d.value) for d in person.dates] == [("birth", "1961-08-23")]


def test_yaml_bad_item_imports_nothing(sqlite_db: str, tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "- {name: Good Co, type: company}\n"
        "- {type: company}\n"
        "- {name: Sub, type: company, owned_by: [{entity: Nope}]}\n",
        encoding="utf-8",
    )
    with pytest.raises(importer.ImportRejected) as caught:
        importer.import_file(path)
    assert any(p.startswith("entity 2:") for p in caught.value.problems)
    assert any(p.startswith("entity 3:") and "Nope" in p for p in caught.value.problems)
    assert _count(Entity) == 0
