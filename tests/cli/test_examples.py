"""The `planner plan` command (Contract 3) on every example request: status, exit code, and a plan that the
independent checker accepts. Runs `planner.cli.main` in-process (the console script calls the same)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from planner.cli import main
from tests.checker import check_plan, data

EXAMPLES = Path(__file__).resolve().parents[2] / "data" / "examples"
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

# name -> (exit code, allowed statuses, pain status)
EXPECTED = {
    "green-novice": (0, {"optimal", "feasible"}, "GREEN"),
    "amber-half-marathoner": (0, {"optimal", "feasible"}, "AMBER"),
    "red-runner": (0, {"optimal", "feasible"}, "RED"),
    "sciatica-caution": (0, {"optimal", "feasible"}, "GREEN"),
    "red-flag-urgent": (3, {"referred"}, None),
    "infeasible-week": (4, {"infeasible"}, None),
}

_RUNS: dict[str, tuple[int, dict, str]] = {}


def run_json(capsys: pytest.CaptureFixture[str], name: str) -> tuple[int, dict, str]:
    """Exit code, parsed JSON plan and stderr of `planner plan EXAMPLE --format json` (once per name)."""
    if name not in _RUNS:
        code = main(["plan", str(EXAMPLES / f"{name}.json"), "--format", "json"])
        out, err = capsys.readouterr()
        _RUNS[name] = (code, json.loads(out), err)
    return _RUNS[name]


def test_every_example_file_has_an_expectation():
    assert {p.stem for p in EXAMPLES.glob("*.json") if not p.stem.startswith("log-")} == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_example_gives_its_documented_status_and_exit_code(capsys, name):
    code, plan, _ = run_json(capsys, name)
    want_code, statuses, pain = EXPECTED[name]
    assert code == want_code
    assert plan["status"] in statuses
    if pain is not None:
        assert plan["pain_status"] == pain


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_example_plan_passes_the_independent_checker(capsys, name):
    _, plan, _ = run_json(capsys, name)
    request = json.loads((EXAMPLES / f"{name}.json").read_text(encoding="utf-8"))
    violations = check_plan(plan, request)
    assert not violations, "\n".join(map(str, violations))


def test_the_sciatica_week_holds_only_level_1_flare_safe_exercises(capsys):
    _, plan, _ = run_json(capsys, "sciatica-caution")
    catalogue = data().exercises
    used = [e["id"] for day in plan["days"] for item in day["items"] for e in item["exercises"]]
    assert used
    for ex_id in used:
        assert catalogue[ex_id]["level"] == 1 and catalogue[ex_id]["flare_safe"], ex_id
    assert any("physiotherapist" in notice for notice in plan["notices"])


def test_the_red_flag_example_is_referred_urgently_without_a_week(capsys):
    _, plan, err = run_json(capsys, "red-flag-urgent")
    assert plan["referral"]["urgency"] == "urgent"
    assert all(not day["items"] for day in plan["days"])
    assert "referred" in err


def test_the_infeasible_example_names_conflicts_and_relaxations(capsys):
    _, plan, err = run_json(capsys, "infeasible-week")
    assert plan["explanation"]["conflicts"]
    assert plan["explanation"]["relaxations"]
    assert "infeasible" in err


def test_a_bad_request_exits_2_and_names_the_field(capsys, tmp_path):
    bad = json.loads((EXAMPLES / "green-novice.json").read_text(encoding="utf-8"))
    bad["runs"][1]["day"] = "someday"
    bad["level"] = 7
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad), encoding="utf-8")
    code = main(["plan", str(path), "--format", "json"])
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    assert "runs.1.day" in err and "level" in err


def test_a_request_that_is_not_json_exits_2(capsys, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("{ not json", encoding="utf-8")
    assert main(["plan", str(path)]) == 2
    assert "not valid JSON" in capsys.readouterr().err


def test_the_table_format_lists_all_seven_days(capsys):
    code = main(["plan", str(EXAMPLES / "green-novice.json"), "--format", "table"])
    out, _ = capsys.readouterr()
    assert code == 0
    for name in DAY_NAMES:
        assert name in out


def test_the_toml_example_plans_the_same_week_as_its_json_twin(capsys):
    plans = []
    for suffix in ("toml", "json"):
        assert main(["plan", str(EXAMPLES / f"green-novice.{suffix}"), "--format", "json"]) == 0
        plans.append(json.loads(capsys.readouterr().out))
    assert plans[0]["days"] == plans[1]["days"] and plans[0]["status"] == "optimal"


def test_warm_ups_and_cool_downs_hold_exactly_what_fits_their_minutes(capsys):
    for name in ("green-novice", "amber-half-marathoner", "red-runner", "sciatica-caution"):
        _, plan, _ = run_json(capsys, name)
        for day in plan["days"]:
            for item in day["items"]:
                if item["kind"] in ("warm_up", "cool_down"):
                    assert 0 < sum(e["minutes"] for e in item["exercises"]) <= item["minutes"], (name, item)


def test_a_week_planned_around_pain_is_not_exported_over_several_weeks(capsys, tmp_path):
    code = main(["plan", str(EXAMPLES / "red-runner.json"), "--format", "ics", "--weeks", "4",
                 "--output", str(tmp_path / "x.ics")])
    assert code == 2 and "plan again next week" in capsys.readouterr().err
