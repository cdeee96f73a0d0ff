"""The independent log checker catches what it must (tiny hand-made plans), and agrees with planner.history."""

import datetime as dt
import json
from pathlib import Path

import pytest

from planner.engine import make_plan
from planner.history import derive
from planner.knowledge import default_knowledge
from planner.log import parse_log
from planner.request import parse_request
from tests.checker import check_plan
from tests.checker_log import check_log, log_history

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
EXAMPLES = Path(__file__).resolve().parents[2] / "data" / "examples"


def plan(monday="2026-11-30", **days):
    """A Contract-2 plan dict holding only the given items, e.g. tue=[run(40)]."""
    start = dt.date.fromisoformat(monday)
    return {"status": "optimal", "week_start": monday, "timezone": "Europe/Berlin",
            "days": [{"date": (start + dt.timedelta(days=i)).isoformat(), "weekday": d, "items": days.get(d, [])}
                     for i, d in enumerate(WEEKDAYS)]}


def run(minutes, kind="easy", start="07:00", intervals=None, key="run"):
    item = {"key": key, "kind": "run", "run_kind": kind, "start": start, "minutes": minutes}
    if intervals is not None:
        item["intervals"] = intervals
    return item


def session(kind, *ids, start="18:30"):
    return {"key": kind, "kind": kind, "start": start, "minutes": 10, "exercises": [{"id": i} for i in ids]}


def log(*runs, skipped=()):
    """A raw log: runs as (date, minutes), all done at pain 2."""
    out = [{"date": d, "item": f"{WEEKDAYS[dt.date.fromisoformat(d).weekday()]}-run", "status": "done",
            "minutes": m, "pain_during": 2} for d, m in runs]
    out += [{"date": d, "item": "tue-core", "status": "skipped"} for d in skipped]
    return {"checkins": out}


def rules_of(found):
    return sorted({v.rule for v in found})


WEEKS = log(("2026-11-16", 50), ("2026-11-18", 30), ("2026-11-24", 50), ("2026-11-26", 50))  # 80 then 100 min


def test_a_run_above_110_percent_of_the_longest_logged_run_is_caught():
    assert check_log(plan(tue=[run(55)]), WEEKS) == []             # 50 × 1.1 = 55
    found = check_log(plan(tue=[run(60)]), WEEKS)
    assert rules_of(found) == ["R12"] and "longest logged run" in found[0].message


def test_weekly_running_above_last_weeks_logged_minutes_plus_10_percent_is_caught():
    heavy = log(("2026-11-16", 50), ("2026-11-18", 50), ("2026-11-24", 50), ("2026-11-26", 50))
    assert check_log(plan(tue=[run(55)], thu=[run(55)]), heavy) == []       # 110 = 100 × 1.1
    found = check_log(plan(tue=[run(55)], thu=[run(35)], sat=[run(25)]), heavy)
    assert rules_of(found) == ["R12"] and "last week's logged 100 min" in found[0].message


def test_more_than_30_percent_over_two_weeks_is_caught():
    found = check_log(plan(tue=[run(55)], thu=[run(50)]), WEEKS)    # 105 > 80 × 1.3 = 104
    assert [v.message for v in found if "week before's" in v.message]


def test_periods_before_the_log_began_are_not_checked_here():
    found = check_log(plan(tue=[run(200)]), log(("2026-12-01", 20)))   # the log begins in the planned week
    assert found == []


def test_a_period_the_log_began_inside_takes_the_larger_typed_value():
    begun = log(("2026-11-24", 50), ("2026-11-26", 50))     # the log speaks from Mon 23 Nov: 30 days reach before
    assert rules_of(check_log(plan(tue=[run(70)]), begun)) == ["R12"]
    typed = {"history": {"longest_run_30d_minutes": 70}}
    assert check_log(plan(tue=[run(70)]), begun, request=typed) == []


def test_after_seven_days_without_running_every_run_must_be_a_ladder_session():
    off = log(("2026-11-16", 30), ("2026-11-22", 30))              # then Mon 23 – Sun 29 without running
    found = check_log(plan(tue=[run(20)]), off)
    assert "ladder" in rules_of(found)
    assert check_log(plan(tue=[run(30, intervals=[[0, 30]])], thu=[run(30, intervals=[[0, 30]])]), off) == []


def test_a_five_minute_run_is_never_planned():
    found = check_log(plan(tue=[run(40)], sat=[run(5)]), WEEKS)
    assert rules_of(found) == ["useful-run"] and found[0].day == "sat"


def test_a_ladder_session_must_be_a_level_of_the_data():
    found = check_log(plan(tue=[run(30, intervals=[[1, 1]] * 15)]), WEEKS)
    assert rules_of(found) == ["ladder"] and "no level" in found[0].message


