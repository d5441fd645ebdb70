"""A small in-house screening index for the matching tests (names modelled on real list entries).

Shared by tests/matching/test_engine.py and ``python -m tests.matching.regen_frozen``.
"""

from __future__ import annotations

from compliance.matching.types import IndexEntry


def _e(
    did: int,
    ref: str,
    name: str,
    etype: str,
    kind: str = "primary",
    source: str = "ofac_sdn",
    countries: tuple[str, ...] = (),
    dob: tuple[str, ...] = (),
    ids: tuple[str, ...] = (),
    weak: bool = False,
) -> IndexEntry:
    return IndexEntry(
        entity_id=did,
        designation_id=did,
        source=source,
        ref=ref,
        name=name,
        name_kind=kind,
        weak=weak,
        entity_type=etype,
        programs=("TEST",),
        countries=frozenset(countries),
        birth_dates=dob,
        identifiers=ids,
    )


ENTRIES: list[IndexEntry] = [
    _e(1, "21171", "PRIGOZHIN, Yevgeniy Viktorovich", "person", countries=("RU",), dob=("1961-06-01",)),
    _e(1, "21171", "PRIGOZHIN, Evgeny", "person", "aka", countries=("RU",), dob=("1961-06-01",)),
    _e(2, "35096", "PUTIN, Vladimir Vladimirovich", "person", countries=("RU",), dob=("1952-10-07",)),
    _e(3, "306", "BANCO NACIONAL DE CUBA", "organization", countries=("CU",)),
    _e(3, "306", "NATIONAL BANK OF CUBA", "organization", "aka", countries=("CU",)),
    _e(4, "9001", "ZHONGXING TELECOMMUNICATION EQUIPMENT CORPORATION", "organization", countries=("CN",)),
    _e(4, "9001", "ZTE CORPORATION", "organization", "aka", countries=("CN",)),
    _e(5, "12606", "QADHAFI, Muammar Abu Minyar", "person", countries=("LY",), dob=("1942",)),
    _e(5, "12606", "GHATHAFI, Muammar", "person", "aka", countries=("LY",), dob=("1942",)),
    _e(6, "7777", "AL-RASHID TRUST", "organization", countries=("PK",)),
    _e(7, "8888", "KIM, Jong Un", "person", countries=("KP",), dob=("1984-01-08",)),
    _e(8, "4242", "OCEAN MARINER", "vessel", ids=("IMO9123456",)),
    _e(9, "4343", "SMITH, Alan Bernard", "person", countries=("GB",), dob=("1970-03-15",)),
    _e(10, "5151", "GAZPROM NEFT PJSC", "organization", countries=("RU",)),
    _e(10, "5151", "PAO GAZPROM NEFT", "organization", "aka", countries=("RU",)),
    _e(11, "6161", "MUELLER, Hans-Juergen", "person", countries=("DE",)),
    _e(12, "7171", "ROSOBORONEXPORT", "organization", countries=("RU",), ids=("1117746521452",)),
    _e(13, "8181", "EP-AAA", "aircraft", ids=("EPAAA",)),
    _e(14, "9191", "GLOBAL INTERNATIONAL TRADING COMPANY LIMITED", "organization", countries=("AE",)),
    _e(15, "1212", "MOHAMMED, Ali Hassan", "person", countries=("IQ",)),
    _e(16, "1313", "HAMAS", "organization"),
    _e(16, "1313", "ISLAMIC RESISTANCE MOVEMENT", "organization", "aka"),
    _e(17, "1414", "SHANGHAI ZHONG XING SHIPPING CO LTD", "organization", countries=("CN",)),
    _e(18, "1515", "IVANOV, Sergei Borisovich", "person", countries=("RU",), dob=("1953",)),
    _e(19, "1616", "ABU SAYYAF GROUP", "organization", countries=("PH",)),
    _e(20, "1717", "PRIGOZHIN, Yevgeniy", "person", source="uk_ofsi", countries=("RU",)),
    _e(21, "1818", "VOLGA SHIPPING", "vessel"),
    # a few ordinary names, so that common words are common here too
    *[
        _e(100 + i, f"x{i}", f"{w} INTERNATIONAL TRADING", "organization")
        for i, w in enumerate(("ALPHA", "BETA", "GAMMA", "DELTA", "OMEGA", "SIGMA", "KAPPA", "ZETA"))
    ],
]
