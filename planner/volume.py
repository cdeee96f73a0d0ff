"""Running volume (R12, R13): each run's planned kind and most minutes, and the week's cap, with reasons."""

from __future__ import annotations

import math
from dataclasses import dataclass

from planner.request import WEEKDAYS, PlanRequest
from planner.rules import PainStatus, Rules, pct


@dataclass(frozen=True)
class RunLimit:
    """One requested run after the pain and cap rules: its kind, and the most minutes it may have."""

    day: str
    requested_kind: str
    kind: str
    requested_minutes: int
    max_minutes: int
    reasons: tuple[str, ...]
    rules: tuple[str, ...]


def _floor_step(minutes: float, step: int) -> int:
    return int(math.floor(minutes / step + 1e-9)) * step


def run_limits(request: PlanRequest, status: PainStatus, rules: Rules, label: str | None = None) -> list[RunLimit]:
    """Per run: kind after pain rules, and max minutes from the pain factor and the single-run cap.
    `label` names why the policy applies in the reasons (default "<STATUS> pain")."""
    policy, caps = rules.policy(status), rules.caps
    label = label or f"{status} pain"
    limits: list[RunLimit] = []
    for run in sorted(request.runs, key=lambda r: WEEKDAYS.index(r.day)):
        reasons: list[str] = []
        rule_ids: list[str] = ["wish"]
        kind = run.kind
        if run.kind == "quality" and policy.quality_to_easy:
            kind = "easy"
            reasons.append(f"{label}: the quality session becomes an easy run (intensity is added last).")
            rule_ids += ["R13", f"pain-{status.lower()}"]
        most = run.minutes
        if policy.run_factor < 1:
            cut = _floor_step(run.minutes * policy.run_factor, caps.step_minutes)
            if max(cut, caps.min_run_minutes) < most:
                most = cut
                cut_pct = round((1 - policy.run_factor) * 100)
                reasons.append(f"{label}: run held at least {cut_pct} % shorter "
                               f"({run.minutes} → at most {max(most, caps.min_run_minutes)} min).")
                rule_ids += ["R13", f"pain-{status.lower()}"]
        longest = request.history.longest_run_30d_minutes
        if longest is not None:
            cap = _floor_step(longest * caps.single_run_factor, caps.step_minutes)
            if max(cap, caps.min_run_minutes) < most:
                most = cap
                reasons.append(f"No run above {pct(caps.single_run_factor)} % of your longest run in 30 days "
                               f"({longest} min): "
                               f"at most {max(cap, caps.min_run_minutes)} min.")
                rule_ids.append("R12")
        most = max(most, caps.min_run_minutes)
        limits.append(RunLimit(run.day, run.kind, kind, run.minutes, most, tuple(reasons),
                               tuple(dict.fromkeys(rule_ids))))
    return limits


def weekly_run_cap(request: PlanRequest, status: PainStatus, rules: Rules,
                   label: str | None = None) -> tuple[int | None, str | None]:
    """The most running minutes this week from the weekly and two-week caps (R12), with the reason."""
    caps, hist = rules.caps, request.history
    label = label or f"{status} pain"
    best: tuple[int | None, str | None] = (None, None)

    def consider(value: int, why: str) -> None:
        nonlocal best
        if best[0] is None or value < best[0]:
            best = (value, why)

    if hist.last_week_run_minutes == 0:
        consider(caps.restart_week_minutes,
                 f"After a week without running, start back gently: at most {caps.restart_week_minutes} min "
                 f"of running this week.")
    elif hist.last_week_run_minutes is not None:
        if rules.policy(status).weekly_hold:
            consider(hist.last_week_run_minutes,
                     f"{label}: weekly running held at last week's {hist.last_week_run_minutes} min.")
        consider(int(hist.last_week_run_minutes * caps.weekly_factor + 1e-9),
                 f"Weekly running +{pct(caps.weekly_factor) - 100} % at most over last week's "
                 f"{hist.last_week_run_minutes} min.")
    if hist.week_before_last_run_minutes:   # +30 % of nothing is no guide either (restart allowance above)
        consider(int(hist.week_before_last_run_minutes * caps.two_week_factor + 1e-9),
                 f"Never more than +{pct(caps.two_week_factor) - 100} % over two weeks "
                 f"({hist.week_before_last_run_minutes} min two weeks ago).")
    return best
