"""Hard rules of the week model, one function per rule id (DOMAIN.md §4): each posts its constraints on a
WeekModel. Rules that only filter what may go where are applied before the model (planner.eligibility)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from ortools.sat.python import cp_model
from ortools.util.python.sorted_interval_list import Domain

from planner.frames import DayFrame
from planner.instance import AREA_LABELS, LOAD_GROUPS
from planner.localtime import steady_week, zone_info
from planner.plan import SESSION_KINDS
from planner.request import AREAS

if TYPE_CHECKING:
    from planner.solver.model import WeekModel


def _real_minutes(first: DayFrame, second: DayFrame, zone: ZoneInfo) -> int:
    """The real minutes to add to `start2 - start1` (wall-clock minutes after each local midnight) for the
    real gap between two sessions: 1440 × days, less an hour when a DST change falls between them. Taken as
    the worst case over where in their windows the two sessions can start, so the bound always holds."""
    days = (second.date - first.date).days * 24 * 60
    if steady_week(first.date - dt.timedelta(days=first.date.weekday()), zone.key):
        return days     # no clock change this week: real minutes are wall-clock minutes
    worst = 0
    for m1 in (first.window_start, first.window_start + first.window_minutes):
        for m2 in (second.window_start, second.window_start + second.window_minutes):
            real = (second.instant(m2, zone) - first.instant(m1, zone)).total_seconds() / 60
            worst = min(worst, int(real - (days + m2 - m1)))
    return days + worst


def add_session_shape(wm: WeekModel) -> None:
    """R11: a session holds 2–4 exercises and lasts 8–30 min, and no exercise is picked without a session.
    Both hold by construction — a session is exactly one candidate set (`sum(sets) == on` above) and every
    set is built to fit (session_templates) — so they are checked once per set here, not posted as
    constraints the search would have to carry."""
    b = wm.inst.rules.budget
    for choices in wm.template.values():
        for _, chosen in choices:
            if not (b.exercises_min <= len(chosen.exercises) <= b.exercises_max
                    and b.session_min <= chosen.minutes <= b.session_max):
                raise AssertionError(f"candidate set {list(chosen.ids)} breaks the R11 session shape")

def add_r2_loaded_strength(wm: WeekModel) -> None:
    """R2 (Garber 2011): loaded strength per muscle group at most 3×/week, never on consecutive days."""
    routine, m = wm.inst.rules.routine, wm.model
    for group in LOAD_GROUPS:
        days = {d: v for (d, g), v in wm.loaded.items() if g == group}
        if not days:
            continue
        if len(days) > routine.loaded_max_per_week:
            m.add(cp_model.LinearExpr.sum(list(days.values())) <= routine.loaded_max_per_week)
        for d in days:
            window = [days[d + k] for k in range(routine.loaded_gap_days) if d + k in days]
            if len(window) > 1:
                m.add_at_most_one(window)
        add_r2_hours_apart(wm, group)

def session_start(wm: WeekModel, d: int, kind: str) -> cp_model.LinearExprT:
    """Minutes after midnight a session starts: the engine places a day's sessions one after another
    from the window start in SESSION_KINDS order (strength first, R15)."""
    lits: list[cp_model.IntVar] = []
    minutes: list[int] = []
    for k in SESSION_KINDS[:SESSION_KINDS.index(kind)]:
        for var, chosen in wm.template.get((d, k), ()):
            lits.append(var)
            minutes.append(chosen.minutes)
    return cp_model.LinearExpr.weighted_sum(lits, minutes) + wm.inst.frames[d].window_start


def latest_start(wm: WeekModel, d: int, kind: str) -> int:
    """The latest minute session (d, kind) can start: after the longest sessions before it, within the day."""
    frame = wm.inst.frames[d]
    before = sum(wm.session_most[d, k] for k in SESSION_KINDS[:SESSION_KINDS.index(kind)]
                 if (d, k) in wm.session_most)
    return frame.window_start + min(before, frame.rule_budget)


def add_r2_hours_apart(wm: WeekModel, group: str) -> None:
    """R2: loaded sessions for one muscle group start >= loaded_gap_hours apart in real time (DST-aware):
    Monday 21:30 and Wednesday 07:00 are two days apart but only 33.5 h. Pairs the day rule already keeps
    apart (consecutive days) and pairs far enough apart at any start times get no constraint."""
    routine = wm.inst.rules.routine
    need = routine.loaded_gap_hours * 60
    sets = {(d, k): [v for v, t in choices if group in t.groups] for (d, k), choices in wm.template.items()}
    sets = {key: v for key, v in sets.items() if v}
    frames, zone = wm.inst.frames, zone_info(wm.inst.request.timezone)
    starts: dict[tuple[int, str], cp_model.LinearExprT] = {}

    def start(d: int, k: str) -> cp_model.LinearExprT:
        if (d, k) not in starts:
            starts[d, k] = session_start(wm, d, k)
        return starts[d, k]

    # across the week boundary: no loaded session before the earliest start the week before leaves
    for (d, k), lits in sets.items():
        earliest = wm.inst.earliest_loaded.get((d, group))
        if earliest is not None and latest_start(wm, d, k) >= earliest > frames[d].window_start:
            for lit in lits:
                wm.model.add(start(d, k) >= earliest).only_enforce_if(lit)
        elif earliest is not None and earliest > latest_start(wm, d, k):
            for lit in lits:
                wm.model.add_bool_or([~lit])      # no start late enough on that day
    for (d1, k1), lits1 in sets.items():
        for (d2, k2), lits2 in sets.items():
            if d2 <= d1 or (d2 - d1 - 1) * 24 * 60 >= need:
                continue    # same day or far enough apart whatever the times
            if d2 - d1 < routine.loaded_gap_days:
                continue    # the day rule (posted with this one, add_r2_loaded_strength) keeps these apart
            shift = _real_minutes(frames[d1], frames[d2], zone)
            if shift + frames[d2].window_start - latest_start(wm, d1, k1) >= need:
                continue    # apart enough even from the latest first start to the earliest second one
            for a in lits1:
                for b in lits2:
                    wm.model.add(shift + start(d2, k2) - start(d1, k1) >= need).only_enforce_if([a, b])

def add_r10_days_off(wm: WeekModel) -> None:
    """R10: at least one day without running and one without loaded strength."""
    routine, m = wm.inst.rules.routine, wm.model
    if len(wm.keep) > routine.max_running_days:
        m.add(cp_model.LinearExpr.sum(list(wm.keep.values())) <= routine.max_running_days)
    any_loaded = []
    for frame in wm.inst.frames:
        groups = [wm.loaded[frame.index, g] for g in LOAD_GROUPS if (frame.index, g) in wm.loaded]
        if len(groups) == 1:
            any_loaded.append(groups[0])
        elif groups:
            var = m.new_bool_var(f"any_loaded[{frame.day}]")
            m.add_max_equality(var, groups)
            any_loaded.append(var)
    if len(any_loaded) > routine.max_loaded_days:
        m.add(cp_model.LinearExpr.sum(any_loaded) <= routine.max_loaded_days)

def add_r11_time_budget(wm: WeekModel, time_slack: bool) -> None:
    """R11: extra minutes within the day-type cap (posted with the variables), the weekly cap, and never
    above the runner's own minutes for the day (their wish; with `time_slack`, measured instead)."""
    m = wm.model
    if sum(wm.day_most.values()) > wm.inst.rules.budget.weekly:
        m.add(cp_model.LinearExpr.sum(list(wm.extra.values())) <= wm.inst.rules.budget.weekly)
    for frame in wm.inst.frames:
        if frame.index < wm.past:
            continue        # done already: what was done stands, whatever today's request says of that day
        extra = wm.extra[frame.index]
        if time_slack:
            slack = m.new_int_var(0, frame.rule_budget, f"time_slack[{frame.day}]")
            wm.time_slack[frame.index] = slack
            m.add(extra <= frame.window_minutes + slack)
            continue
        if frame.rule_budget == 0 or frame.index not in wm.on_by_day:
            continue
        if not wm.assumed and (wm.day_most[frame.index] <= frame.window_minutes
                               or frame.window_minutes > frame.rule_budget):
            continue      # the day's sessions fit the runner's minutes whichever sets the day's cap allows
        lit = wm.wish(f"time:{frame.day}", lambda frame=frame: (
            f"{frame.window_minutes} spare minutes on {frame.name}" if frame.window_minutes
            else f"no spare time on {frame.name}"))
        wm.enforce(m.add(extra <= frame.window_minutes), lit)

