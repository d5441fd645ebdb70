"""``compliance deal``: proposed deals, their counterparty-risk assessment and the memo."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.table import Table

from compliance.cli._output import console, err_console, progress_bar, when
from compliance.cli.lists import ready_database
from compliance.exposure import deal as service
from compliance.exposure.deal import DEAL_TYPES, DealInfo

app = typer.Typer(
    help="Proposed deals: record the parties, assess their risk, write the memo (HTML, PDF, JSON).",
    no_args_is_help=True,
)


def _building() -> None:
    err_console.print("Building the screening index for the list versions in force (once per version)…")


def _print_deal(info: DealInfo) -> None:
    value = f"{info.currency} {info.value}" if info.value else "not stated"
    console.print(f"#{info.id} {info.name}  ({info.deal_type}; value {value})", markup=False)
    if info.description:
        console.print(f"  {info.description}", markup=False)
    console.print(f"  recorded {when(info.created_at)} by {info.created_by}", markup=False)
    for party in info.parties:
        console.print(
            f"  {party.role:<10} #{party.entity_id} {party.name} ({party.entity_type})", markup=False
        )


@app.command("create")
def create(
    name: str = typer.Argument(..., help='A name for the deal, e.g. "Alibaba / ZTEsoft".'),
    acquirer: str = typer.Option(..., "--acquirer", help="The buyer: an entity id or its exact name."),
    target: str = typer.Option(..., "--target", help="The company bought or invested in: id or exact name."),
    seller: str | None = typer.Option(
        None, "--seller", help="The seller, when there is one: id or exact name."
    ),
    party: list[str] = typer.Option(
        [], "--party", help='Another party as ROLE=ENTITY, e.g. guarantor="Acme Holdings" (repeatable).'
    ),
    value: str | None = typer.Option(None, "--value", help="The deal's value, e.g. 443000000."),
    currency: str | None = typer.Option(None, "--currency", help="ISO currency of the value, e.g. USD."),
    deal_type: str = typer.Option("acquisition", "--type", help=f"Kind of deal: {', '.join(DEAL_TYPES)}."),
    description: str | None = typer.Option(None, "--description", help="A sentence on what the deal is."),
) -> None:
    """Record a proposed deal and its parties.

    Parties are entities already in the database, given by id or by exact
    name; a name that fits several entities is refused with the candidates
    listed, so that you confirm by giving the id.
    """
    ready_database()
    info = service.create_deal(
        name,
        acquirer=acquirer,
        target=target,
        seller=seller,
        parties=party,
        value=value,
        currency=currency,
        deal_type=deal_type,
        description=description,
    )
    console.print("Recorded:", markup=False)
    _print_deal(info)
    console.print(f"Assess it with: compliance deal assess {info.id}", markup=False)


@app.command("list")
def list_(
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """The deals recorded, with their parties."""
    ready_database()
    deals = service.list_deals()
    if as_json:
        print(
            json.dumps(
                [
                    {
                        "id": d.id,
                        "name": d.name,
                        "type": d.deal_type,
                        "value": d.value,
                        "currency": d.currency,
                        "parties": [
                            {"role": p.role, "entity_id": p.entity_id, "name": p.name} for p in d.parties
                        ],
                    }
                    for d in deals
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    if not deals:
        console.print(
            "No deal recorded yet. Record one with: compliance deal create NAME --acquirer X --target Y"
        )
        return
    table = Table("id", "deal", "type", "value", "parties")
    for d in deals:
        table.add_row(
            str(d.id),
            d.name,
            d.deal_type,
            f"{d.currency} {d.value}" if d.value else "-",
            "; ".join(f"{p.role}: {p.name}" for p in d.parties),
        )
    console.print(table)


@app.command("show")
def show(deal: str = typer.Argument(..., help="The deal's id or exact name.")) -> None:
    """One deal: its value, description and parties."""
    ready_database()
    _print_deal(service.get_deal(deal))


@app.command("assess")
def assess(
    deal: str = typer.Argument(..., help="The deal's id or exact name."),
    depth: int = typer.Option(
        service.DEFAULT_DEPTH,
        "--depth",
        help="Levels of subsidiaries and sister companies to look at (owners are followed to the top).",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the whole assessment as JSON."),
) -> None:
    """Assess the risk of a deal's counterparties: the rating, the reasons and the next steps.

    Looks at every party and the entities around it: designations current and
    past, OFAC's 50% rule, enforcement actions, news mentions, jurisdictions
    and open screening hits (the screening is saved for audit). The rules and
    weights are in lists/risk/rating.yml.
    """
    ready_database()
    with progress_bar("Assessing the deal"):
        result = service.assess(deal, depth=depth, on_build=_building)
    if as_json:
        from compliance.reports.memo import render_json

        print(render_json(result))
        return
    console.print(
        f"{result.deal.name}: {result.rating} ({result.total_points:g} points; "
        f"{len(result.entities)} entities looked at, {len(result.findings)} findings)",
        markup=False,
    )
    for line in result.prohibited:
        console.print(f"  PROHIBITED: {line}", markup=False)
    for reason in result.reasons[:6]:
        console.print(
            f"  {reason.points:g} points  {reason.entity} ({reason.role}): {reason.kind.replace('_', ' ')}"
            f" [{', '.join(reason.findings[:6])}{'…' if len(reason.findings) > 6 else ''}]",
            markup=False,
        )
    for floor in result.floors:
        console.print(f"  floor: {floor}", markup=False)
    console.print(result.blocking_statement, markup=False, soft_wrap=True)
    if result.stale_lists:
        console.print(f"Stale lists: {', '.join(result.stale_lists)}", markup=False)
    console.print("Next steps:", markup=False)
    for step in result.next_steps:
        console.print(f"  - {step.title}", markup=False)
    if result.screening_run:
        console.print(f"Screening saved as run #{result.screening_run}.", markup=False)
    console.print(
        f"Write the memo with: compliance deal report {result.deal.id} --format pdf --output memo.pdf",
        markup=False,
    )


@app.command("report")
def report(
    deal: str = typer.Argument(..., help="The deal's id or exact name."),
    fmt: str = typer.Option("html", "--format", "-f", help="html (one self-contained file), pdf or json."),
    output: Path = typer.Option(..., "--output", "-o", help="The file to write."),
    depth: int = typer.Option(
        service.DEFAULT_DEPTH, "--depth", help="Levels of subsidiaries and sister companies to look at."
    ),
) -> None:
    """Write the counterparty-risk memo of a deal: summary, parties, ownership, findings, next steps.

    The deal is assessed afresh from the database; the memo records the list
    versions and dates it rests on.
    """
    from compliance.reports import memo

    memo.check_output(fmt, output)  # before the assessment, which saves a screening run
    ready_database()
    with progress_bar("Writing the memo"):
        result = service.assess(deal, depth=depth, on_build=_building)
        written = memo.write(result, fmt, output)
    console.print(
        f"{result.deal.name}: {result.rating}. Memo written to {written}", markup=False, soft_wrap=True
    )
