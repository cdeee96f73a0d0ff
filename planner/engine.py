"""The planning pipeline: screening → pain status → solver instance → solve → Plan with reasons."""

from __future__ import annotations

from planner import rules as R
from planner.catalogue import Exercise
from planner.knowledge import Knowledge, default_knowledge
from planner.localtime import clear_of_clock_changes
from planner.plan import SESSION_KINDS, Day, ExerciseDose, Item, Penalty, Plan, Referral
from planner.request import AREAS, DAY_NAMES, WEEKDAYS, PlanRequest, clock
from planner.screening import screen
from planner.solver import AREA_LABELS, SessionChoice, WeekInstance, WeekModel, WeekSolution


def build_instance(request: PlanRequest, knowledge: Knowledge, status: R.PainStatus,
                   caution: bool, label: str | None = None) -> WeekInstance:
    """Reduce a request to the solver's numbers and allowed sets (pure; no solving)."""
    rules = knowledge.rules
    runs = R.run_limits(request, status, rules, label)
    frames = R.day_frames(request, runs, rules)
    limits = R.exercise_limits(request, status, caution, rules)
    options: dict[tuple[int, str], tuple[Exercise, ...]] = {}
    for frame in frames:
        if frame.rule_budget < rules.budget.session_min:
            continue
        for kind in SESSION_KINDS:
            allowed = R.eligible(knowledge.catalogue, kind, request, limits, frames, frame.index,
                                 frame.window_start, rules)
            if len(allowed) >= rules.budget.exercises_min:
                options[frame.index, kind] = tuple(allowed)
    weekly_cap, weekly_why = R.weekly_run_cap(request, status, rules, label)
    return WeekInstance(request=request, rules=rules, frames=tuple(frames), runs=tuple(runs),
                        weekly_cap=weekly_cap, weekly_why=weekly_why, limits=limits, options=options,
                        weak=frozenset(request.weak_areas))


def make_plan(request: PlanRequest, knowledge: Knowledge | None = None) -> Plan:
    """Plan a week for a validated request; never raises for a valid request."""
    knowledge = knowledge or default_knowledge()
    rules = knowledge.rules
    base = dict(week_start=request.week_start, timezone=request.timezone, name=request.name)
    screening = screen([*request.screening.red_flags, *request.screening.cautions], knowledge.screening)
    pain = R.pain_status(request, rules)
    if screening.outcome in ("refer_urgent", "refer_soon"):
        referral = Referral("urgent" if screening.outcome == "refer_urgent" else "soon", screening.title,
                            screening.advice, tuple(q.text for q in screening.questions))
        return Plan("referred", "STOP", referral=referral, sources=_sources(rules, ["R1"]), **base)
    if pain.status == "STOP":
        referral = Referral("soon", "Please see a clinician before training this week",
                            "Your answers about your pain call for a clinician's assessment before more running "
                            "or training: book an appointment with your GP or a physiotherapist in the next few "
                            "days. Seek urgent care if you notice new numbness, weakness, or bladder or bowel "
                            "changes.", pain.reasons)
        return Plan("referred", "STOP", referral=referral, sources=_sources(rules, ["R13"]), **base)
    caution = screening.outcome == "caution"
    status = pain.status
    label = None
    notices = list(pain.reasons)
    if caution:
        # R1: a caution answer makes the week conservative whatever the pain numbers: running as AMBER at least
        if status == "GREEN":
            status, label = "AMBER", "Caution answer in screening"
            notices = ["Your pain numbers are settled, but a screening answer calls for care: running volume "
                       "is held, quality runs become easy and runs may be a little shorter this week."]
        notices.append(f"{screening.title}. {screening.advice} You told us: "
                       + "; ".join(q.text for q in screening.questions) + ".")
    # DST wiring (planner/localtime.py): no run or window in an hour the clocks skip or repeat; say what moved
    request, moved = clear_of_clock_changes(request, rules.routine.warm_up_minutes,
                                            rules.routine.cool_down_minutes)
    notices += moved
    inst = build_instance(request, knowledge, status, caution, label)
    solution = WeekModel(inst).solve()
    if solution.status == "infeasible":
        from planner.explain import explain
        explanation = explain(inst)
        return Plan("infeasible", pain.status, explanation=explanation, notices=tuple(notices),
                    sources=_sources(rules, explanation.rules), **base)
    if solution.status == "unknown":
        notices.append("The planner ran out of time before finding any plan for this week; "
                       "try fewer weak areas or more spare time.")
        return Plan("infeasible", pain.status, notices=tuple(notices), **base)
    days = _days(inst, solution, knowledge, status, caution)
    used = sorted({rule for day in days for item in day.items for rule in item.rules} | {"R13"})
    return Plan(solution.status, pain.status, days=tuple(days), notices=tuple(notices),
                sources=_sources(rules, used),
                penalties=tuple(Penalty(p.rule, p.label, p.cost) for p in solution.penalties),
                objective=solution.objective, **base)


