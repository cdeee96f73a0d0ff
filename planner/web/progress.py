"""What the program page shows besides the week: each item's check-in, and the progress chart's numbers
(weekly run minutes planned vs done, pain during / next morning per run, the ladder level), laid out for a
server-rendered SVG. Pure functions over the program's weeks and log."""

from __future__ import annotations

import datetime as dt
from typing import Any

from planner.log import Log, is_run, monday_of
from planner.plan import run_label
from planner.request import DAY_NAMES

KIND_LABELS = {"run": "run", "warm_up": "warm-up", "cool_down": "cool-down", "core": "core session",
               "glutes": "glutes session", "hamstrings": "hamstring session", "hip_mobility": "hip mobility session",
               "thoracic": "thoracic spine session"}
MORNING = {"usual": "as usual", "settles_within_24h": "settled within 24 h", "persists": "still worse"}
MORNING_LEVEL = {"usual": 0, "settles_within_24h": 5, "persists": 10}   # where the chart draws each answer
WIDTH, HEIGHT, TOP, BOTTOM, LEFT = 640, 240, 20, 190, 44


def item_label(key: str, intervals: list | None = None) -> str:
    """'tue-run' → 'Tuesday run', a return-to-run walk 'Tuesday brisk walk', 'thu-hip_mobility' → 'Thursday hip
    mobility session'."""
    if key.startswith("extra-run"):
        return "Extra run"
    day, _, kind = key.partition("-")
    kind = kind.rsplit("-", 1)[0] if kind[-2:-1] == "-" else kind
    if kind == "run" and intervals:
        return f"{DAY_NAMES.get(day, day).capitalize()} {run_label('easy', intervals).lower()}"
    return f"{DAY_NAMES.get(day, day).capitalize()} {KIND_LABELS.get(kind, kind.replace('_', ' '))}"


def checked(log: Log) -> dict[tuple[str, str], dict[str, Any]]:
    """(date, item key) → the effective check-in, as JSON."""
    return {(c.date.isoformat(), c.item): c.to_json_dict() for c in log.effective()}


def checkable(plan: dict[str, Any]) -> list[dict[str, Any]]:
    """The week's days with the items one checks in (runs and sessions; warm-ups and cool-downs go with
    their run)."""
    return [{**day, "items": [i for i in day.get("items") or [] if i["kind"] not in ("warm_up", "cool_down")]}
            for day in plan.get("days") or []]


def weekly(weeks: dict[str, dict[str, Any]], log: Log) -> list[dict[str, Any]]:
    """Per program week: planned and done run minutes, each run's pain, the ladder level."""
    runs = [c for c in log.effective() if c.run]
    out = []
    for monday in sorted(weeks):
        plan, start = weeks[monday], dt.date.fromisoformat(monday)
        planned = sum(i["minutes"] for d in plan.get("days") or [] for i in d.get("items") or [] if i["kind"] == "run")
        mine = [c for c in runs if monday_of(c.date) == start]
        out.append({"monday": monday, "planned": planned, "done": sum(c.minutes or 0 for c in mine),
                    "level": (plan.get("ladder") or {}).get("level") or "—",
                    "runs": [{"date": c.date.isoformat(), "minutes": c.minutes, "pain": c.pain_during,
                              "morning": c.next_morning} for c in mine],
                    "skipped": sum(1 for c in log.effective() if c.status == "skipped" and is_run(c.item)
                                   and monday_of(c.date) == start)})
    return out


def chart(weeks: list[dict[str, Any]]) -> dict[str, Any]:
    """SVG geometry: a pair of bars per week (planned, done) against minutes on the left, and the pain of
    each run (during: dots; next morning: squares) against 0–10 on the right."""
    n = max(len(weeks), 1)
    width = min(WIDTH, max(360, LEFT * 2 + 90 * n))   # few weeks: a narrow chart, so its text stays legible
    slot = (width - LEFT * 2) / n
    top = max([w["planned"] for w in weeks] + [w["done"] for w in weeks] + [30])
    scale = (BOTTOM - TOP) / top
    columns = []
    for k, week in enumerate(weeks):
        x = LEFT + k * slot
        bar = min(slot * 0.3, 36)
        pains = []
        for j, run in enumerate(week["runs"]):
            px = x + slot * 0.15 + (j + 0.5) * slot * 0.7 / max(len(week["runs"]), 1)
            pains.append({**run, "x": round(px, 1), "y": _pain_y(run["pain"]),
                          "my": None if run["morning"] is None else _pain_y(MORNING_LEVEL[run["morning"]])})
        columns.append({**week, "x": round(x, 1), "mid": round(x + slot / 2, 1), "bar": round(bar, 1),
                        "planned_x": round(x + slot / 2 - bar - 1, 1), "done_x": round(x + slot / 2 + 1, 1),
                        "planned_y": round(BOTTOM - week["planned"] * scale, 1),
                        "done_y": round(BOTTOM - week["done"] * scale, 1),
                        "planned_h": round(week["planned"] * scale, 1), "done_h": round(week["done"] * scale, 1),
                        "pains": pains, "label": dt.date.fromisoformat(week["monday"]).strftime("%d %b")})
    ticks = [{"value": v, "y": round(BOTTOM - v * scale, 1)} for v in range(0, top + 1, max(30, (top // 4) // 30 * 30))]
    pain_ticks = [{"value": v, "y": _pain_y(v)} for v in (0, 5, 10)]
    return {"width": width, "height": HEIGHT, "top": TOP, "bottom": BOTTOM, "left": LEFT, "right": width - LEFT,
            "columns": columns, "ticks": ticks, "pain_ticks": pain_ticks}


def _pain_y(pain: int | None) -> float:
    return round(BOTTOM - (pain or 0) * (BOTTOM - TOP) / 10, 1)


def explained(changes: list[dict[str, Any]], done: set[str]) -> tuple[list[str], list[dict[str, Any]]]:
    """A re-plan's changes for the page: the reasons most of them share said once (first list), each change
    with only its own reason; changes to items already checked in are left out (they happened as logged)."""
    shown = [c for c in changes if c["key"] not in done]
    counts: dict[str, int] = {}
    for change in shown:
        counts[change["reason"]] = counts.get(change["reason"], 0) + 1
    common = [r for r, n in counts.items() if n >= 3]
    return common, [{**c, "reason": None if c["reason"] in common else c["reason"]} for c in shown]
