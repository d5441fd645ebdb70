"""Readers of enforcement-action files: pure generators of ``ActionRecord``.

Three kinds of file are read (``detect`` tells them apart):

- ``csv``: our documented schema (docs/enforcement.md), one action per row;
- ``yaml``: the same fields as a list under ``actions:`` (the curated dataset);
- ``ofac_civil_penalties``: the scrape of OFAC's "Civil Penalties and
  Enforcement Information" pages, with its companion file of notice texts
  (``<stem>_pdf_text.ndjson``), from which program and a short summary are
  taken.

A reader never writes. What it cannot use it notes as ``"row N: why"`` in the
``problems`` list it is given, and does not yield that row; the caller decides
whether anything is imported (see ``compliance.enforcement.service``).
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from compliance.enforcement.records import ACTION_TYPES, ActionRecord
from compliance.errors import ListDataError
from compliance.normalize.countries import country_code
from compliance.normalize.text import strip_invisible

# Columns of the documented CSV schema.
REQUIRED_COLUMNS = (
    "authority",
    "action_type",
    "date",
    "respondent",
    "amount",
    "currency",
    "program",
    "summary",
    "source_url",
)
OPTIONAL_COLUMNS = ("amount_suspended", "source_ref", "country")

# The header of OFAC's civil-penalties scrape (how the file is recognised).
OFAC_COLUMNS = (
    "id",
    "date",
    "name",
    "aggregate_penalties_settlements_findings",
    "penalties_settlements_usd_total",
    "created_at",
    "revision_date",
)
OFAC_DATASET = "ofac_civil_penalties"
OFAC_AUTHORITY = "US Treasury / OFAC"

# ISO 4217 codes in use (funds and precious metals left out on purpose).
CURRENCIES = frozenset(
    """AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP
    BYN BZD CAD CDF CHF CLP CNY COP CRC CUC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP
    GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF
    KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR
    MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG
    SEK SGD SHP SLE SLL SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD
    UYU UZS VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG ZWL""".split()  # noqa: SIM905
)

_MONEY = re.compile(r"^\d+(\.\d{1,2})?$")
_URL = re.compile(r"^https?://\S+$")


# ------------------------------------------------------------------ detection


def detect(path: Path) -> str:
    """``yaml``, ``ofac_civil_penalties`` or ``csv``; ListDataError for anything else."""
    if not path.is_file():
        raise ListDataError(str(path), "no such file")
    if path.suffix.lower() in (".yml", ".yaml"):
        return "yaml"
    header = _header(path)
    if tuple(header) == OFAC_COLUMNS:
        return "ofac_civil_penalties"
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise ListDataError(
            str(path),
            f"not an enforcement file: the header lacks {', '.join(missing)}",
            hint="See docs/enforcement.md for the CSV columns, or give a .yml file.",
        )
    return "csv"


def _header(path: Path) -> list[str]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            first = next(csv.reader(fh), [])
    except UnicodeDecodeError:
        raise ListDataError(str(path), "not UTF-8 text", hint="Save the CSV as UTF-8.") from None
    return [strip_invisible(c).strip().lower() for c in first]


# ------------------------------------------------------- one action, validated


def _text(value: Any) -> str:
    if value is None:
        return ""
    return " ".join(strip_invisible(str(value)).split())


def _money(value: Any, column: str) -> Decimal | None:
    text = _text(value).replace(",", "").replace("_", "")
    if not text:
        return None
    if not _MONEY.match(text):
        raise ValueError(f"{column} {_text(value)!r} is not an amount (digits, optional 2 decimals)")
    try:
        return Decimal(text).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise ValueError(f"{column} {_text(value)!r} is not an amount") from None


def _date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    if not text:
        raise ValueError("date is empty")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"date {text!r} is not an ISO date (YYYY-MM-DD)") from None


def auto_ref(authority: str, action_type: str, when: date | None, respondent: str, amount: Any) -> str:
    """A stable reference for an action given without one (same facts, same reference)."""
    key = "|".join([authority.casefold(), action_type, str(when), respondent.casefold(), str(amount)])
    return "auto-" + hashlib.sha256(key.encode()).hexdigest()[:16]


def record_from_fields(fields: Mapping[str, Any], dataset: str) -> ActionRecord:
    """One validated action from column values; ValueError says what is wrong."""
    authority = _text(fields.get("authority"))
    if not authority:
        raise ValueError("authority is empty")
    action_type = _text(fields.get("action_type")).lower()
    if action_type not in ACTION_TYPES:
        raise ValueError(f"action_type {action_type!r} is not one of {', '.join(ACTION_TYPES)}")
    when = _date(fields.get("date"))
    respondent = _text(fields.get("respondent"))
    if not respondent:
        raise ValueError("respondent is empty")
    amount = _money(fields.get("amount"), "amount")
    suspended = _money(fields.get("amount_suspended"), "amount_suspended")
    currency = _text(fields.get("currency")).upper() or None
    if currency is not None and currency not in CURRENCIES:
        raise ValueError(f"currency {currency!r} is not an ISO 4217 code such as USD or EUR")
    if amount is not None and currency is None:
        raise ValueError("an amount needs a currency")
    if suspended is not None:
        if amount is None:
            raise ValueError("amount_suspended is given without an amount")
        if suspended > amount:
            raise ValueError("amount_suspended is larger than the amount (the amount includes it)")
    url = _text(fields.get("source_url")) or None
    if url is not None and not _URL.match(url):
        raise ValueError(f"source_url {url!r} is not an http(s) address")
    country_text = _text(fields.get("country"))
    country = None
    if country_text:
        country = country_code(country_text.upper() if len(country_text) == 2 else country_text)
        if country is None:
            raise ValueError(f"country {country_text!r} is not known (give an ISO code such as CN)")
    ref = _text(fields.get("source_ref")) or auto_ref(authority, action_type, when, respondent, amount)
    return ActionRecord(
        authority=authority[:200],
        action_type=action_type,
        action_date=when,
        respondent=respondent[:1000],
        dataset=dataset,
        source_ref=ref[:200],
        amount=amount,
        currency=currency,
        amount_suspended=suspended,
        program=(_text(fields.get("program")) or None),
        summary=(str(fields.get("summary") or "").strip() or None),
        source_url=url,
        country=country,
        raw={k: _jsonable(v) for k, v in fields.items()},
    )


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


# ----------------------------------------------------------------- CSV, YAML


def parse_csv(path: Path, dataset: str, problems: list[str]) -> Iterator[ActionRecord]:
    """Rows of the documented CSV schema. Row numbers count the header as row 1."""
    seen: dict[str, int] = {}
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        header = [strip_invisible(c).strip().lower() for c in next(reader, [])]
        for values in reader:
            row = reader.line_num
            if not any(v.strip() for v in values):
                continue
            if len(values) != len(header):
                problems.append(f"row {row}: {len(values)} values for {len(header)} columns")
                continue
            fields = dict(zip(header, values, strict=True))
            try:
                record = record_from_fields(fields, dataset)
            except ValueError as exc:
                problems.append(f"row {row}: {exc}")
                continue
            if record.source_ref in seen:
                problems.append(
                    f"row {row}: source_ref {record.source_ref!r} is also on row {seen[record.source_ref]}"
                )
                continue
            seen[record.source_ref] = row
            yield record


def parse_yaml(path: Path, problems: list[str]) -> tuple[str, list[ActionRecord]]:
    """(dataset, actions) of a YAML file: ``dataset: name`` and ``actions: [...]``."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ListDataError(str(path), f"not valid YAML: {str(exc).splitlines()[0]}") from None
    if not isinstance(data, dict) or not isinstance(data.get("actions"), list):
        raise ListDataError(str(path), "expected a mapping with an 'actions:' list")
    dataset = _text(data.get("dataset")) or path.stem
    records: list[ActionRecord] = []
    seen: dict[str, int] = {}
    for number, item in enumerate(data["actions"], start=1):
        if not isinstance(item, dict):
            problems.append(f"action {number}: not a mapping of fields")
            continue
        try:
            record = record_from_fields(item, dataset)
        except ValueError as exc:
            problems.append(f"action {number}: {exc}")
            continue
        if record.source_ref in seen:
            problems.append(
                f"action {number}: source_ref {record.source_ref!r} "
                f"is also on action {seen[record.source_ref]}"
            )
            continue
        seen[record.source_ref] = number
        records.append(record)
    return dataset, records


