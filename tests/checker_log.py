"""An independent checker of a plan against the runner's log (Contract 5) and the week before's plan.

`check_log(plan, log, previous=None)` re-derives from the raw log JSON what the caps allow — no run above 110 %
of the longest logged run of the 30 days before the week, weekly running at most +10 % over last week's logged
minutes and +30 % over the week before's — and checks R2 (48 real hours, never on consecutive days) and R4
across the boundary with the previous week's plan, plus the ladder's spacing. Like tests/checker.py it imports
nothing from `planner`: only the data files are shared (read here with tomllib), so a bug in the planner's
history cannot hide the same bug here. The log speaks from the Monday of the week of its first check-in; a period
it does not reach is left to the typed history, which tests/checker.py checks.

Ladder sessions (run items with `intervals`) follow data/ladder.toml instead of the caps: each matches a level,
at most `sessions_per_week` a week, never closer than `min_days_apart` days, even across the week boundary.
After 7+ days without running (data/ladder.toml [entry] days_off) every run is a ladder session, and no other run
is shorter than a useful run (rules.toml [caps] min_run_minutes).
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import tomllib
from fractions import Fraction
from typing import Any
from zoneinfo import ZoneInfo

from tests.checker import DATA, WEEKDAYS, Violation, data

RUN_KEY_DAYS = {f"{d}-run" for d in WEEKDAYS}


@functools.cache
def ladder() -> dict[str, Any]:
    """data/ladder.toml, read once."""
    with (DATA / "ladder.toml").open("rb") as fh:
        return tomllib.load(fh)


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def _minutes(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def effective_runs(log: dict[str, Any]) -> list[tuple[dt.date, int]]:
    """(date, minutes) of every run done or partly done, a later check-in for a date and item replacing the
    earlier one (Contract 5), oldest first."""
    latest: dict[tuple[str, str], dict[str, Any]] = {}
    for entry in log.get("checkins", []):
        latest[entry["date"], entry["item"]] = entry
    runs = [(_date(e["date"]), e["minutes"]) for e in latest.values()
            if e["status"] in ("done", "partly")
            and (e["item"] in RUN_KEY_DAYS or e["item"].startswith("extra-run"))]
    return sorted(runs)


def covered_from(log: dict[str, Any]) -> dt.date | None:
    """The Monday of the week of the log's first check-in: from then on the log is the runner's history."""
    dates = [_date(e["date"]) for e in log.get("checkins", [])]
    if not dates:
        return None
    first = min(dates)
    return first - dt.timedelta(days=first.weekday())


def log_history(log: dict[str, Any], monday: dt.date, today: dt.date | None = None,
                request: dict[str, Any] | None = None) -> dict[str, int | None]:
    """The caps' inputs for the week of `monday` from the log, and the days without running up to the Sunday
    before (or up to `today`, when the week was planned earlier). A period the log covers whole is the log's;
    one it began inside takes the larger of the logged and the typed value (request.history); one it does not
    reach is None here (the typed history rules there, and tests/checker.py checks it)."""
    runs, start = effective_runs(log), covered_from(log)
    typed = (request or {}).get("history") or {}

    def period(first: dt.date, days: int, longest: bool, typed_value: int | None) -> int | None:
        last = first + dt.timedelta(days=days - 1)
        if start is None or start > last:
            return None
        inside = [m for d, m in runs if first <= d <= last]
        value = max(inside, default=0) if longest else sum(inside)
        if start > first and typed_value is not None:
            value = max(value, typed_value)
        return value

    window = ladder()["log"]["window_days"]
    ref = min(monday - dt.timedelta(days=1), today or monday)
    before = [d for d, _ in runs if d <= ref]
    days_off = (ref - before[-1]).days if before else ((ref - start).days + 1 if start is not None else None)
    return {
        "longest": period(monday - dt.timedelta(days=window), window, True, typed.get("longest_run_30d_minutes")),
        "last_week": period(monday - dt.timedelta(days=7), 7, False, typed.get("last_week_run_minutes")),
        "week_before": period(monday - dt.timedelta(days=14), 7, False, typed.get("week_before_last_run_minutes")),
        "days_off": days_off,
    }


def _items(plan: dict[str, Any], monday: dt.date) -> list[tuple[dt.date, dict[str, Any]]]:
    out = []
    for day in plan.get("days") or []:
        date = _date(day["date"])
        if not monday <= date < monday + dt.timedelta(days=7):
            continue
        out.extend((date, item) for item in day.get("items") or [])
    return out


class _LogCheck:
    def __init__(self, plan: dict[str, Any], log: dict[str, Any], previous: dict[str, Any] | None,
                 request: dict[str, Any] | None, today: dt.date | None):
        self.plan, self.log, self.previous, self.request, self.today = plan, log, previous, request, today
        self.out: list[Violation] = []
        self.monday = _date(plan["week_start"])
        self.zone = ZoneInfo(plan["timezone"])
        self.rules = data().rules

    def bad(self, rule: str, date: dt.date | None, message: str) -> None:
        self.out.append(Violation(rule, WEEKDAYS[date.weekday()] if date else None, message))

    def instant(self, date: dt.date, start: str) -> dt.datetime:
        """The real moment of a local wall-clock time (DST counted)."""
        local = dt.datetime.combine(date, dt.time(_minutes(start) // 60, _minutes(start) % 60), tzinfo=self.zone)
        return local.astimezone(dt.UTC)

    def run(self) -> list[Violation]:
        if self.plan.get("status") not in ("optimal", "feasible"):
            return self.out
        this = _items(self.plan, self.monday)
        prev = _items(self.previous, self.monday - dt.timedelta(days=7)) if self.previous else []
        self._caps(this)
        self._ladder(this, prev)
        if prev:
            self._r2_boundary(prev, this)
            self._r4_boundary(prev, this)
        return self.out

    def _caps(self, this: list[tuple[dt.date, dict[str, Any]]]) -> None:
        """DOMAIN §2 caps 1–3 against the log, rounded as the planner rounds (steps of 5 down; whole minutes)."""
        caps = self.rules["caps"]
        hist = log_history(self.log, self.monday, self.today, self.request)
        runs = [(d, i) for d, i in this if i.get("kind") == "run"]
        plain = [(d, i) for d, i in runs if not i.get("intervals")]
        if hist["days_off"] is not None and hist["days_off"] >= ladder()["entry"]["days_off"]:
            for d, item in plain:
                self.bad("ladder", d, f"{hist['days_off']} days without running before the week, yet "
                                      f"{item.get('key')} is not a return-to-run ladder session")
        with (DATA / "rules.toml").open("rb") as fh:
            useful = tomllib.load(fh)["caps"]["min_run_minutes"]
        for d, item in plain:   # DOMAIN §2: a run shorter than a useful minimum is not planned (drop it, or the ladder)
            if item.get("minutes", 0) < useful:
                self.bad("useful-run", d, f"{item.get('key')}: a {item.get('minutes')}-min run is shorter than a "
                                          f"useful run ({useful} min)")
        longest = hist["longest"]
        if longest:   # nothing logged in 30 days: the ladder rule above applies instead
            step = caps["step_minutes"]
            # rounded as the planner rounds: down to the step, but (where rules.toml allows it) at least one
            # step of growth over the longest run, and never below the shortest useful run
            grown = math.floor(Fraction(longest + caps.get("single_run_min_step", 0)) / step) * step
            most = max(math.floor(longest * Fraction(str(caps["single_run_factor"])) / step) * step, grown)
            most = max(most, caps["min_run_minutes"])
            for d, item in plain:
                if item.get("minutes", 0) > most:
                    self.bad("R12", d, f"{item.get('key')}: {item['minutes']} min is above 110 % of the longest "
                                       f"logged run in 30 days ({longest} min → at most {most})")
        if len(plain) != len(runs):
            return   # a ladder week: the ladder, not the weekly caps, sets the running
        total = sum(i.get("minutes", 0) for _, i in plain)
        for key, factor, words in (("last_week", "weekly_factor", "last week's"),
                                   ("week_before", "two_week_factor", "the week before's")):
            logged = hist[key]
            if logged:   # 0 logged minutes: the ladder applies (checked above), not a percentage
                most = math.floor(logged * Fraction(str(caps[factor])))
                if total > most:
                    self.bad("R12", None, f"{total} running minutes exceed {words} logged {logged} min "
                                          f"× {caps[factor]} = {most}")

    def _ladder(self, this: list[tuple[dt.date, dict[str, Any]]], prev: list[tuple[dt.date, dict[str, Any]]]) -> None:
        """Ladder sessions: a level of data/ladder.toml, ≤ N a week, never on consecutive days (across weeks too)."""
        spec = ladder()
        levels = {lv["id"]: lv for lv in spec["level"]}
        mine = [(d, i) for d, i in this if i.get("kind") == "run" and i.get("intervals")]
        for d, item in mine:
            pairs = [tuple(p) for p in item["intervals"]]
            match = [lv for lv in levels.values()
                     if pairs == [(lv["run"], lv["walk"])] * lv["repeats"] and item.get("minutes") == lv["minutes"]]
            if not match:
                self.bad("ladder", d, f"{item.get('key')}: intervals {pairs} / {item.get('minutes')} min are no "
                                      f"level of data/ladder.toml")
            if item.get("run_kind") == "quality":
                self.bad("ladder", d, f"{item.get('key')}: a ladder session is never a quality run")
        if len(mine) > spec["progress"]["sessions_per_week"]:
            self.bad("ladder", None, f"{len(mine)} ladder sessions (at most {spec['progress']['sessions_per_week']})")
        earlier = [(d, i) for d, i in prev if i.get("kind") == "run" and i.get("intervals")]
        dates = sorted({d for d, _ in earlier + mine})
        gap = spec["progress"]["min_days_apart"]
        for a, b in zip(dates, dates[1:], strict=False):
            if (b - a).days < gap and b >= self.monday:
                self.bad("ladder", b, f"ladder sessions on {a.isoformat()} and {b.isoformat()}: "
                                      f"at least {gap} days apart")

    def _loaded_starts(self, items: list[tuple[dt.date, dict[str, Any]]]) -> dict[str, list[tuple[dt.date, str]]]:
        groups: dict[str, list[tuple[dt.date, str]]] = {}
        for d, item in items:
            for entry in item.get("exercises") or []:
                ex = data().exercises.get(entry.get("id"))
                if ex and ex["level"] >= 2 and ex.get("load_group", "none") != "none":
                    groups.setdefault(ex["load_group"], []).append((d, item["start"]))
        return groups

    def _r2_boundary(self, prev: list[tuple[dt.date, dict[str, Any]]],
                     this: list[tuple[dt.date, dict[str, Any]]]) -> None:
        """R2 across the boundary: loaded work of one group ≥ 48 real hours apart and never on consecutive days."""
        routine = self.rules["routine"]
        before, after = self._loaded_starts(prev), self._loaded_starts(this)
        for group, starts in after.items():
            for d1, s1 in before.get(group, []):
                for d2, s2 in starts:
                    hours = (self.instant(d2, s2) - self.instant(d1, s1)).total_seconds() / 3600
                    if (d2 - d1).days < routine["loaded_gap_days"] or hours < routine["loaded_gap_hours"]:
                        self.bad("R2", d2, f"loaded {group} {d1.isoformat()} {s1} (last week) and {d2.isoformat()} "
                                           f"{s2} are {hours:.1f} h apart; needs {routine['loaded_gap_hours']} h "
                                           f"on different days {routine['loaded_gap_days']} apart")

    def _r4_boundary(self, prev: list[tuple[dt.date, dict[str, Any]]],
                     this: list[tuple[dt.date, dict[str, Any]]]) -> None:
        """R4 across the boundary: no level-3 leg work the day before this week's first-day hard run, and
        Nordic-type items (hours_before_hard_run) far enough before this week's hard runs."""
        hard = [(d, i) for d, i in this if i.get("kind") == "run" and i.get("run_kind") in ("long", "quality")]
        for d1, item in prev:
            for entry in item.get("exercises") or []:
                ex = data().exercises.get(entry.get("id"))
                if not ex:
                    continue
                lower = ex.get("load_group") == "lower_limb" or ex["category"] in ("glutes", "hamstrings")
                for d2, run in hard:
                    if lower and ex["level"] >= 3 and (d2 - d1).days == 1:
                        self.bad("R4", d1, f"level-3 {ex['id']} on {d1.isoformat()} (last week) the day before "
                                           f"the {run['run_kind']} run of {d2.isoformat()}")
                    need = ex.get("hours_before_hard_run", 0)
                    hours = (self.instant(d2, run["start"]) - self.instant(d1, item["start"])).total_seconds() / 3600
                    if need and 0 < hours < need:
                        self.bad("R4", d1, f"{ex['id']} on {d1.isoformat()} {item['start']} is {hours:.1f} h before "
                                           f"the {run['run_kind']} run of {d2.isoformat()}; needs {need} h")


def check_log(plan: dict[str, Any], log: dict[str, Any], previous: dict[str, Any] | None = None, *,
              request: dict[str, Any] | None = None, today: str | None = None) -> list[Violation]:
    """Every cap the plan breaks against the log, and R2/R4/ladder spacing across the boundary with `previous`
    (the plan of the week before), re-derived from raw JSON and data/*.toml (empty = valid). `request`: the raw
    Contract-1 request, whose typed history counts where the log began inside a period; `today`: when the week
    was planned (default: the Sunday before it)."""
    return _LogCheck(plan, log, previous, request, _date(today) if today else None).run()


def assert_valid_against_log(plan: dict[str, Any], log: dict[str, Any], previous: dict[str, Any] | None = None, *,
                             request: dict[str, Any] | None = None, today: str | None = None) -> None:
    """Fail with every violation listed."""
    found = check_log(plan, log, previous, request=request, today=today)
    assert not found, "plan breaks rules against the log:\n" + "\n".join(map(str, found))
