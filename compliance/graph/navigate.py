"""Walking the graph for display and for deal assessment: trees and neighbourhoods.

``tree`` gives the nested owners (``direction="up"``) or holdings
(``direction="down"``) of an entity, for the CLI to draw. It follows ownership
and control edges (``family``/``associate``/``linked`` are not ownership, so
they are left out). Each entity is expanded once. A later appearance is marked
``repeated``, and an appearance under itself is marked ``cycle``. Neither is
expanded again, so a cycle ends the branch.

``neighbourhood`` collects the owners up to the ultimate parents, the
subsidiaries, and the sister companies (other entities held by the same
parents) of an entity.

Both take ``as_of`` (None = today) and ignore edges outside their dates, unless
``include_inactive`` asks for the whole history. Each node then carries its
edge's dates so the history can be shown.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from datetime import date
from typing import Literal

from compliance.errors import UsageError
from compliance.graph.model import Edge, OwnershipGraph, resolve_date
from compliance.graph.ownership import Link

Direction = Literal["up", "down"]

# The deepest tree the CLI may ask for; real ownership chains are far shorter.
MAX_TREE_DEPTH = 200


@dataclass(frozen=True, slots=True)
class TreeNode:
    """One entity in a tree; ``link`` is the edge to its parent node (None for the root).

    ``cycle``: the entity is already one of this node's ancestors. ``repeated``:
    it was expanded elsewhere in the tree. ``truncated``: the depth limit cut
    off more edges below it. In all three cases ``children`` is empty.
    """

    entity: int
    link: Link | None
    depth: int
    children: tuple[TreeNode, ...] = ()
    cycle: bool = False
    repeated: bool = False
    truncated: bool = False

    def walk(self) -> list[TreeNode]:
        """This node and every node below it, depth first (the order to print)."""
        out: list[TreeNode] = []
        stack = [self]
        while stack:
            node = stack.pop()
            out.append(node)
            stack.extend(reversed(node.children))
        return out


def _edges(
    graph: OwnershipGraph, entity: int, direction: Direction, on: date, everything: bool
) -> list[Edge]:
    if direction == "up":
        edges = graph.owners_of.get(entity, []) + graph.controllers_of.get(entity, [])
    else:
        edges = graph.holdings_of.get(entity, []) + graph.controlled_by.get(entity, [])
    if not everything:
        edges = [e for e in edges if e.active(on)]
    # Largest known stakes first, then unknown stakes, then control; ties by id for a stable order.
    return sorted(
        edges,
        key=lambda e: (
            not e.is_ownership,
            e.share is None,
            -(e.share or 0),
            e.owner if direction == "up" else e.owned,
            e.edge_id or 0,
        ),
    )


def tree(
    graph: OwnershipGraph,
    entity: int,
    direction: Direction = "up",
    depth: int = 10,
    as_of: date | None = None,
    *,
    include_inactive: bool = False,
) -> TreeNode:
    """The owners (``up``) or holdings (``down``) of ``entity`` to ``depth`` levels."""
    if direction not in ("up", "down"):
        raise UsageError(f"direction must be 'up' or 'down', not {direction!r}")
    if not 0 <= depth <= MAX_TREE_DEPTH:
        raise UsageError(f"depth must be between 0 and {MAX_TREE_DEPTH}, not {depth}")
    on = resolve_date(as_of)
    expanded: set[int] = set()

    def build(node: int, link: Link | None, level: int, ancestors: frozenset[int]) -> TreeNode:
        if node in ancestors:
            return TreeNode(node, link, level, cycle=True)
        if node in expanded:
            return TreeNode(node, link, level, repeated=True)
        edges = _edges(graph, node, direction, on, include_inactive)
        if level >= depth:
            return TreeNode(node, link, level, truncated=bool(edges))
        expanded.add(node)
        inner = ancestors | {node}
        children = tuple(
            build(e.owner if direction == "up" else e.owned, Link.of(e), level + 1, inner) for e in edges
        )
        return TreeNode(node, link, level, children)

    return build(entity, None, 0, frozenset())


@dataclass(frozen=True, slots=True)
class Relative:
    """An entity near the one asked about. ``link`` is how it was reached: the
    edge to (owners, subsidiaries) or from (sisters) the previous entity."""

    entity: int
    level: int
    link: Link


@dataclass(frozen=True, slots=True)
class Neighbourhood:
    entity: int
    owners: tuple[Relative, ...]
    ultimate_parents: tuple[int, ...]
    subsidiaries: tuple[Relative, ...]
    # Other entities held directly by one of the owners; ``level`` is that owner's level.
    sisters: tuple[Relative, ...]


def _bfs(
    graph: OwnershipGraph, entity: int, direction: Direction, levels: int, on: date, everything: bool
) -> tuple[list[Relative], list[int]]:
    """Entities within ``levels`` steps; also those found with no further edges (the tops/bottoms)."""
    found: list[Relative] = []
    ends: list[int] = []
    seen = {entity}
    queue: deque[tuple[int, int]] = deque([(entity, 0)])
    while queue:
        node, level = queue.popleft()
        edges = _edges(graph, node, direction, on, everything)
        if not edges and node != entity:
            ends.append(node)
        if level >= levels:
            continue
        for edge in edges:
            other = edge.owner if direction == "up" else edge.owned
            if other in seen:
                continue
            seen.add(other)
            found.append(Relative(other, level + 1, Link.of(edge)))
            queue.append((other, level + 1))
    return found, ends


def neighbourhood(
    graph: OwnershipGraph,
    entity: int,
    up: int = 10,
    down: int = 2,
    as_of: date | None = None,
    *,
    include_inactive: bool = False,
) -> Neighbourhood:
    """Owners up to ``up`` levels, subsidiaries down to ``down`` levels, and sister companies.

    ``ultimate_parents`` are the owners found that have no owner themselves
    (within the levels searched). A cycle has no such top, so they are absent
    for an entity held only inside a ring. Sisters are the other direct
    holdings of every owner found: siblings under a direct parent (level 1),
    cousins under a grandparent (level 2), and so on. The entity, its owners
    and its subsidiaries are not repeated among them.
    """
    if up < 0 or down < 0:
        raise UsageError("up and down must be 0 or more levels")
    on = resolve_date(as_of)
    owners, tops = _bfs(graph, entity, "up", up, on, include_inactive)
    subsidiaries, _ = _bfs(graph, entity, "down", down, on, include_inactive)
    taken = {entity} | {r.entity for r in owners} | {r.entity for r in subsidiaries}
    sisters: list[Relative] = []
    for parent in owners:
        for edge in _edges(graph, parent.entity, "down", on, include_inactive):
            if edge.owned not in taken:
                taken.add(edge.owned)
                sisters.append(Relative(edge.owned, parent.level, Link.of(edge)))
    return Neighbourhood(
        entity=entity,
        owners=tuple(owners),
        ultimate_parents=tuple(tops),
        subsidiaries=tuple(subsidiaries),
        sisters=tuple(sisters),
    )


__all__ = ["MAX_TREE_DEPTH", "Direction", "Neighbourhood", "Relative", "TreeNode", "neighbourhood", "tree"]
