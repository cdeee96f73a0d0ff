"""The wording review of 2026-12-02: what the plan says matches what it does and what the data holds, cites the
rule that applies, and claims no more than DOMAIN.md §5 allows. One test per finding."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from planner.engine import make_plan
from planner.knowledge import Knowledge, default_knowledge
from planner.plan import DISCLAIMER
from planner.request import parse_request
from tests.checker import assert_valid
from tests.solver.test_clinical_review import request


def plan_of(raw: dict[str, Any], knowledge: Knowledge | None = None) -> dict[str, Any]:
    knowledge = knowledge or default_knowledge()
    plan = make_plan(parse_request(raw, knowledge.vocabulary), knowledge).to_dict()
    assert_valid(plan, raw)
    return plan


def texts(plan: dict[str, Any]) -> str:
    return " ".join([*plan["notices"], *(r for d in plan["days"] for i in d["items"] for r in i["reasons"])])


def cited(plan: dict[str, Any]) -> set[str]:
    return {rid for d in plan["days"] for i in d["items"] for rid in i["rules"]}


def test_a_caution_week_with_settled_pain_cites_the_screening_rule_not_amber_pain():
    plan = plan_of(request(screening={"red_flags": [], "cautions": ["sciatica"]}))
    assert plan["pain_status"] == "GREEN"
    assert "pain-amber" not in cited(plan) and "pain-amber" not in plan["sources"]
    trimmed = [i for d in plan["days"] for i in d["items"] if i["kind"] == "run" and "R13" not in i["rules"]
               and any(r.startswith("Caution answer in screening") for r in i["reasons"])]
    assert trimmed and all("screen-1C" in i["rules"] for i in trimmed)


def test_the_caution_advice_says_the_runs_are_trimmed_as_the_plan_trims_them():
    advice = default_knowledge().screening.tiers["1C"].advice
    assert "held steady" not in advice and "each run trimmed" in advice
    plan = plan_of(request(screening={"red_flags": [], "cautions": ["sciatica"]}))
    asked = {r["day"]: r["minutes"] for r in request()["runs"]}
    planned = {d["weekday"]: i["minutes"] for d in plan["days"] for i in d["items"] if i["kind"] == "run"}
    assert any(planned[day] < minutes for day, minutes in asked.items())


def test_every_rule_a_week_cites_has_its_source_in_words_ladder_included():
    easy = [{"day": d, "kind": "easy", "minutes": 30, "start": "07:00"} for d in ("mon", "wed", "fri")]
    ladder_week = request(history={"longest_run_30d_minutes": 40, "last_week_run_minutes": 0}, runs=easy)
    for raw in (request(), request(level=3), ladder_week):
        plan = plan_of(raw)
        assert cited(plan) <= set(plan["sources"])
    assert "ladder" in cited(plan_of(ladder_week))
    assert "Warden" in default_knowledge().rules.sources["ladder"]


def test_no_text_says_exercise_helps_most_people_domain_5_says_many():
    knowledge = default_knowledge()
    words = " ".join([t.advice for t in knowledge.screening.tiers.values()])
    plan = plan_of(request(pain={"during_run": 8, "at_rest": 0, "next_morning": "usual", "trend": "flat"}))
    words += " " + plan["referral"]["message"]
    assert "helps many people with back pain" in words
    assert not re.search(r"helps most (people|back pain)", words)


def test_the_gap_between_loaded_sessions_in_the_reasons_is_the_data_s_number():
    knowledge = default_knowledge()
    routine = knowledge.rules.routine.model_copy(update={"loaded_gap_hours": 60})
    changed = dataclasses.replace(knowledge, rules=knowledge.rules.model_copy(update={"routine": routine}))
    words = texts(plan_of(request(level=3), changed))
    assert "at least 60 h after the last loaded session" in words and "48 h" not in words


def test_the_cadence_cue_is_the_rule_text_of_the_data():
    plan = plan_of(request())
    cue = default_knowledge().rules.text("R14")
    assert f"Optional cue: {cue}" in texts(plan)


def test_the_pain_ceiling_of_the_disclaimer_is_the_data_s_red_threshold():
    ceiling = default_knowledge().rules.pain.red_during_above
    assert re.findall(r"above (\d+)/10", DISCLAIMER) == [str(ceiling)]
    plan = plan_of(request(pain={"during_run": 4, "at_rest": 0, "next_morning": "usual", "trend": "flat"}))
    assert f"stop if pain passes {ceiling}/10" in plan["notices"][0]


def test_the_summary_and_the_notice_count_the_same_runs_asked_for_dropped_ones_too():
    """Black-box finding: a run too short to plan was in the notice's "of the 195 min" but not in the summary."""
    raw = request(runs=[*request()["runs"], {"day": "sat", "kind": "easy", "minutes": 10, "start": "08:00"}])
    plan = plan_of(raw)
    asked = sum(r["minutes"] for r in raw["runs"])
    assert "sat" not in {d["weekday"] for d in plan["days"] for i in d["items"] if i["kind"] == "run"}
    assert plan["summary"]["requested_run_minutes"] == asked
    assert f"of the {asked} min" in plan["notices"][0]


def test_a_return_to_run_walk_is_warmed_up_for_walking_not_with_a_jog():
    """Review finding: the ladder's brisk walk got the run's warm-up (a jog, A-skips)."""
    easy = [{"day": d, "kind": "easy", "minutes": 30, "start": "07:00"} for d in ("mon", "wed", "fri")]
    plan = plan_of(request(history={"longest_run_30d_minutes": 40, "last_week_run_minutes": 0}, runs=easy))
    assert plan["ladder"]["level"] == "L0"
    running_only = {e.id for e in default_knowledge().catalogue.exercises if e.running_only}
    assert running_only, "the catalogue marks its running-only warm-up items"
    warm_ups = [i for d in plan["days"] for i in d["items"] if i["kind"] == "warm_up"]
    assert warm_ups and all(not {e["id"] for e in i["exercises"]} & running_only for i in warm_ups)
    assert all("before the walk" in i["reasons"][0] for i in warm_ups)
    cool_downs = [i for d in plan["days"] for i in d["items"] if i["kind"] == "cool_down"]
    assert cool_downs and all("after the walk" in i["reasons"][0] for i in cool_downs)
