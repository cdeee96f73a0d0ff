"""The CP-SAT model of one week: variables, then the rule families (hard.py, soft.py, replan.py), then solve.

Instance → WeekModel → WeekSolution. OR-Tools objects never leave this package. The coaching rules that
only filter what may go where (R1 caution, R4, R8, R13 levels) are applied before the model, by
`planner.eligibility`, so the model only ever sees allowed exercises; the rest are constraints.

The runner's wishes (each requested run, a minimum for each weak area, the minutes they can spare each
day) are literals: fixed true when planning, assumptions when explaining an infeasible request.
"""

from __future__ import annotations

import os
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Literal

from ortools.sat.python import cp_model, cp_model_helper
from ortools.util.python.sorted_interval_list import Domain

from planner.instance import (
    LOAD_GROUPS,
    Candidates,
    CandidateSet,
    PenaltyRecord,
    SessionChoice,
    WeekInstance,
    WeekSolution,
    Wish,
    candidate_sets,
)
from planner.plan import SESSION_KINDS
from planner.request import DAY_NAMES
from planner.solver import hard, replan, soft

_BOOL = Domain(0, 1)
_THREAD = threading.local()
# Variable names cost a third of creating a variable and nothing reads them but a person debugging a model:
# BACKSTRIDE_MODEL_NAMES=1 keeps them (e.g. for model.export_to_file).
_NAMED = os.environ.get("BACKSTRIDE_MODEL_NAMES") == "1"


class _Model(cp_model.CpModel):
    """CpModel without its PascalCase aliases: OR-Tools adds a wrapper per method to every new model for old
    code (about 0.5 ms a model, a tenth of a week's solve, measured in bench/); this package uses snake_case.
    Variables are unnamed unless BACKSTRIDE_MODEL_NAMES=1."""

    def _add_pre_pep8_methods(self) -> None:
        pass

    if not _NAMED:
        def new_bool_var(self, name: str) -> cp_model.IntVar:
            return cp_model.IntVar(self.model_proto).with_domain(_BOOL)

        def new_int_var(self, lb: int, ub: int, name: str) -> cp_model.IntVar:
            return cp_model.IntVar(self.model_proto).with_domain(Domain(lb, ub))


