"""The CP-SAT model of one week: variables, named hard constraints, named soft penalties, objective.

Instance → WeekModel → WeekSolution. OR-Tools objects never leave this module. The coaching rules that
only filter what may go where (R1 caution, R4, R8, R13 levels) are applied before the model, by
`rules.eligible`, so the model only ever sees allowed exercises; the rest are constraints below.

The runner's wishes (each requested run, a minimum for each weak area, the minutes they can spare each
day) are literals: fixed true when planning, assumptions when explaining an infeasible request.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Literal
from zoneinfo import ZoneInfo

from ortools.sat.python import cp_model

from planner.catalogue import Exercise
from planner.eligibility import ExerciseLimits
from planner.frames import DayFrame
from planner.plan import SESSION_KINDS
from planner.request import AREAS, DAY_NAMES, PlanRequest
from planner.rules import Rules
from planner.volume import RunLimit

AREA_LABELS = {"core": "core", "glutes": "glutes", "hamstrings": "hamstrings", "hip_mobility": "hip mobility",
               "thoracic": "thoracic spine"}
LOAD_GROUPS: tuple[str, ...] = ("core", "lower_limb")


@dataclass(frozen=True)
class WeekInstance:
    """Everything the model needs, already reduced to numbers and allowed sets by planner.rules."""

    request: PlanRequest
    rules: Rules
    frames: tuple[DayFrame, ...]
    runs: tuple[RunLimit, ...]
    weekly_cap: int | None
    weekly_why: str | None   # the reason for weekly_cap, as the plan states it
    limits: ExerciseLimits
    options: dict[tuple[int, str], tuple[Exercise, ...]]   # (day index, session kind) -> allowed exercises
    weak: frozenset[str]
    dropped: tuple[RunLimit, ...] = ()   # requested runs the rules leave out this week (with their reasons)


@dataclass(frozen=True)
class Wish:
    """One thing the runner asked for, as the explanation names it."""

    id: str        # "run:tue" | "area:glutes" | "time:sat"
    text: str


@dataclass(frozen=True)
class SessionChoice:
    day: int
    kind: str
    exercises: tuple[Exercise, ...]

    @property
    def minutes(self) -> int:
        return sum(e.minutes for e in self.exercises)


def _real_minutes(first: DayFrame, second: DayFrame, zone: ZoneInfo) -> int:
    """The real minutes to add to `start2 - start1` (wall-clock minutes after each local midnight) for the
    real gap between two sessions: 1440 × days, less an hour when a DST change falls between them. Taken as
    the worst case over where in their windows the two sessions can start, so the bound always holds."""
    days = (second.date - first.date).days * 24 * 60
    worst = 0
    for m1 in (first.window_start, first.window_start + first.window_minutes):
        for m2 in (second.window_start, second.window_start + second.window_minutes):
            real = (second.instant(m2, zone) - first.instant(m1, zone)).total_seconds() / 60
            worst = min(worst, int(real - (days + m2 - m1)))
    return days + worst


def session_templates(exercises: tuple[Exercise, ...], day: int, fewest: int, most: int, shortest: int,
                      longest: int) -> list[tuple[Exercise, ...]]:
    """Candidate exercise sets for one session: at most one light set (no loaded strength) and one loaded set.

    Each set starts at an exercise chosen by the day (so different days start from different exercises:
    R16 variety by construction) and takes the next exercises in catalogue order until its minutes fit a
    session (R11). Offering two sets instead of every combination keeps minutes arithmetic out of the
    search, which is what lets the model prove optimality in milliseconds. Deterministic."""
    light = [e for e in exercises if not e.loaded]
    loaded = [e for e in exercises if e.loaded]
    out: list[tuple[Exercise, ...]] = []
    for first_pool, rest_pool in ((light, light), (loaded, list(exercises))):
        if not first_pool:
            continue
        position = {e.id: i for i, e in enumerate(rest_pool)}
        for shift in range(len(first_pool)):
            at = position[first_pool[(day + shift) % len(first_pool)].id]
            ring = _one_straight_leg_stretch(rest_pool[at:] + rest_pool[:at])
            chosen = _fit(ring, fewest, most, shortest, longest)
            if chosen:
                out.append(chosen)
                break
    return out


def _one_straight_leg_stretch(ring: list[Exercise]) -> list[Exercise]:
    """R7: one straight-leg hamstring stretch per session (the strap and the doorway stretch are the same
    stretch): later ones in the ring are skipped."""
    seen = False
    out = []
    for ex in ring:
        if ex.straight_leg_stretch:
            if seen:
                continue
            seen = True
        out.append(ex)
    return out


def _fit(ring: list[Exercise], fewest: int, most: int, shortest: int, longest: int) -> tuple[Exercise, ...] | None:
    """The shortest prefix of `ring` with fewest..most exercises whose minutes lie in [shortest, longest]."""
    for size in range(fewest, min(most, len(ring)) + 1):
        minutes = sum(e.minutes for e in ring[:size])
        if minutes > longest:
            return None
        if minutes >= shortest:
            return tuple(ring[:size])
    return None


@dataclass(frozen=True)
class PenaltyRecord:
    rule: str
    label: str
    cost: int


@dataclass(frozen=True)
class WeekSolution:
    status: Literal["optimal", "feasible", "infeasible", "unknown"]
    run_minutes: dict[str, int] = field(default_factory=dict)
    sessions: tuple[SessionChoice, ...] = ()
    objective: int | None = None
    penalties: tuple[PenaltyRecord, ...] = ()
    wall_ms: float = 0.0


@dataclass
class _Penalty:
    term: cp_model.LinearExprT
    weight: int
    rule: str
    label: str


class WeekModel:
    """Builds the CP-SAT model of a WeekInstance: `_build_variables`, `_add_constraints`, `_add_objective`."""

    def __init__(self, inst: WeekInstance, *, wishes: Literal["fixed", "assumed"] = "fixed",
                 objective: bool = True, time_slack: bool = False):
        self.inst = inst
        self.model = cp_model.CpModel()
        self.wishes: dict[str, tuple[cp_model.IntVar, Wish]] = {}
        self.penalties: list[_Penalty] = []
        self.time_slack: dict[int, cp_model.IntVar] = {}
        self._build_variables()
        self._add_constraints(time_slack)
        if objective:
            self._add_objective()
        wish_lits = [lit for lit, _ in self.wishes.values()]
        if wishes == "fixed":
            for lit in wish_lits:
                self.model.Add(lit == 1)
        else:
            self.model.AddAssumptions(wish_lits)

    # --- variables -------------------------------------------------------------------------------------
    def _wish(self, wish: Wish) -> cp_model.IntVar:
        lit = self.model.NewBoolVar(f"wish[{wish.id}]")
        self.wishes[wish.id] = (lit, wish)
        return lit

    def _build_variables(self) -> None:
        inst, m = self.inst, self.model
        step = inst.rules.caps.step_minutes
        self.steps: dict[str, cp_model.IntVar] = {}
        self.keep: dict[str, cp_model.IntVar] = {}
        for run in inst.runs:
            self.steps[run.day] = m.NewIntVar(0, run.max_minutes // step, f"run_steps[{run.day}]")
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
            on = m.NewBoolVar(f"session[{d},{kind}]")
            self.on[d, kind] = on
            choices = [(m.NewBoolVar(f"template[{d},{kind},{i}]"), t)
                       for i, t in enumerate(session_templates(exercises, d, budget.exercises_min,
                                                               budget.exercises_max, budget.session_min,
                                                               budget.session_max))]
            self.template[d, kind] = choices
            for var, chosen in choices:
                self.template_groups[var.Index()] = frozenset(e.load_group for e in chosen if e.loaded)
            m.Add(cp_model.LinearExpr.Sum([var for var, _ in choices]) == on)
            self.session_minutes[d, kind] = cp_model.LinearExpr.WeightedSum(
                [v for v, _ in choices], [sum(e.minutes for e in t) for _, t in choices])
        self.extra: dict[int, cp_model.IntVar] = {}
        for frame in inst.frames:
            terms = [self.session_minutes[frame.index, k] for k in SESSION_KINDS
                     if (frame.index, k) in self.session_minutes]
            self.extra[frame.index] = m.NewIntVar(0, frame.rule_budget, f"extra_minutes[{frame.day}]")
            m.Add(self.extra[frame.index] == sum(terms))
        # loaded[d, g]: a level-2/3 strength exercise for muscle group g on day d (R2)
        self.loaded: dict[tuple[int, str], cp_model.IntVar] = {}
        for frame in inst.frames:
            for group in LOAD_GROUPS:
                sets = [v for (d, _), choices in self.template.items() if d == frame.index
                        for v, _ in choices if group in self.template_groups[v.Index()]]
                if sets:
                    var = m.NewBoolVar(f"loaded[{frame.day},{group}]")
                    m.AddMaxEquality(var, sets)
                    self.loaded[frame.index, group] = var

    def picked(self, d: int, kind: str, exercise_id: str) -> cp_model.LinearExprT:
        """1 when the chosen set of session (d, kind) holds the exercise: the sum of the sets holding it."""
        return cp_model.LinearExpr.Sum([v for v, t in self.template.get((d, kind), [])
                                        if any(e.id == exercise_id for e in t)])

    # --- hard constraints ------------------------------------------------------------------------------
    def _add_constraints(self, time_slack: bool) -> None:
        self._add_session_shape()
        self._add_r2_loaded_strength()
        self._add_r10_days_off()
        self._add_r11_time_budget(time_slack)
        self._add_r12_run_volume()
        self._add_weak_area_minimums()

    def _add_session_shape(self) -> None:
        """R11: a session holds 2–4 exercises and lasts 8–30 min, and no exercise is picked without a session.
        Both hold by construction — a session is exactly one candidate set (`sum(sets) == on` above) and every
        set is built to fit (session_templates) — so they are checked once per set here, not posted as
        constraints the search would have to carry."""
        b = self.inst.rules.budget
        for choices in self.template.values():
            for _, chosen in choices:
                if not (b.exercises_min <= len(chosen) <= b.exercises_max
                        and b.session_min <= sum(e.minutes for e in chosen) <= b.session_max):
                    raise AssertionError(f"candidate set {[e.id for e in chosen]} breaks the R11 session shape")

    def _add_r2_loaded_strength(self) -> None:
        """R2 (Garber 2011): loaded strength per muscle group at most 3×/week, never on consecutive days."""
        routine, m = self.inst.rules.routine, self.model
        for group in LOAD_GROUPS:
            days = {d: v for (d, g), v in self.loaded.items() if g == group}
            if not days:
                continue
            m.Add(sum(days.values()) <= routine.loaded_max_per_week)
            for d in days:
                window = [days[d + k] for k in range(routine.loaded_gap_days) if d + k in days]
                if len(window) > 1:
                    m.Add(sum(window) <= 1)
            self._add_r2_hours_apart(group)

    def _session_start(self, d: int, kind: str) -> cp_model.LinearExprT:
        """Minutes after midnight a session starts: the engine places a day's sessions one after another
        from the window start in SESSION_KINDS order (strength first, R15)."""
        before = [self.session_minutes[d, k] for k in SESSION_KINDS[:SESSION_KINDS.index(kind)]
                  if (d, k) in self.session_minutes]
        return self.inst.frames[d].window_start + cp_model.LinearExpr.Sum(before)

    def _add_r2_hours_apart(self, group: str) -> None:
        """R2: loaded sessions for one muscle group start >= loaded_gap_hours apart in real time (DST-aware):
        Monday 21:30 and Wednesday 07:00 are two days apart but only 33.5 h."""
        need = self.inst.rules.routine.loaded_gap_hours * 60
        sets = {(d, k): [v for v, _ in choices if group in self.template_groups[v.Index()]]
                for (d, k), choices in self.template.items()}
        sets = {key: v for key, v in sets.items() if v}
        frames, zone = self.inst.frames, ZoneInfo(self.inst.request.timezone)
        for (d1, k1), lits1 in sets.items():
            for (d2, k2), lits2 in sets.items():
                if d2 <= d1 or (d2 - d1 - 1) * 24 * 60 >= need:
                    continue    # same day or far enough apart whatever the times
                shift = _real_minutes(frames[d1], frames[d2], zone)
                for a in lits1:
                    for b in lits2:
                        self.model.Add(shift + self._session_start(d2, k2) - self._session_start(d1, k1)
                                       >= need).OnlyEnforceIf([a, b])

    def _add_r10_days_off(self) -> None:
        """R10: at least one day without running and one without loaded strength."""
        routine, m = self.inst.rules.routine, self.model
        if self.keep:
            m.Add(sum(self.keep.values()) <= routine.max_running_days)
        any_loaded = []
        for frame in self.inst.frames:
            groups = [self.loaded[frame.index, g] for g in LOAD_GROUPS if (frame.index, g) in self.loaded]
            if groups:
                var = m.NewBoolVar(f"any_loaded[{frame.day}]")
                m.AddMaxEquality(var, groups)
                any_loaded.append(var)
        if any_loaded:
            m.Add(sum(any_loaded) <= routine.max_loaded_days)

    def _add_r11_time_budget(self, time_slack: bool) -> None:
        """R11: extra minutes within the day-type cap (by the variable's domain), the weekly cap, and never
        above the runner's own minutes for the day (their wish; with `time_slack`, measured instead)."""
        m = self.model
        m.Add(sum(self.extra.values()) <= self.inst.rules.budget.weekly)
        for frame in self.inst.frames:
            extra = self.extra[frame.index]
            if time_slack:
                slack = m.NewIntVar(0, frame.rule_budget, f"time_slack[{frame.day}]")
                self.time_slack[frame.index] = slack
                m.Add(extra <= frame.window_minutes + slack)
                continue
            if frame.rule_budget == 0 or not any((frame.index, k) in self.on for k in SESSION_KINDS):
                continue
            lit = self._wish(Wish(f"time:{frame.day}",
                                  f"{frame.window_minutes} spare minutes on {frame.name}" if frame.window_minutes
                                  else f"no spare time on {frame.name}"))
            m.Add(extra <= frame.window_minutes).OnlyEnforceIf(lit)

    def _add_r12_run_volume(self) -> None:
        """R12/R13: each kept run between the minimum and its limit (pain factor, single-run cap), in steps;
        the week's total within the weekly and two-week caps. A dropped run has no minutes."""
        caps, m = self.inst.rules.caps, self.model
        min_steps = max(1, -(-caps.min_run_minutes // caps.step_minutes))
        for day, steps in self.steps.items():
            keep = self.keep[day]
            m.Add(steps >= min_steps).OnlyEnforceIf(keep)
            m.Add(steps == 0).OnlyEnforceIf(~keep)
        if self.inst.weekly_cap is not None and self.steps:
            m.Add(sum(self.steps.values()) * caps.step_minutes <= self.inst.weekly_cap)

    def _add_weak_area_minimums(self) -> None:
        """The runner's wish: each weak area gets at least `weak_area_min_sessions` sessions."""
        need = self.inst.rules.routine.weak_area_min_sessions
        for area in AREAS:
            if area not in self.inst.weak:
                continue
            lit = self._wish(Wish(f"area:{area}",
                                  f"at least {need} {AREA_LABELS[area]} sessions (a weak area you chose)"))
            days = [on for (d, k), on in self.on.items() if k == area]
            self.model.Add(sum(days) >= need).OnlyEnforceIf(lit)

    # --- soft penalties --------------------------------------------------------------------------------
    def _soft(self, term: cp_model.LinearExprT, weight: int, rule: str, label: str) -> None:
        if weight:
            self.penalties.append(_Penalty(term, weight, rule, label))

    def _shortfall(self, name: str, target: int, count: cp_model.LinearExprT, bound: int) -> cp_model.IntVar:
        var = self.model.NewIntVar(0, max(0, bound), name)
        self.model.Add(var >= target - count)
        return var

    def _add_objective(self) -> None:
        """Sum of weighted penalties (weights: data/rules.toml [weights])."""
        inst, m, w, routine = self.inst, self.model, self.inst.rules.weights, self.inst.rules.routine
        step = inst.rules.caps.step_minutes
        # closeness to the requested volume, fairly spread: the k-th step cut from one run costs k steps, so
        # one deep cut costs more than several shallow ones (a cut of c steps costs c(c+1)/2 × the weight)
        for run in inst.runs:
            hi = run.max_minutes // step
            cut = m.NewIntVar(0, hi, f"run_cut[{run.day}]")
            m.Add(cut == hi * self.keep[run.day] - self.steps[run.day])
            cost = m.NewIntVar(0, hi * (hi + 1) // 2, f"run_cut_cost[{run.day}]")
            m.AddElement(cut, [c * (c + 1) // 2 for c in range(hi + 1)], cost)
            self._soft(cost, w.volume_step, "R12", f"{DAY_NAMES[run.day]} run shorter than the rules allow")
        # R16: the same exercise set on more than two days of the week costs (variety across the week)
        same: dict[tuple[str, tuple[str, ...]], list[cp_model.IntVar]] = {}
        for (_, kind), choices in self.template.items():
            for var, chosen in choices:
                same.setdefault((kind, tuple(sorted(e.id for e in chosen))), []).append(var)
        for (kind, ids), lits in same.items():
            if len(lits) > routine.same_set_max_days:
                over = m.NewIntVar(0, len(lits), f"same_set[{kind},{'+'.join(ids)}]")
                m.Add(over >= sum(lits) - routine.same_set_max_days)
                self._soft(over, w.same_set_repeat, "R16",
                           f"the same {AREA_LABELS[kind]} exercises on more than {routine.same_set_max_days} days")
        # sessions per area: weak areas aim higher (R3 core, R6 mobility, R7 hamstrings)
        for area in SESSION_KINDS:
            days = [on for (d, k), on in self.on.items() if k == area]
            if not days:
                continue
            weak = area in inst.weak
            target = min(len(days), (inst.rules.targets.weak if weak else inst.rules.targets.other)[area])
            short = self._shortfall(f"short[{area}]", target, sum(days), target)
            rule = {"core": "R3", "hamstrings": "R7"}.get(area, "R6" if area in ("hip_mobility", "thoracic")
                                                          else "R16")
            self._soft(short, w.weak_area_short if weak else w.other_area_short, rule,
                       f"fewer {AREA_LABELS[area]} sessions than the target of {target}")
            if area == "core":
                over = m.NewIntVar(0, 7, "core_over_max")
                m.Add(over >= sum(days) - routine.core_max)
                self._soft(over, w.core_above_max, "R3", f"more than {routine.core_max} core sessions")
        # R2 lower bound: at least 2 loaded sessions per group when loaded work is allowed at all
        for group in LOAD_GROUPS:
            days = [v for (d, g), v in self.loaded.items() if g == group]
            if days:
                need = min(routine.loaded_min_per_week, (len(days) + 1) // 2)
                short = self._shortfall(f"loaded_short[{group}]", need, sum(days), need)
                self._soft(short, w.loaded_short, "R2",
                           f"fewer than {need} loaded {group.replace('_', '-')} strength sessions")
        # R5 hard days hard, easy days easy; R15 no tiring core shortly before a run
        for (d, group), var in self.loaded.items():
            frame = inst.frames[d]
            if frame.run_kind is None:
                self._soft(var, w.strength_on_rest_day, "R5",
                           f"loaded {group.replace('_', '-')} strength on {frame.name}, a rest day")
            elif frame.run_kind == "easy" and inst.request.level > 1:
                self._soft(var, w.strength_on_easy_day, "R5",
                           f"loaded {group.replace('_', '-')} strength on {frame.name}, an easy day")
            if group == "core" and frame.run_start is not None and frame.window_start < frame.run_start:
                gap = frame.run_start - (frame.window_start + frame.window_minutes)
                if gap < routine.tiring_core_gap_before_run:
                    self._soft(var, w.tiring_core_before_run, "R15",
                               f"loaded core shortly before the {frame.name} run")
        # spread: each session beyond the first on one day costs (no piling on one day)
        for frame in inst.frames:
            ons = [on for (d, k), on in self.on.items() if d == frame.index]
            if len(ons) > 1:
                stacked = m.NewIntVar(0, len(ons) - 1, f"stacked[{frame.day}]")
                m.Add(stacked >= sum(ons) - 1)
                self._soft(stacked, w.stacked_session, "spread", f"more than one session on {frame.name}")
        m.Minimize(sum(p.weight * p.term for p in self.penalties))

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
        code = solver.Solve(self.model)
        wall_ms = (time.perf_counter() - started) * 1000
        if code == cp_model.INFEASIBLE:
            return WeekSolution("infeasible", wall_ms=wall_ms)
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return WeekSolution("unknown", wall_ms=wall_ms)   # MODEL_INVALID is a bug; UNKNOWN a time-out
        inst = self.inst
        step = inst.rules.caps.step_minutes
        runs = {day: solver.Value(var) * step for day, var in self.steps.items()}
        sessions = []
        for (d, kind), on in sorted(self.on.items(), key=lambda kv: (kv[0][0], SESSION_KINDS.index(kv[0][1]))):
            if solver.Value(on):
                chosen = next(t for v, t in self.template[d, kind] if solver.Value(v))
                sessions.append(SessionChoice(d, kind, chosen))
        penalties = []
        for p in self.penalties:
            value = solver.Value(p.term)
            if value:
                penalties.append(PenaltyRecord(p.rule, p.label, value * p.weight))
        return WeekSolution(
            "optimal" if code == cp_model.OPTIMAL else "feasible",
            run_minutes=runs, sessions=tuple(sessions), objective=int(solver.ObjectiveValue()),
            penalties=tuple(penalties), wall_ms=wall_ms)
