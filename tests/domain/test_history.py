"""What the log tells: each derived value with its reason, the log where it covers a period, the request where not."""

import datetime as dt
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.history import derive
from planner.log import parse_log
from planner.log_pain import trend_of
from planner.request import parse_request

D = dt.date.fromisoformat
SUNDAY = D("2026-11-29")   # the day before the planned week of Mon 30 Nov


def request(**overrides):
    base = {"week_start": "2026-11-30", "runs": [{"day": "tue", "kind": "easy", "minutes": 40, "start": "07:00"}]}
    base.update(overrides)
    return parse_request(base)


def run(date, minutes=30, pain=2, morning="usual", item=None, status="done"):
    day = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[D(date).weekday()]
    out = {"date": date, "item": item or f"{day}-run", "status": status, "minutes": minutes, "pain_during": pain}
    if morning:
        out["next_morning"] = morning
    return out


def skipped(date, item):
    return {"date": date, "item": item, "status": "skipped"}


def derived(checkins, today=SUNDAY, req=None, knowledge=None):
    from planner.knowledge import default_knowledge
    return derive(req or request(), parse_log({"checkins": checkins}, today), today,
                  (knowledge or default_knowledge()).rules)


def test_longest_run_in_the_last_30_days_names_its_minutes_and_day():
    d = derived([run("2026-11-03", 40), run("2026-11-22", 45), run("2026-11-26", 30)])
    assert d.longest_run_30d.value == 45
    assert d.longest_run_30d.reason == "Longest run in the last 30 days: 45 min on Sun 22 Nov."
    assert d.longest_run_30d.source == "log"


def test_a_run_more_than_30_days_before_the_week_does_not_count_for_the_longest_run():
    d = derived([run("2026-10-30", 90), run("2026-11-10", 40)])   # 30 Oct is 31 days before Mon 30 Nov
    assert d.longest_run_30d.value == 40


def test_last_weeks_and_the_week_befores_minutes_add_up_done_partly_and_extra_runs():
    d = derived([run("2026-11-17", 30), run("2026-11-19", 20, status="partly"),
                 run("2026-11-24", 40), run("2026-11-27", 25, item="extra-run"), run("2026-11-29", 50),
                 skipped("2026-11-26", "thu-run")])
    assert (d.last_week.value, d.week_before.value) == (115, 50)
    assert d.last_week.reason == "Last week's running (Mon 23 Nov–Sun 29 Nov): 115 min logged in 3 runs."


def test_without_a_log_the_typed_history_is_used_and_says_so():
    req = request(history={"longest_run_30d_minutes": 90, "last_week_run_minutes": 170})
    d = derived([], req=req)
    assert d.history.longest_run_30d_minutes == 90 and d.history.last_week_run_minutes == 170
    assert d.longest_run_30d.source == "request" and "as you told us" in d.longest_run_30d.reason
    assert d.week_before.value is None and "not known" in d.week_before.reason and d.week_before.source == "none"


def test_a_week_the_log_covers_without_runs_is_zero_whatever_was_typed():
    req = request(history={"last_week_run_minutes": 170})
    d = derived([run("2026-11-17", 30), skipped("2026-11-24", "tue-run")], req=req)
    assert d.last_week.value == 0 and d.last_week.source == "log"


def test_a_period_the_log_only_began_in_takes_the_larger_of_log_and_typed_value():
    req = request(history={"longest_run_30d_minutes": 90, "week_before_last_run_minutes": 150})
    d = derived([run("2026-11-17", 30)], req=req)   # the log begins in the week of 16 Nov
    assert d.longest_run_30d.value == 90 and d.longest_run_30d.source == "log+request"
    assert d.week_before.value == 30 and d.week_before.source == "log"   # the log covers that whole week


def test_a_log_that_starts_in_the_planned_week_leaves_the_typed_history_in_charge():
    req = request(history={"longest_run_30d_minutes": 60, "last_week_run_minutes": 120})
    d = derived([run("2026-12-01", 80)], today=D("2026-12-02"), req=req)
    assert d.history.longest_run_30d_minutes == 60 and d.history.last_week_run_minutes == 120


