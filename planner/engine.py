"""The planning pipeline: screening → pain status → solver instance → solve → Plan with reasons."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from planner.catalogue import Exercise
from planner.context import Boundary, PlanContext, Reference, boundary_of, reference_of
from planner.eligibility import ExerciseFilter, exercise_limits, refusal
from planner.exercise_steps import Step, step_of, stepped
from planner.frames import DayFrame, day_frames
from planner.history import derive
from planner.instance import session_templates
from planner.knowledge import Knowledge, default_knowledge
from planner.ladder import LadderState, ladder_state
from planner.localtime import clear_of_clock_changes
from planner.log import Log
from planner.notices import (
    dropped_notices,
    history_notice,
    ladder_notices,
    level_words,
    pain_notice,
    stop_referral,
    warnings,
)
from planner.pain import pain_status
from planner.plan import SESSION_KINDS, Day, ExerciseDose, Item, Penalty, Plan, Referral
from planner.replanning import REFUSALS, blocking_rule, refusal_words, replan_cause
from planner.request import AREAS, DAY_NAMES, WEEKDAYS, PlanRequest, clock, minutes_of, zone
from planner.rules import PainStatus, Rules
from planner.screening import screen
from planner.solver import AREA_LABELS, SessionChoice, WeekInstance, WeekModel, WeekSolution
from planner.solver.replan import CHANGE_RULE
from planner.volume import fit_runs_to_cap, run_limits, weekly_run_cap
from planner.weekly import (
    Refusal,
    across_boundary,
    changes,
    check_moves,
    frozen_parts,
    ladder_runs,
    moved_request,
    no_quality,
)


@dataclass(frozen=True)
class Week:
    """What the program adds to a week's instance: the ladder, the week before, the published week."""

    ladder: LadderState | None = None
    boundary: Boundary | None = None
    reference: Reference | None = None
    step: Step | None = None          # exercise progression: one session kind to harder or easier variants


def build_instance(request: PlanRequest, knowledge: Knowledge, status: PainStatus,
                   caution: bool, label: str | None = None, week: Week | None = None) -> WeekInstance:
    """Reduce a request to the solver's numbers and allowed sets (pure; no solving)."""
    rules, catalogue, week = knowledge.rules, knowledge.catalogue, week or Week()
    ladder = week.ladder
    if ladder is not None and not ladder.graduated:
        weekly_cap, weekly_why = None, None     # the ladder sets the running, not the weekly caps
        all_runs = ladder_runs(request, ladder, week.boundary, rules)
    else:
        weekly_cap, weekly_why = weekly_run_cap(request, status, rules, label)
        all_runs = run_limits(request, status, rules, label)
        if ladder is not None:
            all_runs = no_quality(all_runs, f"After the return-to-run ladder: {ladder.next}")
    earliest: dict[tuple[int, str], int] = {}
    if week.boundary is not None:
        all_runs, earliest = across_boundary(all_runs, week.boundary, request, rules)
    fixed: dict[tuple[int, str], tuple[Exercise, ...]] = {}
    if week.reference is not None:
        fixed, all_runs = frozen_parts(week.reference, request, catalogue, all_runs)
        done = sum(lim.max_minutes for lim in all_runs if lim.fixed and lim.dropped is None)
        if weekly_cap is not None and weekly_cap < done:
            weekly_cap = done       # what is already run cannot be undone: the rest of the week gets nothing more
    all_runs = fit_runs_to_cap(all_runs, weekly_cap, rules)
    runs = [lim for lim in all_runs if lim.dropped is None]
    frames = day_frames(request, all_runs, rules)
    limits = exercise_limits(request, status, caution, rules)
    options: dict[tuple[int, str], tuple[Exercise, ...]] = {}
    why_not: dict[tuple[int, str], str] = {}
    frozen = week.reference.frozen if week.reference is not None else 0
    allowed_in = ExerciseFilter(catalogue, request, limits, frames, rules)
    for frame in frames:
        for kind in SESSION_KINDS:
            if (frame.index, kind) in fixed:
                options[frame.index, kind] = fixed[frame.index, kind]
                continue
            if frame.index < frozen or frame.rule_budget < rules.budget.session_min:
                continue
            allowed = allowed_in.eligible(kind, frame.index, frame.window_start)
            if week.step is not None and week.step.kind == kind:
                moved_on = list(stepped(tuple(allowed), week.step, catalogue, allowed))
                b = rules.budget
                if session_templates(tuple(moved_on), frame.index, b.exercises_min, b.exercises_max,
                                     b.session_min, b.session_max):
                    allowed = moved_on      # only where the harder (easier) variants still make a session
            if len(allowed) >= rules.budget.exercises_min:
                options[frame.index, kind] = tuple(allowed)
            elif week.reference is not None:
                why_not[frame.index, kind] = refusal_words(catalogue, kind, request, limits, frames, frame, rules)
    if week.reference is not None:
        check_moves(week.reference, options, why_not)
        # what is already done stays done: a moved run must keep R4 with the heavy leg work before it
        for (d, _), exercises in fixed.items():
            for ex in exercises:
                if refusal(ex, request, limits, frames, d, frames[d].window_start, rules) == "R4":
                    raise Refusal(f"Not possible: {REFUSALS['R4']} ({ex.name} on {frames[d].name}).")
    return WeekInstance(request=request, rules=rules, frames=tuple(frames), runs=tuple(runs),
                        weekly_cap=weekly_cap, weekly_why=weekly_why, limits=limits, options=options,
                        weak=frozenset(request.weak_areas),
                        dropped=tuple(lim for lim in all_runs if lim.dropped is not None),
                        fixed_sets=fixed, reference=week.reference, earliest_loaded=earliest)


