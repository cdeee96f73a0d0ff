"""The planning pipeline: screening → pain status → solver instance → solve → Plan with reasons."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from planner.assembly import week_days
from planner.catalogue import Exercise
from planner.context import Boundary, PlanContext, Reference, boundary_of, reference_of
from planner.eligibility import ExerciseFilter, exercise_limits, refusal
from planner.exercise_steps import Step, step_of, stepped
from planner.frames import day_frames
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
    pain_notice,
    stop_referral,
    warnings,
)
from planner.pain import pain_status
from planner.plan import SESSION_KINDS, Penalty, Plan, Referral, running_minutes
from planner.replanning import blocking_rule, refusal_reason, refusal_words, replan_cause
from planner.request import AREAS, DAY_NAMES, WEEKDAYS, PlanRequest, zone
from planner.rules import PainStatus, Rules
from planner.screening import screen
from planner.solver import WeekInstance, WeekModel
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
        # a caution week runs as AMBER: its reasons cite the screening rule, not a pain status the runner lacks
        all_runs = run_limits(request, status, rules, label, ("R1", "screen-1C") if label else None)
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
                    raise Refusal(f"Not possible: {refusal_reason('R4', rules)} ({ex.name} on {frames[d].name}).")
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
        derived = derive(typed, ctx.log, today, rules, log_from=ctx.log_from)
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
    ladder = ladder_state(typed, ctx.log or Log(), today, rules, log_from=ctx.log_from)
    later_ladder: list[str] = []
    if ctx.published is not None and ctx.log is not None:
        # a week keeps the ladder level it was planned with; what this week's check-ins change applies next week
        eve = request.week_start - dt.timedelta(days=1)
        start_of_week = ladder_state(typed, Log(checkins=[c for c in ctx.log.checkins if c.date <= eve]), eve, rules,
                                     log_from=ctx.log_from)
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
    days, day_notes = week_days(inst, solution, knowledge, status, caution)
    if reference is not None:
        days[:reference.frozen] = reference.days[:reference.frozen]      # the days before today stay as they were
        program["changes"] = changes(reference.days, days, reference.frozen, replan_cause(ctx, derived, pain))
    requested = sum(r.minutes for r in request.runs)
    planned = sum(running_minutes(i.minutes, i.intervals) for d in days for i in d.items if i.kind == "run")
    notices = [pain_notice(pain, status, caution, inst.limits, rules, requested, planned), *lead, *day_notes]
    penalties = tuple(Penalty(p.rule, p.label, p.cost) for p in solution.penalties if p.rule != CHANGE_RULE)
    used = sorted({rule for day in days for item in day.items for rule in item.rules}
                  | {p.rule for p in penalties} | {"R13"})
    return Plan(solution.status, pain.status, days=tuple(days), notices=tuple(notices),
                sources=_sources(rules, used), penalties=penalties, objective=solution.objective,
                asked_run_minutes=requested, solve_ms=solution.wall_ms, **program, **base)


def _sources(rules: Rules, ids: list[str] | tuple[str, ...]) -> dict[str, str]:
    known = rules.sources
    return {rid: known[rid] for rid in ids if rid in known}


__all__ = ["build_instance", "make_plan", "Refusal", "Week", "AREAS", "WEEKDAYS", "DAY_NAMES"]
