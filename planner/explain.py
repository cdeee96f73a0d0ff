"""Infeasibility explained: which of the runner's wishes conflict, and concrete relaxations.

Each wish (a run, a weak-area minimum, a day's spare minutes) is an assumption literal. An objective-free
solve gives a set of assumptions that cannot all hold; we shrink it to a minimal one by deletion, word
it, and turn each wish in it into a one-click relaxation. For spare-time wishes a second solve measures
how many more minutes each day needs.
"""

from __future__ import annotations

import math

from ortools.sat.python import cp_model

from planner.frames import suggested_window_start
from planner.plan import Explanation, Relaxation
from planner.request import DAY_NAMES, PlanRequest, Window
from planner.rules import Rules
from planner.solver import AREA_LABELS, WeekInstance, WeekModel

RULE_OF_WISH = {"run": "R10", "area": "R11", "time": "R11"}


def _feasible_with(wm: WeekModel, wish_ids: list[str]) -> bool:
    """Proven plannable with these wishes (a time-out is no proof)."""
    wm.model.clear_assumptions()
    wm.model.add_assumptions([wm.wishes[w][0] for w in wish_ids])
    return wm.solver(presolve=False).solve(wm.model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)


def _infeasible_with(wm: WeekModel, wish_ids: list[str]) -> bool:
    wm.model.clear_assumptions()
    wm.model.add_assumptions([wm.wishes[w][0] for w in wish_ids])
    return wm.solver(presolve=False).solve(wm.model) == cp_model.INFEASIBLE


def conflicting_wishes(inst: WeekInstance, wm: WeekModel | None = None, among: list[str] | None = None,
                       minimal: bool = True) -> list[str]:
    """A minimal set of wish ids (of `among`, default all) that cannot all hold together (empty if they can);
    `minimal=False`: the solver's own set, not shrunk (one solve instead of one per wish).

    One objective-free model is built and re-solved under different assumption sets."""
    wm = wm or WeekModel(inst, wishes="assumed", objective=False)
    among = list(wm.wishes) if among is None else among
    wm.model.clear_assumptions()
    wm.model.add_assumptions([wm.wishes[w][0] for w in among])
    solver = wm.solver(presolve=False)
    if solver.solve(wm.model) != cp_model.INFEASIBLE:
        return []
    by_index = {lit.index: wid for wid, (lit, _) in wm.wishes.items()}
    core = [by_index[i] for i in solver.sufficient_assumptions_for_infeasibility() if i in by_index]
    if not core:
        core = list(among)
    if not minimal:
        return core

    def infeasible_with(wish_ids: list[str]) -> bool:
        return _infeasible_with(wm, wish_ids)

    # deletion-based minimisation: drop each wish whose removal keeps the set infeasible
    kept = list(core)
    for wid in list(core):
        trial = [w for w in kept if w != wid]
        if infeasible_with(trial):
            kept = trial
    return kept


def _enough(inst: WeekInstance, wm: WeekModel, first: str) -> list[str] | None:
    """The wishes of one kind to give up, `first` first, so that all the others can hold: one is not always
    enough when the week has more than one conflict (five weak areas in small windows). None when giving up
    every wish of that kind is not enough; then that kind is no fix."""
    kind = first.partition(":")[0]
    dropped = [first]
    while True:
        rest = [w for w in wm.wishes if w not in dropped]
        if _feasible_with(wm, rest):
            return dropped
        same = [w for w in conflicting_wishes(inst, wm, rest, minimal=False) if w.partition(":")[0] == kind]
        if not same:
            return None
        dropped.append(same[0])


