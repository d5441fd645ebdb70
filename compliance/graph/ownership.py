"""OFAC's 50% rule over an ownership graph, with bounds for unknown shares.

The rule (OFAC, "Revised Guidance on Entities Owned by Persons Whose Property
and Interests in Property Are Blocked", 13 August 2014): an entity owned 50% or
more, directly or indirectly, individually or in the aggregate, by one or more
blocked persons is itself blocked, whether or not it is on any list.

What we compute
---------------
*Blocked* is the smallest set that contains the listed blocked persons and
every entity whose blocked owners together hold 50% or more of it. It is found
as a least fixed point: start from the listed persons and, each time an entity
becomes blocked, add its holdings to the entities it owns; an entity whose
blocked-held share reaches 50% becomes blocked in turn. Every edge is looked at
once per blocked owner, so cycles (A owns B owns A, self-ownership, long loops)
end, and nothing is blocked by its own holdings alone: a ring of companies
owning each other is blocked only when blocked persons reach into it.

The *aggregate share held by blocked persons* in an entity is the sum of the
shares its blocked direct holders hold, listed or blocked by the rule. A blocked
intermediary is wholly blocked property, so its holding counts in full, not in
proportion to how much of it the blocked person owns. An intermediary that is
not blocked passes nothing on.

Reconciling this with "shares multiplied along a path, summed across paths and
owners" (issue 4): multiplying along a path is the look-through economic
interest. It is not what OFAC tests. Under the guidance, a step into a blocked
intermediary has factor 100% (the intermediary is blocked, so all of its
property is), and a step into an intermediary that is not blocked has factor 0
(the chain is broken). So each chain contributes the share of its *last* link
(the blocked holder's direct stake in the entity). The figures agree by
construction:

* ``RuleResult.lower_pct`` is the sum of ``Chain.contribution`` over the chains;
* each chain also carries ``look_through_pct``, the plain product of its
  shares, as information only (for example 25% for example 3 below, where the
  rule attributes 50%).

The guidance's worked examples, as this module computes them (X and Y blocked):

1. X owns 50% of A: A's aggregate is 50%, so A is blocked.
2. X owns 25% of A and Y owns 25% of A: 25 + 25 = 50%, so A is blocked.
3. X owns 50% of A, and A owns 50% of B: A is blocked, so A's 50% of B counts in
   full and B is blocked. The chain X -> A -> B contributes 50%, with a
   look-through of 25%.
4. X owns 50% of A, A owns 25% of B, and X owns 25% of B directly: A is blocked,
   and B's aggregate is 25 (via A) + 25 (direct) = 50%, so B is blocked.
5. X owns 40% of A (so A is not blocked), and A owns 100% of B: the chain is
   broken at A, and B is not blocked through X. (The guidance still asks for
   caution with such entities; ``control_ties`` reports control separately.)

Unknown shares
--------------
A share recorded as unknown is never read as zero. Two scenarios bound the
answer:

* lower: every unknown share is 0;
* upper: the unknown-share owners of an entity together hold everything its
  known owners leave (100% minus the known shares of all its owners,
  ``OwnershipGraph.residual``), given to the blocked ones.

Both are computed with the same fixed point. Both bounds are reached by some
feasible assignment of the unknown shares (each entity's owners sum to at most
100%), so they are tight. Status is ``blocked`` when the lower bound reaches
50% (or the entity is itself listed), ``not_blocked`` when even the upper bound
stays under 50%, and ``undetermined`` otherwise. In that case ``gaps`` lists the
unknown-share edges that could change the answer: an edge whose owner may be
blocked, into the entity or into an intermediary whose own status is open.

Cost: one call collects the entity's upstream subgraph (every entity with an
ownership path to it), then runs each scenario's fixed point inside it, so it
is linear in the size of that subgraph. Whether an entity is blocked depends
only on its upstream, so nothing outside it is needed. To screen many entities
against the same list on the same date, compute ``blocked_closure`` once over
the whole graph and pass it as ``closure=``. Each call is then a lookup plus the
evidence.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Set
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Literal

from compliance.graph.model import ZERO, Edge, OwnershipGraph, resolve_date

# OFAC's threshold, in percent: owned "50 percent or more" means blocked.
THRESHOLD = Decimal(50)

Status = Literal["blocked", "not_blocked", "undetermined"]


@dataclass(frozen=True, slots=True)
class Link:
    """One step of a chain: ``owner`` holds ``share`` percent (None = unknown) of ``owned``."""

    owner: int
    owned: int
    share: Decimal | None
    kind: str
    source: str | None
    edge_id: int | None = None
    since: date | None = None
    until: date | None = None

    @classmethod
    def of(cls, edge: Edge) -> Link:
        return cls(
            edge.owner, edge.owned, edge.share, edge.kind, edge.source, edge.edge_id, edge.since, edge.until
        )


@dataclass(frozen=True, slots=True)
class Chain:
    """Evidence: a path of holdings from a listed blocked person to the entity.

    Every intermediate entity on ``links`` is blocked (``certain``) or may be
    blocked if unknown shares are high (not ``certain``). ``holder`` is the
    last owner, holding ``share`` of the entity directly. ``contribution`` is
    what this chain adds to ``RuleResult.lower_pct``: the holder's share when
    the holder is surely blocked and the share is known, else 0.
    ``look_through_pct`` is the product of the shares along the links (None if
    one is unknown). It is shown for information and is not what the rule adds up.
    """

    links: tuple[Link, ...]
    origin: int
    holder: int
    share: Decimal | None
    contribution: Decimal
    certain: bool
    look_through_pct: Decimal | None


@dataclass(frozen=True, slots=True)
class Intermediary:
    """An entity on a chain that is not listed itself but blocked by the rule.

    ``certain`` means it is blocked even with every unknown share at 0.
    Otherwise it is blocked only in the upper scenario.
    """

    entity: int
    lower_pct: Decimal
    upper_pct: Decimal
    certain: bool


@dataclass(frozen=True, slots=True)
class Gap:
    """An unknown share that could change the answer, and the most it can be."""

    link: Link
    max_share: Decimal


@dataclass(frozen=True, slots=True)
class RuleResult:
    entity: int
    as_of: date
    status: Status
    listed: bool
    lower_pct: Decimal
    upper_pct: Decimal
    chains: tuple[Chain, ...]
    intermediaries: tuple[Intermediary, ...]
    gaps: tuple[Gap, ...]
    threshold: Decimal = THRESHOLD

    @property
    def blocked(self) -> bool:
        return self.status == "blocked"


@dataclass(slots=True)
class _Scenario:
    """The fixed point of one scenario: who is blocked, in what order, and why."""

    order: dict[int, int] = field(default_factory=dict)
    known: dict[int, Decimal] = field(default_factory=dict)
    unknown: set[int] = field(default_factory=set)
    # For each entity blocked by the rule: its largest holding from an entity
    # blocked before it. Following these ends at a listed person.
    parent: dict[int, Edge] = field(default_factory=dict)
    residuals: dict[int, Decimal] = field(default_factory=dict)

    def pct(self, entity: int) -> Decimal:
        """The aggregate blocked-held share of ``entity`` in this scenario."""
        value = self.known.get(entity, ZERO)
        if entity in self.unknown:
            value += self.residuals[entity]
        return value

    def path(self, entity: int) -> list[Edge]:
        """The holdings from a listed person down to ``entity`` (empty when listed)."""
        edges: list[Edge] = []
        while entity in self.parent:
            edge = self.parent[entity]
            edges.append(edge)
            entity = edge.owner
        edges.reverse()
        return edges


@dataclass(frozen=True, slots=True)
class BlockedClosure:
    """Both scenarios' fixed points for one blocked set on one date; reusable across entities."""

    as_of: date
    listed: frozenset[int]
    lower: _Scenario
    upper: _Scenario

    def is_blocked(self, entity: int) -> bool:
        """Blocked even with unknown shares at 0 (listed, or by the rule)."""
        return entity in self.lower.order


