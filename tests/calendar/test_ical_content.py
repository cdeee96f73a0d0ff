"""What a runner sees in their calendar app, and what a client needs to update events, not duplicate them."""

import copy
import datetime as dt
import json
import re
from zoneinfo import ZoneInfo

import pytest
from ical_checks import (
    EXAMPLES,
    block_count,
    check_calendar,
    check_vtimezone,
    example_plan,
    items_of,
    unfolded_lines,
    vobject_calendar,
)

from planner.engine import make_plan
from planner.ical import block_fingerprints, build_calendar, item_fingerprint
from planner.knowledge import default_knowledge
from planner.request import parse_request

STAMP = dt.datetime(2026, 11, 20, 9, 30, tzinfo=dt.UTC)
BASE = "plan-1234.test"
NASTY = "Mine, yours; C:\\Users\\N\\New\\n\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:pwned\nx 🏃‍♀️ é 日本"


def item(key, kind, start, minutes, **extra):
    return {"key": key, "kind": kind, "start": start, "minutes": minutes, "exercises": [], "reasons": [],
            "rules": [], **extra}


def small_plan(*, timezone="Europe/Berlin", week_start="2026-11-30", name="Test week", items=None):
    """A hand-made Contract 2 plan: Tuesday warm-up, run and cool-down (one block); Wednesday core;
    Thursday core and hamstrings back to back (one block)."""
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
    care = [item("thu-core", "core", "18:00", 8, reasons=["Core is one of your weak areas."]),
            item("thu-hamstrings", "hamstrings", "18:08", 8, reasons=["Hamstrings is one of your weak areas."],
                 exercises=[{"id": "strap", "name": "Strap stretch", "dose": "2 × 30 s per side", "minutes": 4,
                             "cue": "", "cautions": []}])]
    days[1]["items"], days[2]["items"], days[3]["items"] = run_day, [core], care
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

def test_the_calendar_has_a_name_and_a_refresh_hint_and_no_method_that_would_need_an_organizer():
    ics, cal = export(small_plan(name="Spring block"), refresh_hours=6)
    lines = unfolded_lines(ics)
    for line in ("VERSION:2.0", "CALSCALE:GREGORIAN", "NAME:Spring block",
                 "X-WR-CALNAME:Spring block", "REFRESH-INTERVAL;VALUE=DURATION:PT6H", "X-PUBLISHED-TTL:PT6H"):
        assert line in lines
    assert not [line for line in lines if line.startswith("METHOD")]
    assert str(cal["PRODID"]).startswith("-//Backstride//")


def test_the_calendar_name_is_the_given_name_then_the_plan_name_then_backstride_week():
    assert "NAME:Mine" in unfolded_lines(export(small_plan(), calname="Mine")[0])
    assert "NAME:Test week" in unfolded_lines(export(small_plan())[0])
    assert "X-WR-CALNAME:Backstride week" in unfolded_lines(export(small_plan(name=""))[0])


def test_the_default_refresh_hint_is_twelve_hours():
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT12H" in unfolded_lines(export(small_plan())[0])


# --- events: one per block ------------------------------------------------------------------------------

TUE, WED, THU = (f"{key}-{date}@{BASE}" for key, date in
                 (("tue-run", "2026-12-01"), ("wed-care", "2026-12-02"), ("thu-care", "2026-12-03")))


def test_back_to_back_items_are_one_event_titled_like_the_block():
    _, cal = export(small_plan())
    summaries = {str(e["UID"]): str(e["SUMMARY"]) for e in cal.events}
    assert summaries == {TUE: "Easy run · 35 min", WED: "Back care · 12 min", THU: "Back care · 16 min"}
    run = by_uid(cal)[TUE]
    assert run.start.replace(tzinfo=None) == dt.datetime(2026, 12, 1, 6, 52)     # the warm-up's start
    assert run.end.replace(tzinfo=None) == dt.datetime(2026, 12, 1, 7, 41)       # the cool-down's end


def test_the_description_lists_the_parts_with_their_exercises_doses_and_reasons_in_order():
    _, cal = export(small_plan(), site_url="https://backstride.example")
    text = str(by_uid(cal)[WED]["DESCRIPTION"])
    order = ["Back care · 12 min: core · 19:00–19:12", "Core · 12 min",
             "McGill curl-up: 3 × 6-4-2 reps, 8–10 s holds", "Lift head and shoulders as one block.",
             "Caution: Not within 2 h of waking.", "https://backstride.example/exercises/curl",
             "Bird dog: 2 × 8 per side", "https://backstride.example/exercises/bird",
             "Why: Core is one of your weak areas.", "Exercise guidance, not a diagnosis."]
    positions = [text.index(part) for part in order]
    assert positions == sorted(positions)
    assert text.endswith("Exercise guidance, not a diagnosis.")