def make_plan(request: PlanRequest, knowledge: Knowledge | None = None,
              context: PlanContext | None = None) -> Plan:
    """Plan a week for a validated request — with a log, the published week (re-plan, pins, moves) and the
    week before when the context has them. Never raises for a valid request, except `Refusal` for a pin or
    move that a hard rule forbids."""
    knowledge = knowledge or default_knowledge()
    ctx = context or PlanContext()
    rules = knowledge.rules
    base = dict(week_start=request.week_start, timezone=request.timezone, name=request.name)
    typed = request
    today = ctx.today or request.week_start - dt.timedelta(days=1)
    derived = None
    if ctx.log is not None:
        derived = derive(typed, ctx.log, today, rules)
        request = derived.apply(typed)
    program = dict(history=derived.to_dict() if derived else None)
    screening = screen([*request.screening.red_flags, *request.screening.cautions], knowledge.screening)
    if screening.outcome in ("refer_urgent", "refer_soon"):
        referral = Referral("urgent" if screening.outcome == "refer_urgent" else "soon", screening.title,
                            screening.advice, tuple(q.text for q in screening.questions))
        return Plan("referred", "STOP", referral=referral, sources=_sources(rules, ["R1"]), **program, **base)
    pain = pain_status(request.pain, rules)
    if pain.status == "STOP":
        return Plan("referred", "STOP", referral=stop_referral(pain), sources=_sources(rules, ["R13"]),
                    **program, **base)
    ladder = ladder_state(typed, ctx.log or Log(), today, rules)
    later_ladder: list[str] = []
    if ctx.published is not None and ctx.log is not None:
        # a week keeps the ladder level it was planned with; what this week's check-ins change applies next week
        eve = request.week_start - dt.timedelta(days=1)
        start_of_week = ladder_state(typed, Log(checkins=[c for c in ctx.log.checkins if c.date <= eve]), eve, rules)
        if (start_of_week and start_of_week.level) != (ladder and ladder.level):
            later_ladder = [f"From next week: the return-to-run ladder at {ladder.level} ({ladder.reason})"
                            if ladder else "From next week: off the return-to-run ladder."]
        ladder = start_of_week
    caution = screening.outcome == "caution"
    status: PainStatus = pain.status
    label = None
    if caution and status == "GREEN":
        # R1: a caution answer makes the week conservative whatever the pain numbers: running as AMBER at least
        status, label = "AMBER", "Caution answer in screening"
    # DST (planner/localtime.py): no run or window in an hour the clocks skip or repeat; say what moved
    request, moved = clear_of_clock_changes(request, rules.routine.warm_up_minutes,
                                            rules.routine.cool_down_minutes)
    reference = None
    if ctx.published is not None:
        reference = reference_of(ctx.published, request.week_start, ctx.today, ctx.pins, ctx.moves,
                                 ctx.minimal_change, ctx.log)
        request = moved_request(request, reference)
    boundary = boundary_of(ctx.before, knowledge.catalogue, zone(request.timezone)) if ctx.before else None
    step = step_of(ctx.log, request.week_start, rules) if reference is None else None
    week = Week(ladder, boundary, reference, step)
    inst = build_instance(request, knowledge, status, caution, label, week)
    lead = [n for n in (history_notice(request, rules) if derived is None else None,) if n]
    lead += warnings(request, rules) + list(moved) + ladder_notices(ladder) + later_ladder
    lead += [step.reason] if step is not None else []
    lead += dropped_notices(list(inst.dropped))
    if caution:
        lead.append(f"{screening.title}. {screening.advice} You told us: "
                    + "; ".join(q.text for q in screening.questions) + ".")
    program["ladder"] = ladder.to_dict() if ladder else None
    solution = WeekModel(inst).solve()
    if solution.status == "infeasible" and reference is not None and (ctx.pins or ctx.moves):
        raise Refusal(blocking_rule(inst, ctx))
    if solution.status == "infeasible":
        from planner.explain import explain
        explanation = explain(inst)
        return Plan("infeasible", pain.status, explanation=explanation, notices=tuple(lead),
                    sources=_sources(rules, explanation.rules), **program, **base)
    if solution.status == "unknown":
        lead.append("The planner ran out of time before finding any plan for this week; "
                    "try fewer weak areas or more spare time.")
        return Plan("infeasible", pain.status, notices=tuple(lead), **program, **base)
    days, day_notes = _days(inst, solution, knowledge, status, caution)
    if reference is not None:
        days[:reference.frozen] = reference.days[:reference.frozen]      # the days before today stay as they were
        program["changes"] = changes(reference.days, days, reference.frozen, replan_cause(ctx, derived, pain))
    requested = sum(r.minutes for r in request.runs)
    planned = sum(i.minutes for d in days for i in d.items if i.kind == "run")
    notices = [pain_notice(pain, status, caution, inst.limits, rules, requested, planned), *lead, *day_notes]
    penalties = tuple(Penalty(p.rule, p.label, p.cost) for p in solution.penalties if p.rule != CHANGE_RULE)
    used = sorted({rule for day in days for item in day.items for rule in item.rules}
                  | {p.rule for p in penalties} | {"R13"})
    return Plan(solution.status, pain.status, days=tuple(days), notices=tuple(notices),
                sources=_sources(rules, used), penalties=penalties, objective=solution.objective,
                solve_ms=solution.wall_ms, **program, **base)


