"""Soft rules of the week model: named penalty records (term, weight, rule, label), weights from data/rules.toml
[weights], and the objective that sums them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from planner.instance import AREA_LABELS, LOAD_GROUPS
from planner.plan import SESSION_KINDS
from planner.request import DAY_NAMES

if TYPE_CHECKING:
    from planner.solver.model import WeekModel


@dataclass
class Penalty:
    term: cp_model.LinearExprT
    weight: int
    rule: str
    label: str


def soft(wm: WeekModel, term: cp_model.LinearExprT, weight: int, rule: str, label: str) -> None:
    if weight:
        wm.penalties.append(Penalty(term, weight, rule, label))

def shortfall(wm: WeekModel, name: str, target: int, count: cp_model.LinearExprT, bound: int) -> cp_model.IntVar:
    var = wm.model.new_int_var(0, max(0, bound), name)
    wm.model.add(var >= target - count)
    return var

def add_objective(wm: WeekModel) -> None:
    """Sum of weighted penalties (weights: data/rules.toml [weights])."""
    inst, m, w, routine = wm.inst, wm.model, wm.inst.rules.weights, wm.inst.rules.routine
    step = inst.rules.caps.step_minutes
    total = cp_model.LinearExpr.sum
    # closeness to the requested volume, fairly spread: the k-th step cut from one run costs k steps, so
    # one deep cut costs more than several shallow ones (a cut of c steps costs c(c+1)/2 × the weight)
    for run in inst.runs:
        hi = run.max_minutes // step
        keep = wm.keep[run.day]
        if keep is wm.true:
            cut: cp_model.LinearExprT = hi - wm.steps[run.day]
        else:
            cut = m.new_int_var(0, hi, f"run_cut[{run.day}]")
            m.add(cut == hi * keep - wm.steps[run.day])
        cost = m.new_int_var(0, hi * (hi + 1) // 2, f"run_cut_cost[{run.day}]")
        m.add_element(cut, [c * (c + 1) // 2 for c in range(hi + 1)], cost)
        soft(wm, cost, w.volume_step, "R12", f"{DAY_NAMES[run.day]} run shorter than the rules allow")
    # R16: the same exercise set on more than two days of the week costs (variety across the week)
    same: dict[tuple[str, tuple[str, ...]], list[cp_model.IntVar]] = {}
    for (_, kind), choices in wm.template.items():
        for var, chosen in choices:
            same.setdefault((kind, chosen.ids), []).append(var)
    for (kind, ids), lits in same.items():
        if len(lits) > routine.same_set_max_days:
            over = m.new_int_var(0, len(lits), f"same_set[{kind},{'+'.join(ids)}]")
            m.add(over >= total(lits) - routine.same_set_max_days)
            soft(wm, over, w.same_set_repeat, "R16",
                 f"the same {AREA_LABELS[kind]} exercises on more than {routine.same_set_max_days} days")
    # sessions per area: weak areas aim higher (R3 core, R6 mobility, R7 hamstrings)
    for area in SESSION_KINDS:
        days = wm.on_by_kind.get(area)
        if not days:
            continue
        weak = area in inst.weak
        target = min(wm.allowed_sessions[area], (inst.rules.targets.weak if weak else inst.rules.targets.other)[area])
        count = total(days)
        if target:
            short = shortfall(wm, f"short[{area}]", target, count, target)
            rule = {"core": "R3", "hamstrings": "R7"}.get(area, "R6" if area in ("hip_mobility", "thoracic")
                                                          else "R16")
            soft(wm, short, w.weak_area_short if weak else w.other_area_short, rule,
                 f"fewer {AREA_LABELS[area]} sessions than the target of {target}")
        if area == "core" and len(days) > routine.core_max:
            over = m.new_int_var(0, 7, "core_over_max")
            m.add(over >= count - routine.core_max)
            soft(wm, over, w.core_above_max, "R3", f"more than {routine.core_max} core sessions")
    # R2 lower bound: at least 2 loaded sessions per group when loaded work is allowed at all
    for group in LOAD_GROUPS:
        days = [v for (d, g), v in wm.loaded.items() if g == group]
        if days:
            need = min(routine.loaded_min_per_week, (len(wm.allowed_loaded_days[group]) + 1) // 2)
            short = shortfall(wm, f"loaded_short[{group}]", need, total(days), need)
            soft(wm, short, w.loaded_short, "R2",
                 f"fewer than {need} loaded {group.replace('_', '-')} strength sessions")
    # R5 hard days hard, easy days easy; R15 no tiring core shortly before a run
    for (d, group), var in wm.loaded.items():
        frame = inst.frames[d]
        if frame.run_kind is None:
            soft(wm, var, w.strength_on_rest_day, "R5",
                 f"loaded strength on rest day {frame.name}")
        elif frame.run_kind == "easy" and inst.request.level > 1:
            soft(wm, var, w.strength_on_easy_day, "R5",
                 f"loaded strength on easy day {frame.name}")
        if group == "core" and frame.run_start is not None and frame.window_start < frame.run_start:
            gap = frame.run_start - (frame.window_start + frame.window_minutes)
            if gap < routine.tiring_core_gap_before_run:
                soft(wm, var, w.tiring_core_before_run, "R15",
                     f"loaded core shortly before the {frame.name} run")
    # spread: each session beyond the first on one day costs (no piling on one day)
    for frame in inst.frames:
        ons = wm.on_by_day.get(frame.index, ())
        if len(ons) > 1 and sum(sorted(wm.least_by_day[frame.index])[:2]) <= wm.day_room[frame.index]:
            # two sessions can fit that day
            stacked = m.new_int_var(0, len(ons) - 1, f"stacked[{frame.day}]")
            m.add(stacked >= total(ons) - 1)
            soft(wm, stacked, w.stacked_session, "spread", f"more than one session on {frame.name}")
