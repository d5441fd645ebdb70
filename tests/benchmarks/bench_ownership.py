"""Benchmark: OFAC 50% rule over a synthetic graph of 100,000 entities and 300,000 ownership edges.

The graph is generated from a fixed seed and has a realistic shape:

- 20,000 natural persons, 3,000 of them blocked, who hold the top companies of
  corporate groups (one to four shareholders each);
- 80,000 companies in layered groups with heavy-tailed sizes (1 to 2,000,
  fanout 2 to 6). Each company below the top has a parent in the layer above (mostly a
  majority or whole stake). About half also have a second owner inside the
  group (joint ventures, minority partners). The known shares into a company
  never add up to more than 100%;
- cross-holdings between groups (minority stakes of 1-20% in operating
  companies: 65% held by 2,000 investment vehicles, 32% by persons, 3% by
  other companies) make up the rest of the edges;
- 200 companies are listed themselves; 4% of the stakes are unknown; 8% have a
  date window; a few hundred back edges (a subsidiary holding a few percent of
  its parent) make cycles.

The graph is built once. ``fifty_percent_rule`` then runs for 1,000 random
companies with no precomputed closure (the cost of one interactive
``compliance exposure`` call), and again with a ``blocked_closure`` computed
once (batch screening). The baseline, measured in the same run, is a plain
BFS that collects each entity's upstream ownership subgraph, the least a
per-entity graph walk must do.

Run:  python tests/benchmarks/bench_ownership.py
      [--entities 100000] [--edges 300000] [--queries 1000] [--seed 7]
Stress (most upstream subgraphs span half the graph):
      python tests/benchmarks/bench_ownership.py --company-stakes 0.3 --queries 100
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import sys
import time
from collections import Counter, deque
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from compliance.graph import Edge, OwnershipGraph, blocked_closure, fifty_percent_rule  # noqa: E402

COMMAND = "python tests/benchmarks/bench_ownership.py"
TARGET_SECONDS = 1.0
AS_OF = date(2026, 11, 26)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_mb() -> float:
    """Resident memory now (Linux /proc); 0 where unavailable."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return 0.0
    return pages * resource.getpagesize() / 1024 / 1024