def add_r12_run_volume(wm: WeekModel) -> None:
    """R12/R13: each kept run between the minimum and its limit (pain factor, single-run cap), in steps;
    the week's total within the weekly and two-week caps. A dropped run has no minutes."""
    caps, m = wm.inst.rules.caps, wm.model
    min_steps = max(1, -(-caps.min_run_minutes // caps.step_minutes))
    fixed = {run.day: run.max_minutes // caps.step_minutes for run in wm.inst.runs if run.fixed}
    for day, steps in wm.steps.items():
        keep = wm.keep[day]
        # a fixed run (a ladder session, a day before today, a pinned run) has exactly its limit
        lowest = fixed.get(day, min_steps)
        if keep is wm.true and lowest <= wm.step_limit[day]:
            steps.with_domain(Domain(lowest, wm.step_limit[day]))    # a kept run: the bound as its domain
            continue
        wm.enforce(m.add(steps >= lowest), keep)
        if keep is not wm.true:
            m.add(steps == 0).only_enforce_if(~keep)
    if wm.inst.weekly_cap is not None and wm.steps:
        m.add(cp_model.LinearExpr.sum(list(wm.steps.values())) * caps.step_minutes <= wm.inst.weekly_cap)

def add_weak_area_minimums(wm: WeekModel) -> None:
    """The runner's wish: each weak area gets at least `weak_area_min_sessions` sessions."""
    need = wm.inst.rules.routine.weak_area_min_sessions
    for area in AREAS:
        if area not in wm.inst.weak:
            continue
        lit = wm.wish(f"area:{area}", lambda area=area: (
            f"at least {need} {AREA_LABELS[area]} sessions (a weak area you chose)"))
        days = wm.on_by_kind.get(area, [])
        wm.enforce(wm.model.add(cp_model.LinearExpr.sum(days) >= need), lit)
