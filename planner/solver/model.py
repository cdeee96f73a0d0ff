"""The CP-SAT model of one week: variables, then the rule families (hard.py, soft.py, replan.py), then solve.

Instance → WeekModel → WeekSolution. OR-Tools objects never leave this package. The coaching rules that
only filter what may go where (R1 caution, R4, R8, R13 levels) are applied before the model, by
`planner.eligibility`, so the model only ever sees allowed exercises; the rest are constraints.

The runner's wishes (each requested run, a minimum for each weak area, the minutes they can spare each
day) are literals: fixed true when planning, assumptions when explaining an infeasible request.
"""

from __future__ import annotations

import time
from typing import Literal

from ortools.sat.python import cp_model

from planner.catalogue import Exercise
from planner.instance import (
    LOAD_GROUPS,
    PenaltyRecord,
    SessionChoice,
    WeekInstance,
    WeekSolution,
    Wish,
    session_templates,
)
from planner.plan import SESSION_KINDS
from planner.request import DAY_NAMES
from planner.solver import hard, replan, soft


class _Model(cp_model.CpModel):
    """CpModel without its PascalCase aliases: OR-Tools adds a wrapper per method to every new model for old
    code (about 0.5 ms a model, a tenth of a week's solve, measured in bench/); this package uses snake_case."""

    def _add_pre_pep8_methods(self) -> None:
        pass


