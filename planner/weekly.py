"""The week in a program: the ladder's runs, what the week before leaves (R2, R4 across the boundary), what a
re-plan keeps (days before today, pins, moves), and the changes a re-plan reports. Pure functions; the engine
calls them between the rules and the model."""

from __future__ import annotations

import dataclasses
import datetime as dt

from planner.catalogue import Catalogue, Exercise
from planner.context import Boundary, Reference
from planner.ladder import LadderState
from planner.localtime import zone_info
from planner.plan import SESSION_KINDS, Change, Day, Item
from planner.request import DAY_NAMES, WEEKDAYS, PlanRequest, clock
from planner.rules import Rules
from planner.volume import RunLimit


class Refusal(Exception):
    """A pin or move that a hard rule forbids; the message names the rule in words."""


def ladder_runs(request: PlanRequest, ladder: LadderState, boundary: Boundary | None,
                rules: Rules) -> list[RunLimit]:
    """A ladder week: the runner's run days, at most `sessions_per_week` of them and never on consecutive
    days (Sunday of the week before counts), each a walk-run session of exactly the level's minutes."""
    step = rules.caps.step_minutes
    chosen: list[str] = []
    out: list[RunLimit] = []
    for run in sorted(request.runs, key=lambda r: WEEKDAYS.index(r.day)):
        i = WEEKDAYS.index(run.day)
        after_run = (chosen and WEEKDAYS.index(chosen[-1]) == i - 1) or (
            i == 0 and boundary is not None and boundary.sunday_run)
        if len(chosen) >= ladder.sessions_per_week or after_run:
            why = (f"the return-to-run ladder has {ladder.sessions_per_week} sessions a week, never on "
                   "consecutive days; an easy walk instead is fine")
            out.append(RunLimit(run.day, run.kind, "easy", run.minutes, 0, (), ("wish",), dropped=why))
            continue
        chosen.append(run.day)
        reasons = (f"Return-to-run ladder {ladder.level} ({ladder.name}): {ladder.shape}, "
                   f"{ladder.minutes} min in all, whatever you asked. {ladder.next}.",)
        out.append(RunLimit(run.day, run.kind, "easy", run.minutes, -(-ladder.minutes // step) * step, reasons,
                            ("wish", "ladder", "R12"), fixed=True, intervals=ladder.intervals,
                            exact_minutes=ladder.minutes))
    return out


def no_quality(limits: list[RunLimit], why: str) -> list[RunLimit]:
    """Quality runs become easy (after the ladder, until 2 GREEN weeks of easy running)."""
    out = []
    for lim in limits:
        if lim.kind == "quality":
            lim = RunLimit(lim.day, lim.requested_kind, "easy", lim.requested_minutes, lim.max_minutes,
                           (*lim.reasons, why), (*lim.rules, "ladder"), lim.dropped, lim.fixed)
        out.append(lim)
    return out


def across_boundary(limits: list[RunLimit], boundary: Boundary, request: PlanRequest,
                    rules: Rules) -> tuple[list[RunLimit], dict[tuple[int, str], int]]:
    """R4: heavy leg work last Sunday makes a Monday quality run easy. R2: each load group's loaded work
    starts no earlier than 48 real hours after the week before's last, and not on the day after it."""
    out = []
    for lim in limits:
        if lim.day == "mon" and lim.kind == "quality" and boundary.heavy_sunday:
            lim = RunLimit(lim.day, lim.requested_kind, "easy", lim.requested_minutes, lim.max_minutes,
                           (*lim.reasons, "Last Sunday's heavy leg work (R4): Monday's quality session becomes an "
                                          "easy run."), (*lim.rules, "R4"), lim.dropped, lim.fixed)
        out.append(lim)
    zone = zone_info(request.timezone)
    need = dt.timedelta(hours=rules.routine.loaded_gap_hours)
    earliest: dict[tuple[int, str], int] = {}
    for group, last in boundary.last_loaded.items():
        clear = (last + need).astimezone(zone)
        last_local = last.astimezone(zone).date()
        for d in range(7):
            date = request.week_start + dt.timedelta(days=d)
            if (date - last_local).days < rules.routine.loaded_gap_days or clear.date() > date:
                earliest[d, group] = 24 * 60          # no loaded work of this group that day
            elif clear.date() == date:
                earliest[d, group] = clear.hour * 60 + clear.minute + (1 if clear.second else 0)
    return out, earliest


def frozen_parts(reference: Reference, request: PlanRequest, catalogue: Catalogue,
                 limits: list[RunLimit]) -> tuple[dict[tuple[int, str], tuple[Exercise, ...]], list[RunLimit]]:
    """Days before today and pinned items as the model must keep them: their sessions' exercises and their runs
    at the published minutes. A skipped session stays too: the week shows it as it was published, and its
    spacing (R2, R10) is kept as if it had been done — the safe reading of a week the runner may have
    changed."""
    fixed: dict[tuple[int, str], tuple[Exercise, ...]] = {}
    for (d, kind), ids in reference.sessions.items():
        key = reference.key_of(d, kind)
        if d < reference.frozen or key in reference.pins or key in reference.checked_today:
            try:
                fixed[d, kind] = tuple(catalogue.get(i) for i in ids)
            except KeyError:
                continue
    out = []
    for lim in limits:
        d = WEEKDAYS.index(lim.day)
        was = reference.runs.get(lim.day)
        key = f"{lim.day}-run"
        if was is None and d < reference.frozen and lim.dropped is None:
            # a past day the published week had no run on (moved away, dropped): nothing to plan there
            lim = dataclasses.replace(lim, dropped=f"{DAY_NAMES[lim.day]} is past, and your week had no run on it")
        keep = was is not None and (d < reference.frozen or key in reference.pins or key in reference.checked_today)
        if keep and lim.dropped is None:
            if key in reference.pins and key not in reference.checked_today and d >= reference.frozen \
                    and was > lim.max_minutes:
                raise Refusal(f"{DAY_NAMES[lim.day]}'s run cannot stay at {was} min: "
                              + (lim.reasons[-1] if lim.reasons else f"at most {lim.max_minutes} min now."))
            done = d < reference.frozen or key in reference.checked_today
            kind = reference.run_kinds.get(lim.day, lim.kind) if done else lim.kind
            lim = RunLimit(lim.day, lim.requested_kind, kind, lim.requested_minutes, was, lim.reasons,
                           lim.rules, None, True, lim.intervals, lim.exact_minutes)
        out.append(lim)
    return fixed, out


def moved_request(request: PlanRequest, reference: Reference) -> PlanRequest:
    """Run moves change the request: the run goes to the target day (refused when that day has a run)."""
    runs = list(request.runs)
    for key, target in reference.moves.items():
        day, kind = key.split("-", 1)
        if _reflected(reference, key, target):
            # a move accepted earlier: the published week already has it, so it holds even once its day is past
            if kind == "run" and request.run_on(day) is not None and request.run_on(target) is None:
                runs = [r.model_copy(update={"day": target}) if r.day == day else r for r in runs]
            continue
        where = next((i for i, d in enumerate(reference.days) if any(it.key == key for it in d.items)), None)
        if where is not None and where < reference.frozen:
            raise Refusal(f"{DAY_NAMES[reference.days[where].weekday]} is already past: what was planned then "
                          "stays as it was.")
        if kind != "run":
            continue
        run = request.run_on(day)
        if run is None:
            raise Refusal(f"There is no run on {DAY_NAMES[day]} to move.")
        if request.run_on(target) is not None:
            raise Refusal(f"{DAY_NAMES[target]} already has a run: at most one run a day.")
        if WEEKDAYS.index(target) < reference.frozen:
            raise Refusal(f"{DAY_NAMES[target]} is already past.")
        runs = [r.model_copy(update={"day": target}) if r.day == day else r for r in runs]
        if len({r.day for r in runs}) >= 7:
            raise Refusal("Not possible: at least one day a week stays without running.")
    return request.model_copy(update={"runs": runs})


def _reflected(reference: Reference, key: str, target: str) -> bool:
    """Whether the published week already holds the move: a session of its kind on the target day, or (a run)
    a run on the target day and none left on the day it came from."""
    day, kind = key.split("-", 1)
    if kind == "run":
        return target in reference.runs and day not in reference.runs
    # the published week names each session by the day it is on: a moved one is "<target>-<kind>" there
    return any(d.weekday == target and any(i.kind == kind for i in d.items) for d in reference.days)


def check_moves(reference: Reference, options: dict[tuple[int, str], tuple[Exercise, ...]],
                why_not: dict[tuple[int, str], str]) -> None:
    """A session moved to a day where no exercise of its kind may go is refused with the rule in words."""
    for key, target in reference.moves.items():
        day, kind = key.split("-", 1)
        if kind not in SESSION_KINDS or _reflected(reference, key, target):
            continue
        d = WEEKDAYS.index(target)
        if d < reference.frozen:
            raise Refusal(f"{DAY_NAMES[target]} is already past.")
        if (d, kind) not in options:
            raise Refusal(f"No {kind.replace('_', ' ')} session can go on {DAY_NAMES[target]}: "
                          f"{why_not.get((d, kind), 'there is no time for it that day')}.")


def _describe(day: Day, item: Item) -> str:
    return f"{DAY_NAMES[day.weekday][:3]} {clock(item.start)}, {item.minutes} min"


def changes(before: tuple[Day, ...], after: list[Day], frozen: int, cause: str) -> tuple[Change, ...]:
    """What a re-plan changed on the days from today on, each with a reason."""
    shown = ("run", *SESSION_KINDS)     # a run's warm-up and cool-down follow it: not reported on their own
    old = {i.key: (d, i) for d in before[frozen:] for i in d.items if i.kind in shown}
    new = {i.key: (d, i) for d in after[frozen:] for i in d.items if i.kind in shown}
    out: list[Change] = []
    gone = [k for k in old if k not in new]
    came = [k for k in new if k not in old]
    for kind in {old[k][1].kind for k in gone}:
        for k_old, k_new in zip([k for k in gone if old[k][1].kind == kind],
                                [k for k in came if new[k][1].kind == kind], strict=False):
            out.append(Change(k_new, "moved", _describe(*old[k_old]), _describe(*new[k_new]), cause))
            gone.remove(k_old)
            came.remove(k_new)
    for key, (day, item) in new.items():
        if key in old:
            was = old[key][1]
            if item.minutes != was.minutes:
                kind = "shortened" if item.minutes < was.minutes else "lengthened"
                why = item.reasons[-1] if item.kind == "run" and item.reasons else cause
                out.append(Change(key, kind, _describe(*old[key]), _describe(day, item), why))
            elif item.start != was.start:
                out.append(Change(key, "moved", _describe(*old[key]), _describe(day, item), cause))
            elif [e.id for e in item.exercises] != [e.id for e in was.exercises] and item.kind in SESSION_KINDS:
                out.append(Change(key, "changed", _describe(*old[key]), _describe(day, item), cause))
    out += [Change(k, "removed", _describe(*old[k]), None, cause) for k in gone]
    out += [Change(k, "added", None, _describe(*new[k]), cause) for k in came]
    return tuple(sorted(out, key=lambda c: (WEEKDAYS.index(c.key.split("-")[0]), c.key)))
