"""The return-to-run ladder: data that adds up, and a level re-derived from the log — up after 2 GREEN sessions,
stay after AMBER, down after RED, in after 7 days off; quality only after 2 GREEN weeks of easy running."""

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.datafile import DataError
from planner.knowledge import default_knowledge
from planner.ladder import default_ladder, ladder_state, load_ladder, quality_allowed
from planner.log import parse_log
from planner.request import parse_request

D = dt.date.fromisoformat
DATA = Path(__file__).resolve().parents[2] / "data"
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def rules():
    return default_knowledge().rules


def request(**overrides):
    base = {"week_start": "2026-11-30", "runs": [{"day": d, "kind": "easy", "minutes": 30, "start": "07:00"}
                                                 for d in ("tue", "thu", "sat")]}
    base.update(overrides)
    return parse_request(base)


def session(date, pain=1, morning="usual", minutes=30, status="done"):
    day = D(date) if isinstance(date, str) else date
    return {"date": day.isoformat(), "item": f"{WEEKDAYS[day.weekday()]}-run", "status": status,
            "minutes": minutes, "pain_during": pain, "next_morning": morning}


def sessions(first, pains, every=2):
    """Ladder sessions every other day from `first`, one per entry of `pains` (an int or (pain, morning))."""
    out = []
    for i, pain in enumerate(pains):
        pain, morning = pain if isinstance(pain, tuple) else (pain, "usual")
        out.append(session(D(first) + dt.timedelta(days=every * i), pain, morning))
    return out


SUNDAY = D("2026-11-29")


def state(checkins, today=SUNDAY, **req):
    log = parse_log({"checkins": checkins}, today)
    return ladder_state(request(**req), log, today, rules())


# --- the data ------------------------------------------------------------------------------------------------

def test_the_ladder_data_has_the_seven_levels_of_domain_section_2():
    shapes = [lv.shape for lv in default_ladder().level]
    assert shapes == ["Brisk walk 30–45 min", "10 × (run 1 min / walk 2 min)", "8 × (run 2 min / walk 2 min)",
                      "6 × (run 4 min / walk 1 min)", "3 × (run 8–10 min / walk 1 min)", "20 min easy running",
                      "30 min easy running"]
    assert "Warden" in default_ladder().source


def test_each_levels_minutes_are_its_intervals_added_up():
    for lv in default_ladder().level:
        assert lv.minutes == sum(r + w for r, w in lv.intervals)
        assert lv.run_minutes == sum(r for r, _ in lv.intervals)


def test_a_level_whose_minutes_do_not_add_up_is_rejected_naming_file_entry_and_field(tmp_path):
    text = (DATA / "ladder.toml").read_text(encoding="utf-8").replace("minutes = 32\n", "minutes = 33\n", 1)
    bad = tmp_path / "ladder.toml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_ladder(bad)
    assert "ladder.toml: level[2] (L2)" in str(info.value) and "8 × (2 + 2) = 32" in str(info.value)


def test_levels_out_of_order_are_rejected(tmp_path):
    text = (DATA / "ladder.toml").read_text(encoding="utf-8").replace('id = "L3"', 'id = "L7"')
    bad = tmp_path / "ladder.toml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match="L0, L1"):
        load_ladder(bad)


# --- who is on the ladder ------------------------------------------------------------------------------------

def test_a_runner_who_keeps_running_is_not_on_the_ladder():
    assert state(sessions("2026-11-10", [2] * 10)) is None


def test_seven_days_without_running_puts_the_runner_on_the_ladder_at_the_walk():
    s = state(sessions("2026-11-12", [2, 2, 2, 2, 2, 2]))   # last run Sun 22 Nov, then 7 days off
    assert s is not None and s.level == "L0" and s.shape == "Brisk walk 30–45 min"
    assert "7 days without running since Sun 22 Nov" in s.reason
    assert s.sessions_per_week == 3 and s.min_days_apart == 2


def test_six_days_without_running_is_not_yet_time_off():
    assert state(sessions("2026-11-13", [2, 2, 2, 2, 2, 2])) is None   # last run Mon 23 Nov


def test_without_a_log_zero_minutes_last_week_puts_the_runner_on_the_ladder():
    s = state([], history={"last_week_run_minutes": 0})
    assert s is not None and s.level == "L0" and "0 min" in s.reason


def test_coming_back_from_a_break_or_a_flare_by_choice_starts_the_ladder():
    s = state([], returning=True)
    assert s is not None and s.level == "L0" and "you chose it" in s.reason


def test_pain_of_8_during_a_run_restarts_the_ladder_from_the_walk():
    s = state(sessions("2026-11-17", [2, 2, 2, 2, 2, 8]))
    assert s is not None and s.level == "L0" and "pain 8/10" in s.reason