class WeekModel:
    """Builds the CP-SAT model of a WeekInstance: `_build_variables`, `_add_constraints`, `_add_objective`."""

    def __init__(self, inst: WeekInstance, *, wishes: Literal["fixed", "assumed"] = "fixed",
                 objective: bool = True, time_slack: bool = False, skip: frozenset[str] = frozenset()):
        self.inst = inst
        self.skip = skip      # hard rule families left out, only to name the one that refuses a pin or move
        self.model = _Model()
        self.wishes: dict[str, tuple[cp_model.IntVar, Wish]] = {}
        self.penalties: list[soft.Penalty] = []
        self.time_slack: dict[int, cp_model.IntVar] = {}
        self._build_variables()
        self._add_constraints(time_slack)
        if objective:
            self._add_objective()
        wish_lits = [lit for lit, _ in self.wishes.values()]
        if wishes == "fixed":
            for lit in wish_lits:
                self.model.add(lit == 1)
        else:
            self.model.add_assumptions(wish_lits)

    # --- variables -------------------------------------------------------------------------------------
    def _wish(self, wish: Wish) -> cp_model.IntVar:
        lit = self.model.new_bool_var(f"wish[{wish.id}]")
        self.wishes[wish.id] = (lit, wish)
        return lit

    def _build_variables(self) -> None:
        inst, m = self.inst, self.model
        step = inst.rules.caps.step_minutes
        self.steps: dict[str, cp_model.IntVar] = {}
        self.keep: dict[str, cp_model.IntVar] = {}
        for run in inst.runs:
            self.steps[run.day] = m.new_int_var(0, run.max_minutes // step, f"run_steps[{run.day}]")
            self.keep[run.day] = self._wish(Wish(
                f"run:{run.day}", f"your {run.requested_kind} run on {DAY_NAMES[run.day]} "
                                  f"({run.requested_minutes} min)"))
        # A session is one of a few candidate exercise sets ("templates", see session_templates). Choosing among
        # whole sets instead of single exercises keeps the minutes arithmetic out of the search, which is what
        # makes the model prove optimality fast.
        self.on: dict[tuple[int, str], cp_model.IntVar] = {}
        self.template: dict[tuple[int, str], list[tuple[cp_model.IntVar, tuple[Exercise, ...]]]] = {}
        self.template_groups: dict[int, frozenset[str]] = {}   # set literal index -> muscle groups it loads
        self.session_minutes: dict[tuple[int, str], cp_model.LinearExprT] = {}
        budget = inst.rules.budget
        for (d, kind), exercises in inst.options.items():
            on = m.new_bool_var(f"session[{d},{kind}]")
            self.on[d, kind] = on
            fixed = inst.fixed_sets.get((d, kind))
            sets = [fixed] if fixed is not None else session_templates(
                exercises, d, budget.exercises_min, budget.exercises_max, budget.session_min, budget.session_max)
            choices = [(m.new_bool_var(f"template[{d},{kind},{i}]"), t) for i, t in enumerate(sets)]
            self.template[d, kind] = choices
            for var, chosen in choices:
                self.template_groups[var.index] = frozenset(e.load_group for e in chosen if e.loaded)
            m.add(cp_model.LinearExpr.sum([var for var, _ in choices]) == on)
            self.session_minutes[d, kind] = cp_model.LinearExpr.weighted_sum(
                [v for v, _ in choices], [sum(e.minutes for e in t) for _, t in choices])
        self.extra: dict[int, cp_model.IntVar] = {}
        for frame in inst.frames:
            terms = [self.session_minutes[frame.index, k] for k in SESSION_KINDS
                     if (frame.index, k) in self.session_minutes]
            self.extra[frame.index] = m.new_int_var(0, frame.rule_budget, f"extra_minutes[{frame.day}]")
            m.add(self.extra[frame.index] == sum(terms))
        # loaded[d, g]: a level-2/3 strength exercise for muscle group g on day d (R2)
        self.loaded: dict[tuple[int, str], cp_model.IntVar] = {}
        for frame in inst.frames:
            for group in LOAD_GROUPS:
                sets = [v for (d, _), choices in self.template.items() if d == frame.index
                        for v, _ in choices if group in self.template_groups[v.index]]
                if sets:
                    var = m.new_bool_var(f"loaded[{frame.day},{group}]")
                    m.add_max_equality(var, sets)
                    self.loaded[frame.index, group] = var

    def picked(self, d: int, kind: str, exercise_id: str) -> cp_model.LinearExprT:
        """1 when the chosen set of session (d, kind) holds the exercise: the sum of the sets holding it."""
        return cp_model.LinearExpr.sum([v for v, t in self.template.get((d, kind), [])
                                        if any(e.id == exercise_id for e in t)])

    # --- rule families ---------------------------------------------------------------------------------
    def _add_constraints(self, time_slack: bool) -> None:
        hard.add_session_shape(self)
        if "R2" not in self.skip:
            hard.add_r2_loaded_strength(self)
        if "R10" not in self.skip:
            hard.add_r10_days_off(self)
        hard.add_r11_time_budget(self, time_slack)
        hard.add_r12_run_volume(self)
        hard.add_weak_area_minimums(self)
        replan.add_fixed_and_moves(self)

    def _add_objective(self) -> None:
        soft.add_objective(self)
        replan.add_change_penalties(self)
        self.model.minimize(sum(p.weight * p.term for p in self.penalties))

    # --- solving ---------------------------------------------------------------------------------------
    def solver(self, presolve: bool = True) -> cp_model.CpSolver:
        """A solver with the deterministic settings of data/rules.toml [solver]. The explanation's many small
        feasibility checks run without presolve, which costs more than it saves on them (measured 3x)."""
        s = self.inst.rules.solver
        solver = cp_model.CpSolver()
        solver.parameters.cp_model_presolve = presolve
        solver.parameters.num_workers = s.num_workers
        solver.parameters.random_seed = s.random_seed
        solver.parameters.max_time_in_seconds = s.max_time_seconds
        solver.parameters.max_deterministic_time = s.max_deterministic_time
        return solver

    def solve(self) -> WeekSolution:
        """Solve with the objective; map every CP-SAT status to a distinct outcome."""
        solver = self.solver()
        solver.parameters.linearization_level = self.inst.rules.solver.linearization_level
        started = time.perf_counter()
        code = solver.solve(self.model)
        wall_ms = (time.perf_counter() - started) * 1000
        if code == cp_model.INFEASIBLE:
            return WeekSolution("infeasible", wall_ms=wall_ms)
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return WeekSolution("unknown", wall_ms=wall_ms)   # MODEL_INVALID is a bug; UNKNOWN a time-out
        inst = self.inst
        step = inst.rules.caps.step_minutes
        runs = {day: solver.value(var) * step for day, var in self.steps.items()}
        sessions = []
        for (d, kind), on in sorted(self.on.items(), key=lambda kv: (kv[0][0], SESSION_KINDS.index(kv[0][1]))):
            if solver.value(on):
                chosen = next(t for v, t in self.template[d, kind] if solver.value(v))
                sessions.append(SessionChoice(d, kind, chosen))
        penalties = []
        for p in self.penalties:
            value = solver.value(p.term)
            if value:
                penalties.append(PenaltyRecord(p.rule, p.label, value * p.weight))
        return WeekSolution(
            "optimal" if code == cp_model.OPTIMAL else "feasible",
            run_minutes=runs, sessions=tuple(sessions), objective=int(solver.objective_value),
            penalties=tuple(penalties), wall_ms=wall_ms)

