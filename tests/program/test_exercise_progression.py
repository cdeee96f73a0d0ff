"""Exercise progression over weeks (issue 9, item 5): one change at a time, from the log."""

from __future__ import annotations

import copy
import datetime as dt
import re
from typing import Any

from planner.context import PlanContext
from planner.engine import make_plan
from planner.knowledge import default_knowledge
from planner.log import parse_log
from planner.request import parse_request

RAW: dict[str, Any] = {
    "week_start": "2026-11-16", "timezone": "Europe/Berlin", "wake_time": "06:30", "level": 1,
    "runs": [{"day": "tue", "kind": "easy", "minutes": 30, "start": "07:00"},
             {"day": "sat", "kind": "long", "minutes": 50, "start": "09:00"}],
    "available": {d: {"minutes": 25, "start": "19:00"} for d in ("mon", "wed", "thu", "fri")},
    "weak_areas": ["core", "glutes"], "equipment": ["band", "mini_band"],
    "history": {"longest_run_30d_minutes": 50, "last_week_run_minutes": 80},
}


def week(monday: dt.date) -> dict[str, Any]:
    raw = copy.deepcopy(RAW)
    raw["week_start"] = monday.isoformat()
    return raw


def two_weeks_of(status_of: Any) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Plan two weeks, check in every item with status_of(kind), and return week 3's request and the log."""
    knowledge = default_knowledge()
    checkins: list[dict[str, Any]] = []
    for k in range(2):
        monday = dt.date(2026, 11, 16) + dt.timedelta(weeks=k)
        plan = make_plan(parse_request(week(monday), knowledge.vocabulary), knowledge).to_dict()
        for day in plan["days"]:
            for item in day["items"]:
                if item["kind"] in ("warm_up", "cool_down"):
                    continue
                entry = {"date": day["date"], "item": item["key"], "status": status_of(item["kind"])}
                if item["kind"] == "run" and entry["status"] == "done":
                    entry.update(minutes=item["minutes"], pain_during=1, next_morning="usual")
                checkins.append(entry)
    return week(dt.date(2026, 11, 30)), checkins


def plan_week_three(raw: dict[str, Any], checkins: list[dict[str, Any]]) -> dict[str, Any]:
    knowledge = default_knowledge()
    today = dt.date(2026, 11, 29)
    log = parse_log({"checkins": checkins}, today=today)
    return make_plan(parse_request(raw, knowledge.vocabulary), knowledge, PlanContext(log=log, today=today)).to_dict()


def exercises_of(plan: dict[str, Any], kind: str) -> set[str]:
    return {e["id"] for d in plan["days"] for i in d["items"] if i["kind"] == kind for e in i["exercises"]}


def test_a_session_kind_done_without_pain_for_two_weeks_moves_to_harder_variants_one_kind_at_a_time():
    raw, checkins = two_weeks_of(lambda kind: "done")
    plan = plan_week_three(raw, checkins)
    note = next(n for n in plan["notices"] if "harder variants" in n)
    kind = next(k for k, label in (("core", "core"), ("glutes", "glute")) if f"Your {label} sessions" in note)
    baseline = make_plan(parse_request(raw, default_knowledge().vocabulary), default_knowledge()).to_dict()
    catalogue = default_knowledge().catalogue
    harder = {catalogue.get(e).harder for e in exercises_of(baseline, kind)} - {None}
    assert exercises_of(plan, kind) & harder, "no harder variant in the progressed sessions"
    other = "glutes" if kind == "core" else "core"
    assert exercises_of(plan, other) == exercises_of(baseline, other)        # one change at a time


def test_a_session_kind_skipped_twice_goes_back_to_easier_variants():
    raw, checkins = two_weeks_of(lambda kind: "skipped" if kind == "glutes" else "done")
    plan = plan_week_three(raw, checkins)
    assert any(re.search(r"glute sessions were skipped (twice|\d+ times) in the last 2 weeks", n)
               and "easier variants" in n for n in plan["notices"])
