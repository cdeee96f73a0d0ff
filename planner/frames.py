"""The seven days as the solver sees them (R11): run kind, time windows, budgets, and real (DST-aware) time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from planner.localtime import steady_week, zone_info
from planner.request import DAY_NAMES, WEEKDAYS, PlanRequest, minutes_of
from planner.rules import Rules
from planner.volume import RunLimit


@dataclass(frozen=True)
class DayFrame:
    """One weekday as the solver sees it: its run, when extra sessions can start, and the minute budgets."""

    index: int
    day: str
    date: dt.date
    run_kind: str | None          # planned kind (after pain rules)
    run_start: int | None         # minutes after midnight
    run_end_max: int | None       # latest end of the run with the cool-down, at requested minutes
    window_start: int             # actual window start, or where a suggested one would go
    window_minutes: int           # the runner's spare minutes (0 = none)
    rule_budget: int              # R11 cap by day type

    @property
    def name(self) -> str:
        return DAY_NAMES[self.day]

    def instant(self, minutes: int, zone: ZoneInfo) -> dt.datetime:
        """The real (UTC) moment `minutes` after this day's local midnight; comparing these counts DST
        changes, which subtracting two datetimes of the same zone would not."""
        local = dt.datetime.combine(self.date, dt.time()) + dt.timedelta(minutes=minutes)
        return local.replace(tzinfo=zone).astimezone(dt.UTC)

    @property
    def hard(self) -> bool:
        return self.run_kind in ("long", "quality")


def suggested_window_start(request: PlanRequest, day: str, rules: Rules, minutes: int = 30) -> int:
    """Where extra time goes on a day without a window: the default evening time, moved clear of the run."""
    start = minutes_of(rules.routine.default_window_start)
    run = request.run_on(day)
    if run is not None:
        r_begin = minutes_of(run.start) - rules.routine.warm_up_minutes
        r_end = minutes_of(run.start) + run.minutes + rules.routine.cool_down_minutes
        if start < r_end and r_begin < start + minutes:
            start = r_end if r_end + minutes <= 24 * 60 else max(0, r_begin - minutes)
    return min(start, 24 * 60 - minutes)


def day_frames(request: PlanRequest, limits: list[RunLimit], rules: Rules) -> list[DayFrame]:
    """The seven days with their run kind, window and R11 budget."""
    kinds = {lim.day: lim.kind for lim in limits if lim.dropped is None}   # a dropped run leaves a rest day
    frames: list[DayFrame] = []
    for i, day in enumerate(WEEKDAYS):
        kind = kinds.get(day)
        run = request.run_on(day) if kind is not None else None
        budget = rules.budget.rest_day if kind is None else (
            rules.budget.easy_day if kind == "easy" else rules.budget.hard_day)
        window = request.window_on(day)
        frames.append(DayFrame(
            index=i, day=day, date=request.date_of(day), run_kind=kind,
            run_start=minutes_of(run.start) if run else None,
            run_end_max=(minutes_of(run.start) + run.minutes + rules.routine.cool_down_minutes) if run else None,
            window_start=minutes_of(window.start) if window else suggested_window_start(request, day, rules),
            window_minutes=window.minutes if window else 0,
            rule_budget=budget,
        ))
    return frames


def hours_until_next_hard_run(frames: Sequence[DayFrame], day_index: int, start: int,
                              timezone: str = "UTC") -> float | None:
    """Real hours (DST-aware, in the runner's zone) from a session start to the next long or quality run
    later this week (None if none)."""
    today = frames[day_index]
    if steady_week(today.date - dt.timedelta(days=today.date.weekday()), timezone):
        # no clock change this week: real hours are wall-clock hours
        for frame in frames[day_index:]:
            if frame.hard and frame.run_start is not None:
                gap = ((frame.date - today.date).days * 24 * 60 + frame.run_start - start) / 60
                if gap > 0:
                    return gap
        return None
    zone = zone_info(timezone)
    begin = today.instant(start, zone)
    for frame in frames[day_index:]:
        if frame.hard and frame.run_start is not None:
            gap = (frame.instant(frame.run_start, zone) - begin).total_seconds() / 3600
            if gap > 0:
                return gap
    return None
