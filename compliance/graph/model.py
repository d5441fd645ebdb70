"""The ownership-and-control graph: plain edges in, adjacency both ways.

An ``Edge`` is one relationship as stored (``compliance.db.models.Relationship``):
``owner`` owns, controls or directs ``owned``. Shares are percentages (0-100,
``Decimal``) as in ``relationships.share_pct``; ``None`` means UNKNOWN, never
zero.

How each kind is read (decided here, used by every function of the package):

- ``ownership``: equity of ``share`` percent, or of unknown share when ``share``
  is None.
- ``subsidiary``: the same as ``ownership`` (``owner`` is the parent). A
  subsidiary edge with no share is ownership of UNKNOWN share, not control:
  calling a company a subsidiary says its parent holds equity in it, not how much.
- ``control`` and ``directorship``: control without equity. They never count
  towards the 50% rule, even when a share is recorded on them (that share is
  kept and shown, but a ``control`` edge is not a holding); they are what
  ``control_ties`` follows.
- ``family``, ``associate``, ``linked``: ties between people or firms that are
  neither ownership nor control. The graph keeps them (``other``) but no
  computation follows them.

An edge is active on a date when ``since <= date <= until`` (both ends
inclusive, an open end unbounded). Every computation takes ``as_of``; ``None``
means today.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from compliance.errors import ComplianceError

OWNERSHIP_KINDS = frozenset({"ownership", "subsidiary"})
CONTROL_KINDS = frozenset({"control", "directorship"})
OTHER_KINDS = frozenset({"family", "associate", "linked"})
KINDS = OWNERSHIP_KINDS | CONTROL_KINDS | OTHER_KINDS

HUNDRED = Decimal(100)
ZERO = Decimal(0)


class InvalidEdgeError(ComplianceError):
    """An ownership or control edge that cannot be used (bad share, kind or dates)."""

    def __init__(self, edge: Edge, problem: str) -> None:
        self.edge = edge
        self.problem = problem
        where = f"relationship {edge.edge_id}" if edge.edge_id is not None else "relationship"
        super().__init__(
            f"{where} {edge.owner} -> {edge.owned} ({edge.kind}): {problem}",
            hint="Fix or remove the relationship; an unknown share is recorded as no share, never as zero.",
        )


@dataclass(frozen=True, slots=True)
class Edge:
    """``owner`` owns / controls ``owned``; ``share`` in percent, None = unknown."""

    owner: int
    owned: int
    share: Decimal | None
    kind: str = "ownership"
    since: date | None = None
    until: date | None = None
    source: str | None = None
    edge_id: int | None = None

    @property
    def is_ownership(self) -> bool:
        return self.kind in OWNERSHIP_KINDS

    @property
    def is_control(self) -> bool:
        return self.kind in CONTROL_KINDS

    def active(self, on: date) -> bool:
        """True when the edge holds on ``on`` (``since`` and ``until`` both inclusive)."""
        if self.since is not None and on < self.since:
            return False
        return not (self.until is not None and on > self.until)


def _check(edge: Edge) -> Edge:
    kind = edge.kind.strip().lower()
    if kind not in KINDS:
        raise InvalidEdgeError(
            edge, f"unknown kind {edge.kind!r} (expected one of {', '.join(sorted(KINDS))})"
        )
    share = edge.share
    if share is not None:
        if not isinstance(share, Decimal):
            share = Decimal(str(share))
        if not share.is_finite() or share < ZERO or share > HUNDRED:
            raise InvalidEdgeError(edge, f"share {edge.share} is not a percentage between 0 and 100")
    if edge.since is not None and edge.until is not None and edge.until < edge.since:
        raise InvalidEdgeError(edge, f"ends ({edge.until}) before it starts ({edge.since})")
    if kind != edge.kind or share is not edge.share:
        return Edge(edge.owner, edge.owned, share, kind, edge.since, edge.until, edge.source, edge.edge_id)
    return edge


@dataclass(slots=True)
class OwnershipGraph:
    """Adjacency both ways, split by what an edge means.

    ``owners_of[n]`` / ``holdings_of[n]``: ownership edges into / out of ``n``;
    ``controllers_of[n]`` / ``controlled_by[n]``: control edges into / out of
    ``n``; ``other``: the remaining kinds, kept for display. Build it once with
    ``OwnershipGraph.build(edges)`` and reuse it for every query: it is not
    changed by any computation.
    """

    owners_of: dict[int, list[Edge]] = field(default_factory=dict)
    holdings_of: dict[int, list[Edge]] = field(default_factory=dict)
    controllers_of: dict[int, list[Edge]] = field(default_factory=dict)
    controlled_by: dict[int, list[Edge]] = field(default_factory=dict)
    other: list[Edge] = field(default_factory=list)
    # True when no ownership edge has a date window: the date checks are skipped.
    undated: bool = True
    edge_count: int = 0

    @classmethod
    def build(cls, edges: Iterable[Edge]) -> OwnershipGraph:
        """Check every edge (kind, share range, dates) and index it both ways.

        Raises ``InvalidEdgeError`` on the first edge that cannot be used.
        """
        graph = cls()
        for raw in edges:
            edge = _check(raw)
            graph.edge_count += 1
            if edge.kind in OWNERSHIP_KINDS:
                graph.owners_of.setdefault(edge.owned, []).append(edge)
                graph.holdings_of.setdefault(edge.owner, []).append(edge)
                if edge.since is not None or edge.until is not None:
                    graph.undated = False
            elif edge.kind in CONTROL_KINDS:
                graph.controllers_of.setdefault(edge.owned, []).append(edge)
                graph.controlled_by.setdefault(edge.owner, []).append(edge)
            else:
                graph.other.append(edge)
        return graph

    @property
    def nodes(self) -> set[int]:
        """Every entity that appears on an ownership or control edge."""
        found: set[int] = set()
        for index in (self.owners_of, self.holdings_of, self.controllers_of, self.controlled_by):
            found.update(index)
        return found

    def owners(self, entity: int, on: date) -> list[Edge]:
        """Ownership edges into ``entity`` active on ``on``."""
        edges = self.owners_of.get(entity, [])
        return edges if self.undated else [e for e in edges if e.active(on)]

    def holdings(self, entity: int, on: date) -> list[Edge]:
        """Ownership edges out of ``entity`` active on ``on``."""
        edges = self.holdings_of.get(entity, [])
        return edges if self.undated else [e for e in edges if e.active(on)]

    def controllers(self, entity: int, on: date) -> list[Edge]:
        """Control edges into ``entity`` active on ``on``."""
        return [e for e in self.controllers_of.get(entity, []) if e.active(on)]

    def controlled(self, entity: int, on: date) -> list[Edge]:
        """Control edges out of ``entity`` active on ``on``."""
        return [e for e in self.controlled_by.get(entity, []) if e.active(on)]

    def residual(self, entity: int, on: date) -> Decimal:
        """100 minus the known shares of every active owner of ``entity`` (never below 0).

        The most that all of its unknown-share owners together can hold.
        """
        known = sum((e.share for e in self.owners(entity, on) if e.share is not None), ZERO)
        return max(ZERO, HUNDRED - known)


def resolve_date(as_of: date | None) -> date:
    """``as_of`` itself, or today when None."""
    return as_of if as_of is not None else date.today()


__all__ = [
    "CONTROL_KINDS",
    "KINDS",
    "OTHER_KINDS",
    "OWNERSHIP_KINDS",
    "Edge",
    "InvalidEdgeError",
    "OwnershipGraph",
    "resolve_date",
]
