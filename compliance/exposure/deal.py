"""Proposed deals: record them, and assess the risk of their counterparties.

``assess`` gathers, for every party and the entities around it (owners up to
the ultimate parent, subsidiaries and sister companies to ``depth`` levels):
designations current and past on every list, OFAC's 50% rule, enforcement
actions, news mentions, jurisdiction risk and open screening hits. Each fact
becomes a ``Finding`` with its evidence, source, date and the points the rules
in ``lists/risk/rating.yml`` give it; the points and floors make the rating.
The result is plain data (``Assessment``) that the reports render.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from compliance import __version__, settings
from compliance.db import deals_repo, entities_repo, lists_repo
from compliance.db.session import describe_url, session_scope
from compliance.entities.service import find_entity
from compliance.errors import NotFoundError, UsageError
from compliance.exposure.ownership import load_graph
from compliance.exposure.rating import (
    PROHIBITED,
    RATINGS,
    Rules,
    jurisdiction_hits,
    load_jurisdictions,
    load_rules,
)
from compliance.graph import Link, RuleResult, blocked_closure, fifty_percent_rule, neighbourhood
from compliance.lists.refresh import StatusRow
from compliance.lists.refresh import status as list_status
from compliance.lists.sources import all_sources
from compliance.normalize.text import money
from compliance.screening.service import hit_record, load_matcher, make_query
from compliance.screening.service import save_run as save_screening

DEAL_TYPES = ("acquisition", "merger", "joint-venture", "investment", "supply")
MAIN_ROLES = ("acquirer", "target", "seller")
_ROLE = re.compile(r"^[a-z][a-z0-9 _-]{0,39}$")
# Default levels of subsidiaries (and of owners' other holdings) looked at.
DEFAULT_DEPTH = 2
MAX_DEPTH = 10
# Owners are followed up to the ultimate parent; this only stops runaway chains.
OWNER_LEVELS = 50
# Shortest party name screened: shorter aliases ("ZTE") match too much by chance.
MIN_SCREENED_CHARS = 4
_EMBARGO_WORDS = re.compile(
    r"\b(iran\w*|north korea|dprk|cuba\w*|syria\w*|crimea|embargo\w*|itsr|ieepa|sudan\w*)\b", re.I
)
_EXPORT_WORDS = re.compile(r"\b(ear|bis|export\w*|entity list|denial|denied|us-origin)\b", re.I)


# ---------------------------------------------------------------- records


def web_link(url: str | None) -> str | None:
    """``url`` when it is a web address (http or https), else None: never a javascript: link."""
    if url and url.strip().lower().startswith(("http://", "https://")):
        return url.strip()
    return None


@dataclass(frozen=True)
class Party:
    role: str
    entity_id: int
    name: str
    entity_type: str


@dataclass(frozen=True)
class DealInfo:
    id: int
    name: str
    deal_type: str
    value: str | None
    currency: str | None
    description: str | None
    created_at: datetime
    created_by: str
    parties: list[Party]


@dataclass
class Finding:
    id: str
    kind: str
    entity_id: int
    entity: str
    relation: str  # party | owner | subsidiary | sister
    role: str  # the party's role, or how the entity relates to a party
    title: str
    evidence: str
    source: str
    date: date | None
    raw_points: float
    points: float  # after the per-entity cap
    rule: str
    minimum: str | None = None
    url: str | None = None


@dataclass
class Entity:
    id: int
    name: str
    entity_type: str
    relation: str
    role: str
    level: int
    countries: list[str] = field(default_factory=list)
    listed_blocking: bool = False
    blocked_by_rule: bool = False
    current_lists: list[str] = field(default_factory=list)
    past_lists: list[str] = field(default_factory=list)
    actions: int = 0
    mentions: int = 0


@dataclass(frozen=True)
class Edge:
    owner: int
    owned: int
    share: str | None  # "51%", or None for unknown
    kind: str
    source: str | None


@dataclass
class PartyProfile:
    role: str
    entity_id: int
    name: str
    entity_type: str
    names: list[tuple[str, str, str | None]]  # value, kind, script
    identifiers: list[str]
    countries: list[str]
    addresses: list[str]
    current_designations: list[dict[str, Any]]
    past_designations: list[dict[str, Any]]
    fifty_status: str  # blocked | not_blocked | undetermined
    fifty_text: str
    fifty_lower: str
    fifty_upper: str
    owners: list[str]
    subsidiaries: int
    sisters: int
    enforcement_count: int
    enforcement_total: str
    mentions_confirmed: int
    mentions_unconfirmed: int
    gaps: list[str]


@dataclass(frozen=True)
class Action:
    id: int
    entity_id: int
    entity: str
    authority: str
    action_type: str
    date: date | None
    respondent: str
    amount: str
    suspended: str
    payable: str
    program: str | None
    summary: str | None
    url: str | None
    link_status: str


@dataclass(frozen=True)
class ListEntry:
    entity_id: int
    entity: str
    relation: str
    list_key: str
    sublist: str | None
    programs: list[str]
    ref: str
    name: str
    listed_on: date | None
    delisted_on: date | None
    active: bool
    blocking: bool


@dataclass(frozen=True)
class MentionItem:
    id: int
    entity_id: int
    entity: str
    status: str
    confirmed: bool
    surface: str
    sentence: str | None
    categories: list[str]
    title: str | None
    outlet: str | None
    published: date | None
    ingested: date | None
    location: str


@dataclass(frozen=True)
class ScreenHit:
    party: str
    role: str
    query: str
    matched_name: str
    list_key: str
    list_ref: str
    sublist: str | None
    programs: list[str]
    listed_on: str | None
    score: float
    band: str
    explanation: str


@dataclass(frozen=True)
class Reason:
    entity: str
    role: str
    kind: str
    points: float
    lines: list[str]
    findings: list[str]


@dataclass(frozen=True)
class NextStep:
    title: str
    text: str
    because: list[str]


@dataclass
class Assessment:
    deal: DealInfo
    generated_at: datetime
    as_of: date
    tool_version: str
    database: str
    depth: int
    rating: str
    total_points: float
    band_from_points: str
    floors: list[str]
    prohibited: list[str]
    reasons: list[Reason]
    blocking_clear: bool
    blocking_statement: str
    parties: list[PartyProfile]
    entities: list[Entity]
    edges: list[Edge]
    findings: list[Finding]
    designations: list[ListEntry]
    actions: list[Action]
    mentions: list[MentionItem]
    screening_run: int | None
    screening_algorithm: str | None
    screening_threshold: float | None
    screening_versions: dict[str, int]
    screening_hits: list[ScreenHit]
    screened_names: list[str]
    lists: list[StatusRow]  # every list source: version, list date, load time, staleness
    blocking_lists: list[str]  # the keys of the lists that block property
    stale_lists: list[str]
    jurisdictions_as_of: date
    jurisdictions_overdue: bool
    jurisdiction_sources: list[tuple[str, str, str, date]]  # key, title, source, statement date
    rules_file: str
    bands: dict[str, float]
    next_steps: list[NextStep]


# ------------------------------------------------------------- recording


def _party_spec(text: str) -> tuple[str, str]:
    role, sep, who = (text or "").partition("=")
    role = role.strip().lower()
    if not sep or not who.strip():
        raise UsageError(f'Party {text!r} must be written ROLE=ENTITY, e.g. guarantor="Acme Holdings".')
    if not _ROLE.match(role):
        raise UsageError(f"Party role {role!r} must be a short word (letters, digits, - or _).")
    return role, who.strip()


def parse_value(value: str | None, currency: str | None) -> tuple[Decimal | None, str | None]:
    code = (currency or "").strip().upper() or None
    if code is not None and not re.fullmatch(r"[A-Z]{3}", code):
        raise UsageError(f"Currency {currency!r} must be a three-letter ISO code such as USD or CNY.")
    if value is None or not value.strip():
        return None, code
    try:
        amount = Decimal(value.replace(",", "").replace("_", "").strip())
    except InvalidOperation:
        raise UsageError(f"Deal value {value!r} is not a number: give e.g. 443000000.") from None
    if not amount.is_finite() or amount <= 0 or amount >= Decimal(10) ** 18:
        raise UsageError(f"Deal value {value!r} must be a positive amount.")
    if code is None:
        raise UsageError("A deal value needs its currency: add --currency, e.g. --currency USD.")
    return amount, code


def create_deal(
    name: str,
    *,
    acquirer: str,
    target: str,
    seller: str | None = None,
    parties: Sequence[str] = (),
    value: str | None = None,
    currency: str | None = None,
    deal_type: str = "acquisition",
    description: str | None = None,
    actor: str | None = None,
) -> DealInfo:
    """Record a proposed deal and its parties (entities by id or exact name), in one transaction."""
    title = " ".join((name or "").split())
    if not title:
        raise UsageError("The deal's name is empty.")
    if len(title) > 300:
        raise UsageError(f"The deal's name is {len(title):,} characters long; at most 300 are kept.")
    kind = (deal_type or "").strip().lower()
    if kind not in DEAL_TYPES:
        raise UsageError(f"Unknown deal type {deal_type!r}: use {', '.join(DEAL_TYPES)}.")
    amount, code = parse_value(value, currency)
    specs = [("acquirer", acquirer), ("target", target)]
    if seller:
        specs.append(("seller", seller))
    specs += [_party_spec(p) for p in parties]
    with session_scope() as session:
        if deals_repo.name_taken(session, title):
            raise UsageError(
                f"A deal called {title!r} already exists.", hint="Give the new deal another name."
            )
        resolved: list[tuple[int, str]] = []
        for role, who in specs:
            eid = entities_repo.root_of(session, find_entity(session, who))
            if (eid, role) in resolved:
                raise UsageError(f"The same entity is named twice as {role} (#{eid}).")
            resolved.append((eid, role))
        main = {role: eid for eid, role in resolved if role in MAIN_ROLES}
        if len(set(main.values())) < len(main):
            raise UsageError("The acquirer, the target and the seller must be different entities.")
        deal_id = deals_repo.create_deal(
            session,
            name=title,
            deal_type=kind,
            value=amount,
            currency=code,
            description=(description or "").strip() or None,
            created_by=actor or settings.ACTOR,
            parties=resolved,
        )
        lists_repo.add_audit(
            session,
            actor or settings.ACTOR,
            "deal.create",
            "deal",
            str(deal_id),
            {
                "name": title,
                "type": kind,
                "value": str(amount) if amount is not None else None,
                "currency": code,
                "parties": [{"role": r, "entity": e} for e, r in resolved],
            },
        )
        row = deals_repo.get_deal(session, str(deal_id))
    assert row is not None
    return _info(row)


def _info(row: deals_repo.DealRow) -> DealInfo:
    return DealInfo(
        row.id,
        row.name,
        row.deal_type,
        f"{row.value:,.2f}".removesuffix(".00") if row.value is not None else None,
        row.currency,
        row.description,
        row.created_at,
        row.created_by,
        [Party(p.role, p.entity_id, p.name, p.entity_type) for p in row.parties],
    )


def list_deals() -> list[DealInfo]:
    with session_scope() as session:
        return [_info(r) for r in deals_repo.list_deals(session)]


def get_deal(text: str) -> DealInfo:
    with session_scope() as session:
        row = deals_repo.get_deal(session, text or "")
        names = deals_repo.deal_names(session) if row is None else []
    if row is None:
        known = ", ".join(repr(n) for n in names[:5]) or "none yet"
        raise NotFoundError(
            "deal", (text or "").strip(), hint=f"Deals recorded: {known}. See: compliance deal list"
        )
    return _info(row)


# ------------------------------------------------------------- assessing


@dataclass
class _Scorer:
    """Adds findings, applying the per-entity caps in the order findings arrive."""

    rules: Rules
    findings: list[Finding] = field(default_factory=list)
    used: dict[tuple[int, str], float] = field(default_factory=dict)

    def add(self, finding: Finding) -> None:
        cap = self.rules.caps.get(finding.kind)
        key = (finding.entity_id, finding.kind)
        if cap is not None:
            room = max(0.0, cap - self.used.get(key, 0.0))
            if finding.raw_points > room:
                finding.points = room
                finding.rule += f"; capped: at most {cap:g} points per entity for {finding.kind}"
        self.used[key] = self.used.get(key, 0.0) + finding.points
        self.findings.append(finding)


def _pct(value: Decimal | None) -> str | None:
    return None if value is None else f"{value.normalize():f}%"


def _iso(value: date | None) -> str:
    return value.isoformat() if value else "date not stated"


def _relation_role(relation: str, via: str, level: int) -> str:
    if relation == "owner":
        return f"owner of {via}" if level <= 1 else f"owner of {via} ({level} levels up)"
    if relation == "subsidiary":
        return f"held by {via}" if level <= 1 else f"held by {via} ({level} levels down)"
    return f"sister of {via} (same owner)"


def assess(
    text: str,
    *,
    depth: int = DEFAULT_DEPTH,
    as_of: date | None = None,
    on_build: Callable[[], None] | None = None,
) -> Assessment:
    """Assess the deal ``text`` (id or name) as of today; saves its screening run for audit."""
    if not 0 <= depth <= MAX_DEPTH:
        raise UsageError(f"--depth must be between 0 and {MAX_DEPTH}.")
    deal = get_deal(text)
    if not deal.parties:
        raise UsageError(f"The deal {deal.name!r} has no parties to assess.")
    today = as_of or datetime.now(UTC).date()
    rules = load_rules()
    table = load_jurisdictions()
    graph, blocking = load_graph()
    listed = set(blocking)
    closure = blocked_closure(graph, listed, today)

    # Who is around the parties, each entity once with its closest relation.
    entities: dict[int, Entity] = {}
    edges: dict[tuple[int, int, str], Edge] = {}
    order = {r: i for i, r in enumerate(("party", "owner", "subsidiary", "sister"))}
    owner_links: dict[int, list[Link]] = {}
    around_counts: dict[int, tuple[list[int], int, int]] = {}

    def note(eid: int, relation: str, role: str, level: int) -> None:
        current = entities.get(eid)
        if current is None or (order[relation], level) < (order[current.relation], current.level):
            entities[eid] = Entity(eid, "", "", relation, role, level)

    def keep(link: Link) -> None:
        edges.setdefault(
            (link.owner, link.owned, link.kind),
            Edge(link.owner, link.owned, _pct(link.share), link.kind, link.source),
        )

    for party in deal.parties:
        note(party.entity_id, "party", party.role, 0)
    for party in deal.parties:
        around = neighbourhood(graph, party.entity_id, up=OWNER_LEVELS, down=depth, as_of=today)
        owner_links[party.entity_id] = [r.link for r in around.owners]
        around_counts[party.entity_id] = (
            [r.entity for r in around.owners],
            len(around.subsidiaries),
            len(around.sisters) if depth > 0 else 0,
        )
        for rel in around.owners:
            note(rel.entity, "owner", _relation_role("owner", party.name, rel.level), rel.level)
            keep(rel.link)
        for rel in around.subsidiaries:
            note(rel.entity, "subsidiary", _relation_role("subsidiary", party.name, rel.level), rel.level)
            keep(rel.link)
        for rel in around.sisters if depth > 0 else ():
            note(rel.entity, "sister", _relation_role("sister", party.name, rel.level), rel.level)
            keep(rel.link)

    with session_scope() as session:
        group = deals_repo.members(session, entities)
        described = deals_repo.entity_names(session, entities)
        designations = deals_repo.designations(session, group)
        action_rows = deals_repo.actions(session, group)
        mention_rows = deals_repo.mentions(session, group)
        place_rows = deals_repo.places(session, group)
        facts = {p.entity_id: entities_repo.entity_facts(session, p.entity_id) for p in deal.parties}
    for eid, ent in entities.items():
        ent.name, ent.entity_type = described.get(eid, (f"#{eid}", "unknown"))
    edge_list = [e for e in edges.values() if e.owner in entities and e.owned in entities]

    scorer = _Scorer(rules)
    factor = rules.relations

    def finding(
        kind: str,
        eid: int,
        title: str,
        evidence: str,
        source: str,
        when: date | None,
        base: float,
        rule: str,
        *,
        dated: bool = False,
        minimum: str | None = None,
        url: str | None = None,
    ) -> None:
        ent = entities[eid]
        points = base * factor[ent.relation]
        rule_text = f"{rule}; x{factor[ent.relation]:g} ({ent.relation})"
        if dated:
            recency = rules.recency_factor(when, today)
            points *= recency
            rule_text += f"; x{recency:g} (age of {_iso(when)})"
        scorer.add(
            Finding(
                "",
                kind,
                eid,
                ent.name,
                ent.relation,
                ent.role,
                title,
                evidence,
                source,
                when,
                round(points, 2),
                round(points, 2),
                rule_text,
                minimum,
                url,
            )
        )

    # Designations, current and past; blocking ones decide the deal.
    prohibited: list[str] = []
    entries: list[ListEntry] = []
    for d in designations:
        ent = entities[d.entity_id]
        where = f"{d.source} {d.sublist or ''}".strip()
        progs = f" [{', '.join(d.programs)}]" if d.programs else ""
        is_blocking = any(b.source == d.source and b.ref == d.ref for b in blocking.get(d.entity_id, []))
        entries.append(
            ListEntry(
                d.entity_id,
                ent.name,
                ent.relation,
                d.source,
                d.sublist,
                d.programs,
                d.ref,
                d.name,
                d.listed_on,
                d.delisted_on,
                d.active,
                is_blocking and d.active,
            )
        )
        if d.active:
            ent.current_lists.append(where)
            evidence = f"{d.name} is on {where}{progs} since {_iso(d.listed_on)} (entry {d.ref})"
            if is_blocking:
                ent.listed_blocking = True
                spec = rules.finding("blocking_designation")
                if ent.relation == "party":
                    prohibited.append(f"{ent.name} ({ent.role}) is on a blocking list: {where}{progs}")
                finding(
                    "blocking_designation",
                    d.entity_id,
                    f"On a blocking list in force: {where}",
                    evidence,
                    f"{d.source} entry {d.ref}",
                    d.listed_on,
                    float(spec.get("points", 0)),
                    f"blocking designation {spec.get('points', 0)} points",
                    minimum=spec.get("minimum"),
                )
            else:
                spec = rules.finding("designation")
                finding(
                    "designation",
                    d.entity_id,
                    f"On a list in force: {where}",
                    evidence,
                    f"{d.source} entry {d.ref}",
                    d.listed_on,
                    float(spec.get("points", 0)),
                    f"designation in force {spec.get('points', 0)} points",
                    minimum=spec.get("minimum_for_party") if ent.relation == "party" else None,
                )
        else:
            ent.past_lists.append(where)
            spec = rules.finding("past_designation")
            finding(
                "past_designation",
                d.entity_id,
                f"Formerly on {where}",
                f"{d.name} was on {where}{progs} from {_iso(d.listed_on)} to {_iso(d.delisted_on)} "
                f"(entry {d.ref})",
                f"{d.source} entry {d.ref}",
                d.delisted_on or d.listed_on,
                float(spec.get("points", 0)),
                f"past designation {spec.get('points', 0)} points",
                dated=True,
            )

    # OFAC's 50% rule: for the parties in full, for the others from the closure.
    views: dict[int, RuleResult] = {
        p.entity_id: fifty_percent_rule(graph, p.entity_id, listed, today) for p in deal.parties
    }
    for eid, ent in entities.items():
        if ent.relation != "party" and eid not in listed and closure.is_blocked(eid):
            ent.blocked_by_rule = True
            spec = rules.finding("blocking_designation")
            finding(
                "blocking_designation",
                eid,
                "Blocked by OFAC's 50% rule",
                f"{ent.name} is owned 50% or more, in aggregate, by blocked persons",
                "ownership ties recorded in this database; OFAC 50% rule",
                today,
                float(spec.get("points", 0)),
                f"blocked by the 50% rule {spec.get('points', 0)} points",
                minimum=spec.get("minimum"),
            )
    for party in deal.parties:
        view = views[party.entity_id]
        ent = entities[party.entity_id]
        if view.status == "blocked" and not view.listed:
            ent.blocked_by_rule = True
            prohibited.append(
                f"{party.name} ({party.role}) is blocked by OFAC's 50% rule "
                f"(blocked owners hold at least {_pct(view.lower_pct)})"
            )
        elif view.status == "undetermined":
            spec = rules.finding("fifty_percent_undetermined")
            finding(
                "fifty_percent_undetermined",
                party.entity_id,
                "50% rule undetermined: an unknown share could make this party blocked",
                f"blocked owners hold between {_pct(view.lower_pct)} and {_pct(view.upper_pct)}",
                "ownership ties recorded in this database; OFAC 50% rule",
                today,
                float(spec.get("points", 0)),
                f"undetermined 50% status {spec.get('points', 0)} points",
                minimum=spec.get("minimum"),
            )

    # Ownership gaps: an owner of a party whose share is unknown.
    gaps: dict[int, list[str]] = {}
    spec = rules.finding("ownership_gap")
    for party in deal.parties:
        for link in owner_links[party.entity_id]:
            if link.share is not None or link.kind != "ownership":
                continue
            owner = described.get(link.owner, (f"#{link.owner}", ""))[0]
            owned = described.get(link.owned, (f"#{link.owned}", ""))[0]
            text_gap = f"{owner} holds an unknown share of {owned}"
            gaps.setdefault(party.entity_id, []).append(text_gap)
            finding(
                "ownership_gap",
                party.entity_id,
                "Ownership share unknown: a gap to close",
                f"{text_gap}; recorded as unknown, not as zero",
                link.source or "ownership tie recorded in this database",
                link.since,
                float(spec.get("points", 0)),
                f"ownership gap {spec.get('points', 0)} points",
            )

    # Enforcement actions, and the obligations that may still run.
    enf = rules.finding("enforcement")
    ongoing = rules.finding("ongoing_obligation")
    actions: list[Action] = []
    type_points = enf.get("type_points", {})
    for a in sorted(
        action_rows,
        key=lambda r: -(float(type_points.get(r.action_type, 0)) + rules.amount_points(r.amount)),
    ):
        ent = entities[a.entity_id]
        ent.actions += 1
        payable = (a.amount - a.amount_suspended) if a.amount is not None and a.amount_suspended else None
        actions.append(
            Action(
                a.id,
                a.entity_id,
                ent.name,
                a.authority,
                a.action_type,
                a.action_date,
                a.respondent,
                money(a.amount, a.currency),
                money(a.amount_suspended, a.currency),
                money(payable, a.currency),
                a.program,
                a.summary,
                web_link(a.source_url),
                a.link_status,
            )
        )
        base = float(type_points.get(a.action_type, type_points.get("other", 0)))
        extra = rules.amount_points(a.amount)
        label = a.action_type.replace("_", " ")
        amount_text = f" {money(a.amount, a.currency)}" if a.amount is not None else ""
        suspended = (
            f" (of which {money(a.amount_suspended, a.currency)} suspended)" if a.amount_suspended else ""
        )
        criminal = (
            a.action_type in enf.get("criminal_types", [])
            and ent.relation == "party"
            and a.action_date is not None
            and (today - a.action_date).days / 365.25 <= float(enf.get("criminal_recent_years", 0))
        )
        finding(
            "enforcement",
            a.entity_id,
            f"{a.authority} {label}{amount_text}{suspended}",
            (a.summary or f"{label} against {a.respondent}")
            + (f" [program: {a.program}]" if a.program else ""),
            f"{a.authority}; {a.dataset} dataset, action #{a.id}"
            + ("" if a.link_status in ("auto", "confirmed") else f" (link {a.link_status})"),
            a.action_date,
            base + extra,
            f"{a.action_type} {base:g}" + (f" + amount {extra:g}" if extra else "") + " points",
            dated=True,
            minimum=enf.get("criminal_minimum") if criminal else None,
            url=web_link(a.source_url),
        )
        years = float(ongoing.get("ongoing_years", 0))
        recent = a.action_date is not None and (today - a.action_date).days / 365.25 <= years
        if a.amount_suspended and recent:
            finding(
                "ongoing_obligation",
                a.entity_id,
                f"Conditions may still run: {money(a.amount_suspended, a.currency)} suspended",
                f"{a.authority} {label} of {_iso(a.action_date)}: {money(a.amount_suspended, a.currency)} "
                "suspended on conditions (probation, escrow, monitoring) that may still apply",
                f"{a.authority}; {a.dataset} dataset, action #{a.id}",
                a.action_date,
                float(ongoing.get("points", 0)),
                f"suspended amount within {years:g} years {ongoing.get('points', 0)} points",
                url=web_link(a.source_url),
            )
    actions.sort(key=lambda x: (x.date or date.min, x.id))

    # News mentions: confirmed or linked ones count, those waiting for review are shown only.
    media = rules.finding("adverse_media")
    neutral = {str(c).lower() for c in media.get("neutral_categories", [])}
    mentions: list[MentionItem] = []
    seen_sentences: set[tuple[int, int, str]] = set()
    for m in mention_rows:
        said = (m.entity_id, m.article_id, m.sentence or m.surface)
        if said in seen_sentences:
            continue  # the same sentence naming the entity twice ("Alibaba Group ... Alibaba")
        seen_sentences.add(said)
        ent = entities[m.entity_id]
        confirmed = m.status in ("linked", "confirmed")
        published = m.published_at.date() if m.published_at else None
        mentions.append(
            MentionItem(
                m.id,
                m.entity_id,
                ent.name,
                m.status,
                confirmed,
                m.surface,
                m.sentence,
                m.categories,
                m.title,
                m.outlet,
                published,
                m.ingested_at.date() if m.ingested_at else None,
                m.location,
            )
        )
        if confirmed:
            ent.mentions += 1
        adverse = [c for c in m.categories if c.lower() not in neutral]
        if confirmed and adverse:
            finding(
                "adverse_media",
                m.entity_id,
                f"Adverse media: {', '.join(adverse)}",
                f"“{m.sentence or m.surface}”",
                ", ".join(x for x in (m.outlet, m.title) if x) or m.location,
                published,
                float(media.get("points", 0)),
                f"mention in category {', '.join(adverse)} {media.get('points', 0)} points",
                url=web_link(m.location),
            )

    # Jurisdictions.
    jur = rules.finding("jurisdiction")
    by_entity: dict[int, tuple[set[str], list[str]]] = {}
    for place in place_rows:
        codes, addresses = by_entity.setdefault(place.entity_id, (set(), []))
        if place.country:
            codes.add(place.country.upper())
        if place.address:
            addresses.append(place.address)
    for eid, (codes, addresses) in sorted(by_entity.items()):
        ent = entities[eid]
        ent.countries = sorted(codes)
        for category, matched in jurisdiction_hits(table, codes, addresses):
            floor = jur.get("minimum_for_party", {}).get(category.key) if ent.relation == "party" else None
            finding(
                "jurisdiction",
                eid,
                category.title,
                f"{ent.name}: {matched}",
                f"lists/risk/jurisdictions.yml: {category.key}, statement of {category.statement_date}",
                category.statement_date,
                float(jur.get("category_points", {}).get(category.key, 0)),
                f"{category.key} {jur.get('category_points', {}).get(category.key, 0)} points",
                minimum=floor,
            )

    # Screening of every party's names, saved as one run for audit.
    hits, run_id, algorithm, threshold, versions, screened = _screen_parties(deal, facts, group, on_build)
    hit_spec = rules.finding("screening_hit")
    for hit in hits:
        eid = next(p.entity_id for p in deal.parties if p.role == hit.role and p.name == hit.party)
        band_points = float(hit_spec.get("band_points", {}).get(hit.band, 0))
        finding(
            "screening_hit",
            eid,
            f"Open screening hit ({hit.band}, {hit.score:.2f}): {hit.matched_name}",
            f"{hit.query!r} matched {hit.matched_name!r} on {hit.list_key} {hit.sublist or ''} "
            f"(entry {hit.list_ref}): {hit.explanation}",
            f"screening run #{run_id}" if run_id else "screening",
            date.fromisoformat(hit.listed_on) if hit.listed_on and len(hit.listed_on) == 10 else None,
            band_points,
            f"{hit.band} hit {band_points:g} points",
            minimum=hit_spec.get("minimum_for_exact") if hit.band == "exact" else None,
        )

    # The rating.
    findings = sorted(scorer.findings, key=lambda f: (-f.points, -f.raw_points, f.date or date.min))
    for i, f in enumerate(findings, 1):
        f.id = f"F{i}"
    total = round(sum(f.points for f in findings), 2)
    band = rules.band(total)
    rating = band
    floors: list[str] = []
    for f in findings:
        if f.minimum and RATINGS.index(f.minimum) > RATINGS.index(band):
            floors.append(f"{f.id} sets the rating to at least {f.minimum}: {f.title} ({f.entity})")
            if RATINGS.index(f.minimum) > RATINGS.index(rating):
                rating = f.minimum
    if prohibited:
        rating = PROHIBITED

    lists = list_status()
    listed_any = [e for e in entities.values() if e.listed_blocking or e.blocked_by_rule]
    if listed_any:
        names = "; ".join(f"{e.name} ({e.role})" for e in listed_any)
        statement = f"Blocking designation or 50% rule applies to: {names}."
    else:
        statement = (
            f"No party and none of the {len(entities) - len(deal.parties)} related entities is on a "
            "blocking list in force or blocked by the 50% rule, according to the list versions below."
        )
    profiles = [
        _profile(
            p,
            facts[p.entity_id],
            views[p.entity_id],
            around_counts[p.entity_id],
            entities,
            designations,
            actions,
            mentions,
            gaps,
        )
        for p in deal.parties
    ]
    assessment = Assessment(
        deal=deal,
        generated_at=datetime.now(UTC),
        as_of=today,
        tool_version=__version__,
        database=describe_url(),
        depth=depth,
        rating=rating,
        total_points=total,
        band_from_points=band,
        floors=floors,
        prohibited=prohibited,
        reasons=_reasons(findings),
        blocking_clear=not listed_any,
        blocking_statement=statement,
        parties=profiles,
        entities=sorted(entities.values(), key=lambda e: (order[e.relation], e.level, e.name)),
        edges=edge_list,
        findings=findings,
        designations=entries,
        actions=actions,
        mentions=mentions,
        screening_run=run_id,
        screening_algorithm=algorithm,
        screening_threshold=threshold,
        screening_versions=versions,
        screening_hits=hits,
        screened_names=screened,
        lists=lists,
        blocking_lists=[s.key for s in all_sources().values() if s.blocking or s.blocking_sublists],
        stale_lists=[s.key for s in lists if s.stale],
        jurisdictions_as_of=table.as_of,
        jurisdictions_overdue=table.overdue(today),
        jurisdiction_sources=[
            (c.key, c.title, c.source, c.statement_date) for c in table.categories.values()
        ],
        rules_file=str(rules.path),
        bands=rules.bands,
        next_steps=[],
    )
    assessment.next_steps = next_steps(assessment)
    return assessment


def _screen_parties(
    deal: DealInfo,
    facts: dict[int, entities_repo.EntityFacts],
    group: dict[int, int],
    on_build: Callable[[], None] | None,
) -> tuple[list[ScreenHit], int | None, str | None, float | None, dict[str, int], list[str]]:
    """Screen each party's names; hits on the party's own list entries are not open hits."""
    with session_scope() as session:
        if not lists_repo.list_versions(session):
            return [], None, None, None, {}, []
    matcher, versions, _ = load_matcher(on_build=on_build)
    threshold = matcher.DEFAULT_THRESHOLD
    found: list[tuple[str | None, Any]] = []
    hits: list[ScreenHit] = []
    screened: list[str] = []
    for party in deal.parties:
        names = list(dict.fromkeys(n.value for n in facts[party.entity_id].names))
        kind = party.entity_type if party.entity_type in ("person", "company", "organization") else None
        best: dict[int, tuple[str, Any]] = {}
        for name in names:
            if len(name.strip()) < MIN_SCREENED_CHARS and name != party.name:
                continue
            screened.append(f"{party.role}: {name}")
            for hit in matcher.screen(make_query(name, kind), threshold=threshold, limit=10):
                if group.get(hit.entry.entity_id, hit.entry.entity_id) == party.entity_id:
                    continue  # the party's own list entry: shown among its designations
                did = hit.entry.designation_id
                if did not in best or hit.score > best[did][1].score:
                    best[did] = (name, hit)
        for name, hit in sorted(best.values(), key=lambda x: -x[1].score):
            found.append((f"{party.role}:{party.entity_id}", hit))
            record = hit_record(hit)
            hits.append(
                ScreenHit(
                    party.name,
                    party.role,
                    name,
                    record["matched_name"],
                    record["list"],
                    record["list_ref"],
                    record["sublist"],
                    record["programs"],
                    record["listed_on"],
                    record["score"],
                    record["band"],
                    record["explanation"],
                )
            )
    run_id = save_screening(
        "deal",
        {"deal": deal.id, "deal_name": deal.name, "names": screened},
        threshold,
        matcher,
        versions,
        found,
    )
    return hits, run_id, matcher.ALGORITHM, threshold, versions, screened


def _reasons(findings: list[Finding]) -> list[Reason]:
    """Findings grouped by entity and kind, largest first: the executive summary's reasons."""
    groups: dict[tuple[int, str], list[Finding]] = {}
    for f in findings:
        groups.setdefault((f.entity_id, f.kind), []).append(f)
    reasons = []
    for (_eid, kind), items in groups.items():
        points = round(sum(f.points for f in items), 2)
        if points <= 0 and not any(f.minimum for f in items):
            continue
        weighty = sorted(items, key=lambda f: (-f.points, -f.raw_points, f.date or date.min))
        reasons.append(
            Reason(
                items[0].entity,
                items[0].role,
                kind,
                points,
                [f"{f.date.isoformat()}: {f.title}" if f.date else f.title for f in weighty],
                [f.id for f in weighty],
            )
        )
    reasons.sort(key=lambda r: -r.points)
    return reasons


