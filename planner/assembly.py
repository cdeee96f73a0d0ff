"""Plan assembly: the solved week as days of items — warm-up, run and cool-down around each run, the sessions
in SESSION_KINDS order — each with its doses and its reasons in words, and notes about the week as a whole."""

from __future__ import annotations

from collections.abc import Sequence

from planner.catalogue import Exercise
from planner.eligibility import ExerciseFilter
from planner.frames import DayFrame
from planner.knowledge import Knowledge
from planner.memo import Memo
from planner.notices import level_words
from planner.plan import Day, ExerciseDose, Item
from planner.request import clock, minutes_of
from planner.solver import AREA_LABELS, SessionChoice, WeekInstance, WeekSolution

# Doses, the doses of a set and warm-up/cool-down contents are pure functions of the same catalogue items,
# week-wide lists and candidate sets asked again in every week (planner.memo).
_DOSES: Memo[ExerciseDose] = Memo(10_000)
_SET_DOSES: Memo[tuple[ExerciseDose, ...]] = Memo(20_000)
_FILLED: Memo[tuple[Exercise, ...]] = Memo(20_000)


def _dose(ex: Exercise, level: int) -> ExerciseDose:
    """The exercise as the plan shows it: the dose for the runner's level, the effort cue for loaded items."""
    return _DOSES.get((id(ex), level), ex, lambda: ExerciseDose(ex.id, ex.name, ex.dose_for(level), ex.minutes,
                                                                ex.cue, tuple(ex.cautions), ex.effort))


def _doses(exercises: tuple[Exercise, ...], level: int) -> tuple[ExerciseDose, ...]:
    return _SET_DOSES.get((id(exercises), level), exercises, lambda: tuple(_dose(e, level) for e in exercises))


def _filled(candidates: tuple[Exercise, ...], minutes: int, rotate: int) -> tuple[Exercise, ...]:
    return _FILLED.get((id(candidates), minutes, rotate), candidates, lambda: _fill(candidates, minutes, rotate))


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


def week_days(inst: WeekInstance, sol: WeekSolution, knowledge: Knowledge, status: str,
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
                reasons.append("Optional cue: " + rules.text("R14"))
                rule_ids.append("R14")
            start = frame.run_start
            walk = bool(lim.intervals) and not any(run for run, _ in lim.intervals)   # a ladder walk: no running
            warm_options = allowed_in.eligible("warm_up", d, start - routine.warm_up_minutes)
            if walk:
                warm_options = tuple(e for e in warm_options if not e.running_only)
            warm = _filled(warm_options, routine.warm_up_minutes, d)
            why = "A dynamic warm-up before the run, for comfort and readiness."
            rest = routine.warm_up_minutes - sum(e.minutes for e in warm)
            if walk:
                why = "A warm-up before the walk, for comfort and readiness" + (
                    f": the last {rest} min are easy walking, building to the brisk pace." if rest > 0 else ".")
            items.append(Item(f"{frame.day}-warm_up", "warm_up", start - routine.warm_up_minutes,
                              routine.warm_up_minutes, _doses(warm, level), (why,), ("R9",)))
            items.append(Item(f"{frame.day}-run", "run", start, planned, (), tuple(reasons),
                              tuple(dict.fromkeys(rule_ids)), run_kind=lim.kind,
                              requested_minutes=lim.requested_minutes, requested_run_kind=lim.requested_kind,
                              intervals=lim.intervals))
            cool_start = start + planned
            cool_options = allowed_in.eligible("cool_down", d, cool_start)
            cool: tuple[Exercise, ...] = _filled(cool_options, routine.cool_down_minutes, d)
            cool_reasons = [f"An easy cool-down after the {'walk' if walk else 'run'}; stretching here is for "
                            "comfort, not to prevent soreness."]
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
        reasons.append(f"Loaded strength ({', '.join(e.name for e in loaded)}): at least "
                       f"{inst.rules.routine.loaded_gap_hours} h after the last loaded session for the same muscles.")
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
        reasons.append(f"Early in the day: no bending-forward exercises within {gap // 60} h"
                       + (f" {gap % 60} min" if gap % 60 else "") + " of waking.")
        rule_ids.append("R8")
    next_day = inst.frames[session.day + 1] if session.day + 1 < 7 else None
    if (next_day is not None and next_day.hard and inst.limits.max_level >= 3
            and any(e.load_group == "lower_limb" for e in session.exercises)):
        reasons.append(f"The day before the {next_day.run_kind} run: no level-3 leg work.")
        rule_ids.append("R4")
    return tuple(reasons), tuple(dict.fromkeys(rule_ids))
