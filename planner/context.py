"""What a week is planned *with*, besides the request: the log of check-ins and today's date, the published
plan of this week (re-planning: the days before today stay, the rest changes as little as the rules allow,
pins and moves are hard), and the week before's plan (R2 and R4 hold across the week boundary).

Pure data and pure functions over Contract-2 dicts; the week model reads the reduced form (Reference,
Boundary) through the instance."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from planner.catalogue import Catalogue
from planner.log import Log
from planner.plan import SESSION_KINDS, Day, days_from_dict
from planner.request import WEEKDAYS


@dataclass(frozen=True)
class PlanContext:
    """Everything beyond the request: all optional, so a bare request plans a week without a past."""

    log: Log | None = None
    today: dt.date | None = None
    published: dict[str, Any] | None = None     # this week's published plan (Contract 2), for re-planning
    before: dict[str, Any] | None = None        # the week before's plan (Contract 2), for the boundary
    pins: tuple[str, ...] = ()                  # item keys to keep as they are
    moves: tuple[tuple[str, str], ...] = ()     # (item key, weekday) to move a session to
    minimal_change: bool = True                 # False: re-solve the days from today on freely (for comparison)
    log_from: dt.date | None = None             # a program's first Monday: check-ins before it are told after the fact


@dataclass(frozen=True)
class Reference:
    """The published week as the re-plan's reference: frozen days, sessions, runs, pins and moves."""

    days: tuple[Day, ...]
    frozen: int                                            # days with an index below this stay as published
    sessions: dict[tuple[int, str], tuple[str, ...]]       # (day index, kind) -> exercise ids
    runs: dict[str, int]                                   # weekday -> minutes
    run_kinds: dict[str, str] = field(default_factory=dict)  # weekday -> planned kind (easy | long | quality)
    pins: frozenset[str] = frozenset()
    moves: dict[str, str] = field(default_factory=dict)    # key -> weekday
    weigh_changes: bool = True                             # the minimal-change penalties (re-planning)
    checked_today: frozenset[str] = frozenset()            # today's items already checked in: they stay too

    def key_of(self, d: int, kind: str) -> str:
        return f"{WEEKDAYS[d]}-{kind}"


@dataclass(frozen=True)
class Boundary:
    """What the week before leaves to this week: when each muscle group was last loaded (UTC), whether its
    Sunday held heavy leg work (R4 against a hard Monday run), and whether it ended on a run day."""

    last_loaded: dict[str, dt.datetime]
    heavy_sunday: bool
    sunday_run: bool


def reference_of(published: dict[str, Any], week_start: dt.date, today: dt.date | None,
                 pins: tuple[str, ...], moves: tuple[tuple[str, str], ...], weigh_changes: bool = True,
                 log: Log | None = None) -> Reference:
    """The reduced published week; `today` inside the week freezes the days before it."""
    days = days_from_dict(published.get("days") or [])
    frozen = 0 if today is None else max(0, min(7, (today - week_start).days))
    sessions: dict[tuple[int, str], tuple[str, ...]] = {}
    runs: dict[str, int] = {}
    kinds: dict[str, str] = {}
    for d, day in enumerate(days):
        for item in day.items:
            if item.kind in SESSION_KINDS:
                sessions[d, item.kind] = tuple(e.id for e in item.exercises)
            elif item.kind == "run":
                runs[day.weekday] = item.minutes
                kinds[day.weekday] = item.run_kind or "easy"
    today_done = frozenset(c.item for c in (log.effective() if log else ()) if c.date == today)
    return Reference(days, frozen, sessions, runs, kinds, frozenset(pins), dict(moves), weigh_changes, today_done)


def boundary_of(before: dict[str, Any], catalogue: Catalogue, zone: ZoneInfo) -> Boundary:
    """When each load group was last loaded in the week before, and how its Sunday ended."""
    last: dict[str, dt.datetime] = {}
    heavy_sunday = sunday_run = False
    for day in before.get("days") or []:
        date = dt.date.fromisoformat(day["date"])
        for item in day.get("items") or []:
            h, m = (int(x) for x in item["start"].split(":"))
            at = dt.datetime.combine(date, dt.time(h, m), tzinfo=zone).astimezone(dt.UTC)
            if day["weekday"] == "sun" and item["kind"] == "run":
                sunday_run = True
            for entry in item.get("exercises") or []:
                try:
                    ex = catalogue.get(entry["id"])
                except KeyError:
                    continue
                if ex.loaded and (ex.load_group not in last or at > last[ex.load_group]):
                    last[ex.load_group] = at
                if day["weekday"] == "sun" and ex.load_group == "lower_limb" and (
                        ex.level >= 3 or ex.hours_before_hard_run):
                    heavy_sunday = True
    return Boundary(last, heavy_sunday, sunday_run)
