"""Counterparty-risk memos: one assessment rendered as HTML, PDF or JSON.

Two steps, as for every report: the assessment (``compliance.exposure.deal``)
is plain data; this module adds the drawings and renders the Jinja templates in
``templates/`` with autoescaping on and undefined names refused. The HTML is
one self-contained file (inline CSS and SVG); the PDF is that HTML laid out by
WeasyPrint with page headers and numbers.
"""

from __future__ import annotations

import dataclasses
import json
import os
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from compliance import settings
from compliance.errors import UsageError
from compliance.exposure.deal import Assessment, Finding
from compliance.reports.svg import Event, Node, Tie, ownership_svg, short_amount, timeline_svg

FORMATS = ("html", "pdf", "json")
# The templates folder (the repository's templates/ unless set).
TEMPLATES_DIR = Path(
    os.environ.get("COMPLIANCE_TEMPLATES_DIR") or settings.LISTS_DIR.resolve().parent / "templates"
)
RATING_CLASS = {
    "Low": "low",
    "Medium": "medium",
    "High": "high",
    "Severe": "severe",
    "Prohibited": "prohibited",
}
KIND_TITLES = {
    "blocking_designation": "Blocking designation",
    "fifty_percent_undetermined": "50% rule undetermined",
    "designation": "Designation in force",
    "past_designation": "Past designation",
    "ownership_gap": "Ownership gap",
    "ongoing_obligation": "Ongoing obligation",
    "screening_hit": "Screening hit",
    "adverse_media": "Adverse media",
    "jurisdiction": "Jurisdiction",
    "enforcement": "Enforcement action",
}


def _date(value: date | datetime | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return value.isoformat()


def _points(value: float) -> str:
    return f"{value:,.2f}".rstrip("0").rstrip(".")


@cache
def _environment(folder: Path) -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(folder)),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["d"] = _date
    env.filters["pts"] = _points
    env.filters["kind_title"] = lambda k: KIND_TITLES.get(k, k.replace("_", " "))
    env.filters["pretty"] = lambda s: str(s).replace("_", " ")
    return env


# Most events drawn on the timeline (the latest); every action stays in the table.
MAX_TIMELINE_EVENTS = 40


def _drawings(a: Assessment) -> tuple[str, int, str, int]:
    kinds = {}
    for e in a.entities:
        if e.listed_blocking or e.blocked_by_rule:
            kinds[e.id] = "blocked"
        elif e.current_lists:
            kinds[e.id] = "listed"
        elif e.past_lists or e.actions:
            kinds[e.id] = "past"
        elif e.relation == "party":
            kinds[e.id] = "party"
        else:
            kinds[e.id] = "other"
    nodes = [
        Node(e.id, e.name, e.role if e.relation == "party" else e.relation, kinds[e.id]) for e in a.entities
    ]
    parties = {p.entity_id for p in a.deal.parties}
    nodes = [dataclasses.replace(n, kind=f"{n.kind} is-party") if n.id in parties else n for n in nodes]
    diagram, hidden = ownership_svg(nodes, [Tie(e.owner, e.owned, e.share, e.kind) for e in a.edges])
    events: list[Event] = []
    for act in a.actions:
        if act.date is None:
            continue
        label = act.action_type.replace("_", " ")
        if act.amount:
            currency, _, number = act.amount.rpartition(" ")
            label = f"{label} {currency} {short_amount(float(number.replace(',', '')))}"
        kind = (
            "penalty"
            if act.amount
            else "order"
            if act.action_type == "denial_order"
            else "listing"
            if "addition" in act.action_type
            else "delisting"
            if "removal" in act.action_type
            else "other"
        )
        events.append(Event(act.date, act.authority, label, kind, f"{act.entity}: {act.summary or label}"))
    for entry in a.designations:
        where = entry.sublist or entry.list_key
        if entry.listed_on:
            events.append(
                Event(
                    entry.listed_on,
                    "Lists",
                    f"listed: {entry.entity}",
                    "listing",
                    f"{entry.entity} on {where}",
                )
            )
        if entry.delisted_on:
            events.append(
                Event(
                    entry.delisted_on,
                    "Lists",
                    f"delisted: {entry.entity}",
                    "delisting",
                    f"{entry.entity} removed from {where}",
                )
            )
    events.sort(key=lambda e: (e.when, e.lane))
    left_out = max(0, len(events) - MAX_TIMELINE_EVENTS)
    timeline = timeline_svg(events[left_out:], a.as_of)
    return diagram, hidden, timeline, left_out


# Findings of the same kind and title on this many related entities or more are
# shown as one row of the findings table (every finding stays in the JSON).
GROUP_AT = 3
# Evidence longer than this is cut in the table (the enforcement and media
# sections, and the JSON, give it whole).
EVIDENCE_CHARS = 260


@dataclasses.dataclass(frozen=True)
class FindingRow:
    """One row of the findings table: a finding, or findings grouped across related entities."""

    ids: str
    entity: str
    role: str
    kind: str
    title: str
    evidence: str
    source: str
    when: str
    points: float
    rule: str
    url: str | None