def _fixed_point(
    graph: OwnershipGraph, listed: Iterable[int], on: date, upper: bool, within: Set[int] | None = None
) -> _Scenario:
    """Least fixed point from the ``listed`` seeds; only entities in ``within`` when given."""
    sc = _Scenario()
    queue: deque[int] = deque()
    for person in listed:
        if person not in sc.order:
            sc.order[person] = len(sc.order)
            queue.append(person)
    best: dict[int, Decimal] = {}
    order, known, unknown, residuals, parent = sc.order, sc.known, sc.unknown, sc.residuals, sc.parent
    while queue:
        holder = queue.popleft()
        for edge in graph.holdings(holder, on):
            target = edge.owned
            if within is not None and target not in within:
                continue
            share = edge.share
            if share is None:
                if not upper or target in unknown:
                    continue
                unknown.add(target)
                weight = residuals[target] = graph.residual(target, on)
            else:
                known[target] = known.get(target, ZERO) + share
                weight = share
            if target in order:
                continue
            if target not in best or weight > best[target]:
                best[target] = weight
                parent[target] = edge
            total = known.get(target, ZERO)
            if target in unknown:
                total += residuals[target]
            if total >= THRESHOLD:
                order[target] = len(order)
                queue.append(target)
    # Keep parents only for the entities the rule blocked.
    for entity in [e for e in parent if e not in order]:
        del parent[entity]
    return sc


