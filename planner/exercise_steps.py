"""Exercise progression over weeks (issue 9), one change at a time, from the log: a session kind done every
time for two weeks, with no run of 4/10 pain or more and no next morning that stayed worse, moves its exercises
to their harder variants; a kind
skipped twice in those two weeks, or followed by worse pain twice, goes back to the easier ones (the numbers:
data/rules.toml [progression], [H]). Pure function of the log and the planned Monday; the variants come from
the catalogue (`harder` / `easier`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from planner.catalogue import Catalogue, Exercise
from planner.log import Log
from planner.plan import SESSION_KINDS
from planner.rules import Rules

LABELS = {"core": "core", "glutes": "glute", "hamstrings": "hamstring", "hip_mobility": "hip-mobility",
          "thoracic": "thoracic"}


@dataclass(frozen=True)
class Step:
    """One session kind's change this week: +1 harder variants, -1 easier ones, with the reason."""

    kind: str
    direction: int
    reason: str


def step_of(log: Log | None, monday: dt.date, rules: Rules) -> Step | None:
    """The one change of the week: a step back first (safety), else the kind done most often without worse pain."""
    if log is None:
        return None
    prog = rules.progression
    start = monday - dt.timedelta(days=prog.window_days)
    span = _span(prog.window_days)
    recent = [c for c in log.effective() if start <= c.date < monday]
    runs = [c for c in recent if c.run and c.pain_during is not None]
    painful = [c for c in runs if c.pain_during >= rules.pain.amber_during_from or c.next_morning == "persists"]
    back: list[Step] = []
    ahead: list[tuple[int, str]] = []
    for kind in SESSION_KINDS:
        mine = [c for c in recent if c.item.endswith(f"-{kind}")]
        skipped = [c for c in mine if c.status == "skipped"]
        worse = [p for p in painful if any(c.date in (p.date, p.date - dt.timedelta(days=1)) for c in mine)]
        if len(skipped) >= prog.back_after_skips or len(worse) >= prog.back_after_worse:
            why = (f"skipped {_times(len(skipped))}" if len(skipped) >= prog.back_after_skips
                   else f"followed by worse pain {_times(len(worse))}")
            back.append(Step(kind, -1, f"Your {LABELS[kind]} sessions were {why} in the last {span}: this "
                                       "week they go back to easier variants."))
        weeks = {c.date - dt.timedelta(days=c.date.weekday()) for c in mine if c.status == "done"}
        if (mine and not skipped and all(c.status == "done" for c in mine) and len(weeks) >= prog.ahead_after_weeks
                and not painful):
            ahead.append((len(mine), kind))
    if back:
        return back[0]
    if ahead:
        kind = max(ahead)[1]
        return Step(kind, 1, f"Your {LABELS[kind]} sessions were all done in the last {span}, with running pain "
                             f"below {rules.pain.amber_during_from}/10: this week they move on to harder variants "
                             "(one change at a time).")
    return None


def _times(n: int) -> str:
    return {1: "once", 2: "twice"}.get(n, f"{n} times")


def _span(days: int) -> str:
    return f"{days // 7} weeks" if days % 7 == 0 and days > 7 else f"{days} days"


def stepped(exercises: tuple[Exercise, ...], step: Step, catalogue: Catalogue,
            allowed: list[Exercise]) -> tuple[Exercise, ...]:
    """The session's allowed exercises with each replaced by its harder (or easier) variant where that variant
    is allowed too; the rest stay."""
    ok = {e.id for e in allowed}
    out: list[Exercise] = []
    for ex in exercises:
        other = ex.harder if step.direction > 0 else ex.easier
        pick = catalogue.get(other) if other and other in ok else ex
        taken = {e.id for e in (*out, *exercises)}
        out.append(ex if pick.id in taken else pick)      # never fewer exercises to choose from
    return tuple(out)
