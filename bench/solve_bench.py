"""Solve-time benchmark: a fixed, seeded corpus of realistic requests through `make_plan`, in-process.

    uv run --frozen python bench/solve_bench.py [--n 1000] [--seed 20261130] [--json]

The corpus uses the same realism as the property tests (tests/property/test_random_requests.py) without
referrals: mostly GREEN/AMBER weeks, some RED, some caution answers. Prints n, p50/p95/p99/max in ms, the
share solved to proven optimality, counts per status, the slowest requests, peak RSS and versions.
Targets (README): p99 <= 50 ms and >= 99 % optimal.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import math
import os
import platform
import random
import resource
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from ortools import __version__ as ortools_version  # noqa: E402

from planner.context import PlanContext  # noqa: E402
from planner.engine import make_plan  # noqa: E402
from planner.knowledge import default_knowledge  # noqa: E402
from planner.log import parse_log  # noqa: E402
from planner.progression import expected_checkins  # noqa: E402
from planner.request import PlanRequest, RequestError, parse_request  # noqa: E402
from planner.weekly import Refusal  # noqa: E402
from tests.property.test_random_requests import RandomChooser, realistic_request  # noqa: E402

TARGET_P99_MS, TARGET_OPTIMAL = 50.0, 0.99


def corpus(n: int, seed: int) -> list[tuple[dict[str, Any], PlanRequest]]:
    """n valid realistic requests from a seeded generator (invalid draws are skipped, so n is exact)."""
    vocabulary = default_knowledge().vocabulary
    rng = random.Random(seed)
    out: list[tuple[dict[str, Any], PlanRequest]] = []
    while len(out) < n:
        raw = realistic_request(RandomChooser(rng), referrals=False)
        try:
            out.append((raw, parse_request(raw, vocabulary)))
        except RequestError:
            continue
    return out


def percentile(sorted_ms: list[float], p: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    return sorted_ms[max(0, math.ceil(p / 100 * len(sorted_ms)) - 1)]


def peak_rss_mb() -> float:
    """Peak resident set size of this process (ru_maxrss is KiB on Linux, bytes on macOS)."""
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024


def program_figures(requests: list[tuple[dict[str, Any], PlanRequest]], plans: list[Any], knowledge: Any,
                    seed: int) -> dict[str, Any]:
    """Next-week planning (a synthetic log of the week as planned, some pain drawn at random, the week before
    binding the boundary) and re-planning (a random day of the week, the days before it checked in) for every
    planned week of the corpus: p50/p95/p99 and the share proven optimal of each."""
    rng = random.Random(seed + 7)
    timed: dict[str, list[tuple[float, str]]] = {"next_week": [], "replan": []}
    for (_, request), plan in zip(requests, plans, strict=True):
        if not plan.has_week:
            continue
        week = plan.to_dict()
        checkins = expected_checkins(week)
        for entry in checkins:
            if "pain_during" in entry:
                entry["pain_during"] = rng.choice((0, 1, 2, 2, 3, 4, 6))
        sunday = request.week_start + dt.timedelta(days=6)
        log = parse_log({"checkins": checkins}, today=sunday)
        monday = request.week_start + dt.timedelta(days=7)
        nxt = request.model_copy(update={"week_start": monday})
        started = time.perf_counter()
        out = make_plan(nxt, knowledge, PlanContext(log=log, today=sunday, before=week))
        timed["next_week"].append(((time.perf_counter() - started) * 1000, out.status))
        today = request.week_start + dt.timedelta(days=rng.randint(1, 6))
        partial = parse_log({"checkins": [c for c in checkins if c["date"] < today.isoformat()]}, today=today)
        started = time.perf_counter()
        try:
            out = make_plan(request, knowledge, PlanContext(log=partial, today=today, published=week))
            status = out.status
        except Refusal:
            status = "refused"
        timed["replan"].append(((time.perf_counter() - started) * 1000, status))
    figures: dict[str, Any] = {}
    for name, rows in timed.items():
        ms = sorted(t for t, _ in rows)
        weeks = [s for _, s in rows if s in ("optimal", "feasible")]
        figures[name] = {"n": len(rows), "p50_ms": round(percentile(ms, 50), 1), "p95_ms": round(percentile(ms, 95), 1),
                         "p99_ms": round(percentile(ms, 99), 1),
                         "optimal_share_of_weeks": round(weeks.count("optimal") / max(1, len(weeks)), 4),
                         "statuses": dict(Counter(s for _, s in rows))}
    return figures


def run(n: int, seed: int, warmup: int = 20) -> dict[str, Any]:
    """Build the corpus, warm up, time every solve; the figures as a dict."""
    knowledge = default_knowledge()
    requests = corpus(n, seed)
    for _, request in corpus(warmup, seed + 1):      # imports, caches, OR-Tools start-up
        make_plan(request, knowledge)
    timings: list[tuple[float, str, int]] = []
    cpu: list[float] = []
    plans = []
    inside: list[tuple[float, float]] = []     # (whole make_plan, inside CP-SAT's solve) of planned weeks
    for index, (_, request) in enumerate(requests):
        started, cpu_started = time.perf_counter(), time.process_time()
        plan = make_plan(request, knowledge)
        whole = (time.perf_counter() - started) * 1000
        timings.append((whole, plan.status, index))
        cpu.append((time.process_time() - cpu_started) * 1000)
        plans.append(plan)
        # The bench keeps every plan for the program figures below; a server keeps none. Out of the collector's
        # sight, they cost no full collection inside a later timed plan (measured: such a pass over the kept plans
        # added 50-80 ms to whichever plan it fell in, and decided the p99 of the 18 explanations on its own).
        gc.freeze()
        if plan.has_week:
            inside.append((whole, plan.solve_ms))
    program = program_figures(requests, [p for p in plans], knowledge, seed)
    gc.unfreeze()
    ms = sorted(t for t, _, _ in timings)
    cpu.sort()
    statuses = Counter(status for _, status, _ in timings)
    slowest = sorted(timings, reverse=True)[:5]
    weeks = statuses["optimal"] + statuses["feasible"]
    week_ms = sorted(t for t, status, _ in timings if status in ("optimal", "feasible"))
    return {
        "n": n, "seed": seed,
        "p50_ms": round(percentile(ms, 50), 1), "p95_ms": round(percentile(ms, 95), 1),
        "p99_ms": round(percentile(ms, 99), 1), "max_ms": round(ms[-1], 1),
        "mean_ms": round(sum(ms) / len(ms), 1),
        # CPU time of the process per solve: less sensitive than wall time to other load on the machine
        "cpu_p50_ms": round(percentile(cpu, 50), 1), "cpu_p99_ms": round(percentile(cpu, 99), 1),
        "load_average": [round(x, 2) for x in os.getloadavg()], "cpus": os.cpu_count(),
        "optimal_share": round(statuses["optimal"] / n, 4),
        "optimal_share_of_weeks": round(statuses["optimal"] / max(1, weeks), 4),
        "p99_ms_weeks": round(percentile(week_ms, 99), 1) if week_ms else None,
        "statuses": dict(sorted(statuses.items())),
        "slowest": [{"index": i, "ms": round(t, 1), "status": s} for t, s, i in slowest],
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "python": platform.python_version(), "ortools": ortools_version,
        # "proven": CP-SAT proved the answer — an optimal week, or that no week satisfies the wishes (an
        # infeasible request cannot be optimal); "feasible" (time limit) and "unknown" are the unproven ones.
        # referred requests (red flags, STOP pain) never reach the solver: the share is of the solver's answers
        "proven_share": round((statuses["optimal"] + statuses["infeasible"]) / max(1, n - statuses["referred"]), 4),
        "whole_p50_ms": round(percentile(sorted(w for w, _ in inside), 50), 2),
        "solve_p50_ms": round(percentile(sorted(c for _, c in inside), 50), 2),
        "whole_over_solve_p50": round(percentile(sorted(w / max(c, 1e-3) for w, c in inside), 50), 2),
        "infeasible_p99_ms": round(percentile(sorted(t for t, st, _ in timings if st == "infeasible"), 99), 1)
        if statuses["infeasible"] else None,
        **program,
        "targets_met": percentile(ms, 99) <= TARGET_P99_MS
        and (statuses["optimal"] + statuses["infeasible"]) / max(1, n - statuses["referred"]) >= TARGET_OPTIMAL
        and statuses["optimal"] / max(1, weeks) >= TARGET_OPTIMAL,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="requests in the corpus (default 1000)")
    parser.add_argument("--seed", type=int, default=20261130, help="corpus seed (default 20261130)")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    parser.add_argument("--dump", type=int, metavar="INDEX", help="print corpus request INDEX as JSON and exit")
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error("--n must be at least 1")
    if args.dump is not None:
        raw, _ = corpus(args.dump + 1, args.seed)[args.dump]
        print(json.dumps(raw, indent=2))
        return 0
    figures = run(args.n, args.seed)
    if args.json:
        print(json.dumps(figures, indent=2))
        return 0
    print(f"make_plan on {figures['n']} realistic requests (seed {figures['seed']}), in-process")
    print(f"  p50 {figures['p50_ms']} ms · p95 {figures['p95_ms']} ms · p99 {figures['p99_ms']} ms · "
          f"max {figures['max_ms']} ms · mean {figures['mean_ms']} ms")
    print(f"  CPU time per solve: p50 {figures['cpu_p50_ms']} ms · p99 {figures['cpu_p99_ms']} ms "
          f"(load average {figures['load_average'][0]} on {figures['cpus']} CPUs)")
    print(f"  optimal {figures['optimal_share']:.1%} of all, {figures['optimal_share_of_weeks']:.1%} of planned "
          f"weeks (p99 of planned weeks {figures['p99_ms_weeks']} ms) · statuses "
          + ", ".join(f"{k} {v}" for k, v in figures["statuses"].items()))
    print("  slowest: " + ", ".join(f"#{s['index']} {s['ms']} ms {s['status']}" for s in figures["slowest"]))
    print(f"  peak RSS {figures['peak_rss_mb']} MB · Python {figures['python']} · OR-Tools {figures['ortools']}")
    print(f"  proven by the solver (optimal week, or infeasible wishes), of its answers: {figures['proven_share']:.1%}")
    print(f"  inside CP-SAT's solve: p50 {figures['solve_p50_ms']} ms of a whole make_plan p50 "
          f"{figures['whole_p50_ms']} ms · whole / solve p50 {figures['whole_over_solve_p50']} (target <= 1.3)")
    if figures["infeasible_p99_ms"]:
        print(f"  explanations: infeasible p99 {figures['infeasible_p99_ms']} ms = "
              f"{figures['infeasible_p99_ms'] / figures['p99_ms_weeks']:.2f} × planned weeks' p99 (target <= 3)")
    fresh = figures["p99_ms_weeks"]
    for name, target in (("next_week", 1.2), ("replan", 1.5)):
        f = figures[name]
        print(f"  {name.replace('_', ' ')} ({f['n']}): p50 {f['p50_ms']} ms · p95 {f['p95_ms']} ms · p99 {f['p99_ms']} "
              f"ms = {f['p99_ms'] / fresh:.2f} × a fresh week's p99 (target <= {target}) · optimal "
              f"{f['optimal_share_of_weeks']:.1%} of weeks · "
              + ", ".join(f"{k} {v}" for k, v in f["statuses"].items()))
    print(f"  targets (p99 <= {TARGET_P99_MS:.0f} ms; >= {TARGET_OPTIMAL:.0%} of weeks optimal and of answers proven): "
          + ("met" if figures["targets_met"] else "MISSED"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