def test_a_run_blocks_description_names_warm_up_run_and_cool_down_and_why_the_run_was_cut():
    _, cal = export(small_plan())
    text = str(by_uid(cal)[TUE]["DESCRIPTION"])
    order = ["Easy run · 35 min, with warm-up and cool-down · 06:52–07:41", "Warm-up · 8 min",
             "Easy run · 35 min (you asked for 40)", "Why: AMBER pain: run held at least 10 % shorter",
             "Cool-down · 6 min"]
    positions = [text.index(part) for part in order]
    assert positions == sorted(positions)
    assert not re.search(r"\bR\d+\b|pain-amber", text)      # rule ids stay behind the app's "why"


def test_a_reason_two_parts_share_is_said_once():
    plan = small_plan()
    for it in plan["days"][3]["items"]:
        it["reasons"].append("Rest day: gentle work only.")
    _, cal = export(plan)
    assert str(by_uid(cal)[THU]["DESCRIPTION"]).count("Rest day: gentle work only.") == 1


def test_every_event_says_it_is_guidance_and_not_a_diagnosis():
    _, cal = export(example_plan("sciatica-caution"))
    assert all(str(e["DESCRIPTION"]).endswith("Exercise guidance, not a diagnosis.") for e in cal.events)


def test_categories_say_run_or_back_care_and_no_event_has_a_url():
    _, cal = export(small_plan(), site_url="https://backstride.example")
    events = by_uid(cal)
    assert events[TUE].categories == ["Run"]
    assert events[WED].categories == events[THU].categories == ["Back care"]
    assert all("URL" not in e for e in cal.events)


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


# --- privacy --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["amber-half-marathoner", "green-novice", "sciatica-caution"])
def test_no_event_carries_a_private_page_link_only_public_exercise_pages(name):
    plan = example_plan(name)
    ics, cal = export(plan, weeks=1, site_url="https://backstride.example", reminder_minutes=10)
    text = "\n".join(unfolded_lines(ics))
    assert "/p/" not in text and "URL" not in {p for e in cal.events for p in e}
    links = set(re.findall(r"https://backstride\.example/\S*", readable(text.replace("\\n", "\n"))))
    ids = {ex["id"] for _, it in items_of(plan) for ex in it["exercises"]}
    assert links == {f"https://backstride.example/exercises/{i}" for i in ids} and links


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
    assert len(cal.events) == 3  # no injected event
    assert readable(cal["NAME"]) == readable(cal["X-WR-CALNAME"]) == expected_text(NASTY)
    core = by_uid(cal)[WED]
    assert f"Why: {expected_text(NASTY)}" in readable(core["DESCRIPTION"])
    vcal = vobject_calendar(ics)
    assert readable(vcal.contents["x-wr-calname"][0].value) == expected_text(NASTY)
    assert len(vcal.contents["vevent"]) == 3
    core_v = next(e for e in vcal.vevent_list if e.uid.value == WED)
    assert f"Why: {expected_text(NASTY)}" in readable(core_v.description.value)


def test_user_text_cannot_start_a_line_of_its_own():
    plan = small_plan(name=NASTY)
    plan["days"][2]["items"][0]["exercises"][0]["cue"] = NASTY
    ics, _ = export(plan)
    physical = ics.split(b"\r\n")
    assert physical.count(b"BEGIN:VEVENT") == 3 and physical.count(b"END:VEVENT") == 3
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


def test_uids_are_the_block_key_and_its_date_at_the_uid_base_never_a_week_index():
    _, cal = export(small_plan(), weeks=2)
    assert sorted(str(e["UID"]) for e in cal.events) == sorted(
        f"{key}-{date}@{BASE}" for key, date in (
            ("tue-run", "2026-12-01"), ("wed-care", "2026-12-02"), ("thu-care", "2026-12-03"),
            ("tue-run", "2026-12-08"), ("wed-care", "2026-12-09"), ("thu-care", "2026-12-10")))
    assert not [str(e["UID"]) for e in cal.events if re.search(r"-w\d+@", str(e["UID"]))]


def test_a_later_weeks_own_plan_never_reuses_an_earlier_weeks_uids():
    this = small_plan()
    later = small_plan(week_start="2026-12-07")
    uids = [{str(e["UID"]) for e in export(p)[1].events} for p in (this, later)]
    assert uids[0] and uids[1] and not uids[0] & uids[1]


def test_changing_one_items_minutes_changes_only_its_blocks_fingerprint():
    plan = example_plan("amber-half-marathoner")
    changed = copy.deepcopy(plan)
    target = changed["days"][1]["items"][1]
    assert target["key"] == "tue-run"
    target["minutes"] -= 5
    changed["days"][1]["items"][2]["start"] = "07:30"      # the cool-down follows the shorter run
    before, after = block_fingerprints(plan), block_fingerprints(changed)
    assert before.keys() == after.keys()
    assert [k for k in before if before[k] != after[k]] == ["tue-run-2026-12-01"]


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


