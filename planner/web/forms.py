"""The planner form ↔ Contract 1: flat HTML field names to a request dict, and errors back to fields.

The form is a flat list of named inputs (so it works without JavaScript); the domain model is nested.
This module owns the mapping both ways, so a bad value's message lands beside the input that holds it.
Validation itself stays in planner.request: the form only translates.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from werkzeug.datastructures import MultiDict

from planner.request import AREAS, DAY_NAMES, HEALTH_FACTS, WEEKDAYS, FieldError

RUN_CHOICES = (("rest", "Rest"), ("easy", "Easy"), ("long", "Long"), ("quality", "Quality"))
PAIN_NEXT = (("usual", "As usual"), ("settles_within_24h", "Worse, settles within 24 h"),
             ("persists", "Worse, still there after 24 h"))
PAIN_TREND = (("falling", "Getting better"), ("flat", "About the same"), ("rising", "Getting worse"))
# The safety group's one-tap answer: "none" folds the questions away, "some" opens them (no JS needed: CSS :has).
SCREENING_ANSWERS = (("none", "None of these apply to me"), ("some", "One or more apply: show me the questions"))
LIST_FIELDS = ("weak_areas", "equipment", "flags", "health")
AREA_LABELS = {"core": "Core", "hip_mobility": "Hip mobility", "hamstrings": "Hamstrings", "glutes": "Glutes",
               "thoracic": "Thoracic spine (upper back)"}
LEVELS = ((1, "1 — new to strength work"), (2, "2 — some experience"), (3, "3 — regular strength training"))
MAX_TEXT = 200  # no form field needs more; longer values are cut before validation messages quote them


def field_names() -> list[str]:
    """Every input name that can carry an error message (the page renders one slot per name)."""
    names = ["name", "week_start", "timezone", "wake_time", "level", "weak_areas", "equipment", "flags", "health",
             "pain_during_run", "pain_at_rest", "pain_next_morning", "pain_trend", "history_longest",
             "history_last_week", "returning", "reminder_minutes", "hamstring_twice_daily", "pain_limping", "form"]
    for d in WEEKDAYS:
        names += [f"run_{d}_kind", f"run_{d}_minutes", f"run_{d}_start", f"avail_{d}_minutes", f"avail_{d}_start"]
    return names


def _text(form: Mapping[str, str], key: str) -> str:
    return (form.get(key) or "").strip()[:MAX_TEXT]


def _int(form: Mapping[str, str], key: str, errors: list[FieldError], *, optional: bool = False) -> int | None:
    raw = _text(form, key)
    if raw == "":
        if optional:
            return None
        errors.append(FieldError(key, "is required"))
        return None
    if not re.fullmatch(r"-?\d{1,6}", raw):
        errors.append(FieldError(key, "must be a whole number"))
        return None
    return int(raw)


def _checked(form: Mapping[str, str], key: str) -> bool:
    return form.get(key) in ("on", "true", "1")


def request_from_form(form: MultiDict[str, str], tiers: Mapping[str, str]) -> tuple[dict[str, Any], list[FieldError]]:
    """Contract-1 data from the form, plus errors for values that are not even numbers (keyed by input name).
    `tiers` (screening question id → 1A/1B/1C) sorts the ticked safety questions into red flags and cautions;
    unknown ids go with the red flags, for the request model to reject."""
    errors: list[FieldError] = []
    data: dict[str, Any] = {}
    for key in ("name", "week_start", "timezone", "wake_time"):
        if key in form:
            data[key] = _text(form, key)
    level = _int(form, "level", errors)
    if level is not None:
        data["level"] = level
    runs = []
    for d in WEEKDAYS:
        kind = _text(form, f"run_{d}_kind") or "rest"
        if kind == "rest":
            continue
        run: dict[str, Any] = {"day": d, "kind": kind, "start": _text(form, f"run_{d}_start")}
        minutes = _int(form, f"run_{d}_minutes", errors)
        if minutes is not None:
            run["minutes"] = minutes
            runs.append(run)
    data["runs"] = runs
    available = {}
    for d in WEEKDAYS:
        minutes = _int(form, f"avail_{d}_minutes", errors, optional=True)
        if minutes:
            available[d] = {"minutes": minutes, "start": _text(form, f"avail_{d}_start") or "18:00"}
        elif minutes is not None and minutes < 0:
            errors.append(FieldError(f"avail_{d}_minutes", "must be at least 0"))
    data["available"] = available
    data["weak_areas"] = [a[:MAX_TEXT] for a in form.getlist("weak_areas")]
    data["equipment"] = [e[:MAX_TEXT] for e in form.getlist("equipment")]
    data["health"] = [h[:MAX_TEXT] for h in form.getlist("health")]
    pain: dict[str, Any] = {}
    for key in ("during_run", "at_rest"):
        value = _int(form, f"pain_{key}", errors, optional=True)
        if value is not None:
            pain[key] = value
    for key in ("next_morning", "trend"):
        if _text(form, f"pain_{key}"):
            pain[key] = _text(form, f"pain_{key}")
    pain["limping"] = _checked(form, "pain_limping")
    data["pain"] = pain
    flags = [f[:MAX_TEXT] for f in form.getlist("flags")]
    data["screening"] = {"red_flags": [f for f in flags if tiers.get(f) != "1C"],
                         "cautions": [f for f in flags if tiers.get(f) == "1C"]}
    history: dict[str, Any] = {}
    longest = _int(form, "history_longest", errors, optional=True)
    last_week = _int(form, "history_last_week", errors, optional=True)
    if longest is not None:
        history["longest_run_30d_minutes"] = longest
    if last_week is not None:
        history["last_week_run_minutes"] = last_week
    data["history"] = history
    data["returning"] = _checked(form, "returning")
    reminder = _int(form, "reminder_minutes", errors, optional=True)
    data["reminder_minutes"] = reminder or None
    data["hamstring_twice_daily"] = _checked(form, "hamstring_twice_daily")
    return data, errors


_RUN_PATH = re.compile(r"^runs\.(\d+)\.(\w+)$")


def form_field_of(path: str, data: Mapping[str, Any]) -> str:
    """The input name that shows an error reported on a Contract-1 path (e.g. runs.1.start → run_thu_start)."""
    if m := _RUN_PATH.match(path):
        index, attr = int(m.group(1)), m.group(2)
        runs = data.get("runs") or []
        if index < len(runs):
            day = runs[index].get("day")
            if day in WEEKDAYS:
                return f"run_{day}_{attr if attr in ('kind', 'minutes', 'start') else 'kind'}"
        return "form"
    parts = path.split(".")
    if parts[0] == "available" and len(parts) >= 2 and parts[1] in WEEKDAYS:
        attr = parts[2] if len(parts) > 2 and parts[2] in ("minutes", "start") else "minutes"
        return f"avail_{parts[1]}_{attr}"
    if parts[0] == "pain" and len(parts) > 1:
        return f"pain_{parts[1]}"
    if parts[0] == "screening":
        return "flags"
    if parts[0] == "history" and len(parts) > 1:
        return {"longest_run_30d_minutes": "history_longest"}.get(parts[1], "history_last_week")
    if parts[0] in ("weak_areas", "equipment", "health"):
        return parts[0]
    if parts[0] in field_names():
        return parts[0]
    return "form"


def errors_for_form(errors: list[FieldError], data: Mapping[str, Any]) -> dict[str, str]:
    """Input name → first message, from model errors (paths) and form errors (already input names)."""
    names = set(field_names())
    out: dict[str, str] = {}
    for err in errors:
        key = err.field if err.field in names else form_field_of(err.field, data)
        out.setdefault(key, err.message)
    return out


def form_from_request(data: Mapping[str, Any]) -> dict[str, Any]:
    """Form values (input name → value or list) from Contract-1 data, to pre-fill or re-render the form."""
    values: dict[str, Any] = {
        "name": data.get("name", ""), "week_start": str(data.get("week_start", "")),
        "timezone": data.get("timezone", "UTC"), "wake_time": data.get("wake_time", "06:30"),
        "level": str(data.get("level", 1)), "weak_areas": list(data.get("weak_areas", [])),
        "equipment": list(data.get("equipment", [])), "health": list(data.get("health", [])),
        "hamstring_twice_daily": bool(data.get("hamstring_twice_daily")),
        "returning": bool(data.get("returning")),
        "reminder_minutes": "" if data.get("reminder_minutes") in (None, 0) else str(data["reminder_minutes"]),
    }
    runs = {r.get("day"): r for r in data.get("runs", []) if isinstance(r, Mapping)}
    available = data.get("available", {}) or {}
    for d in WEEKDAYS:
        run = runs.get(d)
        values[f"run_{d}_kind"] = run.get("kind", "rest") if run else "rest"
        values[f"run_{d}_minutes"] = str(run.get("minutes", "")) if run else "30"
        values[f"run_{d}_start"] = run.get("start", "07:00") if run else "07:00"
        window = available.get(d) or {}
        values[f"avail_{d}_minutes"] = str(window.get("minutes", 0))
        values[f"avail_{d}_start"] = window.get("start", "18:00")
    pain = data.get("pain", {}) or {}
    values["pain_limping"] = bool(pain.get("limping"))
    values.update(pain_during_run=str(pain.get("during_run", 0)), pain_at_rest=str(pain.get("at_rest", 0)),
                  pain_next_morning=pain.get("next_morning", "usual"), pain_trend=pain.get("trend", "flat"))
    screening = data.get("screening", {}) or {}
    values["flags"] = [*screening.get("red_flags", []), *screening.get("cautions", [])]
    # A stored or example request has had its safety questions answered: folded unless one was ticked.
    values["screening_answer"] = "some" if values["flags"] else "none"
    history = data.get("history", {}) or {}
    values["history_longest"] = "" if history.get("longest_run_30d_minutes") is None else \
        str(history["longest_run_30d_minutes"])
    values["history_last_week"] = "" if history.get("last_week_run_minutes") is None else \
        str(history["last_week_run_minutes"])
    return values


def form_from_submission(form: MultiDict[str, str]) -> dict[str, Any]:
    """The user's submitted values exactly as typed (cut to a sane length), to re-render after an error."""
    values: dict[str, Any] = {}
    for key in form:  # MultiDict iterates its distinct keys
        if key in LIST_FIELDS:
            values[key] = [v[:MAX_TEXT] for v in form.getlist(key)]
        elif key != "csrf_token":
            values[key] = (form.get(key) or "")[:MAX_TEXT]
    for key in LIST_FIELDS:
        values.setdefault(key, [])
    if values["flags"]:  # a ticked question is never folded away out of sight
        values["screening_answer"] = "some"
    values["hamstring_twice_daily"] = _checked(form, "hamstring_twice_daily")
    values["pain_limping"] = _checked(form, "pain_limping")
    values["returning"] = _checked(form, "returning")
    return values