def generate(
    entities: int, edges: int, seed: int, company_stakes: float = 0.03
) -> tuple[list[Edge], set[int], list[int]]:
    """The synthetic edges, the blocked set and the list of company ids."""
    rnd = random.Random(seed)
    persons = entities // 5
    companies = list(range(persons, entities))
    blocked = set(rnd.sample(range(persons), 3_000))
    blocked |= set(rnd.sample(companies, 200))
    room: dict[int, int] = dict.fromkeys(range(entities), 100)
    out: list[Edge] = []
    seen: set[tuple[int, int]] = set()

    def add(owner: int, owned: int, share: int | None) -> bool:
        if (owner, owned) in seen:
            return False
        if share is not None:
            share = min(share, room[owned])
            if share <= 0:
                return False
            room[owned] -= share
        seen.add((owner, owned))
        since = until = None
        if rnd.random() < 0.08:
            since = date(rnd.randint(1995, 2025), rnd.randint(1, 12), 1)
            if rnd.random() < 0.5:
                until = date(since.year + rnd.randint(1, 8), since.month, 1)
        if share is not None and rnd.random() < 0.04:
            room[owned] += share
            share = None
        out.append(
            Edge(
                owner,
                owned,
                None if share is None else Decimal(share),
                "ownership",
                since,
                until,
                f"synthetic #{len(out)}",
                len(out),
            )
        )
        return True

    # Layered groups.
    groups: list[list[int]] = []
    i = 0
    while i < len(companies):
        size = min(len(companies) - i, 2_000, max(1, int(rnd.paretovariate(1.3) * 6)))
        groups.append(companies[i : i + size])
        i += size
    for group in groups:
        top = group[0]
        for _ in range(rnd.randint(1, 4)):
            add(rnd.randrange(persons), top, rnd.choice([10, 20, 25, 30, 40, 50, 60, 100]))
        fanout = rnd.randint(2, 6)
        for k in range(1, len(group)):
            child = group[k]
            parent = group[(k - 1) // fanout]  # a tree of layers, fanout 2 to 6
            add(parent, child, rnd.choice([100, 100, 100, 75, 60, 51, 50, 49, 30]))
            if rnd.random() < 0.5:  # a partner in the layer above or the same layer
                add(group[rnd.randrange((k - 1) // fanout, k)], child, rnd.choice([10, 20, 25, 49, 50]))
    # Cycles: a subsidiary holds a few percent of its group's top company.
    for group in rnd.sample([g for g in groups if len(g) > 3], 400):
        add(group[-1], group[0], rnd.choice([2, 5, 10]))
    # Cross-holdings up to the edge budget: mostly investment vehicles (the top
    # companies of 2,000 groups) and persons taking minority stakes, and some
    # company-to-company stakes across groups.
    funds = [g[0] for g in rnd.sample(groups, min(2_000, len(groups)))]
    fund_set = set(funds)
    held = [c for c in companies if c not in fund_set]
    attempts = 0
    while len(out) < edges and attempts < edges * 20:
        attempts += 1
        draw = rnd.random()
        if draw < company_stakes:
            owner = rnd.choice(companies)
        elif draw < company_stakes + (1 - company_stakes) * 0.67:
            owner = rnd.choice(funds)
        else:
            owner = rnd.randrange(persons)
        add(owner, rnd.choice(held), rnd.randint(1, 20))
    return out, blocked, companies


def upstream_bfs(graph: OwnershipGraph, entity: int, on: date) -> int:
    """Baseline: the entities with an active ownership path to ``entity``."""
    seen = {entity}
    queue = deque([entity])
    while queue:
        node = queue.popleft()
        for edge in graph.owners(node, on):
            if edge.owner not in seen:
                seen.add(edge.owner)
                queue.append(edge.owner)
    return len(seen)


def timed(fn: Callable[[int], object], sample: list[int]) -> tuple[list[float], list[object]]:
    times: list[float] = []
    results: list[object] = []
    for entity in sample:
        t0 = time.perf_counter()
        results.append(fn(entity))
        times.append(time.perf_counter() - t0)
    return times, results


def row(label: str, times: list[float], base: float | None, target: str) -> str:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    mean = statistics.fmean(times)
    ratio = f"{mean / base:.1f}x" if base else "-"
    return (
        f"| {label} | {mean * 1000:.2f} ms | {p95 * 1000:.2f} ms | {max(times) * 1000:.2f} ms "
        f"| {ratio} | {target} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--entities", type=int, default=100_000)
    parser.add_argument("--edges", type=int, default=300_000)
    parser.add_argument("--queries", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--company-stakes",
        type=float,
        default=0.03,
        help="share of the cross-holdings held by ordinary companies; 0.3 makes most upstreams huge (stress)",
    )
    args = parser.parse_args()

    t0 = time.perf_counter()
    edges, blocked, companies = generate(args.entities, args.edges, args.seed, args.company_stakes)
    generate_s = time.perf_counter() - t0
    rss_before = current_mb()

    t0 = time.perf_counter()
    graph = OwnershipGraph.build(edges)
    build_s = time.perf_counter() - t0
    rss_built = current_mb()

    sample = random.Random(args.seed + 1).sample(companies, args.queries)
    base_times, sizes = timed(lambda n: upstream_bfs(graph, n, AS_OF), sample)
    rule_times, results = timed(lambda n: fifty_percent_rule(graph, n, blocked, AS_OF), sample)
    t0 = time.perf_counter()
    closure = blocked_closure(graph, blocked, AS_OF)
    closure_s = time.perf_counter() - t0
    batch_times, _ = timed(lambda n: fifty_percent_rule(graph, n, blocked, AS_OF, closure=closure), sample)
    peak = peak_mb()

    base_mean = statistics.fmean(base_times)
    statuses = Counter(getattr(r, "status", "?") for r in results)
    upstream = sorted(int(s) for s in sizes if isinstance(s, int))
    unknown = sum(e.share is None for e in edges)
    dated = sum(e.since is not None or e.until is not None for e in edges)
    whole = blocked_closure(graph, blocked, AS_OF)
    ok = max(rule_times) <= TARGET_SECONDS

    print(f"## Ownership: OFAC 50% rule ({args.entities:,} entities, {len(edges):,} ownership edges)\n")
    print(
        f"Command: `{COMMAND} --entities {args.entities} --edges {args.edges} --queries {args.queries} "
        f"--seed {args.seed} --company-stakes {args.company_stakes}`\n"
    )
    print(
        f"Graph: {len(blocked):,} listed blocked parties; {unknown:,} unknown shares; {dated:,} dated edges; "
        f"{len(whole.lower.order) - len(blocked):,} entities blocked by the rule "
        f"(up to {len(whole.upper.order) - len(blocked):,} if unknown shares are high). "
        f"Upstream subgraph of the sampled entities: median {int(statistics.median(upstream)):,} entities, "
        f"max {upstream[-1]:,}. Results: "
        + ", ".join(f"{k} {v}" for k, v in sorted(statuses.items()))
        + ".\n"
    )
    print("| measurement | mean | p95 | max | vs baseline | target |")
    print("| --- | --- | --- | --- | --- | --- |")
    print(f"| generate the synthetic edges | {generate_s:.2f} s | | | | |")
    print(f"| build the graph once | {build_s:.2f} s | | | | |")
    print(row("baseline: BFS of the upstream ownership subgraph, per entity", base_times, None, ""))
    print(row("fifty_percent_rule, per entity (no precomputed closure)", rule_times, base_mean, "<= 1 s"))
    print(f"| blocked_closure once (both scenarios) | {closure_s * 1000:.2f} ms | | | | |")
    print(row("fifty_percent_rule, per entity, closure precomputed", batch_times, base_mean, ""))
    print(
        f"\nMemory (RSS): {rss_before:.0f} MB with the edges generated, {rss_built:.0f} MB with the graph "
        f"built ({rss_built - rss_before:.0f} MB for the graph); peak {peak:.0f} MB. "
        f"Target met: {'yes' if ok else 'NO'} "
        f"(max {max(rule_times):.3f} s per entity)."
    )


if __name__ == "__main__":
    main()