def test_moving_a_block_changes_its_fingerprint():
    plan = small_plan()
    moved = copy.deepcopy(plan)
    moved["days"][2]["items"][0]["start"] = "19:30"
    assert block_fingerprints(plan)["wed-care-2026-12-02"] != block_fingerprints(moved)["wed-care-2026-12-02"]


def test_a_replanned_week_gives_the_same_fingerprints():
    knowledge = default_knowledge()
    data = json.loads((EXAMPLES / "green-novice.json").read_text(encoding="utf-8"))
    again = make_plan(parse_request(data, knowledge.vocabulary), knowledge).to_dict()
    assert block_fingerprints(again) == block_fingerprints(example_plan("green-novice"))


def test_a_bumped_sequence_applies_to_that_blocks_events_only_and_repeated_weeks_follow_it():
    _, cal = export(small_plan(), weeks=3, sequences={"tue-run-2026-12-01": 1})
    seq = {str(e["UID"]): int(e["SEQUENCE"]) for e in cal.events}
    assert {uid for uid, s in seq.items() if s == 1} == {
        f"tue-run-{d}@{BASE}" for d in ("2026-12-01", "2026-12-08", "2026-12-15")}
    assert set(seq.values()) == {0, 1}


# --- several weeks and daylight-saving time -------------------------------------------------------------

def test_three_weeks_repeat_each_block_seven_days_apart_at_the_same_local_time_across_dst():
    knowledge = default_knowledge()
    data = json.loads((EXAMPLES / "amber-half-marathoner.json").read_text(encoding="utf-8"))
    data["week_start"] = "2027-03-22"  # Europe/Berlin springs forward on Sunday 2027-03-28
    plan = make_plan(parse_request(data, knowledge.vocabulary), knowledge).to_dict()
    _, cal = export(plan, weeks=3)
    assert len(cal.events) == 3 * block_count(plan)
    by_key: dict[str, list] = {}
    for event in sorted(cal.events, key=lambda e: e.start):
        by_key.setdefault(str(event["UID"]).rsplit("-", 3)[0], []).append(event.start)
    shifted = 0
    for starts in by_key.values():
        walls = [s.replace(tzinfo=None) for s in starts]
        assert walls[1] - walls[0] == walls[2] - walls[1] == dt.timedelta(days=7)
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


@pytest.mark.parametrize(("date", "start", "minutes", "moved_to"), [
    ("2027-03-28", "02:30", 30, "03:00"),     # Berlin springs forward 02:00 → 03:00: 02:30 does not exist
    ("2027-03-28", "01:40", 40, "03:00"),     # would run into the gap
    ("2026-10-25", "02:10", 40, "03:00"),     # Berlin falls back 03:00 → 02:00: 02:10 happens twice
    ("2026-10-25", "01:50", 40, "03:00"),     # would run into the repeated hour
])
def test_a_block_a_plan_puts_on_a_dst_change_moves_to_the_first_clear_time_and_says_so(date, start, minutes,
                                                                                        moved_to):
    ics, cal = export(one_sunday_item(date, start, minutes))
    event = cal.events[0]
    assert f"{event.start:%H:%M}" == moved_to and real_minutes(event) == minutes
    assert f"moves from {start} to {moved_to}" in str(event["DESCRIPTION"])
    assert "TZID=Europe/Berlin" in unfolded_lines(ics)[[i for i, line in enumerate(unfolded_lines(ics))
                                                       if line.startswith("DTEND")][0]]


def test_a_block_in_a_gap_at_midnight_moves_to_the_first_clear_time():
    plan = one_sunday_item("2026-09-06", "00:10", 30)   # Santiago springs forward at 00:00 → 01:00
    plan["timezone"] = "America/Santiago"
    _, cal = export(plan)
    assert f"{cal.events[0].start:%H:%M}" == "01:00"


def test_a_utc_plan_writes_utc_times_without_a_floating_time():
    ics, cal = export(small_plan(timezone="UTC"))
    assert b"DTSTART:20261201T065200Z" in ics
    assert all(e.start.utcoffset() == dt.timedelta(0) for e in cal.events)


