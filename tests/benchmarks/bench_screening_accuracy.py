"""Benchmark: name-screening accuracy against the whole OFAC SDN list.

Builds the engine's index from every name variant of the real SDN list
(primary names and all aliases, ../shared/lists-data/ofac_sdn), generates the
labelled evaluation set of ``tests/benchmarks/evalset.py`` (seeded) and
screens each query against the whole list. A positive counts as found when
its expected entry (OFAC ent_num) is among the hits at the threshold (top 10);
a negative control is a false positive when any hit at the threshold comes
back.

Side by side, in the same run:

- the engine, ``Matcher.screen`` at ``DEFAULT_THRESHOLD`` (or ``--threshold``);
- baseline (a), plain rapidfuzz: ``process.extract(query, all_names,
  scorer=fuzz.WRatio, processor=utils.default_process)`` over every name
  variant, best variant per entry, top 10: at the cut-off 100 x the engine's
  threshold, and at the cut-off that gives WRatio the same false-positive rate
  as the engine (the fair comparison: recall at equal FPR);
- baseline (b), the engine's own scorer over every entry without candidate
  generation (``Matcher.exhaustive``). It costs about a second a query, so it
  runs on a stratified subsample (``--exhaustive N`` cases); the same sample
  gives the candidate-generation recall: the share of the exhaustive scan's
  hits at the threshold that ``screen()`` also returns (target >= 99.5 %).

``--sweep`` adds recall per family and FPR for thresholds 0.70..0.95 (step
0.01), from one extra screening pass at 0.70, to choose the default.
``--sample N`` screens a stratified subsample of N cases for quick iterations.

Run:  python tests/benchmarks/bench_screening_accuracy.py [--sweep] [--sample N] [--threshold T]
"""

from __future__ import annotations

import argparse
import csv
import math
import random
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from rapidfuzz import fuzz, process, utils  # noqa: E402

from compliance.matching.engine import Matcher  # noqa: E402
from compliance.matching.types import Hit, IndexEntry, Query  # noqa: E402
from tests.benchmarks.entries import SDN_PATH, sdn_entries  # noqa: E402
from tests.benchmarks.evalset import DEFAULT_SEED, FAMILIES, Case, counts, generate  # noqa: E402

COMMAND = "python tests/benchmarks/bench_screening_accuracy.py"
LIMIT = 10
SWEEP = [round(0.70 + i / 100, 2) for i in range(26)]
TARGETS = {"benign": 0.97, "adversarial": 0.95, "degraded": 0.95}
TARGET_FPR = 0.02
TARGET_CANDIDATE_RECALL = 0.995
# WRatio: best name variants kept per query (enough for 10 distinct entries nearly always).
WRATIO_NAMES = 60
# Cases run through the exhaustive scan (about a second each).
EXHAUSTIVE_CASES = 120


@dataclass(slots=True)
class Ranked:
    """One system's answer to one case: (ref, score) best first, scores on a 0..1 scale."""

    hits: list[tuple[str, float]] = field(default_factory=list)
    matched: list[str] = field(default_factory=list)  # the name variant behind each hit

    def at(self, threshold: float) -> list[tuple[str, float]]:
        return [(r, s) for r, s in self.hits[:LIMIT] if s >= threshold - 1e-9]

    def found(self, case: Case, threshold: float) -> bool:
        hits = self.at(threshold)
        return any(r == case.expected_ref for r, _ in hits) if case.positive else bool(hits)

    def name(self, i: int) -> str:
        return self.matched[i] if i < len(self.matched) else "?"

    def top(self) -> float:
        return self.hits[0][1] if self.hits else 0.0


def _from_hits(hits: Sequence[Hit]) -> Ranked:
    return Ranked([(h.entry.ref, h.score) for h in hits], [h.entry.name for h in hits])


def stratified(cases: Sequence[Case], n: int, seed: int) -> list[Case]:
    """About ``n`` cases, the same share of every class, in the set's order."""
    if n >= len(cases):
        return list(cases)
    by_class: dict[str, list[Case]] = defaultdict(list)
    for c in cases:
        by_class[c.class_].append(c)
    rng = random.Random(f"{seed}:sample")
    keep: set[str] = set()
    for items in by_class.values():
        k = max(1, round(n * len(items) / len(cases)))
        keep.update(c.case_id for c in rng.sample(items, min(k, len(items))))
    return [c for c in cases if c.case_id in keep]


def in_family(family: str) -> Callable[[Case], bool]:
    return lambda c: c.family == family


def in_class(class_: str) -> Callable[[Case], bool]:
    return lambda c: c.class_ == class_