def _sources(rules: Rules, ids: list[str] | tuple[str, ...]) -> dict[str, str]:
    known = rules.sources
    return {rid: known[rid] for rid in ids if rid in known}


# ExerciseDose is immutable and depends only on the exercise and the level: one per pair, kept with its exercise
# (so the id in the key stays that exercise's).
_DOSES: dict[tuple[int, int], tuple[Exercise, ExerciseDose]] = {}


def _dose(ex: Exercise, level: int) -> ExerciseDose:
    """The exercise as the plan shows it: the dose for the runner's level, the effort cue for loaded items."""
    hit = _DOSES.get((id(ex), level))
    if hit is not None:
        return hit[1]
    dose = ExerciseDose(ex.id, ex.name, ex.dose_for(level), ex.minutes, ex.cue, tuple(ex.cautions), ex.effort)
    if len(_DOSES) >= 10_000:
        _DOSES.clear()
    _DOSES[id(ex), level] = (ex, dose)
    return dose


# Pure functions of (exercises, numbers) asked again and again with the same week-wide tuples and candidate
# sets: memoised by the tuple's identity, each entry keeping its tuple alive so the id stays its own.
_MEMO: dict[tuple[object, ...], tuple[object, object]] = {}
T = TypeVar("T")


def _memo(kind: str, of: tuple[Exercise, ...], args: tuple[int, ...], make: Callable[[], T]) -> T:
    key = (kind, id(of), *args)
    hit = _MEMO.get(key)
    if hit is not None and hit[0] is of:
        return hit[1]       # type: ignore[return-value]
    value = make()
    if len(_MEMO) >= 20_000:
        _MEMO.clear()
    _MEMO[key] = (of, value)
    return value


def _doses(exercises: tuple[Exercise, ...], level: int) -> tuple[ExerciseDose, ...]:
    return _memo("doses", exercises, (level,), lambda: tuple(_dose(e, level) for e in exercises))


def _filled(candidates: tuple[Exercise, ...], minutes: int, rotate: int) -> tuple[Exercise, ...]:
    return _memo("fill", candidates, (minutes, rotate), lambda: _fill(candidates, minutes, rotate))


def _fill(candidates: Sequence[Exercise], minutes: int, rotate: int) -> tuple[Exercise, ...]:
    """Warm-up/cool-down content: the walk first (DOMAIN §3 lists it first), then the other allowed items
    rotated by the day (R16 variety), as long as they fit the item's minutes."""
    walks = [e for e in candidates if e.kind == "cardio"]
    others = [e for e in candidates if e.kind != "cardio"]
    if others:
        shift = rotate % len(others)
        others = others[shift:] + others[:shift]
    chosen: list[Exercise] = []
    total = 0
    for ex in walks[:1] + others:
        if total + ex.minutes <= minutes:
            chosen.append(ex)
            total += ex.minutes
    return tuple(chosen)


