"""Ownership exposure of one entity: OFAC's 50% rule and control ties, with evidence.

Reads the ties and the blocking designations from the database, runs the pure
computation in ``compliance.graph`` and returns plain data with names, for the
CLI and for deal memos.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from compliance import settings
from compliance.db import entities_repo, lists_repo, ownership_repo
from compliance.db.session import session_scope
from compliance.entities.service import find_entity
from compliance.errors import UsageError
from compliance.graph import (
    Edge,
    Link,
    OwnershipGraph,
    RuleResult,
    TreeNode,
    control_ties,
    fifty_percent_rule,
    tree,
)
from compliance.lists.sources import all_sources


@dataclass(frozen=True)
class Step:
    owner: str
    owned: str
    share: Decimal | None
    kind: str
    source: str | None


@dataclass
class ExposureView:
    entity_id: int
    name: str
    as_of: date
    status: str  # blocked | not_blocked | undetermined
    listed: list[ownership_repo.BlockingRow]
    lower_pct: Decimal
    upper_pct: Decimal
    chains: list[tuple[list[Step], Decimal, bool]] = field(default_factory=list)
    intermediaries: list[tuple[str, Decimal, Decimal, bool]] = field(default_factory=list)
    gaps: list[tuple[Step, Decimal]] = field(default_factory=list)
    control: list[tuple[str, bool, list[Step]]] = field(default_factory=list)
    blocking_owners: dict[int, list[ownership_repo.BlockingRow]] = field(default_factory=dict)


def parse_share(text: str | None) -> Decimal | None:
    """ "51", "51.5", "51%" -> Decimal; None or "unknown" -> None (unknown, never zero)."""
    if text is None or text.strip().lower() in ("", "unknown", "?"):
        return None
    try:
        value = Decimal(text.strip().rstrip("%").strip())
    except InvalidOperation:
        raise UsageError(
            f"Share {text!r} is not a percentage: give e.g. 51 or 12.5, or leave it out."
        ) from None
    if not Decimal(0) < value <= Decimal(100):
        raise UsageError(f"Share {text!r} must be above 0 and at most 100 (leave it out when unknown).")
    return value


def _blocking_rules() -> tuple[list[str], dict[str, tuple[str, ...]]]:
    sources = all_sources().values()
    return (
        [s.key for s in sources if s.blocking],
        {s.key: s.blocking_sublists for s in sources if s.blocking_sublists},
    )


def load_graph() -> tuple[OwnershipGraph, dict[int, list[ownership_repo.BlockingRow]]]:
    whole, sublists = _blocking_rules()
    with session_scope() as session:
        rows = ownership_repo.ties(session)
        blocking = ownership_repo.blocking_designations(session, whole, sublists)
    edges = [Edge(r.owner, r.owned, r.share, r.kind, r.since, r.until, r.source, r.id) for r in rows]
    by_entity: dict[int, list[ownership_repo.BlockingRow]] = {}
    for row in blocking:
        by_entity.setdefault(row.entity_id, []).append(row)
    return OwnershipGraph.build(edges), by_entity


def _resolve(text: str) -> int:
    with session_scope() as session:
        return entities_repo.root_of(session, find_entity(session, text))


def add_tie(
    owner: str,
    owned: str,
    *,
    share: str | None = None,
    since: date | None = None,
    until: date | None = None,
    source: str | None = None,
    control: bool = False,
    actor: str | None = None,
) -> tuple[int, int, int]:
    """Record that ``owner`` owns (or, with ``control``, controls) ``owned``.

    Returns the ids of the tie, the owner and the entity owned.
    """
    pct = parse_share(share)
    if control and pct is not None:
        raise UsageError("--control records control without known equity: leave out --share.")
    if since and until and until < since:
        raise UsageError("--until is before --since.")
    owner_id, owned_id = _resolve(owner), _resolve(owned)
    if owner_id == owned_id:
        raise UsageError("An entity cannot own itself: owner and owned are the same entity.")
    kind = "control" if control else "ownership"
    with session_scope() as session:
        tie_id = entities_repo.upsert_relationship(
            session, owner_id, owned_id, kind, share_pct=pct, since=since, until=until, source=source
        )
        lists_repo.add_audit(
            session,
            actor or settings.ACTOR,
            "ownership.recorded",
            "relationship",
            str(tie_id),
            {
                "owner": owner_id,
                "owned": owned_id,
                "kind": kind,
                "share": str(pct) if pct is not None else "unknown",
                "since": since.isoformat() if since else None,
                "until": until.isoformat() if until else None,
                "source": source,
            },
        )
    return tie_id, owner_id, owned_id


def ownership_tree(text: str, direction: str = "up", depth: int = 5) -> tuple[TreeNode, dict[int, str]]:
    if direction not in ("up", "down"):
        raise UsageError("Direction must be up (owners) or down (holdings).")
    if not 1 <= depth <= 50:
        raise UsageError("--depth must be between 1 and 50.")
    entity = _resolve(text)
    graph, _ = load_graph()
    root = tree(graph, entity, "up" if direction == "up" else "down", depth)
    with session_scope() as session:
        names = ownership_repo.names(session, [node.entity for node in root.walk()])
    return root, names


def exposure(text: str, as_of: date | None = None) -> ExposureView:
    entity = _resolve(text)
    graph, blocking = load_graph()
    listed = set(blocking)
    result: RuleResult = fifty_percent_rule(graph, entity, listed, as_of)
    ties = control_ties(graph, entity, listed, as_of)
    ids = {entity}
    for chain in result.chains:
        ids.update(link.owner for link in chain.links)
        ids.update(link.owned for link in chain.links)
    for gap in result.gaps:
        ids.update((gap.link.owner, gap.link.owned))
    for tie in ties:
        ids.update(link.owner for link in tie.chain)
        ids.update(link.owned for link in tie.chain)
    ids.update(i.entity for i in result.intermediaries)
    with session_scope() as session:
        names = ownership_repo.names(session, ids)

    def step(link: Link) -> Step:
        return Step(
            names.get(link.owner, f"#{link.owner}"),
            names.get(link.owned, f"#{link.owned}"),
            link.share,
            link.kind,
            link.source,
        )

    view = ExposureView(
        entity_id=entity,
        name=names.get(entity, f"#{entity}"),
        as_of=result.as_of,
        status=result.status,
        listed=blocking.get(entity, []),
        lower_pct=result.lower_pct,
        upper_pct=result.upper_pct,
    )
    for chain in result.chains:
        view.chains.append(([step(link) for link in chain.links], chain.contribution, chain.certain))
    for inter in result.intermediaries:
        view.intermediaries.append(
            (names.get(inter.entity, f"#{inter.entity}"), inter.lower_pct, inter.upper_pct, inter.certain)
        )
    for gap in result.gaps:
        view.gaps.append((step(gap.link), gap.max_share))
    for tie in ties:
        view.control.append(
            (names.get(tie.controller, f"#{tie.controller}"), tie.listed, [step(link) for link in tie.chain])
        )
    origins = {chain.origin for chain in result.chains} | {tie.controller for tie in ties}
    view.blocking_owners = {eid: blocking[eid] for eid in origins if eid in blocking}
    return view
