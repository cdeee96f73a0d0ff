"""Suggested relaxations do what they say: applied to the request, the week is planned (a fix marked "a first
step", offered only when no one kind of change is enough, removes the conflict it names)."""

from __future__ import annotations

import random

from planner.engine import make_plan
from planner.explain import relax
from planner.request import RequestError, parse_request
from tests.property.test_random_requests import RandomChooser, realistic_request


def infeasible_corpus(knowledge, n=1000, seed=5):
    rng = random.Random(seed)
    while n:
        raw = realistic_request(RandomChooser(rng), referrals=False)
        try:
            request = parse_request(raw, knowledge.vocabulary)
        except RequestError:
            continue
        n -= 1
        plan = make_plan(request, knowledge)
        if plan.status == "infeasible":
            yield request, plan


def test_more_time_gives_every_infeasible_week_a_plan_and_other_relaxations_remove_their_conflict(knowledge):
    time_fixes = 0
    for request, plan in infeasible_corpus(knowledge):
        assert plan.explanation is not None and plan.explanation.relaxations
        for relaxation in plan.explanation.relaxations:
            after = make_plan(relax(request, relaxation.action, knowledge.rules), knowledge)
            if relaxation.action.startswith("more_time:"):
                # the minutes come from a slack solve over every other wish: all of them fit afterwards
                assert after.status == "optimal", relaxation
                time_fixes += 1
            elif "(a first step)" in relaxation.label:
                # dropping a wish removes this conflict; another may remain, but never the same one
                assert after.status == "optimal" or after.explanation.conflicts != plan.explanation.conflicts
            else:
                # a one-click fix gives up as many wishes of its kind as the week needs
                assert after.status == "optimal", relaxation
    assert time_fixes >= 4


def test_five_weak_areas_in_tiny_windows_get_a_fix_that_plans_the_week(knowledge):
    """Black-box finding: "Take core off your weak areas" still left the week infeasible (glutes too)."""
    raw = {"week_start": "2026-11-30", "timezone": "Europe/Berlin", "wake_time": "06:30", "level": 2,
           "runs": [{"day": "tue", "kind": "easy", "minutes": 40, "start": "07:00"},
                    {"day": "sun", "kind": "long", "minutes": 90, "start": "09:00"}],
           "available": {d: {"minutes": 8, "start": "19:00"}
                         for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")},
           "weak_areas": ["core", "glutes", "hamstrings", "hip_mobility", "thoracic"],
           "history": {"longest_run_30d_minutes": 90, "last_week_run_minutes": 130}}
    request = parse_request(raw, knowledge.vocabulary)
    plan = make_plan(request, knowledge)
    assert plan.status == "infeasible"
    areas = [r for r in plan.explanation.relaxations if r.action.startswith("drop_weak_area:")]
    assert areas, plan.explanation
    for relaxation in areas:
        assert make_plan(relax(request, relaxation.action, knowledge.rules), knowledge).status == "optimal"


def test_a_combined_time_relaxation_widens_every_named_day(example):
    request = example("infeasible-week")
    relaxed = relax(request, "more_time:mon:10,sat:5")
    assert relaxed.available["mon"].minutes == 10
    assert relaxed.available["sat"].minutes == (request.window_on("sat").minutes if request.window_on("sat") else 0) + 5


def test_a_relaxation_that_names_nothing_in_the_request_is_refused(example):
    import pytest
    request = example("infeasible-week")
    for action in ("drop_run:xyz", "drop_weak_area:elbows", "more_time:mon:0", "more_time:funday:5", "shrug"):
        with pytest.raises(ValueError):
            relax(request, action)
