"""``compliance enforcement``: fines, settlements, pleas and orders, linked to entities."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from compliance.cli._output import console, err_console, progress_bar, when
from compliance.cli.lists import ready_database
from compliance.db.enforcement_repo import ActionRow
from compliance.enforcement import service
from compliance.enforcement.records import ACTION_TYPES
from compliance.errors import UsageError
from compliance.normalize.text import money

app = typer.Typer(
    help="Enforcement actions (fines, settlements, pleas, denial orders), linked to entities.",
    no_args_is_help=True,
)


def _link_text(row: ActionRow) -> str:
    if row.link_status in ("none", "rejected") or row.entity_id is None:
        return row.link_status
    score = f" {row.link_score:.2f}" if row.link_score is not None else ""
    return f"{row.link_status}{score}: #{row.entity_id} {row.entity_name or ''}".strip()


def _as_json(row: ActionRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "authority": row.authority,
        "action_type": row.action_type,
        "date": row.action_date.isoformat() if row.action_date else None,
        "respondent": row.respondent,
        "amount": str(row.amount) if row.amount is not None else None,
        "currency": row.currency,
        "amount_suspended": str(row.amount_suspended) if row.amount_suspended is not None else None,
        "program": row.program,
        "summary": row.summary,
        "source_url": row.source_url,
        "dataset": row.dataset,
        "source_ref": row.source_ref,
        "entity_id": row.entity_id,
        "entity_name": row.entity_name,
        "link_status": row.link_status,
        "link_score": row.link_score,
    }


def _print_linking(summary: service.LinkSummary | None) -> None:
    if summary is None:
        return
    if summary.note:
        console.print(f"  linking: {summary.note}.", markup=False)
        return
    console.print(
        f"  linked to entities ({summary.entities:,} entities, {summary.engine}): "
        f"{summary.auto:,} automatically, {summary.review:,} waiting for review, {summary.none:,} not linked"
        + (f"; {summary.decided:,} decided by a person, kept" if summary.decided else "")
        + ".",
        markup=False,
    )
    if summary.review:
        console.print("  Review them with: compliance enforcement list --link review", markup=False)


@app.command("import")
def import_(
    path: Path = typer.Argument(
        ..., help="A CSV in the documented schema, a YAML file, or OFAC's civil-penalties CSV."
    ),
    dataset: str | None = typer.Option(
        None, "--dataset", help="Dataset name (default: the YAML's 'dataset:', else the file name)."
    ),
    skip_bad: bool = typer.Option(
        False, "--skip-bad", help="Import the good rows and list the bad ones (default: import nothing)."
    ),
    no_link: bool = typer.Option(False, "--no-link", help="Do not link respondents to entities now."),
) -> None:
    """Import enforcement actions from a file; same dataset and reference update, never duplicate."""
    ready_database()
    with progress_bar("Linking respondents") as bar:
        result = service.import_file(
            path,
            dataset=dataset,
            skip_bad=skip_bad,
            link=not no_link,
            progress=lambda done, total: bar.update(bar.task_ids[0], completed=done, total=total),
        )
    console.print(
        f"{result.dataset}: {result.records:,} actions read ({result.kind}); {result.added:,} added, "
        f"{result.updated:,} updated, {result.unchanged:,} unchanged.",
        markup=False,
    )
    if result.skipped:
        console.print(f"  {len(result.skipped):,} bad row(s) left out:", markup=False)
        for problem in result.skipped[:20]:
            console.print(f"    {problem}", markup=False)
    _print_linking(result.linking)


@app.command("relink")
def relink() -> None:
    """Link every action not decided by a person again (after loading lists or adding entities)."""
    ready_database()
    with progress_bar("Linking respondents") as bar:
        summary = service.relink(
            progress=lambda done, total: bar.update(bar.task_ids[0], completed=done, total=total)
        )
    console.print(f"{summary.checked:,} actions looked at; {summary.changed:,} links changed.", markup=False)
    _print_linking(summary)


@app.command("add")
def add(
    respondent: str = typer.Option(..., "--respondent", help="Who the action is against."),
    authority: str = typer.Option(..., "--authority", help='Who took it, e.g. "US Commerce / BIS".'),
    action_type: str = typer.Option(..., "--type", help=f"One of: {', '.join(ACTION_TYPES)}."),
    action_date: datetime = typer.Option(..., "--date", formats=["%Y-%m-%d"], help="YYYY-MM-DD."),
    amount: str | None = typer.Option(None, "--amount", help="Whole amount, suspended part included."),
    currency: str | None = typer.Option(None, "--currency", help="ISO 4217 code, e.g. USD."),
    suspended: str | None = typer.Option(None, "--suspended", help="Part of the amount suspended."),
    program: str | None = typer.Option(None, "--program", help="Sanctions program or law, e.g. ITSR, EAR."),
    summary: str | None = typer.Option(None, "--summary", help="What happened, in a sentence or two."),
    source_url: str | None = typer.Option(None, "--source-url", help="Official press release or notice."),
    country: str | None = typer.Option(None, "--country", help="Respondent's country (helps linking)."),
    ref: str | None = typer.Option(None, "--ref", help="Reference (same dataset and ref: an update)."),
    dataset: str = typer.Option("manual", "--dataset", help="Dataset the action belongs to."),
    entity: int | None = typer.Option(None, "--entity", help="Link to this entity id (confirmed)."),
) -> None:
    """Record one enforcement action by hand."""
    ready_database()
    row = service.add_action(
        {
            "respondent": respondent,
            "authority": authority,
            "action_type": action_type,
            "date": action_date.date(),
            "amount": amount,
            "currency": currency,
            "amount_suspended": suspended,
            "program": program,
            "summary": summary,
            "source_url": source_url,
            "country": country,
            "source_ref": ref,
        },
        dataset=dataset,
        entity_id=entity,
    )
    console.print(
        f"Recorded action {row.id} ({row.dataset}/{row.source_ref}); link: {_link_text(row)}.", markup=False
    )


@app.command("list")
def list_(
    entity: str | None = typer.Option(
        None, "--entity", help="An entity id, or a name (entity name or part of the respondent's name)."
    ),
    authority: str | None = typer.Option(
        None, "--authority", help="Part of the authority, e.g. OFAC or BIS."
    ),
    since: datetime | None = typer.Option(None, "--since", formats=["%Y-%m-%d"], help="From this date on."),
    link: str | None = typer.Option(None, "--link", help="Only this link status: none, auto, review..."),
    limit: int = typer.Option(0, "--limit", help="Show at most this many (0: all)."),
    output_format: str = typer.Option("table", "--format", help="table or json."),
) -> None:
    """List enforcement actions, newest first."""
    if output_format not in ("table", "json"):
        raise UsageError("--format must be table or json.")
    ready_database()
    rows = service.list_actions(entity=entity, authority=authority, since=since.date() if since else None)
    if link:
        rows = [r for r in rows if r.link_status == link]
    if limit > 0:
        rows = rows[:limit]
    if output_format == "json":
        print(json.dumps([_as_json(r) for r in rows], ensure_ascii=False, indent=2))
        return
    if not rows:
        err_console.print("No enforcement action matches.")
        return
    table = Table("id", "date", "authority", "type", "respondent", "amount", "program", "link")
    for r in rows:
        table.add_row(
            str(r.id),
            r.action_date.isoformat() if r.action_date else "",
            r.authority,
            r.action_type,
            r.respondent,
            money(r.amount, r.currency),
            r.program or "",
            _link_text(r),
        )
    console.print(table)
    console.print(f"{len(rows):,} action(s).", markup=False)


@app.command("show")
def show(
    action: int = typer.Argument(..., help="The action's id (see: compliance enforcement list)."),
) -> None:
    """Show one action: every field, the linked entity and the source."""
    ready_database()
    r = service.get_action(action)
    lines = [
        ("action", f"{r.id} ({r.action_type}: {ACTION_TYPES.get(r.action_type, '')})"),
        ("date", r.action_date.isoformat() if r.action_date else "unknown"),
        ("authority", r.authority),
        ("respondent", r.respondent),
        ("amount", money(r.amount, r.currency) or "none stated"),
    ]
    if r.amount_suspended is not None:
        paid = r.amount - r.amount_suspended if r.amount is not None else None
        lines.append(("suspended", money(r.amount_suspended, r.currency)))
        lines.append(("not suspended", money(paid, r.currency)))
    lines += [
        ("program", r.program or ""),
        ("summary", r.summary or ""),
        ("entity", _link_text(r)),
        ("source", r.source_url or ""),
        ("dataset", f"{r.dataset}, reference {r.source_ref}"),
        ("recorded", when(r.created_at)),
    ]
    for label, value in lines:
        console.print(f"{label:>14}: {value}", markup=False, soft_wrap=True)


@app.command("link")
def link(
    action: int = typer.Argument(..., help="The action's id."),
    entity: int | None = typer.Option(None, "--entity", help="Confirm the link to this entity id."),
    reject: bool = typer.Option(False, "--reject", help="Reject the proposed link."),
) -> None:
    """Confirm or reject the link of an action's respondent to an entity (recorded in the audit log)."""
    ready_database()
    row = service.set_link(action, entity_id=entity, reject=reject)
    console.print(f"Action {row.id} ({row.respondent}): {_link_text(row)}.", markup=False)
