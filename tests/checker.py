"""An independent checker of the hard rules (STYLE.md lesson 5): `check_plan(plan, request)`.

It re-verifies a plan's JSON (Contract 2) against the runner's raw request (Contract 1) and the coaching
data in data/*.toml, read here with tomllib. It imports nothing from `planner`: the data is shared, the code
is not, so a bug in the planner's rules cannot hide the same bug here. DOMAIN.md is the authority for what a
rule means, data/rules.toml for its numbers.

Rule ids in the violations: R1 screening, R2, R4, R8, R10, R11, R12 (volume caps), R13 (pain status), plus
"run" (the runs as requested), "R9" (warm-up/cool-down around each run), "session" (session content),
"time" (overlaps, midnight, order), "wish" (weak-area minimums), "status" and "summary" (the contract).
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import tomllib
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

DATA = Path(__file__).resolve().parent.parent / "data"
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES = dict(zip(WEEKDAYS, ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
                     strict=True))
SESSION_KINDS = ("core", "glutes", "hamstrings", "hip_mobility", "thoracic")
ITEM_KINDS = ("run", "warm_up", "cool_down", *SESSION_KINDS)
DAY_MINUTES = 24 * 60


@dataclass(frozen=True)
class Violation:
    """One broken rule: its id, the weekday it happened on (None for the week), and what is wrong."""

    rule: str
    day: str | None
    message: str

    def __str__(self) -> str:
        return f"[{self.rule}{' ' + self.day if self.day else ''}] {self.message}"


@dataclass(frozen=True)
class Data:
    rules: dict[str, Any]
    exercises: dict[str, dict[str, Any]]
    tier_of: dict[str, str]
    caution_alone: frozenset[str]
    equipment: tuple[str, ...]


@functools.cache
def data() -> Data:
    """The three data files, read once."""
    def read(name: str) -> dict[str, Any]:
        with (DATA / name).open("rb") as fh:
            return tomllib.load(fh)
    rules = read("rules.toml")
    catalogue = read("exercises.toml")
    exercises = {e["id"]: e for e in catalogue["exercise"]}
    screening = read("screening.toml")["question"]
    return Data(rules, exercises, {q["id"]: q["tier"] for q in screening},
                frozenset(q["id"] for q in screening if q.get("caution_alone")),
                tuple(sorted(e["id"] for e in catalogue["equipment"])))


def _minutes(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def _frac(value: float | int) -> Fraction:
    return Fraction(str(value))


def _floor_step(value: Fraction, step: int) -> int:
    return math.floor(value / step) * step


# --- what the request implies, re-derived from DOMAIN.md §1, §2 and data/rules.toml ----------------------

def screening_outcome(request: dict[str, Any]) -> str:
    """'urgent' | 'soon' | 'caution' | 'clear' from the ids answered yes (DOMAIN §1, R1)."""
    d = data()
    screening = request.get("screening") or {}
    answered = [*screening.get("red_flags", []), *screening.get("cautions", [])]
    tiers = [d.tier_of.get(q) for q in answered]
    if "1A" in tiers:
        return "urgent"
    if any(d.tier_of.get(q) == "1B" and q not in d.caution_alone for q in answered):
        return "soon"
    if "1C" in tiers or any(q in d.caution_alone for q in answered):
        return "caution"
    return "clear"


def pain_status(request: dict[str, Any]) -> str:
    """GREEN | AMBER | RED | STOP from the §2 table and the thresholds in rules.toml [pain]."""
    t = data().rules["pain"]
    pain = request.get("pain") or {}
    during, at_rest = pain.get("during_run", 0), pain.get("at_rest", 0)
    morning, trend = pain.get("next_morning", "usual"), pain.get("trend", "flat")
    if at_rest >= t["stop_at_rest_from"] or pain.get("limping") or during >= t["stop_running_during_from"]:
        return "STOP"
    if (during > t["red_during_above"] or at_rest >= t["red_at_rest_from"] or morning == "persists"
            or trend == "rising"):
        return "RED"
    if during >= t["amber_during_from"] or at_rest >= t["amber_at_rest_from"] or morning == "settles_within_24h":
        return "AMBER"
    return "GREEN"


def policy(status: str) -> dict[str, Any]:
    return data().rules["pain"][status.lower()]


def run_kind_after_pain(kind: str, status: str, history: dict[str, Any] | None = None) -> str:
    """R13: AMBER and RED make quality runs easy (when the policy says so); so does a week after a week off."""
    restart = (history or {}).get("last_week_run_minutes") == 0
    return "easy" if kind == "quality" and (policy(status)["quality_to_easy"] or restart) else kind


def may_drop(minutes: int, status: str) -> bool:
    """A requested run may be left out: shorter than a useful run, or cut below it by a policy that drops."""
    caps = data().rules["caps"]
    if minutes < caps["min_run_minutes"]:
        return True
    pol = policy(status)
    factor = _frac(pol["run_factor"])
    return factor < 1 and pol["drop_below_minimum"] and \
        _floor_step(minutes * factor, caps["step_minutes"]) < caps["min_run_minutes"]


def max_run_minutes(minutes: int, status: str, history: dict[str, Any]) -> int:
    """The most minutes one run may have: pain cut (R13), 110 % of the longest recent run (§2 cap 1) with at
    least one step of growth, or the ceiling for an unknown runner; never below the minimum run."""
    caps = data().rules["caps"]
    step, floor = caps["step_minutes"], caps["min_run_minutes"]
    most = minutes
    factor = _frac(policy(status)["run_factor"])
    if factor < 1:
        cut = _floor_step(minutes * factor, step)
        most = cut if cut >= floor else min(minutes, max(cut, floor))
    longest = history.get("longest_run_30d_minutes")
    if longest:
        cap = max(_floor_step(longest * _frac(caps["single_run_factor"]), step),
                  _floor_step(_frac(longest + caps["single_run_min_step"]), step))
        most = min(most, max(cap, floor))
    elif longest is None:
        most = min(most, caps["unknown_single_run_minutes"])
    return most


def weekly_run_cap(status: str, history: dict[str, Any], asked: int = 0) -> int | None:
    """§2 caps 2 and 3: +10 % over last week, +30 % over two weeks; AMBER/RED hold last week's volume; an
    unknown last week has a ceiling; RED always cuts its baseline (last week, the allowance, or the ask)."""
    caps = data().rules["caps"]
    found: list[int] = []
    last = history.get("last_week_run_minutes")
    if last == 0:
        found.append(caps["restart_week_minutes"])   # back after a week off: a fixed allowance
    elif last is not None:
        found.append(math.floor(last * _frac(caps["weekly_factor"])))
        if policy(status)["weekly_hold"]:
            found.append(last)
    else:
        found.append(caps["unknown_weekly_minutes"])
    before = history.get("week_before_last_run_minutes")
    if before:   # +30 % of nothing is no guide: the restart allowance applies instead
        found.append(math.floor(before * _frac(caps["two_week_factor"])))
    pol = policy(status)
    if pol["run_factor"] < 1 and pol["drop_below_minimum"]:
        base = min([*found, asked, *([last] if last else [])])
        found.append(_floor_step(base * _frac(pol["run_factor"]), caps["step_minutes"]))
    return min(found) if found else None


# --- the checker --------------------------------------------------------------------------------------

class _Check:
    def __init__(self, plan: dict[str, Any], request: dict[str, Any]):
        self.plan, self.request = plan, request
        self.out: list[Violation] = []
        self.rules = data().rules

    def bad(self, rule: str, day: str | None, message: str) -> None:
        self.out.append(Violation(rule, day, message))

    # top level: which kind of answer the request deserves
    def run(self) -> list[Violation]:
        plan, request = self.plan, self.request
        status = plan.get("status")
        screening = screening_outcome(request)
        pain = pain_status(request)
        if screening in ("urgent", "soon"):
            pain = "STOP"   # DOMAIN §2: any 1A/1B flag is a STOP whatever the pain numbers
        if plan.get("pain_status") != pain:
            self.bad("R13", None, f"pain_status is {plan.get('pain_status')}, the §2 table gives {pain}")
        if screening in ("urgent", "soon") or pain == "STOP":
            want = "urgent" if screening == "urgent" else "soon"
            self._referred(want)
            return self.out
        if status == "referred":
            self.bad("R1", None, "referred without a red flag or STOP pain")
            return self.out
        if status == "infeasible":
            self._infeasible()
            return self.out
        if status not in ("optimal", "feasible"):
            self.bad("status", None, f"unknown status {status!r}")
            return self.out
        self._week(pain, caution=screening == "caution")
        return self.out

    def _no_items(self, why: str) -> None:
        for day in self.plan.get("days") or []:
            if day.get("items"):
                self.bad("R1", day.get("weekday"), f"{why}, yet the day has items")

    def _referred(self, urgency: str) -> None:
        plan = self.plan
        if plan.get("status") != "referred":
            self.bad("R1", None, f"status {plan.get('status')!r}: the request must be referred ({urgency})")
            return
        referral = plan.get("referral")
        if not referral:
            self.bad("R1", None, "referred without a referral")
        elif referral.get("urgency") != urgency:
            self.bad("R1", None, f"referral urgency {referral.get('urgency')!r}, expected {urgency!r}")
        elif not referral.get("message"):
            self.bad("R1", None, "referral without advice")
        self._no_items("referred")

    def _infeasible(self) -> None:
        plan = self.plan
        explanation = plan.get("explanation")
        if explanation:
            if not explanation.get("conflicts"):
                self.bad("status", None, "infeasible explanation names no conflict")
            if not explanation.get("relaxations") and not plan.get("notices"):
                self.bad("status", None, "infeasible explanation suggests no relaxation")
        elif not plan.get("notices"):
            self.bad("status", None, "infeasible without an explanation or a notice")
        self._no_items("infeasible")

    # a planned week
    def _week(self, pain: str, caution: bool) -> None:
        plan, request = self.plan, self.request
        days = plan.get("days") or []
        if request.get("week_start") and plan.get("week_start") != request["week_start"]:
            self.bad("status", None, f"week_start {plan.get('week_start')} is not the requested one")
        if plan.get("timezone") != request.get("timezone", "UTC"):
            self.bad("status", None, f"timezone {plan.get('timezone')} is not the requested one")
        try:
            monday = dt.date.fromisoformat(plan["week_start"])
        except (KeyError, TypeError, ValueError):
            self.bad("status", None, "week_start missing or not a date")
            return
        if [d.get("weekday") for d in days] != list(WEEKDAYS):
            self.bad("status", None, "the plan does not list the seven days mon…sun in order")
            return
        for i, day in enumerate(days):
            if day.get("date") != (monday + dt.timedelta(days=i)).isoformat():
                self.bad("status", day["weekday"], f"date {day.get('date')} is not day {i + 1} of the week")
        self.monday = monday
        self.zone = ZoneInfo(plan["timezone"])
        # R1: a caution answer makes running conservative — at least the AMBER policy
        self.pain = "AMBER" if caution and pain == "GREEN" else pain
        pol = policy(self.pain)
        self.max_level = min(request.get("level", 1), pol["max_level"])
        self.flare_only = bool(pol["flare_safe_only"])
        if caution:
            self.max_level, self.flare_only = 1, True
            if not any("physiotherapist" in n.lower() for n in plan.get("notices") or []):
                self.bad("R1", None, "a caution answer needs a physiotherapist recommendation")
        items = {d["weekday"]: d.get("items") or [] for d in days}
        for day, its in items.items():
            for item in its:
                if item.get("kind") not in ITEM_KINDS:
                    self.bad("session", day, f"unknown item kind {item.get('kind')!r}")
        self.runs = self._runs(items)
        self._warm_cool(items)
        self._timeline(items)
        self._sessions(items)
        self._exercises(items)
        self._loaded(items)
        self._weak_areas(items)
        self._summary(items)

    def _ladder_runs(self, items: dict[str, list[dict[str, Any]]]) -> dict[str, dict[str, Any]]:
        """A return-to-run ladder week (DOMAIN §2, data/ladder.toml): walk-run sessions of one level's minutes
        on requested days at the asked start, at most N a week, never on consecutive days; a left-out run
        is named in a notice."""
        with (DATA / "ladder.toml").open("rb") as fh:
            ladder = tomllib.load(fh)
        minutes = {lv["id"]: lv["minutes"] for lv in ladder["level"]}
        level = (self.plan.get("ladder") or {}).get("level")
        requested = {r["day"]: r for r in self.request.get("runs", [])}
        planned: dict[str, dict[str, Any]] = {}
        for day, its in items.items():
            runs = [i for i in its if i.get("kind") == "run"]
            if not runs:
                if day in requested and not any(DAY_NAMES[day] in n for n in self.plan.get("notices") or []):
                    self.bad("run", day, "a requested run is left out without a notice saying why")
                continue
            run = planned[day] = runs[0]
            want = requested.get(day)
            if want is None or run.get("start") != want["start"]:
                self.bad("run", day, "a ladder session off the runner's run days or start times")
            if not run.get("intervals") or run.get("minutes") != minutes.get(level):
                self.bad("ladder", day, f"ladder session of {run.get('minutes')} min, level {level} has "
                                        f"{minutes.get(level)}")
            if run.get("run_kind") != "easy":
                self.bad("ladder", day, "a ladder session is easy running")
        days = [WEEKDAYS.index(d) for d in planned]
        if len(days) > ladder["progress"]["sessions_per_week"]:
            self.bad("ladder", None, f"{len(days)} ladder sessions in a week")
        if any(b - a < ladder["progress"]["min_days_apart"] for a, b in zip(days, days[1:], strict=False)):
            self.bad("ladder", None, "ladder sessions on consecutive days")
        return planned

    def _runs(self, items: dict[str, list[dict[str, Any]]]) -> dict[str, dict[str, Any]]:
        """Runs only on the requested days, at the asked start, the right kind, minutes within the caps."""
        ladder = self.plan.get("ladder")
        if ladder and not ladder.get("graduated"):
            return self._ladder_runs(items)
        caps = self.rules["caps"]
        requested = {r["day"]: r for r in self.request.get("runs", [])}
        history = self.request.get("history") or {}
        planned: dict[str, dict[str, Any]] = {}
        missing: list[str] = []
        for day, its in items.items():
            runs = [i for i in its if i.get("kind") == "run"]
            if len(runs) > 1:
                self.bad("run", day, "more than one run on a day")
            if not runs:
                if day in requested:
                    missing.append(day)
                continue
            run = runs[0]
            planned[day] = run
            want = requested.get(day)
            if want is None:
                self.bad("run", day, "a run on a day the runner did not ask to run")
                continue
            if run.get("start") != want["start"]:
                self.bad("run", day, f"starts at {run.get('start')}, asked for {want['start']}")
            if run.get("requested_minutes") != want["minutes"]:
                self.bad("run", day, f"requested_minutes {run.get('requested_minutes')} ≠ {want['minutes']}")
            kind = run_kind_after_pain(want["kind"], self.pain, history)
            if ladder and kind == "quality":
                kind = "easy"      # just off the ladder: easy running until 2 GREEN weeks
            if run.get("run_kind") != kind:
                self.bad("R13", day, f"a {want['kind']} run planned as {run.get('run_kind')!r}, "
                                     f"{self.pain} pain gives {kind!r}")
            minutes = run.get("minutes", 0)
            if minutes % caps["step_minutes"] or minutes < caps["min_run_minutes"]:
                self.bad("R12", day, f"{minutes} min is not a positive multiple of {caps['step_minutes']}")
            most = max_run_minutes(want["minutes"], self.pain, history)
            if minutes > most:
                self.bad("R12", day, f"{minutes} min exceeds the {most} min allowed "
                                     f"({self.pain}, asked {want['minutes']}, history {history})")
        if len(planned) > self.rules["routine"]["max_running_days"]:
            self.bad("R10", None, f"runs on {len(planned)} days: at least one day without running")
        asked = sum(r["minutes"] for r in requested.values())
        cap = weekly_run_cap(self.pain, history, asked)
        for day in missing:
            # a left-out run: too short to be useful, cut below it, or no room under the week's cap
            room = cap is not None and (len(planned) + 1) * caps["min_run_minutes"] > cap
            if not (may_drop(requested[day]["minutes"], self.pain) or room):
                self.bad("run", day, "the requested run is missing")
            elif not any(DAY_NAMES[day] in n for n in self.plan.get("notices") or []):
                self.bad("run", day, "a requested run is left out without a notice saying why")
        total = sum(r.get("minutes", 0) for r in planned.values())
        if cap is not None and total > cap:
            self.bad("R12", None, f"{total} running minutes exceed the weekly cap of {cap} ({history})")
        return planned

    def _warm_cool(self, items: dict[str, list[dict[str, Any]]]) -> None:
        """R9: a warm-up ending as each run starts, a cool-down starting as it ends; none without a run."""
        routine = self.rules["routine"]
        for day, its in items.items():
            run = self.runs.get(day)
            for kind, minutes in (("warm_up", routine["warm_up_minutes"]),
                                  ("cool_down", routine["cool_down_minutes"])):
                found = [i for i in its if i.get("kind") == kind]
                if run is None:
                    if found:
                        self.bad("R9", day, f"a {kind} on a day without a run")
                    continue
                if len(found) != 1:
                    self.bad("R9", day, f"{len(found)} {kind} items around the run (want 1)")
                    continue
                item = found[0]
                start = _minutes(run["start"]) - minutes if kind == "warm_up" else \
                    _minutes(run["start"]) + run["minutes"]
                if _minutes(item["start"]) != start or item.get("minutes") != minutes:
                    where = "end as the run starts" if kind == "warm_up" else "start as the run ends"
                    self.bad("R9", day, f"{kind} {item['start']}+{item.get('minutes')} min does not {where}")

    def _timeline(self, items: dict[str, list[dict[str, Any]]]) -> None:
        """Nothing before 00:00 or past 24:00, nothing overlapping, items in time order."""
        for day, its in items.items():
            spans = []
            for item in its:
                start = _minutes(item["start"])
                end = start + item.get("minutes", 0)
                if item.get("minutes", 0) <= 0:
                    self.bad("time", day, f"{item.get('kind')} has no minutes")
                if start < 0 or end > DAY_MINUTES:
                    self.bad("time", day, f"{item.get('kind')} {item['start']}+{item.get('minutes')} "
                                          "crosses midnight")
                spans.append((start, end, item.get("kind")))
            if spans != sorted(spans, key=lambda s: s[0]):
                self.bad("time", day, "items are not in time order")
            spans.sort()
            for (_, e1, k1), (s2, _, k2) in zip(spans, spans[1:], strict=False):
                if s2 < e1:
                    self.bad("time", day, f"{k1} (until {e1 // 60:02d}:{e1 % 60:02d}) overlaps {k2}")

    def _sessions(self, items: dict[str, list[dict[str, Any]]]) -> None:
        """R11: session shape, minutes = its exercises', inside the runner's window, day and week budgets."""
        budget = self.rules["budget"]
        available = self.request.get("available") or {}
        week_total = 0
        for day, its in items.items():
            sessions = [i for i in its if i.get("kind") in SESSION_KINDS]
            extra = sum(s.get("minutes", 0) for s in sessions)
            week_total += extra
            run = self.runs.get(day)
            kind = None if run is None else run.get("run_kind")
            cap = budget["rest_day"] if kind is None else (
                budget["easy_day"] if kind == "easy" else budget["hard_day"])
            if extra > cap:
                self.bad("R11", day, f"{extra} extra minutes exceed the {cap} min of a "
                                     f"{'rest' if kind is None else kind}-run day")
            window = available.get(day) or {}
            w_minutes = window.get("minutes", 0)
            w_start = _minutes(window.get("start", "18:00"))
            if extra > w_minutes:
                self.bad("R11", day, f"{extra} extra minutes exceed the runner's {w_minutes} min")
            for s in sessions:
                exercises = s.get("exercises") or []
                n = len(exercises)
                if not budget["exercises_min"] <= n <= budget["exercises_max"]:
                    self.bad("R11", day, f"{s['kind']} session holds {n} exercises "
                                         f"(want {budget['exercises_min']}–{budget['exercises_max']})")
                minutes = s.get("minutes", 0)
                if not budget["session_min"] <= minutes <= budget["session_max"]:
                    self.bad("R11", day, f"{s['kind']} session of {minutes} min "
                                         f"(want {budget['session_min']}–{budget['session_max']})")
                total = sum(data().exercises.get(e.get("id"), {}).get("minutes", 0) for e in exercises)
                if minutes != total:
                    self.bad("session", day, f"{s['kind']} session lasts {minutes} min, "
                                             f"its exercises {total}")
                start = _minutes(s["start"])
                if w_minutes <= 0 or start < w_start or start + minutes > w_start + w_minutes:
                    self.bad("R11", day, f"{s['kind']} session {s['start']}+{minutes} min is outside the "
                                         f"runner's window ({window or 'none'})")
        if week_total > budget["weekly"]:
            self.bad("R11", None, f"{week_total} extra minutes in the week exceed {budget['weekly']}")

    def _hours_to_next_hard_run(self, day_index: int, start: int) -> tuple[float, float] | None:
        """Real and wall-clock hours from a start to the next long/quality run of the week (None if none)."""
        for j in range(day_index, 7):
            run = self.runs.get(WEEKDAYS[j])
            if run is None or run.get("run_kind") not in ("long", "quality"):
                continue
            wall = (j - day_index) * DAY_MINUTES + _minutes(run["start"]) - start
            if wall > 0:
                return self._real_minutes(day_index, start, j, _minutes(run["start"])) / 60, wall / 60
        return None

    def _real_minutes(self, d1: int, m1: int, d2: int, m2: int) -> float:
        def instant(d: int, m: int) -> dt.datetime:
            local = dt.datetime.combine(self.monday + dt.timedelta(days=d), dt.time(m // 60, m % 60),
                                        tzinfo=self.zone)
            return local.astimezone(dt.UTC)
        return (instant(d2, m2) - instant(d1, m1)).total_seconds() / 60

    def _exercises(self, items: dict[str, list[dict[str, Any]]]) -> None:
        """Every exercise: known, in its item's category, level/flare (R1, R13), equipment, R8 and R4."""
        catalogue = data().exercises
        equipment = set(self.request.get("equipment") or [])
        wake = _minutes(self.request.get("wake_time", "06:30"))
        flexion_gap = self.rules["routine"]["flexion_after_waking"]
        twice = bool(self.request.get("hamstring_twice_daily"))
        for d, day in enumerate(WEEKDAYS):
            next_run = self.runs.get(WEEKDAYS[d + 1]) if d + 1 < 7 else None
            hard_tomorrow = next_run is not None and next_run.get("run_kind") in ("long", "quality")
            for item in items.get(day, []):
                kind = item.get("kind")
                if kind == "run":
                    continue
                start = _minutes(item["start"])
                ids = [e.get("id") for e in item.get("exercises") or []]
                if len(ids) != len(set(ids)):
                    self.bad("session", day, f"{kind} repeats an exercise")
                for entry in item.get("exercises") or []:
                    ex = catalogue.get(entry.get("id"))
                    if ex is None:
                        self.bad("session", day, f"unknown exercise {entry.get('id')!r}")
                        continue
                    name = ex["id"]
                    if entry.get("minutes") != ex["minutes"]:
                        self.bad("session", day, f"{name}: {entry.get('minutes')} min, "
                                                 f"catalogue {ex['minutes']}")
                    extra_stretch = kind == "cool_down" and twice and ex.get("straight_leg_stretch", False)
                    if ex["category"] != kind and not extra_stretch:
                        self.bad("session", day, f"{name} ({ex['category']}) in a {kind} item")
                    if ex["level"] > self.max_level:
                        self.bad("R13", day, f"{name} is level {ex['level']}, "
                                             f"the week allows ≤ {self.max_level}")
                    if self.flare_only and not ex.get("flare_safe", False):
                        self.bad("R13", day, f"{name} is not flare-safe")
                    missing = set(ex.get("equipment", [])) - equipment
                    if missing:
                        self.bad("equipment", day, f"{name} needs {sorted(missing)}")
                    if ex.get("flexion") and (start - wake) % DAY_MINUTES < flexion_gap:
                        self.bad("R8", day, f"{name} (flexion) at {item['start']}, within "
                                            f"{flexion_gap} min of waking at {self.request.get('wake_time')}")
                    lower = ex.get("load_group") == "lower_limb" or ex["category"] in ("glutes", "hamstrings")
                    if lower and ex["level"] >= 3 and hard_tomorrow:
                        self.bad("R4", day, f"level-3 {name} the day before a {next_run['run_kind']} run")
                    cautions = set((self.request.get("screening") or {}).get("cautions") or [])
                    ruled_out = cautions | set(self.request.get("health") or [])
                    if set(ex.get("avoid_with", [])) & ruled_out:
                        self.bad("R1", day, f"{name} is ruled out by {sorted(ruled_out)}")
                    today = self.runs.get(day)
                    loaded = ex["level"] >= 2 and ex.get("load_group", "none") != "none"
                    if lower and loaded and today and start < _minutes(today["start"]):
                        self.bad("R5", day, f"loaded leg work {name} at {item['start']} before the "
                                            f"{today['run_kind']} run at {today['start']}")
                    if (ex["category"] == "hamstrings" and ex.get("kind") == "stretch" and today
                            and today.get("run_kind") in ("long", "quality") and start < _minutes(today["start"])):
                        self.bad("R15", day, f"static hamstring stretch {name} before the {today['run_kind']} run")
                straight = [e for e in item.get("exercises") or []
                            if catalogue.get(e.get("id"), {}).get("straight_leg_stretch")]
                if len(straight) > 1:
                    self.bad("R7", day, f"{kind} holds {len(straight)} straight-leg hamstring stretches (one a "
                                        "session)")
                    need = ex.get("hours_before_hard_run", 0)
                    if need:
                        gap = self._hours_to_next_hard_run(d, start)
                        if gap is not None and min(gap) < need:
                            self.bad("R4", day, f"{name} at {item['start']} is {gap[0]:.2f} h (wall clock "
                                                f"{gap[1]:.2f} h) before a hard run; needs {need} h")

    def _loaded(self, items: dict[str, list[dict[str, Any]]]) -> None:
        """R2: loaded strength (level ≥ 2, a load group) per group ≤ 3×/week, never within the gap; R10."""
        catalogue, routine = data().exercises, self.rules["routine"]
        groups: dict[str, list[int]] = {}
        starts: dict[str, list[tuple[int, int]]] = {}   # group -> (day, start minutes) of each loaded item
        any_loaded: set[int] = set()
        for d, day in enumerate(WEEKDAYS):
            for item in items.get(day, []):
                for entry in item.get("exercises") or []:
                    ex = catalogue.get(entry.get("id"))
                    if ex and ex["level"] >= 2 and ex.get("load_group", "none") != "none":
                        groups.setdefault(ex["load_group"], [])
                        if d not in groups[ex["load_group"]]:
                            groups[ex["load_group"]].append(d)
                        starts.setdefault(ex["load_group"], []).append((d, _minutes(item["start"])))
                        any_loaded.add(d)
        for group, days in groups.items():
            if len(days) > routine["loaded_max_per_week"]:
                self.bad("R2", None, f"loaded {group} on {len(days)} days "
                                     f"(max {routine['loaded_max_per_week']})")
            for a, b in zip(days, days[1:], strict=False):
                if b - a < routine["loaded_gap_days"]:
                    self.bad("R2", WEEKDAYS[b], f"loaded {group} on {WEEKDAYS[a]} and {WEEKDAYS[b]}: "
                                                f"never on consecutive days")
            need = routine["loaded_gap_hours"] * 60
            for d1, m1 in starts.get(group, []):
                for d2, m2 in starts.get(group, []):
                    if d2 > d1 and self._real_minutes(d1, m1, d2, m2) < need:
                        hours = self._real_minutes(d1, m1, d2, m2) / 60
                        self.bad("R2", WEEKDAYS[d2], f"loaded {group} {WEEKDAYS[d1]} {m1 // 60:02d}:{m1 % 60:02d} "
                                                     f"and {WEEKDAYS[d2]} {m2 // 60:02d}:{m2 % 60:02d} are "
                                                     f"{hours:.1f} h apart; needs {need // 60} h")
        if len(any_loaded) > routine["max_loaded_days"]:
            self.bad("R10", None, "loaded strength every day: at least one day without it")

    def _weak_areas(self, items: dict[str, list[dict[str, Any]]]) -> None:
        """The runner's wish: each weak area gets the minimum number of sessions (rules.toml [routine])."""
        need = self.rules["routine"]["weak_area_min_sessions"]
        for area in dict.fromkeys(self.request.get("weak_areas") or []):
            count = sum(1 for its in items.values() for i in its if i.get("kind") == area)
            if count < need:
                self.bad("wish", None, f"weak area {area}: {count} sessions, at least {need} promised")

    def _summary(self, items: dict[str, list[dict[str, Any]]]) -> None:
        """Contract 2: the summary adds up."""
        summary = self.plan.get("summary") or {}
        runs = list(self.runs.values())
        want = {
            # every run the request asks for, those the week does not plan too (too short, RED, the ladder)
            "requested_run_minutes": sum(r.get("minutes") or 0 for r in self.request.get("runs") or []),
            # a return-to-run ladder session runs only its running intervals (a brisk walk: none)
            "planned_run_minutes": sum(sum(run for run, _ in r["intervals"]) if r.get("intervals") else
                                       r.get("minutes", 0) for r in runs),
            "extra_minutes": sum(i.get("minutes", 0) for its in items.values() for i in its
                                 if i.get("kind") in SESSION_KINDS),
        }
        for key, value in want.items():
            if summary.get(key) != value:
                self.bad("summary", None, f"summary.{key} is {summary.get(key)}, the days add up to {value}")
        sessions = summary.get("sessions") or {}
        for kind in SESSION_KINDS:
            count = sum(1 for its in items.values() for i in its if i.get("kind") == kind)
            if sessions.get(kind, 0) != count:
                self.bad("summary", None, f"summary.sessions.{kind} is {sessions.get(kind)}, counted {count}")


def check_plan(plan: dict[str, Any], request: dict[str, Any]) -> list[Violation]:
    """Every hard rule the plan breaks, re-derived from the raw request and data/*.toml (empty = valid)."""
    return _Check(plan, request).run()


def assert_valid(plan: dict[str, Any], request: dict[str, Any]) -> None:
    """Fail with every violation listed."""
    found = check_plan(plan, request)
    assert not found, "plan breaks hard rules:\n" + "\n".join(map(str, found))
