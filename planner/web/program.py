"""Programs on the web: the current week (rolled on to the runner's Monday), check-ins → a re-plan, Accept or
Keep-as-it-was, pins and moves, and the calendar record that follows the published week.

Nothing here decides anything about training: every week comes from `planner.engine.make_plan` with the
program's log. The published week (and the feed) change only when a week is published: the first plan of a
new week, or an accepted re-plan.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import current_app

from planner.context import PlanContext
from planner.engine import make_plan
from planner.ical import Published, publication
from planner.log import Log, check_keys, monday_of, parse_log
from planner.program_store import Program, Programs
from planner.progression import AHEAD, expected_checkins
from planner.request import DAY_NAMES, PlanRequest, parse_request, zone
from planner.store import PlanChanged
from planner.web.service import knowledge
from planner.web.storage import fingerprints, store
from planner.weekly import Refusal

PLANNED = ("optimal", "feasible")
RETRIES = 20   # re-plans after a concurrent publication before giving up (each is a few ms of solving)


def programs() -> Programs:
    """The app's program store (on the app's Store)."""
    return Programs(store())


def today_of(program: Program) -> dt.date:
    """Today in the runner's zone (the TODAY setting overrides it, for tests and demos)."""
    fixed = current_app.config.get("TODAY")
    if fixed:
        return dt.date.fromisoformat(str(fixed))
    return dt.datetime.now(zone(program.saved.request.get("timezone") or "UTC")).date()


def _request(program: Program, monday: dt.date) -> PlanRequest:
    return parse_request({**program.saved.request, "week_start": monday.isoformat()}, knowledge().vocabulary)


def _log(program: Program, today: dt.date) -> Log:
    return parse_log({"checkins": program.checkins}, today=today)


def keys_of(plan: dict[str, Any]) -> list[str]:
    """The item keys of a week's plan, in order."""
    return list(minutes_of(plan))


def minutes_of(plan: dict[str, Any]) -> dict[str, int]:
    """The planned minutes of a week's items by key, in order."""
    return {item["key"]: item["minutes"] for day in plan.get("days") or [] for item in day.get("items") or []}


def _letting_go(attempt: Callable[[list[str], list[list[str]]], Any], pins: list[str],
                moves: list[list[str]]) -> tuple[Any, list[str], list[list[str]]]:
    """Plan with what the runner kept and moved; when a hard rule now rules them out, let go of the moves, then
    of the pins too: (the plan, the pins and moves it kept). Raises the first Refusal when nothing plans."""
    refusal: Refusal | None = None
    for kept, moved in ((pins, moves), (pins, []), ([], [])):
        try:
            return attempt(kept, moved), kept, moved
        except Refusal as exc:
            refusal = refusal or exc
    assert refusal is not None
    raise refusal


def _start(program: Program) -> dt.date | None:
    """The program's first Monday: its log speaks from there (planner.log.since_program)."""
    return dt.date.fromisoformat(min(program.weeks)) if program.weeks else None


def current(token: str) -> Program | None:
    """The program, its current week the runner's this week: on the first visit of a new week that week is
    planned from the log (the week before as the boundary) and published."""
    program = programs().load(token)
    if program is None:
        return None
    for _ in range(RETRIES):
        monday = monday_of(today_of(program))
        if program.weeks and monday.isoformat() > program.monday:
            before = program.weeks.get((monday - dt.timedelta(weeks=1)).isoformat())
            eve = monday - dt.timedelta(days=1)
            context = PlanContext(log=_log(program, eve), today=eve, before=before, log_from=_start(program))
            plan = make_plan(_request(program, monday), knowledge(), context).to_dict()
            try:
                return _publish(program, plan, pins={"pins": [], "moves": []})
            except PlanChanged:
                program = programs().load(token)
                continue
        if program.published is None:
            record, ahead = _publication(program, program.saved.plan)
            programs().set_published(token, record, ahead)
            program = programs().load(token)
        return program
    return program


def edited_week(token: str, request: PlanRequest) -> tuple[dict[str, Any], dict[str, list]] | None:
    """An edit of the program's current week once it has begun: the days before today stay as published (they
    happened, and their check-ins are in the log) and the rest is planned around them from the whole log, with
    as few changes as the edited request allows. None for a week that has not begun or is not the current one
    (then the edit is planned afresh). With the pins and moves it kept: those the edit rules out are let go.
    Raises `planner.weekly.Refusal` when a done day rules the edit out."""
    found = programs().load(token)
    if found is None or not _begun(found, request.week_start):
        return None
    today = today_of(found)

    def attempt(pins: list[str], moves: list[list[str]]) -> dict[str, Any]:
        context = PlanContext(log=_log(found, today), today=today, published=found.weeks[found.monday],
                              before=found.weeks.get((request.week_start - dt.timedelta(weeks=1)).isoformat()),
                              pins=tuple(pins), moves=tuple((k, d) for k, d in moves), log_from=_start(found))
        return make_plan(request, knowledge(), context).to_dict()

    week, pins, moves = _letting_go(attempt, found.pins["pins"], found.pins["moves"])
    return week, {"pins": list(pins), "moves": list(moves)}