def _days(inst: WeekInstance, sol: WeekSolution, knowledge: Knowledge, status: str,
          caution: bool) -> tuple[list[Day], list[str]]:
    """The solved week as days of items with their reasons, and notes about the week as a whole."""
    request, rules = inst.request, inst.rules
    routine = rules.routine
    level = min(request.level, inst.limits.max_level)   # a RED week doses like level 1, whatever the runner
    second_stretch_days = 0
    by_day: dict[int, list[SessionChoice]] = {}
    for s in sol.sessions:
        by_day.setdefault(s.day, []).append(s)
    limit_of = {lim.day: lim for lim in inst.runs}
    weekly_cap, weekly_why = inst.weekly_cap, inst.weekly_why
    days: list[Day] = []
    week_reason = _week_reason(inst, status, caution)
    allowed_in = ExerciseFilter(knowledge.catalogue, request, inst.limits, inst.frames, rules)
    flexion_from = minutes_of(request.wake_time) + routine.flexion_after_waking
    for frame in inst.frames:
        items: list[Item] = []
        d = frame.index
        lim = limit_of.get(frame.day)
        if lim is not None and frame.run_start is not None:
            planned = lim.exact_minutes or sol.run_minutes[frame.day]
            article = "an" if lim.requested_kind[0] in "aeiou" else "a"
            reasons = [f"You asked for {article} {lim.requested_kind} run of {lim.requested_minutes} min."]
            reasons += lim.reasons
            rule_ids = list(lim.rules)
            if planned < lim.max_minutes and weekly_why:
                reasons.append(weekly_why + f" This week: at most {weekly_cap} min in all.")
                rule_ids.append("R12")
            if lim.kind == "easy" and status == "GREEN" and not lim.intervals:
                reasons.append("Optional cue: try a 5–10 % higher step rate on this easy run "
                               "(not a fixed 180).")
                rule_ids.append("R14")
            start = frame.run_start
            warm = _filled(allowed_in.eligible("warm_up", d, start - routine.warm_up_minutes),
                           routine.warm_up_minutes, d)
            items.append(Item(f"{frame.day}-warm_up", "warm_up", start - routine.warm_up_minutes,
                              routine.warm_up_minutes, _doses(warm, level),
                              ("A dynamic warm-up before the run, for comfort and readiness.",), ("R9",)))
            items.append(Item(f"{frame.day}-run", "run", start, planned, (), tuple(reasons),
                              tuple(dict.fromkeys(rule_ids)), run_kind=lim.kind,
                              requested_minutes=lim.requested_minutes, requested_run_kind=lim.requested_kind,
                              intervals=lim.intervals))
            cool_start = start + planned
            cool_options = allowed_in.eligible("cool_down", d, cool_start)
            cool: tuple[Exercise, ...] = _filled(cool_options, routine.cool_down_minutes, d)
            cool_reasons = ["An easy cool-down after the run; stretching here is for comfort, "
                            "not to prevent soreness."]
            cool_rules = ["R9"]
            first = _first_stretch_start(by_day.get(d, []), frame)
            gap = routine.second_stretch_gap_hours * 60
            if request.hamstring_twice_daily and first is not None and abs(cool_start - first) >= gap:
                stretch = [e for e in allowed_in.eligible("hamstrings", d, cool_start) if e.straight_leg_stretch]
                if stretch and stretch[0].minutes <= routine.cool_down_minutes:
                    # the stretch takes its place inside the cool-down's minutes, the rest is filled around it
                    cool = (stretch[0], *_fill(cool_options, routine.cool_down_minutes - stretch[0].minutes, d))
                    cool_reasons.append(f"Your second hamstring stretch today, as you asked: at least "
                                        f"{routine.second_stretch_gap_hours} h after the first.")
                    cool_rules.append("R7")
                    second_stretch_days += 1
            items.append(Item(f"{frame.day}-cool_down", "cool_down", cool_start, routine.cool_down_minutes,
                              _doses(cool, level), tuple(cool_reasons), tuple(cool_rules)))
        start = frame.window_start
        # R15: strength, then mobility — the order of SESSION_KINDS, which the solver's start times assume too
        for session in by_day.get(d, []):       # in SESSION_KINDS order (WeekSolution.sessions)
            reasons, rule_ids = _session_reasons(session, inst, week_reason, flexion_from)
            items.append(Item(f"{frame.day}-{session.kind}", session.kind, start, session.minutes,
                              _doses(session.exercises, level), reasons, rule_ids))
            start += session.minutes
        items.sort(key=lambda i: i.start)
        days.append(Day(frame.date, frame.day, tuple(items)))
    notes: list[str] = []
    if request.hamstring_twice_daily and not second_stretch_days:
        if any(ex.straight_leg_stretch and set(ex.avoid_with) & set(request.screening.cautions)
               for ex in knowledge.catalogue.in_category("hamstrings")):
            notes.append("No second daily hamstring stretch this week: straight-leg stretches are left out with "
                         "the leg symptoms you told us about.")
        else:
            notes.append(f"No second daily hamstring stretch this week: it needs a cool-down at least "
                         f"{routine.second_stretch_gap_hours} h after the day's first stretch.")
    return days, notes


