"""The log (Contract 5): every bad check-in is rejected naming its field; later check-ins replace earlier ones."""

import datetime as dt
import json
from pathlib import Path

import pytest

from planner.log import LogError, check_keys, is_run, parse_log, parse_log_json, parse_log_toml
from planner.request import RequestError

TODAY = dt.date(2026, 11, 29)
EXAMPLES = Path(__file__).resolve().parents[2] / "data" / "examples"


def entry(**overrides):
    base = {"date": "2026-11-24", "item": "tue-run", "status": "done", "minutes": 30, "pain_during": 2}
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def errors_of(data, today=TODAY) -> dict[str, str]:
    with pytest.raises(LogError) as info:
        parse_log(data, today)
    return info.value.as_dict()


def test_the_contract_example_is_accepted():
    log = parse_log({"checkins": [
        entry(next_morning="usual"),
        {"date": "2026-11-24", "item": "tue-core", "status": "skipped"},
        entry(date="2026-11-26", item="thu-run", status="partly", minutes=20, pain_during=5,
              next_morning="settles_within_24h", note="stopped early, back tight"),
        entry(date="2026-11-28", item="extra-run", minutes=25, pain_during=1),
    ]}, TODAY)
    assert [c.item for c in log.runs()] == ["tue-run", "thu-run", "extra-run"]
    assert log.checkins[2].note == "stopped early, back tight"


@pytest.mark.parametrize(("change", "field", "words"), [
    ({"date": "2026-11-30"}, "checkins.0.date", "after today"),
    ({"date": "30/11/2026"}, "checkins.0.date", "date like"),
    ({"date": 1764460800}, "checkins.0.date", "date like"),
    ({"minutes": 301}, "checkins.0.minutes", "at most 300"),
    ({"minutes": 0}, "checkins.0.minutes", "at least 1"),
    ({"minutes": 30.5}, "checkins.0.minutes", "whole number"),
    ({"minutes": True}, "checkins.0.minutes", "whole number"),
    ({"pain_during": 11}, "checkins.0.pain_during", "at most 10"),
    ({"status": "maybe"}, "checkins.0.status", "done, partly or skipped"),
    ({"next_morning": "better"}, "checkins.0.next_morning", "settles_within_24h"),
    ({"item": "Tuesday run"}, "checkins.0.item", "plan item key"),
    ({"item": "funday-run"}, "checkins.0.item", "plan item key"),
    ({"mood": "fine"}, "checkins.0.mood", "unknown field"),
    ({"minutes": None}, "checkins.0.minutes", "required for a run that was done"),
    ({"pain_during": None, "status": "partly"}, "checkins.0.pain_during", "required for a run that was partly"),
    ({"status": "skipped"}, "checkins.0.minutes", "skipped item has no minutes"),
    ({"note": "bad\x07bell"}, "checkins.0.note", "control characters"),
])
def test_each_bad_checkin_names_its_field_and_what_is_allowed(change, field, words):
    errors = errors_of({"checkins": [entry(**change)]})
    assert field in errors, errors
    assert words in errors[field]


def test_an_exercise_session_needs_no_minutes_or_pain():
    log = parse_log({"checkins": [{"date": "2026-11-24", "item": "tue-core", "status": "done"}]}, TODAY)
    assert log.runs() == [] and not is_run("tue-core")


def test_a_log_that_is_not_an_object_or_has_unknown_top_level_keys_is_rejected():
    assert "log" in errors_of([])
    assert "unknown field" in errors_of({"checkins": [], "runner": "me"})["runner"]
    assert errors_of({"checkins": {}})["checkins"] == "must be a list"


def test_log_errors_are_request_errors_so_every_entrance_reports_them_alike():
    with pytest.raises(RequestError):
        parse_log({"checkins": [entry(minutes=999)]}, TODAY)


def test_a_later_checkin_for_the_same_date_and_item_replaces_the_earlier_one():
    log = parse_log({"checkins": [entry(), entry(date="2026-11-26", item="thu-run"),
                                  entry(pain_during=4, next_morning="settles_within_24h")]}, TODAY)
    effective = log.effective()
    assert len(effective) == 2
    tuesday = next(c for c in effective if c.item == "tue-run")
    assert (tuesday.pain_during, tuesday.next_morning) == (4, "settles_within_24h")


def test_the_effective_log_does_not_depend_on_the_order_of_different_checkins():
    items = [entry(), entry(date="2026-11-26", item="thu-run"), entry(date="2026-11-26", item="extra-run")]
    forward = parse_log({"checkins": items}, TODAY).effective()
    backward = parse_log({"checkins": items[::-1]}, TODAY).effective()
    assert forward == backward


def test_a_second_extra_run_on_a_day_is_its_own_item():
    log = parse_log({"checkins": [entry(item="extra-run"), entry(item="extra-run-2", minutes=15)]}, TODAY)
    assert [c.minutes for c in log.runs()] == [30, 15]


def test_json_and_toml_read_the_same_log():
    text = '[[checkins]]\ndate = 2026-11-24\nitem = "tue-run"\nstatus = "done"\nminutes = 30\npain_during = 2\n'
    from_toml = parse_log_toml(text, TODAY)
    from_json = parse_log_json(json.dumps({"checkins": [entry()]}), TODAY)
    assert from_toml == from_json


def test_broken_json_or_toml_is_a_log_error_not_a_crash():
    assert "not valid JSON" in str(pytest.raises(LogError, parse_log_json, "{", TODAY).value)
    assert "not valid TOML" in str(pytest.raises(LogError, parse_log_toml, "x = ", TODAY).value)


def test_check_keys_names_a_key_the_week_does_not_have():
    log = parse_log({"checkins": [entry(), entry(date="2026-11-25", item="wed-core", status="skipped",
                                                 minutes=None, pain_during=None),
                                  entry(date="2026-11-26", item="extra-run")]}, TODAY)
    with pytest.raises(LogError) as info:
        check_keys(log, {dt.date(2026, 11, 23): {"tue-run", "tue-warm_up", "thu-core"}})
    errors = info.value.as_dict()
    assert list(errors) == ["checkins.1.item"]
    assert "no item wed-core" in errors["checkins.1.item"] and "extra-run" in errors["checkins.1.item"]


def test_check_keys_accepts_a_log_that_matches_its_weeks_and_skips_weeks_it_does_not_know():
    log = parse_log({"checkins": [entry(), entry(date="2026-11-17", item="tue-glutes", status="skipped",
                                                 minutes=None, pain_during=None)]}, TODAY)
    check_keys(log, {dt.date(2026, 11, 23): {"tue-run"}})   # the week of 16 Nov has no plan given: not checked


@pytest.mark.parametrize("name", ["ladder-six-weeks", "red-midweek", "skipped-week"])
def test_the_example_logs_are_valid(name):
    log = parse_log_json((EXAMPLES / f"log-{name}.json").read_text(encoding="utf-8"), dt.date(2026, 12, 2))
    assert log.runs() or any(c.status == "skipped" for c in log.checkins)
