"""Words for a re-plan: why it changes what it changes, and which hard rule refuses a pin or move."""

from __future__ import annotations

from collections import Counter

from planner.catalogue import Catalogue
from planner.context import PlanContext
from planner.eligibility import ExerciseLimits, refusal
from planner.frames import DayFrame
from planner.history import Derived
from planner.instance import WeekInstance
from planner.pain import PainAssessment
from planner.plan import item_words
from planner.request import DAY_NAMES, PlanRequest
from planner.rules import Rules
from planner.solver import WeekModel


def blocking_rule(inst: WeekInstance, ctx: PlanContext) -> str:
    """The hard rule a pin or move breaks, in words: the first rule family whose absence makes the week
    feasible (R2 spacing of loaded work, R10 days off, or the time the runner has)."""
    what = ", ".join([*(f"keeping {_item(k)}" for k in ctx.pins),
                      *(f"moving {_item(k)} to {DAY_NAMES[d]}" for k, d in ctx.moves)])
    gap = inst.rules.routine.loaded_gap_hours
    for family, words in (("R2", f"loaded strength for the same muscles needs {gap} h between sessions"),
                          ("R10", "at least one day a week without loaded strength")):
        if WeekModel(inst, objective=False, skip=frozenset({family})).solve().status != "infeasible":
            return f"Not possible ({what}): {words}."
    if WeekModel(inst, objective=False, time_slack=True).solve().status != "infeasible":
        return f"Not possible ({what}): it does not fit the time you have that day."
    return f"Not possible ({what}): the rest of the week could not be planned around it."


def _item(key: str) -> str:
    """ "thu-core" → "Thursday's core session" """
    day = key.split("-", 1)[0]
    return f"{DAY_NAMES[day]}'s {item_words(key)}" if day in DAY_NAMES else item_words(key)


def replan_cause(ctx: PlanContext, derived: Derived | None, pain: PainAssessment) -> str:
    """Why the re-plan changes what it changes, in one sentence."""
    if ctx.moves:
        return "You moved " + ", ".join(f"{_item(k)} to {DAY_NAMES[d]}" for k, d in ctx.moves) + "."
    published = (ctx.published or {}).get("pain_status")
    if published and published != pain.status:
        return f"Pain status now {pain.status} ({pain.because}), was {published}."
    if derived is not None and any(derived.skipped.get("this_week", ())):
        return "Re-planned around what you skipped this week."
    return "Re-planned from your latest check-ins."


def refusal_words(catalogue: Catalogue, kind: str, request: PlanRequest, limits: ExerciseLimits,
                  frames: list[DayFrame], frame: DayFrame, rules: Rules) -> str:
    """Why no session of a kind can go on a day, from the most common reason its exercises are refused."""
    found = [refusal(ex, request, limits, frames, frame.index, frame.window_start, rules)
             for ex in catalogue.in_category(kind)]
    counts = Counter(r for r in found if r)
    if frame.rule_budget < rules.budget.session_min:
        return "no time for extra work that day"
    if not counts:
        return "too few of its exercises fit that day"
    return refusal_reason(counts.most_common(1)[0][0], rules)


def refusal_reason(code: str, rules: Rules) -> str:
    """Why a rule refuses an exercise on a day (planner.eligibility's codes), in words."""
    if code == "R8":
        waking = rules.routine.flexion_after_waking
        hours = f"{waking // 60} h" + (f" {waking % 60} min" if waking % 60 else "")
        return f"no bending-forward exercises within {hours} of waking"
    return REFUSALS.get(code, code)


REFUSALS = {
    "R4": "no heavy leg work the day before a long or quality run",
    "R5": "loaded leg work comes after the day's run, not before it",
    "R15": "no long static hamstring stretch shortly before a long or quality run",
    "R1": "your screening answers or health facts rule its exercises out",
    "level": "this week's pain status or your level rules its exercises out",
    "flare": "only flare-safe exercises this week",
    "equipment": "its exercises need equipment you don't have",
}
