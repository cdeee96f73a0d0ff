"""The program on the saved plan's page: check in on each item, Accept or Keep a re-plan, keep or move an item,
read an earlier week. Plain forms that answer 303 to the page; for htmx the program panel alone."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, Response, abort, flash, make_response, redirect, render_template, request, url_for

from planner.log import LogError, parse_log
from planner.request import WEEKDAYS, RequestError
from planner.web import program, progress
from planner.web.limits import solving, writing
from planner.web.render import context, page_or_fragment, wants_fragment
from planner.weekly import Refusal

bp = Blueprint("program", __name__)
PANEL = "_program.html"
# the check-in form's fields as its labels say them (a flashed message without JavaScript names no input)
FIELD_WORDS = {"date": "Date", "item": "Item", "status": "How it went", "minutes": "Minutes",
               "pain_during": "Pain during the run", "next_morning": "The morning after", "note": "Note",
               "day": "Day"}


def view_of(found: Any, message: str | None = None, errors: dict[str, str] | None = None) -> dict[str, Any]:
    """Everything the program panel shows."""
    today = program.today_of(found)
    log = parse_log({"checkins": found.checkins}, today=max([today] + [dt.date.fromisoformat(c["date"])
                                                                      for c in found.checkins]))
    week = found.weeks.get(found.monday) or found.saved.plan
    told = program.latest(found)
    entry = found.replan if found.replan and found.replan.get("pending") else None
    series = progress.weekly(found.weeks, log)
    done_keys = {key for (date, key) in progress.checked(log) if date >= found.monday}
    common, changes = progress.explained((entry or {}).get("plan", {}).get("changes") or [], done_keys)
    return {"program": found, "week": week, "days": progress.checkable(week), "today": today.isoformat(),
            "checked": progress.checked(log), "told": told,
            "common_reasons": common, "changes": changes, "proposal": entry, "series": series,
            "progress_chart": progress.chart(series), "item_label": progress.item_label,
            "mornings": progress.MORNING, "weekdays": WEEKDAYS, "message": message,
            "open_days": [d["weekday"] for d in week.get("days") or [] if d["date"] >= today.isoformat()],
            "program_errors": errors or {},
            "earlier": sorted((m for m in found.weeks if m < found.monday), reverse=True)}


def _load(token: str):
    found = program.current(token) if len(token) <= 64 else None
    if found is None:
        abort(404)
    return found


def _answer(token: str, message: str | None, status: int = 200, errors: dict[str, str] | None = None) -> Response:
    """The program panel for htmx; else (plain forms) 303 back to the page, the message flashed."""
    if wants_fragment():
        body = render_template(PANEL, **context(pv=view_of(_load(token), message, errors)))
        response = make_response(body, status)
        response.headers["Vary"] = "HX-Request"
        return response
    if message:
        flash(message)
    for field, text in (errors or {}).items():
        flash(f"{FIELD_WORDS.get(field, field.replace('_', ' ').capitalize())}: {text}")
    return redirect(url_for("pages.saved", token=token) + "#program", 303)


def _entry(form) -> dict[str, Any]:
    """One Contract-5 check-in from the item's form (empty inputs left out)."""
    entry: dict[str, Any] = {"date": (form.get("date") or "")[:10], "item": (form.get("item") or "")[:40],
                             "status": (form.get("status") or "")[:10]}
    if entry["status"] != "skipped":
        for name in ("minutes", "pain_during"):
            raw = (form.get(name) or "").strip()[:4]
            if raw:
                entry[name] = int(raw) if raw.isdigit() else raw
        if form.get("next_morning"):
            entry["next_morning"] = form["next_morning"][:20]
    note = (form.get("note") or "").strip()[:500]
    if note:
        entry["note"] = note
    return entry


@bp.post("/p/<token>/checkin")
@solving
@writing
def checkin(token: str) -> Response:
    """Check in one item; a re-plan that changes the week waits for Accept."""
    _load(token)
    try:
        outcome = program.check_in(token, [_entry(request.form)])
    except (LogError, RequestError) as exc:
        errors = {k.removeprefix("checkins.0."): v for k, v in exc.as_dict().items()}
        return _answer(token, "That check-in was not saved:", 422, errors)
    if outcome.pending:
        return _answer(token, "Checked in. Your check-in changes the rest of the week: see the re-plan below.")
    return _answer(token, "Checked in. The week stays as it is.")


@bp.post("/p/<token>/accept")
@solving
@writing
def accept(token: str) -> Response:
    """Publish the proposed re-plan (the calendar follows at its next refresh)."""
    _load(token)
    _, done = program.accept(token)
    if done:
        return _answer(token, "The re-planned week is now your week; subscribed calendars pick it up.")
    return _answer(token, "The week changed since this re-plan was made (another check-in or tab): here is the "
                          "re-plan from everything logged, against the week as it is now.", 409)


@bp.post("/p/<token>/keep")
@writing
def keep(token: str) -> Response:
    """Keep the week as it was: the proposal is dropped."""
    _load(token)
    program.keep(token)
    return _answer(token, "The week stays as it was.")


@bp.post("/p/<token>/items/<key>")
@solving
@writing
def pin_or_move(token: str, key: str) -> Response:
    """'Keep this' (no day) or 'Move to <day>': a re-plan to accept, or the rule that forbids it, in words."""
    found = _load(token)
    if key not in program.keys_of(found.weeks.get(found.monday, {})):
        abort(404)
    day = request.form.get("day") or None
    if day is not None and day not in WEEKDAYS:
        return _answer(token, None, 422, {"day": "choose a day of the week"})
    try:
        program.pin_or_move(token, key, day)
    except Refusal as refusal:
        return _answer(token, f"{progress.item_label(key)} cannot be {'moved' if day else 'kept'}: {refusal}", 422)
    what = f"moved to {day and progress.DAY_NAMES[day]}" if day else "kept as it is"
    return _answer(token, f"{progress.item_label(key)} {what} in the re-plan below: accept it to make it your week.")


@bp.get("/p/<token>/weeks/<monday>")
def week(token: str, monday: str) -> Response:
    """An earlier (or the current) week of the program as last published, or next week as planned ahead."""
    found = _load(token)
    ahead = found.next_plan if found.next_plan and found.next_plan["week_start"] == monday else None
    if monday not in found.weeks and ahead is None:
        abort(404)
    return page_or_fragment("content", template="program_week.html", plan=ahead or found.weeks[monday],
                            saved=found.saved, monday=monday, current=monday == found.monday, ahead=bool(ahead))