def _sources(rules: R.Rules, ids: list[str] | tuple[str, ...]) -> dict[str, str]:
    return {rid: rules.source(rid) for rid in ids if any(r.id == rid for r in rules.rule)}


def _dose(ex: Exercise) -> ExerciseDose:
    return ExerciseDose(ex.id, ex.name, ex.dose, ex.minutes, ex.cue, tuple(ex.cautions))


def _fill(candidates: list[Exercise], minutes: int, rotate: int) -> tuple[Exercise, ...]:
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
          caution: bool) -> list[Day]:
    request, rules = inst.request, inst.rules
    routine = rules.routine
    by_day: dict[int, list[SessionChoice]] = {}
    for s in sol.sessions:
        by_day.setdefault(s.day, []).append(s)
    limit_of = {lim.day: lim for lim in inst.runs}
    weekly_cap, weekly_why = inst.weekly_cap, inst.weekly_why
    days: list[Day] = []
    for frame in inst.frames:
        items: list[Item] = []
        d = frame.index
        lim = limit_of.get(frame.day)
        if lim is not None and frame.run_start is not None:
            planned = sol.run_minutes[frame.day]
            article = "an" if lim.requested_kind[0] in "aeiou" else "a"
            reasons = [f"You asked for {article} {lim.requested_kind} run of {lim.requested_minutes} min."]
            reasons += lim.reasons
            rule_ids = list(lim.rules)
            if planned < lim.max_minutes and weekly_why:
                reasons.append(weekly_why + f" This week: at most {weekly_cap} min in all.")
                rule_ids.append("R12")
            if lim.kind == "easy" and status == "GREEN":
                reasons.append("Optional cue: try a 5–10 % higher step rate on this easy run "
                               "(not a fixed 180).")
                rule_ids.append("R14")
            start = frame.run_start
            warm = _fill(R.eligible(knowledge.catalogue, "warm_up", request, inst.limits, list(inst.frames), d,
                                    start - routine.warm_up_minutes, rules), routine.warm_up_minutes, d)
            items.append(Item(f"{frame.day}-warm_up", "warm_up", start - routine.warm_up_minutes,
                              routine.warm_up_minutes, tuple(_dose(e) for e in warm),
                              ("A dynamic warm-up before the run, for comfort and readiness.",), ("R9",)))
            items.append(Item(f"{frame.day}-run", "run", start, planned, (), tuple(reasons),
                              tuple(dict.fromkeys(rule_ids)), run_kind=lim.kind,
                              requested_minutes=lim.requested_minutes, requested_run_kind=lim.requested_kind))
            cool_start = start + planned
            cool_options = R.eligible(knowledge.catalogue, "cool_down", request, inst.limits, list(inst.frames), d,
                                      cool_start, rules)
            cool = list(_fill(cool_options, routine.cool_down_minutes, d))
            cool_reasons = ["An easy cool-down after the run; stretching here is for comfort, "
                            "not to prevent soreness."]
            cool_rules = ["R9"]
            if request.hamstring_twice_daily and any(s.kind == "hamstrings" for s in by_day.get(d, [])):
                stretch = [e for e in R.eligible(knowledge.catalogue, "hamstrings", request, inst.limits,
                                                 list(inst.frames), d, cool_start, rules) if e.kind == "stretch"]
                if stretch and stretch[0].minutes <= routine.cool_down_minutes:
                    # the stretch takes its place inside the cool-down's minutes, the rest is filled around it
                    cool = [stretch[0], *_fill(cool_options, routine.cool_down_minutes - stretch[0].minutes, d)]
                    cool_reasons.append("You asked for a second daily hamstring stretch.")
                    cool_rules.append("R7")
            items.append(Item(f"{frame.day}-cool_down", "cool_down", cool_start, routine.cool_down_minutes,
                              tuple(_dose(e) for e in cool), tuple(cool_reasons), tuple(cool_rules)))
        start = frame.window_start
        # R15: strength, then mobility — the order of SESSION_KINDS, which the solver's start times assume too
        for session in sorted(by_day.get(d, []), key=lambda s: SESSION_KINDS.index(s.kind)):
            reasons, rule_ids = _session_reasons(session, inst, status, caution)
            items.append(Item(f"{frame.day}-{session.kind}", session.kind, start, session.minutes,
                              tuple(_dose(e) for e in session.exercises), reasons, rule_ids))
            start += session.minutes
        items.sort(key=lambda i: i.start)
        days.append(Day(frame.date, frame.day, tuple(items)))
    return days


