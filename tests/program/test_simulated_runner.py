"""A simulated runner over 8 weeks (issue 9): scripted check-ins after every planned run — GREEN, AMBER, RED, a
skipped session, a week off — drive the return-to-run ladder up, hold it, step it down and back up. Every
week's plan passes both independent checkers: the plan checker on the request as the log leaves it, and the
log checker (caps from the log itself, R2/R4 across the week boundary, the ladder's shape)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from planner.context import PlanContext
from planner.engine import make_plan
from planner.history import derive
from planner.knowledge import default_knowledge
from planner.log import parse_log
from planner.request import parse_request
from tests.checker import check_plan
from tests.checker_log import check_log

MONDAY = dt.date(2026, 11, 2)
REQUEST: dict[str, Any] = {
    "week_start": MONDAY.isoformat(), "timezone": "Europe/Berlin", "wake_time": "06:30", "level": 2,
    "returning": True,
    "runs": [{"day": "mon", "kind": "easy", "minutes": 40, "start": "18:00"},
             {"day": "wed", "kind": "quality", "minutes": 45, "start": "18:00"},
             {"day": "fri", "kind": "easy", "minutes": 40, "start": "18:00"},
             {"day": "sun", "kind": "long", "minutes": 70, "start": "09:00"}],
    "available": {d: {"minutes": 25, "start": "20:00"} for d in ("mon", "tue", "wed", "thu", "fri", "sat")},
    "weak_areas": ["core", "hamstrings"], "equipment": ["band", "anchor"],
    "history": {"longest_run_30d_minutes": 60, "last_week_run_minutes": 0},
}
# pain during each planned run of the week, in order; None = the run is skipped; "off" = a week without running
SCRIPT: list[Any] = [
    [1, 1, 1],            # week 1: GREEN walks → up
    [2, 1, 1],            # week 2: GREEN → up
    [4, 2, 2],            # week 3: AMBER first, then GREEN → held, then up at most once
    [6, 2, None],         # week 4: RED → down one; a skip
    "off",                # week 5: a week off → back to the start of the ladder
    [1, 1, 1],            # weeks 6–8: GREEN → up again
    [1, 1, 1],
    [1, 0, 1],
]
ORDER = ("L0", "L1", "L2", "L3", "L4", "L5", "L6")


def test_eight_weeks_drive_the_ladder_up_hold_it_step_it_down_and_back_up():
    knowledge = default_knowledge()
    checkins: list[dict[str, Any]] = []
    levels: list[str | None] = []
    before: dict[str, Any] | None = None
    for week, script in enumerate(SCRIPT):
        monday = MONDAY + dt.timedelta(weeks=week)
        today = monday - dt.timedelta(days=1)
        raw = {**REQUEST, "week_start": monday.isoformat()}
        request = parse_request(raw, knowledge.vocabulary)
        log = parse_log({"checkins": checkins}, today=today)
        plan = make_plan(request, knowledge, PlanContext(log=log, today=today, before=before)).to_dict()
        assert plan["status"] in ("optimal", "feasible"), (week, plan["notices"])
        applied = derive(request, log, today, knowledge.rules).apply(request).to_json_dict()
        assert check_plan(plan, applied) == [], (week, check_plan(plan, applied))
        found = check_log(plan, {"checkins": checkins}, before, request=raw, today=today.isoformat())
        assert found == [], (week, [str(v) for v in found])
        levels.append((plan["ladder"] or {}).get("level"))
        runs = [(d["date"], i) for d in plan["days"] for i in d["items"] if i["kind"] == "run"]
        assert all(i["minutes"] >= 15 for _, i in runs)
        assert all(i["run_kind"] != "quality" for _, i in runs), "no quality run in a week after time off"
        if script != "off":
            for (date, item), pain in zip(runs, script, strict=False):
                if pain is None:
                    checkins.append({"date": date, "item": item["key"], "status": "skipped"})
                else:
                    checkins.append({"date": date, "item": item["key"], "status": "done",
                                     "minutes": item["minutes"], "pain_during": pain, "next_morning": "usual"})
        before = plan
    rank = [ORDER.index(level) if level else len(ORDER) for level in levels]
    assert rank[1] > rank[0] and rank[2] > rank[1], levels                  # GREEN weeks climb
    assert rank[3] <= rank[2] + 1, levels                                   # AMBER holds (one climb at most)
    assert rank[4] < rank[3], levels                                        # RED steps down
    assert levels[5] == "L0", levels                                        # a week off: from the walk again
    assert rank[7] > rank[5], levels                                        # and up again