def _begun(found: Program, monday: dt.date) -> bool:
    """Whether `monday`'s week is the program's current week and has begun (today is its Monday or later)."""
    return monday.isoformat() == found.monday and monday <= today_of(found) <= monday + dt.timedelta(days=6)


def edited(token: str, pins: dict[str, list] | None = None) -> None:
    """After the form edited the saved plan: its week becomes the program's (a new version) and is published,
    with the pins and moves it was planned with (edited_week; none for a week planned afresh)."""
    found = programs().load(token)
    if found is not None:
        with contextlib.suppress(PlanChanged):   # a concurrent publication already carries a newer week
            _publish(found, found.saved.plan, pins=pins or {"pins": [], "moves": []}, bump=False)


def _next_week(program: Program, plan: dict[str, Any]) -> dict[str, Any] | None:
    """Next week from the expected progression: the rest of this week done as planned, pain settled."""
    if plan.get("status") not in PLANNED:
        return None
    monday = dt.date.fromisoformat(plan["week_start"]) + dt.timedelta(weeks=1)
    eve = monday - dt.timedelta(days=1)
    log = parse_log({"checkins": expected_checkins(plan) + program.checkins}, today=max(eve, today_of(program)))
    context = PlanContext(log=log, today=eve, before=plan, log_from=_start(program))
    ahead = make_plan(_request(program, monday), knowledge(), context)
    data = ahead.to_dict()
    data["notices"] = [*data.get("notices", []), AHEAD]
    return data if data["status"] in PLANNED else None


def _publication(program: Program, plan: dict[str, Any]) -> tuple[dict, dict | None]:
    ahead = _next_week(program, plan)
    previous = {k: Published.from_dict(v) for k, v in (program.published or {}).items()}
    # Without a next week (a referral) the calendar still covers it, so its published events are cancelled.
    monday = dt.date.fromisoformat(plan["week_start"]) + dt.timedelta(weeks=1)
    later = ahead or {"status": "referred", "week_start": monday.isoformat(), "timezone": plan["timezone"], "days": []}
    record = publication(plan, later=[later], previous=previous)
    return {k: v.to_dict() for k, v in record.items()}, ahead


def _publish(program: Program, plan: dict[str, Any], pins: dict[str, list] | None = None,
             bump: bool = True) -> Program:
    record, ahead = _publication(program, plan)
    return programs().publish(program.token, plan, expected_revision=program.revision, published=record,
                              next_plan=ahead, pins=pins, fingerprints=fingerprints(plan), bump=bump)


def replan(program: Program, today: dt.date, pins: list[str] | None = None,
           moves: list[list[str]] | None = None) -> dict[str, Any]:
    """The current week re-planned from the whole log: the days before today as published, the rest with as
    few changes as the rules allow. Raises `planner.weekly.Refusal` for a pin or move a hard rule forbids."""
    monday = dt.date.fromisoformat(program.monday)
    pins = program.pins["pins"] if pins is None else pins
    moves = program.pins["moves"] if moves is None else moves
    context = PlanContext(log=_log(program, today), today=min(today, monday + dt.timedelta(days=6)),
                          published=program.weeks[program.monday],
                          before=program.weeks.get((monday - dt.timedelta(weeks=1)).isoformat()),
                          pins=tuple(pins), moves=tuple((k, d) for k, d in moves), log_from=_start(program))
    return make_plan(_request(program, monday), knowledge(), context).to_dict()


@dataclass(frozen=True)
class Outcome:
    """A re-plan as the program keeps it: `pending` when it changes the published week (waits for Accept)."""

    program: Program
    replan: dict[str, Any]

    @property
    def plan(self) -> dict[str, Any]:
        return self.replan["plan"]

    @property
    def pending(self) -> bool:
        return bool(self.replan["pending"])


def _entry(program: Program, plan: dict[str, Any], pins: list[str], moves: list[list[str]]) -> dict[str, Any]:
    published = program.weeks.get(program.monday) or {}
    # A referral (STOP) or a week that can no longer be planned changes the whole week, with no item changes.
    differs = any(plan.get(k) != published.get(k) for k in ("status", "pain_status"))
    return {"monday": program.monday, "plan": plan, "revision": program.revision,
            "pending": bool(plan.get("changes")) or differs, "pins": pins, "moves": moves}