def test_red_that_would_halve_short_runs_below_a_useful_run_goes_two_ladder_levels_down():
    short = [session(s["date"], s["pain_during"], minutes=25) for s in sessions("2026-11-17", [2, 2, 2, 2, 2, 6])]
    s = state(short)                                        # 25-min runs (L5's 20 min): half is under 15 min
    assert s is not None and s.level == "L3" and "2 ladder levels down" in s.reason


def test_red_that_halves_30_minute_runs_to_a_useful_15_is_a_cut_not_the_ladder():
    assert state(sessions("2026-11-17", [2, 2, 2, 2, 2, 6])) is None


def test_red_with_runs_long_enough_to_halve_is_a_cut_not_the_ladder():
    checkins = [session(s["date"], s["pain_during"], minutes=50) for s in sessions("2026-11-17", [2, 2, 2, 2, 2, 6])]
    assert state(checkins) is None


def test_a_typed_red_with_short_runs_and_no_log_goes_to_the_ladder():
    short = [{"day": d, "kind": "easy", "minutes": 25, "start": "07:00"} for d in ("tue", "thu")]
    s = state([], pain={"during_run": 6}, runs=short)
    assert s is not None and s.level == "L3"
    assert state([], pain={"during_run": 6}, runs=[{"day": "sun", "kind": "long", "minutes": 90,
                                                     "start": "09:00"}]) is None


# --- climbing ------------------------------------------------------------------------------------------------

def test_two_green_sessions_move_the_runner_up_a_level_and_the_weeks_later_session_counts_from_next_week():
    s = state(sessions("2026-11-23", [1, 1, 2]), returning=True)   # Mon, Wed, Fri 23–27 Nov
    # Friday's session was planned (and done) at L0's shape: it does not count at L1 — one level a week at most
    assert s.level == "L1" and s.greens == 0 and s.next == "2 more GREEN sessions to L2"
    assert "counts from next week" in s.steps[-1]
    assert s.shape == "10 × (run 1 min / walk 2 min)" and s.intervals == ((1, 2),) * 10


def test_an_amber_session_holds_the_level_and_the_green_count_starts_again():
    s = state(sessions("2026-11-16", [2, 2, 2, (4, "usual"), 2]), returning=True)   # 2 → 2 → 4 is no strict rise
    assert s.level == "L1" and s.greens == 1
    assert any("AMBER" in line and "stay at L1" in line for line in s.steps)


def test_next_morning_pain_that_settles_within_a_day_is_amber_and_holds_the_level():
    s = state(sessions("2026-11-20", [2, 2, 2, (2, "settles_within_24h")]), returning=True)
    assert s.level == "L1" and s.greens == 0


def test_pain_rising_over_three_sessions_is_red_even_when_each_is_mild():
    s = state(sessions("2026-11-20", [1, 1, 2, 3]), returning=True)   # 1 → 2 → 3 at L1
    assert s.level == "L0" and "rising" in s.steps[-1]


def test_a_red_session_moves_the_runner_down_one_level():
    s = state(sessions("2026-11-16", [1, 1, 1, 1, 6]), returning=True)   # L0 → L1 in the first week, then RED
    assert s.level == "L0" and "down to L0" in s.steps[-1]
    s = state(sessions("2026-11-02", [1, 1, 1, 1, 1, 1, 1, 6], every=3), returning=True)   # up to L3, then RED
    assert s.level == "L2" and "down to L2" in s.steps[-1]


def test_pain_not_back_to_usual_next_morning_is_red_and_moves_down():
    s = state(sessions("2026-11-16", [1, 1, 1, 1, (2, "persists")]), returning=True)
    assert s.level == "L0" and "down to L0" in s.steps[-1]


def test_the_walk_is_passed_only_at_pain_2_or_less():
    s = state(sessions("2026-11-23", [3, 3, 3]), returning=True)   # GREEN for running, not for the entry walk
    assert s.level == "L0" and "pain ≤ 2/10" in s.steps[-1]


def test_a_partly_done_session_repeats_the_level():
    checkins = sessions("2026-11-23", [1])
    checkins.append(session("2026-11-25", 1, status="partly", minutes=15))
    s = state(checkins, returning=True)
    assert s.level == "L0" and s.greens == 1 and "partly done" in s.steps[-1]


def test_seven_days_off_while_on_the_ladder_starts_it_again():
    climb = sessions("2026-11-02", [1, 1, 1, 1, 1])          # up to L2 by Tue 10 Nov
    s = state([*climb, *sessions("2026-11-19", [1])], today=D("2026-11-20"), returning=True,
              week_start="2026-11-23")                            # 8 days off, then one walk
    assert s.level == "L0" and s.greens == 1 and "8 days without running" in s.reason


def test_the_top_level_then_easy_running_until_two_green_weeks_then_off_the_ladder():
    climb = sessions("2026-09-14", [1] * 23)    # L0 … L6, one level a week, done on Wed 28 Oct
    s = state(climb, today=D("2026-11-01"), returning=True, week_start="2026-11-02")
    assert s.graduated and s.level == "L6" and "Easy runs only" in s.next
    easy = sessions("2026-11-03", [1] * 6)      # two GREEN weeks of easy running
    assert state([*climb, *easy], today=D("2026-11-15"), returning=True, week_start="2026-11-16") is None