def test_planning_before_the_week_is_over_says_so_far():
    d = derived([run("2026-11-24", 40)], today=D("2026-11-26"))
    assert "40 min logged so far" in d.last_week.reason


def test_days_since_the_last_run_count_the_days_without_running_before_the_week():
    d = derived([run("2026-11-17", 30), run("2026-11-22", 40)])
    assert d.days_since_last_run.value == 7
    assert d.days_since_last_run.reason == "Last run Sun 22 Nov: 7 days without running before Mon 30 Nov."


def test_days_since_the_last_run_without_any_logged_run_count_from_the_start_of_the_log():
    d = derived([skipped("2026-11-17", "tue-run")])
    assert d.days_since_last_run.value == 14 and "at least 14 days" in d.days_since_last_run.reason


@pytest.mark.parametrize(("runs", "status", "words"), [
    ([run("2026-11-24", pain=2), run("2026-11-26", pain=3)], "GREEN", "pain 3/10"),
    ([run("2026-11-24", pain=2), run("2026-11-26", pain=4)], "AMBER", "pain 4/10"),
    ([run("2026-11-24", pain=2), run("2026-11-26", pain=2, morning="settles_within_24h")], "AMBER", "24 h"),
    ([run("2026-11-24", pain=2), run("2026-11-26", pain=6)], "RED", "pain 6/10"),
    ([run("2026-11-24", pain=2), run("2026-11-26", pain=1, morning="persists")], "RED", "not back to usual"),
    ([run("2026-11-22", pain=1), run("2026-11-24", pain=2), run("2026-11-26", pain=3)], "RED", "rising"),
])
def test_the_pain_status_comes_from_the_latest_run_its_next_morning_and_the_trend(runs, status, words):
    d = derived(runs)
    assert d.pain_status == status and d.pain_source == "log"
    assert words in " ".join(d.pain_reasons)


def test_only_a_strict_rise_over_three_runs_is_rising():
    d = derived([run("2026-11-22", pain=1), run("2026-11-24", pain=3), run("2026-11-26", pain=3)])
    assert d.pain.trend == "flat" and d.pain_status == "GREEN"
    assert "1 → 3 → 3 (flat)" in " ".join(d.pain_reasons)


def test_a_falling_trend_is_reported_as_falling():
    d = derived([run("2026-11-22", pain=3), run("2026-11-24", pain=2), run("2026-11-26", pain=1)])
    assert d.pain.trend == "falling"


def test_with_fewer_than_three_runs_the_typed_trend_stays():
    d = derived([run("2026-11-26", pain=2)], req=request(pain={"trend": "rising"}))
    assert d.pain.trend == "rising" and d.pain_status == "RED"
    assert "trend as you told us" in " ".join(d.pain_reasons)


def test_without_a_recent_run_the_typed_pain_is_used():
    d = derived([run("2026-11-02", pain=7)], req=request(pain={"during_run": 4}))
    assert d.pain_source == "request" and d.pain.during_run == 4 and d.pain_status == "AMBER"


def test_pain_at_rest_from_the_request_still_stops_running():
    d = derived([run("2026-11-26", pain=1)], req=request(pain={"at_rest": 7}))
    assert d.pain_status == "STOP" and d.pain.at_rest == 7


def test_a_missing_next_morning_answer_counts_as_usual_and_says_so():
    d = derived([run("2026-11-26", pain=2, morning=None)])
    assert d.pain.next_morning == "usual" and "no next-morning answer yet" in " ".join(d.pain_reasons)


def test_a_red_checkin_midweek_changes_the_pain_but_not_the_caps():
    before = [run("2026-11-22", 60), run("2026-11-24", 40), run("2026-11-30", 40)]
    calm = derived(before, today=D("2026-12-01"))
    red = derived([*before, run("2026-12-02", 20, pain=7, status="partly")], today=D("2026-12-02"))
    assert calm.pain_status == "GREEN" and red.pain_status == "RED"
    assert red.history == calm.history


