"""Weeks ahead from the expected progression: a several-week export plans each week from the one before as
if it went as planned (every item done, pain settled), so the ladder climbs and the caps grow +10 % a week,
instead of copying one week. Each week after the first says so."""

from __future__ import annotations

import datetime as dt
from typing import Any

from planner.context import PlanContext
from planner.engine import make_plan
from planner.knowledge import Knowledge
from planner.log import Log, parse_log
from planner.plan import Plan
from planner.request import PlanRequest

AHEAD = ("Planned ahead from the expected progression (every session done, pain settled); it follows what "
         "really happens once you check in.")


def expected_checkins(plan: dict[str, Any]) -> list[dict[str, Any]]:
    """Contract-5 check-ins for a week done exactly as planned: runs at their minutes with pain 0."""
    out: list[dict[str, Any]] = []
    for day in plan.get("days") or []:
        for item in day.get("items") or []:
            entry: dict[str, Any] = {"date": day["date"], "item": item["key"], "status": "done"}
            if item["kind"] == "run":
                entry.update(minutes=item["minutes"], pain_during=0, next_morning="usual")
            out.append(entry)
    return out


def plan_ahead(request: PlanRequest, knowledge: Knowledge, weeks: int, log: Log | None = None,
               today: dt.date | None = None) -> list[Plan]:
    """`weeks` consecutive plans from `request.week_start`, each from the log the weeks before would leave."""
    plans = [make_plan(request, knowledge, PlanContext(log=log, today=today))]
    checkins = [c.model_dump(mode="json", exclude_none=True) for c in (log.checkins if log else [])]
    for k in range(1, weeks):
        before = plans[-1].to_dict()
        if not plans[-1].has_week:
            break
        checkins += expected_checkins(before)
        monday = request.week_start + dt.timedelta(weeks=k)
        ahead = parse_log({"checkins": checkins}, today=monday - dt.timedelta(days=1))
        plan = make_plan(request.model_copy(update={"week_start": monday}), knowledge,
                         PlanContext(log=ahead, today=monday - dt.timedelta(days=1), before=before))
        plans.append(Plan(**{**plan.__dict__, "notices": (*plan.notices, AHEAD)}))
    return plans