def check_in(token: str, entries: list[Any]) -> Outcome:
    """Store Contract-5 entries (LogError naming the field when one is invalid), then re-plan from the whole
    log and keep the re-plan (a pending proposal when it changes the week)."""
    program = current(token)
    if program is None:
        raise KeyError(token)
    today = today_of(program)
    new = parse_log({"checkins": entries}, today=today)
    check_keys(new, {dt.date.fromisoformat(m): minutes_of(plan) for m, plan in program.weeks.items()}, _start(program))
    upto = programs().add_checkins(token, [c.to_json_dict() for c in new.checkins])
    program = programs().load(token)
    # a kept or moved item the check-in now rules out is let go of: the check-in counts
    plan, pins, moves = _letting_go(lambda kept, moved: replan(program, today, kept, moved),
                                    program.pins["pins"], program.pins["moves"])
    entry = _entry(program, plan, pins, moves)
    programs().keep_replan(token, entry, upto or 0)
    return Outcome(program, entry)


def apply(token: str, outcome: Outcome) -> Outcome:
    """Publish a pending re-plan at once (the API): after a concurrent publication, re-plan from the whole log
    against the newly published week and try again."""
    for _ in range(RETRIES):
        if not outcome.pending:
            return outcome
        try:
            program = _publish(outcome.program, outcome.plan,
                               pins={"pins": outcome.replan["pins"], "moves": outcome.replan["moves"]})
            return Outcome(program, {**outcome.replan, "pending": False})
        except PlanChanged:
            program = programs().load(token)
            plan = replan(program, today_of(program))
            outcome = Outcome(program, _entry(program, plan, program.pins["pins"], program.pins["moves"]))
    raise PlanChanged(outcome.program.saved)


def accept(token: str) -> tuple[Program, bool]:
    """Publish the pending re-plan; (program, False) when the week changed since it was proposed: then the
    proposal is re-made from the whole log against the week as it is now and waits again."""
    program = current(token)
    if program is None:
        raise KeyError(token)
    entry = program.replan
    if not entry or not entry.get("pending"):
        return program, True
    if entry["revision"] == program.revision and entry["monday"] == program.monday:
        try:
            pins = {"pins": entry["pins"], "moves": entry["moves"]}
            return _publish(program, entry["plan"], pins=pins), True
        except PlanChanged:
            program = programs().load(token)
    plan = replan(program, today_of(program), entry["pins"], entry["moves"])
    programs().keep_replan(token, _entry(program, plan, entry["pins"], entry["moves"]), program.last_checkin)
    return programs().load(token), False


def keep(token: str) -> Program | None:
    """Keep the week as it was: the proposal is dropped; the published week and the feed stay."""
    program = current(token)
    if program is not None and program.replan:
        programs().keep_replan(token, {**program.replan, "pending": False}, program.replan_upto)
    return program


def pin_or_move(token: str, key: str, day: str | None) -> Outcome:
    """Keep an item as it is (day None) or move it to `day`: a re-plan that waits for Accept (Refusal, in
    words, when a hard rule forbids it)."""
    program = current(token)
    if program is None:
        raise KeyError(token)
    pins, moves = list(program.pins["pins"]), [m for m in program.pins["moves"] if m[0] != key]
    today = today_of(program)
    monday = dt.date.fromisoformat(program.monday)
    dated = {d["weekday"]: dt.date.fromisoformat(d["date"]) for d in program.weeks[program.monday]["days"]}
    where = next((d["weekday"] for d in program.weeks[program.monday]["days"]
                  if any(i["key"] == key for i in d["items"])), key.split("-", 1)[0])
    if day is not None and (dated.get(where, monday) < today or dated.get(day, monday) < today):
        past = where if dated.get(where, monday) < today else day
        raise Refusal(f"{DAY_NAMES[past]} is already past: what was planned then stays as it was.")
    if day is None:
        pins = [*(p for p in pins if p != key), key]
    else:
        pins = [p for p in pins if p != key]
        moves.append([key, day])
    plan = replan(program, today_of(program), pins, moves)
    entry = {**_entry(program, plan, pins, moves), "pending": True}
    programs().keep_replan(token, entry, program.last_checkin)
    return Outcome(program, entry)


def latest(program: Program) -> dict[str, Any]:
    """What the page tells about the log (history, ladder, pain): the latest re-plan, or the published week."""
    entry = program.replan
    if entry and entry.get("monday") == program.monday:
        return entry["plan"]
    return program.weeks.get(program.monday) or program.saved.plan