def test_skipped_and_partly_done_items_are_listed_by_week():
    d = derived([skipped("2026-11-17", "tue-core"), skipped("2026-11-24", "tue-run"),
                 run("2026-11-26", 20, status="partly"), skipped("2026-12-01", "tue-core")], today=D("2026-12-01"))
    assert d.skipped["last_week"] == ((D("2026-11-24"), "tue-run"),)
    assert d.skipped["this_week"] == ((D("2026-12-01"), "tue-core"),)
    assert d.partly["last_week"] == ((D("2026-11-26"), "thu-run"),)
    assert "Skipped last week: run (Tue 24 Nov)." in d.reasons


def test_checkins_after_today_are_ignored():
    log = parse_log({"checkins": [run("2026-11-24", 40), run("2026-11-26", 80, pain=6)]}, D("2026-11-29"))
    from planner.knowledge import default_knowledge
    early = derive(request(), log, D("2026-11-25"), default_knowledge().rules)
    assert early.pain_status == "GREEN" and early.longest_run_30d.value == 40


def test_apply_gives_the_engine_a_request_with_the_logs_history_and_pain():
    d = derived([run("2026-11-24", 40), run("2026-11-26", 45, pain=4)])
    planned = d.apply(request(history={"last_week_run_minutes": 300}))
    assert planned.history.last_week_run_minutes == 85 and planned.pain.during_run == 4
    assert planned.runs == request().runs


def test_the_history_field_is_plain_json_with_a_reason_for_each_value():
    out = derived([run("2026-11-24", 40), skipped("2026-11-26", "thu-core")]).to_dict()
    json.dumps(out)
    assert out["longest_run_30d_minutes"] == {"value": 40, "source": "log",
                                              "reason": "Longest run in the last 30 days: 40 min on Tue 24 Nov."}
    assert out["pain"]["status"] == "GREEN" and out["skipped"]["last_week"] == [{"date": "2026-11-26",
                                                                                 "item": "thu-core"}]


def test_trend_needs_three_runs():
    log = parse_log({"checkins": [run("2026-11-24", pain=1), run("2026-11-26", pain=2)]}, SUNDAY)
    assert trend_of(log.runs()) is None


# --- the same log gives the same history, whatever the order of its check-ins ------------------------------

DAYS = [D("2026-10-26") + dt.timedelta(days=i) for i in range(38)]
checkin = st.builds(
    lambda day, status, minutes, pain, morning, extra: (
        {"date": day.isoformat(), "item": "extra-run" if extra else
         f"{('mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun')[day.weekday()]}-run", "status": status,
         **({} if status == "skipped" else {"minutes": minutes, "pain_during": pain}),
         **({} if status == "skipped" or morning is None else {"next_morning": morning})}),
    st.sampled_from(DAYS), st.sampled_from(["done", "partly", "skipped"]), st.integers(1, 120),
    st.integers(0, 10), st.sampled_from([None, "usual", "settles_within_24h", "persists"]), st.booleans())


@settings(max_examples=60, deadline=None)
@given(st.lists(checkin, max_size=25, unique_by=lambda c: (c["date"], c["item"])), st.randoms())
def test_the_same_log_gives_the_same_history_in_any_order(checkins, rnd):
    shuffled = list(checkins)
    rnd.shuffle(shuffled)
    today = D("2026-12-02")
    a, b = derived(checkins, today=today), derived(shuffled, today=today)
    assert a.to_dict() == b.to_dict()


@settings(max_examples=30, deadline=None)
@given(st.lists(checkin, min_size=1, max_size=15), st.randoms())
def test_a_replaced_checkin_counts_only_in_its_latest_form(checkins, rnd):
    today = D("2026-12-02")
    latest = {(c["date"], c["item"]): c for c in checkins}
    only_latest = list(latest.values())
    rnd.shuffle(only_latest)
    assert derived(checkins, today=today).to_dict() == derived(only_latest, today=today).to_dict()


