"""Re-planning as one more rule family (non-disruptive re-planning, as Timefold does it): the published week
is the reference, every changed item costs more than all soft gains together (so the re-plan changes as few
items as the rules allow, then plans as well as it can), the days before today and pinned items are fixed,
moved sessions are placed; the published plan is a complete solution hint."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from planner.plan import SESSION_KINDS
from planner.request import WEEKDAYS

if TYPE_CHECKING:
    from planner.solver.model import WeekModel

CHANGE_RULE = "replan"


def add_fixed_and_moves(wm: WeekModel) -> None:
    """Frozen days and pins: exactly the published sessions (their only candidate set is the published one,
    see WeekInstance.fixed_sets). Moves: the session leaves its day and takes the target day."""
    inst, m = wm.inst, wm.model
    for key in inst.fixed_sets:
        m.add(wm.on[key] == 1)
    ref = inst.reference
    if ref is None:
        return
    for d in range(ref.frozen):     # frozen days hold nothing but what was published
        for kind in SESSION_KINDS:
            if (d, kind) in wm.on and (d, kind) not in inst.fixed_sets:
                m.add(wm.on[d, kind] == 0)
    for key, target in ref.moves.items():
        day, kind = key.split("-", 1)
        if kind not in SESSION_KINDS:
            continue        # a moved run is already on its new day in the request (weekly.moved_request)
        source, dest = WEEKDAYS.index(day), WEEKDAYS.index(target)
        if min(source, dest) < ref.frozen:
            continue        # accepted while its days were ahead: the days before today hold it as published
        if (source, kind) in wm.on:
            m.add(wm.on[source, kind] == 0)
        if (dest, kind) in wm.on:
            m.add(wm.on[dest, kind] == 1)
        else:
            m.add_bool_or([])     # no session of this kind can go there: infeasible, explained by the engine


def _upper_bound(wm: WeekModel, term: cp_model.LinearExprT) -> int:
    proto = wm.model.proto
    try:
        return int(proto.variables[term.index].domain[-1])     # type: ignore[union-attr]
    except AttributeError:    # pragma: no cover - every penalty term is a variable
        return 1000


def add_change_penalties(wm: WeekModel) -> None:
    """One penalty per changed (day, session kind) and per changed run length on the days from today on,
    weighted above the sum of every soft penalty's worst case: fewest changes first, then the best week."""
    inst, m, ref = wm.inst, wm.model, wm.inst.reference
    if ref is None or not ref.weigh_changes:
        return
    weight = 1 + sum(p.weight * _upper_bound(wm, p.term) for p in wm.penalties)
    step = inst.rules.caps.step_minutes
    for (d, kind), on in wm.on.items():
        was = ref.sessions.get((d, kind))
        same = [v for v, t in wm.template[d, kind] if was is not None and tuple(e.id for e in t.exercises) == was]
        m.add_hint(on, 1 if same else 0)
        for v, _ in wm.template[d, kind]:
            if v is not on:       # a session with one candidate set is that set's literal
                m.add_hint(v, 1 if same and v is same[0] else 0)
        if d < ref.frozen or (d, kind) in inst.fixed_sets:
            continue
        if was is None:
            changed: cp_model.LinearExprT = on
        elif same:
            changed = m.new_bool_var(f"changed[{d},{kind}]")
            m.add(changed == 1 - sum(same))
        else:
            continue        # the published session cannot stay as it was: a forced change, not a choice
        if not isinstance(changed, cp_model.IntVar):
            continue
        wm.penalties.append(_penalty(changed, weight, f"{WEEKDAYS[d]} {kind} differs from the published week"))
    for run in inst.runs:
        steps, was = wm.steps[run.day], ref.runs.get(run.day)
        if was is None:
            continue
        m.add_hint(steps, min(was // step, run.max_minutes // step))
        if WEEKDAYS.index(run.day) < ref.frozen or run.fixed:
            continue
        hi = max(run.max_minutes, was) // step + 1    # big enough for any difference either way
        differs = m.new_bool_var(f"run_changed[{run.day}]")
        m.add(steps - was // step <= hi * differs)
        m.add(was // step - steps <= hi * differs)
        wm.penalties.append(_penalty(differs, weight, f"{run.day} run length differs from the published week"))


def _penalty(term: cp_model.IntVar, weight: int, label: str):    # noqa: ANN202 - soft.Penalty
    from planner.solver.soft import Penalty
    return Penalty(term, weight, CHANGE_RULE, label)
