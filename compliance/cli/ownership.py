"""``compliance ownership`` and ``compliance exposure``: who owns whom, and OFAC's 50% rule."""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal

import typer
from rich.table import Table
from rich.tree import Tree

from compliance.cli._output import console
from compliance.cli.lists import ready_database
from compliance.exposure import ownership as service
from compliance.graph import TreeNode

app = typer.Typer(help="Record and show ownership and control between entities.", no_args_is_help=True)


def pct(value: Decimal | None) -> str:
    """A share as officers read it; unknown stays unknown, never 0."""
    if value is None:
        return "unknown share"
    return f"{value.normalize():f}%"


@app.command("add")
def add(
    owner: str = typer.Argument(..., help="The owner: an entity id or its exact name."),
    owned: str = typer.Argument(..., help="The entity owned: an id or its exact name."),
    share: str | None = typer.Option(
        None, "--share", help="Equity share in percent; leave out when unknown."
    ),
    since: datetime | None = typer.Option(
        None, "--since", formats=["%Y-%m-%d"], help="Held since (YYYY-MM-DD)."
    ),
    until: datetime | None = typer.Option(
        None, "--until", formats=["%Y-%m-%d"], help="Held until (YYYY-MM-DD)."
    ),
    source: str | None = typer.Option(
        None, "--source", help="Where the fact comes from (filing, article, URL)."
    ),
    control: bool = typer.Option(False, "--control", help="Control without known equity (not ownership)."),
) -> None:
    """Record that OWNER owns (or controls) OWNED. A share left out is stored as unknown, never as zero."""
    ready_database()
    tie, owner_id, owned_id = service.add_tie(
        owner,
        owned,
        share=share,
        since=since.date() if since else None,
        until=until.date() if until else None,
        source=source,
        control=control,
    )
    what = "controls" if control else f"owns {pct(service.parse_share(share))} of"
    console.print(f"Recorded: #{owner_id} {what} #{owned_id} (tie {tie}).", markup=False)


def _label(node: TreeNode, names: dict[int, str]) -> str:
    name = f"{names.get(node.entity, '?')} (#{node.entity})"
    if node.link is None:
        return name
    link = node.link
    parts = [pct(link.share) if link.kind in ("ownership", "subsidiary") else link.kind]
    if link.since or link.until:
        parts.append(f"{link.since or '…'} to {link.until or 'now'}")
    if link.source:
        parts.append(f"source: {link.source}")
    flags = " [cycle: already above]" if node.cycle else " [shown above]" if node.repeated else ""
    flags += " [deeper ties not shown]" if node.truncated else ""
    return f"{name} — {'; '.join(parts)}{flags}"


@app.command("tree")
def show_tree(
    entity: str = typer.Argument(..., help="An entity id or its exact name."),
    up: bool = typer.Option(False, "--up", help="Owners, up to the ultimate parents (the default)."),
    down: bool = typer.Option(False, "--down", help="Holdings: subsidiaries and their subsidiaries."),
    depth: int = typer.Option(5, "--depth", help="How many levels to show."),
) -> None:
    """Show the owners (--up) or holdings (--down) of an entity as a tree, with shares, dates and sources."""
    ready_database()
    direction = "down" if down and not up else "up"
    root, names = service.ownership_tree(entity, direction, depth)

    def grow(branch: Tree, node: TreeNode) -> None:
        for child in node.children:
            grow(branch.add(_label(child, names), highlight=False), child)

    title = "Owners of" if direction == "up" else "Holdings of"
    top = Tree(f"{title} {_label(root, names)}", highlight=False)
    grow(top, root)
    console.print(top)
    if not root.children:
        console.print(
            "No ownership or control ties are recorded." if direction == "up" else "No holdings recorded."
        )


def exposure(
    entity: str = typer.Argument(..., help="An entity id or its exact name."),
    as_of: datetime | None = typer.Option(
        None, "--as-of", formats=["%Y-%m-%d"], help="Apply the rule at this date (default: today)."
    ),
    output_format: str = typer.Option("table", "--format", help="table or json."),
) -> None:
    """OFAC's 50% rule for one entity: blocked, not blocked or undetermined, with the chains as evidence."""
    ready_database()
    view = service.exposure(entity, as_of.date() if as_of else None)
    if output_format == "json":
        print(json.dumps(_as_json(view), indent=2, ensure_ascii=False))
        return
    verdict = {
        "blocked": "BLOCKED under OFAC's 50% rule",
        "not_blocked": "not blocked under OFAC's 50% rule",
        "undetermined": "UNDETERMINED: unknown shares could make it blocked",
    }[view.status]
    console.print(f"{view.name} (#{view.entity_id}) on {view.as_of}: {verdict}.", markup=False)
    for row in view.listed:
        console.print(
            f"  Itself listed: {row.source}:{row.ref} {row.sublist or ''} {', '.join(row.programs)} "
            f"since {row.listed_on or 'date not given'}",
            markup=False,
        )
    console.print(
        f"  Held by blocked persons: at least {pct(view.lower_pct)}, at most {pct(view.upper_pct)} "
        "(50% or more blocks).",
        markup=False,
    )
    if view.chains:
        table = Table("chain from a blocked person", "counts", "certain", title="Ownership evidence")
        for steps, contribution, certain in view.chains:
            text = " → ".join(f"{s.owner} owns {pct(s.share)} of {s.owned}" for s in steps)
            table.add_row(text, pct(contribution), "yes" if certain else "only if unknown shares are high")
        console.print(table)
    for name, lower, upper, certain in view.intermediaries:
        state = "blocked" if certain else "possibly blocked"
        console.print(
            f"  Intermediary {name}: {state} ({pct(lower)} to {pct(upper)} held by blocked persons)"
        )
    for step, maximum in view.gaps:
        console.print(
            f"  GAP: {step.owner}'s share of {step.owned} is unknown (could be up to {pct(maximum)}); "
            "obtain it to settle the answer.",
            markup=False,
        )
    for eid, rows in view.blocking_owners.items():
        for row in rows:
            console.print(
                f"  Blocked owner #{eid} {row.name}: {row.source}:{row.ref} {', '.join(row.programs)}",
                markup=False,
            )
    if view.control:
        console.print("Control without ownership (reported apart: OFAC's rule is about ownership):")
        for controller, listed, steps in view.control:
            text = " → ".join(f"{s.owner} {s.kind} {s.owned}" for s in steps)
            console.print(
                f"  {controller} ({'listed' if listed else 'blocked by the rule'}): {text}", markup=False
            )


def _as_json(view: service.ExposureView) -> dict[str, object]:
    def step(s: service.Step) -> dict[str, object]:
        return {
            "owner": s.owner,
            "owned": s.owned,
            "share": str(s.share) if s.share is not None else None,
            "kind": s.kind,
            "source": s.source,
        }

    return {
        "entity_id": view.entity_id,
        "name": view.name,
        "as_of": view.as_of.isoformat(),
        "status": view.status,
        "lower_pct": str(view.lower_pct),
        "upper_pct": str(view.upper_pct),
        "listed": [{"list": r.source, "ref": r.ref, "programs": list(r.programs)} for r in view.listed],
        "chains": [
            {"steps": [step(s) for s in steps], "contribution": str(c), "certain": certain}
            for steps, c, certain in view.chains
        ],
        "gaps": [{"step": step(s), "max_share": str(m)} for s, m in view.gaps],
        "control": [
            {"controller": name, "listed": listed, "steps": [step(s) for s in steps]}
            for name, listed, steps in view.control
        ],
    }