def finding_rows(a: Assessment) -> list[FindingRow]:
    groups: dict[tuple[str, str], list[Finding]] = {}
    for f in a.findings:
        if f.points > 0 and f.relation != "party":
            groups.setdefault((f.kind, f.title), []).append(f)
    grouped = {key: items for key, items in groups.items() if len(items) >= GROUP_AT}
    rows: list[FindingRow] = []
    done: set[tuple[str, str]] = set()
    for f in a.findings:
        if f.points <= 0:
            continue
        key = (f.kind, f.title)
        if f.relation != "party" and key in grouped:
            if key in done:
                continue
            done.add(key)
            items = grouped[key]
            dates = sorted(_date(i.date) for i in items)
            rows.append(
                FindingRow(
                    f"{items[0].id}–{items[-1].id}" if len(items) > 1 else items[0].id,
                    f"{len(items)} related entities",
                    ", ".join(sorted({i.relation for i in items})),
                    f.kind,
                    f.title,
                    "; ".join(i.evidence for i in items),
                    f.source,
                    dates[0] if dates[0] == dates[-1] else f"{dates[0]} to {dates[-1]}",
                    round(sum(i.points for i in items), 2),
                    f"{len(items)} findings, {_points(min(i.points for i in items))} to "
                    f"{_points(max(i.points for i in items))} points each; {f.rule}",
                    None,
                )
            )
        else:
            rows.append(
                FindingRow(
                    f.id,
                    f.entity,
                    f.role,
                    f.kind,
                    f.title,
                    f.evidence
                    if len(f.evidence) <= EVIDENCE_CHARS
                    else f.evidence[: EVIDENCE_CHARS - 1] + "…",
                    f.source,
                    _date(f.date),
                    f.points,
                    f.rule,
                    f.url,
                )
            )
    return rows


def context(a: Assessment) -> dict[str, Any]:
    diagram, hidden, timeline, events_left_out = _drawings(a)
    top = a.reasons[:6]
    flagged = {f.entity_id for f in a.findings} | {
        e.id for e in a.entities if e.current_lists or e.past_lists or e.actions
    }
    return {
        "a": a,
        "deal": a.deal,
        "rating_class": RATING_CLASS.get(a.rating, "high"),
        "reasons": top,
        "diagram": Markup(diagram),
        "diagram_hidden": hidden,
        "timeline": Markup(timeline),
        "timeline_left_out": events_left_out,
        "entity_count": len(a.entities),
        "related_count": len(a.entities) - len(a.deal.parties),
        "blocking_lists": [s for s in a.lists if s.key in a.blocking_lists],
        "flagged": flagged,
        "flagged_related": sum(1 for e in a.entities if e.relation != "party" and e.id in flagged),
        "quiet": [e.name for e in a.entities if e.relation != "party" and e.id not in flagged],
        "rows": finding_rows(a),
        "uncounted": [f for f in a.findings if f.points <= 0],
        "title": f"Counterparty-risk memo: {a.deal.name}",
    }


def render_html(a: Assessment, folder: Path | None = None) -> str:
    env = _environment((folder or TEMPLATES_DIR).resolve())
    css = (folder or TEMPLATES_DIR).joinpath("memo.css").read_text(encoding="utf-8")
    return env.get_template("memo.html.j2").render(css=Markup(css), **context(a))


def render_pdf(html_text: str) -> bytes:
    from weasyprint import HTML  # type: ignore[import-untyped]

    pdf = HTML(string=html_text, base_url=str(TEMPLATES_DIR)).write_pdf()
    assert pdf is not None
    return bytes(pdf)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def render_json(a: Assessment) -> str:
    data = _plain(dataclasses.asdict(a))
    data["format"] = "compliance-deal-memo/1"
    return json.dumps(data, ensure_ascii=False, indent=2)


def check_output(fmt: str, output: Path) -> str:
    """The format, lower-cased, once it and the output path are known to be usable."""
    fmt = fmt.lower()
    if fmt not in FORMATS:
        raise UsageError(f"Unknown format {fmt!r}: use html, pdf or json.")
    if output.is_dir():
        raise UsageError(f"{output} is a folder: give a file name, e.g. memo.{fmt}.")
    if output.parent.exists() and not output.parent.is_dir():
        raise UsageError(f"{output.parent} is a file, not a folder.")
    return fmt


def write(a: Assessment, fmt: str, output: Path) -> Path:
    """Render ``a`` as ``fmt`` into ``output``, written whole or not at all."""
    fmt = check_output(fmt, output)
    data: bytes
    if fmt == "json":
        data = render_json(a).encode("utf-8")
    elif fmt == "html":
        data = render_html(a).encode("utf-8")
    else:
        data = render_pdf(render_html(a))
    output.parent.mkdir(parents=True, exist_ok=True)
    temporary = output.with_name(f".{output.name}.tmp{os.getpid()}")
    temporary.write_bytes(data)
    os.replace(temporary, output)
    return output