# ------------------------------------------------------ OFAC civil penalties


def companion_path(path: Path) -> Path:
    """Where the notice texts of an OFAC civil-penalties file are expected."""
    return path.with_name(f"{path.stem}_pdf_text.ndjson")


@dataclass(frozen=True)
class Notice:
    """What an OFAC web notice says about one action."""

    url: str
    program: str | None
    summary: str | None
    kind: str | None  # settlement | civil_penalty | finding_of_violation, when the text says


def parse_ofac(path: Path, problems: list[str], companion: Path | None = None) -> Iterator[ActionRecord]:
    """The OFAC civil-penalties scrape; the companion's notices give program and summary."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        rows = [(reader.line_num, raw) for raw in reader]
    names = {(raw.get("id") or "").strip(): _text(raw.get("name")) for _, raw in rows}
    notices = read_notices(companion or companion_path(path), names)
    for row, raw in rows:
        ref = (raw.get("id") or "").strip()
        name = names.get(ref, "")
        try:
            when = date.fromisoformat((raw.get("date") or "").strip())
            total = Decimal((raw.get("penalties_settlements_usd_total") or "0").strip() or "0")
            count = int(float((raw.get("aggregate_penalties_settlements_findings") or "1").strip() or "1"))
        except (ValueError, InvalidOperation):
            problems.append(f"row {row}: unreadable date, amount or count")
            continue
        if not ref or not name:
            problems.append(f"row {row}: no id or no name")
            continue
        yield _ofac_record(ref, when, name, total.quantize(Decimal("0.01")), count, raw, notices.get(ref))


def _ofac_record(
    ref: str, when: date, name: str, total: Decimal, count: int, raw: dict[str, str], notice: Notice | None
) -> ActionRecord:
    nobody = name.casefold() == "none"
    if nobody:
        action_type = "other"
    elif (notice and notice.kind == "finding_of_violation") or (total == 0 and count == 0):
        action_type = "finding_of_violation"
    elif notice and notice.kind:
        action_type = notice.kind
    else:
        action_type = "settlement" if total > 0 else "other"
    summary = notice.summary if notice else None
    if nobody:
        summary = "OFAC's posting for this date lists no enforcement action."
    elif count > 1:
        summary = f"Aggregate of {count} penalties, settlements or findings. " + (summary or "")
    if raw.get("revision_date"):
        summary = (summary or "") + f" (OFAC revised this entry on {raw['revision_date']}.)"
    return ActionRecord(
        authority=OFAC_AUTHORITY,
        action_type=action_type,
        action_date=when,
        respondent=name[:1000],
        dataset=OFAC_DATASET,
        source_ref=ref,
        amount=None if nobody else total,
        currency=None if nobody else "USD",
        program=notice.program if notice else None,
        summary=(summary or "").strip() or None,
        source_url=notice.url
        if notice
        else "https://ofac.treasury.gov/civil-penalties-and-enforcement-information",
        raw=dict(raw) | {"notice_url": notice.url if notice else None},
    )


# Notice texts: OFAC's PDFs come out of text extraction with stray spaces inside
# words ("Sanct ions R egulations"). Regulations are therefore found on the text
# with every space and punctuation removed, and summaries are repaired against
# the vocabulary of all notices (see _repair).

# Regulations as named in the notices -> the short form OFAC itself uses.
# Searched longest first, so "Global Terrorism..." is not also read as "Terrorism...".
REGULATIONS: dict[str, str] = {
    "Iranian Transactions and Sanctions Regulations": "ITSR",
    "Iranian Transactions Regulations": "ITR",
    "Iranian Financial Sanctions Regulations": "IFSR",
    "Iranian Assets Control Regulations": "IACR",
    "Cuban Assets Control Regulations": "CACR",
    "Sudanese Sanctions Regulations": "SSR",
    "Libyan Sanctions Regulations": "LSR",
    "Burmese Sanctions Regulations": "BSR",
    "Syrian Sanctions Regulations": "SySR",
    "North Korea Sanctions Regulations": "NKSR",
    "Foreign Assets Control Regulations": "FACR",
    "Transaction Control Regulations": "TCR",
    "Foreign Narcotics Kingpin Sanctions Regulations": "FNKSR",
    "Narcotics Trafficking Sanctions Regulations": "NTSR",
    "Global Terrorism Sanctions Regulations": "GTSR",
    "Terrorism Sanctions Regulations": "TSR",
    "Foreign Terrorist Organizations Sanctions Regulations": "FTOSR",
    "Weapons of Mass Destruction Proliferators Sanctions Regulations": "WMDPSR",
    "Weapons of Mass Destruction Trade Control Regulations": "WMDTCR",
    "Ukraine-Related Sanctions Regulations": "URSR",
    "Russian Harmful Foreign Activities Sanctions Regulations": "RuHSR",
    "Venezuela Sanctions Regulations": "VSR",
    "Iraqi Sanctions Regulations": "ISR",
    "Zimbabwe Sanctions Regulations": "ZSR",
    "Former Liberian Regime of Charles Taylor Sanctions Regulations": "FLRCTSR",
    "Rough Diamonds Control Regulations": "RDCR",
    "Global Magnitsky Sanctions Regulations": "GMSR",
    "Cyber-Related Sanctions Regulations": "CRSR",
    "Transnational Criminal Organizations Sanctions Regulations": "TCOSR",
    "Western Balkans Stabilization Regulations": "WBSR",
    "Darfur Sanctions Regulations": "DSR",
    "Hizballah Financial Sanctions Regulations": "HFSR",
    "Belarus Sanctions Regulations": "BelSR",
    "Reporting, Procedures and Penalties Regulations": "RPPR",
    "Export Administration Regulations": "EAR",
    "Foreign Narcotics Kingpin Designation Act": "Kingpin Act",
}
# The programs OFAC's early tables (2003-2008) name in their "Sanctions Program" column.
_TABLE_PROGRAMS = re.compile(
    r"(?<![A-Za-z])(Iran|Cuba|Sudan|Libya|Kosovo|Iraq|Burma|Syria|North Korea|Liberia|Zimbabwe|UNITA|"
    r"Angola|Yugoslavia|Narcotics|Kingpin|SDGT|Terrorism|Taliban|Diamonds|Sierra Leone|Balkans|FTO|"
    r"NPWMD|Proliferation)(?![a-z])"
)
# Some early tables give the regulations' part of 31 CFR instead of a program name.
_CFR_PARTS: dict[str, str] = {
    "500": "FACR",
    "505": "TCR",
    "515": "Cuba",
    "536": "Narcotics",
    "537": "Burma",
    "538": "Sudan",
    "545": "Taliban",
    "550": "Libya",
    "560": "Iran",
    "575": "Iraq",
    "585": "Yugoslavia",
    "586": "Kosovo",
    "594": "Terrorism",
    "595": "Terrorism",
    "597": "FTO",
    "598": "Kingpin",
}
# Program adjectives in the headings of 2006-2008 notices.
_ADJECTIVES = {
    "Iranian": "Iran",
    "Cuban": "Cuba",
    "Sudanese": "Sudan",
    "Libyan": "Libya",
    "Burmese": "Burma",
    "Syrian": "Syria",
    "Iraqi": "Iraq",
    "Kosovo": "Kosovo",
    "Zimbabwe": "Zimbabwe",
    "Liberian": "Liberia",
    "Narcotics": "Narcotics",
    "Terrorism": "Terrorism",
}
_ADJECTIVE = re.compile(r"\b(" + "|".join(_ADJECTIVES) + r")\b")
_CFR_PART = re.compile(r"(?<![\d,.])(5\d\d)(?![\d,.])")
_ZIP = re.compile(r"\b[A-Z]{2},?\s+\d{5}(?:-\d{4})?\b")
_ROW_END = re.compile(r"(?:[\d,]+\.\d\d\s*\$|\$\s*[\d,]+\.\d\d)\s*([SA])(?![a-z])")
_NO_SPACE = re.compile(r"[^0-9a-z]+")
# How much of a notice's section (after the respondent's name) is read for the heading and program.
_HEAD_CHARS = 1500
_SUMMARY_CHARS = 400


def _squash(text: str) -> str:
    return _NO_SPACE.sub("", text.casefold())


def _squashed_with_map(text: str) -> tuple[str, list[int]]:
    chars: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text.casefold()):
        if ch.isascii() and ch.isalnum():
            chars.append(ch)
            where.append(i)
    return "".join(chars), where


_REGULATION_KEYS = sorted(((_squash(k), v) for k, v in REGULATIONS.items()), key=lambda kv: -len(kv[0]))


def programs_in(text: str) -> list[str]:
    """The regulations a passage names, as OFAC's short forms, in order of first mention."""
    squashed = _squash(text)
    found: list[tuple[int, str]] = []
    for key, code in _REGULATION_KEYS:
        start = squashed.find(key)
        if start < 0:
            continue
        found.append((start, code))
        squashed = squashed.replace(key, "#" * len(key))
    return list(dict.fromkeys(code for _, code in sorted(found)))