__all__ = ["AREAS", "AREA_LABELS", "DAY_NAMES", "HEALTH_FACTS", "LEVELS", "PAIN_NEXT", "PAIN_TREND", "RUN_CHOICES",
           "SCREENING_ANSWERS",
           "errors_for_form", "field_names", "form_from_request", "form_from_submission", "request_from_form"]


_LABELS = {
    "name": "Name", "week_start": "Week starting", "timezone": "Time zone", "wake_time": "Wake-up time",
    "level": "Experience", "weak_areas": "Weak areas", "equipment": "Equipment", "flags": "Safety questions",
    "pain_during_run": "Pain during runs", "pain_at_rest": "Pain at rest", "pain_next_morning": "Morning after",
    "pain_trend": "Pain trend", "history_longest": "Longest recent run", "history_last_week": "Last week's running",
    "reminder_minutes": "Calendar reminder", "hamstring_twice_daily": "Hamstring stretch", "form": "The form",
    "pain_limping": "Limping", "health": "Health facts", "returning": "Coming back",
}


def label_of(name: str) -> str:
    """A readable label for an input name, for the error summary ('run_thu_start' → 'Thursday run start')."""
    if name in _LABELS:
        return _LABELS[name]
    m = re.fullmatch(r"(run|avail)_(\w{3})_(\w+)", name)
    if m and m.group(2) in DAY_NAMES:
        day = DAY_NAMES[m.group(2)]
        what = {"kind": "run", "minutes": "run minutes", "start": "run start"} if m.group(1) == "run" else \
            {"minutes": "spare minutes", "start": "spare time from"}
        return f"{day} {what.get(m.group(3), m.group(3))}"
    return name