def query_of(case: Case) -> Query:
    return Query(name=case.query, entity_type=case.entity_type)


def run_engine(fn: Callable[[Query], list[Hit]], cases: Sequence[Case]) -> tuple[list[Ranked], float]:
    start = time.perf_counter()
    out = [_from_hits(fn(query_of(c))) for c in cases]
    return out, time.perf_counter() - start


def run_wratio(entries: Sequence[IndexEntry], cases: Sequence[Case]) -> tuple[list[Ranked], float]:
    """Plain rapidfuzz WRatio over every name variant; best variant per entry."""
    choices = [utils.default_process(e.name) for e in entries]
    refs = [e.ref for e in entries]
    out: list[Ranked] = []
    start = time.perf_counter()
    for case in cases:
        found = process.extract(
            utils.default_process(case.query), choices, scorer=fuzz.WRatio, processor=None, limit=WRATIO_NAMES
        )
        best: dict[str, tuple[float, str]] = {}
        for _, score, i in found:  # best first
            if refs[i] not in best:
                best[refs[i]] = (score / 100.0, entries[i].name)
        top = list(best.items())[:LIMIT]
        out.append(Ranked([(r, s) for r, (s, _) in top], [n for _, (_, n) in top]))
    return out, time.perf_counter() - start


def equal_fpr_cutoff(negatives: Sequence[Ranked], fpr: float) -> float:
    """The lowest cut-off (0..1) at which no more than ``fpr`` of the negatives get a hit."""
    tops = sorted((r.top() for r in negatives), reverse=True)
    allowed = math.floor(fpr * len(tops) + 1e-9)
    if allowed >= len(tops):
        return 0.0
    return min(1.0, tops[allowed] + 1e-6)


def rate(
    cases: Sequence[Case], ranked: Sequence[Ranked], threshold: float, pick: Callable[[Case], bool]
) -> tuple[float, int]:
    chosen = [(c, r) for c, r in zip(cases, ranked, strict=True) if pick(c)]
    if not chosen:
        return float("nan"), 0
    return sum(r.found(c, threshold) for c, r in chosen) / len(chosen), len(chosen)


def pct(x: float) -> str:
    return "-" if x != x else f"{100 * x:.1f}%"


def _row(label: str, n: int, cells: Sequence[str], target: str) -> str:
    return f"| {label} | {n} | " + " | ".join(cells) + f" | {target} |"


def accuracy_table(
    cases: Sequence[Case],
    systems: Sequence[tuple[str, Sequence[Ranked], float]],
) -> list[str]:
    """Recall per class and family, FPR per negative class and overall, for each system."""
    head = ["| family / class | n | " + " | ".join(name for name, _, _ in systems) + " | target |"]
    head.append("|" + "---|" * (len(systems) + 3))
    lines = head
    for family, classes in FAMILIES.items():
        negative = family == "negative"
        what = "false-positive rate" if negative else "recall"
        for label, pick, bold in [
            (f"**{family}** ({what})", (in_family(family)), True),
            *[(f"&nbsp;&nbsp;{cls}", in_class(cls), False) for cls in classes],
        ]:
            cells = []
            n = 0
            for _, ranked, thr in systems:
                value, n = rate(cases, ranked, thr, pick)
                cells.append(f"**{pct(value)}**" if bold else pct(value))
            if negative:
                target = f"<= {pct(TARGET_FPR)}" if bold else ""
            else:
                target = f">= {pct(TARGETS[family])}" if bold else ""
            lines.append(_row(label, n, cells, target))
    return lines


