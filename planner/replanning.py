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
from planner.request import DAY_NAMES, PlanRequest
from planner.rules import Rules
from planner.solver import WeekModel


def blocking_rule(inst: WeekInstance, ctx: PlanContext) -> str:
    """The hard rule a pin or move breaks, in words: the first rule family whose absence makes the week
    feasible (R2 spacing of loaded work, R10 days off, or the time the runner has)."""
    what = ", ".join([*(f"keeping {k}" for k in ctx.pins), *(f"moving {k} to {DAY_NAMES[d]}" for k, d in ctx.moves)])
    for family, words in (("R2", "R2 — loaded strength for the same muscles needs 48 h between sessions"),
                          ("R10", "R10 — at least one day a week without loaded strength")):
        if WeekModel(inst, objective=False, skip=frozenset({family})).solve().status != "infeasible":
            return f"Not possible ({what}): {words}."
    if WeekModel(inst, objective=False, time_slack=True).solve().status != "infeasible":
        return f"Not possible ({what}): it does not fit the time you have that day (R11)."
    return f"Not possible ({what}): the rest of the week could not be planned around it."


def replan_cause(ctx: PlanContext, derived: Derived | None, pain: PainAssessment) -> str:
    """Why the re-plan changes what it changes, in one sentence."""
    if ctx.moves:
        return "You moved " + ", ".join(f"{k} to {DAY_NAMES[d]}" for k, d in ctx.moves) + "."
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
        return "no time for extra work that day (R11)"
    if not counts:
        return "too few of its exercises fit that day"
    top = counts.most_common(1)[0][0]
    return REFUSALS.get(top, top)


REFUSALS = {
    "R4": "R4 — no heavy leg work the day before a long or quality run",
    "R5": "R5 — loaded leg work comes after the day's run, not before it",
    "R8": "R8 — no bending-forward exercises within 2 h of waking",
    "R15": "R15 — no static hamstring stretching before a hard run",
    "R1": "your screening answers or health facts rule its exercises out",
    "level": "this week's pain status or your level rules its exercises out",
    "flare": "only flare-safe exercises this week",
    "equipment": "its exercises need equipment you don't have",
}
