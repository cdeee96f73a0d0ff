"""The request model: every bad value is rejected with a message that names the field and what is allowed."""

import pytest

from planner.request import FieldError, RequestError, Vocabulary, parse_json, parse_request, parse_toml

VOCAB = Vocabulary(equipment_ids=frozenset({"band", "strap"}),
                   screening_tiers={"saddle_numbness": "1A", "sciatica": "1C"})


def week(**overrides):
    base = {
        "week_start": "2026-11-30", "timezone": "Europe/Berlin", "wake_time": "06:30",
        "runs": [{"day": "tue", "kind": "easy", "minutes": 40, "start": "07:00"}],
        "available": {"tue": {"minutes": 20, "start": "19:00"}},
    }
    base.update(overrides)
    return base


def errors_of(data) -> dict[str, str]:
    with pytest.raises(RequestError) as info:
        parse_request(data, VOCAB)
    return info.value.as_dict()


def test_a_valid_week_is_accepted_with_defaults_for_everything_but_runs():
    req = parse_request({"runs": []}, VOCAB)
    assert req.week_start.weekday() == 0
    assert req.level == 1 and req.pain.next_morning == "usual"
    assert req.to_json_dict()["wake_time"] == "06:30"


def test_runs_are_required():
    assert "runs" in errors_of({"timezone": "UTC"})


@pytest.mark.parametrize(("change", "field", "words"), [
    ({"runs": [{"day": "tux", "kind": "easy", "minutes": 30, "start": "07:00"}]}, "runs.0.day", "mon"),
    ({"runs": [{"day": "tue", "kind": "tempo", "minutes": 30, "start": "07:00"}]}, "runs.0.kind", "quality"),
    ({"runs": [{"day": "tue", "kind": "easy", "minutes": 4, "start": "07:00"}]}, "runs.0.minutes", "at least 5"),
    ({"runs": [{"day": "tue", "kind": "easy", "minutes": 301, "start": "07:00"}]}, "runs.0.minutes", "at most 300"),
    ({"runs": [{"day": "tue", "kind": "easy", "minutes": 30, "start": "7pm"}]}, "runs.0.start", "time like"),
    ({"timezone": "Mars/Olympus"}, "timezone", "IANA"),
    ({"week_start": "2026-12-01"}, "week_start", "Monday"),
    ({"equipment": ["kettlebell"]}, "equipment", "allowed: band, strap"),
    ({"screening": {"red_flags": ["unknown_q"]}}, "screening.red_flags", "unknown screening question"),
    ({"screening": {"red_flags": ["sciatica"]}}, "screening.red_flags", "cautions"),
    ({"weak_areas": ["calves"]}, "weak_areas.0", "hip_mobility"),
    ({"level": 4}, "level", "at most 3"),
    ({"pain": {"during_run": 11}}, "pain.during_run", "at most 10"),
    ({"pain": {"trend": "up"}}, "pain.trend", "rising"),
    ({"colour": "blue"}, "colour", "unknown field"),
    ({"pain": {"during": 3}}, "pain.during", "unknown field"),
    ({"name": "two\nlines"}, "name", "one line"),
])
def test_each_bad_value_names_its_field_and_what_is_allowed(change, field, words):
    errors = errors_of(week(**change))
    assert field in errors, errors
    assert words in errors[field]


def test_two_runs_on_one_day_are_rejected_on_the_second_run():
    errors = errors_of(week(runs=[{"day": "tue", "kind": "easy", "minutes": 30, "start": "07:00"},
                                  {"day": "tue", "kind": "long", "minutes": 60, "start": "17:00"}]))
    assert "at most one run a day" in errors["runs.1.day"]


def test_a_run_whose_warm_up_starts_before_midnight_is_rejected():
    errors = errors_of(week(runs=[{"day": "tue", "kind": "easy", "minutes": 30, "start": "00:05"}]))
    assert "between 00:00 and 24:00" in errors["runs.0.start"]


def test_a_run_that_ends_after_midnight_is_rejected():
    errors = errors_of(week(runs=[{"day": "tue", "kind": "long", "minutes": 90, "start": "23:00"}]))
    assert "runs.0.start" in errors


def test_a_spare_time_window_that_crosses_midnight_is_rejected_with_the_latest_start():
    errors = errors_of(week(available={"mon": {"minutes": 30, "start": "23:50"}}))
    assert "start by 23:30" in errors["available.mon.start"]


def test_a_spare_time_window_overlapping_the_run_with_its_warm_up_is_rejected():
    errors = errors_of(week(available={"tue": {"minutes": 20, "start": "06:45"}}))
    assert "overlaps the Tuesday run" in errors["available.tue.start"]


def test_a_window_right_after_the_cool_down_is_fine():
    req = parse_request(week(available={"tue": {"minutes": 20, "start": "07:46"}}), VOCAB)
    assert req.window_on("tue").minutes == 20


def test_a_zero_minute_window_means_no_extra_time_that_day():
    req = parse_request(week(available={"wed": {"minutes": 0, "start": "23:59"}}), VOCAB)
    assert req.window_on("wed") is None


def test_bad_json_and_toml_are_reported_as_the_request():
    with pytest.raises(RequestError) as info:
        parse_json(b"{not json", VOCAB)
    assert info.value.errors[0].field == "request"
    with pytest.raises(RequestError):
        parse_toml("runs = [", VOCAB)


def test_a_request_that_is_not_an_object_is_rejected():
    with pytest.raises(RequestError) as info:
        parse_request([1, 2], VOCAB)
    assert info.value.errors == [FieldError("request", "must be a JSON object (or TOML table) of Contract 1")]


def test_toml_gives_the_same_request_as_json():
    toml = '''
week_start = "2026-11-30"
timezone = "Europe/Berlin"
runs = [{ day = "tue", kind = "easy", minutes = 40, start = "07:00" }]
[available.tue]
minutes = 20
start = "19:00"
'''
    assert parse_toml(toml, VOCAB) == parse_request(week(), VOCAB)


def test_duplicates_in_lists_are_folded():
    req = parse_request(week(weak_areas=["core", "core"], equipment=["band", "band"]), VOCAB)
    assert req.weak_areas == ["core"] and req.equipment == ["band"]


def test_booleans_and_floats_are_not_taken_for_whole_numbers():
    data = {"runs": [{"day": "tue", "kind": "easy", "minutes": 30.0, "start": "07:00"}], "level": True,
            "hamstring_twice_daily": 1}
    with pytest.raises(RequestError) as exc:
        parse_request(data, VOCAB)
    fields = exc.value.as_dict()
    assert fields["runs.0.minutes"] == "must be a whole number"
    assert fields["level"] == "must be a whole number"
    assert fields["hamstring_twice_daily"] == "must be true or false"
