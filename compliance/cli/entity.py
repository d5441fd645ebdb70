"""``compliance entity``: record, show, search, merge and import entities; link lists."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.table import Table

from compliance.cli._output import console, err_console, when
from compliance.cli.lists import ready_database
from compliance.db.entities_repo import RelationshipRow
from compliance.entities import importer, resolution, service
from compliance.errors import UsageError

app = typer.Typer(
    help="Entities: companies, people, vessels... from the lists and recorded in-house.", no_args_is_help=True
)

_ENTITY_HELP = "Entity id, or its exact name (spelling, case and punctuation aside)."


def _print(text: str) -> None:
    console.print(text, markup=False, soft_wrap=True)


def _ambiguous(exc: service.AmbiguousEntityError) -> None:
    err_console.print(f"{exc.text!r} names {len(exc.candidates)} entities:", markup=False)
    for c in exc.candidates:
        lists = f" [{', '.join(c.lists)}]" if c.lists else ""
        err_console.print(f"  #{c.id}  {c.name}  ({c.entity_type}, {c.origin}){lists}", markup=False)


@app.command("add")
def add(
    name: str = typer.Argument(..., help="The entity's name."),
    entity_type: str = typer.Option(
        ..., "--type", help="company, person, organization, vessel or aircraft.", show_default=False
    ),
    country: str | None = typer.Option(None, "--country", help="Country (ISO code or name)."),
    alias: list[str] = typer.Option([], "--alias", help="Another name (repeatable)."),
    identifier: list[str] = typer.Option([], "--identifier", help="TYPE:VALUE, e.g. lei:5493... (repeat)."),
    dob: str | None = typer.Option(None, "--dob", help="Date of birth: YYYY, YYYY-MM or YYYY-MM-DD."),
    incorporated: str | None = typer.Option(None, "--incorporated", help="Date of incorporation."),
    note: str | None = typer.Option(None, "--note", help="A note kept with the entity."),
) -> None:
    """Record an entity of your own (not from a list); prints its id."""
    ready_database()
    eid = service.add_entity(
        name,
        entity_type,
        country=country,
        aliases=alias,
        identifiers=identifier,
        dob=dob,
        incorporated=incorporated,
        note=note,
    )
    print(eid)


def _share(rel: RelationshipRow) -> str:
    return service.share_text(rel.share_pct)


def _rel_line(rel: RelationshipRow, other_id: int, other_name: str) -> str:
    dates = ""
    if rel.since or rel.until:
        dates = f", {rel.since or '?'} to {rel.until or 'now'}"
    source = f", source: {rel.source}" if rel.source else ""
    return f"  #{other_id} {other_name}: {rel.kind} {_share(rel)}{dates}{source}"


@app.command("show")
def show(
    entity: str = typer.Argument(..., help=_ENTITY_HELP),
    fmt: str = typer.Option("text", "--format", help="text or json."),
) -> None:
    """Everything about one entity: names, identifiers, designations, ownership, enforcement, news."""
    if fmt not in ("text", "json"):
        raise UsageError("--format must be text or json.")
    ready_database()
    try:
        view = service.show(entity)
    except service.AmbiguousEntityError as exc:
        _ambiguous(exc)
        raise
    if fmt == "json":
        print(json.dumps(service.view_record(view), indent=2, ensure_ascii=False))
        return
    f = view.facts
    e = f.entity
    if view.redirected_from is not None:
        _print(f"(#{view.redirected_from} is merged into #{e.id}; showing #{e.id})")
    _print(f"#{e.id} {e.name}")
    _print(f"  type {e.entity_type}; origin {e.origin}; recorded {when(e.created_at)}")
    if e.notes:
        _print(f"  note: {e.notes}")

    _print("\nNames")
    names = Table("name", "kind", "script", "from")
    for n in f.names:
        names.add_row(n.value, n.kind, n.script or "-", n.source)
    console.print(names)

    _print("\nIdentifiers" + ("" if f.identifiers else ": none"))
    for i in f.identifiers:
        country = f" ({i.country})" if i.country else ""
        _print(f"  {i.id_type}: {i.value}{country}  [{i.source}]")

    countries: dict[str, list[str]] = {}
    for c in f.countries:
        countries.setdefault(c.country, []).append(c.relation or "linked")
    _print(
        "\nCountries: "
        + (", ".join(f"{k} ({', '.join(sorted(set(v)))})" for k, v in countries.items()) or "none")
    )
    if f.dates:
        _print(
            "Dates: "
            + ", ".join(f"{d.kind} {d.value}{' (approx.)' if d.approximate else ''}" for d in f.dates)
        )
    for address in f.addresses[:5]:
        _print(f"Address: {address}")
    if len(f.addresses) > 5:
        _print(f"  ... and {len(f.addresses) - 5} more addresses")

    current = [d for d in f.designations if d.active]
    past = [d for d in f.designations if not d.active]
    _print(f"\nDesignations: {len(current)} current, {len(past)} past")
    if f.designations:
        table = Table("list", "sub-list", "programs", "listed on", "delisted on", "ref", "state")
        for d in current + past:
            table.add_row(
                d.source,
                d.sublist or "-",
                ", ".join(d.programs) or "-",
                str(d.listed_on or "-"),
                str(d.delisted_on or "-"),
                d.ref,
                "current" if d.active else "past",
            )
        console.print(table)

    _print(f"\nEnforcement actions: {len(f.enforcement) or 'none recorded'}")
    for a in f.enforcement:
        amount = f" {a.amount:,.2f} {a.currency or ''}".rstrip() if a.amount is not None else ""
        program = f" [{a.program}]" if a.program else ""
        _print(f"  {a.action_date or '?'} {a.authority} {a.action_type}{amount}{program}: {a.respondent}")

    _print(f"\nOwned or controlled by: {len(f.owners) or 'none recorded'}")
    for rel in f.owners:
        _print(_rel_line(rel, rel.subject_id, rel.subject_name))
    _print(f"Owns or controls: {len(f.owned) or 'none recorded'}")
    for rel in f.owned:
        _print(_rel_line(rel, rel.object_id, rel.object_name))
    if f.other_relationships:
        _print("Other relationships:")
        for rel in f.other_relationships:
            other_id, other_name = (
                (rel.object_id, rel.object_name)
                if rel.subject_id == e.id
                else (rel.subject_id, rel.subject_name)
            )
            _print(_rel_line(rel, other_id, other_name))

    m = f.mentions
    if m.count:
        _print(
            f"\nNews mentions: {m.count}; latest: {m.latest_title or m.latest_location} "
            f"({m.latest_outlet or 'unknown outlet'}, {when(m.latest_published_at)})"
        )
    else:
        _print("\nNews mentions: none")

    if f.members:
        _print(f"\nMerged into this entity: {len(f.members)}")
        for member in f.members:
            _print(f"  #{member.id} {member.name} ({member.entity_type}, {member.origin})")


@app.command("search")
def search(
    text: str = typer.Argument(..., help="A name, or part of one."),
    entity_type: str | None = typer.Option(None, "--type", help="Only this type of entity."),
    limit: int = typer.Option(10, "--limit", help="At most this many results."),
    fmt: str = typer.Option("text", "--format", help="text or json."),
) -> None:
    """Find entities (own and listed) by name, with the screening engine."""
    ready_database()
    hits, method = service.search(text, entity_type, limit)
    if fmt == "json":
        print(
            json.dumps({"method": method, "hits": [h.__dict__ for h in hits]}, indent=2, ensure_ascii=False)
        )
        return
    if not hits:
        _print(f"No entity matches {text!r}.")
        return
    table = Table("id", "name", "type", "origin", "matched name", "score", "lists")
    for h in hits:
        table.add_row(
            str(h.entity_id),
            h.name,
            h.entity_type,
            h.origin,
            h.matched_name,
            f"{h.score:.2f}" if h.score is not None else "-",
            ", ".join(h.lists[:3]) + (" ..." if len(h.lists) > 3 else ""),
        )
    console.print(table)
    if method == "substring":
        err_console.print("(screening engine unavailable: plain substring search)", markup=False)


@app.command("alias")
def alias(
    entity: str = typer.Argument(..., help=_ENTITY_HELP),
    name: str = typer.Argument(..., help="The other name."),
    kind: str = typer.Option("aka", "--kind", help="aka (also known as) or fka (formerly known as)."),
) -> None:
    """Record another name of an entity."""
    ready_database()
    try:
        eid, added = service.add_alias(entity, name, kind)
    except service.AmbiguousEntityError as exc:
        _ambiguous(exc)
        raise
    _print(f"#{eid}: {'added' if added else 'already has'} {kind} {name!r}.")


@app.command("identifier")
def identifier(
    entity: str = typer.Argument(..., help=_ENTITY_HELP),
    id_type: str = typer.Argument(..., help="Type: registration, lei, imo, passport, tax..."),
    value: str = typer.Argument(..., help="The identifier."),
    country: str | None = typer.Option(None, "--country", help="Country that issued it."),
) -> None:
    """Record an identifier of an entity."""
    ready_database()
    try:
        eid, added = service.add_identifier(entity, id_type, value, country)
    except service.AmbiguousEntityError as exc:
        _ambiguous(exc)
        raise
    _print(f"#{eid}: {'added' if added else 'already has'} {id_type} {value}.")


@app.command("merge")
def merge(
    target: str = typer.Argument(..., help="A: the entity that remains."),
    merged: str = typer.Argument(..., help="B: the entity merged into A."),
    note: str | None = typer.Option(None, "--note", help="Why (kept in the audit log)."),
) -> None:
    """Merge B into A: A's views include B's facts; nothing is deleted (undo: entity unmerge B)."""
    ready_database()
    try:
        result = service.merge(target, merged, note=note)
    except service.AmbiguousEntityError as exc:
        _ambiguous(exc)
        raise
    _print(
        f"#{result.merged_id} {result.merged_name} is merged into #{result.target_id} {result.target_name}. "
        f"Undo: compliance entity unmerge {result.merged_id}"
    )


@app.command("unmerge")
def unmerge(
    merged: str = typer.Argument(..., help="Id of the merged entity (B)."),
    note: str | None = typer.Option(None, "--note", help="Why (kept in the audit log)."),
) -> None:
    """Undo a merge: B stands on its own again, with all its facts."""
    ready_database()
    result = service.unmerge(merged, note=note)
    _print(f"#{result.merged_id} {result.merged_name} is no longer merged into #{result.target_id}.")


@app.command("import")
def import_(path: Path = typer.Argument(..., help="A .csv, .yml or .yaml file of entities.")) -> None:
    """Import entities, aliases, identifiers and ownership from CSV or YAML: all rows or none."""
    ready_database()
    try:
        result = importer.import_file(path)
    except importer.ImportRejected as exc:
        for problem in exc.problems:
            err_console.print(f"  {problem}", markup=False, soft_wrap=True)
        raise
    _print(
        f"{path.name}: {result.rows} entities read; {result.created} added, {result.updated} updated; "
        f"{result.relationships} ownership links."
    )


@app.command("resolve")
def resolve(
    apply: bool = typer.Option(
        False, "--apply", help="Merge the certain links (proposals are never merged)."
    ),
    limit: int = typer.Option(50, "--limit", help="Show at most this many links of each kind."),
    fmt: str = typer.Option("text", "--format", help="text or json."),
) -> None:
    """Link entries of several lists naming the same party; list weaker candidates for review."""
    ready_database()
    report = resolution.resolve(apply=apply)
    if fmt == "json":
        print(
            json.dumps(
                {
                    "entities": report.entities,
                    "method": report.method,
                    "applied": report.applied,
                    "certain": [lk.__dict__ for lk in report.certain],
                    "proposals": [lk.__dict__ for lk in report.proposals],
                },
                indent=2,
                ensure_ascii=False,
                default=str,
            )
        )
        return
    _print(
        f"{report.entities:,} listed entities compared ({report.method}): {len(report.certain):,} certain "
        f"link(s), {len(report.proposals):,} proposal(s) for review."
    )
    for title, links in (("Certain", report.certain), ("Proposed for review", report.proposals)):
        if not links:
            continue
        _print(f"\n{title}:")
        for lk in links[:limit]:
            _print(
                f"  #{lk.a} {lk.a_name} [{', '.join(lk.a_refs[:2])}]  <->  #{lk.b} {lk.b_name} "
                f"[{', '.join(lk.b_refs[:2])}]  score {lk.name_score:.2f}: {'; '.join(lk.reasons)}"
            )
        if len(links) > limit:
            _print(f"  ... and {len(links) - limit:,} more (--limit, or --format json)")
    if apply:
        _print(f"\nApplied {report.applied:,} merge(s) (kind 'resolution' in the audit log).")
    elif report.certain:
        _print("\nNothing was changed; --apply merges the certain links.")
    if report.proposals:
        _print("Proposals are never merged automatically: compliance entity merge A B --note WHY")
