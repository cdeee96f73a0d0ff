"""Suggested relaxations do what they say: applied to the request, the conflict they name is gone."""

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
            elif after.status == "infeasible":
                # dropping a wish removes this conflict; another may remain, but never the same one
                assert after.explanation.conflicts != plan.explanation.conflicts, relaxation
    assert time_fixes >= 4


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
