"""Each hard rule on a tiny pinned model: pin values that break it and expect no solution; the rule holds
in the unpinned optimum. Tests assert rules and bounds, never one exact assignment."""

import pytest
from ortools.sat.python import cp_model

from planner.eligibility import allowed, exercise_limits
from planner.engine import build_instance
from planner.frames import day_frames
from planner.pain import pain_status
from planner.request import parse_request
from planner.solver import WeekModel
from planner.volume import run_limits, weekly_run_cap


def request(knowledge, **overrides):
    data = {
        "week_start": "2026-11-30", "timezone": "UTC", "wake_time": "06:30", "level": 3,
        "runs": [{"day": "wed", "kind": "easy", "minutes": 40, "start": "07:00"},
                 {"day": "sat", "kind": "long", "minutes": 80, "start": "08:00"}],
        "available": {d: {"minutes": 45, "start": "18:00"} for d in ("mon", "tue", "wed", "thu", "fri", "sun")},
        "weak_areas": ["core", "glutes"],
        "equipment": sorted(knowledge.catalogue.equipment_ids()),
    }
    data.update(overrides)
    return parse_request(data, knowledge.vocabulary)


def model_for(knowledge, status="GREEN", caution=False, **overrides):
    inst = build_instance(request(knowledge, **overrides), knowledge, status, caution)
    return WeekModel(inst)


def solve_status(wm: WeekModel) -> int:
    return wm.solver().solve(wm.model)


def test_the_unpinned_week_is_solved_to_optimality(knowledge):
    assert solve_status(model_for(knowledge)) == cp_model.OPTIMAL


def test_r2_loaded_core_on_two_consecutive_days_is_infeasible(knowledge):
    wm = model_for(knowledge)
    wm.model.add(wm.loaded[0, "core"] == 1)
    wm.model.add(wm.loaded[1, "core"] == 1)
    assert solve_status(wm) == cp_model.INFEASIBLE


def test_r2_loaded_core_two_days_apart_is_allowed(knowledge):
    wm = model_for(knowledge)
    wm.model.add(wm.loaded[0, "core"] == 1)
    wm.model.add(wm.loaded[2, "core"] == 1)
    assert solve_status(wm) in (cp_model.OPTIMAL, cp_model.FEASIBLE)


def test_r2_a_fourth_loaded_lower_limb_session_is_infeasible(knowledge):
    wm = model_for(knowledge)
    days = [d for (d, g) in wm.loaded if g == "lower_limb"]
    pinned = [d for d in days if d % 2 == 0][:4]
    assert len(pinned) == 4
    for d in pinned:
        wm.model.add(wm.loaded[d, "lower_limb"] == 1)
    assert solve_status(wm) == cp_model.INFEASIBLE