def sweep_table(cases: Sequence[Case], ranked: Sequence[Ranked], wratio: Sequence[Ranked]) -> list[str]:
    lines = [
        "| threshold | benign | adversarial | degraded | FPR "
        "| WRatio (x100) benign | adversarial | degraded | FPR |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for t in SWEEP:
        cells = []
        for system in (ranked, wratio):
            for family in ("benign", "adversarial", "degraded", "negative"):
                value, _ = rate(cases, system, t, in_family(family))
                cells.append(pct(value))
        lines.append(f"| {t:.2f} | " + " | ".join(cells) + " |")
    return lines


def candidate_recall(
    screened: Sequence[Ranked], exhaustive: Sequence[Ranked], threshold: float
) -> tuple[float, int]:
    """Share of the exhaustive scan's hits at the threshold that screen() also returns."""
    total = kept = 0
    for s, e in zip(screened, exhaustive, strict=True):
        mine = {r for r, _ in s.at(threshold)}
        for ref, _ in e.at(threshold):
            total += 1
            kept += ref in mine
    return (kept / total if total else float("nan")), total


def failures(
    cases: Sequence[Case],
    ranked: Sequence[Ranked],
    threshold: float,
    per_class: int,
    explain: Callable[[Case], str] | None = None,
) -> list[str]:
    """Missed positives (with the expected entry's own score from ``explain``) and false positives."""
    lines = []
    by_class: dict[str, list[str]] = defaultdict(list)
    for c, r in zip(cases, ranked, strict=True):
        if c.positive and not r.found(c, threshold):
            if len(by_class[c.class_]) >= per_class:
                by_class[c.class_].append("")
                continue
            top = f"top {r.name(0)!r} {r.hits[0][1]:.3f}" if r.hits else "no hit"
            exp = explain(c) if explain else ""
            by_class[c.class_].append(f"- `{c.query!r}` <- {c.source_name!r} ({c.how}); {exp}{top}")
        elif not c.positive and r.found(c, threshold):
            ref, score = r.at(threshold)[0]
            by_class[c.class_].append(f"- `{c.query!r}` hit {r.name(0)!r} ({ref}) {score:.3f}; {c.how}")
    for family, classes in FAMILIES.items():
        for cls in classes:
            items = by_class.get(cls, [])
            if items:
                lines.append(f"**{cls}** ({family}): {len(items)} failing")
                lines.extend(i for i in items[:per_class] if i)
    return lines


def write_cases(
    path: Path, cases: Sequence[Case], ranked: Sequence[Ranked], wratio: Sequence[Ranked], thr: float
) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(
            [
                "case_id",
                "family",
                "class",
                "query",
                "entity_type",
                "expected_ref",
                "how",
                "source_name",
                "engine_ok",
                "engine_hits",
                "wratio_top",
            ]
        )
        for c, r, wr in zip(cases, ranked, wratio, strict=True):
            w.writerow(
                [
                    c.case_id,
                    c.family,
                    c.class_,
                    c.query,
                    c.entity_type or "",
                    c.expected_ref or "",
                    c.how,
                    c.source_name,
                    int(r.found(c, thr)),
                    " ".join(f"{ref}:{s:.3f}" for ref, s in r.hits[:5]),
                    f"{wr.hits[0][0]}:{wr.hits[0][1]:.3f}" if wr.hits else "",
                ]
            )


def main() -> None:
    parser = argparse.ArgumentParser(description="Name-screening accuracy against the whole OFAC SDN list.")
    parser.add_argument("--threshold", type=float, default=None, help="default: Matcher.DEFAULT_THRESHOLD")
    parser.add_argument("--sweep", action="store_true", help="recall and FPR for thresholds 0.70..0.95")
    parser.add_argument("--sample", type=int, default=0, help="screen a stratified subsample of N cases")
    parser.add_argument(
        "--exhaustive", type=int, default=EXHAUSTIVE_CASES, help="cases for the exhaustive scan (0: skip)"
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--sdn", type=Path, default=SDN_PATH, help="folder of the OFAC SDN CSV files")
    parser.add_argument("--failures", type=int, default=6, help="failing cases shown per class")
    parser.add_argument("--cases-out", type=Path, help="write every case and its result to this CSV")
    args = parser.parse_args()
    thr = Matcher.DEFAULT_THRESHOLD if args.threshold is None else args.threshold

    t0 = time.perf_counter()
    entries = sdn_entries(args.sdn)
    t_build = time.perf_counter()
    matcher = Matcher.build(entries)
    build_s = time.perf_counter() - t_build
    t_gen = time.perf_counter()
    all_cases = generate(entries, args.seed)
    gen_s = time.perf_counter() - t_gen
    cases = stratified(all_cases, args.sample, args.seed) if args.sample else all_cases
    names: dict[str, str] = {}
    for e in entries:
        names.setdefault(e.ref, e.name)

    engine, engine_s = run_engine(lambda q: matcher.screen(q, thr, LIMIT), cases)
    wratio, wratio_s = run_wratio(entries, cases)
    negatives_engine = [r for c, r in zip(cases, engine, strict=True) if not c.positive]
    engine_fpr = sum(r.found(c, thr) for c, r in zip(cases, engine, strict=True) if not c.positive) / max(
        1, len(negatives_engine)
    )
    negatives_wratio = [r for c, r in zip(cases, wratio, strict=True) if not c.positive]
    fair_cut = equal_fpr_cutoff(negatives_wratio, engine_fpr)

    ex_cases = stratified(cases, args.exhaustive, args.seed + 1) if args.exhaustive else []
    ex_ranked, ex_s = run_engine(lambda q: matcher.exhaustive(q, thr, LIMIT), ex_cases)
    ex_pos = {c.case_id: i for i, c in enumerate(cases)}
    engine_on_ex = [engine[ex_pos[c.case_id]] for c in ex_cases]

    sweep_ranked: list[Ranked] = []
    if args.sweep:
        sweep_ranked, _ = run_engine(lambda q: matcher.screen(q, SWEEP[0], LIMIT), cases)

    fam, _ = counts(cases)
    n_pos = sum(1 for c in cases if c.positive)
    print("## Name screening accuracy (OFAC SDN, whole list)\n")
    print(f"- date: {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}; algorithm `{Matcher.ALGORITHM}`")
    cmd = COMMAND + "".join(
        f" {flag}"
        for flag, on in [
            (f"--threshold {args.threshold}", args.threshold is not None),
            ("--sweep", args.sweep),
            (f"--sample {args.sample}", bool(args.sample)),
            (f"--seed {args.seed}", args.seed != DEFAULT_SEED),
            (f"--exhaustive {args.exhaustive}", args.exhaustive != EXHAUSTIVE_CASES),
        ]
        if on
    )
    print(f"- reproduce: `{cmd}`")
    print(f"- index: {len(matcher):,} name variants of {len(names):,} SDN entries (build {build_s:.1f} s)")
    print(
        f"- evaluation set (seed {args.seed}): {len(cases):,} cases: {n_pos:,} positives "
        f"({', '.join(f'{k} {fam[k]}' for k in ('benign', 'adversarial', 'degraded'))}), "
        f"{fam['negative']:,} negative controls; generated in {gen_s:.1f} s"
    )
    print(
        f"- threshold {thr:.2f} (engine) / {100 * thr:.0f} (WRatio); a positive is found when its entry is "
        f"in the top {LIMIT} hits at the threshold, a negative is a false positive when anything is returned"
    )
    print(
        f"- WRatio at equal FPR: cut-off {100 * fair_cut:.1f} gives WRatio the engine's FPR "
        f"({pct(engine_fpr)})"
    )
    print()
    systems: list[tuple[str, Sequence[Ranked], float]] = [
        (f"engine screen() @{thr:.2f}", engine, thr),
        (f"WRatio @{100 * thr:.0f}", wratio, thr),
        (f"WRatio @{100 * fair_cut:.1f} (equal FPR)", wratio, fair_cut),
    ]
    for line in accuracy_table(cases, systems):
        print(line)
    print()
    print(
        f"Time per query: engine screen() {1000 * engine_s / max(1, len(cases)):.1f} ms, "
        f"WRatio over all names {1000 * wratio_s / max(1, len(cases)):.1f} ms"
        + (f", exhaustive() {1000 * ex_s / len(ex_cases):.0f} ms" if ex_cases else "")
        + f"; total run {time.perf_counter() - t0:.0f} s."
    )
    if ex_cases:
        cand, n_hits = candidate_recall(engine_on_ex, ex_ranked, thr)
        print(
            f"\n### Exhaustive scan (same scorer, no candidate generation) on a stratified sample of "
            f"{len(ex_cases)} cases\n"
        )
        print(
            f"Candidate-generation recall: screen() returns {pct(cand)} of the exhaustive scan's "
            f"{n_hits} hits at {thr:.2f} (target >= {100 * TARGET_CANDIDATE_RECALL:.1f}%).\n"
        )
        print("| family | n | screen() | exhaustive() |")
        print("|---|---|---|---|")
        for family in FAMILIES:
            a, n = rate(ex_cases, engine_on_ex, thr, in_family(family))
            b, _ = rate(ex_cases, ex_ranked, thr, in_family(family))
            label = "negative (FPR)" if family == "negative" else f"{family} (recall)"
            print(f"| {label} | {n} | {pct(a)} | {pct(b)} |")
    if args.sweep:
        print("\n### Threshold sweep (engine screen() at 0.70, hits filtered; WRatio at 100 x threshold)\n")
        for line in sweep_table(cases, sweep_ranked, wratio):
            print(line)
    if args.failures:
        print(f"\n### Failing cases at {thr:.2f} (engine screen(); up to {args.failures} per class)\n")
        designation = {e.ref: e.designation_id for e in entries}

        def explain(case: Case) -> str:
            hit = matcher.explain(query_of(case), designation[case.expected_ref or ""])
            return (
                f"expected scored {hit.score:.3f} via {hit.entry.name!r}; " if hit else "expected: no score; "
            )

        for line in failures(cases, engine, thr, args.failures, explain):
            print(line)
    if args.cases_out:
        write_cases(args.cases_out, cases, engine, wratio, thr)
        print(f"\nPer-case results written to {args.cases_out}")


if __name__ == "__main__":
    main()