def _session_reasons(session: SessionChoice, inst: WeekInstance, status: str,
                     caution: bool) -> tuple[tuple[str, ...], tuple[str, ...]]:
    frame = inst.frames[session.day]
    weak = session.kind in inst.weak
    label = AREA_LABELS[session.kind]
    reasons = [f"{label.capitalize()} is one of your weak areas: it gets more sessions this week."
               if weak else f"A maintenance {label} session keeps the week balanced."]
    rule_ids = ["wish"] if weak else []
    rule_ids.append({"core": "R3", "hamstrings": "R7", "hip_mobility": "R6", "thoracic": "R6"}.get(
        session.kind, "R16"))
    loaded = [e for e in session.exercises if e.loaded]
    if loaded:
        reasons.append(f"Loaded strength ({', '.join(e.name for e in loaded)}): at least 48 h after the last "
                       "loaded session for the same muscles.")
        rule_ids.append("R2")
        if frame.hard and frame.run_start is not None and frame.window_start > frame.run_start:
            reasons.append(f"Hard day stays hard: strength after the {frame.run_kind} run.")
            rule_ids.append("R5")
    elif frame.run_kind is None:
        reasons.append("Rest day: gentle work only.")
        rule_ids.append("R5")
    if frame.window_minutes:
        reasons.append(f"Fits the {frame.window_minutes} min you have on {frame.name} from "
                       f"{clock(frame.window_start)} (day limit {frame.rule_budget} min).")
        rule_ids.append("R11")
    if caution:
        reasons.append("Caution screening answer: level-1 flare-safe exercises only.")
        rule_ids.append("screen-1C")
    elif status in ("AMBER", "RED"):
        reasons.append(f"{status} pain: exercises up to level {inst.limits.max_level}"
                       + (", flare-safe only." if inst.limits.flare_safe_only else "."))
        rule_ids.append(f"pain-{status.lower()}")
    if frame.window_start < R.minutes_of(inst.request.wake_time) + inst.rules.routine.flexion_after_waking:
        gap = inst.rules.routine.flexion_after_waking
        reasons.append(f"Early in the day: no flexion-biased exercises within {gap // 60} h"
                       + (f" {gap % 60} min" if gap % 60 else "") + " of waking.")
        rule_ids.append("R8")
    next_day = inst.frames[session.day + 1] if session.day + 1 < 7 else None
    if next_day is not None and next_day.hard and any(e.load_group == "lower_limb" for e in session.exercises):
        reasons.append(f"The day before the {next_day.run_kind} run: no level-3 leg work.")
        rule_ids.append("R4")
    return tuple(reasons), tuple(dict.fromkeys(rule_ids))


__all__ = ["build_instance", "make_plan", "AREAS", "WEEKDAYS", "DAY_NAMES"]