def _first_stretch_start(sessions: list[SessionChoice], frame: DayFrame) -> int | None:
    """When the day's hamstring session with a straight-leg stretch starts (sessions follow SESSION_KINDS)."""
    start = frame.window_start
    for session in sessions:        # in SESSION_KINDS order (WeekSolution.sessions)
        if session.kind == "hamstrings" and any(e.straight_leg_stretch for e in session.exercises):
            return start
        start += session.minutes
    return None


_AREA_RULE = {"core": "R3", "hamstrings": "R7", "hip_mobility": "R6", "thoracic": "R6"}


def _week_reason(inst: WeekInstance, status: str, caution: bool) -> tuple[str, str] | None:
    """The sentence every session of the week shares about the pain status or a caution answer."""
    if caution:
        return "Caution screening answer: level-1 flare-safe exercises only.", "screen-1C"
    if status in ("AMBER", "RED"):
        return f"{status} pain: {level_words(inst.limits)}.", f"pain-{status.lower()}"
    return None


def _session_reasons(session: SessionChoice, inst: WeekInstance, week_reason: tuple[str, str] | None,
                     flexion_from: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    frame = inst.frames[session.day]
    weak = session.kind in inst.weak
    label = AREA_LABELS[session.kind]
    verb, they = ("are", "they get") if session.kind in ("glutes", "hamstrings") else ("is", "it gets")
    reasons = [f"{label.capitalize()} {verb} one of your weak areas: {they} more sessions this week."
               if weak else f"A maintenance {label} session keeps the week balanced."]
    rule_ids = ["wish"] if weak else []
    rule_ids.append(_AREA_RULE.get(session.kind, "R16"))
    loaded = [e for e in session.exercises if e.loaded]
    if loaded:
        reasons.append(f"Loaded strength ({', '.join(e.name for e in loaded)}): at least 48 h after the last "
                       "loaded session for the same muscles.")
        rule_ids.append("R2")
        if frame.hard and frame.run_start is not None and frame.window_start > frame.run_start:
            reasons.append(f"Hard day stays hard: strength after the {frame.run_kind} run.")
            rule_ids.append("R5")
    elif frame.run_kind is None:
        light = all(e.kind in ("mobility", "stretch", "breathing") for e in session.exercises)
        reasons.append("Rest day: mobility only." if light else "Rest day: light level-1 exercises, no loaded "
                       "strength.")
        rule_ids.append("R5")
    if frame.window_minutes:
        reasons.append(f"Fits the {frame.window_minutes} min you have on {frame.name} from "
                       f"{clock(frame.window_start)} (day limit {frame.rule_budget} min).")
        rule_ids.append("R11")
    if week_reason is not None:
        reasons.append(week_reason[0])
        rule_ids.append(week_reason[1])
    if frame.window_start < flexion_from:
        gap = inst.rules.routine.flexion_after_waking
        reasons.append(f"Early in the day: no flexion-biased exercises within {gap // 60} h"
                       + (f" {gap % 60} min" if gap % 60 else "") + " of waking.")
        rule_ids.append("R8")
    next_day = inst.frames[session.day + 1] if session.day + 1 < 7 else None
    if (next_day is not None and next_day.hard and inst.limits.max_level >= 3
            and any(e.load_group == "lower_limb" for e in session.exercises)):
        reasons.append(f"The day before the {next_day.run_kind} run: no level-3 leg work.")
        rule_ids.append("R4")
    return tuple(reasons), tuple(dict.fromkeys(rule_ids))


__all__ = ["build_instance", "make_plan", "Refusal", "Week", "AREAS", "WEEKDAYS", "DAY_NAMES"]