def _profile(
    party: Party,
    facts: entities_repo.EntityFacts,
    view: RuleResult,
    around: tuple[list[int], int, int],
    entities: dict[int, Entity],
    designations: list[entities_repo.DesignationRow],
    actions: list[Action],
    mentions: list[MentionItem],
    gaps: dict[int, list[str]],
) -> PartyProfile:
    own = [d for d in designations if d.entity_id == party.entity_id]

    def record(d: entities_repo.DesignationRow) -> dict[str, Any]:
        return {
            "list": d.source,
            "sublist": d.sublist,
            "programs": d.programs,
            "ref": d.ref,
            "name": d.name,
            "listed_on": d.listed_on,
            "delisted_on": d.delisted_on,
        }

    status_text = {
        "blocked": "Blocked: listed, or owned 50% or more by blocked persons",
        "not_blocked": "Not blocked: no blocked owner found",
        "undetermined": "Undetermined: an unknown share could make it blocked",
    }[view.status]
    if view.status == "not_blocked" and view.upper_pct > 0:
        status_text = f"Not blocked: blocked owners hold at most {_pct(view.upper_pct)}"
    mine = [a for a in actions if a.entity_id == party.entity_id]
    totals: dict[str, Decimal] = {}
    for a in mine:
        if a.amount:
            currency, _, number = a.amount.rpartition(" ")
            totals[currency] = totals.get(currency, Decimal(0)) + Decimal(number.replace(",", ""))
    owner_ids, subsidiaries, sisters = around
    return PartyProfile(
        role=party.role,
        entity_id=party.entity_id,
        name=party.name,
        entity_type=party.entity_type,
        names=list(dict.fromkeys((n.value, n.kind, n.script) for n in facts.names)),
        identifiers=list(
            dict.fromkeys(
                f"{i.id_type}: {i.value}"
                for i in facts.identifiers
                if i.id_type != entities_repo.OWN_REF_TYPE
            )
        ),
        countries=sorted({c.country for c in facts.countries}),
        addresses=facts.addresses,
        current_designations=[record(d) for d in own if d.active],
        past_designations=[record(d) for d in own if not d.active],
        fifty_status=view.status,
        fifty_text=status_text,
        fifty_lower=_pct(view.lower_pct) or "0%",
        fifty_upper=_pct(view.upper_pct) or "0%",
        owners=[entities[i].name for i in owner_ids],
        subsidiaries=subsidiaries,
        sisters=sisters,
        enforcement_count=len(mine),
        enforcement_total=", ".join(money(v, c) for c, v in sorted(totals.items())) or "none",
        mentions_confirmed=sum(1 for m in mentions if m.entity_id == party.entity_id and m.confirmed),
        mentions_unconfirmed=sum(1 for m in mentions if m.entity_id == party.entity_id and not m.confirmed),
        gaps=gaps.get(party.entity_id, []),
    )


