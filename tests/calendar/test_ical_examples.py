"""Every example request that yields a plan exports a calendar both parsers read, one event per block."""

import datetime as dt

import pytest
from ical_checks import EXAMPLES, block_count, blocks_of, check_calendar, example_plan, has_week, vobject_calendar

from planner.cli import main
from planner.ical import build_calendar

NAMES = sorted(p.stem for p in EXAMPLES.glob("*.json") if not p.stem.startswith("log-"))  # log-*: Contract 5
STAMP = dt.datetime(2026, 11, 20, 9, 30, tzinfo=dt.UTC)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("weeks", [1, 3, 12])
def test_every_example_exports_one_event_per_block_and_week_at_the_plans_local_times(name, weeks):
    plan = example_plan(name)
    ics = build_calendar(plan, uid_base="example.test", stamp=STAMP, weeks=weeks, reminder_minutes=10)
    cal = check_calendar(ics, plan, weeks, uid_base="example.test")
    assert len(cal.events) == block_count(plan) * weeks


def test_the_amber_example_has_at_most_two_events_on_a_run_day_and_one_on_a_day_without():
    plan = example_plan("amber-half-marathoner")
    cal = check_calendar(build_calendar(plan, uid_base="example.test", stamp=STAMP), plan, 1, "example.test")
    for day in plan["days"]:
        on_day = [e for e in cal.events if e.start.date().isoformat() == day["date"]]
        has_run = any(i["kind"] == "run" for i in day["items"])
        assert len(on_day) == len(blocks_of(day)) <= (2 if has_run else 1), day["weekday"]
    assert len(cal.events) < sum(len(d["items"]) for d in plan["days"]) / 2


def test_the_examples_include_planned_weeks_and_weeks_without_a_plan():
    statuses = {name: example_plan(name)["status"] for name in NAMES}
    assert sum(has_week(example_plan(n)) for n in NAMES) >= 3
    assert {"infeasible", "referred"} <= set(statuses.values())


@pytest.mark.parametrize("name", NAMES)
def test_a_week_without_a_plan_is_a_valid_calendar_with_no_events(name):
    plan = example_plan(name)
    if has_week(plan):
        plan = {**plan, "status": "infeasible"}
    ics = build_calendar(plan, uid_base="example.test", stamp=STAMP, weeks=2)
    cal = check_calendar(ics, plan, 2)
    assert cal.events == []
    assert [tz.tz_name for tz in cal.timezones] == [plan["timezone"]]


def test_the_command_line_writes_a_two_week_calendar(tmp_path):
    out = tmp_path / "week.ics"
    code = main(["plan", str(EXAMPLES / "green-novice.json"), "--format", "ics", "--weeks", "2",
                 "--output", str(out)])
    assert code == 0
    ics = out.read_bytes()
    plan = example_plan("green-novice")
    cal = check_calendar(ics, plan, 2)
    assert len(cal.events) == 2 * block_count(plan)
    assert vobject_calendar(ics).contents["x-wr-calname"][0].value == "First 10k block"
    alarms = [a for e in cal.events for a in e.walk("VALARM")]
    assert len(alarms) == len(cal.events)       # one reminder per block
    assert {a["TRIGGER"].to_ical() for a in alarms} == {b"-PT15M"}


def test_the_command_line_uids_are_stable_across_runs(tmp_path):
    uids = []
    for run in range(2):
        out = tmp_path / f"week{run}.ics"
        code = main(["plan", str(EXAMPLES / "green-novice.json"), "--format", "ics", "--output", str(out)])
        assert code == 0
        uids.append([line for line in out.read_bytes().split(b"\r\n") if line.startswith(b"UID:")])
    assert uids[0] == uids[1] and uids[0]