class _Vocabulary:
    """Word counts over all notices, to glue words that text extraction split."""

    def __init__(self, texts: list[str]) -> None:
        self.counts: Counter[str] = Counter()
        for text in texts:
            self.counts.update(w.casefold() for w in re.findall(r"[A-Za-z]+", text))

    def count(self, word: str) -> int:
        return self.counts[word.casefold()]

    def repair(self, text: str) -> str:
        """Join "Sanct ions" -> "Sanctions" when the joined word is far more common than a part.

        Fragments recur (the same split happens in many notices), so a part
        must be at least ten times rarer than the whole: "in to" stays apart.
        """
        out: list[str] = []
        for word in text.split():
            if out:
                a = re.search(r"[A-Za-z]+$", out[-1])
                b = re.match(r"[A-Za-z]+", word)
                if a and b:
                    joined = a.group() + b.group()
                    whole = self.count(joined)
                    if whole >= 3 and min(self.count(a.group()), self.count(b.group())) * 10 < whole:
                        out[-1] += word
                        continue
            out.append(word)
        return " ".join(out)


def read_notices(companion: Path, names: Mapping[str, str]) -> dict[str, Notice]:
    """{action id: Notice} from the companion NDJSON; empty when the file is absent.

    ``names`` gives each action's respondent ({id: name}, from the CSV): a notice
    covering several actions is cut into sections where those names appear.
    """
    if not companion.is_file():
        return {}
    entries: list[tuple[str, str, list[str]]] = []
    with companion.open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            try:
                item = json.loads(line)
            except json.JSONDecodeError:
                continue
            ids = [i.strip() for i in str(item.get("linked_penalties") or "").split(",") if i.strip()]
            entries.append((str(item.get("pdf_url") or ""), str(item.get("pdf_text") or ""), ids))
    vocabulary = _Vocabulary([text for _, text, _ in entries])
    return {
        ref: notice
        for url, text, ids in entries
        for ref, notice in _notices_in(url, text, ids, names, vocabulary)
    }


