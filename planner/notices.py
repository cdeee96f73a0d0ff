"""What the plan says about the week as a whole, in one voice: the pain status, missing history, warnings,
dropped runs and advice for STOP weeks. Every text is built from the numbers the plan applies."""

from __future__ import annotations

from planner.eligibility import ExerciseLimits
from planner.ladder import LadderState
from planner.pain import PainAssessment
from planner.plan import Referral
from planner.request import DAY_NAMES, WEEKDAYS, PlanRequest
from planner.rules import Rules, pct
from planner.volume import RunLimit

STAY_ACTIVE = ("Staying active helps many people with back pain more than rest: walking or easy cycling within "
               "comfort, and the gentle flare-safe exercises in the exercise library, are fine.")


def stop_referral(pain: PainAssessment) -> Referral:
    """STOP from the pain answers: no running this week, what to do instead, and whom to see."""
    if pain.running_only:
        return Referral(
            "soon", "No running this week — walk or cycle instead",
            "Pain this high during running means running should pause this week. " + STAY_ACTIVE + " If the pain "
            "does not settle within a few days, see your GP or a physiotherapist. Seek urgent care if you notice "
            "new numbness, weakness, or bladder or bowel changes.", pain.facts)
    return Referral(
        "soon", "Please see a clinician before running this week",
        "Your answers about your pain call for a clinician's assessment before more running: book "
        "an appointment with your GP or a physiotherapist in the next few days. " + STAY_ACTIVE + " Seek urgent "
        "care if you notice new numbness, weakness, or bladder or bowel changes.", pain.facts)


LEVEL_WORDS = {1: "only level 1 exercises (the gentlest of the three levels)",
               2: "exercises up to level 2 of 3 (no heavy level-3 strength work)",
               3: "exercises of all three levels"}


def level_words(limits: ExerciseLimits) -> str:
    """The week's exercise level cap in words a runner understands (the library shows each exercise's level)."""
    return LEVEL_WORDS[limits.max_level] + (", and only those safe in a flare-up" if limits.flare_safe_only else "")


def pain_notice(pain: PainAssessment, status: str, caution: bool, limits: ExerciseLimits, rules: Rules,
                requested: int, planned: int) -> str:
    """The week's status in one sentence or three, true to what the plan does."""
    level = level_words(limits)
    week = f" This week: {planned} of the {requested} min of running you asked for." if requested else ""
    if status == "GREEN":
        return f"GREEN ({pain.because}): you may progress within the caps; {level}.{week}"
    policy = rules.policy(status)
    during_run = f"During any run, shorten it or stop if pain passes {rules.pain.red_during_above}/10."
    if caution and pain.status == "GREEN":
        return (f"A careful week (pain settled, but a screening answer calls for care): running held at last "
                f"week's level at most, quality runs made easy, each run at most {pct(policy.run_factor)} % of "
                f"what you asked; {level}.{week} {during_run}")
    why = pain.because
    if status == "AMBER":
        return (f"AMBER ({why}): running held at last week's level at most, quality runs made easy, each run at "
                f"most {pct(policy.run_factor)} % of what you asked; {level}.{week} {during_run}")
    return (f"RED ({why}): this week's running cut to about {pct(policy.run_factor)} %; {level}. Reduce, don't "
            f"rest: walking and easy cycling are fine.{week} {during_run}")


def history_notice(request: PlanRequest, rules: Rules) -> str | None:
    """Ask for the two history numbers when they are missing, and say which ceilings apply meanwhile."""
    hist, caps = request.history, rules.caps
    missing = []
    if hist.longest_run_30d_minutes is None:
        missing.append(f"your longest run in the last 30 days (until then no run above "
                       f"{caps.unknown_single_run_minutes} min)")
    if hist.last_week_run_minutes is None:
        missing.append(f"last week's running minutes (until then at most {caps.unknown_weekly_minutes} min "
                       "this week)")
    if not missing:
        return None
    return ("Tell us " + " and ".join(missing) + ": the caps that keep progress safe are set from them.")


def warnings(request: PlanRequest, rules: Rules) -> list[str]:
    """Plain warnings for weeks far outside what most training asks (they are planned, within the caps)."""
    out: list[str] = []
    by_day = {r.day: r for r in request.runs}
    hard = [d for d in WEEKDAYS if d in by_day and by_day[d].kind in ("long", "quality")]
    for a, b in zip(WEEKDAYS, WEEKDAYS[1:], strict=False):
        if by_day.get(a) and by_day.get(b) and by_day[a].kind == by_day[b].kind == "long":
            out.append(f"Two long runs on consecutive days ({DAY_NAMES[a]} and {DAY_NAMES[b]}) is more than most "
                       "training asks; consider making one of them easy.")
    for i in range(len(WEEKDAYS) - 2):
        if all(d in hard for d in WEEKDAYS[i:i + 3]):
            out.append(f"Three hard runs on consecutive days ({DAY_NAMES[WEEKDAYS[i]]} to "
                       f"{DAY_NAMES[WEEKDAYS[i + 2]]}): an easy day between them helps recovery.")
            break
    longest = request.history.longest_run_30d_minutes or 0
    for run in request.runs:
        if run.minutes > rules.caps.warn_single_run_minutes and run.minutes > longest:
            hours = rules.caps.warn_single_run_minutes // 60
            out.append(f"A {run.minutes}-min run on {DAY_NAMES[run.day]} is longer than {hours} h and longer than "
                       "any run you told us about: build up to it over weeks.")
    return out


def dropped_notices(limits: list[RunLimit]) -> list[str]:
    """One sentence per requested run that the rules leave out this week."""
    return [f"Your {lim.requested_kind} run on {DAY_NAMES[lim.day]} is not planned this week: {lim.dropped}."
            for lim in limits if lim.dropped]


def ladder_notices(ladder: LadderState | None) -> list[str]:
    """The ladder's level and next step, once for the week."""
    if ladder is None:
        return []
    if ladder.graduated:
        return [f"Return-to-run ladder finished: easy runs with normal progression. {ladder.next}"]
    return [f"Return-to-run ladder {ladder.level} ({ladder.name}): {ladder.shape} — up to "
            f"{ladder.sessions_per_week} sessions this week, never on consecutive days. {ladder.reason} "
            f"Next: {ladder.next}."]