def test_re_planning_later_in_the_week_without_new_checkins_derives_the_same():
    checkins = [run("2026-11-16", 40, pain=4), run("2026-11-18", 40, pain=3)]   # 13 and 11 days before Mon 30
    monday, friday = derived(checkins, today=D("2026-11-30")), derived(checkins, today=D("2026-12-04"))
    assert monday.to_dict()["pain"] == friday.to_dict()["pain"]
    assert monday.history == friday.history and monday.pain_source == "log"


def test_a_run_told_after_the_fact_before_the_program_began_does_not_replace_the_typed_week():
    """One run logged on the Sunday before a program's first Monday speaks for that day, not for the whole week
    before: the 200 min the runner typed for last week still count (found by black-box testing: it cut the week
    to 65 min)."""
    from planner.knowledge import default_knowledge
    req = request(history={"longest_run_30d_minutes": 90, "last_week_run_minutes": 200})
    log = parse_log({"checkins": [run("2026-11-29", 60, item="extra-run")]}, SUNDAY)
    rules = default_knowledge().rules
    program = derive(req, log, SUNDAY, rules, log_from=D("2026-11-30"))
    assert (program.last_week.value, program.last_week.source) == (200, "log+request")
    assert program.longest_run_30d.value == 90
    whole_log = derive(req, log, SUNDAY, rules)     # a log without a program start: its first week is all logged
    assert (whole_log.last_week.value, whole_log.last_week.source) == (60, "log")


def test_a_run_told_weeks_before_the_program_never_reads_as_days_without_running():
    """Review finding: one run told for 20 Nov, ten days before the program began, made every day after it
    "logged": 0 min last week and 9 days off (the ladder) against the 200 min typed."""
    from planner.knowledge import default_knowledge
    req = request(history={"longest_run_30d_minutes": 90, "last_week_run_minutes": 200})
    log = parse_log({"checkins": [run("2026-11-20", 95, item="extra-run")]}, SUNDAY)
    d = derive(req, log, SUNDAY, default_knowledge().rules, log_from=D("2026-11-30"))
    assert d.last_week.value == 200 and d.days_since_last_run.value is None
    assert (d.longest_run_30d.value, d.longest_run_30d.source) == (95, "log+request")   # told runs can raise it
    more = derive(request(history={"last_week_run_minutes": 20}),
                  parse_log({"checkins": [run("2026-11-27", 45, item="extra-run")]}, SUNDAY), SUNDAY,
                  default_knowledge().rules, log_from=D("2026-11-30"))
    assert more.last_week.value == 45 and "more than the 20 min you typed" in more.last_week.reason


def test_days_without_running_never_says_no_log_when_the_log_began_this_week():
    d = derived([run("2026-12-01", 40)], today=D("2026-12-02"))
    assert "no log yet" not in d.days_since_last_run.reason
    assert d.days_since_last_run.reason == ("Days without running before Mon 30 Nov: not known (your log began on "
                                            "Mon 30 Nov).")


def test_a_run_told_last_week_counts_against_a_typed_zero_for_the_gap_and_the_ladder():
    """Review finding: typed 0 min last week and a 45-min run told for Fri 27 Nov read as 45 min last week but
    also "at least 7 days without running", and the ladder took the runner in on that false reason."""
    from planner.knowledge import default_knowledge
    from planner.ladder import ladder_state
    req = request(history={"longest_run_30d_minutes": 45, "last_week_run_minutes": 0})
    log = parse_log({"checkins": [run("2026-11-27", 45, item="extra-run")]}, SUNDAY)
    rules = default_knowledge().rules
    d = derive(req, log, SUNDAY, rules, log_from=D("2026-11-30"))
    assert d.last_week.value == 45 and d.days_since_last_run.value == 2
    assert ladder_state(req, log, SUNDAY, rules, log_from=D("2026-11-30")) is None
    assert ladder_state(req, parse_log({"checkins": []}, SUNDAY), SUNDAY, rules) is not None   # the typed 0 alone