def blocked_closure(graph: OwnershipGraph, blocked: Set[int], as_of: date | None = None) -> BlockedClosure:
    """Every entity blocked by the 50% rule, in both scenarios, for ``blocked`` on ``as_of``.

    Costs one walk over the holdings of everything blocked. Worth it when many
    entities are screened against the same list on the same date.
    """
    on = resolve_date(as_of)
    listed = frozenset(blocked)
    seeds = sorted(listed)
    return BlockedClosure(
        as_of=on,
        listed=listed,
        lower=_fixed_point(graph, seeds, on, upper=False),
        upper=_fixed_point(graph, seeds, on, upper=True),
    )


def upstream(graph: OwnershipGraph, entity: int, on: date, *, control: bool = False) -> set[int]:
    """``entity`` and every entity with an active ownership path to it (and control path, if asked).

    The set is closed under ownership: every owner of a member is a member.
    So whether a member is blocked depends only on the set.
    """
    seen = {entity}
    stack = [entity]
    while stack:
        node = stack.pop()
        edges = graph.owners(node, on)
        if control:
            edges = edges + graph.controllers(node, on)
        for edge in edges:
            if edge.owner not in seen:
                seen.add(edge.owner)
                stack.append(edge.owner)
    return seen


def _local_closure(
    graph: OwnershipGraph, entity: int, blocked: Set[int], on: date, *, control: bool = False
) -> BlockedClosure:
    """The fixed points restricted to the entity's upstream: valid for every entity in it."""
    scope = upstream(graph, entity, on, control=control)
    seeds = sorted(n for n in scope if n in blocked)
    return BlockedClosure(
        as_of=on,
        listed=frozenset(blocked),
        lower=_fixed_point(graph, seeds, on, upper=False, within=scope),
        upper=_fixed_point(graph, seeds, on, upper=True, within=scope),
    )


def _product(links: Iterable[Link]) -> Decimal | None:
    value = Decimal(1)
    for link in links:
        if link.share is None:
            return None
        value = value * link.share / 100
    return value * 100


def fifty_percent_rule(
    graph: OwnershipGraph,
    entity: int,
    blocked: Set[int],
    as_of: date | None = None,
    *,
    closure: BlockedClosure | None = None,
) -> RuleResult:
    """Apply OFAC's 50% rule to ``entity`` given the listed ``blocked`` persons.

    Without ``closure``, the fixed points run over the entity's upstream
    subgraph only. With ``closure`` (from ``blocked_closure`` for the same
    set and date) nothing is recomputed, which pays off when screening many
    entities.
    """
    on = resolve_date(as_of)
    if closure is None or closure.as_of != on or closure.listed != blocked:
        closure = _local_closure(graph, entity, blocked, on)
    lower, upper = closure.lower, closure.upper
    listed = entity in closure.listed

    chains: list[Chain] = []
    seen_inter: dict[int, None] = {}
    lower_pct = ZERO
    upper_known = ZERO
    upper_unknown = False
    for edge in sorted(graph.owners(entity, on), key=_edge_key):
        holder = edge.owner
        if holder not in upper.order:
            continue
        certain_holder = holder in lower.order
        scenario = lower if certain_holder else upper
        path = [Link.of(e) for e in scenario.path(holder)]
        links = (*path, Link.of(edge))
        certain = certain_holder and edge.share is not None
        contribution = edge.share if certain and edge.share is not None else ZERO
        lower_pct += contribution
        if edge.share is None:
            upper_unknown = True
        else:
            upper_known += edge.share
        chains.append(
            Chain(
                links=links,
                origin=links[0].owner,
                holder=holder,
                share=edge.share,
                contribution=contribution,
                certain=certain,
                look_through_pct=_product(links),
            )
        )
        for link in links[1:]:
            if link.owner != entity and link.owner not in closure.listed:
                seen_inter[link.owner] = None

    upper_pct = upper_known + (graph.residual(entity, on) if upper_unknown else ZERO)
    status: Status
    if listed or lower_pct >= THRESHOLD:
        status = "blocked"
    elif upper_pct < THRESHOLD:
        status = "not_blocked"
    else:
        status = "undetermined"

    intermediaries = tuple(Intermediary(n, lower.pct(n), upper.pct(n), n in lower.order) for n in seen_inter)
    gaps = _gaps(graph, entity, closure, on) if status == "undetermined" else ()
    chains.sort(key=lambda c: (not c.certain, -(c.share if c.share is not None else Decimal(-1)), c.holder))
    return RuleResult(
        entity=entity,
        as_of=on,
        status=status,
        listed=listed,
        lower_pct=lower_pct,
        upper_pct=upper_pct,
        chains=tuple(chains),
        intermediaries=intermediaries,
        gaps=gaps,
    )


