"""Watching, re-screening on list changes, deduplication and false-positive suppression."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select

from compliance.db.models import Alert, ScreeningRun
from compliance.db.session import session_scope
from compliance.errors import ListDataError, NotFoundError, UsageError
from compliance.monitoring import service
from tests.monitoring.conftest import (
    AERO_CHANGED,
    BASE,
    NORTHWIND,
    NORTHWIND_CHANGED,
    UNRELATED,
    Loader,
)

WATCHLIST = (
    "ref,name,type,country,dob\n"
    "C1,Ivan Petrov,person,RU,1971\n"
    "C2,Northwind Quartz Trading Ltd,company,,\n"
    "C3,Maria Gonzalez Ferrer,person,ES,\n"
)


def _alerts() -> list[tuple[str | None, str | None, str]]:
    return [(a.counterparty_ref, a.list_ref, a.status) for a in service.list_alerts()]


def test_list_change_alerts_once_and_false_positive_comes_back_when_entry_changes(
    migrated: str, load_sdn: Loader, watch_csv: Callable[[str], Path]
) -> None:
    load_sdn(*BASE.values())
    imported = service.watch_import(watch_csv(WATCHLIST))
    assert (imported.added, imported.updated, imported.screened) == (3, 0, 3)
    # Onboarding: Ivan Petrov is on the list already.
    assert _alerts() == [("C1", "200", "open")]

    # A new version adds Northwind: only C2 is alerted, against that entry only.
    v2 = load_sdn(*BASE.values(), NORTHWIND)
    result = service.after_list_change()
    assert result.ran and result.entries == 1 and result.screened == 3
    assert len(result.alerts.new) == 1
    assert _alerts() == [("C1", "200", "open"), ("C2", "300", "open")]
    northwind = service.list_alerts()[-1]
    assert northwind.reason.startswith("List change: ")
    assert northwind.score is not None and northwind.score >= service.THRESHOLD

    # Running again (nothing new) and loading the same file again raise nothing.
    again = service.run()
    assert again.entries == 0 and again.alerts.new == []
    assert load_sdn(*BASE.values(), NORTHWIND).status == "unchanged"
    assert service.run().alerts.new == []
    assert len(_alerts()) == 2

    # The officer clears C2: not the listed company.
    service.decide(
        str(northwind.id), "false_positive", "Different company: registry number differs", by="ana"
    )
    assert _alerts()[-1] == ("C2", "300", "false_positive")

    # An unrelated refresh (a new entry, another entry changed, Petrov changed) stays quiet.
    petrov_changed = BASE["200"].replace("nationality Russia.", "nationality Russia; Gender Male.")
    load_sdn(AERO_CHANGED, petrov_changed, NORTHWIND, UNRELATED)
    quiet = service.after_list_change()
    assert quiet.entries == 3  # 100 and 200 changed, 400 added
    assert quiet.alerts.new == []
    assert quiet.alerts.already == 1  # Petrov: C1's alert is still open, not raised twice
    assert len(_alerts()) == 2

    # Northwind's entry changes: the false positive comes back, saying what changed.
    v4 = load_sdn(AERO_CHANGED, petrov_changed, NORTHWIND_CHANGED, UNRELATED)
    back = service.after_list_change()
    assert len(back.alerts.new) == 1 and back.alerts.returned == 1
    alert = service.show_alert(str(back.alerts.new[0])).alert
    assert (alert.counterparty_ref, alert.list_ref, alert.status) == ("C2", "300", "open")
    assert f"Back after alert #{northwind.id} was decided a false positive" in alert.reason
    assert "the list entry changed" in alert.reason and "programs" in alert.reason
    assert "counterparty changed" not in alert.reason
    assert v4.version == v2.version + 2

    # Every monitoring run is recorded with its list versions (the watermark).
    with session_scope() as session:
        runs = session.scalars(select(ScreeningRun).where(ScreeningRun.kind == "monitor")).all()
        assert [r.list_versions for r in runs][-1] == {"ofac_sdn": 4}
        assert session.scalar(select(func.count()).select_from(Alert)) == 3


def test_counterparty_change_brings_a_false_positive_back(migrated: str, load_sdn: Loader) -> None:
    load_sdn(*BASE.values(), NORTHWIND)
    first = service.watch_add("Northwind Quartz Trading", ref="C9", entity_type="company")
    assert first.status == "added" and len(first.alerts.new) == 1
    service.decide(str(first.alerts.new[0]), "false_positive", "another Northwind", by="ana")
    # Same facts again: nothing happens.
    assert (
        service.watch_add("Northwind Quartz Trading", ref="C9", entity_type="company").status == "unchanged"
    )
    # New facts: screened again; the pair comes back showing the change.
    changed = service.watch_add("Northwind Quartz Trading", ref="C9", entity_type="company", country="RU")
    assert changed.status == "updated" and changed.alerts.returned == 1
    reason = service.show_alert(str(changed.alerts.new[0])).alert.reason
    assert "the counterparty changed: country None -> 'RU'" in reason
    # Back to the earlier facts: the returned alert is still open, so nothing new.
    reverted = service.watch_add("Northwind Quartz Trading", ref="C9", entity_type="company")
    assert reverted.alerts.new == [] and reverted.alerts.already == 1


def test_counterparty_added_after_a_version_is_not_rescreened_against_it(
    migrated: str, load_sdn: Loader
) -> None:
    load_sdn(*BASE.values())
    service.watch_add("Someone Unrelated", ref="X1", entity_type="person")
    load_sdn(*BASE.values(), NORTHWIND)
    # Watched after that version: its onboarding covered it.
    service.watch_add("Northwind Quartz Trading Ltd", ref="X2", entity_type="company")
    result = service.run()
    assert result.entries == 1 and result.alerts.new == [] and result.alerts.already == 0
    assert [(a.counterparty_ref, a.list_ref) for a in service.list_alerts()] == [("X2", "300")]


def test_import_is_all_or_nothing_and_names_rows(
    migrated: str, load_sdn: Loader, watch_csv: Callable[[str], Path]
) -> None:
    load_sdn(*BASE.values())
    bad = (
        "ref,name,type,country,dob\nA1,Good Name,,,\nA2,,,,\nA3,Someone,spaceship,,\n"
        "A1,Again,,,\nA5,Bad Date,person,,31/12/1970\n"
    )
    with pytest.raises(ListDataError) as caught:
        service.watch_import(watch_csv(bad))
    message = str(caught.value)
    assert "4 row(s) cannot be used, so nothing was imported" in message
    for row in ("row 3:", "row 4:", "row 5:", "row 6:"):
        assert row in message
    assert service.watch_list() == []
    with pytest.raises(ListDataError, match="at least ref and name"):
        service.watch_import(watch_csv("id,name\n1,x\n"))
    path = watch_csv("ref,name\n")
    path.write_bytes("ref,name\nZ1,Stra\xdfe\n".encode("latin-1"))
    with pytest.raises(ListDataError, match="not UTF-8"):
        service.watch_import(path)
    assert service.watch_list() == []


def test_import_updates_known_refs_and_remove_keeps_history(
    migrated: str, load_sdn: Loader, watch_csv: Callable[[str], Path]
) -> None:
    load_sdn(*BASE.values())
    service.watch_import(watch_csv(WATCHLIST))
    second = service.watch_import(
        watch_csv(WATCHLIST.replace("Maria Gonzalez Ferrer,person,ES", "Maria Gonzalez,person,ES"))
    )
    assert (second.added, second.updated, second.unchanged, second.screened) == (0, 1, 2, 1)
    removed = service.watch_remove("C1")
    assert removed.ref == "C1"
    assert [cp.ref for cp in service.watch_list()] == ["C2", "C3"]
    assert len(service.watch_list(include_removed=True)) == 3
    with pytest.raises(UsageError, match="not watched any more"):
        service.watch_remove("C1")
    # Its alert stays for the record.
    assert [a.counterparty_ref for a in service.list_alerts()] == ["C1"]


def test_watching_before_any_list_is_loaded(migrated: str, load_sdn: Loader) -> None:
    early = service.watch_add("Northwind Quartz Trading Ltd", ref="E1", entity_type="company")
    assert not early.screened
    load_sdn(*BASE.values(), NORTHWIND)
    result = service.after_list_change()
    assert len(result.alerts.new) == 1
    assert service.list_alerts()[0].list_ref == "300"


def test_decide_needs_a_note_and_a_known_alert(migrated: str, load_sdn: Loader) -> None:
    load_sdn(*BASE.values())
    added = service.watch_add("Ivan Petrov", ref="P1", entity_type="person")
    alert_id = str(added.alerts.new[0])
    with pytest.raises(UsageError, match="--note"):
        service.decide(alert_id, "true_match", "  ")
    with pytest.raises(UsageError, match="not an alert number"):
        service.decide("abc", "true_match", "x")
    view = service.decide(alert_id, "escalate", "DOB matches, needs a second look", by="ana")
    view = service.decide(alert_id, "true_match", "Confirmed by passport copy", by="head of compliance")
    assert view.alert.status == "true_match"
    assert [(d.decision, d.decided_by) for d in view.decisions] == [
        ("escalate", "ana"),
        ("true_match", "head of compliance"),
    ]


def test_a_name_without_ref_is_watched_once(migrated: str, load_sdn: Loader) -> None:
    load_sdn(*BASE.values())
    first = service.watch_add("Maria Gonzalez Ferrer", entity_type="person")
    again = service.watch_add("Maria Gonzalez Ferrer", entity_type="person")
    assert (first.status, again.status) == ("added", "unchanged")
    assert again.counterparty.id == first.counterparty.id
    assert [cp.name for cp in service.watch_list()] == ["Maria Gonzalez Ferrer"]
    with pytest.raises(NotFoundError, match="watched counterparty"):
        service.watch_remove("NO-SUCH-REF")
    assert service.watch_remove(f"#{first.counterparty.id}").name == "Maria Gonzalez Ferrer"