@pytest.mark.parametrize("zone", ["America/New_York", "Australia/Sydney", "Asia/Kolkata", "Pacific/Chatham"])
def test_each_zone_gets_its_own_full_vtimezone_without_comment_and_one_rdate_per_line(zone):
    ics, cal = export(small_plan(timezone=zone))
    assert [tz.tz_name for tz in cal.timezones] == [zone]
    assert f"DTSTART;TZID={zone}:20261201T065200".encode() in ics
    vtz = vobject_calendar(ics).vtimezone
    check_vtimezone(vtz, range(1971, 2038))
    lines = unfolded_lines(ics)
    assert not [line for line in lines if line.startswith("COMMENT")]
    rdates = [line for line in lines if line.startswith("RDATE")]
    assert all("," not in line for line in rdates)
    if zone != "Asia/Kolkata":          # zones with DST list an onset for each change up to 2037
        assert any(line.startswith("RDATE:2037") for line in rdates)


@pytest.mark.parametrize("weeks", [0, 13, -1, True])
def test_weeks_outside_one_to_twelve_are_refused(weeks):
    with pytest.raises(ValueError, match="weeks"):
        build_calendar(small_plan(), uid_base=BASE, stamp=STAMP, weeks=weeks)


def test_twelve_weeks_is_allowed():
    _, cal = export(small_plan(), weeks=12)
    assert len(cal.events) == 36


@pytest.mark.parametrize("bad", [{"reminder_minutes": 241}, {"reminder_minutes": -5},
                                 {"stamp": dt.datetime(2026, 11, 20, 9, 30)}, {"uid_base": ""},
                                 {"refresh_hours": 0}, {"site_url": "https://x.example/a b"}])
def test_nonsense_arguments_are_refused(bad):
    with pytest.raises(ValueError):
        build_calendar(small_plan(), **{"uid_base": BASE, "stamp": STAMP, **bad})


# --- reminders ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("minutes", [1, 10, 240])
def test_a_reminder_is_one_display_alarm_per_block_the_given_minutes_before(minutes):
    plan = small_plan()
    ics, cal = export(plan, reminder_minutes=minutes)
    alarms = [a for e in cal.events for a in e.walk("VALARM")]
    assert len(alarms) == len(cal.events) == 3
    assert {str(a["ACTION"]) for a in alarms} == {"DISPLAY"}
    assert {a["TRIGGER"].dt for a in alarms} == {-dt.timedelta(minutes=minutes)}
    if minutes < 60:  # icalendar writes whole hours as hours: 240 min is -PT4H
        assert {a["TRIGGER"].to_ical().decode() for a in alarms} == {f"-PT{minutes}M"}
    assert str(by_uid(cal)[TUE].walk("VALARM")[0]["DESCRIPTION"]) == "Easy run · 35 min at 06:52"
    vevent = vobject_calendar(ics).vevent_list[0]
    assert vevent.valarm.trigger.value == -dt.timedelta(minutes=minutes)


@pytest.mark.parametrize("minutes", [None, 0])
def test_no_reminder_means_no_alarm(minutes):
    ics, _ = export(small_plan(), reminder_minutes=minutes)
    assert b"VALARM" not in ics


# --- busy-only ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["sciatica-caution", "amber-half-marathoner", "red-runner"])
def test_a_busy_only_calendar_shows_one_busy_per_block_and_no_health_detail(name):
    plan = example_plan(name)
    ics, cal = export(plan, busy_only=True, weeks=2, reminder_minutes=10, site_url="https://secret.example")
    text = "\n".join(unfolded_lines(ics)).lower()
    phrases = {plan["name"].lower(), "why:", "secret", "exercises/"}
    for _, it in items_of(plan):
        phrases |= {r.lower() for r in it["reasons"]} | {e["name"].lower() for e in it["exercises"]}
    assert not {p for p in phrases if p and p in text}
    words = (r"\b(pain|amber|red|green|sciatica|diagnosis|core|hamstring|mobility|glute|thoracic|"
             r"warm|cool|run|care)")
    assert not re.findall(words, text)
    assert len(cal.events) == 2 * block_count(plan)
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


def test_a_return_to_run_walk_is_a_brisk_walk_in_the_calendar_not_an_easy_run():
    """Review finding: the calendar rebuilt items without their intervals, so a ladder walk was "Easy run"."""
    knowledge = default_knowledge()
    raw = {"week_start": "2026-11-30", "timezone": "Europe/Berlin", "returning": True,
           "runs": [{"day": d, "kind": "easy", "minutes": 40, "start": "07:00"} for d in ("tue", "thu", "sat")],
           "history": {"longest_run_30d_minutes": 40, "last_week_run_minutes": 0}}
    plan = make_plan(parse_request(raw, knowledge.vocabulary), knowledge).to_dict()
    assert plan["ladder"]["level"] == "L0"
    summaries = [line for line in unfolded_lines(build_calendar(plan, uid_base=BASE, stamp=STAMP))
                 if line.startswith("SUMMARY:")]
    walks = [s for s in summaries if "walk" in s.lower()]
    assert walks and all(s.startswith("SUMMARY:Brisk walk · 30 min") for s in walks)
    assert not any("run" in s.lower() for s in summaries)
