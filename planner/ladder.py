"""The return-to-run ladder (DOMAIN §2): data/ladder.toml, and the runner's level re-derived from the log.

`ladder_state(request, log, today, rules)` replays the log from its start: entries (7+ days without running,
pain 8+/10 during a run, a RED whose cut would leave runs too short to be useful, or the runner's choice), then
each run after an entry as a ladder session — up a level after 2 GREEN sessions, stay after AMBER, down one
after RED. Nothing is stored, so the same log always gives the same level. None means "not on the ladder".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from planner.ladder_data import LadderData, Level, default_ladder, load_ladder
from planner.log import Checkin, Log, day_label, monday_of, since_program
from planner.log_pain import session_status, status_of
from planner.plan import item_words
from planner.request import PlanRequest
from planner.rules import Rules

__all__ = ["LadderData", "LadderState", "Level", "default_ladder", "equivalent_level", "ladder_state",
           "load_ladder", "quality_allowed"]

# --- the runner's place on the ladder, re-derived from the log -------------------------------------------------

@dataclass(frozen=True)
class LadderState:
    """Where the runner is: the level to plan this week, what it takes to move on, and why."""

    level: str
    name: str
    shape: str
    minutes: int
    run_minutes: int
    intervals: tuple[tuple[int, int], ...]
    sessions_per_week: int
    min_days_apart: int
    next: str
    reason: str
    graduated: bool = False           # past the top level: easy runs with normal progression, no quality yet
    greens: int = 0                   # GREEN sessions so far at this level
    entered: dt.date | None = None
    steps: tuple[str, ...] = ()       # the replay, one line per entry and ladder session

    def to_dict(self) -> dict[str, Any]:
        """The plan's `ladder` field (Contract 6)."""
        return {"level": self.level, "name": self.name, "shape": self.shape, "minutes": self.minutes,
                "run_minutes": self.run_minutes, "intervals": [list(p) for p in self.intervals],
                "sessions_per_week": self.sessions_per_week, "min_days_apart": self.min_days_apart,
                "next": self.next, "reason": self.reason, "graduated": self.graduated,
                "entered": self.entered.isoformat() if self.entered else None, "steps": list(self.steps)}


@dataclass
class _Climb:
    level: int
    entered: dt.date
    why: str
    greens: int = 0
    graduated_on: dt.date | None = None
    steps: list[str] = field(default_factory=list)
    climbed_week: dt.date | None = None     # the Monday of the week the runner last went up a level


def equivalent_level(minutes: int, data: LadderData) -> int:
    """The highest level whose running a run of `minutes` covers (a 35-min runner is at L6)."""
    return max((i for i, lv in enumerate(data.level) if lv.run_minutes <= minutes), default=0)


def _green_at(level: int, run: Checkin, before: Sequence[Checkin], rules: Rules,
              data: LadderData) -> tuple[str, list[str]]:
    status, why = session_status(run, before, rules)
    entry = data.entry
    # the walk level is passed only by the entry test: pain <= 2 and no worse next morning
    if level == 0 and status == "GREEN" and ((run.pain_during or 0) > entry.max_pain
                                             or (run.next_morning or "usual") != entry.next_morning):
        return "AMBER", [f"the walk needs pain ≤ {entry.max_pain}/10 and a usual next morning to move on"]
    return status, why