def test_ladder_sessions_on_consecutive_days_across_the_week_boundary_are_caught():
    walk = [[0, 30]]
    previous = plan("2026-11-23", sun=[run(30, intervals=walk)])
    found = check_log(plan(mon=[run(30, intervals=walk)]), WEEKS, previous)
    assert rules_of(found) == ["ladder"] and "2 days apart" in found[0].message
    assert check_log(plan(tue=[run(30, intervals=walk)]), WEEKS, previous) == []


def test_four_ladder_sessions_in_a_week_are_too_many():
    walk = [[0, 30]]
    found = check_log(plan(mon=[run(30, intervals=walk)], wed=[run(30, intervals=walk)],
                           fri=[run(30, intervals=walk)], sun=[run(30, intervals=walk)]), WEEKS)
    assert "4 ladder sessions" in " ".join(v.message for v in found)


def test_loaded_strength_on_sunday_and_monday_breaks_r2_across_the_boundary():
    previous = plan("2026-11-23", sun=[session("glutes", "split_squat", start="19:00")])
    found = check_log(plan(mon=[session("glutes", "single_leg_bridge", start="19:00")]), WEEKS, previous)
    assert rules_of(found) == ["R2"]
    assert check_log(plan(tue=[session("glutes", "single_leg_bridge", start="19:00")]), WEEKS, previous) == []


def test_48_real_hours_count_across_the_boundary():
    previous = plan("2026-11-23", sat=[session("core", "front_plank", start="20:00")])
    assert rules_of(check_log(plan(mon=[session("core", "pallof_press", start="18:00")]), WEEKS, previous)) == ["R2"]
    assert check_log(plan(mon=[session("core", "pallof_press", start="20:00")]), WEEKS, previous) == []


def test_level_3_leg_work_on_sunday_before_a_monday_long_run_breaks_r4():
    previous = plan("2026-11-23", sun=[session("glutes", "loaded_hip_thrust")])
    found = check_log(plan(mon=[run(50, kind="long", start="09:00")]), WEEKS, previous)
    assert rules_of(found) == ["R4"]
    assert check_log(plan(mon=[run(50, kind="easy", start="09:00")]), WEEKS, previous) == []


def test_nordic_curls_on_saturday_evening_are_too_close_to_a_monday_morning_quality_run():
    previous = plan("2026-11-23", sat=[session("hamstrings", "nordic_curl", start="18:00")])
    found = check_log(plan(mon=[run(40, kind="quality", start="07:00")]), WEEKS, previous)
    assert rules_of(found) == ["R4"] and "needs 48 h" in found[0].message
    assert check_log(plan(tue=[run(40, kind="quality", start="19:00")]), WEEKS, previous) == []


@pytest.mark.parametrize(("name", "today"), [("ladder-six-weeks", "2026-11-29"), ("red-midweek", "2026-12-02"),
                                             ("skipped-week", "2026-11-29")])
def test_the_checker_and_the_planner_derive_the_same_history_from_the_example_logs(name, today):
    raw = json.loads((EXAMPLES / f"log-{name}.json").read_text(encoding="utf-8"))
    req = parse_request(json.loads((EXAMPLES / f"log-{name}.request.json").read_text(encoding="utf-8")))
    day = dt.date.fromisoformat(today)
    mine = derive(req, parse_log(raw, day), day, default_knowledge().rules)
    theirs = log_history(raw, req.week_start, day, req.to_json_dict())
    assert (mine.longest_run_30d.value, mine.last_week.value, mine.week_before.value,
            mine.days_since_last_run.value) == (theirs["longest"], theirs["last_week"], theirs["week_before"],
                                                theirs["days_off"])


def test_a_week_planned_from_the_logs_history_passes_both_checkers():
    raw = json.loads((EXAMPLES / "log-red-midweek.json").read_text(encoding="utf-8"))
    req = parse_request(json.loads((EXAMPLES / "log-red-midweek.request.json").read_text(encoding="utf-8")),
                        default_knowledge().vocabulary)
    # the week as it was planned on Sunday 29 Nov, before the RED check-in
    sunday = dt.date(2026, 11, 29)
    applied = derive(req, parse_log(raw, dt.date(2026, 12, 2)), sunday, default_knowledge().rules).apply(req)
    out = make_plan(applied, default_knowledge()).to_dict()
    assert check_plan(out, applied.to_json_dict()) == []
    assert check_log(out, {"checkins": [c for c in raw["checkins"] if c["date"] <= "2026-11-29"]},
                     request=req.to_json_dict()) == []