def _notices_in(
    url: str, text: str, ids: list[str], names: Mapping[str, str], vocabulary: _Vocabulary
) -> Iterator[tuple[str, Notice]]:
    """Split one notice into the sections of the actions it covers (by respondent name)."""
    squashed, where = _squashed_with_map(text)
    # OFAC's early notices (2003-2005) are tables whose rows end "1,234.00 $ S" (settled) or "A".
    tabular = _ROW_END.search(text) is not None
    starts: list[tuple[int, str]] = []
    for ref in ids:
        key = _squash(names.get(ref, ""))[:30]
        pos = squashed.find(key) if key else -1
        starts.append((where[pos] if pos >= 0 else -1, ref))
    located = sorted(p for p, _ in starts if p >= 0)
    for pos, ref in starts:
        if pos < 0:
            yield ref, Notice(url, None, None, None)
            continue
        following = [p for p in located if p > pos]
        section = text[pos : following[0] if following else len(text)]
        yield (
            ref,
            (
                _table_row(url, section, names.get(ref, ""), vocabulary)
                if tabular
                else _narrative(url, section, vocabulary)
            ),
        )


def _table_row(url: str, section: str, name: str, vocabulary: _Vocabulary) -> Notice:
    end = _ROW_END.search(section)
    row = section[: end.end()] if end else section[:_SUMMARY_CHARS]
    kind = None
    if end:
        kind = "settlement" if end.group(1) == "S" else "civil_penalty"
    rest = row[len(name) :] if len(row) > len(name) else row
    found = _TABLE_PROGRAMS.search(rest)
    program = found.group(1) if found else None
    if program is None:
        # A part of 31 CFR, looked for after the address's ZIP code (not in a street number).
        zip_code = _ZIP.search(rest)
        part = _CFR_PART.search(rest, zip_code.end() if zip_code else 0)
        program = _CFR_PARTS.get(part.group(1)) if part else None
    summary = vocabulary.repair(" ".join(row.split()))[:_SUMMARY_CHARS]
    return Notice(url, program, summary, kind)


def _narrative(url: str, section: str, vocabulary: _Vocabulary) -> Notice:
    head = section[:_HEAD_CHARS]
    colon = head.find(":")
    heading = " ".join(head[: colon if 0 < colon < _SUMMARY_CHARS else _SUMMARY_CHARS].split())
    heading = vocabulary.repair(heading)
    squashed = _squash(heading)
    kind = None
    if "findingofviolation" in squashed:
        kind = "finding_of_violation"
    elif "settle" in squashed:
        kind = "settlement"
    elif "penal" in squashed or "assessed" in squashed:
        kind = "civil_penalty"
    # The heading names the regulations; the paragraph after it only when the heading
    # says "multiple sanctions programs" (it may also cite other agencies' rules).
    programs = programs_in(heading) or programs_in(head)
    if not programs:  # 2006-2008 headings: "Settles Cuban Embargo Allegations"
        programs = list(dict.fromkeys(_ADJECTIVES[m] for m in _ADJECTIVE.findall(heading)))
    return Notice(url, "; ".join(programs)[:200] or None, heading or None, kind)