def _edge_key(edge: Edge) -> tuple[int, int]:
    return (edge.owner, edge.edge_id if edge.edge_id is not None else -1)


def _gaps(graph: OwnershipGraph, entity: int, closure: BlockedClosure, on: date) -> tuple[Gap, ...]:
    """Unknown shares held by possibly-blocked owners in the entity or in an open intermediary.

    An intermediary is open when it is blocked in the upper scenario only and
    reaches the entity through possibly-blocked holders.
    """
    lower, upper = closure.lower, closure.upper
    open_nodes: list[int] = [entity]
    seen = {entity}
    queue = deque([entity])
    while queue:
        node = queue.popleft()
        for edge in graph.owners(node, on):
            owner = edge.owner
            if owner in upper.order and owner not in seen:
                seen.add(owner)
                if owner not in lower.order:
                    open_nodes.append(owner)
                    queue.append(owner)
    gaps: list[Gap] = []
    for node in open_nodes:
        residual: Decimal | None = None
        for edge in sorted(graph.owners(node, on), key=_edge_key):
            if edge.share is None and edge.owner in upper.order:
                if residual is None:
                    residual = graph.residual(node, on)
                gaps.append(Gap(Link.of(edge), residual))
    return tuple(gaps)


# ------------------------------------------------------------------ control


@dataclass(frozen=True, slots=True)
class ControlTie:
    """A blocked party that controls the entity without (enough) ownership.

    ``chain`` runs from ``controller`` to the entity. It has at least one
    control or directorship link. Its other links are majority holdings
    (over 50%) by controlled intermediaries. ``listed`` is False when the
    controller is blocked by the 50% rule rather than listed.
    """

    controller: int
    listed: bool
    chain: tuple[Link, ...]


def control_ties(
    graph: OwnershipGraph,
    entity: int,
    blocked: Set[int],
    as_of: date | None = None,
    *,
    closure: BlockedClosure | None = None,
) -> tuple[ControlTie, ...]:
    """Blocked persons that control ``entity``, directly or through controlled intermediaries.

    Reported apart from the 50% rule, which is about ownership only. Control
    passes along ``control`` and ``directorship`` edges, and along majority
    holdings (over 50%) of an intermediary that is itself controlled. A chain
    made only of holdings is the 50% rule's business, so it is not reported
    here. The search stops at the first blocked party on each path: listed, or
    blocked by the rule with unknown shares at 0. It returns one shortest chain
    per controller.
    """
    on = resolve_date(as_of)
    if closure is None or closure.as_of != on or closure.listed != blocked:
        closure = _local_closure(graph, entity, blocked, on, control=True)
    is_blocked = closure.lower.order
    State = tuple[int, bool]
    start: State = (entity, False)
    came_from: dict[State, tuple[State, Edge]] = {}
    seen: set[State] = {start}
    queue: deque[State] = deque([start])
    ties: dict[int, ControlTie] = {}
    while queue:
        state = queue.popleft()
        node, via_control = state
        steps: list[tuple[Edge, bool]] = [(e, True) for e in graph.controllers(node, on)]
        steps += [
            (e, via_control) for e in graph.owners(node, on) if e.share is not None and e.share > THRESHOLD
        ]
        for edge, flag in sorted(steps, key=lambda s: _edge_key(s[0])):
            nxt: State = (edge.owner, flag)
            if nxt in seen:
                continue
            seen.add(nxt)
            came_from[nxt] = (state, edge)
            if edge.owner in is_blocked and edge.owner != entity:
                if flag and edge.owner not in ties:
                    ties[edge.owner] = ControlTie(
                        controller=edge.owner,
                        listed=edge.owner in closure.listed,
                        chain=tuple(_walk_back(came_from, nxt, start)),
                    )
                continue
            queue.append(nxt)
    return tuple(ties.values())


def _walk_back(
    came_from: dict[tuple[int, bool], tuple[tuple[int, bool], Edge]],
    state: tuple[int, bool],
    start: tuple[int, bool],
) -> list[Link]:
    links: list[Link] = []
    while state != start:
        prev, edge = came_from[state]
        links.append(Link.of(edge))
        state = prev
    return links


__all__ = [
    "THRESHOLD",
    "BlockedClosure",
    "Chain",
    "ControlTie",
    "Gap",
    "Intermediary",
    "Link",
    "RuleResult",
    "Status",
    "blocked_closure",
    "control_ties",
    "fifty_percent_rule",
    "upstream",
]
