"""Running volume (R12, R13): each run's planned kind and most minutes, and the week's cap, with reasons."""

from __future__ import annotations

import math
from dataclasses import dataclass

from planner.request import DAY_NAMES, WEEKDAYS, PlanRequest
from planner.rules import PainStatus, Rules, pct


@dataclass(frozen=True)
class RunLimit:
    """One requested run after the pain and cap rules: its kind, and the most minutes it may have.
    A run the rules leave below the useful minimum is `dropped` (with the reason) and not planned."""

    day: str
    requested_kind: str
    kind: str
    requested_minutes: int
    max_minutes: int
    reasons: tuple[str, ...]
    rules: tuple[str, ...]
    dropped: str | None = None
    fixed: bool = False               # exactly max_minutes: a ladder session, a day before today, a pinned run
    intervals: tuple[tuple[int, int], ...] | None = None   # a ladder session's (run, walk) minutes
    exact_minutes: int | None = None  # a ladder session's real minutes (max_minutes is them rounded up to a step)


def _floor_step(minutes: float, step: int) -> int:
    return int(math.floor(minutes / step + 1e-9)) * step


def single_run_cap(longest: int, rules: Rules) -> int:
    """§2 cap 1: 110 % of the longest run in 30 days, rounded down to the step, but at least one step more
    than the longest run (rounded down), so that a 30-min runner may go to 35 [H]."""
    caps = rules.caps
    return max(_floor_step(longest * caps.single_run_factor, caps.step_minutes),
               _floor_step(longest + caps.single_run_min_step, caps.step_minutes))


def restarting(request: PlanRequest) -> bool:
    """Back after a week without running (until the return-to-run ladder plans such weeks)."""
    return request.history.last_week_run_minutes == 0


def run_limits(request: PlanRequest, status: PainStatus, rules: Rules, label: str | None = None,
               cited: tuple[str, ...] | None = None) -> list[RunLimit]:
    """Per run: kind after pain rules, and max minutes from the pain factor and the single-run cap.
    `label` names why the policy applies in the reasons (default "<STATUS> pain"), `cited` the rules it cites
    (default R13 and the pain status's rule)."""
    policy, caps = rules.policy(status), rules.caps
    label = label or f"{status} pain"
    because = list(cited or ("R13", f"pain-{status.lower()}"))
    limits: list[RunLimit] = []
    longest = request.history.longest_run_30d_minutes
    for run in sorted(request.runs, key=lambda r: WEEKDAYS.index(r.day)):
        reasons: list[str] = []
        rule_ids: list[str] = ["wish"]
        kind, dropped = run.kind, None
        if run.kind == "quality" and policy.quality_to_easy:
            kind = "easy"
            reasons.append(f"{label}: the quality session becomes an easy run (intensity is added last).")
            rule_ids += because
        elif run.kind == "quality" and restarting(request):
            kind = "easy"
            reasons.append("Back after a week without running: easy running first, intensity comes last.")
            rule_ids.append("R12")
        most = run.minutes
        if policy.run_factor < 1:
            cut = _floor_step(run.minutes * policy.run_factor, caps.step_minutes)
            if cut >= caps.min_run_minutes:
                most = cut
                reasons.append(f"{label}: run at least {round((1 - policy.run_factor) * 100)} % shorter "
                               f"({run.minutes} → at most {most} min).")
                rule_ids += because
            elif policy.drop_below_minimum:
                dropped = (f"{label} would cut it to {cut} min, below the {caps.min_run_minutes} min of a useful "
                           f"run: a brisk walk or easy cycling instead is fine")
            else:
                most = min(run.minutes, max(cut, caps.min_run_minutes))
                if most < run.minutes:
                    reasons.append(f"{label}: run held short ({run.minutes} → at most {most} min).")
                    rule_ids += because
        if longest is not None and longest > 0:
            cap = single_run_cap(longest, rules)
            if cap < most:
                most = max(cap, caps.min_run_minutes)
                reasons.append(f"No run more than about {pct(caps.single_run_factor) - 100} % longer than your "
                               f"longest in 30 days ({longest} min): at most {most} min.")
                rule_ids.append("R12")
        elif longest is None and most > caps.unknown_single_run_minutes:
            most = caps.unknown_single_run_minutes
            reasons.append(f"We don't know your longest recent run, so no run above {most} min until you tell us.")
            rule_ids.append("R12")
        if run.minutes < caps.min_run_minutes:
            dropped = (f"a run under {caps.min_run_minutes} min is not planned; a brisk walk, or adding the "
                       f"minutes to another run, does more")
        limits.append(RunLimit(run.day, run.kind, kind, run.minutes, most, tuple(reasons),
                               tuple(dict.fromkeys(rule_ids)), dropped))
    return limits