# ------------------------------------------------------------- next steps


def next_steps(a: Assessment) -> list[NextStep]:
    """Concrete checks before signing, each drawn from the findings that call for it."""
    steps: list[NextStep] = []
    by_kind: dict[str, list[Finding]] = {}
    for f in a.findings:
        by_kind.setdefault(f.kind, []).append(f)
    roles = {p.role: p.name for p in a.deal.parties}
    target = roles.get("target", "the target")
    seller = roles.get("seller")

    def ids(items: list[Finding]) -> list[str]:
        return [f.id for f in items]

    if a.prohibited:
        steps.append(
            NextStep(
                "Stop: the deal is prohibited as it stands",
                "Do not sign or take any step that deals in the blocked party's property. Seek legal "
                "advice on whether a licence (e.g. from OFAC) is available before anything else.",
                ids(by_kind.get("blocking_designation", [])),
            )
        )
    history = (
        by_kind.get("enforcement", []) + by_kind.get("past_designation", []) + by_kind.get("designation", [])
    )
    embargo = [f for f in history if _EMBARGO_WORDS.search(f"{f.title} {f.evidence}")]
    if embargo:
        steps.append(
            NextStep(
                "Past sales to embargoed destinations",
                f"Ask for {target}'s sales, deliveries and support contracts with Iran, North Korea, "
                "Cuba, Syria, Crimea and other embargoed destinations, and with listed parties, over the "
                "period the enforcement actions cover and since; ask how the products involved reached "
                "those customers.",
                ids(embargo),
            )
        )
    export = [f for f in history if _EXPORT_WORDS.search(f"{f.title} {f.evidence} {f.source}")]
    if export:
        steps.append(
            NextStep(
                "US-origin content and export controls",
                f"Have {target}'s products classified (ECCN or EAR99), measure their US-origin content "
                "(de minimis), list the export licences held, and check that no denial order or Entity "
                "List restriction affects its suppliers or customers.",
                ids(export),
            )
        )
    if history or by_kind.get("screening_hit") or by_kind.get("adverse_media"):
        steps.append(
            NextStep(
                "Representations, warranties and indemnities",
                "Require sanctions, export-control and anti-corruption representations from the seller "
                f"and {target} covering at least the last five years, with a specific indemnity for "
                "pre-closing violations and a right to terminate if a party is designated before closing.",
                ids(history[:5]),
            )
        )
    seller_findings = [f for f in a.findings if seller and f.entity == seller and f.points > 0]
    if seller and seller_findings:
        steps.append(
            NextStep(
                "Use of proceeds",
                f"Find out where the purchase price paid to {seller} goes (for example to penalties or "
                "escrow under its settlements) and obtain a covenant that no proceeds reach a sanctioned "
                "person, country or activity.",
                ids(seller_findings[:5]),
            )
        )
    if by_kind.get("ongoing_obligation"):
        steps.append(
            NextStep(
                "Settlement conditions still running",
                "Confirm the status of the suspended penalties, probation, monitors or compliance "
                "coordinators, and whether the transaction must be reported to, or approved by, the "
                "authority concerned.",
                ids(by_kind["ongoing_obligation"]),
            )
        )
    if by_kind.get("ownership_gap") or by_kind.get("fifty_percent_undetermined"):
        items = by_kind.get("ownership_gap", []) + by_kind.get("fifty_percent_undetermined", [])
        steps.append(
            NextStep(
                "Ownership declaration",
                "Obtain a signed declaration of the shareholders, with percentages, up to the ultimate "
                "beneficial owners, and record it (compliance ownership add OWNER OWNED --share PCT "
                "--source ...); then assess the deal again.",
                ids(items),
            )
        )
    if by_kind.get("screening_hit"):
        steps.append(
            NextStep(
                "Clear the open screening hits",
                "Review each hit against the party's identifiers, addresses and dates; record the "
                "decision, or link the entry to the party when it is the same.",
                ids(by_kind["screening_hit"]),
            )
        )
    if by_kind.get("jurisdiction"):
        steps.append(
            NextStep(
                "Enhanced due diligence on high-risk jurisdictions",
                "Establish the business each entity does in the jurisdictions named, and the controls in "
                "place for it.",
                ids(by_kind["jurisdiction"]),
            )
        )
    unconfirmed = [m for m in a.mentions if not m.confirmed]
    if unconfirmed:
        steps.append(
            NextStep(
                "Review unconfirmed news mentions",
                f"{len(unconfirmed)} news mention(s) wait for review: confirm or reject them "
                "(they do not count in the rating until confirmed).",
                [],
            )
        )
    if a.stale_lists:
        steps.append(
            NextStep(
                "Refresh stale lists",
                f"Lists {', '.join(a.stale_lists)} are past their refresh schedule: run compliance lists "
                "refresh and assess the deal again before relying on this memo.",
                [],
            )
        )
    if a.jurisdictions_overdue:
        steps.append(
            NextStep(
                "Update the jurisdiction table",
                f"lists/risk/jurisdictions.yml reflects statements of {a.jurisdictions_as_of}; check the "
                "latest FATF statements and sanctions programmes.",
                [],
            )
        )
    return steps
