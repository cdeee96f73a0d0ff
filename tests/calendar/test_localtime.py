"""Local wall-clock times around DST changes (planner.localtime): what exists, what exists twice, and
where a session that asked for one of those times goes instead."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ical_checks import unambiguous

from planner.localtime import check_local, clear_of_clock_changes, safe_start, shifts
from planner.request import parse_request

SPRING_BERLIN, FALL_BERLIN = dt.date(2027, 3, 28), dt.date(2026, 10, 25)
FALL_NEW_YORK = dt.date(2026, 11, 1)


def at(hours: int, minutes: int = 0) -> int:
    return hours * 60 + minutes


@pytest.mark.parametrize(("date", "minutes", "zone", "kind"), [
    (SPRING_BERLIN, at(2, 15), "Europe/Berlin", "gap"),
    (SPRING_BERLIN, at(1, 59), "Europe/Berlin", "ok"),
    (SPRING_BERLIN, at(3, 0), "Europe/Berlin", "ok"),
    (FALL_BERLIN, at(2, 30), "Europe/Berlin", "fold"),
    (FALL_BERLIN, at(3, 0), "Europe/Berlin", "ok"),
    (FALL_NEW_YORK, at(1, 30), "America/New_York", "fold"),
    (FALL_NEW_YORK, at(2, 0), "America/New_York", "ok"),
    (dt.date(2026, 10, 4), at(2, 10), "Australia/Lord_Howe", "gap"),     # 02:00 → 02:30
    (dt.date(2026, 10, 4), at(2, 30), "Australia/Lord_Howe", "ok"),
    (dt.date(2027, 4, 4), at(1, 45), "Australia/Lord_Howe", "fold"),     # 02:00 → 01:30
    (dt.date(2027, 4, 4), at(1, 29), "Australia/Lord_Howe", "ok"),
    (dt.date(2026, 12, 1), at(2, 15), "Europe/Berlin", "ok"),
    (SPRING_BERLIN, at(2, 15), "UTC", "ok"),
])
def test_a_wall_time_is_ok_skipped_or_repeated_as_the_zone_says(date, minutes, zone, kind):
    assert check_local(date, minutes, zone) == kind


def test_the_changes_of_a_day_are_its_skipped_and_repeated_spans_in_wall_minutes():
    assert shifts(SPRING_BERLIN, "Europe/Berlin") == ((at(2), at(3), "gap"),)
    assert shifts(FALL_BERLIN, "Europe/Berlin") == ((at(2), at(3), "fold"),)
    assert shifts(dt.date(2027, 4, 4), "Australia/Lord_Howe") == ((at(1, 30), at(2), "fold"),)
    assert shifts(dt.date(2026, 9, 6), "America/Santiago") == ((0, at(1), "gap"),)   # at midnight
    assert shifts(dt.date(2026, 12, 1), "Europe/Berlin") == ()


@settings(max_examples=150, deadline=None, derandomize=True)
@given(zone=st.sampled_from(["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "America/Santiago",
                             "Pacific/Chatham", "America/Havana", "Asia/Kolkata"]),
       days=st.integers(0, 3 * 366), minutes=st.integers(0, 24 * 60 - 1))
def test_check_local_agrees_with_zoneinfo_minute_for_minute(zone, days, minutes):
    date = dt.date(2026, 1, 1) + dt.timedelta(days=days)
    wall = dt.datetime.combine(date, dt.time()) + dt.timedelta(minutes=minutes)
    kind = check_local(date, minutes, zone)
    assert (kind == "ok") == unambiguous(wall, ZoneInfo(zone))
    inside = [k for b, e, k in shifts(date, zone) if b <= minutes < e]
    assert inside == ([] if kind == "ok" else [kind])


def test_a_clear_block_stays_where_it_was_asked():
    assert safe_start(SPRING_BERLIN, at(7), 60, "Europe/Berlin") == (at(7), None)
    assert safe_start(SPRING_BERLIN, at(1), 60, "Europe/Berlin") == (at(1), None)   # ends as the gap begins


@pytest.mark.parametrize(("date", "start", "length", "zone", "moved"), [
    (SPRING_BERLIN, at(2, 15), 30, "Europe/Berlin", at(3)),
    (SPRING_BERLIN, at(1, 40), 40, "Europe/Berlin", at(3)),         # would run into the gap
    (FALL_BERLIN, at(2, 10), 40, "Europe/Berlin", at(3)),
    (FALL_NEW_YORK, at(1, 30), 20, "America/New_York", at(2)),
    (dt.date(2026, 10, 4), at(2, 10), 30, "Australia/Lord_Howe", at(2, 30)),
])
def test_a_block_in_a_gap_or_fold_moves_to_the_first_clear_minute_after_it_and_says_why(date, start, length,
                                                                                        zone, moved):
    new, why = safe_start(date, start, length, zone)
    assert new == moved
    assert why and f"from {start // 60:02d}:{start % 60:02d} to {moved // 60:02d}:{moved % 60:02d}" in why
    assert ("the clocks go forward" in why) == (shifts(date, zone)[0][2] == "gap")
    assert all(check_local(date, m, zone) == "ok" for m in range(new, new + length))


def test_a_block_that_would_cross_midnight_after_the_change_moves_before_it_instead():
    # Santiago falls back at midnight: 23:00–23:59 on Saturday 3 April 2027 happens twice
    new, why = safe_start(dt.date(2027, 4, 3), at(23, 20), 30, "America/Santiago")
    assert new == at(22, 30) and why
    assert all(check_local(dt.date(2027, 4, 3), m, "America/Santiago") == "ok" for m in range(new, new + 30))


def test_lead_moves_the_named_start_with_its_warm_up():
    new, why = safe_start(SPRING_BERLIN, at(2, 15), 8 + 45 + 6, "Europe/Berlin", lead=8, what="Your Sunday run")
    assert new == at(3, 8)       # the warm-up starts at 03:00, the first minute after the gap
    assert why.startswith("Your Sunday run moves from 02:15 to 03:08: the clocks go forward that night "
                          "(Sunday 28 March, Europe/Berlin), so 02:00–02:59 does not exist.")


def test_a_request_is_moved_out_of_the_change_with_one_sentence_per_move_and_is_unchanged_otherwise():
    request = parse_request({"week_start": "2027-03-22", "timezone": "Europe/Berlin", "wake_time": "00:00",
                             "runs": [{"day": "sun", "kind": "easy", "minutes": 30, "start": "02:15"},
                                      {"day": "tue", "kind": "easy", "minutes": 30, "start": "07:00"}],
                             "available": {"sun": {"minutes": 20, "start": "03:05"},
                                           "mon": {"minutes": 20, "start": "02:15"}}})
    moved, notes = clear_of_clock_changes(request, 8, 6)
    sunday = moved.run_on("sun")
    assert sunday.start == dt.time(3, 8) and moved.run_on("tue").start == dt.time(7)
    # the window was clear of the change but not of the moved run: it goes right after the run
    assert moved.available["sun"].start == dt.time(3, 44)
    assert moved.available["mon"].start == dt.time(2, 15)       # Monday 22 March has no change
    assert len(notes) == 2 and "run moves from 02:15 to 03:08" in notes[0] and "03:05 to 03:44" in notes[1]
    same, none = clear_of_clock_changes(moved, 8, 6)
    assert same is moved and none == ()