def _words(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _time_needed(inst: WeekInstance, keep: list[str]) -> dict[str, int]:
    """Extra minutes per day that make the other wishes fit, measured by a slack-minimising solve."""
    wm = WeekModel(inst, wishes="assumed", objective=False, time_slack=True)
    wm.model.clear_assumptions()
    wm.model.add_assumptions([wm.wishes[w][0] for w in keep if w in wm.wishes])
    wm.model.minimize(sum(wm.time_slack.values()))
    solver = wm.solver()
    if solver.solve(wm.model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return {}
    out = {}
    for d, var in wm.time_slack.items():
        value = solver.value(var)
        if value:
            out[inst.frames[d].day] = int(math.ceil(value / 5) * 5)
    return out


def explain(inst: WeekInstance) -> Explanation:
    """Plain words for an infeasible week and the relaxations that would make it plannable."""
    wm = WeekModel(inst, wishes="assumed", objective=False)
    texts = {wid: wish.text for wid, (_, wish) in wm.wishes.items()}
    core = conflicting_wishes(inst, wm)
    conflicts = [texts[w] for w in core]
    relaxations: list[Relaxation] = []
    rules: set[str] = {"R11"}
    if any(w.startswith("time:") for w in core):
        others = [w for w in texts if not w.startswith("time:")]
        needed = _time_needed(inst, others)   # the extra minutes are needed together, so one relaxation
        if len(needed) == 1:
            (day, minutes), = needed.items()
            relaxations.append(Relaxation(f"more_time:{day}:{minutes}",
                                          f"Allow {minutes} more minutes on {DAY_NAMES[day]}"))
        elif needed:
            parts = ", ".join(f"{DAY_NAMES[d]} +{m}" for d, m in needed.items())
            relaxations.append(Relaxation("more_time:" + ",".join(f"{d}:{m}" for d, m in needed.items()),
                                          f"Allow more spare time: {parts} min ({sum(needed.values())} min "
                                          f"in all)"))
    offered: set[tuple[str, ...]] = set()
    for wid in core:
        kind, _, what = wid.partition(":")
        rules.add(RULE_OF_WISH[kind])
        if kind not in ("run", "area"):
            continue
        # each one-click fix plans the week: with more than one conflict it gives up as many as it takes
        dropped = _enough(inst, wm, wid)
        if dropped is None or tuple(sorted(dropped)) in offered:
            continue
        offered.add(tuple(sorted(dropped)))
        names = [w.partition(":")[2] for w in dropped]
        if kind == "run":
            relaxations.append(Relaxation("drop_run:" + ",".join(names),
                                          f"Drop the {_words([DAY_NAMES[d] for d in names])} "
                                          f"run{'s' * (len(names) > 1)}"))
        else:
            relaxations.append(Relaxation("drop_weak_area:" + ",".join(names),
                                          f"Take {_words([AREA_LABELS[a] for a in names])} off your weak areas"))
    if not relaxations:     # no single kind of change is enough: each wish of the conflict is a first step
        for wid in core:
            kind, _, what = wid.partition(":")
            if kind == "run":
                relaxations.append(Relaxation(f"drop_run:{what}", f"Drop the {DAY_NAMES[what]} run (a first step)"))
            elif kind == "area":
                relaxations.append(Relaxation(f"drop_weak_area:{what}",
                                              f"Take {AREA_LABELS[what]} off your weak areas (a first step)"))
    runs = sum(1 for w in core if w.startswith("run:"))
    lead = []
    shortest = inst.rules.caps.min_run_minutes
    if inst.weekly_cap is not None and runs and inst.weekly_cap < runs * shortest:
        lead.append(f"Your recent running allows at most {inst.weekly_cap} min this week, less than "
                    f"{runs} run{'s' if runs != 1 else ''} of at least {shortest} min.")
        rules.add("R12")
    if runs > inst.rules.routine.max_running_days:
        lead.append(f"At least one day a week without running: {runs} runs cannot all stay.")
        rules.add("R10")
    words = lead + ["These wishes cannot all hold together with the coaching rules: " + "; ".join(conflicts)
                    + "."] if conflicts else lead + ["No plan could be found within the rules."]
    return Explanation(tuple(words), tuple(relaxations), tuple(sorted(rules)))


def relax(request: PlanRequest, action: str, rules: Rules | None = None) -> PlanRequest:
    """Apply one suggested relaxation ("drop_run:tue" or "drop_run:tue,thu", "more_time:sat:10" or
    "more_time:mon:10,sat:5", "drop_weak_area:glutes" or "drop_weak_area:core,glutes").

    Raises ValueError for an action this module did not suggest."""
    if rules is None:
        from planner.knowledge import default_knowledge
        rules = default_knowledge().rules
    kind, _, rest = action.partition(":")
    if kind == "drop_run":
        days = rest.split(",")
        if any(request.run_on(d) is None for d in days):
            raise ValueError(f"unknown relaxation '{action}': there is no run on one of '{rest}'")
        return request.model_copy(update={"runs": [r for r in request.runs if r.day not in days]})
    if kind == "drop_weak_area":
        areas = rest.split(",")
        if any(a not in request.weak_areas for a in areas):
            raise ValueError(f"unknown relaxation '{action}': '{rest}' is not among your weak areas")
        return request.model_copy(update={"weak_areas": [a for a in request.weak_areas if a not in areas]})
    if kind == "more_time":
        available = dict(request.available)
        for part in rest.split(","):
            day, _, minutes_text = part.partition(":")
            if day not in DAY_NAMES or not minutes_text.isdigit() or not 0 < int(minutes_text) <= 240:
                raise ValueError(f"unknown relaxation '{action}'")
            extra = int(minutes_text)
            current = request.window_on(day)
            if current is not None:
                available[day] = Window(minutes=min(240, current.minutes + extra), start=current.start)
            else:
                start = suggested_window_start(request, day, rules, extra)
                available[day] = Window(minutes=extra, start=f"{start // 60:02d}:{start % 60:02d}")
        # re-validate: a widened window must still fit the day and clear the run
        from planner.request import parse_request
        data = request.model_copy(update={"available": available}).to_json_dict()
        return parse_request(data)
    raise ValueError(f"unknown relaxation '{action}'")