def test_r10_seven_runs_cannot_all_be_kept(knowledge):
    runs = [{"day": d, "kind": "easy", "minutes": 30, "start": "07:00"}
            for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")]
    assert solve_status(model_for(knowledge, runs=runs, weak_areas=[])) == cp_model.INFEASIBLE


def test_r10_six_runs_are_fine(knowledge):
    runs = [{"day": d, "kind": "easy", "minutes": 30, "start": "07:00"}
            for d in ("mon", "tue", "wed", "thu", "fri", "sat")]
    assert solve_status(model_for(knowledge, runs=runs, weak_areas=[])) == cp_model.OPTIMAL


def test_r11_no_session_on_a_day_without_spare_time(knowledge):
    inst = build_instance(request(knowledge, available={"mon": {"minutes": 30, "start": "18:00"}}, weak_areas=[]),
                          knowledge, "GREEN", False)
    assert any(d == 1 for d, _ in inst.options), "Tuesday has allowed sessions, only the runner's time forbids them"
    # planning: a session that cannot fit the day's spare minutes is left out of the model
    assert not [on for (d, k), on in WeekModel(inst).on.items() if d == 1]
    # explaining: the session is there and the runner's time (a wish) is what forbids it
    wm = WeekModel(inst, wishes="assumed", objective=False)
    tue = [on for (d, k), on in wm.on.items() if d == 1]
    assert tue
    wm.model.add_bool_or(tue)
    assert solve_status(wm) == cp_model.INFEASIBLE


def test_r11_the_long_run_day_holds_at_most_20_minutes(knowledge):
    wm = model_for(knowledge, available={"sat": {"minutes": 60, "start": "15:00"}}, weak_areas=[])
    wm.model.add(wm.extra[5] >= 21)
    assert solve_status(wm) == cp_model.INFEASIBLE


def test_r11_a_session_has_at_least_two_exercises(knowledge):
    wm = model_for(knowledge, weak_areas=[])
    (d, kind), on = next(iter(wm.on.items()))
    wm.model.add(on == 1)
    wm.model.add(sum(wm.picked(d, kind, ex.id) for ex in wm.inst.options[d, kind]) == 1)
    assert solve_status(wm) == cp_model.INFEASIBLE


def test_r12_the_week_cannot_exceed_ten_percent_over_last_week(knowledge):
    wm = model_for(knowledge, history={"last_week_run_minutes": 100})
    assert wm.inst.weekly_cap == 110
    wm.model.add(sum(wm.steps.values()) * 5 >= 115)
    assert solve_status(wm) == cp_model.INFEASIBLE


def test_r12_no_run_above_110_percent_of_the_longest_recent_run(knowledge):
    req = request(knowledge, history={"longest_run_30d_minutes": 60})
    limits = {lim.day: lim for lim in run_limits(req, "GREEN", knowledge.rules)}
    assert limits["sat"].max_minutes == 65     # floor5(66)
    assert "R12" in limits["sat"].rules


def test_weak_area_minimum_cannot_be_met_with_one_free_day(knowledge):
    wm = model_for(knowledge, available={"mon": {"minutes": 45, "start": "18:00"}}, weak_areas=["glutes"])
    assert solve_status(wm) == cp_model.INFEASIBLE


def exercise(knowledge, name_part):
    return next(e for e in knowledge.catalogue.exercises if name_part.lower() in e.name.lower())


def frames_for(knowledge, req, status="GREEN"):
    return day_frames(req, run_limits(req, status, knowledge.rules), knowledge.rules)


def test_r4_no_level_3_leg_work_the_day_before_a_long_run(knowledge):
    req = request(knowledge)
    frames = frames_for(knowledge, req)
    limits = exercise_limits(req, "GREEN", False, knowledge.rules)
    heavy = [e for e in knowledge.catalogue.exercises if e.level == 3 and e.load_group == "lower_limb"]
    assert heavy
    for ex in heavy:
        assert not allowed(ex, req, limits, frames, 4, 18 * 60, knowledge.rules)   # Friday, long run Saturday


def test_r4_nordic_curls_at_least_48_hours_before_the_long_run(knowledge):
    req = request(knowledge)
    frames = frames_for(knowledge, req)
    limits = exercise_limits(req, "GREEN", False, knowledge.rules)
    nordic = exercise(knowledge, "nordic")
    assert not allowed(nordic, req, limits, frames, 3, 18 * 60, knowledge.rules)   # Thu 18:00 → Sat 08:00 = 38 h
    assert allowed(nordic, req, limits, frames, 6, 18 * 60, knowledge.rules)       # Sunday: no hard run after


def test_r8_no_flexion_within_two_hours_of_waking(knowledge):
    req = request(knowledge, wake_time="06:30")
    frames = frames_for(knowledge, req)
    limits = exercise_limits(req, "GREEN", False, knowledge.rules)
    curl_up = exercise(knowledge, "curl-up")
    assert curl_up.flexion
    assert not allowed(curl_up, req, limits, frames, 0, 8 * 60 + 29, knowledge.rules)
    assert allowed(curl_up, req, limits, frames, 0, 8 * 60 + 30, knowledge.rules)


@pytest.mark.parametrize(("status", "caution", "max_level", "flare_only"), [
    ("GREEN", False, 3, False), ("AMBER", False, 2, False), ("RED", False, 1, True), ("GREEN", True, 1, True),
])
def test_r13_and_r1_cap_levels_and_flare_safety(knowledge, status, caution, max_level, flare_only):
    limits = exercise_limits(request(knowledge), status, caution, knowledge.rules)
    assert (limits.max_level, limits.flare_safe_only) == (max_level, flare_only)


@pytest.mark.parametrize(("pain", "expected"), [
    ({}, "GREEN"),
    ({"during_run": 3, "next_morning": "usual", "trend": "falling"}, "GREEN"),
    ({"during_run": 4}, "AMBER"),
    ({"during_run": 5}, "AMBER"),
    ({"next_morning": "settles_within_24h"}, "AMBER"),
    ({"during_run": 6}, "RED"),
    ({"next_morning": "persists"}, "RED"),
    ({"trend": "rising"}, "RED"),
    ({"at_rest": 7}, "STOP"),
])
def test_pain_status_follows_the_pain_monitoring_table(knowledge, pain, expected):
    assert pain_status(request(knowledge, pain=pain).pain, knowledge.rules).status == expected


def test_amber_turns_quality_into_easy_and_caps_runs_at_90_percent(knowledge):
    req = request(knowledge, runs=[{"day": "thu", "kind": "quality", "minutes": 40, "start": "07:00"}])
    (lim,) = run_limits(req, "AMBER", knowledge.rules)
    assert (lim.kind, lim.max_minutes) == ("easy", 35)


def test_red_cuts_runs_about_in_half(knowledge):
    req = request(knowledge)
    limits = {lim.day: lim.max_minutes for lim in run_limits(req, "RED", knowledge.rules)}
    assert limits == {"wed": 20, "sat": 40}


def test_limping_is_a_stop_whatever_the_pain_numbers(knowledge):
    status = pain_status(request(knowledge, pain={"during_run": 1, "limping": True}).pain, knowledge.rules)
    assert status.status == "STOP" and "limping" in status.because


def test_after_a_week_without_running_the_week_gets_the_restart_allowance(knowledge):
    req = request(knowledge, history={"last_week_run_minutes": 0})
    cap, why = weekly_run_cap(req, "GREEN", knowledge.rules)
    assert cap == knowledge.rules.caps.restart_week_minutes and "start back gently" in why
