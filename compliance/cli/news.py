"""``compliance news``: articles, the parties they mention, and adverse-media categories."""

from __future__ import annotations

import json

import typer
from rich.table import Table
from rich.text import Text

from compliance.cli._output import console, err_console, progress_bar, when
from compliance.cli.lists import ready_database
from compliance.errors import UsageError
from compliance.news import service
from compliance.news.categories import category_keys

app = typer.Typer(
    help="News articles: mentions of parties linked to entities, sorted by the risk they report.",
    no_args_is_help=True,
)

_STYLES = {
    "linked": "bold green",
    "confirmed": "bold green",
    "review": "bold yellow",
    "rejected": "strike dim",
    "candidate": "underline cyan",
}


@app.command("ingest")
def ingest(
    locations: list[str] = typer.Argument(
        None, help="Article files (text or HTML) or http(s) addresses of article pages.", show_default=False
    ),
    feeds: list[str] = typer.Option(
        [], "--feed", help="An RSS or Atom feed (file or address); each item becomes an article. Repeatable."
    ),
) -> None:
    """Read articles, find the parties they mention and link them to entities.

    Plain text, HTML pages (the article's main text is kept; menus, scripts and
    footers are dropped) and RSS/Atom feeds (--feed). Title, outlet, date,
    language and address are kept; an article already stored is not stored
    again. Mentions are linked to every name and alias in the database (list
    entries and your own entities); uncertain links wait for `compliance news
    review`. With several inputs, one that cannot be read is reported and the
    others are kept; the exit code is then non-zero.
    """
    items = list(locations or [])
    if not items and not feeds:
        raise UsageError("Give at least one article file or address, or a --feed.")
    ready_database()
    total = len(items) + len(feeds)
    summaries: list[service.IngestSummary] = []
    with progress_bar("Ingesting articles", total=total) as bar:

        def advance(n: int) -> None:
            bar.advance(bar.task_ids[0], n)

        if items:
            summaries.append(service.ingest(items, on_progress=advance))
        if feeds:
            summaries.append(service.ingest(feeds, feed=True, on_progress=advance))
    new = sum(s.articles_new for s in summaries)
    duplicate = sum(s.articles_duplicate for s in summaries)
    console.print(
        f"{new} new article(s), {duplicate} already stored; "
        f"{sum(s.mentions for s in summaries)} mention(s): {sum(s.linked for s in summaries)} linked, "
        f"{sum(s.review for s in summaries)} to review; "
        f"{sum(s.candidates for s in summaries)} name(s) not in the database "
        "(see `compliance news candidates`).",
        markup=False,
    )
    errors = [e for s in summaries for e in s.errors]
    for error in errors:
        err_console.print(f"Error: {error}", markup=False)
    if errors:
        raise typer.Exit(4)


def _money(amounts: list[dict[str, object]]) -> str:
    parts = []
    for a in amounts:
        value = a.get("amount")
        text = f"{value:,}" if isinstance(value, int) else str(value)
        parts.append(f"{a.get('currency')} {text}")
    return "; ".join(parts)


@app.command("mentions")
def mentions(
    entity: str | None = typer.Option(None, "--entity", help="Only this entity (its number or a name)."),
    category: str | None = typer.Option(
        None, "--category", help=f"Only this adverse-media category: {', '.join(category_keys())}."
    ),
    unreviewed: bool = typer.Option(False, "--unreviewed", help="Only mentions waiting for review."),
    output_format: str = typer.Option("table", "--format", help="table or json."),
) -> None:
    """List the mentions linked to entities (and those waiting for review).

    JSON gives one object per mention: article (path or address), title, surface,
    start, end, entity_id, entity_name, list, list_ref, score, status, categories,
    then id, method, amounts (suggested enforcement facts), sentence and published_at.
    """
    if output_format not in ("table", "json"):
        raise UsageError(f"Unknown format {output_format!r}.", hint="Use --format table or --format json.")
    ready_database()
    rows = service.mentions(entity, category, unreviewed)
    if output_format == "json":
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        console.print("No mentions.")
        return
    table = Table(show_lines=False)
    for column in ("id", "article", "surface", "entity", "list", "score", "status", "categories", "amounts"):
        table.add_column(column, overflow="fold")
    for r in rows:
        listed = f"{r['list']} {r['list_ref']}" if r["list"] else ""
        table.add_row(
            str(r["id"]),
            str(r["title"] or r["article"]),
            r["surface"],
            f"{r['entity_name']} (#{r['entity_id']})",
            listed,
            f"{r['score']:.2f}",
            r["status"],
            ", ".join(r["categories"]),
            _money(r["amounts"]),
        )
    console.print(table)


@app.command("show")
def show(article: str = typer.Argument(..., help="The article's number, path or address.")) -> None:
    """Show one article with its mentions highlighted.

    Green: linked or confirmed; yellow: waiting for review; cyan underlined: a
    name not in the database; struck through: rejected.
    """
    ready_database()
    view = service.show(article)
    a = view.article
    console.print(Text(a.title or a.location, style="bold"))
    meta = [a.location, a.outlet or "", when(a.published_at) if a.published_at else "", a.language or ""]
    console.print(" · ".join(m for m in meta if m), markup=False)
    console.print()
    body = Text()
    for piece, status in service.highlight_spans(
        a.text, [(m["start"], m["end"], m["status"]) for m in view.mentions]
    ):
        body.append(piece, style=_STYLES.get(status or "", ""))
    console.print(body)
    console.print()
    table = Table(title="Mentions")
    for column in ("id", "surface", "entity", "score", "status", "method", "categories", "amounts"):
        table.add_column(column, overflow="fold")
    for m in view.mentions:
        entity = f"{m['entity_name']} (#{m['entity_id']})" if m["entity_id"] is not None else "—"
        table.add_row(
            str(m["id"]),
            m["surface"],
            entity,
            f"{m['score']:.2f}",
            m["status"],
            m["method"],
            ", ".join(m["categories"]),
            _money(m["amounts"]),
        )
    console.print(table)


@app.command("review")
def review(
    mention: int = typer.Argument(..., help="The mention's number (see `compliance news mentions`)."),
    confirm: bool = typer.Option(False, "--confirm", help="The text does name this entity."),
    reject: bool = typer.Option(False, "--reject", help="The text names someone or something else."),
) -> None:
    """Confirm or reject a mention's link to its entity.

    The decision is remembered for the same text and entity: other mentions of
    it waiting for review now, and in articles ingested later, follow it. It is
    recorded in the audit log with your name.
    """
    if confirm == reject:
        raise UsageError("Give exactly one of --confirm or --reject.")
    ready_database()
    changed = service.review(mention, confirm=confirm)
    verb = "confirmed" if confirm else "rejected"
    console.print(f"Mention {mention} {verb}; {changed} mention(s) now {verb}.", markup=False)


@app.command("candidates")
def candidates() -> None:
    """Organisation-like names found in articles that no entity in the database carries.

    Names ending in a legal form ("Gartner Inc."), with a company word ("X
    Trading", "Y Bank"), written in joined capitals ("SiliconAngle"), or Chinese
    names ending in 公司 or 集团. Add the ones that matter with `compliance entity add`.
    """
    ready_database()
    rows = service.candidates()
    if not rows:
        console.print("No candidate names.")
        return
    table = Table()
    for column in ("name", "mentions", "articles", "latest article"):
        table.add_column(column, overflow="fold")
    for r in rows:
        table.add_row(r.surface, str(r.count), str(r.articles), r.latest)
    console.print(table)