class WeekModel:
    """Builds the CP-SAT model of a WeekInstance: `_build_variables`, `_add_constraints`, `_add_objective`."""

    def __init__(self, inst: WeekInstance, *, wishes: Literal["fixed", "assumed"] = "fixed",
                 objective: bool = True, time_slack: bool = False, skip: frozenset[str] = frozenset()):
        self.inst = inst
        self.skip = skip      # hard rule families left out, only to name the one that refuses a pin or move
        self.model = _Model()
        # Planning fixes every wish true: they are then the constant true, and what they enforce always holds.
        # Explaining makes each wish an assumption literal, so CP-SAT can name the ones that conflict.
        self.assumed = wishes == "assumed"
        self.true = self.model.new_constant(1)
        self.wishes: dict[str, tuple[cp_model.IntVar, Wish]] = {}
        self.penalties: list[soft.Penalty] = []
        self.time_slack: dict[int, cp_model.IntVar] = {}
        # With the runner's minutes fixed, a session no candidate set of which fits the day's spare minutes can
        # never be placed: it is left out of the model (a third of all sessions, measured on the bench corpus).
        self.fits_only = not self.assumed and not time_slack
        # the days before today in a re-plan hold what was done: no cap or time wish of today's request binds them
        self.past = inst.reference.frozen if inst.reference is not None else 0
        self._build_variables()
        self._add_constraints(time_slack)
        if objective:
            self._add_objective()
        if self.assumed:
            self.model.add_assumptions([lit for lit, _ in self.wishes.values()])

    # --- variables -------------------------------------------------------------------------------------
    def wish(self, wish_id: str, text: Callable[[], str]) -> cp_model.IntVar:
        """The literal of one thing the runner asked for: the constant true when planning, an assumption when
        explaining (`text` is only worded then)."""
        if not self.assumed:
            return self.true
        lit = self.model.new_bool_var(f"wish[{wish_id}]")
        self.wishes[wish_id] = (lit, Wish(wish_id, text()))
        return lit

    def enforce(self, constraint: cp_model.Constraint, lit: cp_model.IntVar) -> None:
        """`constraint` only where the wish `lit` holds (always, when wishes are fixed)."""
        if lit is not self.true:
            constraint.only_enforce_if(lit)

    def _build_variables(self) -> None:
        self._add_runs()
        self._add_sessions()
        self._add_days()

    def _add_runs(self) -> None:
        inst, m = self.inst, self.model
        step = inst.rules.caps.step_minutes
        self.steps: dict[str, cp_model.IntVar] = {}
        self.keep: dict[str, cp_model.IntVar] = {}
        self.step_limit: dict[str, int] = {}
        for run in inst.runs:
            self.step_limit[run.day] = run.max_minutes // step
            self.steps[run.day] = m.new_int_var(0, run.max_minutes // step, f"run_steps[{run.day}]")
            self.keep[run.day] = self.wish(f"run:{run.day}", lambda run=run: (
                f"your {run.requested_kind} run on {DAY_NAMES[run.day]} ({run.requested_minutes} min)"))

    def _add_sessions(self) -> None:
        """A session is one of a few candidate exercise sets ("templates", see session_templates). Choosing
        among whole sets instead of single exercises keeps the minutes arithmetic out of the search, which is
        what makes the model prove optimality fast. A session with one candidate set is that set's literal."""
        inst, m, b, frames = self.inst, self.model, self.inst.rules.budget, self.inst.frames
        self.on: dict[tuple[int, str], cp_model.IntVar] = {}
        self.template: dict[tuple[int, str], list[tuple[cp_model.IntVar, CandidateSet]]] = {}
        self.session_most: dict[tuple[int, str], int] = {}       # the longest candidate set's minutes
        self.on_by_kind: defaultdict[str, list[cp_model.IntVar]] = defaultdict(list)
        self.on_by_day: defaultdict[int, list[cp_model.IntVar]] = defaultdict(list)
        self.least_by_day: defaultdict[int, list[int]] = defaultdict(list)   # each session's shortest set
        self.loaded_sets: defaultdict[tuple[int, str], list[cp_model.IntVar]] = defaultdict(list)
        self.day_lits: defaultdict[int, list[cp_model.IntVar]] = defaultdict(list)
        self.day_minutes: defaultdict[int, list[int]] = defaultdict(list)
        # what the soft targets count: every session and loaded day the rules allow, placeable or not, so a
        # week without time for a target still names that trade-off
        self.allowed_sessions: defaultdict[str, int] = defaultdict(int)
        self.allowed_loaded_days: defaultdict[str, set[int]] = defaultdict(set)
        # the most minutes a day's sessions may take: its cap, and planning, the runner's spare minutes
        self.day_room = {frame.index: min(frame.rule_budget, frame.window_minutes) if self.fits_only
                         else frame.rule_budget for frame in frames}
        fixed_sets, new_bool = inst.fixed_sets, m.new_bool_var
        for (d, kind), exercises in inst.options.items():
            fixed = fixed_sets.get((d, kind)) if fixed_sets else None
            cands = Candidates.of((CandidateSet.of(fixed),)) if fixed is not None else candidate_sets(
                exercises, d, b.exercises_min, b.exercises_max, b.session_min, b.session_max)
            self.allowed_sessions[kind] += 1
            for group in cands.groups:
                self.allowed_loaded_days[group].add(d)
            sets, most, least = cands.sets, cands.longest, cands.shortest
            if fixed is None:
                # a set longer than the day's cap (R11) can never be chosen, nor, planning, one longer than the
                # runner's spare minutes that day
                room = self.day_room[d]
                if least > room:
                    continue
                if most > room:
                    sets = tuple(t for t in sets if t.minutes <= room)
                    most = max(t.minutes for t in sets)
            on = new_bool("")
            if len(sets) == 1:
                choices = [(on, sets[0])]
            else:
                choices = [(new_bool(""), t) for t in sets]
                m.add(cp_model.LinearExpr.sum([v for v, _ in choices]) == on)
            self.on[d, kind] = on
            self.on_by_kind[kind].append(on)
            self.on_by_day[d].append(on)
            self.template[d, kind] = choices
            self.session_most[d, kind] = most
            self.least_by_day[d].append(least)
            lits, minutes = self.day_lits[d], self.day_minutes[d]
            for var, chosen in choices:
                lits.append(var)
                minutes.append(chosen.minutes)
                for group in chosen.groups:
                    self.loaded_sets[d, group].append(var)

    def _add_days(self) -> None:
        """extra[d]: the day's minutes of sessions, within the day-type cap (R11); loaded[d, g]: a level-2/3
        strength exercise for muscle group g on day d (R2)."""
        m, frames = self.model, self.inst.frames
        self.extra: dict[int, cp_model.LinearExprT] = {}
        self.day_most: dict[int, int] = {}       # the most minutes a day's sessions can take
        for frame in frames:
            d = frame.index
            self.day_most[d] = sum(self.session_most[d, k] for k in SESSION_KINDS if (d, k) in self.session_most)
            self.extra[d] = extra = cp_model.LinearExpr.weighted_sum(self.day_lits[d], self.day_minutes[d])
            # planning, where the runner's minutes are no more than the cap, R11's time wish (hard.py) binds instead
            fewer_minutes = self.fits_only and frame.window_minutes <= frame.rule_budget
            if self.day_most[d] > frame.rule_budget and not fewer_minutes and d >= self.past:
                m.add(extra <= frame.rule_budget)
        self.loaded: dict[tuple[int, str], cp_model.IntVar] = {}
        for d, group in ((frame.index, g) for frame in frames for g in LOAD_GROUPS):
            sets_of = self.loaded_sets.get((d, group))
            if not sets_of:
                continue
            if len(sets_of) == 1:
                self.loaded[d, group] = sets_of[0]
                continue
            var = m.new_bool_var(f"loaded[{d},{group}]")
            m.add_max_equality(var, sets_of)
            self.loaded[d, group] = var

    def picked(self, d: int, kind: str, exercise_id: str) -> cp_model.LinearExprT:
        """1 when the chosen set of session (d, kind) holds the exercise: the sum of the sets holding it."""
        return cp_model.LinearExpr.sum([v for v, t in self.template.get((d, kind), [])
                                        if exercise_id in t.ids])

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
        # minimize(), written straight into the proto: OR-Tools' own copies the objective a term at a time
        flat = cp_model_helper.FlatIntExpr(cp_model.LinearExpr.weighted_sum([p.term for p in self.penalties],
                                                                            [p.weight for p in self.penalties]))
        self.model.clear_objective()
        objective = self.model.proto.objective
        objective.vars.extend([v.index for v in flat.vars])
        objective.coeffs.extend(flat.coeffs)
        objective.offset = flat.offset
        objective.scaling_factor = 1.0

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
        """Solve with the objective; map every CP-SAT status to a distinct outcome. The solver object is one
        per thread, set up once per settings: a new CpSolver costs more than a tenth of the model building."""
        settings = self.inst.rules.solver
        solver = getattr(_THREAD, "solver", None)
        if solver is None or _THREAD.settings is not settings:
            solver = self.solver()
            solver.parameters.linearization_level = settings.linearization_level
            _THREAD.solver, _THREAD.settings = solver, settings
        started = time.perf_counter()
        code = solver.solve(self.model)
        wall_ms = (time.perf_counter() - started) * 1000
        if code == cp_model.INFEASIBLE:
            return WeekSolution("infeasible", wall_ms=wall_ms)
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return WeekSolution("unknown", wall_ms=wall_ms)   # MODEL_INVALID is a bug; UNKNOWN a time-out
        inst = self.inst
        step = inst.rules.caps.step_minutes
        solution = list(solver.response_proto.solution)     # one copy; a call per variable costs more

        def value_of(term: cp_model.LinearExprT) -> int:
            return solution[term.index] if isinstance(term, cp_model.IntVar) else solver.value(term)

        runs = {day: solution[var.index] * step for day, var in self.steps.items()}
        sessions = []
        for (d, kind), on in self.on.items():       # in day, then SESSION_KINDS order (WeekInstance.options)
            if solution[on.index]:
                chosen = next(t for v, t in self.template[d, kind] if solution[v.index])
                sessions.append(SessionChoice(d, kind, chosen.exercises))
        penalties = []
        for p in self.penalties:
            value = value_of(p.term)
            if value:
                penalties.append(PenaltyRecord(p.rule, p.label, value * p.weight))
        return WeekSolution(
            "optimal" if code == cp_model.OPTIMAL else "feasible",
            run_minutes=runs, sessions=tuple(sessions), objective=int(solver.objective_value),
            penalties=tuple(penalties), wall_ms=wall_ms)