def _replay(request: PlanRequest, runs: list[Checkin], covered_from: dt.date | None, ref: dt.date,
            rules: Rules, data: LadderData, told: list[Checkin] | None = None) -> _Climb | None:
    """Walk the logged runs in date order: entries, then each run after an entry as a ladder session."""
    entry = data.entry
    top = len(data.level) - 1
    first_level = data.index(entry.level)
    climb: _Climb | None = None

    def enter(day: dt.date, level: int, why: str) -> _Climb:
        steps = [*(climb.steps if climb else []), f"{day_label(day)}: {why} — ladder at {data.level[level].id}."]
        return _Climb(level, day, why, steps=steps)

    # The typed request speaks for the time before the log (or before the planned week without a log).
    start = covered_from or request.week_start
    if request.returning:
        climb = enter(start, first_level, "you chose it, coming back from a break or a flare")
    elif request.history.last_week_run_minutes == 0 and not any(
            (start - r.date).days <= entry.days_off for r in told or ()):     # a run told since says otherwise
        climb = enter(start, first_level, "you ran 0 min the week before")
    previous = start - dt.timedelta(days=1)   # the runner is taken as running until the log begins
    for i, run in enumerate(runs):
        gap = (run.date - previous).days - 1
        if gap >= entry.days_off:
            climb = enter(run.date, first_level, f"{gap} days without running")
        previous = run.date
        before = [r for r in runs[max(0, i - 2):i] if (run.date - r.date).days < data.log.pain_recent_days]
        status, why = _green_at(climb.level if climb else top, run, before, rules, data)
        if (run.pain_during or 0) >= rules.pain.stop_running_during_from:
            climb = enter(run.date + dt.timedelta(days=1), first_level,
                          f"pain {run.pain_during}/10 during the run of {day_label(run.date)}: no running until it "
                          f"settles, then the ladder from its start")
        elif climb is not None:
            label = f"{day_label(run.date)} {item_words(run.item)}: {status} ({'; '.join(why)})"
            _step(climb, run, status, label, data)
        elif status == "RED":
            # the running a RED cut would halve: the longest recent run (a run stopped early understates it)
            usual = max(r.minutes or 0 for r in runs[:i + 1] if (run.date - r.date).days < data.log.pain_recent_days)
            if usual * rules.policy("RED").run_factor < rules.caps.min_run_minutes:
                level = max(0, equivalent_level(usual, data) - entry.red_levels_down)
                climb = enter(run.date + dt.timedelta(days=1), level,
                              f"RED on {day_label(run.date)} ({'; '.join(why)}): {_share(rules)} of your "
                              f"{usual}-min runs is under {rules.caps.min_run_minutes} min, so "
                              f"{entry.red_levels_down} ladder levels down")
    off = (ref - previous).days
    if off >= entry.days_off and (runs or covered_from is not None):
        why = (f"{off} days without running since {day_label(previous)}" if runs
               else f"no run logged since {day_label(start)} ({off} days)")
        climb = enter(ref + dt.timedelta(days=1), first_level, why)
    if climb is None and not runs:
        climb = _typed_red(request, rules, data, enter)
    return climb


def _share(rules: Rules) -> str:
    """The RED cut in words: "half" at 50 %, else "60 %"."""
    factor = rules.policy("RED").run_factor
    return "half" if factor == 0.5 else f"{round(factor * 100)} %"


def _typed_red(request: PlanRequest, rules: Rules, data: LadderData, enter: Any) -> _Climb | None:
    """Without logged runs: a typed RED whose cut leaves the longest asked-for run too short → the ladder."""
    pain, entry = request.pain, data.entry
    status, why = status_of(pain.during_run, pain.next_morning, pain.trend, rules)
    longest = max((r.minutes for r in request.runs), default=0)
    if status != "RED" or not longest or longest * rules.policy("RED").run_factor >= rules.caps.min_run_minutes:
        return None
    level = max(0, equivalent_level(longest, data) - entry.red_levels_down)
    return enter(request.week_start, level, f"RED ({'; '.join(why)}): {_share(rules)} of your {longest}-min run "
                                            f"is under {rules.caps.min_run_minutes} min, so "
                                            f"{entry.red_levels_down} ladder levels down")


def _step(climb: _Climb, run: Checkin, status: str, label: str, data: LadderData) -> None:
    """One ladder session: up after enough GREEN, stay after AMBER (or a partly done session), down after RED."""
    prog, top = data.progress, len(data.level) - 1
    here = "easy running" if climb.graduated_on else data.level[climb.level].id
    if status == "RED":
        # after the top level, "down one" is back to the top level's 30 easy minutes
        climb.level = top if climb.graduated_on else max(0, climb.level - prog.red_levels_down)
        climb.graduated_on, climb.greens = None, 0
        climb.steps.append(f"{label} — down to {data.level[climb.level].id}.")
    elif status == "AMBER":
        climb.greens = 0 if prog.amber_resets else climb.greens
        climb.steps.append(f"{label} — stay at {here}.")
    elif run.status == "partly" and not prog.partly_counts:
        climb.steps.append(f"{label} — partly done: stay at {here}.")
    elif climb.graduated_on:
        climb.steps.append(f"{label} — easy running.")
    elif climb.climbed_week == monday_of(run.date):
        # the week was planned at the level before: its later sessions were done at that level's shape, so
        # they count from next week on — one level a week at most, and no level is skipped
        climb.steps.append(f"{label} — done at last level's shape this week: counts from next week.")
    elif climb.greens + 1 < prog.greens_to_level_up:
        climb.greens += 1
        climb.steps.append(f"{label} — {climb.greens} of {prog.greens_to_level_up} at {here}.")
    elif climb.level == top:
        climb.greens, climb.graduated_on = 0, run.date
        climb.steps.append(f"{label} — ladder done: back to easy running.")
    else:
        climb.greens, climb.level = 0, climb.level + 1
        climb.climbed_week = monday_of(run.date)
        climb.steps.append(f"{label} — up to {data.level[climb.level].id}.")


