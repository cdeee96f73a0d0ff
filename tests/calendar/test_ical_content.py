"""What a runner sees in their calendar app, and what a client needs to update events, not duplicate them."""

import copy
import datetime as dt
import json
import re
from zoneinfo import ZoneInfo

import pytest
from ical_checks import (
    EXAMPLES,
    check_calendar,
    example_plan,
    items_of,
    stretch_starts,
    unfolded_lines,
    vobject_calendar,
)

from planner.engine import make_plan
from planner.ical import build_calendar, item_fingerprint
from planner.knowledge import default_knowledge
from planner.request import parse_request

STAMP = dt.datetime(2026, 11, 20, 9, 30, tzinfo=dt.UTC)
BASE = "plan-1234.test"
NASTY = "Mine, yours; C:\\Users\\N\\New\\n\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:pwned\nx 🏃‍♀️ é 日本"


def item(key, kind, start, minutes, **extra):
    return {"key": key, "kind": kind, "start": start, "minutes": minutes, "exercises": [], "reasons": [],
            "rules": [], **extra}


def small_plan(*, timezone="Europe/Berlin", week_start="2026-11-30", name="Test week", items=None):
    """A hand-made Contract 2 plan: Tuesday warm-up, run and cool-down, Wednesday core."""
    monday = dt.date.fromisoformat(week_start)
    core = item("wed-core", "core", "19:00", 12, rules=["R3"], reasons=["Core is one of your weak areas."],
                exercises=[{"id": "curl", "name": "McGill curl-up", "dose": "3 × 6-4-2 reps, 8–10 s holds",
                            "minutes": 6, "cue": "Lift head and shoulders as one block.",
                            "cautions": ["Not within 2 h of waking."]},
                           {"id": "bird", "name": "Bird dog", "dose": "2 × 8 per side", "minutes": 6,
                            "cue": "Reach long; keep the pelvis level.", "cautions": []}])
    run_day = [item("tue-warm_up", "warm_up", "06:52", 8),
               item("tue-run", "run", "07:00", 35, run_kind="easy", requested_minutes=40,
                    reasons=["AMBER pain: run held at least 10 % shorter (40 → at most 35 min)."]),
               item("tue-cool_down", "cool_down", "07:35", 6)]
    days = [{"date": (monday + dt.timedelta(days=i)).isoformat(), "weekday": wd, "items": []}
            for i, wd in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun"))]
    days[1]["items"], days[2]["items"] = run_day, [core]
    if items is not None:
        days = [{"date": week_start, "weekday": "mon", "items": items}]
    return {"status": "optimal", "pain_status": "AMBER", "week_start": week_start, "timezone": timezone,
            "name": name, "days": days}


def export(plan, **kwargs):
    kwargs = {"uid_base": BASE, "stamp": STAMP, **kwargs}
    ics = build_calendar(plan, **kwargs)
    return ics, check_calendar(ics, plan, kwargs.get("weeks", 1), None if kwargs.get("busy_only") else BASE)


def by_uid(cal):
    return {str(e["UID"]): e for e in cal.events}


# --- the calendar itself ---------------------------------------------------------------------------------

def test_the_calendar_announces_itself_for_publishing_with_a_name_and_a_refresh_hint():
    ics, cal = export(small_plan(name="Spring block"), refresh_hours=6)
    lines = unfolded_lines(ics)
    for line in ("VERSION:2.0", "CALSCALE:GREGORIAN", "METHOD:PUBLISH", "NAME:Spring block",
                 "X-WR-CALNAME:Spring block", "REFRESH-INTERVAL;VALUE=DURATION:PT6H", "X-PUBLISHED-TTL:PT6H"):
        assert line in lines
    assert str(cal["PRODID"]).startswith("-//Backstride//")


def test_the_calendar_name_is_the_given_name_then_the_plan_name_then_backstride_week():
    assert "NAME:Mine" in unfolded_lines(export(small_plan(), calname="Mine")[0])
    assert "NAME:Test week" in unfolded_lines(export(small_plan())[0])
    assert "X-WR-CALNAME:Backstride week" in unfolded_lines(export(small_plan(name=""))[0])


def test_the_default_refresh_hint_is_twelve_hours():
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT12H" in unfolded_lines(export(small_plan())[0])


# --- events ---------------------------------------------------------------------------------------------

def test_summaries_read_well_in_a_month_view():
    _, cal = export(small_plan())
    summaries = {str(e["UID"]).split("@")[0]: str(e["SUMMARY"]) for e in cal.events}
    assert summaries == {"tue-warm_up-w1": "Warm-up · 8 min", "tue-run-w1": "Easy run · 35 min (cut from 40)",
                         "tue-cool_down-w1": "Cool-down · 6 min", "wed-core-w1": "Core · 12 min"}


def test_a_real_plan_titles_each_event_with_its_kind_minutes_and_any_cut():
    plan = example_plan("amber-half-marathoner")
    _, cal = export(plan)
    events = by_uid(cal)
    labels = {"warm_up": "Warm-up", "cool_down": "Cool-down", "hip_mobility": "Hip mobility"}
    cut = 0
    for _, it in items_of(plan):
        summary = str(events[f"{it['key']}-w1@{BASE}"]["SUMMARY"])
        label = f"{it['run_kind'].capitalize()} run" if it["kind"] == "run" else labels.get(
            it["kind"], it["kind"].capitalize())
        assert summary.startswith(f"{label} · {it['minutes']} min")
        if it["kind"] == "run" and it["requested_minutes"] > it["minutes"]:
            assert summary.endswith(f"(cut from {it['requested_minutes']})")
            cut += 1
        else:
            assert summary == f"{label} · {it['minutes']} min"
    assert cut  # AMBER pain shortens runs


def test_the_description_gives_exercises_then_why_then_the_link_then_the_disclaimer():
    url = "https://backstride.example/p/abc123"
    _, cal = export(small_plan(), plan_url=url)
    text = str(by_uid(cal)[f"wed-core-w1@{BASE}"]["DESCRIPTION"])
    order = ["McGill curl-up — 3 × 6-4-2 reps, 8–10 s holds", "Lift head and shoulders as one block.",
             "Caution: Not within 2 h of waking.", "Bird dog — 2 × 8 per side", "Why:",
             "- Core is one of your weak areas.", url, "Exercise guidance, not a diagnosis."]
    positions = [text.index(part) for part in order]
    assert positions == sorted(positions)
    assert text.endswith("Exercise guidance, not a diagnosis.")


def test_every_event_says_it_is_guidance_and_not_a_diagnosis():
    _, cal = export(example_plan("sciatica-caution"))
    assert all(str(e["DESCRIPTION"]).endswith("Exercise guidance, not a diagnosis.") for e in cal.events)


def test_categories_name_the_kind_and_url_links_to_the_plan():
    url = "https://backstride.example/p/abc123"
    _, cal = export(small_plan(), plan_url=url)
    events = by_uid(cal)
    assert events[f"tue-run-w1@{BASE}"].categories == ["Run"]
    assert events[f"wed-core-w1@{BASE}"].categories == ["Core"]
    assert events[f"tue-warm_up-w1@{BASE}"].categories == ["Warm-up"]
    assert {str(e["URL"]) for e in cal.events} == {url}
    assert all("URL" not in e for e in export(small_plan())[1].events)


def test_every_event_is_stamped_in_utc_and_starts_at_sequence_zero():
    stamp = dt.datetime(2026, 11, 20, 10, 30, 15, 123456, tzinfo=ZoneInfo("Europe/Berlin"))
    ics, cal = export(small_plan(), stamp=stamp)
    stamps = {line for line in unfolded_lines(ics) if line.startswith("DTSTAMP")}
    assert stamps == {"DTSTAMP:20261120T093015Z"}
    assert {int(e["SEQUENCE"]) for e in cal.events} == {0}


def test_events_block_the_time_and_only_busy_only_events_are_private():
    _, cal = export(small_plan())
    assert {str(e["TRANSP"]) for e in cal.events} == {"OPAQUE"}
    assert all("CLASS" not in e for e in cal.events)


# --- escaping and injection -----------------------------------------------------------------------------

def expected_text(text):
    """What a parser should read back: line breaks normalised, control characters dropped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", text)


def readable(text):
    """Text as a reader sees it; icalendar 7.3 parses NAME and X-WR-CALNAME as unknown, still escaped."""
    if type(text).__name__ == "vUnknown":
        text = re.sub(r"\\([\\;,nN])", lambda m: "\n" if m[1] in "nN" else m[1], str(text))
    return str(text).replace("\u2060", "")


def test_commas_semicolons_backslashes_and_newlines_in_user_text_round_trip_as_text():
    plan = small_plan(name=NASTY)
    plan["days"][2]["items"][0]["reasons"].append(NASTY)
    ics, cal = export(plan)
    assert len(cal.events) == 4  # no injected event
    assert readable(cal["NAME"]) == readable(cal["X-WR-CALNAME"]) == expected_text(NASTY)
    core = by_uid(cal)[f"wed-core-w1@{BASE}"]
    assert f"- {expected_text(NASTY)}" in readable(core["DESCRIPTION"])
    vcal = vobject_calendar(ics)
    assert readable(vcal.contents["x-wr-calname"][0].value) == expected_text(NASTY)
    assert len(vcal.contents["vevent"]) == 4
    core_v = next(e for e in vcal.vevent_list if e.uid.value.startswith("wed-core"))
    assert f"- {expected_text(NASTY)}" in readable(core_v.description.value)


def test_user_text_cannot_start_a_line_of_its_own():
    plan = small_plan(name=NASTY)
    plan["days"][2]["items"][0]["exercises"][0]["cue"] = NASTY
    ics, _ = export(plan)
    physical = ics.split(b"\r\n")
    assert physical.count(b"BEGIN:VEVENT") == 4 and physical.count(b"END:VEVENT") == 4
    assert not any(line.startswith(b"SUMMARY:pwned") for line in physical)
    assert b"pwned" not in b"".join(line for line in physical if line.startswith(b"SUMMARY"))


def test_control_characters_are_dropped_rather_than_written():
    ics, cal = export(small_plan(name="a\x00b\x0bc\x1bd\x7fe\tf"))
    assert str(cal["NAME"]) == "abcde\tf"
    assert not re.search(rb"[\x00-\x08\x0b-\x0c\x0e-\x1f\x7f]", ics)


def test_a_typed_backslash_n_stays_a_backslash_and_an_n():
    ics, cal = export(small_plan(name=r"C:\New\Notes"))
    assert readable(cal["NAME"]) == r"C:\New\Notes"
    assert readable(vobject_calendar(ics).contents["name"][0].value) == r"C:\New\Notes"


def test_long_non_ascii_names_fold_without_splitting_characters():
    name = "🏃‍♀️日本é" * 16
    ics, cal = export(small_plan(name=name[:80]))  # check_calendar checks lengths and whole characters
    assert str(cal["NAME"]) == name[:80]
    assert any(line.startswith(b" ") for line in ics.split(b"\r\n"))


# --- identity and updates -------------------------------------------------------------------------------

def test_exporting_again_gives_the_same_uids_and_only_a_new_timestamp():
    plan = example_plan("amber-half-marathoner")
    first, cal1 = export(plan, weeks=2)
    second, cal2 = export(plan, weeks=2, stamp=STAMP + dt.timedelta(days=3, hours=5))
    assert [str(e["UID"]) for e in cal1.events] == [str(e["UID"]) for e in cal2.events]

    def without_stamps(ics):
        return [line for line in ics.split(b"\r\n") if not line.startswith(b"DTSTAMP")]

    assert first != second and without_stamps(first) == without_stamps(second)


def test_uids_are_the_item_key_and_week_at_the_uid_base():
    _, cal = export(small_plan(), weeks=2)
    assert sorted(str(e["UID"]) for e in cal.events) == sorted(
        f"{key}-w{week}@{BASE}" for key in ("tue-warm_up", "tue-run", "tue-cool_down", "wed-core")
        for week in (1, 2))


def test_changing_one_items_minutes_changes_only_its_fingerprint():
    plan = example_plan("amber-half-marathoner")
    changed = copy.deepcopy(plan)
    target = changed["days"][1]["items"][1]
    assert target["key"] == "tue-run"
    target["minutes"] -= 5
    before = {i["key"]: item_fingerprint(i) for _, i in items_of(plan)}
    after = {i["key"]: item_fingerprint(i) for _, i in items_of(changed)}
    assert [k for k in before if before[k] != after[k]] == ["tue-run"]


def test_a_fingerprint_follows_what_the_calendar_shows_and_ignores_the_rest():
    base = small_plan()["days"][2]["items"][0]
    fp = item_fingerprint(base)
    assert fp == item_fingerprint(json.loads(json.dumps(base)))  # stable across a JSON round trip
    assert item_fingerprint({**base, "rules": ["R99"]}) == fp   # rule ids are not shown
    for change in ({"start": "19:05"}, {"kind": "glutes"}, {"reasons": ["Another reason."]},
                   {"exercises": base["exercises"][:1]}):
        assert item_fingerprint({**base, **change}) != fp, change
    cue = copy.deepcopy(base)
    cue["exercises"][0]["cue"] = "A new cue."
    assert item_fingerprint(cue) != fp


def test_a_replanned_week_gives_the_same_fingerprints():
    knowledge = default_knowledge()
    data = json.loads((EXAMPLES / "green-novice.json").read_text(encoding="utf-8"))
    again = make_plan(parse_request(data, knowledge.vocabulary), knowledge).to_dict()
    assert ([item_fingerprint(i) for _, i in items_of(again)]
            == [item_fingerprint(i) for _, i in items_of(example_plan("green-novice"))])


def test_a_bumped_sequence_applies_to_that_items_events_only():
    _, cal = export(small_plan(), weeks=3, sequences={"tue-run": 1})
    seq = {str(e["UID"]): int(e["SEQUENCE"]) for e in cal.events}
    assert {uid for uid, s in seq.items() if s == 1} == {f"tue-run-w{w}@{BASE}" for w in (1, 2, 3)}
    assert set(seq.values()) == {0, 1}


# --- several weeks and daylight-saving time -------------------------------------------------------------

def test_three_weeks_repeat_each_item_seven_days_apart_at_the_same_local_time_across_dst():
    knowledge = default_knowledge()
    data = json.loads((EXAMPLES / "amber-half-marathoner.json").read_text(encoding="utf-8"))
    data["week_start"] = "2027-03-22"  # Europe/Berlin springs forward on Sunday 2027-03-28
    plan = make_plan(parse_request(data, knowledge.vocabulary), knowledge).to_dict()
    _, cal = export(plan, weeks=3)
    events = by_uid(cal)
    assert len(events) == 3 * len(items_of(plan))
    shifted = 0
    for _, it in items_of(plan):
        starts = [events[f"{it['key']}-w{w}@{BASE}"].start for w in (1, 2, 3)]
        walls = [s.replace(tzinfo=None) for s in starts]
        assert walls[1] - walls[0] == walls[2] - walls[1] == dt.timedelta(days=7)
        assert len({(w.hour, w.minute) for w in walls}) == 1
        real = starts[1].astimezone(dt.UTC) - starts[0].astimezone(dt.UTC)
        shifted += real == dt.timedelta(days=7, hours=-1)
    assert shifted > 0  # the test really crossed the change


def one_sunday_item(date, start, minutes):
    monday = (dt.date.fromisoformat(date) - dt.timedelta(days=6)).isoformat()
    plan = small_plan(week_start=monday, items=[item("sun-run", "run", start, minutes, run_kind="easy")])
    plan["days"][0].update(date=date, weekday="sun")
    return plan


def real_minutes(event):
    return (event.end.astimezone(dt.UTC) - event.start.astimezone(dt.UTC)) / dt.timedelta(minutes=1)


def test_an_item_starting_in_the_spring_forward_gap_lasts_its_minutes_in_real_time():
    _, cal = export(one_sunday_item("2027-03-28", "02:30", 30))  # Berlin: 02:00 → 03:00
    event = cal.events[0]
    assert event.start.replace(tzinfo=None) == dt.datetime(2027, 3, 28, 2, 30)
    assert real_minutes(event) == 30


def test_an_item_across_the_spring_forward_change_ends_on_the_later_clock():
    ics, cal = export(one_sunday_item("2027-03-28", "01:40", 40))
    assert b"DTEND;TZID=Europe/Berlin:20270328T032000" in ics
    assert real_minutes(cal.events[0]) == 40


def test_an_item_in_the_autumn_repeated_hour_keeps_its_wall_times():
    ics, cal = export(one_sunday_item("2026-10-25", "02:10", 40))  # Berlin: 03:00 → 02:00
    assert b"DTSTART;TZID=Europe/Berlin:20261025T021000" in ics
    assert b"DTEND;TZID=Europe/Berlin:20261025T025000" in ics
    assert real_minutes(cal.events[0]) == 40


def test_an_item_ending_in_the_second_repeated_hour_writes_its_end_in_utc():
    ics, cal = export(one_sunday_item("2026-10-25", "02:50", 40))  # ends 02:30 on the second pass
    assert b"DTSTART;TZID=Europe/Berlin:20261025T025000" in ics
    assert b"DTEND:20261025T013000Z" in ics
    assert real_minutes(cal.events[0]) == 40


def test_a_utc_plan_writes_utc_times_without_a_floating_time():
    ics, cal = export(small_plan(timezone="UTC"))
    assert b"DTSTART:20261201T070000Z" in ics
    assert all(e.start.utcoffset() == dt.timedelta(0) for e in cal.events)


@pytest.mark.parametrize("zone", ["America/New_York", "Australia/Sydney", "Asia/Kolkata", "Pacific/Chatham"])
def test_each_zone_gets_its_own_vtimezone(zone):
    ics, cal = export(small_plan(timezone=zone))
    assert [tz.tz_name for tz in cal.timezones] == [zone]
    assert f"DTSTART;TZID={zone}:20261201T070000".encode() in ics


@pytest.mark.parametrize("weeks", [0, 13, -1, True])
def test_weeks_outside_one_to_twelve_are_refused(weeks):
    with pytest.raises(ValueError, match="weeks"):
        build_calendar(small_plan(), uid_base=BASE, stamp=STAMP, weeks=weeks)


def test_twelve_weeks_is_allowed():
    _, cal = export(small_plan(), weeks=12)
    assert len(cal.events) == 48


@pytest.mark.parametrize("bad", [{"reminder_minutes": 241}, {"reminder_minutes": -5},
                                 {"stamp": dt.datetime(2026, 11, 20, 9, 30)}, {"uid_base": ""},
                                 {"refresh_hours": 0}])
def test_nonsense_arguments_are_refused(bad):
    with pytest.raises(ValueError):
        build_calendar(small_plan(), **{"uid_base": BASE, "stamp": STAMP, **bad})


# --- reminders ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("minutes", [1, 10, 240])
def test_a_reminder_is_a_display_alarm_the_given_minutes_before(minutes):
    plan = small_plan()
    ics, cal = export(plan, reminder_minutes=minutes)
    alarms = [a for e in cal.events for a in e.walk("VALARM")]
    assert len(alarms) == stretch_starts(plan) < len(cal.events)   # one per back-to-back stretch
    assert {str(a["ACTION"]) for a in alarms} == {"DISPLAY"}
    assert {a["TRIGGER"].dt for a in alarms} == {-dt.timedelta(minutes=minutes)}
    if minutes < 60:  # icalendar writes whole hours as hours: 240 min is -PT4H
        assert {a["TRIGGER"].to_ical().decode() for a in alarms} == {f"-PT{minutes}M"}
    assert all(str(a["DESCRIPTION"]) for a in alarms)
    vevent = vobject_calendar(ics).vevent_list[0]
    assert vevent.valarm.trigger.value == -dt.timedelta(minutes=minutes)


@pytest.mark.parametrize("minutes", [None, 0])
def test_no_reminder_means_no_alarm(minutes):
    ics, _ = export(small_plan(), reminder_minutes=minutes)
    assert b"VALARM" not in ics


# --- busy-only ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["sciatica-caution", "amber-half-marathoner", "red-runner"])
def test_a_busy_only_calendar_shows_no_exercise_reason_or_health_detail(name):
    plan = example_plan(name)
    ics, cal = export(plan, busy_only=True, weeks=2, reminder_minutes=10,
                      plan_url="https://backstride.example/p/secret")
    text = "\n".join(unfolded_lines(ics)).lower()
    phrases = {plan["name"].lower(), "why:", "secret"}
    for _, it in items_of(plan):
        phrases |= {r.lower() for r in it["reasons"]} | {e["name"].lower() for e in it["exercises"]}
    assert not {p for p in phrases if p and p in text}
    words = (r"\b(pain|amber|red|green|sciatica|diagnosis|core|hamstring|mobility|glute|thoracic|"
             r"warm|cool|run)")
    assert not re.findall(words, text)
    assert len(cal.events) == 2 * len(items_of(plan))
    for event in cal.events:
        assert str(event["SUMMARY"]) == "Busy"
        assert str(event["CLASS"]) == "PRIVATE" and str(event["TRANSP"]) == "OPAQUE"
        assert not {"DESCRIPTION", "CATEGORIES", "URL"} & set(event)


def test_a_busy_only_calendar_keeps_stable_uids_of_its_own():
    plan = example_plan("green-novice")
    _, busy1 = export(plan, busy_only=True)
    _, busy2 = export(plan, busy_only=True, stamp=STAMP + dt.timedelta(hours=1))
    _, full = export(plan)
    uids = [str(e["UID"]) for e in busy1.events]
    assert uids == [str(e["UID"]) for e in busy2.events]
    assert not set(uids) & {str(e["UID"]) for e in full.events}
    assert all(uid.endswith(f"@{BASE}") for uid in uids)


def test_a_busy_only_calendar_does_not_carry_the_plan_name():
    ics, _ = export(small_plan(name="Sciatica week"), busy_only=True)
    assert "X-WR-CALNAME:Training" in unfolded_lines(ics)
    assert "X-WR-CALNAME:Shared" in unfolded_lines(export(small_plan(), busy_only=True, calname="Shared")[0])

