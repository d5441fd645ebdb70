"""``compliance alerts``: review the alerts monitoring raised, and decide them."""

from __future__ import annotations

import json

import typer
from rich.table import Table

from compliance.cli._output import console, when
from compliance.cli.lists import ready_database
from compliance.errors import UsageError
from compliance.monitoring import service

app = typer.Typer(help="Review and decide the alerts raised by monitoring.", no_args_is_help=True)


@app.command("list")
def list_alerts(
    status: str | None = typer.Option(
        None, "--status", help="Only alerts in this state: open, true_match, false_positive or escalated."
    ),
    fmt: str = typer.Option("table", "--format", help="table or json."),
) -> None:
    """Alerts, oldest first: who, against which list entry, how strong, and why."""
    if fmt not in ("table", "json"):
        raise UsageError(f"Unknown format {fmt!r}: use table or json.")
    ready_database()
    rows = service.list_alerts(status)
    if fmt == "json":
        print(json.dumps([service.alert_record(a) for a in rows], indent=2, ensure_ascii=False))
        return
    table = Table("alert", "status", "counterparty", "list", "ref", "matched name", "score", "raised")
    for a in rows:
        table.add_row(
            str(a.id),
            a.status,
            f"{a.counterparty_name} ({a.counterparty_ref or f'#{a.counterparty_id}'})",
            a.list or "",
            a.list_ref or "",
            a.matched_name or "",
            f"{a.score:.2f}" if a.score is not None else "",
            when(a.created_at),
        )
    console.print(table)
    console.print(f"{len(rows):,} alert(s).", markup=False)


@app.command("show")
def show(alert: str = typer.Argument(..., help="The alert number (from compliance alerts list).")) -> None:
    """One alert in full: the counterparty, the list entry, the reason and every decision taken."""
    ready_database()
    view = service.show_alert(alert)
    a, cp = view.alert, view.counterparty
    lines = [
        ("status", a.status),
        ("raised", when(a.created_at)),
        (
            "counterparty",
            f"{cp.name} ({cp.ref or f'#{cp.id}'})" + ("" if cp.active else ", no longer watched"),
        ),
        (
            "facts",
            ", ".join(f"{k} {v}" for k, v in cp.data().items() if v and k != "name") or "name only",
        ),
        (
            "kind",
            {"list_hit": "list match", "enforcement": "enforcement action", "news": "news mention"}[a.kind],
        ),
        ("list", f"{a.list} {a.list_ref}"),
        ("matched", a.matched_name or ""),
        ("score", f"{a.score:.4f}" if a.score is not None else "-"),
        ("entity", f"#{a.entity_id}" if a.entity_id else "-"),
        ("why", a.reason),
    ]
    console.print(f"Alert {a.id}", markup=False)
    for label, value in lines:
        console.print(f"  {label:<13} {value}", markup=False, soft_wrap=True)
    if a.designation_id is not None and a.list_ref:
        console.print(
            f"  explain       compliance screen {json.dumps(cp.name, ensure_ascii=False)} "
            f"--explain {a.list_ref}",
            markup=False,
            soft_wrap=True,
        )
    if not view.decisions:
        console.print("  decisions     none yet", markup=False)
    for d in view.decisions:
        console.print(
            f"  decided       {when(d.decided_at)} by {d.decided_by}: {d.decision}: {d.note}", markup=False
        )


@app.command("decide")
def decide(
    alert: str = typer.Argument(..., help="The alert number."),
    true_match: bool = typer.Option(False, "--true-match", help="The counterparty is the listed party."),
    false_positive: bool = typer.Option(
        False,
        "--false-positive",
        help="Not the listed party; the pair stays quiet until the data on either side changes.",
    ),
    escalate: bool = typer.Option(False, "--escalate", help="Needs a senior decision."),
    note: str = typer.Option(..., "--note", help="Why: kept with the decision for audit."),
    by: str | None = typer.Option(None, "--by", help="Who decides (default: COMPLIANCE_ACTOR or your user)."),
) -> None:
    """Decide an alert: true match, false positive or escalate, with a note. Kept for audit."""
    chosen = [
        name
        for name, flag in (
            ("true_match", true_match),
            ("false_positive", false_positive),
            ("escalate", escalate),
        )
        if flag
    ]
    if len(chosen) != 1:
        raise UsageError("Give exactly one of --true-match, --false-positive or --escalate.")
    ready_database()
    view = service.decide(alert, chosen[0], note, by=by)
    last = view.decisions[-1]
    console.print(
        f"Alert {view.alert.id} ({view.counterparty.name}): {view.alert.status}, "
        f"decided by {last.decided_by}.",
        markup=False,
    )
