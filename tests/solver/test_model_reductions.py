"""The planning model leaves out what cannot happen (sessions and candidate sets that do not fit the day, the
wishes as constants, constraints a tighter one implies). These tests pin that none of it changes a week's
optimum: the same instance solved as the explanation builds it — every session kept, every wish an assumption
literal, every constraint posted — has the same status and the same objective value."""

from __future__ import annotations

import random

import pytest

from planner.engine import build_instance
from planner.knowledge import default_knowledge
from planner.pain import pain_status
from planner.request import RequestError, parse_request
from planner.solver import WeekModel
from tests.property.test_random_requests import RandomChooser, realistic_request


def _instances(n: int, seed: int) -> list:
    knowledge = default_knowledge()
    rng = random.Random(seed)
    out = []
    while len(out) < n:
        try:
            request = parse_request(realistic_request(RandomChooser(rng), referrals=False), knowledge.vocabulary)
        except RequestError:
            continue
        pain = pain_status(request.pain, knowledge.rules)
        if pain.status == "STOP":
            continue
        caution = bool(request.screening.cautions)
        status = "AMBER" if caution and pain.status == "GREEN" else pain.status
        out.append(build_instance(request, knowledge, status, caution))
    return out


@pytest.mark.parametrize("inst", _instances(60, 20261202), ids=lambda _: "week")
def test_the_reduced_planning_model_has_the_full_models_optimum(inst):
    planned = WeekModel(inst)
    full = WeekModel(inst, wishes="assumed")       # nothing left out: sessions, literals and every constraint
    assert len(full.on) >= len(planned.on)
    got, want = planned.solve(), full.solve()
    assert got.status == want.status
    if want.status == "optimal":
        assert got.objective == want.objective


def test_the_planning_model_leaves_out_sessions_that_cannot_fit():
    insts = _instances(30, 7)
    left_out = sum(len(WeekModel(i, wishes="assumed").on) - len(WeekModel(i).on) for i in insts)
    assert left_out > 0, "the corpus has days without spare time: their sessions are not in the planning model"
