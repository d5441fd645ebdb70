"""Inline SVG drawings for memos: the ownership diagram and the enforcement timeline.

Pure functions from plain data to an SVG string. Every piece of text from the
database goes through ``html.escape``, so a name holding markup is drawn as
text. Sizes are in CSS pixels for an A4 page (about 720 px wide).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

WIDTH = 720
_BOX_W = 165
_BOX_H = 46
_GAP_X = 13
_GAP_Y = 50
_PER_ROW = 4
_ROWS_PER_RANK = 2


# Colours and fonts are attributes, not CSS classes: PDF renderers draw inline
# SVG without the page's stylesheet.
_FONT = 'font-family="DejaVu Sans, Noto Sans CJK SC, sans-serif"'
_NAME = f'font-size="10" font-weight="bold" fill="#1d1d1f" {_FONT}'
_ROLE = f'font-size="8.5" fill="#555" {_FONT}'
_SHARE = f'font-size="9" fill="#333" {_FONT}'
_SHARE_GAP = f'font-size="9" font-weight="bold" fill="#b71c1c" {_FONT}'
_MORE_BOX = 'fill="#fff" stroke="#8a99a8" stroke-dasharray="3 2"'
_MORE_TEXT = f'font-size="9.5" fill="#555" {_FONT}'
_TIE_STYLE = {
    "tie": 'stroke="#555" stroke-width="1.2"',
    "tie unknown": 'stroke="#b71c1c" stroke-width="1.2" stroke-dasharray="5 3"',
    "tie control": 'stroke="#555" stroke-width="1.2" stroke-dasharray="2 2"',
}
_BOX_FILL = {
    "blocked": ("#fbe3e3", "#b71c1c"),
    "listed": ("#fde8d7", "#d35400"),
    "past": ("#fff4d6", "#8a99a8"),
}
_EVENT_COLOURS = {"penalty": "#b71c1c", "order": "#d35400", "listing": "#6a1b9a", "delisting": "#2e7d32"}


def _box_style(kind: str) -> str:
    fill, stroke = _BOX_FILL.get(kind.split()[0], ("#f4f6f8", "#8a99a8"))
    if "is-party" in kind.split():
        return f'fill="{fill}" stroke="#2b4a6f" stroke-width="2.2"'
    return f'fill="{fill}" stroke="{stroke}" stroke-width="1"'


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _lines(text: str, width: int, count: int) -> list[str]:
    """Cut ``text`` into at most ``count`` lines of ``width`` characters (an ellipsis if cut)."""
    words = text.split()
    lines: list[str] = []
    current = ""
    for word in words:
        while len(word) > width:
            if current:
                lines.append(current)
                current = ""
            lines.append(word[:width])
            word = word[width:]
        candidate = f"{current} {word}".strip()
        if len(candidate) <= width:
            current = candidate
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    if len(lines) > count:
        lines = lines[:count]
        lines[-1] = lines[-1][: width - 1].rstrip() + "…"
    return lines or [""]


@dataclass(frozen=True)
class Node:
    id: int
    name: str
    label: str  # role or relation, shown small
    kind: str  # party | blocked | listed | past | other


@dataclass(frozen=True)
class Tie:
    owner: int
    owned: int
    share: str | None
    kind: str


def ownership_svg(nodes: Sequence[Node], ties: Sequence[Tie]) -> tuple[str, int]:
    """The diagram, owners above what they hold; returns the SVG and the number of entities left out."""
    by_id = {n.id: n for n in nodes}
    ties = [t for t in ties if t.owner in by_id and t.owned in by_id]
    rank = {n.id: 0 for n in nodes}
    for _ in range(len(nodes)):
        changed = False
        for t in ties:
            if rank[t.owned] < rank[t.owner] + 1 and rank[t.owner] + 1 <= len(nodes):
                rank[t.owned] = rank[t.owner] + 1
                changed = True
        if not changed:
            break
    levels: dict[int, list[Node]] = {}
    for n in nodes:
        levels.setdefault(rank[n.id], []).append(n)
    shown: dict[int, tuple[float, float]] = {}
    hidden = 0
    y = 10.0
    parts: list[str] = []
    more_boxes: list[str] = []
    owners_of: dict[int, list[int]] = {}
    for t in ties:
        owners_of.setdefault(t.owned, []).append(t.owner)
    placed: dict[int, float] = {}  # node -> x order of the level above, to keep children under owners
    for level in sorted(levels):

        def order(n: Node) -> tuple[float, bool, str]:
            above = [placed[o] for o in owners_of.get(n.id, []) if o in placed]
            return (sum(above) / len(above) if above else -1.0, "party" not in n.kind, n.name)

        members = sorted(levels[level], key=order)
        room = _PER_ROW * _ROWS_PER_RANK
        visible = members if len(members) <= room else members[: room - 1]
        extra = len(members) - len(visible)
        cells: list[Node | None] = [*visible, *([None] if extra else [])]
        for row_start in range(0, len(cells), _PER_ROW):
            row = cells[row_start : row_start + _PER_ROW]
            total_w = len(row) * _BOX_W + (len(row) - 1) * _GAP_X
            x = (WIDTH - total_w) / 2
            for cell in row:
                if cell is None:
                    more_boxes.append(
                        f'<g class="more"><rect x="{x:.1f}" y="{y:.1f}" width="{_BOX_W}" height="{_BOX_H}" '
                        f'rx="6" {_MORE_BOX}/><text x="{x + _BOX_W / 2:.1f}" y="{y + 27:.1f}" '
                        f'text-anchor="middle" {_MORE_TEXT}>'
                        f"+ {extra} more at this level</text></g>"
                    )
                    hidden += extra
                else:
                    shown[cell.id] = (x, y)
                    placed[cell.id] = x
                x += _BOX_W + _GAP_X
            y += _BOX_H + (_GAP_Y if row_start + _PER_ROW >= len(cells) else 16)
    height = y - _GAP_Y + _BOX_H / 2 + 10
    for t in ties:
        if t.owner not in shown or t.owned not in shown:
            continue
        x1, y1 = shown[t.owner]
        x2, y2 = shown[t.owned]
        ax, ay = x1 + _BOX_W / 2, y1 + _BOX_H
        bx, by = x2 + _BOX_W / 2, y2
        unknown = t.share is None and t.kind == "ownership"
        cls = "tie unknown" if unknown else ("tie control" if t.kind != "ownership" else "tie")
        label = t.share if t.share is not None else ("share unknown" if t.kind == "ownership" else t.kind)
        parts.append(
            f'<line class="{cls}" x1="{ax:.1f}" y1="{ay:.1f}" x2="{bx:.1f}" y2="{by:.1f}" '
            f'{_TIE_STYLE[cls]} marker-end="url(#arrow)"/>'
        )
        # The label sits near the entity held, where lines from one owner have fanned out.
        mx, my = ax + (bx - ax) * 0.68, ay + (by - ay) * 0.68
        parts.append(
            f'<text class="share{" gap" if unknown else ""}" x="{mx + 4:.1f}" y="{my + 4:.1f}" '
            f"{_SHARE_GAP if unknown else _SHARE}>"
            f"{_esc(label)}</text>"
        )
    for node_id, (x, y0) in shown.items():
        node = by_id[node_id]
        name_lines = _lines(node.name, 27, 2)
        texts = "".join(
            f'<text x="{x + 8:.1f}" y="{y0 + 15 + 12 * i:.1f}" class="name" {_NAME}>{_esc(line)}</text>'
            for i, line in enumerate(name_lines)
        )
        texts += (
            f'<text x="{x + 8:.1f}" y="{y0 + _BOX_H - 6:.1f}" class="role" {_ROLE}>'
            f"{_esc(_lines(node.label, 32, 1)[0])}</text>"
        )
        parts.append(
            f'<g class="node {node.kind}"><title>{_esc(node.name)}</title>'
            f'<rect x="{x:.1f}" y="{y0:.1f}" width="{_BOX_W}" height="{_BOX_H}" rx="6" '
            f"{_box_style(node.kind)}/>{texts}</g>"
        )
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="diagram" viewBox="0 0 {WIDTH} {height:.0f}" '
        f'width="{WIDTH}" height="{height:.0f}" role="img" aria-label="Ownership diagram">'
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#555"/></marker></defs>'
        + "".join(parts)
        + "".join(more_boxes)
        + "</svg>"
    )
    return svg, hidden


@dataclass(frozen=True)
class Event:
    when: date
    lane: str  # the authority, or "Lists"
    label: str  # short: "USD 661M", "denial order"
    kind: str  # penalty | order | listing | delisting | other
    title: str  # full text for the tooltip


def short_amount(amount: float) -> str:
    for size, suffix in ((1e9, "bn"), (1e6, "m"), (1e3, "k")):
        if amount >= size:
            return f"{amount / size:.3g}{suffix}"
    return f"{amount:,.0f}"


def timeline_svg(events: Sequence[Event], today: date) -> str:
    """Events in lanes (one per authority), on a time axis of whole years ending after ``today``.

    Events are taken in date order; each has its own row in its lane.
    """
    if not events:
        return ""
    events = sorted(events, key=lambda e: e.when)
    lanes = list(dict.fromkeys(e.lane for e in sorted(events, key=lambda e: (e.lane == "Lists", e.lane))))
    start = min(e.when for e in events).year
    end = max(today.year, max(e.when for e in events).year) + 1
    left, right = 130, WIDTH - 15
    span = (date(end, 1, 1) - date(start, 1, 1)).days or 1

    def xpos(day: date) -> float:
        return left + (right - left) * (day - date(start, 1, 1)).days / span

    # One row per event inside its lane, in date order: labels never overlap.
    counts: dict[str, int] = {}
    slot: list[int] = []
    for e in events:
        slot.append(counts.get(e.lane, 0))
        counts[e.lane] = counts.get(e.lane, 0) + 1
    lane_rows = counts
    lane_top: dict[str, float] = {}
    y = 10.0
    for lane in lanes:
        lane_top[lane] = y
        y += 10 + 15 * lane_rows[lane]
    axis_y = y + 4
    parts = []
    for lane in lanes:
        top = lane_top[lane]
        bottom = top + 10 + 15 * lane_rows[lane]
        parts.append(
            f'<rect class="lane" x="{left}" y="{top:.1f}" width="{right - left}" '
            f'height="{bottom - top:.1f}" fill="#f7f9fb" stroke="#dfe5eb"/>'
        )
        parts.append(
            f'<text class="lane-name" x="{left - 6}" y="{(top + bottom) / 2 + 4:.1f}" text-anchor="end" '
            f'font-size="9" fill="#333" {_FONT}>{_esc(lane)}</text>'
        )
    step = max(1, (end - start) // 12 + (1 if (end - start) > 12 else 0))
    for year in range(start, end + 1, step):
        x = xpos(date(year, 1, 1))
        parts.append(
            f'<line class="grid" x1="{x:.1f}" y1="10" x2="{x:.1f}" y2="{axis_y:.1f}" stroke="#e3e8ee"/>'
        )
        parts.append(
            f'<text class="year" x="{x:.1f}" y="{axis_y + 14:.1f}" text-anchor="middle" font-size="8.5" '
            f'fill="#555" {_FONT}>{year}</text>'
        )
    tx = xpos(today)
    parts.append(
        f'<line class="today" x1="{tx:.1f}" y1="6" x2="{tx:.1f}" y2="{axis_y:.1f}" stroke="#2b4a6f" '
        'stroke-dasharray="3 2"/>'
    )
    parts.append(
        f'<text class="today-label" x="{tx - 3:.1f}" y="{axis_y + 28:.1f}" text-anchor="end" font-size="8.5" '
        f'fill="#2b4a6f" {_FONT}>today</text>'
    )
    for e, row in zip(events, slot, strict=True):
        x = xpos(e.when)
        cy = lane_top[e.lane] + 12 + 15 * row
        anchor = "end" if x > right - 120 else "start"
        dx = -7 if anchor == "end" else 7
        parts.append(
            f'<g class="event {e.kind}"><title>{_esc(e.title)}</title>'
            f'<circle cx="{x:.1f}" cy="{cy:.1f}" r="5" fill="{_EVENT_COLOURS.get(e.kind, "#607d8b")}" '
            'stroke="#fff"/>'
            f'<text x="{x + dx:.1f}" y="{cy + 4:.1f}" text-anchor="{anchor}" font-size="8.5" fill="#1d1d1f" '
            f"{_FONT}>"
            f"{_esc(e.when.isoformat())} {_esc(e.label)}</text></g>"
        )
    height = axis_y + 34
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="timeline" viewBox="0 0 {WIDTH} {height:.0f}" '
        f'width="{WIDTH}" height="{height:.0f}" role="img" aria-label="Enforcement timeline">'
        + "".join(parts)
        + "</svg>"
    )