def test_the_same_log_gives_the_same_level_in_any_order():
    checkins = sessions("2026-11-02", [1, 1, 2, 4, 1, 1, 6, 1, 2, 1])
    forward = state(checkins, returning=True)
    backward = state(checkins[::-1], returning=True)
    assert forward == backward and forward is not None


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 37), st.integers(0, 9),
                          st.sampled_from(["usual", "settles_within_24h", "persists"])),
                max_size=20, unique_by=lambda t: t[0]), st.booleans(), st.randoms())
def test_property_the_level_depends_on_the_log_not_on_the_order_of_its_checkins(runs, returning, rnd):
    checkins = [session(D("2026-10-23") + dt.timedelta(days=d), p, m) for d, p, m in runs]
    shuffled = list(checkins)
    rnd.shuffle(shuffled)
    assert state(checkins, returning=returning) == state(shuffled, returning=returning)


# --- quality after 2 GREEN weeks -----------------------------------------------------------------------------

def test_quality_comes_back_only_after_two_green_weeks_of_easy_running():
    log = parse_log({"checkins": sessions("2026-11-17", [1] * 6)}, D("2026-11-29"))
    ok, why = quality_allowed(log, D("2026-11-30"), rules())
    assert ok and "2 GREEN weeks" in why
    ok, why = quality_allowed(log, D("2026-11-30"), rules(), since=D("2026-11-17"))
    assert not ok and "(1 so far)" in why    # the week of the graduation does not count


def test_an_amber_run_in_either_week_keeps_quality_out():
    log = parse_log({"checkins": sessions("2026-11-17", [1, 1, 1, 4, 1, 1])}, D("2026-11-29"))
    assert not quality_allowed(log, D("2026-11-30"), rules())[0]


def test_a_week_without_runs_is_not_a_green_week():
    log = parse_log({"checkins": sessions("2026-11-24", [1, 1, 1])}, D("2026-11-29"))
    assert not quality_allowed(log, D("2026-11-30"), rules())[0]


# --- the example logs ----------------------------------------------------------------------------------------

def example(name, today):
    ex = DATA / "examples"
    log = parse_log(json.loads((ex / f"log-{name}.json").read_text(encoding="utf-8")), today)
    req = parse_request(json.loads((ex / f"log-{name}.request.json").read_text(encoding="utf-8")),
                        default_knowledge().vocabulary)
    return ladder_state(req, log, today, rules())


def test_six_weeks_through_the_ladder_climb_one_level_a_week_at_most_with_an_amber_hold_and_a_red_step_down():
    s = example("ladder-six-weeks", D("2026-11-29"))
    assert s.level == "L3" and s.next == "2 more GREEN sessions to L4"
    assert any("RED" in line and "down to L1" in line for line in s.steps)
    assert any("AMBER" in line and "stay at L1" in line for line in s.steps)
    assert json.loads(json.dumps(s.to_dict()))["intervals"] == [[4, 1]] * 6


def test_after_the_skipped_week_the_runner_starts_at_the_walk():
    s = example("skipped-week", D("2026-11-29"))
    assert s.level == "L0" and "7 days without running" in s.reason


def test_a_red_checkin_midweek_of_a_runner_with_long_runs_is_a_cut_not_the_ladder():
    assert example("red-midweek", D("2026-12-02")) is None


# --- a simulated runner over 8 weeks ---------------------------------------------------------------------------

OUTCOME = {"G": (1, "usual"), "A": (4, "settles_within_24h"), "R": (6, "persists")}
SCRIPT = ["GGG", "GAG", "RGG", "-GG", "---", "GGG", "GGG", "GGG"]   # - = skipped; week 5 is a week off
PLANNED = ["L0", "L1", "L1", "L1", "L2", "L0", "L1", "L2", "L3"]     # the level each week is planned at:
# one level a week at most (a week's later sessions are done at the level it was planned with)


def test_a_simulated_runner_climbs_holds_steps_down_and_back_up_over_eight_weeks():
    checkins: list[dict] = []
    first = D("2026-10-05")
    seen = []
    for week in range(9):
        monday = first + dt.timedelta(days=7 * week)
        sunday = monday - dt.timedelta(days=1)
        s = state(checkins, today=sunday, returning=True, week_start=monday.isoformat())
        seen.append(s.level)
        if week == 8:
            break
        for offset, outcome in zip((1, 3, 5), SCRIPT[week], strict=True):   # Tue, Thu, Sat: never consecutive
            day = monday + dt.timedelta(days=offset)
            if outcome == "-":
                checkins.append({"date": day.isoformat(), "item": f"{WEEKDAYS[day.weekday()]}-run",
                                 "status": "skipped"})
            else:
                pain, morning = OUTCOME[outcome]
                checkins.append(session(day, pain, morning, minutes=s.minutes))
    assert seen == PLANNED