def quality_allowed(log: Log, week_start: dt.date, rules: Rules, since: dt.date | None = None,
                    today: dt.date | None = None, data: LadderData | None = None) -> tuple[bool, str]:
    """Whether hills, tempo and intervals may come back in the week of `week_start`: the weeks before it
    (Mon–Sun, after `since`) hold 2 GREEN weeks of easy running — each with a run and every run GREEN."""
    data = data or default_ladder()
    need = data.progress.quality_after_green_weeks
    runs = log.runs(until=today)
    greens = 0
    for k in range(1, need + 1):
        first = week_start - dt.timedelta(days=7 * k)
        if since is not None and first <= since:
            break
        week = [r for r in runs if first <= r.date < first + dt.timedelta(days=7)]
        earlier = [r for r in runs if r.date < first]
        if not week or any(session_status(r, (earlier + week[:j])[-2:], rules)[0] != "GREEN"
                           for j, r in enumerate(week)):
            break
        greens += 1
    if greens >= need:
        return True, f"{need} GREEN weeks of easy running: hills, tempo and intervals may come back."
    return False, (f"Easy runs only: hills, tempo and intervals after {need} GREEN weeks of easy running "
                   f"({greens} so far).")


def ladder_state(request: PlanRequest, log: Log, today: dt.date, rules: Rules,
                 data: LadderData | None = None, log_from: dt.date | None = None) -> LadderState | None:
    """The runner's ladder level for the week of `request.week_start` as of `today`, or None when not on it
    (after the top level and 2 GREEN weeks of easy running the runner is off the ladder again). `request` is
    the request as typed: its `returning` flag and a typed 0 min last week speak for the time before the log."""
    data = data or default_ladder()
    # runs told for days before a program began say nothing of the days between them (planner.log.since_program)
    effective, told = since_program([c for c in log.effective() if c.date <= today], log_from)
    runs = [c for c in effective if c.run]
    first = min((c.date for c in effective), default=None)
    ref = min(today, request.week_start - dt.timedelta(days=1))
    climb = _replay(request, runs, monday_of(first) if first else None, ref, rules, data, told)
    if climb is None:
        return None
    prog = data.progress
    if climb.graduated_on is not None:
        ok, why = quality_allowed(log, request.week_start, rules, since=climb.graduated_on, today=today, data=data)
        if ok:
            return None
        lv = data.level[-1]
        return _state(lv, data, climb, graduated=True,
                      next=f"{why} Weekly running +{round(rules.caps.weekly_factor * 100) - 100} % at most.",
                      reason=f"Ladder finished on {day_label(climb.graduated_on)}.")
    lv = data.level[climb.level]
    left = prog.greens_to_level_up - climb.greens
    target = data.level[climb.level + 1].id if climb.level + 1 < len(data.level) else "normal running"
    sessions = "session" if left == 1 else "sessions"
    return _state(lv, data, climb, graduated=False,
                  next=f"{left} more GREEN {sessions} to {target}",
                  reason=f"On the return-to-run ladder since {day_label(climb.entered)}: {climb.why}.")


def _state(lv: Level, data: LadderData, climb: _Climb, *, graduated: bool, next: str, reason: str) -> LadderState:
    return LadderState(level=lv.id, name=lv.name, shape=lv.shape, minutes=lv.minutes, run_minutes=lv.run_minutes,
                       intervals=lv.intervals, sessions_per_week=data.progress.sessions_per_week,
                       min_days_apart=data.progress.min_days_apart, next=next, reason=reason, graduated=graduated,
                       greens=climb.greens, entered=climb.entered, steps=tuple(climb.steps))