def weekly_run_cap(request: PlanRequest, status: PainStatus, rules: Rules,
                   label: str | None = None) -> tuple[int | None, str | None]:
    """The most running minutes this week from the weekly and two-week caps (R12), with the reason.
    RED always cuts: the week is at most the RED factor of its baseline (last week, the restart allowance,
    or what was asked)."""
    caps, hist = rules.caps, request.history
    policy = rules.policy(status)
    label = label or f"{status} pain"
    best: tuple[int | None, str | None] = (None, None)

    def consider(value: int, why: str) -> None:
        nonlocal best
        if best[0] is None or value < best[0]:
            best = (value, why)

    last = hist.last_week_run_minutes
    if last == 0:
        consider(caps.restart_week_minutes,
                 f"After a week without running, start back gently: at most {caps.restart_week_minutes} min "
                 f"of running this week.")
    elif last is not None:
        if policy.weekly_hold:
            consider(last, f"{label}: weekly running held at last week's {last} min.")
        consider(int(last * caps.weekly_factor + 1e-9),
                 f"Weekly running +{pct(caps.weekly_factor) - 100} % at most over last week's {last} min.")
    else:
        consider(caps.unknown_weekly_minutes,
                 f"We don't know last week's running, so at most {caps.unknown_weekly_minutes} min this week "
                 "until you tell us.")
    if hist.week_before_last_run_minutes:   # +30 % of nothing is no guide either (restart allowance above)
        consider(int(hist.week_before_last_run_minutes * caps.two_week_factor + 1e-9),
                 f"Never more than +{pct(caps.two_week_factor) - 100} % over two weeks "
                 f"({hist.week_before_last_run_minutes} min two weeks ago).")
    if policy.run_factor < 1 and policy.drop_below_minimum:
        asked = sum(r.minutes for r in request.runs)
        base = min(v for v in (best[0], asked, last or None) if v is not None)
        consider(_floor_step(base * policy.run_factor, caps.step_minutes),
                 f"{label}: this week's running cut to about {pct(policy.run_factor)} % of {base} min.")
    return best


def fit_runs_to_cap(limits: list[RunLimit], cap: int | None, rules: Rules) -> list[RunLimit]:
    """When the week's cap leaves room for fewer useful runs than asked, keep the fixed runs (days already
    past, pins, ladder sessions), then the long run, then the longest requested (earlier day on a tie), and
    drop the rest with the reason."""
    floor = rules.caps.min_run_minutes
    kept = [lim for lim in limits if lim.dropped is None]
    fixed = sum(lim.max_minutes for lim in kept if lim.fixed)
    free = [lim for lim in kept if not lim.fixed]
    if cap is None or fixed + len(free) * floor <= cap:
        return limits
    room = max(0, cap - fixed) // floor
    order = sorted(free, key=lambda lim: (lim.requested_kind != "long", -lim.requested_minutes,
                                          WEEKDAYS.index(lim.day)))
    keep = {lim.day for lim in order[:room]}
    out = []
    for lim in limits:
        if lim.dropped is None and not lim.fixed and lim.day not in keep:
            why = (f"this week's cap of {cap} min leaves room for {room} more run{'s' if room != 1 else ''} of at "
                   f"least {floor} min; a brisk walk on {DAY_NAMES[lim.day]} instead is fine")
            lim = RunLimit(lim.day, lim.requested_kind, lim.kind, lim.requested_minutes, 0, lim.reasons,
                           lim.rules, why)
        out.append(lim)
    return out
